`timescale 1 ps/1 ps

// Stimulus for Prob004_fsm_seq101: drives every input of RefModule and TopModule, then ends the run.
module stimulus_gen (
	input clk,
	output reg areset,
	output reg x
);
	initial begin

		areset <= 1;
		x <= 0;
		@(posedge clk);
		@(negedge clk) areset <= 0;
		// 10101: two overlapping matches
		@(negedge clk) x <= 1;
		@(negedge clk) x <= 0;
		@(negedge clk) x <= 1;
		@(negedge clk) x <= 0;
		@(negedge clk) x <= 1;
		@(negedge clk) x <= 0;
		repeat (300) @(negedge clk) begin
			x <= $random;
			// asynchronous reset pulses start between clock edges
			areset <= ($random & 31) == 0;
		end
		#1 $finish;
	end
endmodule

module tb();
	integer errors = 0;
	integer errortime = 0;
	integer clocks = 0;
	integer errors_z = 0;
	integer errortime_z = 0;

	reg clk = 0;
	initial forever #5 clk = ~clk;

	wire areset;
	wire x;
	wire z_ref;
	wire z_dut;

	stimulus_gen stim1 (.clk(clk), .areset(areset), .x(x));
	RefModule good1 (.clk(clk), .areset(areset), .x(x), .z(z_ref));
	TopModule top_module1 (.clk(clk), .areset(areset), .x(x), .z(z_dut));

	// X bits of the reference are don't-cares: XOR-ing with the reference twice turns them into X on both sides.
	wire tb_match = ({z_ref} === ({z_ref} ^ {z_dut} ^ {z_ref}));

	final begin
		if (errors_z) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "z", errors_z, errortime_z);
		else $display("Hint: Output '%s' has no mismatches.", "z");
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
		if (z_ref !== (z_ref ^ z_dut ^ z_ref)) begin
			if (errors_z == 0) errortime_z = $time;
			errors_z = errors_z + 1;
		end
	end

	// Guard against a design that stops time from advancing.
	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end
endmodule
