"""What a run cost, per problem and per solved problem, from `agent eval` / `agent sweep` run directories.

    python experiments/cost_table.py RUN_DIR [RUN_DIR ...] [--json]

Per run: problems, solved (the headline: functional where there is a reference), LLM calls, prompt
tokens, prompt tokens the server reused from its prefix cache, completion tokens, LLM seconds (the sum of
each call's latency in traces/<id>.jsonl; calls answered from the response cache count 0 s and are
counted separately) and verifier seconds (results.jsonl), each per problem and per solved problem.
Calls overlap when problems or chains run concurrently, so LLM seconds are busy time of requests, not
wall time; the run's wall time is run.json's `elapsed_s`.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from agent.eval.metrics import headline_metric
from agent.eval.records import read_results


def run_cost(run: Path) -> dict:
    records = read_results(run / "results.jsonl")
    metric = headline_metric(records)
    solved = sum(bool(r.functional if metric == "functional" else r.passed) for r in records)
    llm_s = cached_calls = cached_prompt = 0.0
    for trace in sorted((run / "traces").glob("*.jsonl")):
        for line in trace.read_text(encoding="utf-8").splitlines():
            if '"kind": "response"' not in line:
                continue
            event = json.loads(line)
            if event.get("cached"):
                cached_calls += 1
                continue
            llm_s += float(event.get("latency_s") or 0.0)
            cached_prompt += int(event.get("cached_prompt_tokens") or 0)
    meta = json.loads((run / "run.json").read_text()) if (run / "run.json").exists() else {}
    totals = {
        "llm_calls": sum(r.llm_calls for r in records),
        "prompt_tokens": sum(r.prompt_tokens for r in records),
        "cached_prompt_tokens": int(cached_prompt),
        "completion_tokens": sum(r.completion_tokens for r in records),
        "llm_s": round(llm_s, 1),
        "verify_s": round(sum(r.verify_s for r in records), 1),
    }
    n = len(records)
    return {
        "run": str(run), "problems": n, "solved": solved, "metric": metric,
        "calls_from_response_cache": int(cached_calls), "elapsed_s": meta.get("elapsed_s"),
        "total": totals,
        "per_problem": {k: round(v / n, 1) if n else None for k, v in totals.items()},
        "per_solved": {k: round(v / solved, 1) if solved else None for k, v in totals.items()},
    }


def markdown(rows: list[dict]) -> str:
    cols = ("llm_calls", "prompt_tokens", "cached_prompt_tokens", "completion_tokens", "llm_s", "verify_s")
    head = ("| run | solved | " + " | ".join(f"{c} / problem" for c in cols) + " | "
            + " | ".join(f"{c} / solved" for c in cols) + " | calls from cache |")
    lines = [head, "|---|---|" + "---|" * (2 * len(cols) + 1)]
    for r in rows:
        per_p = " | ".join(f"{r['per_problem'][c]:g}" for c in cols)
        per_s = " | ".join("-" if r["per_solved"][c] is None else f"{r['per_solved'][c]:g}" for c in cols)
        lines.append(f"| {Path(r['run']).name} | {r['solved']}/{r['problems']} | {per_p} | {per_s} | "
                     f"{r['calls_from_response_cache']} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    as_json = "--json" in argv
    runs = [Path(a) for a in argv if a != "--json"]
    if not runs:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    missing = [r for r in runs if not (r / "results.jsonl").exists()]
    if missing:
        print(f"error: not a run directory (no results.jsonl): {missing[0]}", file=sys.stderr)
        return 2
    rows = [run_cost(r) for r in runs]
    print(json.dumps(rows, indent=1) if as_json else markdown(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
