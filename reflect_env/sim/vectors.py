"""Run input->expected-output vectors on one design (iverilog), with no reference.

A check is a list of steps, each {inputs: {port: value}, outputs: {port: value}}. Every check starts
from reset (resets active for RESET_CYCLES clock cycles, as in differential simulation), then each
step sets its inputs, compares the outputs it names 4 time units later (settled, before the rising
edge), and clocks once. Inputs a step does not name keep their value (0 at the start). Port names
are the design's own (`io_a`); values are unsigned integers of the port's width.
"""
from __future__ import annotations

import re
import time
from pathlib import Path

from reflect_env.sim.ports import Port, PortError, parse_ports
from reflect_env.sim.runner import Deadline, run_bounded, trim
from reflect_env.sim.signals import classify
from reflect_env.sim.testbench import HALF, RESET_CYCLES, SETTLE

TB_TOP = "vec__tb"
_FAIL_RE = re.compile(r"VEC-FAIL check=(\d+) step=(\d+) signal=(\S+) expected=(\S+) got=(\S+)")
_DONE = "VEC-DONE"


def _tb(top: str, ports: list[Port], checks: list[list[dict]]) -> str:
    roles = classify(ports)
    resets = {r.name: r.active for r in roles.resets}
    driven = [p for p in ports if p.direction == "input" and p.name not in roles.clocks]
    lines = [f"module {TB_TOP};"]
    lines += [f"  reg {c};" for c in roles.clocks]
    widths = {p.name: p.width for p in ports}
    for p in ports:
        if p.name not in roles.clocks:
            rng = f"[{p.width - 1}:0] " if p.width > 1 else ""
            lines.append(f"  {'reg' if p in driven else 'wire'} {rng}{p.name};")
    conns = ",\n".join(f"    .{p.name}({p.name})" for p in ports if p.direction != "inout")
    lines.append(f"  {top} dut (\n{conns}\n  );")
    clock = " ".join(f"{c} = 1;" for c in roles.clocks), " ".join(f"{c} = 0;" for c in roles.clocks)
    lines.append("  initial begin")
    lines += [f"    {c} = 0;" for c in roles.clocks]
    for ci, steps in enumerate(checks):
        lines += [f"    {p.name} = {resets.get(p.name, 0)};" for p in driven]
        if roles.clocks:
            lines.append(f"    repeat ({RESET_CYCLES}) begin #{HALF} {clock[0]} #{HALF} {clock[1]} end")
            lines += [f"    {name} = {1 - active};" for name, active in resets.items()]
        for si, step in enumerate(steps):
            lines += [f"    {name} = {widths[name]}'d{value};" for name, value in step.get("inputs", {}).items()]
            lines.append(f"    #{SETTLE};")
            for name, value in step.get("outputs", {}).items():
                lines.append(f'    if ({name} !== {widths[name]}\'d{value}) $display("VEC-FAIL check={ci} step={si} signal={name} '
                             f'expected={value} got=%0d", {name});')
            lines.append(f"    #{HALF - SETTLE} {clock[0]} #{HALF} {clock[1]}" if roles.clocks
                         else f"    #{2 * HALF - SETTLE};")
    lines += [f'    $display("{_DONE}");', "    $finish;", "  end", "endmodule"]
    return "\n".join(lines) + "\n"


def run_vectors(sv: str, top: str, checks: list[list[dict]], *, workdir: Path,
                timeout: float = 30.0) -> tuple[list[str | None], str | None]:
    """(one entry per check: None when it passed, else the first failing comparison in words;
    error). `error` is set, and the list empty, when the run could not judge the design."""
    start = time.monotonic()
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        ports = parse_ports(sv, top)
    except PortError as e:
        return [], str(e)
    known = {p.name: p for p in ports}
    for steps in checks:
        for step in steps:
            for kind, direction in (("inputs", "input"), ("outputs", "output")):
                for name, value in step.get(kind, {}).items():
                    p = known.get(name)
                    if p is None or p.direction != direction or not 0 <= int(value) < (1 << p.width):
                        return [], f"check names {direction} {name}={value}, which {top} does not have"
    (workdir / "tb.sv").write_text(_tb(top, ports, checks))
    (workdir / "dut.sv").write_text(sv)
    deadline = Deadline(timeout)
    built = run_bounded(["iverilog", "-g2012", "-o", "vec.vvp", "-s", TB_TOP, "tb.sv", "dut.sv"], workdir,
                        deadline.left())
    if built.returncode != 0:
        return [], "iverilog: " + trim(built.output, 400)
    ran = run_bounded(["vvp", "-n", "vec.vvp"], workdir, deadline.left())
    if ran.timed_out or _DONE not in ran.output:
        return [], f"vector run did not finish ({time.monotonic() - start:.1f}s): " + trim(ran.output, 300)
    verdicts: list[str | None] = [None] * len(checks)
    for m in _FAIL_RE.finditer(ran.output):
        ci = int(m.group(1))
        if verdicts[ci] is None:
            verdicts[ci] = (f"step {int(m.group(2)) + 1}: {m.group(3)} expected {m.group(4)}, got {m.group(5)}")
    return verdicts, None
