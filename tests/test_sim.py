"""reflect_env.sim: port parsing, module renaming, clock/reset detection and the three simulation
protocols, run for real with iverilog (and Verilator for the slow test) on hand-written SV and on
firtool output (tests/data/sim/*.fir -> *.sv, firtool 1.155.0)."""
from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pytest

from reflect_env.sim import (
    Port, PortError, classify, differential, module_names, parse_ports, prefix_modules, verilator_cpp, verilogeval,
)
from reflect_env.sim.runner import HEAD_BYTES, TAIL_BYTES, run_bounded
from reflect_env.sim.ports import uses_signal
from reflect_env.sim.signals import is_clock, reset_of
from reflect_env.sim.stimulus import make_stimulus

DATA = Path(__file__).parent / "data" / "sim"
VE = DATA / "verilogeval"
needs_iverilog = pytest.mark.skipif(not (shutil.which("iverilog") and shutil.which("vvp")), reason="iverilog not installed")


def sv(name: str) -> str:
    return (DATA / name).read_text()


def diff(tmp_path, dut_file, top, ref_file, **kw):
    return differential(sv(dut_file), top, DATA / ref_file, top, workdir=tmp_path, **kw)


# ---- ports --------------------------------------------------------------------------------------

def test_parse_ports_firtool_grouped():
    # `input clock,\n reset,` and `input [7:0] io_a,\n io_b,`: continuation lines inherit direction and width.
    assert parse_ports(sv("adder.sv"), "Adder") == [
        Port("clock", "input", 1), Port("reset", "input", 1), Port("io_a", "input", 8), Port("io_b", "input", 8),
        Port("io_out", "output", 8),
    ]
    assert parse_ports(sv("adder.sv"), "Add8") == [Port("x", "input", 8), Port("y", "input", 8), Port("s", "output", 8)]
    counter = parse_ports(sv("counter.sv"), "Counter")  # file with firtool's macro header and initial blocks
    assert [(p.name, p.direction, p.width) for p in counter] == [
        ("clock", "input", 1), ("reset", "input", 1), ("io_en", "input", 1), ("io_load", "input", 1),
        ("io_d", "input", 4), ("io_q", "output", 4), ("io_wrap", "output", 1),
    ]
    assert module_names(sv("counter.sv")) == ["Inc", "Counter"]


def test_parse_ports_handwritten_styles():
    assert [(p.name, p.direction, p.width) for p in parse_ports(sv("mux4_ref.sv"), "Mux4")] == [
        ("sel", "input", 2), ("a", "input", 4), ("b", "input", 4), ("c", "input", 4), ("d", "input", 4),
        ("y", "output", 4), ("any", "output", 1),
    ]
    text = """
    // module Decoy(input x);  (commented out, must be ignored)
    module Mul #(parameter W = 8, parameter P = 2*W) (
      input  wire signed [W-1:0] a, b,   /* two operands */
      input  logic [$clog2(W):0] shift,
      input  integer count,
      output reg  [P-1:0] p,
      output logic [3:0][1:0] packed2d
    );
      localparam UNUSED = 3;
    endmodule
    """
    ports = parse_ports(text, "Mul")
    assert [(p.name, p.direction, p.width, p.signed) for p in ports] == [
        ("a", "input", 8, True), ("b", "input", 8, True), ("shift", "input", 4, False), ("count", "input", 32, True),
        ("p", "output", 16, False), ("packed2d", "output", 8, False),
    ]
    assert module_names(text) == ["Mul"]


def test_parse_ports_errors_are_readable():
    with pytest.raises(PortError, match=r"module Nope not found \(defined: Add8, Adder\)"):
        parse_ports(sv("adder.sv"), "Nope")
    with pytest.raises(PortError, match="unpacked array"):
        parse_ports("module M(input [7:0] mem [0:3], output o); endmodule", "M")
    with pytest.raises(PortError, match="no direction declared for port\\(s\\) b"):
        parse_ports("module M(a, b); input a; endmodule", "M")


