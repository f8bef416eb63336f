"""What a verification says: the stage reached, the first failure's category, parsed diagnostics.

Line and column numbers always refer to the candidate text exactly as the caller gave it (1-based).
"""
from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field


# StrEnum: a member is its value wherever it goes (==, dict keys, f-strings, JSON), so the agent and
# the eval records carry these enums end to end and still write the same strings.
class Stage(StrEnum):
    """How far a candidate got. Each stage implies all earlier ones succeeded."""

    compile = "compile"
    elaborate = "elaborate"
    emit = "emit"  # firtool lowering to SystemVerilog
    simulate = "simulate"
    passed = "passed"


class Category(StrEnum):
    """Failure taxonomy shared by the verifier, the agent's repair prompts and the eval reports."""

    missing_import = "missing_import"  # a chisel3.util (or similar) name used without its import
    not_found = "not_found"  # any other unresolved name
    type_mismatch = "type_mismatch"
    syntax = "syntax"
    compile_other = "compile_other"
    no_top_module = "no_top_module"  # no class extends Module/RawModule
    name_mismatch = "name_mismatch"  # the requested top module is not defined (strict mode)
    no_default_constructor = "no_default_constructor"
    elaboration = "elaboration"
    not_fully_initialized = "not_fully_initialized"
    uninferred_width = "uninferred_width"
    comb_cycle = "comb_cycle"
    firtool = "firtool"
    blackbox = "blackbox"  # hand-written Verilog in disguise (BlackBox/ExtModule, setInline...): not Chisel
    sim_mismatch = "sim_mismatch"
    sim_error = "sim_error"  # the testbench or simulator itself failed (e.g. port mismatch)
    interface_mismatch = "interface_mismatch"  # ports contradict the interface the spec states (no reference needed)
    timeout = "timeout"
    harness = "harness"  # the simulator or the problem's testbench cannot judge (Icarus `sorry:`): no design fault
    reference_error = "reference_error"  # the reference (a Python model) raised, hung or named other ports: not the design's fault
    crash = "crash"  # the worker died (System.exit, OOM, JVM crash) or a sandbox rule was broken


# A worker that died or timed out may be the machine's fault (load, a recycled JVM), not the code's: such a
# verdict is checked again (agent.candidate.verify_with_retry) and never kept as the code's (a reference's
# build in ReflectEnv).
INFRA_CATEGORIES = frozenset({Category.crash, Category.timeout})


class Diagnostic(BaseModel):
    stage: Stage
    severity: str = "error"  # "error" | "warning" | "info"
    line: int | None = None  # 1-based, in the candidate's own text
    column: int | None = None  # 1-based
    message: str
    code_line: str | None = None  # the candidate's source line at `line`
    category: Category | None = None


class Mismatch(BaseModel):
    """One differing output in simulation."""

    signal: str
    cycle: int | None = None
    expected: str | None = None
    got: str | None = None


class VerifyResult(BaseModel):
    ok: bool
    stage: Stage  # the stage reached: the failing stage when ok is False, `passed` when ok is True
    top: str | None = None  # the module that was elaborated
    requested_top: str | None = None
    category: Category | None = None  # category of the first failure
    diagnostics: list[Diagnostic] = Field(default_factory=list)
    verilog: str | None = None
    mismatches: list[Mismatch] = Field(default_factory=list)
    sim_log: str | None = None  # kept short; mismatch hint lines for repair prompts
    vcd_path: str | None = None
    modules: list[str] = Field(default_factory=list)  # every Module/RawModule class found
    timings: dict[str, float] = Field(default_factory=dict)  # seconds per stage, plus "total"
    worker: str | None = None  # worker id, or "cold"
    notes: list[str] = Field(default_factory=list)  # e.g. "lenient: elaborated Foo instead of Bar"
    simulator: str | None = None  # the simulator (and version) that judged, when one ran
    sim_output: str | None = None  # what the design printed in simulation: shown, never a verdict
    # A testbench with fixed port names (VerilogEval): how the harness connected the design's ports
    # (design port -> testbench expression, e.g. {"io_q": "q", "clock": "clk", "reset": "~resetn"}), and
    # whether they already were the testbench's names (then the strict verdict is this one). None: not adapted.
    port_map: dict[str, str] | None = None
    ports_exact: bool | None = None
    strict_ok: bool | None = None  # the verdict had the testbench's names been required exactly (ports="strict")
    match_rate: float | None = None  # share of simulated cycles on which every output matched the reference

    @property
    def compiled(self) -> bool:
        return self.stage != Stage.compile or self.ok

    @property
    def elaborated(self) -> bool:
        return self.stage in (Stage.emit, Stage.simulate, Stage.passed)

    def first_error(self) -> Diagnostic | None:
        return next((d for d in self.diagnostics if d.severity == "error"), None)

    def error_log(self, source: str = "Candidate.scala") -> str:
        """The errors as a compiler would print them (`FILE:LINE:COL: error: message`, the offending line,
        a caret), then the first simulation mismatches. Lines are the candidate's own."""
        out = []
        for d in self.diagnostics:
            if d.severity != "error":
                continue
            loc = f"{source}:{d.line}:{d.column or 1}: " if d.line else ""
            out.append(f"{loc}error: [{d.stage.value}] {d.message}")
            if d.code_line is not None:
                out.append(d.code_line)
                if d.column:
                    out.append(" " * (d.column - 1) + "^")
        for m in self.mismatches[:10]:
            at = f" at cycle {m.cycle}" if m.cycle is not None else ""
            values = f": expected {m.expected}, got {m.got}" if m.expected is not None or m.got is not None else ""
            out.append(f"mismatch: {m.signal}{at}{values}")
        return "\n".join(out)
