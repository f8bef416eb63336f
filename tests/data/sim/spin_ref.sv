module Spin(input clock, input reset, output reg [3:0] q);
  always @(posedge clock) q <= reset ? 4'd0 : q + 4'd1;
endmodule
