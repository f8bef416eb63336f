// Behavioural reference for Counter (firtool output in counter.sv): 4-bit counter, synchronous
// active-high reset to 0, load has priority over enable.
module Counter(
  input clock,
  input reset,
  input io_en,
  input io_load,
  input [3:0] io_d,
  output reg [3:0] io_q,
  output io_wrap
);
  always @(posedge clock) begin
    if (reset) io_q <= 4'd0;
    else if (io_load) io_q <= io_d;
    else if (io_en) io_q <= io_q + 4'd1;
  end
  assign io_wrap = io_q == 4'hf;
endmodule
