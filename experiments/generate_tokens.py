"""What the generate requests of recorded runs cost, as the server counted it (issue 22's ablations).

For each `agent eval` run directory: the round-0 generate requests its traces recorded (one of n = k, or
k of n = 1 with `example_diversity = order | sets`), their prompt and completion tokens as the server
reported them, and the prompt tokens the server said it took from its prefix cache. Replies served by the
response cache are counted with the tokens of the run that paid for them (the trace keeps them), and
counted apart. Where llama-server's non-streamed reply did not report the cached part, it reads 0.

    PYTHONPATH=. python experiments/generate_tokens.py RUN [RUN ...] [--json]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from agent.oracle_free.live_table import TableError, load_run
from agent.trace import TraceData


def summarise(run: Path) -> dict:
    """TableError: not an agent eval run directory. Only the problems the run recorded count (a run still
    going has traces of problems not finished)."""
    traced = [p.events for p in load_run(run).values() if p.events]
    if not traced:
        raise TableError(f"{run} has no traces of its recorded problems")
    reqs = [r for events in traced for r in TraceData(events).generate_responses()]
    problems = len(traced)
    prompt = sum(r.get("prompt_tokens") or 0 for r in reqs)
    return {"run": run.name, "problems": problems, "generate_requests": len(reqs),
            "from_response_cache": sum(1 for r in reqs if r.get("cached")),
            "prompt_tokens_per_problem": round(prompt / problems, 1),
            "prompt_tokens_per_request": round(prompt / len(reqs), 1) if reqs else 0.0,
            "completion_tokens_per_problem": round(sum(r.get("completion_tokens") or 0 for r in reqs) / problems, 1),
            "server_cached_prompt_share": round(sum(r.get("cached_prompt_tokens") or 0 for r in reqs) / prompt, 3)
            if prompt else 0.0}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("runs", nargs="+", type=Path)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    try:
        rows = [summarise(r) for r in args.runs]
    except TableError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    print("| run | problems | generate requests (response cache) | prompt tokens / problem | / request | "
          "completion tokens / problem | server prefix-cache share |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['run']} | {r['problems']} | {r['generate_requests']} ({r['from_response_cache']}) | "
              f"{r['prompt_tokens_per_problem']:,.0f} | {r['prompt_tokens_per_request']:,.0f} | "
              f"{r['completion_tokens_per_problem']:,.0f} | {r['server_cached_prompt_share']:.1%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
