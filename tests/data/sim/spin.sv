// A design that never lets simulated time advance: the clock edge starts an endless loop.
module Spin(input clock, input reset, output reg [3:0] q);
  always @(posedge clock) begin
    while (1) q = q + 4'd1;
  end
endmodule
