"""Which problems of a recorded eval run had their own structural twin among their worked examples.

    python scripts/twins_in_prompts.py RUN_DIR [RUN_DIR ...]

A twin is a (problem, bank example) pair of experiments/results/contamination/twins.json at or above a
limit of the contamination audit (agent.rag.contamination.over_limit, the bank build's rule); the examples a problem saw are its trace's `examples` event.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from agent.rag.contamination import over_limit
from agent.trace import load_trace

TWINS = Path(__file__).resolve().parent.parent / "experiments/results/contamination/twins.json"


def twin_pairs(path: Path = TWINS) -> dict[str, set[str]]:
    audit = json.loads(path.read_text())
    pairs: dict[str, set[str]] = {}
    for bench in audit["benchmarks"]:
        for pair in bench["structural_twins"] + bench["top_structural_pairs"]:
            if over_limit(pair["spec_sim"], pair["code_sim"] or 0.0, pair["struct_sim"] or 0.0):
                pairs.setdefault(pair["problem"], set()).add(pair["example"])
    return pairs


def seen(run: Path, pairs: dict[str, set[str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for trace in sorted((run / "traces").glob("*.jsonl")):
        shown = {eid for event in load_trace(trace).of_kind("examples") for group in event.get("sets") or []
                 for eid in group}
        hit = pairs.get(trace.stem, set()) & shown
        if hit:
            out[trace.stem] = sorted(hit)
    return out


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    pairs = twin_pairs()
    for arg in argv:
        run = Path(arg)
        if not (run / "traces").is_dir():
            print(f"error: {run} has no traces/ (not an agent eval run directory)", file=sys.stderr)
            return 2
        hits = seen(run, pairs)
        print(json.dumps({"run": str(run), "problems_with_their_twin": len(hits), "twins": hits}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
