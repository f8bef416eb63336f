"""Python reference models: a module with `class Model` whose `step` gives a design's outputs per cycle.

Protocol (docs/python_models.md):

    class Model:
        def reset(self) -> None: ...                        # called once, while the design is held in reset
        def step(self, inputs: dict[str, int]) -> dict[str, int]: ...
            # the outputs of the current cycle for these inputs; the clock edge happens after it returns

Ports are named as the spec names them (a design's `io_sum` is `sum`); clock and reset are not inputs
(reset() is the reset). Values are unsigned; the harness masks what `step` returns to each output's width.

A model is code like a candidate, so it runs like one: in its own process under bubblewrap (no network,
only its job directory writable, the home directory hidden), with CPU-time, address-space and file-size
limits and a wall-clock limit. Whatever goes wrong inside it (it raises, hangs, returns something that
is not a dict of ints, names ports the design does not have) is the reference's fault: category
`reference_error`, never a verdict on the candidate.
"""
from __future__ import annotations

import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from reflect_env.sim.result import REFERENCE_ERROR  # noqa: F401  (the category a model failure gets; cosim uses it)
from reflect_env.sim.runner import trim
from reflect_env.sim.tools import run_sandboxed

MODEL_TIMEOUT_S = 10.0  # wall clock for one model over the whole stimulus (1,000 cycles of an adder: ~0.1 s)
MODEL_CPU_S = 8
MODEL_MEMORY_MB = 1024

_MODEL_CLASS = re.compile(r"^class\s+Model\b", re.M)
_STEP = re.compile(r"^\s+def\s+step\s*\(", re.M)

# Runs inside the sandbox as `python -I -S runner.py`. It limits itself before importing the model, then
# writes result.json: {"outputs": [{port: int}, ...]} or {"error": "...", "cycle": n}. Every error the
# model can cause ends up in that file; a missing file means it was killed (time or memory).
_RUNNER = r'''
import json, resource, sys, traceback
cpu, mem = int(sys.argv[1]), int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
resource.setrlimit(resource.RLIMIT_AS, (mem << 20, mem << 20))
resource.setrlimit(resource.RLIMIT_FSIZE, (64 << 20, 64 << 20))
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
stim = json.load(open("stimulus.json"))

def done(obj):
    with open("result.json", "w") as f:
        json.dump(obj, f)
    sys.exit(0)

def where(exc):
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith("model.py")]
    at = f" (model.py line {frames[-1].lineno}: {frames[-1].line})" if frames else ""
    return f"{type(exc).__name__}: {exc}"[:300] + at

cycle = None
try:
    import importlib.util
    spec = importlib.util.spec_from_file_location("model", "model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not isinstance(getattr(module, "Model", None), type):
        done({"error": "the module defines no class Model"})
    model = module.Model()
    cycle = "reset"
    model.reset()
    out = []
    for cycle, inputs in enumerate(stim["inputs"]):
        got = model.step(dict(inputs))
        if not isinstance(got, dict):
            done({"error": f"step() returned {type(got).__name__}, not a dict of output values", "cycle": cycle})
        row = {}
        for k, v in got.items():
            if not isinstance(k, str):
                done({"error": f"step() returned a key {k!r} that is not a port name", "cycle": cycle})
            if isinstance(v, bool):
                v = int(v)
            if not isinstance(v, int):
                done({"error": f"step() returned {k}={v!r} ({type(v).__name__}), not an int", "cycle": cycle})
            row[k] = v
        out.append(row)
    done({"outputs": out})
except MemoryError:
    done({"error": "the model ran out of memory", "cycle": cycle})
except RecursionError as e:
    done({"error": where(e), "cycle": cycle})
except Exception as e:
    done({"error": where(e), "cycle": cycle})
'''


def is_python_model(reference: str | Path | None) -> bool:
    """A `.py` path, or source text that defines `class Model` with a `step` method."""
    if reference is None:
        return False
    if isinstance(reference, Path) or ("\n" not in reference and reference.endswith(".py")):
        return str(reference).endswith(".py")
    return bool(_MODEL_CLASS.search(reference) and _STEP.search(reference))


def model_source(reference: str | Path) -> str:
    """The model's source text (reads a path; raises OSError when it cannot)."""
    if isinstance(reference, Path) or ("\n" not in reference and reference.endswith(".py")):
        return Path(reference).read_text()
    return reference


@dataclass
class ModelRun:
    """One model over one stimulus: its outputs per cycle, or why the reference is at fault."""

    ok: bool
    outputs: list[dict[str, int]] = field(default_factory=list)
    error: str | None = None  # set when not ok: the model's fault, in words
    seconds: float = 0.0


def run_model(source: str, inputs: list[dict[str, int]], *, workdir: Path, timeout: float = MODEL_TIMEOUT_S,
              cpu_s: int = MODEL_CPU_S, memory_mb: int = MODEL_MEMORY_MB) -> ModelRun:
    """Run `source`'s Model over `inputs` (one dict per cycle, spec port names) in a sandboxed process."""
    start = time.monotonic()
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        compile(source, "model.py", "exec")
    except SyntaxError as e:
        return ModelRun(False, error=f"model.py line {e.lineno}: syntax error: {e.msg}",
                        seconds=time.monotonic() - start)
    (workdir / "model.py").write_text(source)
    (workdir / "runner.py").write_text(_RUNNER)
    (workdir / "stimulus.json").write_text(json.dumps({"inputs": inputs}))
    result = workdir / "result.json"
    result.unlink(missing_ok=True)
    python = Path(sys.executable)
    # The interpreter may live under the (hidden) home directory: bind its installation back read-only.
    readable = [Path(sys.base_prefix), Path(sys.prefix), python.resolve().parent.parent]
    ran = run_sandboxed([str(python), "-I", "-S", "runner.py", str(cpu_s), str(memory_mb)], workdir, timeout,
                        readable=readable)
    seconds = time.monotonic() - start
    if ran.timed_out:
        return ModelRun(False, error=f"the model did not finish {len(inputs)} cycles within {timeout:g} s "
                                     "(an endless loop?)", seconds=seconds)
    try:
        data = json.loads(result.read_text())
    except (OSError, ValueError):
        why = _exit_reason(ran.returncode)
        return ModelRun(False, error=f"the model's process ended without a result ({why}): "
                                     + trim(ran.output, 300).replace("\n", " | "), seconds=seconds)
    if "error" in data:
        cycle = data.get("cycle")
        at = "" if cycle is None else (" in reset()" if cycle == "reset" else f" at cycle {cycle}")
        return ModelRun(False, error=f"the model failed{at}: {data['error']}", seconds=seconds)
    return ModelRun(True, outputs=data.get("outputs", []), seconds=seconds)


def _exit_reason(code: int | None) -> str:
    """Why the model's process ended. Killed by a signal shows as a negative code when run directly and as
    128 + the signal under bubblewrap (exit status 152 = SIGXCPU: its CPU-time limit, seen in the tests)."""
    import signal

    sig = -code if code is not None and code < 0 else code - 128 if code is not None and code > 128 else None
    if sig == signal.SIGXCPU:  # a model that loops forever ends here on a quiet machine, before the wall limit
        return "it did not finish within its CPU-time limit (SIGXCPU)"
    if sig == signal.SIGKILL:
        return "killed by its CPU-time or memory limit (SIGKILL)"
    if sig is not None and sig in signal.valid_signals():
        return f"killed by {signal.Signals(sig).name}"
    return f"exit status {code}"
