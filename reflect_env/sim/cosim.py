"""Random co-simulation of compiled designs against Python reference models (reflect_env.sim.pymodel).

Each design is compiled and simulated ONCE (Icarus, inputs from $readmemh files, every output written
per cycle through the run's private verdict channel); each model runs ONCE over the same inputs in its
sandbox. Comparing a design with a model is then a pure-Python pass over two traces, so an agreement
matrix of d designs and m models costs d simulations and m model runs, not d*m.

Stimulus (`make_cosim_stimulus`, seeded, recorded in `stimulus.json` and in the result): the resets are
held for RESET_CYCLES cycles first (Model.reset()), then each data input takes, per cycle, zero,
all-ones, a one-hot value, a held (previous) value or a uniform random one; the first cycles walk the
corner cases in order (all zeros, all ones, one-hot of each input). Reset is not pulsed mid-run: a
model's reset() is its only reset (docs/python_models.md).

Cycle timing is differential simulation's (testbench.py): inputs change after the falling edge, outputs
are sampled SETTLE time units later, before the rising edge; `step(inputs)` gives those outputs.
"""
from __future__ import annotations

import json
import random
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from reflect_env.result import Mismatch
from reflect_env.sim.differential import compile_error_summary
from reflect_env.sim.ports import Port, PortError, parse_ports
from reflect_env.sim.pymodel import REFERENCE_ERROR, ModelRun, run_model
from reflect_env.sim.result import SIM_ERROR, SIM_MISMATCH, TIMEOUT, SimResult
from reflect_env.sim.runner import Deadline, run_bounded, trim
from reflect_env.sim.signals import Roles, classify
from reflect_env.sim.testbench import HALF, RESET_CYCLES, SETTLE
from reflect_env.sim.tools import Channel, icarus, run_sandboxed, tool_limitation

DEFAULT_CYCLES = 1000
MAX_COUNTEREXAMPLES = 5
TB_TOP = "cos__tb"
HOLD_P, ZERO_P, ONES_P, ONEHOT_P = 0.2, 0.1, 0.1, 0.15


def spec_name(design_port: str) -> str:
    """The spec's name for a design port: a Chisel io bundle's `io_sum` is `sum`."""
    return design_port[3:] if design_port.startswith("io_") and len(design_port) > 3 else design_port


# -- stimulus ------------------------------------------------------------------------------------------

@dataclass
class CosimStimulus:
    seed: int
    cycles: int
    widths: dict[str, int]  # data input (spec name) -> width
    inputs: list[dict[str, int]]  # per cycle, spec names

    def to_dict(self) -> dict:
        return {"seed": self.seed, "cycles": self.cycles, "widths": self.widths}


def make_cosim_stimulus(widths: dict[str, int], cycles: int = DEFAULT_CYCLES, seed: int = 0) -> CosimStimulus:
    """Per-cycle values of every data input (module docstring). Deterministic in (widths, cycles, seed)."""
    if cycles < 1:
        raise ValueError("cycles must be at least 1")
    rng = random.Random(seed)
    names = sorted(widths)
    # The corner walk: all zeros, all ones, then each input's one-hot bits (others zero), capped.
    walk: list[dict[str, int]] = [{n: 0 for n in names}, {n: (1 << widths[n]) - 1 for n in names}]
    for n in names:
        for bit in range(min(widths[n], 8)):
            walk.append({m: (1 << bit if m == n else 0) for m in names})
    rows: list[dict[str, int]] = []
    for c in range(cycles):
        if c < len(walk) and c < cycles // 4:
            rows.append(dict(walk[c]))
            continue
        row = {}
        for n in names:
            w, r = widths[n], rng.random()
            if rows and r < HOLD_P:
                row[n] = rows[-1][n]
            elif r < HOLD_P + ZERO_P:
                row[n] = 0
            elif r < HOLD_P + ZERO_P + ONES_P:
                row[n] = (1 << w) - 1
            elif r < HOLD_P + ZERO_P + ONES_P + ONEHOT_P:
                row[n] = 1 << rng.randrange(w)
            else:
                row[n] = rng.getrandbits(w)
        rows.append(row)
    return CosimStimulus(seed, cycles, dict(widths), rows)


