"""How often the served model's Python models of a spec are right (issue 20, point 6): each problem's
models (prompts/pymodel.j2, n = m, as a solve with `pymodels = m` asks; the response cache makes a rerun and a
later solve free) are co-simulated against the problem's hidden reference design (1,000 cycles,
reflect_env.sim.cosim) and counted right when they agree on every cycle.

    python -m agent.oracle_free.model_accuracy --bench eval_set_v2.jsonl [-m 2] [--ids a,b] [--config F]
        [--base-url URL --model NAME] --out DIR
    python -m agent.oracle_free.model_accuracy --bench own --from-run RUN_DIR --out DIR   # no LLM call

One JSON file per problem in --out (a rerun skips those done, and tries again those that ended in an error); the summary (stdout) has: problems, models
drawn, parsed, that ran (not the reference's fault), right; problems with at least one right model; LLM
calls, tokens and seconds; simulation seconds.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from agent.oracle_free import pymodels
from agent.oracle_free.interface import InterfaceError, parse_interface
from agent.prompting import PromptBuilder
from agent.task import Task
from reflect_env.sim import cosim

if TYPE_CHECKING:
    from agent.config import AgentConfig


async def score_problem(task: Task, reference_sv: str, top: str, llm, builder: PromptBuilder, m: int,
                        cfg: "AgentConfig") -> dict:
    """The problem's m models against its reference design (SystemVerilog, module `top`), asked exactly as a
    solve with `pymodels = m` asks (so the response cache serves one to the other)."""
    try:
        iface = parse_interface(task.spec)
    except InterfaceError:
        iface = None
    prompt = pymodels.models_prompt(builder, task.spec, iface)
    t = time.perf_counter()
    completion = await llm.chat(prompt.messages, n=m, temperature=cfg.temperature, top_p=cfg.top_p,
                                max_tokens=cfg.max_tokens, seed=cfg.seed, extra=prompt.extra())
    llm_s = time.perf_counter() - t
    models, dropped = pymodels.parse_models(completion.texts)
    row: dict = {"id": task.id, "drawn": len(completion.texts), "parsed": len(models), "dropped": dropped,
                 "llm_calls": 1, "tokens": completion.prompt_tokens + completion.completion_tokens,
                 "llm_s": round(llm_s, 3), "cached": bool(getattr(completion, "cached", False))}
    return await score_models(models, reference_sv, top, row)


def recorded_models(run_dir: Path, task_id: str) -> dict | None:
    """The models a recorded eval run drew for a problem (its trace's `pymodels` event), as a row's start;
    None when the run drew none for it."""
    from agent.trace import load_trace

    trace = run_dir / "traces" / f"{task_id}.jsonl"
    drawn = load_trace(trace).of_kind("pymodels") if trace.is_file() else []
    if not drawn:
        return None
    models, dropped = drawn[0].get("models") or [], drawn[0].get("dropped") or []
    return {"id": task_id, "drawn": len(models) + len(dropped), "parsed": len(models), "dropped": dropped,
            "llm_calls": 0, "tokens": 0, "llm_s": 0.0, "cached": True, "from_run": str(run_dir), "_models": models}


async def score_models(models: list[str], reference_sv: str, top: str, row: dict) -> dict:
    """Each model against the reference design: right when it agrees on every cycle."""
    if not models:
        return row | {"ran": 0, "right": 0, "models": [], "sim_s": 0.0}
    with tempfile.TemporaryDirectory(prefix="model-accuracy-") as tmp:
        matrix = await asyncio.to_thread(cosim.agreement, {"reference": (reference_sv, top)},
                                         {f"m{i}": src for i, src in enumerate(models)}, workdir=Path(tmp),
                                         cycles=pymodels.MODEL_CYCLES, seed=pymodels.MODEL_SEED)
    pairs = matrix.pairs["reference"]
    if not matrix.designs["reference"].ok:
        return row | {"error": f"the reference did not simulate: {matrix.designs['reference'].error}"}
    row["models"] = [{"model": name, "right": p.agree, "category": p.category, "match_rate": round(p.match_rate, 4),
                      "error": p.error, "first": p.counterexamples[0].line() if p.counterexamples else None}
                     for name, p in pairs.items()]
    row["ran"] = sum(1 for p in pairs.values() if p.category != "reference_error")
    row["right"] = sum(1 for p in pairs.values() if p.agree)
    row["sim_s"] = round(matrix.seconds, 3)
    return row


def _done(dest: Path) -> bool:
    """A problem scored before (a rerun skips it); a row that failed (e.g. the reference's compile timed out
    on a busy machine) is tried again."""
    try:
        return dest.exists() and "error" not in json.loads(dest.read_text())
    except ValueError:
        return False


def summarize(out: Path) -> dict:
    rows = [json.loads(f.read_text()) for f in sorted(out.glob("*.json"))]
    done = [r for r in rows if "error" not in r]
    total = {k: sum(r.get(k, 0) for r in done) for k in ("drawn", "parsed", "ran", "right", "llm_calls", "tokens")}
    return {"problems": len(done), **total,
            "right_of_drawn": round(total["right"] / total["drawn"], 3) if total["drawn"] else None,
            "problems_with_a_right_model": sum(1 for r in done if r.get("right")),
            "llm_s": round(sum(r.get("llm_s", 0.0) for r in done), 1),
            "sim_s": round(sum(r.get("sim_s", 0.0) for r in done), 1),
            "errors": {r["id"]: r["error"] for r in rows if "error" in r}}


async def run(args) -> int:
    from agent.config import load_config
    from agent.eval.benchmarks import load_benchmark
    from agent.eval.verification import with_reference
    from agent.llm import LLMClient
    from reflect_env import ReflectEnv

    bench = load_benchmark(args.bench)
    tasks = [t for t in bench.tasks if not args.ids or t.id in args.ids.split(",")]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    # the settings of `agent solve` with this harness's flags (a bad value raises ConfigError: one line)
    cfg = load_config(Path(args.config) if args.config else None, model=args.model, base_url=args.base_url)
    builder = PromptBuilder(cfg.profile, fewshot=cfg.fewshot, core_notes=cfg.core_notes)
    from_run = Path(args.from_run) if args.from_run else None
    llm = None if from_run else LLMClient(cfg.llm)
    with ReflectEnv(profile=cfg.profile, workers=1) as env:
        try:
            if llm is not None:
                await llm.check_served()
            for task in tasks:
                dest = out / f"{task.id}.json"
                scoring = with_reference(task)
                if _done(dest) or scoring is None or scoring.reference is None or task.testbench is not None:
                    continue
                recorded = recorded_models(from_run, task.id) if from_run else None
                if from_run and recorded is None:
                    continue  # the run drew no models for it (not in the run, or it saw a reference)
                ref = scoring.reference
                if "endmodule" in ref:
                    sv, top = ref, task.top or "RefModule"
                else:
                    built = await env.averify(ref, top=task.top, mode="lenient", allow_blackbox=True)
                    if not built.ok or not built.verilog or not built.top:
                        err = built.first_error()
                        why = err.message if err else (built.category or "no Verilog")
                        dest.write_text(json.dumps({"id": task.id, "error": f"the reference does not build: {why}"[:300]}) + "\n")
                        continue
                    sv, top = built.verilog, built.top
                if recorded is not None:
                    row = await score_models(recorded.pop("_models"), sv, top, recorded)
                else:
                    row = await score_problem(task, sv, top, llm, builder, args.m, cfg)
                dest.write_text(json.dumps(row, indent=1) + "\n")
                print(json.dumps({k: row.get(k) for k in ("id", "drawn", "parsed", "ran", "right")}), file=sys.stderr)
        finally:
            if llm is not None:
                await llm.aclose()
    print(json.dumps(summarize(out), indent=1))
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m agent.oracle_free.model_accuracy", description=__doc__.split("\n\n")[0])
    p.add_argument("--bench", required=True)
    p.add_argument("-m", type=int, default=2, help="models per problem (one request with n = m)")
    p.add_argument("--ids", help="comma-separated problem ids (default: all)")
    p.add_argument("--config")
    p.add_argument("--base-url")
    p.add_argument("--model")
    p.add_argument("--out", required=True)
    p.add_argument("--from-run", help="score the models a recorded agent eval run drew (its traces' `pymodels` "
                                      "events) instead of asking the model: no LLM call")
    args = p.parse_args(argv)
    if args.from_run and not (Path(args.from_run) / "traces").is_dir():
        print(f"error: {args.from_run} has no traces/ (not an agent eval run directory)", file=sys.stderr)
        return 2
    if args.m < 1:
        print("error: -m must be at least 1", file=sys.stderr)
        return 2
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
