`timescale 1 ps/1 ps

// Resets, counts with en held high through several wraps, then random en with rare resets.
module stimulus_gen (
  input clk,
  output logic reset,
  output logic en
);
  initial begin
    reset <= 1;
    en <= 0;
    @(posedge clk);
    @(posedge clk) reset <= 0;
    en <= 1;
    repeat (12) @(posedge clk);
    @(negedge clk) en <= 0;
    repeat (3) @(posedge clk);
    repeat (300) @(negedge clk) begin
      en <= $random;
      reset <= !($random & 31);
    end
    #1 $finish;
  end
endmodule

module tb();
  typedef struct packed {
    int errors;
    int errortime;
    int errors_q;
    int errortime_q;
    int clocks;
  } stats;
  stats stats1;

  reg clk = 0;
  initial forever #5 clk = ~clk;

  logic reset, en;
  logic [2:0] q_ref, q_dut;

  initial begin
    $dumpfile("wave.vcd");
    $dumpvars(1, clk, reset, en, q_ref, q_dut);
  end

  wire tb_match;
  stimulus_gen stim1 (.clk, .reset, .en);
  RefModule good1 (.clk, .reset, .en, .q(q_ref));
  TopModule top_module1 (.clk, .reset, .en, .q(q_dut));

  final begin
    if (stats1.errors_q) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "q", stats1.errors_q, stats1.errortime_q);
    else $display("Hint: Output '%s' has no mismatches.", "q");
    $display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
    $display("Simulation finished at %0d ps", $time);
    $display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
  end

  assign tb_match = ({q_ref} === ({q_ref} ^ {q_dut} ^ {q_ref}));

  always @(posedge clk, negedge clk) begin
    stats1.clocks++;
    if (!tb_match) begin
      if (stats1.errors == 0) stats1.errortime = $time;
      stats1.errors++;
    end
    if (q_ref !== (q_ref ^ q_dut ^ q_ref)) begin
      if (stats1.errors_q == 0) stats1.errortime_q = $time;
      stats1.errors_q++;
    end
  end

  initial begin
    #1000000
    $display("TIMEOUT");
    $finish();
  end
endmodule
