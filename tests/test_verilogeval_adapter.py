"""The VerilogEval port adapter (reflect_env.sim.adapter): a Chisel `Module`'s ports (clock, reset, io_*)
connected to a testbench's fixed names through a generated wrapper, on hand-written SystemVerilog shaped as
firtool emits it (no Chisel toolchain needed). Real Chisel designs through the adapter:
tests/test_verilogeval_solutions.py."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from reflect_env.sim import verilogeval
from reflect_env.sim.adapter import AdapterError, map_ports
from reflect_env.sim.ports import Port

VE = Path(__file__).parent / "data" / "sim" / "verilogeval"
needs_iverilog = pytest.mark.skipif(not (shutil.which("iverilog") and shutil.which("vvp")),
                                    reason="iverilog not installed")

# What firtool emits for `class TopModule extends Module { val io = IO(new Bundle { en; q }) ... }`.
COUNT5_MODULE = """module TopModule(
  input        clock,
               reset,
               io_en,
  output [2:0] io_q
);
  reg [2:0] q;
  always @(posedge clock) begin
    if (reset)
      q <= 3'h0;
    else if (io_en)
      q <= q == 3'h4 ? 3'h0 : q + 3'h1;
  end
  assign io_q = q;
endmodule
"""

MINMAX_MODULE = """module TopModule(
  input        clock,
               reset,
  input  [7:0] io_a,
               io_b,
  output [7:0] io_min,
               io_max
);
  wire lt = io_a < io_b;
  assign io_min = lt ? io_a : io_b;
  assign io_max = lt ? io_b : io_a;
endmodule
"""


def ve(tmp_path, dut, prob, **kw):
    return verilogeval(dut, VE / f"{prob}_test.sv", VE / f"{prob}_ref.sv", workdir=tmp_path, **kw)


def P(name, direction="input", width=1):
    return Port(name, direction, width)


# ---- the mapping itself ------------------------------------------------------------------------------

def test_module_ports_map_onto_the_testbench_names():
    design = [P("clock"), P("reset"), P("io_en"), P("io_q", "output", 3)]
    wanted = [P("clk"), P("reset"), P("en"), P("q", "output", 3)]
    pm = map_ports(design, wanted)
    assert not pm.exact
    assert pm.connections == {"clock": "clk", "reset": "reset", "io_en": "en", "io_q": "q"}


def test_active_low_and_async_resets_are_driven_by_name():
    design = [P("clock"), P("reset"), P("io_d"), P("io_q", "output")]
    assert map_ports(design, [P("clk"), P("resetn"), P("d"), P("q", "output")]).connections["reset"] == "~resetn"
    assert map_ports(design, [P("clk"), P("areset"), P("d"), P("q", "output")]).connections["reset"] == "areset"
    assert map_ports(design, [P("clk"), P("aresetn"), P("d"), P("q", "output")]).connections["reset"] == "~aresetn"


def test_without_a_testbench_clock_the_implicit_ones_are_tied_inactive():
    pm = map_ports([P("clock"), P("reset"), P("io_in", width=3), P("io_out", "output", 2)],
                   [P("in", width=3), P("out", "output", 2)])
    assert pm.connections == {"io_in": "in", "io_out": "out", "clock": "1'b0", "reset": "1'b0"}


def test_io_clk_and_io_reset_take_the_names_and_the_implicit_ones_follow():
    """The model's habit: `val clk = Input(Clock())` and `val reset = Input(Bool())` inside the io bundle."""
    design = [P("clock"), P("reset"), P("io_clk"), P("io_reset"), P("io_q", "output")]
    pm = map_ports(design, [P("clk"), P("reset"), P("q", "output")])
    assert pm.connections == {"io_clk": "clk", "io_reset": "reset", "io_q": "q", "clock": "clk", "reset": "reset"}


def test_flat_ports_and_exact_names():
    flat = map_ports([P("clock"), P("reset"), P("d"), P("q", "output")], [P("clk"), P("d"), P("q", "output")])
    assert flat.connections == {"clock": "clk", "d": "d", "q": "q", "reset": "1'b0"} and not flat.exact
    exact = map_ports([P("clk"), P("d"), P("q", "output")], [P("clk"), P("d"), P("q", "output")])
    assert exact.exact and exact.connections == {"clk": "clk", "d": "d", "q": "q"}


