"""The seed project's protocol: build the DUT with Verilator together with a hand-written C++
testbench (which includes `V<Top>.h` and drives clock/reset/io_*), run it, and pass iff it exits 0
and prints `TEST PASSED`.

What the design cannot write decides: the exit status (a design can only make it non-zero, by
$stop/$fatal) and the testbench's stdout, kept apart from stderr, where a Chisel printf goes
(`$fwrite(32'h80000002, ...)`). A design that ends the run with `$finish` (Chisel `stop()`) fails even
when the testbench, seeing `gotFinish()`, stops early and prints `TEST PASSED`: Verilator's runtime
reports every `$finish` on stdout."""
from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

from reflect_env.sim.result import SIM_MISMATCH, SimResult
from reflect_env.sim.runner import Deadline, run_bounded, trim
from reflect_env.sim.tools import run_sandboxed, tool_limitation
from reflect_env.sim.verilator_cache import RuntimeCache

PASS_MARK = "TEST PASSED"
_FAIL_LINE = re.compile(r"fail|mismatch|expected|error|assert", re.I)
_DESIGN_FINISH = re.compile(r"^- \S+:\d+: Verilog \$finish", re.M)  # printed by Verilator's vl_finish


@functools.lru_cache(maxsize=1)
def _simulator() -> str:
    try:
        return subprocess.run(["verilator", "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "verilator (not found)"


def verilator_cpp(dut_sv: str, top: str, tb_cpp: Path, *, workdir: Path, timeout: float = 120.0) -> SimResult:
    start = time.monotonic()
    deadline = Deadline(timeout)
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    tb_cpp = Path(tb_cpp)
    tb_name = tb_cpp.name
    shutil.copyfile(tb_cpp, workdir / tb_name)
    (workdir / f"{top}.sv").write_text(dut_sv)
    trace = bool(re.search(r"Vcd|trace", tb_cpp.read_text()))  # tracing costs build time; only when used
    cmd = [
        "verilator", "--cc", "--exe", "-Wno-fatal", "-Wno-lint", "-Wno-style", "--top-module", top,
        "-Mdir", "obj_dir", "-o", f"V{top}", tb_name, f"{top}.sv",
    ] + (["--trace"] if trace else [])
    stage = "verilator"
    built = run_bounded(cmd, workdir, deadline.left())
    if not built.timed_out and built.returncode == 0:
        objs = workdir / "obj_dir"
        runtime = RuntimeCache(trace)
        runtime.restore(objs)
        make = ["make", "-j", str(min(2, os.cpu_count() or 1)), "-C", "obj_dir", "-f", f"V{top}.mk"]
        stage = "make"
        built = run_bounded(make, workdir, deadline.left())
        if not built.timed_out and built.returncode == 0:
            runtime.save(objs)
    if built.timed_out:
        return SimResult.timed_out(timeout, trim(built.output), time.monotonic() - start)
    if built.returncode != 0:
        errors = [ln.strip() for ln in built.output.splitlines() if "%Error" in ln or "error:" in ln]
        message = f"{stage} failed: " + " | ".join((errors or built.output.strip().splitlines()[-3:])[:5])
        return SimResult.error(message, trim(built.output), time.monotonic() - start)

    ran = run_sandboxed([str(workdir / "obj_dir" / f"V{top}")], workdir, deadline.left(), split_stderr=True)
    seconds = time.monotonic() - start
    vcds = sorted(workdir.glob("*.vcd"), key=lambda p: p.stat().st_mtime)
    vcd_path = str(vcds[-1]) if vcds else None
    if ran.timed_out:
        res = SimResult.timed_out(timeout, trim(ran.output + ran.stderr))
    else:
        res = _judge(ran.returncode if ran.returncode is not None else -1, ran.output, ran.stderr)
    res.vcd_path, res.seconds, res.simulator = vcd_path, seconds, _simulator()
    return res


def _judge(returncode: int, stdout: str, stderr: str) -> SimResult:
    log = trim(stdout + ("\n--- stderr (design printf; not the verdict) ---\n" + stderr if stderr.strip() else ""))
    finished = _DESIGN_FINISH.search(stdout)
    if finished:
        return SimResult(ok=False, category="sim_error", log=log, output=stderr.strip(), hints=[
            f"the design ended the simulation with $finish ({finished.group(0)[2:]}; Chisel stop()), so the "
            "testbench could not check it to the end"])
    if returncode == 0 and PASS_MARK in stdout:
        return SimResult(ok=True, category=None, log=log, output=stderr.strip())
    if returncode is not None and returncode < 0:
        limitation = tool_limitation(stdout + stderr)
        if limitation:
            return SimResult.harness(f"the simulator failed (not a design fault): {limitation}", log)
        return SimResult(ok=False, category="sim_error", hints=[f"testbench crashed (signal {-returncode})"],
                         log=log, output=stderr.strip())
    hints = [ln.strip() for ln in stdout.splitlines() if _FAIL_LINE.search(ln)][:5]
    if not hints:
        hints = [f"testbench exited with status {returncode} without printing '{PASS_MARK}'"]
    return SimResult(ok=False, category=SIM_MISMATCH, hints=hints, log=log, output=stderr.strip())