def test_prefix_modules_renames_declarations_and_instances_only():
    text = sv("adder_ref.sv") + "\nmodule Top(input [7:0] Add8, output [7:0] o);\n  Adder #() u (.clock(1'b0), .reset(1'b0), .io_a(Add8), .io_b(Add8), .io_out(o));\nendmodule : Top\n"
    out, mapping = prefix_modules(text)
    assert mapping == {"Add8": "ref__Add8", "Adder": "ref__Adder", "Top": "ref__Top"}
    assert module_names(out) == ["ref__Add8", "ref__Adder", "ref__Top"]
    assert "ref__Add8 add (" in out and "ref__Adder #() u (" in out and "endmodule : ref__Top" in out
    assert "input [7:0] Add8," in out and ".io_a(Add8)" in out  # a signal that shares a module's name stays


# ---- clock / reset detection -------------------------------------------------------------------

@pytest.mark.parametrize("name", ["clock", "clk", "clk_i", "sys_clk", "aclk", "io_clk"])
def test_clock_names(name):
    assert is_clock(Port(name, "input", 1))


@pytest.mark.parametrize("name", ["clk_en", "clkEn", "clock_div", "data"])
def test_not_clock_names(name):
    assert not is_clock(Port(name, "input", 1))


def test_clock_must_be_one_bit_input():
    assert not is_clock(Port("clk", "input", 2)) and not is_clock(Port("clk", "output", 1))


@pytest.mark.parametrize("name,low", [
    ("reset", False), ("rst", False), ("areset", False), ("arst", False), ("io_reset", False),
    ("rst_n", True), ("reset_n", True), ("resetn", True), ("rstn", True), ("aresetn", True), ("nreset", True),
    ("n_rst", True), ("rst_b", True), ("io_rstN", True),
])
def test_reset_names_and_polarity(name, low):
    r = reset_of(Port(name, "input", 1))
    assert r is not None and r.active_low is low and r.active == (0 if low else 1)


def test_reset_needs_a_clock():
    roles = classify([Port("rst", "input", 1), Port("a", "input", 4), Port("y", "output", 4)])
    assert roles.clocks == [] and roles.resets == [] and [p.name for p in roles.data] == ["rst", "a"]


def test_stimulus_is_seeded_and_mixes_corners():
    roles = classify(parse_ports(sv("counter.sv"), "Counter"))
    a, b, c = (make_stimulus(roles, 400, seed) for seed in (0, 0, 1))
    assert 1 not in make_stimulus(roles, 400, 0, pulsed=set()).values["reset"]
    assert a.values == b.values and a.values != c.values
    assert set(a.values) == {"io_en", "io_load", "io_d", "reset"}
    assert {0, 15, 1, 8} <= set(a.values["io_d"])
    assert all(v == 0 for v in a.values["reset"][:200]) and 1 in a.values["reset"][200:]


# ---- differential ------------------------------------------------------------------------------

@needs_iverilog
def test_correct_adder_passes_against_reference_with_clashing_module_names(tmp_path):
    r = diff(tmp_path, "adder.sv", "Adder", "adder_ref.sv")
    assert r.ok and r.category is None and r.mismatches == [] and "SIM-SUMMARY cycles=1000 mismatches=0" in r.log
    assert r.seconds > 0


@needs_iverilog
def test_operator_mutant_reports_first_mismatch_with_values(tmp_path):
    r = diff(tmp_path, "adder_minus.sv", "Adder", "adder_ref.sv", cycles=50, seed=3)
    assert not r.ok and r.category == "sim_mismatch"
    first = r.mismatches[0]
    assert first.signal == "io_out" and isinstance(first.cycle, int)
    # Recompute from the same seeded stimulus: the reference adds, the mutant subtracts.
    roles = classify(parse_ports(sv("adder_ref.sv"), "Adder"))
    inputs = make_stimulus(roles, 50, 3).at(first.cycle)
    a, b = inputs["io_a"], inputs["io_b"]
    assert first.expected == f"8'h{(a + b) & 0xff:02x}" and first.got == f"8'h{(a - b) & 0xff:02x}"
    assert 1 <= len(r.mismatches) <= 5
    assert any(h.startswith("output io_out differs from the reference in") for h in r.hints)
    assert any(f"io_a=8'h{a:02x}" in h and f"cycle {first.cycle}:" in h for h in r.hints)


