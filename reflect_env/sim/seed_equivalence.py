"""Are the seed baseline's "passing" outputs actually right? The seed only compiled them. This
re-verifies each recorded output against the eval set's Chisel reference with differential
simulation (needs the Chisel toolchain: `agent setup`).

    python -m reflect_env.sim.seed_equivalence [--seed-data DIR] [--cycles 1000] [--out FILE.jsonl] [--json]

One JSON line per case is appended to --out as it finishes, so an interrupted run loses nothing.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

DEFAULT_SEED = Path(__file__).resolve().parents[3] / "shared" / "seed-data"


def _load(seed: Path) -> tuple[dict, list]:
    cases = {}
    for line in (seed / "eval_set_v2.jsonl").read_text().splitlines():
        if line.strip():
            case = json.loads(line)
            cases[case["id"]] = case
    return cases, json.loads((seed / "baseline_results.json").read_text())["results"]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m reflect_env.sim.seed_equivalence", description=__doc__.split("\n\n")[0])
    p.add_argument("--seed-data", type=Path, default=Path(os.environ.get("CHISEL_AGENT_SEED_DATA", DEFAULT_SEED)))
    p.add_argument("--cycles", type=int, default=1000)
    p.add_argument("--profile", default=None, help="toolchain profile (default: chisel7)")
    p.add_argument("--out", type=Path, help="append one JSON line per case here")
    p.add_argument("--json", action="store_true", help="print exactly one JSON summary object")
    args = p.parse_args(argv)
    if not (args.seed_data / "eval_set_v2.jsonl").is_file() or not (args.seed_data / "baseline_results.json").is_file():
        print(f"error: seed data not found in {args.seed_data} (set CHISEL_AGENT_SEED_DATA)", file=sys.stderr)
        return 2
    if args.cycles < 1:
        print("error: --cycles must be at least 1", file=sys.stderr)
        return 2
    from reflect_env import ReflectEnv, ToolchainMissing

    cases, results = _load(args.seed_data)
    rows, start = [], time.monotonic()
    sink = args.out.open("a") if args.out else None
    try:
        with ReflectEnv(args.profile, workers=1, sim_cycles=args.cycles) as env, Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            disable=args.json, transient=True,
        ) as bar:
            task = bar.add_task("simulating seed outputs", total=len(results))
            for rec in results:
                case = cases[rec["id"]]
                v = env.verify(rec.get("extracted_code") or "", top=case["test_config"]["module_name"],
                               reference=case["reference_code"], mode="lenient")
                row = {"id": rec["id"], "seed_passed": bool(rec.get("passed")), "ok": v.ok, "stage": v.stage.value,
                       "category": v.category.value if v.category else None,
                       "first_line": (v.sim_log or (v.first_error().message if v.first_error() else "")).split("\n")[0]}
                rows.append(row)
                if sink:
                    sink.write(json.dumps(row) + "\n")
                    sink.flush()
                bar.advance(task)
    except ToolchainMissing as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    finally:
        if sink:
            sink.close()
    summary = {
        "cases": len(rows), "cycles": args.cycles,
        "seed_passed": sum(r["seed_passed"] for r in rows),
        "functionally_equivalent": sum(r["ok"] for r in rows),
        "seed_passed_but_wrong": [r["id"] for r in rows if r["seed_passed"] and r["category"] == "sim_mismatch"],
        "outcomes": dict(Counter(r["category"] or "passed" for r in rows)),
        "seconds": round(time.monotonic() - start, 1),
    }
    if args.json:
        print(json.dumps(summary))
        return 0
    for r in rows:
        if not r["ok"]:
            print(f"{r['id']:<22} {r['category']:<16} {r['first_line'][:100]}")
    print(f"seed compile-passed {summary['seed_passed']}/{summary['cases']}; functionally equivalent to the reference "
          f"at {args.cycles} cycles: {summary['functionally_equivalent']}/{summary['cases']}; "
          f"passed by the seed but wrong: {', '.join(summary['seed_passed_but_wrong']) or 'none'} "
          f"({summary['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
