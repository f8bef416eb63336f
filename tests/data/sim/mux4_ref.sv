module Mux4(sel, a, b, c, d, y, any);  // non-ANSI header on purpose
  input [1:0] sel;
  input [3:0] a, b, c, d;
  output reg [3:0] y;
  output any;
  always @(*) begin
    case (sel)
      2'd0: y = a;
      2'd1: y = b;
      2'd2: y = c;
      default: y = d;
    endcase
  end
  assign any = y != 4'd0;
endmodule
