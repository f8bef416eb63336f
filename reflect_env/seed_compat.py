"""The seed project's `reflect()` call, answered by ReflectEnv, so the seed's scripts keep working.

Stage names and keys are the seed's: compilation / elaboration / simulation / passed.
"""
from __future__ import annotations

import atexit
import threading
from datetime import datetime
from pathlib import Path

from reflect_env.result import Stage, VerifyResult

_SEED_STAGE = {Stage.compile: "compilation", Stage.elaborate: "elaboration", Stage.emit: "elaboration",
               Stage.simulate: "simulation", Stage.passed: "passed"}
_env = None
_lock = threading.Lock()


def _shared_env():
    global _env
    with _lock:
        if _env is None:
            from reflect_env.env import ReflectEnv

            _env = ReflectEnv()
            atexit.register(_env.close)
        return _env


def error_log(res: VerifyResult) -> str:
    """A compiler-style log: `Candidate.scala:LINE:COL: error: message` plus the offending line."""
    out = []
    for d in res.diagnostics:
        if d.severity != "error":
            continue
        loc = f"Candidate.scala:{d.line}:{d.column or 1}: " if d.line else ""
        out.append(f"{loc}{d.severity}: {d.message}")
        if d.code_line is not None:
            out.append(d.code_line)
            if d.column:
                out.append(" " * (d.column - 1) + "^")
    for m in res.mismatches:
        out.append(f"mismatch: {m.signal} at cycle {m.cycle}: expected {m.expected}, got {m.got}")
    return "\n".join(out)


def reflect(chisel_code: str, module_name: str, testbench_path: str | None = None, output_dir: str | None = None,
            verilog_file: str | None = None, result_file: str | None = None, silent: bool = False) -> dict:
    """Compile, elaborate and (with a Verilator C++ testbench) simulate, returning the seed's dict."""
    res = _shared_env().verify(chisel_code, module_name, testbench=testbench_path, mode="strict")
    result = {
        "compiled": res.compiled,
        "elaborated": res.elaborated,
        "sim_passed": (res.ok if testbench_path else None),
        "error_log": error_log(res),
        "generated_verilog": res.verilog or "",
        "stage": _SEED_STAGE[res.stage],
        "timestamp": datetime.now().isoformat(),
        "module_name": res.top or module_name,
        "full_stdout": res.sim_log or "",
        "full_stderr": error_log(res),
    }
    if output_dir:
        Path(output_dir).mkdir(parents=True, exist_ok=True)
        if res.verilog:
            Path(output_dir, verilog_file or f"{result['module_name']}.sv").write_text(res.verilog)
    if result_file:
        import json

        Path(result_file).write_text(json.dumps(result, indent=2))
    if not silent:
        print(f"[reflect] {module_name}: {result['stage']}" + (f"\n{result['error_log']}" if result["error_log"] else ""))
    return result