@needs_iverilog
def test_firtool_counter_with_reset_passes_and_priority_mutant_fails(tmp_path):
    assert diff(tmp_path / "ok", "counter.sv", "Counter", "counter_ref.sv").ok
    bad = diff(tmp_path / "bad", "counter_priority.sv", "Counter", "counter_ref.sv")
    assert bad.category == "sim_mismatch" and bad.mismatches[0].signal in ("io_q", "io_wrap")
    assert any("reset cycles" in h for h in bad.hints)


@needs_iverilog
def test_fsm_deep_state_difference_is_found(tmp_path):
    assert diff(tmp_path / "ok", "detector.sv", "Detector", "detector_ref.sv").ok
    bad = diff(tmp_path / "bad", "detector_nooverlap.sv", "Detector", "detector_ref.sv")
    assert bad.category == "sim_mismatch"
    assert {m.signal for m in bad.mismatches} <= {"io_hit", "io_state"}


@needs_iverilog
def test_combinational_design_without_clock(tmp_path):
    ok = diff(tmp_path / "ok", "mux4.sv", "Mux4", "mux4_ref.sv", cycles=100)
    assert ok.ok
    bad = diff(tmp_path / "bad", "mux4_swapped.sv", "Mux4", "mux4_ref.sv", cycles=100)
    assert bad.category == "sim_mismatch" and bad.mismatches[0].signal in ("y", "any")
    assert not any("clock" in h for h in bad.hints)
    # The first mismatch must be at a cycle where sel picks b or c (the swapped cases).
    inputs = make_stimulus(classify(parse_ports(sv("mux4_ref.sv"), "Mux4")), 100, 0).at(bad.mismatches[0].cycle)
    assert inputs["sel"] in (1, 2)


@needs_iverilog
def test_active_low_reset(tmp_path):
    assert diff(tmp_path / "ok", "acc_rstn.sv", "Acc", "acc_rstn_ref.sv").ok
    bad = diff(tmp_path / "bad", "acc_rstn_inverted.sv", "Acc", "acc_rstn_ref.sv")
    assert bad.category == "sim_mismatch" and bad.mismatches[0].signal == "sum"


@needs_iverilog
def test_reference_that_ignores_reset_leaves_reset_behaviour_free(tmp_path):
    # Seed case L3-Sequential_032 in miniature: reference registers without reset, DUT registers
    # reset to 0. Reset is only asserted at the start (where the reference is X = don't care).
    assert not uses_signal(sv("shift_noreset.sv"), "Shift", "reset")
    assert uses_signal(sv("shift_reset.sv"), "Shift", "reset")
    assert diff(tmp_path / "free", "shift_reset.sv", "Shift", "shift_noreset.sv").ok
    # The other way round the reference does specify reset, and the DUT that ignores it fails at
    # the first mid-run reset pulse (second half of the run).
    bad = differential(sv("shift_noreset.sv"), "Shift", DATA / "shift_reset.sv", "Shift", workdir=tmp_path / "strict")
    assert bad.category == "sim_mismatch" and bad.mismatches[0].cycle >= 500
    assert bad.mismatches[0].expected == "8'h00" and bad.mismatches[0].got != "8'h00"


@needs_iverilog
def test_x_in_reference_is_dont_care_but_x_in_dut_is_not(tmp_path):
    assert diff(tmp_path / "ok", "xcare_dut.sv", "Hold", "xcare_ref.sv").ok
    bad = diff(tmp_path / "bad", "xdut.sv", "Hold", "xcare_ref.sv")
    assert bad.category == "sim_mismatch" and "x" in bad.mismatches[0].got.split("'h")[1]


@needs_iverilog
def test_wide_ports_beyond_64_bits(tmp_path):
    dut = "module W(input [99:0] a, b, output [99:0] y);\n  assign y = a ^ b;\nendmodule\n"
    ref = "module W(input [99:0] a, input [99:0] b, output [99:0] y);\n  assign y = ~(~a ^ b);\nendmodule\n"
    assert differential(dut, "W", ref, "W", workdir=tmp_path / "ok", cycles=50).ok
    bad = differential(dut.replace("a ^ b", "a | b"), "W", ref, "W", workdir=tmp_path / "bad", cycles=50)
    assert bad.category == "sim_mismatch" and bad.mismatches[0].expected.startswith("100'h")


