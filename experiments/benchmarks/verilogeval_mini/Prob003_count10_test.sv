`timescale 1 ps/1 ps

// Stimulus for Prob003_count10: drives every input of RefModule and TopModule, then ends the run.
module stimulus_gen (
	input clk,
	output reg reset
);
	initial begin

		reset <= 1;
		repeat (2) @(posedge clk);
		reset <= 0;
		// run through several full periods before random resets start
		repeat (30) @(negedge clk);
		repeat (200) @(negedge clk) reset <= ($random & 31) == 0;
		#1 $finish;
	end
endmodule

module tb();
	integer errors = 0;
	integer errortime = 0;
	integer clocks = 0;
	integer errors_q = 0;
	integer errortime_q = 0;

	reg clk = 0;
	initial forever #5 clk = ~clk;

	wire reset;
	wire [3:0] q_ref;
	wire [3:0] q_dut;

	stimulus_gen stim1 (.clk(clk), .reset(reset));
	RefModule good1 (.clk(clk), .reset(reset), .q(q_ref));
	TopModule top_module1 (.clk(clk), .reset(reset), .q(q_dut));

	// X bits of the reference are don't-cares: XOR-ing with the reference twice turns them into X on both sides.
	wire tb_match = ({q_ref} === ({q_ref} ^ {q_dut} ^ {q_ref}));

	final begin
		if (errors_q) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "q", errors_q, errortime_q);
		else $display("Hint: Output '%s' has no mismatches.", "q");
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
		if (q_ref !== (q_ref ^ q_dut ^ q_ref)) begin
			if (errors_q == 0) errortime_q = $time;
			errors_q = errors_q + 1;
		end
	end

	// Guard against a design that stops time from advancing.
	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end
endmodule
