module RefModule (
  input clk,
  input resetn,
  input [3:0] in,
  output reg odd
);
  // The worked example of the VerilogEval instructions (agent/eval/benchmarks.py), not a VerilogEval problem.
  always @(posedge clk)
    if (!resetn) odd <= 1'b0;
    else odd <= odd ^ (^in);
endmodule
