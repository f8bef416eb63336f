module RefModule (
  input clk,
  input areset,
  input x,
  output z
);
  parameter IDLE = 2'd0, GOT1 = 2'd1, GOT10 = 2'd2, GOT101 = 2'd3;
  reg [1:0] state, next;
  always @(*) begin
    case (state)
      IDLE:    next = x ? GOT1 : IDLE;
      GOT1:    next = x ? GOT1 : GOT10;
      GOT10:   next = x ? GOT101 : IDLE;
      default: next = x ? GOT1 : GOT10;
    endcase
  end
  always @(posedge clk, posedge areset)
    if (areset)
      state <= IDLE;
    else
      state <= next;
  assign z = (state == GOT101);
endmodule
