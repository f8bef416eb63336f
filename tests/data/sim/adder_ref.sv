// Hand-written reference for Adder. It defines Add8 too (a different implementation), so the
// differential runner must rename the reference's modules to keep them apart from the DUT's.
module Add8(input [7:0] x, input [7:0] y, output reg [7:0] s);
  always @* s = x + y;
endmodule

module Adder (
  input wire clock,
  input wire reset,
  input wire [7:0] io_a,
  input wire [7:0] io_b,
  output wire [7:0] io_out
);
  wire [7:0] sum;
  Add8 add (.x(io_a), .y(io_b), .s(sum));
  assign io_out = sum;
endmodule
