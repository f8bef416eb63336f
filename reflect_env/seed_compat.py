"""The seed project's `reflect()` call, answered by ReflectEnv, so the seed's scripts keep working.

Stage names and keys are the seed's: compilation / elaboration / simulation / passed.
"""
from __future__ import annotations

import atexit
import threading
from datetime import datetime
from pathlib import Path

from reflect_env.result import Stage

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


def reflect(chisel_code: str, module_name: str, testbench_path: str | None = None, output_dir: str | None = None,
            verilog_file: str | None = None, result_file: str | None = None, silent: bool = False) -> dict:
    """Compile, elaborate and (with a Verilator C++ testbench) simulate, returning the seed's dict."""
    res = _shared_env().verify(chisel_code, module_name, testbench=testbench_path, mode="strict")
    result = {
        "compiled": res.compiled,
        "elaborated": res.elaborated,
        "sim_passed": (res.ok if testbench_path else None),
        "error_log": res.error_log(),
        "generated_verilog": res.verilog or "",
        "stage": _SEED_STAGE[res.stage],
        "timestamp": datetime.now().isoformat(),
        "module_name": res.top or module_name,
        "full_stdout": res.sim_log or "",
        "full_stderr": res.error_log(),
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