# -- one design's output trace ---------------------------------------------------------------------------

@dataclass
class DesignTrace:
    """A design's outputs per cycle (spec names; None where a bit was X/Z), or why it could not run."""

    ok: bool
    outputs: list[dict[str, int | None]] = field(default_factory=list)
    widths: dict[str, int] = field(default_factory=dict)  # output (spec name) -> width
    category: str | None = None  # sim_error | timeout | harness when not ok
    error: str | None = None
    seconds: float = 0.0


def data_inputs(ports: list[Port]) -> dict[str, int]:
    """The inputs a stimulus drives (spec names -> width): every input but clocks and resets."""
    return {spec_name(p.name): p.width for p in classify(ports).data}


def _render(top: str, ports: list[Port], roles: Roles, files: dict[str, str], cycles: int, channel: Channel) -> str:
    outputs = [p for p in ports if p.direction == "output"]
    driven = [p for p in ports if p.direction == "input" and p.name not in roles.clocks]
    data = {p.name for p in roles.data}
    resets = {r.name: r.active for r in roles.resets}

    def rng(w: int) -> str:
        return f"[{w - 1}:0] " if w > 1 else ""

    lines = [f"module {TB_TOP};"]
    lines += [f"  reg {c};" for c in roles.clocks]
    lines += [f"  reg {rng(p.width)}{p.name};" for p in driven]
    lines += [f"  wire {rng(p.width)}{p.name};" for p in outputs]
    lines += [f"  reg {rng(p.width)}cos__stim_{p.name} [0:{cycles - 1}];" for p in driven if p.name in data]
    lines.append("  integer cos__cycle, cos__fd;")
    conns = ",\n".join(f"    .{p.name}({p.name})" for p in ports if p.direction != "inout")
    lines.append(f"  {top} cos__dut (\n{conns}\n  );")
    up, down = (" ".join(f"{c} = {v};" for c in roles.clocks) for v in (1, 0))
    fmt = " ".join("%h" for _ in outputs)
    args = "".join(f", {p.name}" for p in outputs)
    lines += ["  initial begin", f'    cos__fd = $fopen("{channel.file}", "w");']
    lines += [f'    $readmemh("{files[p.name]}", cos__stim_{p.name});' for p in driven if p.name in data]
    lines += [f"    {c} = 0;" for c in roles.clocks]
    lines += [f"    {p.name} = {resets.get(p.name, 0)};" for p in driven]
    if roles.clocks:
        lines.append(f"    repeat ({RESET_CYCLES}) begin #{HALF} {up} #{HALF} {down} end")
        lines += [f"    {name} = {1 - active};" for name, active in resets.items()]
    lines.append(f"    for (cos__cycle = 0; cos__cycle < {cycles}; cos__cycle = cos__cycle + 1) begin")
    lines += [f"      {p.name} = cos__stim_{p.name}[cos__cycle];" for p in driven if p.name in data]
    lines.append(f'      #{SETTLE} $fdisplay(cos__fd, "{channel.token} O {fmt}"{args});')
    lines.append(f"      #{HALF - SETTLE} {up} #{HALF} {down}" if roles.clocks else f"      #{2 * HALF - SETTLE};")
    lines += ["    end", f'    $fdisplay(cos__fd, "{channel.token} END");', "    $fclose(cos__fd);", "    $finish;",
              "  end", "endmodule"]
    return "\n".join(lines) + "\n"


