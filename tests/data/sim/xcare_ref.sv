// Reference whose `held` output is X until the first load (a register without reset).
module Hold(input clock, input reset, input load, input [3:0] d, output reg [3:0] held);
  always @(posedge clock) if (load) held <= d;
endmodule