@needs_iverilog
def test_port_differences_are_a_clear_sim_error(tmp_path):
    dut = sv("adder.sv").replace("io_b,\n  output [7:0] io_out", "io_c,\n  output [3:0] io_out").replace("(io_b)", "(io_c)")
    r = differential(dut, "Adder", DATA / "adder_ref.sv", "Adder", workdir=tmp_path)
    assert r.category == "sim_error" and not r.ok
    msg = r.hints[0]
    assert "DUT lacks input [7:0] io_b" in msg and "DUT has extra input [7:0] io_c" in msg
    assert "io_out is 8 bits wide in the reference but 4 in the DUT" in msg


@needs_iverilog
def test_missing_top_is_sim_error(tmp_path):
    r = differential(sv("adder.sv"), "Adderr", DATA / "adder_ref.sv", "Adder", workdir=tmp_path)
    assert r.category == "sim_error" and "module Adderr not found (defined: Add8, Adder)" in r.hints[0]


@needs_iverilog
def test_dut_compile_error_is_sim_error_with_iverilog_message(tmp_path):
    dut = sv("adder.sv").replace("assign s = x + y;", "assign s = x + ;")
    r = differential(dut, "Adder", DATA / "adder_ref.sv", "Adder", workdir=tmp_path)
    assert r.category == "sim_error" and re.search(r"dut\.sv:\d+: .*syntax error", r.hints[0])


@needs_iverilog
def test_design_that_finishes_early_is_sim_error(tmp_path):
    dut = sv("adder.sv").replace("assign s = x + y;", "assign s = x + y;\n  initial #30 $finish;")
    r = differential(dut, "Adder", DATA / "adder_ref.sv", "Adder", workdir=tmp_path)
    assert r.category == "sim_error" and "stopped before the testbench finished" in r.hints[0]


@needs_iverilog
def test_infinite_loop_times_out(tmp_path):
    start = time.monotonic()
    r = diff(tmp_path, "spin.sv", "Spin", "spin_ref.sv", timeout=2.0)
    assert r.category == "timeout" and not r.ok
    assert time.monotonic() - start < 6


@needs_iverilog
def test_vcd_on_request(tmp_path):
    r = diff(tmp_path, "counter.sv", "Counter", "counter_ref.sv", cycles=20, vcd=True)
    assert r.ok and r.vcd_path and Path(r.vcd_path).read_text().startswith("$date")
    assert diff(tmp_path / "novcd", "counter.sv", "Counter", "counter_ref.sv", cycles=20).vcd_path is None


@needs_iverilog
def test_firtool_memory_printf_and_assert(tmp_path):
    # Memory module, `$fwrite` printf and an immediate assert as firtool 1.155 emits them; the
    # reference is the same text, so every module name clashes and must be renamed.
    text = sv("memlog.sv")
    assert module_names(text) == ["m_16x4", "MemLog"]
    r = differential(text, "MemLog", text, "MemLog", workdir=tmp_path, cycles=300)
    assert r.ok and "a=" in r.log
    assert any("DUT assertion/error message 'dut.sv:" in h and "a too big" in h for h in r.hints)


@needs_iverilog
def test_design_output_cannot_fake_the_verdict(tmp_path):
    dut = sv("adder_minus.sv").replace(
        "assign s = x - y;", 'assign s = x - y;\n  initial $display("SIM-SUMMARY cycles=1000 mismatches=0");')
    r = differential(dut, "Adder", DATA / "adder_ref.sv", "Adder", workdir=tmp_path)
    assert r.category == "sim_mismatch"


@needs_iverilog
def test_default_cycles_reach_a_deep_counter_state(tmp_path):
    # Timer wraps after 200 enabled cycles; a wrong terminal count only shows once it gets there.
    off_by_one = sv("timer.sv").replace("cnt == 8'hC7", "cnt == 8'hC6")
    assert off_by_one != sv("timer.sv")
    r = differential(off_by_one, "Timer", DATA / "timer.sv", "Timer", workdir=tmp_path / "deep")
    assert r.category == "sim_mismatch" and r.mismatches[0].cycle > 200
    # ...which 200 cycles do not reach: the reason the default is 1000.
    assert differential(off_by_one, "Timer", DATA / "timer.sv", "Timer", workdir=tmp_path / "short", cycles=200).ok


