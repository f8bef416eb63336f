"""Verdicts a design cannot write: real Chisel designs, verified through ReflectEnv, that print a fake
verdict, print TIMEOUT, end the run with stop() ($finish) or write files, on every simulation protocol
(VerilogEval testbench, differential, Verilator C++ testbench). Each wrong design here passed, or each
right one failed, before the testbench reported through its private channel (reflect_env.sim.tools)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reflect_env.sandbox import bwrap_works

DATA = Path(__file__).parent / "data" / "sim"
VE = DATA / "verilogeval"
COUNT5_TB, COUNT5_REF = VE / "Prob902_count5_test.sv", (VE / "Prob902_count5_ref.sv").read_text()

# Prob902: a counter 0..4 with enable and synchronous reset. `wrap` 4 is right, 5 is the bug.
COUNT5 = """import chisel3._
import chisel3.util._

class TopModule extends RawModule {{
  val clk   = IO(Input(Clock()))
  val reset = IO(Input(Bool()))
  val en    = IO(Input(Bool()))
  val q     = IO(Output(UInt(3.W)))
  withClockAndReset(clk, reset) {{
    val r = RegInit(0.U(3.W))
    when(en) {{ r := Mux(r === {wrap}.U, 0.U, r + 1.U) }}
    q := r
    {extra}
  }}
}}
"""
FAKE_VERILOGEVAL = ('printf("Hint: Output \'q\' has no mismatches.\\n")\n'
                    '    printf("Mismatches: 0 in 400 samples\\n")')
FAKE_DIFFERENTIAL = 'printf("SIM-SUMMARY cycles=1000 mismatches=0\\n")'
STOP_BEFORE_THE_BUG = "when(r === 3.U) { stop() }"  # the wrong counter only differs once r reaches 4
TIMEOUT_PRINT = 'printf("TIMEOUT\\n")'

# Hand-written Verilog (allowed explicitly) that tries the file channels a Chisel printf cannot reach:
# the testbench's verdict descriptor by hierarchical name and by guessing, and a file outside its job.
SPY = """import chisel3._
import chisel3.util._

