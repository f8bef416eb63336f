`timescale 1 ps/1 ps

// Stimulus for Prob002_dff8r: drives every input of RefModule and TopModule, then ends the run.
module stimulus_gen (
	input clk,
	output reg reset,
	output reg [7:0] d
);
	initial begin

		reset <= 1;
		d <= 8'h55;
		repeat (2) @(posedge clk);
		reset <= 0;
		repeat (200) @(negedge clk) begin
			d <= $random;
			reset <= ($random & 15) == 0;
		end
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
	wire [7:0] d;
	wire [7:0] q_ref;
	wire [7:0] q_dut;

	stimulus_gen stim1 (.clk(clk), .reset(reset), .d(d));
	RefModule good1 (.clk(clk), .reset(reset), .d(d), .q(q_ref));
	TopModule top_module1 (.clk(clk), .reset(reset), .d(d), .q(q_dut));

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