def test_mutation_bench_makes_single_token_mutants():
    from reflect_env.sim.mutation_bench import main, mutants
    ms = mutants("timer.sv", sv("timer.sv"))
    changes = {(m.before, m.after) for m in ms}
    assert ("wire       last = cnt == 8'hC7;", "wire       last = cnt != 8'hC7;") in changes
    assert ("cnt <= last ? 8'h0 : cnt + 8'h1;", "cnt <= last ? 8'h0 : cnt - 8'h1;") in changes
    assert all(m.text.count("\n") == sv("timer.sv").count("\n") for m in ms)
    assert not any("`" in m.before or "$" in m.before for m in ms)  # macros and system tasks untouched
    assert main(["--cycles", "ten"]) == 2


# ---- VerilogEval protocol ----------------------------------------------------------------------

MINMAX = """module TopModule(
  input  [7:0] a,
               b,
  output [7:0] min,
               max
);
  wire lt = a < b;
  assign min = lt ? a : b;
  assign max = lt ? b : a;
endmodule
"""


def ve(tmp_path, dut, prob, test=None, **kw):
    return verilogeval(dut, test or VE / f"{prob}_test.sv", VE / f"{prob}_ref.sv", workdir=tmp_path, **kw)


@needs_iverilog
def test_verilogeval_pass(tmp_path):
    r = ve(tmp_path, MINMAX, "Prob901_minmax")
    assert r.ok and re.search(r"Mismatches: 0 in \d+ samples", r.log)
    assert r.vcd_path and Path(r.vcd_path).exists()


@needs_iverilog
def test_verilogeval_fail_keeps_hint_lines(tmp_path):
    r = ve(tmp_path, MINMAX.replace("assign max = lt ? b : a;", "assign max = lt ? a : b;"), "Prob901_minmax")
    assert r.category == "sim_mismatch" and [m.signal for m in r.mismatches] == ["max"]
    assert re.fullmatch(r"Hint: Output 'max' has \d+ mismatches\. First mismatch occurred at time \d+\.", r.hints[0])
    assert "Hint: Output 'min' has no mismatches." in r.hints


@needs_iverilog
def test_verilogeval_sequential_sync_vs_async_reset(tmp_path):
    sync = """module TopModule(input clk, input reset, input en, output reg [2:0] q);
  always @(posedge clk) if (reset) q <= 0; else if (en) q <= q == 4 ? 0 : q + 1;
endmodule"""
    assert ve(tmp_path / "ok", sync, "Prob902_count5").ok
    asynchronous = sync.replace("@(posedge clk)", "@(posedge clk or posedge reset)")
    r = ve(tmp_path / "bad", asynchronous, "Prob902_count5")
    assert r.category == "sim_mismatch" and r.mismatches[0].signal == "q"


@needs_iverilog
def test_verilogeval_chisel_style_extra_ports_are_noted(tmp_path):
    dut = MINMAX.replace("module TopModule(\n", "module TopModule(\n  input        clock,\n               reset,\n")
    r = ve(tmp_path, dut, "Prob901_minmax", ports="strict")
    assert r.ok and r.hints[-1] == "Note: TopModule input(s) not driven by the testbench: input clock, input reset"


@needs_iverilog
def test_verilogeval_missing_port_and_compile_error_are_sim_errors(tmp_path):
    r = ve(tmp_path / "ports", MINMAX, "Prob902_count5", ports="strict")
    assert r.category == "sim_error" and "TopModule lacks port(s) the testbench connects: input clk" in r.hints[0]
    r = ve(tmp_path / "syntax", MINMAX.replace("assign min = lt ? a : b;", "assign min = lt ? a : ;"), "Prob901_minmax")
    assert r.category == "sim_error" and "dut.sv" in r.hints[0]


@needs_iverilog
def test_verilogeval_testbench_that_never_ends_times_out(tmp_path):
    start = time.monotonic()
    r = ve(tmp_path, MINMAX, "Prob901_minmax", test=VE / "hang_test.sv", timeout=2.0)
    assert r.category == "timeout" and time.monotonic() - start < 6


