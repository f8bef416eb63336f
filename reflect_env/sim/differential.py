"""Differential simulation: drive a DUT and a reference with the same seeded inputs, compare every
output every cycle (iverilog). The reference's modules are renamed first so both may define the
same module names."""
from __future__ import annotations

import re
import time
from pathlib import Path

from reflect_env.result import Mismatch
from reflect_env.sim.ports import Port, PortError, parse_ports, uses_signal
from reflect_env.sim.rename import prefix_modules
from reflect_env.sim.result import SIM_MISMATCH, SimResult
from reflect_env.sim.runner import Deadline, run_bounded, trim
from reflect_env.sim.signals import Roles, classify
from reflect_env.sim.stimulus import Stimulus, make_stimulus
from reflect_env.sim.testbench import RESET_CYCLES, TB_TOP, render
from reflect_env.sim.tools import Channel, design_output, icarus, run_sandboxed, tool_limitation

HINT_MISMATCHES = 3  # how many individual mismatches become hint lines
# Measured: 1000 cycles cost the same ~0.1 s as 200 (iverilog compile dominates), and reach
# deeper states of counters and FSMs.
DEFAULT_CYCLES = 1000


def differential(
    dut_sv: str, dut_top: str, ref_sv: str | Path, ref_top: str, *, workdir: Path, cycles: int = DEFAULT_CYCLES,
    seed: int = 0, timeout: float = 30.0, vcd: bool = False, max_reported: int = 5,
) -> SimResult:
    """Compare `dut_top` (in `dut_sv`) against `ref_top` (in `ref_sv`, text or a path) for `cycles` cycles."""
    start = time.monotonic()
    result = _differential(dut_sv, dut_top, ref_sv, ref_top, workdir, cycles, seed, Deadline(timeout), vcd,
                           max_reported)
    result.simulator = icarus().describe()
    result.seconds = time.monotonic() - start
    return result


def _differential(dut_sv: str, dut_top: str, ref_sv: str | Path, ref_top: str, workdir: Path, cycles: int,
                  seed: int, deadline: Deadline, vcd: bool, max_reported: int) -> SimResult:
    timeout = deadline.limit
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    if isinstance(ref_sv, Path):
        ref_sv = ref_sv.read_text()
    if cycles < 1:
        raise ValueError("cycles must be at least 1")

    ref_text, renamed = prefix_modules(ref_sv)
    try:
        dut_ports = parse_ports(dut_sv, dut_top)
    except PortError as e:
        return SimResult.error(f"DUT: {e}")
    try:
        ref_ports = parse_ports(ref_sv, ref_top)
    except PortError as e:
        return SimResult.error(f"reference: {e}")
    problem = port_differences(dut_ports, ref_ports)
    if problem:
        return SimResult.error(f"port mismatch between DUT {dut_top} and reference {ref_top}: {problem}")
    if not any(p.direction == "output" for p in ref_ports):
        return SimResult.error(f"module {ref_top} has no outputs to compare")

    roles = classify(ref_ports)
    # A reference that never reads its reset (Chisel `Reg` without init) says nothing about reset
    # behaviour: pulsing it mid-run would fail a DUT for resetting registers the spec never mentioned.
    pulsed = {r.name for r in roles.resets if uses_signal(ref_sv, ref_top, r.name)}
    stim = make_stimulus(roles, cycles, seed, pulsed=pulsed)
    vcd_name = "diff.vcd" if vcd else None
    channel = Channel.fresh()
    tb = render(dut_top, renamed.get(ref_top, ref_top), ref_ports, roles, stim.write_hex(workdir), cycles,
                channel, max_reported=max_reported, vcd=vcd_name)
    (workdir / "tb.sv").write_text(tb)
    (workdir / "dut.sv").write_text(dut_sv)
    (workdir / "ref.sv").write_text(ref_text)

    sim = icarus()
    compiled = run_bounded([sim.iverilog, "-g2012", "-o", "sim.vvp", "-s", TB_TOP, "tb.sv", "dut.sv", "ref.sv"],
                           workdir, deadline.left())
    if compiled.timed_out:
        return SimResult.timed_out(timeout, trim(compiled.output))
    if compiled.returncode != 0:
        limitation = tool_limitation(compiled.output)
        if limitation:
            return SimResult.harness(f"{sim.version} cannot compile this design or reference (a simulator "
                                     f"limitation, not a design fault): {limitation}", trim(compiled.output))
        return SimResult.error(compile_error_summary(compiled.output), trim(compiled.output))
    ran = run_sandboxed([sim.vvp, "-n", "sim.vvp"], workdir, deadline.left(), readable=[Path(sim.vvp).parent.parent])
    if ran.timed_out:
        return SimResult.timed_out(timeout, trim(ran.output))
    result = parse_report("\n".join(channel.records(workdir)), ran.output, ref_ports, roles, stim)
    if vcd_name and (workdir / vcd_name).exists():
        result.vcd_path = str(workdir / vcd_name)
    return result


def port_differences(dut: list[Port], ref: list[Port]) -> str:
    """'' when the port sets agree (by name, direction and width), else a readable list of differences."""
    d, r = {p.name: p for p in dut}, {p.name: p for p in ref}
    problems = [f"DUT lacks {r[n].describe()}" for n in r if n not in d]
    problems += [f"DUT has extra {d[n].describe()}" for n in d if n not in r]
    for n in r:
        if n not in d:
            continue
        if d[n].direction != r[n].direction:
            problems.append(f"{n} is an {r[n].direction} in the reference but an {d[n].direction} in the DUT")
        elif d[n].width != r[n].width:
            problems.append(f"{n} is {r[n].width} bits wide in the reference but {d[n].width} in the DUT")
    return "; ".join(problems)


