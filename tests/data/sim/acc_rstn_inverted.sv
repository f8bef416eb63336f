// Accumulator with an active-low synchronous reset.
module Acc(
  input        clk,
               rst_n,
               en,
  input  [7:0] d,
  output [7:0] sum
);
  reg [7:0] acc;
  always @(posedge clk) begin
    if (rst_n)
      acc <= 8'h0;
    else if (en)
      acc <= acc + d;
  end
  assign sum = acc;
endmodule
