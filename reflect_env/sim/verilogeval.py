"""The VerilogEval v2 spec-to-rtl protocol: the problem's own testbench (`tb`, with a stimulus
generator) runs the reference `RefModule` and the candidate `TopModule` and prints
`Mismatches: N in M samples`; a candidate passes iff N is 0."""
from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

from reflect_env.result import Mismatch
from reflect_env.sim.differential import compile_error_summary
from reflect_env.sim.ports import PortError, parse_ports
from reflect_env.sim.result import SIM_MISMATCH, TIMEOUT, SimResult
from reflect_env.sim.runner import Deadline, run_bounded, trim

DUT_TOP = "TopModule"
REF_TOP = "RefModule"
COMPILE = ["iverilog", "-Wall", "-Winfloop", "-Wno-timescale", "-g2012", "-s", "tb", "-o", "test",
           "test.sv", "ref.sv", "dut.sv"]

_RESULT_RE = re.compile(r"Mismatches:\s*(\d+)\s+in\s+(\d+)\s+samples")
_OUTPUT_HINT_RE = re.compile(r"Hint: Output '([^']+)' has (\d+) mismatches\. First mismatch occurred at time (\d+)")


def verilogeval(dut_sv: str, test_sv: Path, ref_sv: Path, *, workdir: Path, timeout: float = 30.0) -> SimResult:
    start = time.monotonic()
    deadline = Deadline(timeout)
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(test_sv, workdir / "test.sv")
    shutil.copyfile(ref_sv, workdir / "ref.sv")
    (workdir / "dut.sv").write_text(dut_sv)

    port_notes = _port_notes(dut_sv, Path(ref_sv).read_text())
    if port_notes and port_notes[0].startswith("!"):
        return SimResult.error(port_notes[0][1:], seconds=time.monotonic() - start)

    compiled = run_bounded(COMPILE, workdir, deadline.left())
    if compiled.timed_out:
        return SimResult.timed_out(timeout, trim(compiled.output), time.monotonic() - start)
    if compiled.returncode != 0:
        return SimResult.error(compile_error_summary(compiled.output), trim(compiled.output),
                               time.monotonic() - start)
    ran = run_bounded(["vvp", "-n", "test"], workdir, deadline.left())
    seconds = time.monotonic() - start
    vcd = workdir / "wave.vcd"
    vcd_path = str(vcd) if vcd.exists() else None
    if ran.timed_out:
        res = SimResult.timed_out(timeout, trim(ran.output), seconds)
        res.vcd_path = vcd_path
        return res
    res = read_verdict(ran.output)
    res.hints = res.hints + port_notes  # the testbench's own verdict first
    res.seconds, res.vcd_path = seconds, vcd_path
    return res


def read_verdict(output: str) -> SimResult:
    """Judge a finished VerilogEval run from its output."""
    log = trim(output)
    hints = [ln.strip() for ln in output.splitlines() if ln.strip().startswith("Hint:")]
    # Outputs that differ first: they are what a repair prompt needs.
    hints.sort(key=lambda h: "no mismatches" in h)
    if "TIMEOUT" in output:  # the testbench's own simulated-time guard fired
        return SimResult(ok=False, category=TIMEOUT, hints=hints + ["testbench reported TIMEOUT"], log=log)
    result = _RESULT_RE.search(output)
    if not result:
        return SimResult.error("testbench ended without a 'Mismatches: N in M samples' line: "
                               + trim(output, 400).replace("\n", " | "), log)
    mismatched, samples = int(result.group(1)), int(result.group(2))
    mismatches = [Mismatch(signal=m.group(1), cycle=None, expected=None, got=None)
                  for m in _OUTPUT_HINT_RE.finditer(output)]
    if mismatched == 0 and samples > 0:
        return SimResult(ok=True, category=None, hints=hints, log=log)
    if samples == 0:
        return SimResult.error("testbench ran 0 samples", log)
    return SimResult(ok=False, category=SIM_MISMATCH, mismatches=mismatches,
                     hints=hints or [f"{mismatched} of {samples} samples mismatched"], log=log)


def _port_notes(dut_sv: str, ref_text: str) -> list[str]:
    """Port problems the testbench would report obscurely. A leading '!' marks a fatal one."""
    try:
        dut = {p.name: p for p in parse_ports(dut_sv, DUT_TOP)}
        ref = {p.name: p for p in parse_ports(ref_text, REF_TOP)}
    except PortError as e:
        return [f"!{e}"] if "not found" in str(e) and DUT_TOP in str(e) else []
    missing = [ref[n].describe() for n in ref if n not in dut]
    if missing:
        return [f"!TopModule lacks port(s) the testbench connects: {', '.join(missing)} "
                f"(TopModule has: {', '.join(p.describe() for p in dut.values())})"]
    notes = [f"Note: {n} is {ref[n].width} bits wide in the reference but {dut[n].width} in TopModule"
             for n in ref if dut[n].width != ref[n].width]
    notes += [f"Note: {n} is an {ref[n].direction} in the reference but an {dut[n].direction} in TopModule"
              for n in ref if dut[n].direction != ref[n].direction]
    extra = [d.describe() for n, d in dut.items() if n not in ref and d.direction == "input"]
    if extra:
        notes.append(f"Note: TopModule input(s) not driven by the testbench: {', '.join(extra)}")
    return notes