def compile_error_summary(output: str, limit: int = 5) -> str:
    errors = [ln.strip() for ln in output.splitlines() if re.search(r"error|syntax|unable|unknown module", ln, re.I)]
    errors = errors or [ln.strip() for ln in output.splitlines() if ln.strip()]
    return "iverilog could not compile the design: " + " | ".join(errors[:limit])


_MISMATCH_RE = re.compile(r"SIM-MISMATCH cycle=(\d+) signal=(\S+) expected=(\S+) got=(\S+)")
_OUTPUT_RE = re.compile(r"SIM-OUTPUT signal=(\S+) mismatches=(\d+) first=(-?\d+)")
_SUMMARY_RE = re.compile(r"SIM-SUMMARY cycles=(\d+) mismatches=(\d+)")


def parse_report(report: str, sim_output: str, ports: list[Port], roles: Roles, stim: Stimulus) -> SimResult:
    """Turn the testbench's SIM-* report lines (its private records, token stripped) into a SimResult with
    hints for a repair prompt; `sim_output` is what the simulator printed (the designs' own printf/assert
    messages): shown, and read for assertion notes, never for the verdict."""
    summary = _SUMMARY_RE.search(report)
    shown = trim(design_output(sim_output))
    log = trim((report.strip() + ("\n--- design/simulator output (not the verdict) ---\n" + shown if shown else ""))
               .strip())
    if not summary:
        limitation = tool_limitation(sim_output)
        if limitation:
            return SimResult.harness(f"the simulator failed (not a design fault): {limitation}", log)
        return SimResult.error("simulation stopped before the testbench finished ($fatal/$finish in the design, "
                               "or a simulator crash): " + trim(sim_output, 400).replace("\n", " | "), log)
    notes = _assertion_notes(sim_output)
    widths = {p.name: p.width for p in ports}
    mismatches = [
        Mismatch(signal=m.group(2), cycle=int(m.group(1)), expected=_fmt(m.group(3), widths.get(m.group(2), 1)),
                 got=_fmt(m.group(4), widths.get(m.group(2), 1)))
        for m in _MISMATCH_RE.finditer(report)
    ]
    bad_cycles, cycles = int(summary.group(2)), int(summary.group(1))
    if bad_cycles == 0 and not mismatches:
        return SimResult(ok=True, category=None, hints=notes, log=log, output=shown, match_rate=1.0)
    hints = list(notes)
    for m in _OUTPUT_RE.finditer(report):
        hints.append(f"output {m.group(1)} differs from the reference in {m.group(2)} of {cycles} cycles "
                     f"(first at cycle {m.group(3)})")
    if roles.clocks:
        hints.append(f"cycles count from 0 after {RESET_CYCLES} reset cycles; outputs are sampled just before "
                     "each rising clock edge")
    for mm in mismatches[:HINT_MISMATCHES]:
        hints.append(_mismatch_hint(mm, stim, bool(roles.clocks)))
    return SimResult(ok=False, category=SIM_MISMATCH, mismatches=mismatches, hints=hints, log=log, output=shown,
                     match_rate=1 - bad_cycles / cycles if cycles else None)


_DUT_ERROR_RE = re.compile(r"^(?:ERROR|FATAL|WARNING): (dut\.sv:\d+: .*)$", re.M)


def _assertion_notes(sim_output: str) -> list[str]:
    """The DUT's own failed assertions (Chisel assert -> SV `assert ... else $error`): worth telling the
    model, but not a failure by themselves since random stimulus may break input assumptions."""
    counts: dict[str, int] = {}
    for m in _DUT_ERROR_RE.finditer(sim_output):
        counts[m.group(1).strip()] = counts.get(m.group(1).strip(), 0) + 1
    return [f"DUT assertion/error message {msg!r} fired {n} time(s)" for msg, n in list(counts.items())[:3]]


def _fmt(raw: str, width: int) -> str:
    """Simulator hex digits as a Verilog literal: 8'h3b, 8'hxx, 1'b1."""
    return f"1'b{raw}" if width == 1 else f"{width}'h{raw}"


def _value(v: int, width: int) -> str:
    return f"1'b{v}" if width == 1 else f"{width}'h{v:0{(width + 3) // 4}x}"


def _with_decimal(text: str | None) -> str:
    """Add the decimal value to a multi-bit literal without X/Z bits (easier arithmetic in a prompt)."""
    m = re.fullmatch(r"(\d+)'h([0-9a-fA-F]+)", text or "")
    return f"{text} (={int(m.group(2), 16)})" if m else str(text)


def _inputs_at(stim: Stimulus, cycle: int) -> str:
    return " ".join(f"{n}={_value(v, stim.widths[n])}" for n, v in stim.at(cycle).items()) or "(none)"


def _mismatch_hint(mm: Mismatch, stim: Stimulus, sequential: bool) -> str:
    assert mm.cycle is not None  # a differential mismatch always has its cycle
    text = (f"cycle {mm.cycle}: {mm.signal} expected {_with_decimal(mm.expected)}, got {_with_decimal(mm.got)}; "
            f"inputs {_inputs_at(stim, mm.cycle)}")
    if sequential and mm.cycle:
        text += f"; previous cycle inputs {_inputs_at(stim, mm.cycle - 1)}"
    return text
