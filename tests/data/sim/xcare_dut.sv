// Same as the reference but the register starts at 0: where the reference is X, any value is fine.
module Hold(input clock, input reset, input load, input [3:0] d, output reg [3:0] held);
  initial held = 4'd0;
  always @(posedge clock) if (load) held <= d;
endmodule
