"""`agent bench rag-startup`: seconds from a fresh process's launch until a spec's retrieval is ready,
with each embedding backend (issue 19: retrieval was the critical path before a solve's first request).

Each repeat launches `python -m agent.rag.startup_bench SPEC` once per backend (CHISEL_AGENT_EMBEDDER),
which does what `agent solve`'s start-up thread does: open the retriever, retrieve the spec's notes
(the index, the embedding model) and its worked examples (the bank), then prints when that was done.
The backends alternate which goes first, so a load change on a busy machine hits both alike.
"""
from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

BACKENDS = ("sentence-transformers", "onnx")


def _loadavg() -> float | None:
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def child(spec_path: Path) -> dict:
    """The start-up thread's retrieval for one spec, timed (wall-clock stamps the parent compares)."""
    started = time.time()  # the interpreter and this module are loaded
    from agent.config import AgentConfig
    from agent.rag.retriever import Retriever
    from agent.search import infer_top, uses_examples

    imported = time.time()
    cfg = AgentConfig()
    spec = spec_path.read_text(encoding="utf-8")
    r = Retriever(cfg.profile)
    notes = r.retrieve(spec, k=cfg.rag_k)
    notes_at = time.time()
    examples = r.examples(spec, cfg.examples_m, exclude_top=infer_top(spec)) if uses_examples(cfg) else []
    return {"started": started, "imported": imported, "notes_ready": notes_at, "ready": time.time(),
            "notes": [n.id for n in notes], "examples": [e.id for e in examples], "embedder": r.embedder.describe(),
            "torch_imported": "torch" in sys.modules}


def _run_one(spec: Path, backend: str, timeout_s: float) -> dict:
    env = {**os.environ, "CHISEL_AGENT_EMBEDDER": backend}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    launched = time.time()
    try:
        proc = subprocess.run([sys.executable, "-m", "agent.rag.startup_bench", str(spec)], env=env,
                              capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"the {backend} start-up process took more than {timeout_s:.0f} s (a busy machine? "
                           "--timeout sets the limit)") from None
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"the {backend} start-up process failed (exit {proc.returncode}): {tail}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    # CPU seconds, launch to exit: on a busy machine the wall time mostly measures waiting for a core
    cpu_s = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"backend": backend, "ready_s": round(got["ready"] - launched, 3), "cpu_s": round(cpu_s, 3),
            "interpreter_s": round(got["started"] - launched, 3), "imports_s": round(got["imported"] - got["started"], 3),
            "retrieval_s": round(got["ready"] - got["imported"], 3), "notes_s": round(got["notes_ready"] - got["imported"], 3),
            "embedder": got["embedder"], "notes": got["notes"], "examples": got["examples"],
            "torch_imported": got["torch_imported"]}


def run_startup_bench(spec: Path, repeats: int = 5, timeout_s: float = 300.0, tick=None) -> dict:
    """`repeats` fresh processes per backend; medians and every run. Raises RuntimeError when a process
    fails or the ONNX one did not use ONNX (its fallback would make the comparison meaningless)."""
    tick = tick or (lambda _run: None)
    load_before = _loadavg()
    runs: list[dict] = []
    for i in range(repeats):
        for backend in (BACKENDS if i % 2 == 0 else BACKENDS[::-1]):
            run = _run_one(spec, backend, timeout_s)
            if run["embedder"]["backend"] != backend:
                raise RuntimeError(f"asked for {backend}, the process embedded with {run['embedder']['backend']} "
                                   f"({run['embedder'].get('fallback')}); run `agent rag build` for the ONNX export")
            runs.append(run)
            tick(run)
    out: dict = {"spec": str(spec), "repeats": repeats, "cpu_count": os.cpu_count(),
                 "load_average_1m_before": load_before, "load_average_1m_after": _loadavg()}
    for b in BACKENDS:
        mine = [r for r in runs if r["backend"] == b]
        out[b] = {k: round(statistics.median(r[k] for r in mine), 3)
                  for k in ("ready_s", "cpu_s", "interpreter_s", "imports_s", "retrieval_s", "notes_s")}
        out[b]["ready_s_all"] = [r["ready_s"] for r in mine]
        out[b]["cpu_s_all"] = [r["cpu_s"] for r in mine]
    first = {b: next(r for r in runs if r["backend"] == b) for b in BACKENDS}
    # the same notes and examples either way: the backends' vectors are the same
    out["same_results"] = all((r["notes"], r["examples"]) == (first[r["backend"]]["notes"], first[r["backend"]]["examples"])
                              for r in runs) and (first[BACKENDS[0]]["notes"], first[BACKENDS[0]]["examples"]) == \
        (first[BACKENDS[1]]["notes"], first[BACKENDS[1]]["examples"])
    out["notes"], out["examples"] = first["onnx"]["notes"], first["onnx"]["examples"]
    out["onnx_imported_torch"] = any(r["torch_imported"] for r in runs if r["backend"] == "onnx")
    out["saved_s"] = round(out[BACKENDS[0]]["ready_s"] - out[BACKENDS[1]]["ready_s"], 3)
    out["saved_cpu_s"] = round(out[BACKENDS[0]]["cpu_s"] - out[BACKENDS[1]]["cpu_s"], 3)
    return out


if __name__ == "__main__":  # the child process of run_startup_bench
    print(json.dumps(child(Path(sys.argv[1]))))
