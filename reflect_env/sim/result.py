"""What one simulation run says, in a form the verifier and the repair prompts can use directly."""
from __future__ import annotations

from dataclasses import dataclass, field

from reflect_env.result import Mismatch

# The categories a simulation can end in (a subset of reflect_env.result.Category).
SIM_MISMATCH = "sim_mismatch"
SIM_ERROR = "sim_error"
TIMEOUT = "timeout"
HARNESS = "harness"  # the simulator or the problem's own testbench cannot judge (e.g. Icarus `sorry:`)
INTERFACE = "interface_mismatch"  # the design's ports cannot be mapped onto the testbench's (sim.adapter)
REFERENCE_ERROR = "reference_error"  # the reference (a Python model) failed: not the design's fault


@dataclass
class SimResult:
    ok: bool
    category: str | None  # None | "sim_mismatch" | "sim_error" | "timeout" | "harness"
    mismatches: list[Mismatch] = field(default_factory=list)  # the first few
    hints: list[str] = field(default_factory=list)  # short lines for repair prompts
    log: str = ""  # trimmed simulator output
    vcd_path: str | None = None
    seconds: float = 0.0
    simulator: str = ""  # the simulator and version that judged, e.g. "Icarus Verilog 12.0 (stable)"
    output: str = ""  # what the design (and simulator) printed: shown to the user, never parsed as a verdict
    # VerilogEval only: how the harness connected the design's ports to the testbench's (sim.adapter;
    # design port -> testbench expression), and whether they were the testbench's names already (the
    # strict view: then this verdict is also the strict one). None: not judged that way.
    port_map: dict[str, str] | None = None
    ports_exact: bool | None = None
    strict_ok: bool | None = None  # the verdict had the testbench's names been required (ports="strict")
    match_rate: float | None = None  # cycles on which every output agreed / cycles, when the run compared any

    @classmethod
    def harness(cls, message: str, log: str = "", seconds: float = 0.0) -> "SimResult":
        """The tools cannot judge this run; the design is not at fault."""
        return cls(ok=False, category=HARNESS, hints=[message], log=log or message, seconds=seconds)

    @classmethod
    def error(cls, message: str, log: str = "", seconds: float = 0.0) -> "SimResult":
        """A run that could not judge the design (bad ports, compile error, simulator failure)."""
        return cls(ok=False, category=SIM_ERROR, hints=[message], log=log or message, seconds=seconds)

    @classmethod
    def timed_out(cls, limit: float, log: str = "", seconds: float = 0.0) -> "SimResult":
        message = f"simulation did not finish within {limit:g} s (infinite loop or combinational oscillation?)"
        return cls(ok=False, category=TIMEOUT, hints=[message], log=(log + "\n" + message).strip(), seconds=seconds)
