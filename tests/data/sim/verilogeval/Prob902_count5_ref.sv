module RefModule (
  input clk,
  input reset,
  input en,
  output logic [2:0] q
);
  always @(posedge clk)
    if (reset) q <= 3'd0;
    else if (en) q <= (q == 3'd4) ? 3'd0 : q + 3'd1;
endmodule
