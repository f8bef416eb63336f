module Acc(input logic clk, input logic rst_n, input logic en, input logic [7:0] d, output logic [7:0] sum);
  always_ff @(posedge clk) begin
    if (~rst_n) sum <= '0;
    else if (en) sum <= sum + d;
  end
endmodule