@pytest.mark.parametrize("design, wanted, message", [
    ([P("clock"), P("reset"), P("io_a")], [P("a"), P("b")],
     "the design has no port for the testbench's input b (looked for NAME and io_NAME; design ports: "),
    ([P("io_a"), P("io_b"), P("io_c")], [P("a"), P("b")], "the design's input io_c match no testbench port"),
    ([P("a"), P("io_a")], [P("a")], "matches both the design's `a` and `io_a`"),
    ([P("io_a", "output")], [P("a")], "the testbench's `a` is an input but the design's `io_a` is an output"),
])
def test_ports_that_cannot_be_mapped_one_to_one(design, wanted, message):
    with pytest.raises(AdapterError) as e:
        map_ports(design, wanted)
    assert message in str(e.value) and str(e.value).startswith("interface: ") and "\n" not in str(e.value)


def test_width_differences_are_notes():
    pm = map_ports([P("io_a", width=4), P("io_y", "output", 9)], [P("a", width=4), P("y", "output", 8)])
    assert pm.notes == ["Note: y is 8 bits wide in the reference but 9 in the design's `io_y`"]


# ---- through the testbench -------------------------------------------------------------------------

@needs_iverilog
def test_chisel_module_passes_through_the_adapter_and_fails_strict(tmp_path):
    r = ve(tmp_path / "adapt", COUNT5_MODULE, "Prob902_count5")
    assert r.ok, r.hints
    assert r.port_map == {"clock": "clk", "reset": "reset", "io_en": "en", "io_q": "q"} and r.ports_exact is False
    assert "Note: ports adapted to the testbench's: clock->clk, reset->reset, io_en->en, io_q->q" in r.hints
    assert r.strict_ok is False  # both views: the strict one refuses the io_ names
    strict = ve(tmp_path / "strict", COUNT5_MODULE, "Prob902_count5", ports="strict")
    assert strict.category == "sim_error" and "TopModule lacks port(s)" in strict.hints[0]
    assert strict.port_map is None and strict.ports_exact is None


@needs_iverilog
def test_a_bug_behind_the_adapter_is_a_mismatch(tmp_path):
    bug = COUNT5_MODULE.replace("q == 3'h4", "q == 3'h5")
    r = ve(tmp_path, bug, "Prob902_count5")
    assert r.category == "sim_mismatch" and [m.signal for m in r.mismatches] == ["q"]


@needs_iverilog
def test_combinational_module_with_implicit_clock_and_reset(tmp_path):
    r = ve(tmp_path, MINMAX_MODULE, "Prob901_minmax")
    assert r.ok and r.port_map["clock"] == "1'b0" and r.port_map["reset"] == "1'b0"


@needs_iverilog
def test_exact_ports_need_no_wrapper(tmp_path):
    exact = re.sub(r"\bio_", "", MINMAX_MODULE).replace("  input        clock,\n               reset,\n", "")
    r = ve(tmp_path, exact, "Prob901_minmax")
    assert r.ok and r.ports_exact is True and r.strict_ok is True and not any("adapted" in h for h in r.hints)
    assert "TopModule__" not in (tmp_path / "dut.sv").read_text()


@needs_iverilog
def test_another_top_name_is_adapted_under_the_testbench_name(tmp_path):
    r = ve(tmp_path, MINMAX_MODULE.replace("module TopModule(", "module MinMax("), "Prob901_minmax", top="MinMax")
    assert r.ok and r.ports_exact is False
    assert "module design__MinMax(" in (tmp_path / "dut.sv").read_text()


@needs_iverilog
def test_unmappable_ports_fail_as_interface_mismatch(tmp_path):
    r = ve(tmp_path, MINMAX_MODULE, "Prob902_count5")
    assert r.category == "interface_mismatch" and not r.ok
    assert r.hints[0].startswith("interface: the design has no port for the testbench's input en")


@needs_iverilog
def test_active_low_reset_is_inverted_for_the_design(tmp_path):
    """Prob902 turned active-low (`resetn`): the design's active-high implicit reset gets `~resetn`."""
    prob = tmp_path / "prob"
    prob.mkdir()
    test = (VE / "Prob902_count5_test.sv").read_text()
    test = (test.replace("reset <= 1;", "reset <= 0;").replace("@(posedge clk) reset <= 0;", "@(posedge clk) reset <= 1;")
            .replace("reset <= !($random & 31);", "reset <= (($random & 31) != 0);"))
    (prob / "t_test.sv").write_text(re.sub(r"\breset\b", "resetn", test))
    ref = (VE / "Prob902_count5_ref.sv").read_text().replace("if (reset)", "if (!resetn)")
    (prob / "t_ref.sv").write_text(re.sub(r"\breset\b", "resetn", ref))
    r = verilogeval(COUNT5_MODULE, prob / "t_test.sv", prob / "t_ref.sv", workdir=tmp_path / "run")
    assert r.ok, r.hints
    assert r.port_map["reset"] == "~resetn"
    # The same design with the reset wired straight through resets on the wrong level: a mismatch.
    wrong = COUNT5_MODULE.replace("if (reset)", "if (!reset)")
    assert verilogeval(wrong, prob / "t_test.sv", prob / "t_ref.sv", workdir=tmp_path / "w").category == "sim_mismatch"


