`timescale 1 ps/1 ps

// Active-low synchronous reset first, then random inputs with rare resets.
module stimulus_gen (
  input clk,
  output logic resetn,
  output logic [3:0] in
);
  initial begin
    resetn <= 0;
    in <= 0;
    @(posedge clk);
    @(posedge clk) resetn <= 1;
    repeat (300) @(negedge clk) begin
      in <= $random;
      resetn <= (($random & 31) != 0);
    end
    #1 $finish;
  end
endmodule

module tb();
  typedef struct packed {
    int errors;
    int errortime;
    int errors_odd;
    int errortime_odd;
    int clocks;
  } stats;
  stats stats1;

  reg clk = 0;
  initial forever #5 clk = ~clk;

  logic resetn;
  logic [3:0] in;
  logic odd_ref, odd_dut;

  wire tb_match;
  stimulus_gen stim1 (.clk, .resetn, .in);
  RefModule good1 (.clk, .resetn, .in, .odd(odd_ref));
  TopModule top_module1 (.clk, .resetn, .in, .odd(odd_dut));

  final begin
    if (stats1.errors_odd) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "odd", stats1.errors_odd, stats1.errortime_odd);
    else $display("Hint: Output '%s' has no mismatches.", "odd");
    $display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
    $display("Simulation finished at %0d ps", $time);
    $display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
  end

  assign tb_match = ({odd_ref} === ({odd_ref} ^ {odd_dut} ^ {odd_ref}));

  always @(posedge clk, negedge clk) begin
    stats1.clocks++;
    if (!tb_match) begin
      if (stats1.errors == 0) stats1.errortime = $time;
      stats1.errors++;
    end
    if (odd_ref !== (odd_ref ^ odd_dut ^ odd_ref)) begin
      if (stats1.errors_odd == 0) stats1.errortime_odd = $time;
      stats1.errors_odd++;
    end
  end

  initial begin
    #1000000
    $display("TIMEOUT");
    $finish();
  end
endmodule
