// Reference for Detector, one-hot encoded and written differently from the firtool DUT.
// io_hit is high in the cycle after the inputs ended in 1,0,1 (overlapping matches).
module Detector(input clock, input reset, input io_in, output io_hit, output [1:0] io_state);
  reg [3:0] onehot;  // {seen101, seen10, seen1, idle}
  always @(posedge clock) begin
    if (reset) onehot <= 4'b0001;
    else case (1'b1)
      onehot[0]: onehot <= io_in ? 4'b0010 : 4'b0001;
      onehot[1]: onehot <= io_in ? 4'b0010 : 4'b0100;
      onehot[2]: onehot <= io_in ? 4'b1000 : 4'b0001;
      default:   onehot <= io_in ? 4'b0010 : 4'b0100;
    endcase
  end
  assign io_hit = onehot[3];
  assign io_state = onehot[3] ? 2'd3 : onehot[2] ? 2'd2 : onehot[1] ? 2'd1 : 2'd0;
endmodule
