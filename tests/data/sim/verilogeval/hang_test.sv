`timescale 1 ps/1 ps
// A broken testbench for the timeout path: the clock runs forever and nothing calls $finish.
module tb();
  reg clk = 0;
  initial forever #5 clk = ~clk;
  logic [7:0] a = 0, b = 0;
  logic [7:0] min_ref, min_dut, max_ref, max_dut;
  RefModule good1 (.a, .b, .min(min_ref), .max(max_ref));
  TopModule top_module1 (.a, .b, .min(min_dut), .max(max_dut));
  always @(posedge clk) a <= a + 1;
endmodule