class Spy extends BlackBox with HasBlackBoxInline {{
  val io = IO(new Bundle {{ val clk = Input(Clock()) }})
  setInline("Spy.v", \"\"\"module Spy(input clk);
    |  integer fd;
    |  initial begin
    |    fd = $fopen("{escape}", "w"); $fdisplay(fd, "escaped"); $fclose(fd);
    |  end
    |  always @(posedge clk) begin
    |    $fdisplay({target}, "Mismatches: 0 in 400 samples");
    |    $fdisplay({target}, "END");
    |    $fdisplay(32'h80000003, "Mismatches: 0 in 400 samples");
    |    $fdisplay(32'h80000004, "SIM-SUMMARY cycles=1000 mismatches=0");
    |  end
    |endmodule\"\"\".stripMargin)
}}
"""


def count5(wrap: int = 4, extra: str = "") -> str:
    return COUNT5.format(wrap=wrap, extra=extra)


def spied(escape: Path, target: str) -> str:
    body = count5(5, "val spy = Module(new Spy); spy.io.clk := clk")
    return body.replace("import chisel3.util._\n", "import chisel3.util._\n" + SPY.format(escape=escape, target=target)
                        .split("import chisel3.util._\n", 1)[1], 1)


def ve(verifier, code: str, **kw):
    return verifier.verify(code, "TopModule", testbench=COUNT5_TB, reference=COUNT5_REF, **kw)


def diff(verifier, code: str, **kw):
    return verifier.verify(code, "TopModule", reference=count5(), cycles=200, **kw)


def _category(r) -> str | None:
    return r.category.value if r.category else None


# ---- VerilogEval protocol ---------------------------------------------------------------------------

def test_verilogeval_right_and_wrong_designs_are_judged_as_before(verifier):
    good, bad = ve(verifier, count5()), ve(verifier, count5(5))
    assert good.ok and good.simulator and "Icarus Verilog" in good.simulator
    assert not bad.ok and _category(bad) == "sim_mismatch"


def test_verilogeval_printed_verdict_is_only_the_designs_output(verifier):
    r = ve(verifier, count5(5, FAKE_VERILOGEVAL))
    assert not r.ok and _category(r) == "sim_mismatch", r.error_log()
    assert "Mismatches: 0 in 400 samples" in (r.sim_output or "")  # shown as what the design printed


def test_verilogeval_design_printing_timeout_is_not_a_timeout(verifier):
    r = ve(verifier, count5(4, TIMEOUT_PRINT))
    assert r.ok, r.error_log()
    assert "TIMEOUT" in (r.sim_output or "")


def test_verilogeval_stop_from_the_design_is_not_a_pass(verifier):
    # Before: the testbench's `final` block printed "Mismatches: 0 in N samples" for the samples before stop().
    r = ve(verifier, count5(5, STOP_BEFORE_THE_BUG))
    assert not r.ok and _category(r) == "sim_error"
    assert "stopped before the testbench finished" in r.first_error().message


# ---- differential protocol ------------------------------------------------------------------------

def test_differential_printed_summary_and_timeout_are_not_verdicts(verifier):
    fake = diff(verifier, count5(5, FAKE_DIFFERENTIAL))
    assert not fake.ok and _category(fake) == "sim_mismatch", fake.error_log()
    assert "SIM-SUMMARY" in (fake.sim_output or "")
    timeout = diff(verifier, count5(4, TIMEOUT_PRINT))
    assert timeout.ok, timeout.error_log()


def test_differential_stop_from_the_design_is_not_a_pass(verifier):
    r = diff(verifier, count5(5, STOP_BEFORE_THE_BUG))
    assert not r.ok and _category(r) == "sim_error"
    assert "stopped before the testbench finished" in r.first_error().message


# ---- Verilog in disguise, and files -----------------------------------------------------------------

def test_blackbox_is_its_own_category_unless_allowed(verifier, tmp_path):
    code = spied(tmp_path / "escaped.txt", "tb.sim__verdict_fd")
    r = ve(verifier, code)
    assert not r.ok and _category(r) == "blackbox" and r.stage.value == "elaborate"
    assert "Spy" in r.first_error().message and "Chisel" in r.first_error().message


def test_verilog_writing_into_the_verdict_file_cannot_fake_a_pass(verifier, tmp_path):
    escape = tmp_path / "escaped.txt"
    r = ve(verifier, spied(escape, "tb.sim__verdict_fd"), allow_blackbox=True)
    assert not r.ok and _category(r) == "sim_mismatch", r.error_log()
    d = diff(verifier, spied(escape, "32'h80000003"), allow_blackbox=True)
    assert not d.ok and _category(d) == "sim_mismatch", d.error_log()
    if bwrap_works():  # the simulation may write into its own job directory only
        assert not escape.exists()


# ---- Verilator C++ testbench protocol --------------------------------------------------------------

ACC = """import chisel3._

class Acc extends Module {{
  val io = IO(new Bundle {{ val in = Input(UInt(8.W)); val out = Output(UInt(8.W)) }})
  val r = RegInit(0.U(8.W))
  r := r {op} io.in
  io.out := r
  {extra}
}}
"""
needs_verilator = pytest.mark.skipif(shutil.which("verilator") is None, reason="verilator not installed")


@needs_verilator
@pytest.mark.slow
def test_verilator_printed_pass_and_stop_are_not_verdicts(verifier):
    tb = DATA / "acc_tb.cpp"
    good = verifier.verify(ACC.format(op="+", extra='printf("TIMEOUT\\n")'), "Acc", testbench=tb)
    assert good.ok, good.error_log()
    fake = verifier.verify(ACC.format(op="-", extra='printf("--- TEST PASSED ---\\n")'), "Acc", testbench=tb)
    assert not fake.ok and _category(fake) == "sim_mismatch", fake.error_log()
    # The testbench stops at gotFinish() and prints TEST PASSED; io.in is 0 in cycle 0, so `-` is right there.
    stopped = verifier.verify(ACC.format(op="-", extra="when(!reset.asBool) { stop() }"), "Acc", testbench=tb)
    assert not stopped.ok and _category(stopped) == "sim_error", stopped.error_log()
    assert "$finish" in stopped.first_error().message


# ---- the cause a lenient view reports -----------------------------------------------------------------

def test_lenient_failure_reports_the_lenient_checks_own_category(verifier):
    """L1-Basic_009 as the seed's SFT model answered it: the class is WireMagic_607 (strict: name_mismatch),
    and lenient elaboration fails on its own: 0xDEADBEEF is a negative Int literal."""
    import asyncio

    from agent.eval.metrics import summarize
    from agent.eval.records import AttemptRecord, ChainRecord, ProblemRecord
    from agent.eval.verification import rescue_name_mismatches
    from agent.task import Task

    code = ("import chisel3._\n\nclass WireMagic_607 extends Module {\n"
            "  val io = IO(new Bundle { val out = Output(UInt(32.W)) })\n  io.out := 0xDEADBEEF.U\n}\n")
    strict = verifier.verify(code, "WireMagic")
    assert _category(strict) == "name_mismatch"
    record = ProblemRecord(id="L1-Basic_009", failure_category="name_mismatch", stage="elaborate", chains=[
        ChainRecord(sample_index=0, attempts=[AttemptRecord(round=0, ok=False, stage="elaborate",
                                                            category="name_mismatch", code=code)])])
    asyncio.run(rescue_name_mismatches(verifier, Task(id="L1-Basic_009", spec="-", top="WireMagic"), record))
    assert not record.passed_lenient and record.lenient_failure_category == "elaboration"
    assert any("negative" in n for n in record.notes), record.notes
    assert summarize([record], [1], lenient=True)["by_failure"] == {"elaboration": 1}
    assert summarize([record], [1], lenient=False)["by_failure"] == {"name_mismatch": 1}


# ---- register start values ------------------------------------------------------------------------------

TOGGLE = """import chisel3._

class TopModule extends RawModule {
  val clk = IO(Input(Clock()))
  val t   = IO(Input(Bool()))
  val q   = IO(Output(Bool()))
  withClock(clk) {
    val r = Reg(Bool())  // no reset: the reference's `initial q = 0` is the start value
    r := r ^ t
    q := r
  }
}
"""


def test_register_start_value_without_reset(verifier, monkeypatch):
    """Prob905 (like VerilogEval's Prob053/074/104): the reference starts its register at 0 without a reset.
    Chisel cannot declare that; the check starts Chisel registers at 0 for such references, and says so."""
    import sys

    tb, ref = VE / "Prob905_toggle_start_test.sv", (VE / "Prob905_toggle_start_ref.sv").read_text()
    r = verifier.verify(TOGGLE, "TopModule", testbench=tb, reference=ref)
    assert r.ok, r.error_log()
    assert "start value without a reset" in (r.sim_log or "")
    wrong = verifier.verify(TOGGLE.replace("r := r ^ t", "r := r | t"), "TopModule", testbench=tb, reference=ref)
    assert _category(wrong) == "sim_mismatch"
    # Without the start values the same design fails at the first sample: that was the old verdict.
    monkeypatch.setattr(sys.modules["reflect_env.sim.verilogeval"], "ZERO_START", [])
    x_start = verifier.verify(TOGGLE, "TopModule", testbench=tb, reference=ref)
    assert _category(x_start) == "sim_mismatch" and "time 5" in x_start.first_error().message
