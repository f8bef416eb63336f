// The DUT leaves `held` X forever while the reference drives it: X in the DUT is a mismatch.
module Hold(input clock, input reset, input load, input [3:0] d, output reg [3:0] held);
  always @(posedge clock) if (reset) held <= 4'bxxxx;
endmodule