@needs_iverilog
def test_verilogeval_verdict_lines_from_the_design_are_ignored(tmp_path):
    """Hand-written SV, the Verilog a BlackBox could carry: fake testbench lines on stdout and into the
    testbench's own descriptor by name; a correct design printing TIMEOUT; a $finish before the stimulus ends."""
    wrong = MINMAX.replace("assign max = lt ? b : a;", "assign max = lt ? a : b;")
    fake = wrong.replace("endmodule", """  initial begin
    #1 $display("Mismatches: 0 in 400 samples");
    $fdisplay(tb.sim__verdict_fd, "Mismatches: 0 in 400 samples");
    $fdisplay(tb.sim__verdict_fd, "END");
  end
endmodule""")
    r = ve(tmp_path / "fake", fake, "Prob901_minmax")
    assert r.category == "sim_mismatch" and "Mismatches: 0 in 400 samples" in r.output
    timeout = MINMAX.replace("endmodule", '  initial #3 $display("TIMEOUT");\nendmodule')
    assert ve(tmp_path / "timeout", timeout, "Prob901_minmax").ok
    stop = wrong.replace("endmodule", "  initial #12 $finish;\nendmodule")
    r = ve(tmp_path / "stop", stop, "Prob901_minmax")
    assert r.category == "sim_error" and "stopped before the testbench finished" in r.hints[0]


def test_instrument_routes_only_the_testbench_lines():
    from reflect_env.sim.tools import Channel
    from reflect_env.sim.verilogeval import instrument

    ch = Channel.fresh()
    text = instrument((VE / "Prob902_count5_test.sv").read_text(), ch)
    assert "$display(" not in text and text.count(f'"{ch.token} ') == text.count("$fdisplay(tb.sim__verdict_fd")
    assert f'$fopen("{ch.file}", "w")' in text and text.count(f'"{ch.token} END"') == 2  # stimulus + guard
    assert Channel.fresh() != ch  # fresh per run
    with pytest.raises(ValueError):
        instrument("module not_tb; endmodule", ch)


def test_tool_limitations_are_harness_not_design_faults():
    from reflect_env.sim.tools import tool_limitation
    from reflect_env.sim.verilogeval import read_verdict

    sorry = "ref.sv:21: sorry: This cast operation is not yet supported.\n1 error(s) during elaboration."
    assert tool_limitation(sorry).startswith("ref.sv:21: sorry:")
    assert tool_limitation("dut.sv:3: syntax error") is None
    crashed = read_verdict([], "vvp: vvp_net.cc:100: failed assertion `x'\n")
    assert crashed.category == "harness"


# ---- command line ------------------------------------------------------------------------------

def _cli(*args):
    import subprocess
    import sys
    return subprocess.run([sys.executable, "-m", "reflect_env.sim", *map(str, args)], capture_output=True, text=True,
                          timeout=120, cwd=Path(__file__).resolve().parents[1])


@needs_iverilog
def test_cli_diff_json_and_exit_codes(tmp_path):
    p = _cli("diff", DATA / "adder_minus.sv", "--top", "Adder", "--ref", DATA / "adder_ref.sv", "--cycles", 20, "--json")
    assert p.returncode == 1
    out = json.loads(p.stdout)  # exactly one JSON object
    assert out["ok"] is False and out["category"] == "sim_mismatch" and out["mismatches"][0]["signal"] == "io_out"
    p = _cli("diff", DATA / "adder.sv", "--top", "Adder", "--ref", DATA / "adder_ref.sv", "--workdir", tmp_path, "--vcd")
    assert p.returncode == 0 and p.stdout.startswith("PASS") and (tmp_path / "diff.vcd").exists()
    p = _cli("diff", tmp_path / "missing.sv", "--top", "Adder", "--ref", DATA / "adder_ref.sv")
    assert p.returncode == 2 and p.stderr.strip().startswith("error: dut file not found") and p.stdout == ""


def test_seed_equivalence_rejects_missing_seed_data(tmp_path, capsys):
    from reflect_env.sim.seed_equivalence import main
    assert main(["--seed-data", str(tmp_path)]) == 2
    assert "seed data not found" in capsys.readouterr().err