def simulate_design(sv: str, top: str, stim: CosimStimulus, *, workdir: Path, timeout: float = 30.0) -> DesignTrace:
    """Compile `top` once and run it over `stim`; its outputs per cycle in spec names."""
    start = time.monotonic()
    deadline = Deadline(timeout)
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)

    def failed(category: str, error: str) -> DesignTrace:
        return DesignTrace(False, category=category, error=error, seconds=time.monotonic() - start)

    try:
        ports = parse_ports(sv, top)
    except PortError as e:
        return failed(SIM_ERROR, f"design: {e}")
    outputs = [p for p in ports if p.direction == "output"]
    if not outputs:
        return failed(SIM_ERROR, f"module {top} has no outputs to compare")
    roles = classify(ports)
    files = {}
    for i, p in enumerate(roles.data):
        name, digits = spec_name(p.name), max(1, (p.width + 3) // 4)
        mask = (1 << p.width) - 1
        files[p.name] = f"stim_{i}.hex"
        (workdir / files[p.name]).write_text("".join(f"{row.get(name, 0) & mask:0{digits}x}\n" for row in stim.inputs))
    channel = Channel.fresh()
    (workdir / "tb.sv").write_text(_render(top, ports, roles, files, stim.cycles, channel))
    (workdir / "dut.sv").write_text(sv)
    sim = icarus()
    built = run_bounded([sim.iverilog, "-g2012", "-o", "cos.vvp", "-s", TB_TOP, "tb.sv", "dut.sv"], workdir,
                        deadline.left())
    if built.timed_out:
        return failed(TIMEOUT, f"compiling the design took longer than {timeout:g} s")
    if built.returncode != 0:
        limitation = tool_limitation(built.output)
        if limitation:
            return failed("harness", f"{sim.version} cannot compile this design (a simulator limitation): "
                                     f"{limitation}")
        return failed(SIM_ERROR, compile_error_summary(built.output))
    ran = run_sandboxed([sim.vvp, "-n", "cos.vvp"], workdir, deadline.left(), readable=[Path(sim.vvp).parent.parent])
    if ran.timed_out:
        return failed(TIMEOUT, f"simulation did not finish within {timeout:g} s (combinational oscillation?)")
    records = channel.records(workdir)
    if not records or records[-1] != "END":
        return failed(SIM_ERROR, "simulation stopped before the testbench finished ($finish/$fatal in the design?): "
                                 + trim(ran.output, 300).replace("\n", " | "))
    names = [spec_name(p.name) for p in outputs]
    rows: list[dict[str, int | None]] = []
    for line in records[:-1]:
        values = line.split()[1:]
        rows.append({n: (None if any(ch in "xXzZ" for ch in v) else int(v, 16)) for n, v in zip(names, values)})
    return DesignTrace(True, rows, {spec_name(p.name): p.width for p in outputs}, seconds=time.monotonic() - start)


# -- comparison ----------------------------------------------------------------------------------------

@dataclass
class Counterexample:
    cycle: int
    inputs: dict[str, int]  # spec names
    signal: str
    expected: int  # the model's
    got: int | None  # the design's (None: X)

    def line(self) -> str:
        ins = " ".join(f"{k}={v}" for k, v in self.inputs.items()) or "(no inputs)"
        got = "X" if self.got is None else str(self.got)
        return f"cycle {self.cycle}: inputs {ins}; `{self.signal}` expected {self.expected}, got {got}"


@dataclass
class PairResult:
    """One design against one model."""

    design: str
    model: str
    agree: bool
    category: str | None = None  # None | sim_mismatch | reference_error | the design's sim_error/timeout/harness
    cycles: int = 0
    matched: int = 0  # cycles on which every output agreed
    error: str | None = None
    per_signal: dict[str, int] = field(default_factory=dict)  # output -> mismatching cycles
    first: dict[str, int] = field(default_factory=dict)  # output -> first mismatching cycle
    counterexamples: list[Counterexample] = field(default_factory=list)

    @property
    def match_rate(self) -> float:
        return self.matched / self.cycles if self.cycles else 0.0

    def to_dict(self) -> dict:
        d = asdict(self)
        d["match_rate"] = round(self.match_rate, 4)
        return d


PORT_PROBLEM = "the model and the design name different ports: "


def is_port_problem(message: str | None) -> bool:
    """Whether a reference_error is a port disagreement (the model ran fine; it names other ports than this
    design), which a candidate can resolve, rather than a model that raised, hung or returned garbage."""
    return PORT_PROBLEM in (message or "")


def port_problem(design: DesignTrace, model: ModelRun) -> str | None:
    """Why the model's outputs cannot be compared with the design's (named ports differ), else None."""
    got = set(model.outputs[0]) if model.outputs else set()
    want = set(design.widths)
    got = {spec_name(k) if spec_name(k) in want else k for k in got}
    if got == want:
        return None
    extra, missing = sorted(got - want), sorted(want - got)
    parts = ([f"returns output(s) {', '.join(extra)} that the design does not have"] if extra else []) + \
        ([f"does not return the design's output(s) {', '.join(missing)}"] if missing else [])
    return PORT_PROBLEM + "the model " + " and ".join(parts)


def compare(design_name: str, design: DesignTrace, model_name: str, model: ModelRun, stim: CosimStimulus,
            max_counterexamples: int = MAX_COUNTEREXAMPLES) -> PairResult:
    out = PairResult(design_name, model_name, agree=False, cycles=stim.cycles)
    if not model.ok:
        out.category, out.error = REFERENCE_ERROR, model.error
        return out
    if not design.ok:
        out.category, out.error = design.category, design.error
        return out
    problem = port_problem(design, model)
    if problem:
        out.category, out.error = REFERENCE_ERROR, problem
        return out
    for c, (got_row, raw) in enumerate(zip(design.outputs, model.outputs)):
        want_row = {spec_name(k) if spec_name(k) in design.widths else k: v for k, v in raw.items()}
        if set(want_row) != set(design.widths):
            out.category = REFERENCE_ERROR
            out.error = f"the model returns outputs {sorted(want_row)} at cycle {c} but {sorted(design.widths)} before"
            return out
        bad = False
        for name, width in design.widths.items():
            expected, got = want_row[name] & ((1 << width) - 1), got_row.get(name)
            if got == expected:
                continue
            bad = True
            out.per_signal[name] = out.per_signal.get(name, 0) + 1
            out.first.setdefault(name, c)
            if len(out.counterexamples) < max_counterexamples:
                out.counterexamples.append(Counterexample(c, dict(stim.inputs[c]), name, expected, got))
        out.matched += not bad
    out.agree = out.matched == stim.cycles
    out.category = None if out.agree else SIM_MISMATCH
    return out


# -- the matrix ------------------------------------------------------------------------------------------

@dataclass
class Agreement:
    """Every design against every model on one stimulus: `pairs[design][model]`."""

    stimulus: CosimStimulus
    pairs: dict[str, dict[str, PairResult]]
    designs: dict[str, DesignTrace]
    models: dict[str, ModelRun]
    seconds: float = 0.0

    def agreeing_models(self, design: str) -> list[str]:
        return [m for m, p in self.pairs[design].items() if p.agree]

    def valid_models(self) -> list[str]:
        """Models that ran and whose ports fit at least one design (the rest are the reference's fault)."""
        return [m for m, run in self.models.items()
                if run.ok and any(self.pairs[d][m].category != REFERENCE_ERROR for d in self.pairs)]

    def to_dict(self) -> dict:
        """For a trace: the matrix as match rates, model errors, the stimulus's seed (it can be regenerated)."""
        return {
            "stimulus": self.stimulus.to_dict(), "seconds": round(self.seconds, 3),
            "match_rate": {d: {m: round(p.match_rate, 4) for m, p in row.items()} for d, row in self.pairs.items()},
            "agree": {d: [m for m, p in row.items() if p.agree] for d, row in self.pairs.items()},
            "model_errors": {m: r.error for m, r in self.models.items() if not r.ok},
            "design_errors": {d: t.error for d, t in self.designs.items() if not t.ok},
            "port_errors": {f"{d}/{m}": p.error for d, row in self.pairs.items() for m, p in row.items()
                            if p.category == REFERENCE_ERROR and self.models[m].ok},
        }


def agreement(designs: dict[str, tuple[str, str]], models: dict[str, str], *, workdir: Path,
              cycles: int = DEFAULT_CYCLES, seed: int = 0, timeout: float = 30.0) -> Agreement:
    """designs: name -> (SystemVerilog, top); models: name -> Python source. Blocking (iverilog, python)."""
    start = time.monotonic()
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    widths: dict[str, int] = {}
    for sv, top in designs.values():
        try:
            for name, w in data_inputs(parse_ports(sv, top)).items():
                widths[name] = max(w, widths.get(name, 0))
        except PortError:
            continue  # simulate_design reports it
    stim = make_cosim_stimulus(widths, cycles, seed)
    (workdir / "stimulus.json").write_text(json.dumps({**stim.to_dict(), "inputs": stim.inputs}))
    traces = {name: simulate_design(sv, top, stim, workdir=workdir / f"design-{i}", timeout=timeout)
              for i, (name, (sv, top)) in enumerate(designs.items())}
    runs = {name: run_model(src, stim.inputs, workdir=workdir / f"model-{i}")
            for i, (name, src) in enumerate(models.items())}
    pairs = {d: {m: compare(d, traces[d], m, runs[m], stim) for m in runs} for d in traces}
    return Agreement(stim, pairs, traces, runs, time.monotonic() - start)


def check_against_model(sv: str, top: str, source: str, *, workdir: Path, cycles: int = DEFAULT_CYCLES,
                        seed: int = 0, timeout: float = 30.0) -> SimResult:
    """One design against one Python model as a verdict: pass, `sim_mismatch` with cycle-level
    counterexamples, the design's own simulation failure, or `reference_error` (the model's fault)."""
    start = time.monotonic()
    matrix = agreement({"design": (sv, top)}, {"model": source}, workdir=workdir, cycles=cycles, seed=seed,
                       timeout=timeout)
    pair = matrix.pairs["design"]["model"]
    result = pair_verdict(pair, matrix.stimulus)
    result.simulator = icarus().describe()
    result.seconds = time.monotonic() - start
    return result


def pair_verdict(pair: PairResult, stim: CosimStimulus) -> SimResult:
    if pair.agree:
        return SimResult(ok=True, category=None, hints=[f"agrees with the Python model on all {pair.cycles} cycles "
                                                        f"(seed {stim.seed})"], match_rate=1.0)
    if pair.category == REFERENCE_ERROR:
        message = f"the reference model is at fault, not the design: {pair.error}"
        return SimResult(ok=False, category=REFERENCE_ERROR, hints=[message], log=message)
    if pair.category != SIM_MISMATCH:
        return SimResult(ok=False, category=pair.category, hints=[pair.error or "the design could not be simulated"],
                         log=pair.error or "")
    hints = [f"output {s} differs from the Python model in {n} of {pair.cycles} cycles (first at cycle "
             f"{pair.first[s]})" for s, n in pair.per_signal.items()]
    hints.append(f"cycles count from 0 after {RESET_CYCLES} reset cycles (Model.reset()); each cycle's outputs are "
                 "sampled before its rising clock edge; inputs are the spec's port names")
    hints += [cx.line() for cx in pair.counterexamples[:3]]
    mismatches = [Mismatch(signal=cx.signal, cycle=cx.cycle, expected=str(cx.expected),
                           got="X" if cx.got is None else str(cx.got)) for cx in pair.counterexamples]
    return SimResult(ok=False, category=SIM_MISMATCH, mismatches=mismatches, hints=hints, log="\n".join(hints),
                     match_rate=pair.match_rate)
