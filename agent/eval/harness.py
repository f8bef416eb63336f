"""The reference self-check and the `harness` labels it leaves behind.

`agent bench selfcheck BENCH` runs every problem's reference as the design, through the same checks a
candidate gets. A problem whose reference fails cannot be solved by anyone (a testbench guard that
ends before its stimulus, ports the testbench names differently, a simulator limitation): it is labelled
`harness` with the reason. Labels persist per benchmark path (LABELS_DIR), and every eval report lists
them and leaves those problems out of its pass rates unless a run includes them explicitly.
"""
from __future__ import annotations

import hashlib
import json
import re
import tempfile
import time
from pathlib import Path
from typing import Callable

from agent.eval.benchmarks import Benchmark
from agent.task import Task
from reflect_env.toolchain import cache_dir

LABELS_DIR = "selfcheck"
HARNESS = "harness"
_VERILOG = re.compile(r"^\s*module\s+\w+", re.M)


def labels_path(bench_path: str | Path) -> Path:
    """Where the self-check of the benchmark at `bench_path` is kept (one file per resolved path)."""
    resolved = str(Path(bench_path).resolve())
    key = hashlib.sha256(resolved.encode()).hexdigest()[:12]
    return cache_dir() / LABELS_DIR / f"{Path(resolved).name}-{key}.json"


def load_labels(bench_path: str | Path | None) -> dict[str, str]:
    """Problem id -> why its reference fails, from the last self-check of that benchmark ({} if none)."""
    if not bench_path:
        return {}
    path = labels_path(bench_path)
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return {pid: p["reason"] for pid, p in doc.get("problems", {}).items() if not p.get("ok")}


def apply_labels(meta: dict, records: list) -> tuple[list, dict]:
    """(the records a run's pass rates count, the summary fields that list the harness problems).

    One call in the report: labelled problems are never counted against a candidate unless the run was
    started with `include_harness`."""
    labels = load_labels(meta.get("bench_path"))
    present = {r.id: labels[r.id] for r in records if r.id in labels}
    counted = records if meta.get("include_harness") else [r for r in records if r.id not in present]
    return counted, {"harness": present, "harness_counted": bool(meta.get("include_harness"))}


def harness_section(extra: dict) -> str:
    """report.md lines naming the harness-labelled problems (empty when there are none)."""
    if not extra.get("harness"):
        return ""
    how = "counted in the rates above (include_harness)" if extra["harness_counted"] else "left out of the rates above"
    lines = ["", f"## Harness problems ({len(extra['harness'])}, {how})", "",
             "Their reference fails the problem's own check (`agent bench selfcheck`):", ""]
    lines += [f"- {pid}: {reason}" for pid, reason in sorted(extra["harness"].items())]
    return "\n".join(lines) + "\n"


# ---- the self-check ------------------------------------------------------------------------------

def reference_design(task: Task) -> str | None:
    """The problem's reference as a design: a VerilogEval RefModule renamed to the module the testbench
    instantiates, or the own/seed reference source as it is."""
    ref = task.reference or task.meta.get("reference_code")
    if not ref:
        return None
    if task.testbench is not None and task.meta.get("source") == "verilogeval":
        return re.sub(r"\bmodule\s+RefModule\b", f"module {task.top or 'TopModule'}", ref)
    return ref


def check_reference(env_factory: Callable, task: Task, workdir: Path) -> dict:
    """{"ok", "category", "reason", "simulator"} for one problem's reference run as its design."""
    from reflect_env import sim
    from reflect_env.sim import pymodel  # noqa: F401  (sim.pymodel below)

    design = reference_design(task)
    if design is None:
        return {"ok": False, "category": "no_reference", "reason": "the problem has no reference to check"}
    if sim.pymodel.is_python_model(design):  # a Python model: no design to build, so run it alone
        from agent.eval.model_reference import check_model_reference

        return check_model_reference(task, design, workdir)
    if _VERILOG.search(design) and "endmodule" in design:  # checked by simulation alone, no Chisel to build
        if task.testbench is not None and task.reference is not None:
            ref = workdir / "ref.sv"
            ref.write_text(task.reference)
            out = sim.verilogeval(design, task.testbench, ref, workdir=workdir / "sim", timeout=120)
        else:
            top = task.top or sim.module_names(design)[-1]
            out = sim.differential(design, top, design, top, workdir=workdir / "sim", timeout=120,
                                   **({"cycles": task.meta["sim_cycles"]} if task.meta.get("sim_cycles") else {}))
        return {"ok": out.ok, "category": out.category, "simulator": out.simulator,
                "reason": "" if out.ok else f"{out.category}: {(out.hints or [out.log])[0][:400]}"}
    env = env_factory()
    res = env.verify(design, task.top, reference=task.reference, testbench=task.testbench, mode="strict",
                     cycles=task.meta.get("sim_cycles"), allow_blackbox=True)
    first = res.first_error()
    return {"ok": res.ok, "category": res.category, "simulator": res.simulator,
            "reason": "" if res.ok else f"{res.category}: {first.message[:400] if first else ''}"}


def selfcheck(bench: Benchmark, env_factory: Callable, *, progress: Callable[[str, dict], None] = lambda *_: None,
              save: bool = True) -> dict:
    """Check every problem's reference; persist the labels (labels_path) and return the report."""
    t0 = time.monotonic()
    problems: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="selfcheck-") as tmp:
        for i, task in enumerate(bench.tasks):
            workdir = Path(tmp) / f"p{i}"
            workdir.mkdir()
            problems[task.id] = check_reference(env_factory, task, workdir)
            progress(task.id, problems[task.id])
    simulators = sorted({p["simulator"] for p in problems.values() if p.get("simulator")})
    report = {
        "bench": bench.name, "bench_path": str(bench.path.resolve()), "format": bench.format,
        "n": len(problems), "passed": sum(p["ok"] for p in problems.values()),
        "harness": sorted(pid for pid, p in problems.items() if not p["ok"]),
        "simulators": simulators, "elapsed_s": round(time.monotonic() - t0, 2), "problems": problems,
    }
    if save:
        path = labels_path(bench.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report, indent=1))
        report["labels_file"] = str(path)
    return report