# ---- runner ------------------------------------------------------------------------------------

def test_runner_bounds_output_and_kills_on_timeout(tmp_path):
    out = run_bounded(["sh", "-c", "head -c 3000000 /dev/zero | tr '\\0' a; echo END"], tmp_path, 20)
    assert out.returncode == 0 and out.output.endswith("END\n") and "bytes of output dropped" in out.output
    assert len(out.output) < HEAD_BYTES + TAIL_BYTES + 200
    missing = run_bounded(["no-such-simulator-xyz"], tmp_path, 5)
    assert missing.returncode == 127 and "no-such-simulator-xyz not found on PATH" in missing.output
    start = time.monotonic()
    out = run_bounded(["sh", "-c", "sleep 30 & echo child=$!; sleep 30; echo never"], tmp_path, 1)
    assert out.timed_out and out.returncode is None and "never" not in out.output
    assert time.monotonic() - start < 5
    # The whole process group dies, not just the shell: the background sleep is gone (or a zombie).
    pid = re.search(r"child=(\d+)", out.output).group(1)
    child = Path(f"/proc/{pid}/status")
    time.sleep(0.2)
    assert not child.exists() or "State:\tZ" in child.read_text()


# ---- Verilator C++ testbench (seed protocol) ----------------------------------------------------

@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("verilator"), reason="verilator not installed")
def test_verilator_cpp_pass_and_fail(tmp_path, monkeypatch):
    monkeypatch.setenv("CHISEL_AGENT_CACHE", str(tmp_path / "cache"))
    ok = verilator_cpp(sv("adder.sv"), "Adder", DATA / "adder_tb.cpp", workdir=tmp_path / "ok")
    assert ok.ok and "TEST PASSED" in ok.log and ok.vcd_path and Path(ok.vcd_path).name == "adder.vcd"
    # The first build left Verilator's runtime objects in the cache; the second build reuses them.
    assert list((tmp_path / "cache" / "verilator-runtime").glob("*/verilated.o"))
    bad = verilator_cpp(sv("adder_minus.sv"), "Adder", DATA / "adder_tb.cpp", workdir=tmp_path / "bad")
    assert bad.category == "sim_mismatch" and bad.hints[0].startswith("TEST FAILED: 0 + 5 => 251 (expected 5)")
    assert (tmp_path / "bad" / "obj_dir" / "verilated.o").stat().st_size > 0


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("verilator"), reason="verilator not installed")
def test_verilator_cpp_build_error_is_sim_error(tmp_path, monkeypatch):
    monkeypatch.setenv("CHISEL_AGENT_CACHE", str(tmp_path / "cache"))
    r = verilator_cpp(sv("adder.sv").replace("assign s = x + y;", "assign s = x + ;"), "Adder",
                      DATA / "adder_tb.cpp", workdir=tmp_path)
    assert r.category == "sim_error" and r.hints[0].startswith("verilator failed: %Error")


def test_contradictory_per_output_hints_are_replaced_by_a_note():
    """Prob078 (dual-edge): the testbench's per-output counters race with the edge; its total decides."""
    from reflect_env.sim.verilogeval import RACE_NOTE, read_verdict

    failing = read_verdict(["Hint: Output 'q' has no mismatches.", "Hint: Total mismatched samples is 93 out of "
                            "224 samples", "END", "Mismatches: 93 in 224 samples"])
    assert failing.category == "sim_mismatch" and RACE_NOTE in failing.hints
    assert not any(h.startswith("Hint: Output 'q'") for h in failing.hints)
    passing = read_verdict(["Hint: Output 'q' has 93 mismatches. First mismatch occurred at time 10.", "END",
                            "Mismatches: 0 in 224 samples"])
    assert passing.ok and passing.hints == [RACE_NOTE] and passing.mismatches == []
    consistent = read_verdict(["Hint: Output 'q' has 3 mismatches. First mismatch occurred at time 10.", "END",
                               "Mismatches: 3 in 224 samples"])
    assert [m.signal for m in consistent.mismatches] == ["q"] and RACE_NOTE not in consistent.hints