@needs_iverilog
def test_strict_view_of_a_module_with_flat_exact_names_is_run_not_guessed(tmp_path):
    """Flat ports with the testbench's names plus a Module's clock/reset: the adapter ties those off; the
    strict check (today's) leaves them undriven and passes a combinational design too, so strict_ok comes
    from a second run of the testbench, not from "the adapter was needed"."""
    flat = re.sub(r"\bio_", "", MINMAX_MODULE)
    r = ve(tmp_path / "flat", flat, "Prob901_minmax")
    assert r.ok and r.ports_exact is False and r.strict_ok is True
    bug = ve(tmp_path / "bug", flat.replace("assign max = lt ? b : a;", "assign max = lt ? a : b;"), "Prob901_minmax")
    assert bug.category == "sim_mismatch" and bug.strict_ok is False
    unmapped = ve(tmp_path / "unmapped", MINMAX_MODULE, "Prob902_count5")
    assert unmapped.category == "interface_mismatch" and unmapped.strict_ok is False


def test_a_vec_is_gathered_into_the_testbench_vector():
    """`Vec(8, Bool())` for `input [7:0] in` (firtool flattens it to io_in_0 .. io_in_7): bit i is element i."""
    design = [P(f"io_in_{i}") for i in range(8)] + [P("io_out_0", "output", 4), P("io_out_1", "output", 4)]
    pm = map_ports(design, [P("in", width=8), P("out", "output", 8)])
    assert pm.connections["io_in_0"] == "in[0]" and pm.connections["io_in_7"] == "in[7]"
    assert pm.connections["io_out_0"] == "out[3:0]" and pm.connections["io_out_1"] == "out[7:4]"
    with pytest.raises(AdapterError, match="no port for the testbench's input \\[7:0\\] in"):
        map_ports([P(f"io_in_{i}") for i in range(7)], [P("in", width=8)])  # 7 bits are not 8


@needs_iverilog
def test_vec_ports_through_the_testbench(tmp_path):
    vec = MINMAX_MODULE.replace("  input  [7:0] io_a,\n               io_b,",
                                "  input  [3:0] io_a_0,\n               io_a_1,\n  input  [7:0] io_b,")
    vec = vec.replace("  wire lt", "  wire [7:0] io_a = {io_a_1, io_a_0};\n  wire lt")
    r = ve(tmp_path, vec, "Prob901_minmax")
    assert r.ok, r.hints
    assert r.port_map["io_a_0"] == "a[3:0]" and r.port_map["io_a_1"] == "a[7:4]"


@pytest.mark.parametrize("tb_reset, implicit", [("areset", "areset"), ("aresetn", "~aresetn"), ("resetn", "~resetn")])
def test_a_designs_own_io_reset_takes_a_testbench_reset_of_another_name(tb_reset, implicit):
    """`val reset = Input(Bool())` in the io bundle for a testbench whose reset is `areset` or `aresetn`
    (11 of the VerilogEval run's 14 interface failures): the same signal under the design's name, connected
    as driven; the implicit reset follows as before (active-high, so inverted for an active-low one)."""
    design = [P("clock"), P("reset"), P("io_reset"), P("io_d"), P("io_q", "output")]
    pm = map_ports(design, [P("clk"), P(tb_reset), P("d"), P("q", "output")])
    assert pm.connections == {"clock": "clk", "reset": implicit, "io_reset": tb_reset, "io_d": "d", "io_q": "q"}
    # a design port named as the testbench's reset keeps it; `io_reset` is then an input of its own
    with pytest.raises(AdapterError, match="the design's input io_reset match no testbench port"):
        map_ports(design + [P("io_" + tb_reset)], [P("clk"), P(tb_reset), P("d"), P("q", "output")])
    # without a testbench reset there is nothing to take
    with pytest.raises(AdapterError, match="io_reset match no testbench port"):
        map_ports(design, [P("clk"), P("d"), P("q", "output")])
