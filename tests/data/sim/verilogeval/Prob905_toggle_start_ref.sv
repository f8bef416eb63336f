module RefModule (
  input clk,
  input t,
  output reg q
);
  // A start value without a reset (as VerilogEval's Prob053/074/104 do).
  initial q = 1'b0;
  always @(posedge clk)
    q <= q ^ t;
endmodule
