`timescale 1 ps/1 ps

// Stimulus for Prob005_vector_reverse: drives every input of RefModule and TopModule, then ends the run.
module stimulus_gen (
	input clk,
	output reg [7:0] in
);
	initial begin

		in <= 8'h01;
		// walking one, then random values
		repeat (8) @(negedge clk) in <= {in[6:0], in[7]};
		repeat (60) @(posedge clk, negedge clk) in <= $random;
		#1 $finish;
	end
endmodule

module tb();
	integer errors = 0;
	integer errortime = 0;
	integer clocks = 0;
	integer errors_out = 0;
	integer errortime_out = 0;

	reg clk = 0;
	initial forever #5 clk = ~clk;

	wire [7:0] in;
	wire [7:0] out_ref;
	wire [7:0] out_dut;

	stimulus_gen stim1 (.clk(clk), .in(in));
	RefModule good1 (.in(in), .out(out_ref));
	TopModule top_module1 (.in(in), .out(out_dut));

	// X bits of the reference are don't-cares: XOR-ing with the reference twice turns them into X on both sides.
	wire tb_match = ({out_ref} === ({out_ref} ^ {out_dut} ^ {out_ref}));

	final begin
		if (errors_out) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "out", errors_out, errortime_out);
		else $display("Hint: Output '%s' has no mismatches.", "out");
		$display("Hint: Total mismatched samples is %1d out of %1d samples", errors, clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", errors, clocks);
	end

	// Sample on both clock edges, as the VerilogEval testbenches do.
	always @(posedge clk, negedge clk) begin
		clocks = clocks + 1;
		if (!tb_match) begin
			if (errors == 0) errortime = $time;
			errors = errors + 1;
		end
		if (out_ref !== (out_ref ^ out_dut ^ out_ref)) begin
			if (errors_out == 0) errortime_out = $time;
			errors_out = errors_out + 1;
		end
	end

	// Guard against a design that stops time from advancing.
	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end
endmodule
