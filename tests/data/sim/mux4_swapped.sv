// A RawModule-style combinational design (no clock, no reset), ports grouped firtool-style.
module Mux4(
  input  [1:0] sel,
  input  [3:0] a,
               b,
               c,
               d,
  output [3:0] y,
  output       any
);
  assign y = sel == 2'h0 ? a : sel == 2'h1 ? c : sel == 2'h2 ? b : d;
  assign any = |y;
endmodule
