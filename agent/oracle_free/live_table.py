"""Issue 20's live table: the selection rules on the same samples, read from recorded eval runs.

    python -m agent.oracle_free.live_table --d0 RUN [--d2 RUN] [--oracle RUN] [--json] [--md FILE]

Every run is an `agent eval` with k samples and the references hidden from the search (scored against
them afterwards); they share their round-0 samples through the response cache, which this command
checks (`paired`: problems whose round-0 replies are the same texts in every run). From them:

  (a) first compiling   --d0: the lowest-numbered sample that passed the search's own checks at round 0
  (d) vote              --d0: the trace's `vote` choice (no vote: the one passing sample, else nothing)
  (f) Python models     --d0: the reported candidate of a run with `pymodels = m` (dual agreement)
  ceiling               --d0: any of the k round-0 samples right
  (g) (f) + repair      --d2: the same, depth 2 (counterexample repair against the models)
  (h) oracle repair     --oracle: depth 2 with `--oracle-feedback` (repairs see the hidden reference)

No candidate is re-verified: each chain's `functional_ok` was scored against the reference by the eval.
Cost per problem (mean): LLM calls, prompt and completion tokens, LLM seconds (replies not served from
the response cache), simulation seconds (verification plus the Python models' co-simulation) and wall.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from agent.eval.metrics import bootstrap_ci

SIM_EVENTS = ("vote", "pymodels_check", "pymodels_selection", "model_repair")


class TableError(ValueError):
    """A run directory this table cannot read."""


def load_run(run_dir: Path) -> dict[str, dict]:
    """The run's records by problem id, each with its trace's events under `_events` (the latest record wins:
    a resumed run appends)."""
    path = run_dir / "results.jsonl"
    if not path.is_file():
        raise TableError(f"{run_dir} has no results.jsonl (not an agent eval run directory)")
    records: dict[str, dict] = {}
    for line in path.read_text().splitlines():
        if line.strip():
            rec = json.loads(line)
            records[rec["id"]] = rec
    for pid, rec in records.items():
        trace = run_dir / "traces" / f"{pid}.jsonl"
        rec["_events"] = [json.loads(x) for x in trace.read_text().splitlines() if x.strip()] if trace.is_file() else []
    return records


def _round0_chains(rec: dict) -> list[dict]:
    return sorted(rec.get("chains") or [], key=lambda c: c["sample_index"])


def first_compiling(rec: dict) -> bool:
    """(a): the first sample (in sample order) that passed the search's checks at round 0."""
    for chain in _round0_chains(rec):
        if chain.get("first_pass_round") == 0:
            return bool(chain.get("functional_ok"))
    return False


def voted(rec: dict) -> bool:
    """(d): the vote's choice among the round-0 passes; with fewer than two passes, the one pass."""
    votes = [e for e in rec["_events"] if e.get("kind") == "vote"]
    if votes and votes[0].get("chosen_chain") is not None:
        chosen = votes[0]["chosen_chain"]
        return any(c["sample_index"] == chosen and bool(c.get("functional_ok")) for c in _round0_chains(rec))
    return first_compiling(rec)


def ceiling(rec: dict) -> bool:
    return any(c.get("first_pass_round") == 0 and c.get("functional_ok") for c in _round0_chains(rec))


def reported(rec: dict) -> bool:
    """The candidate the search reported (final_code), scored against the reference. Not the record's
    `functional`: that is any chain right (pass@k's oracle view, the ceiling)."""
    final = rec.get("final_code")
    if not final:
        return False
    for chain in rec.get("chains") or []:
        code = next((a.get("code") for a in reversed(chain.get("attempts") or []) if a.get("ok") and a.get("code")), None)
        if code == final:
            return bool(chain.get("functional_ok"))
    return False


def round0_texts(rec: dict) -> tuple[str, ...] | None:
    """The generate request's replies (the k samples) as the trace recorded them."""
    template = None
    for e in rec["_events"]:
        if e.get("kind") == "prompt" and e.get("chain") is None and e.get("round") == 0:
            template = e.get("template")
        elif e.get("kind") == "response" and e.get("chain") is None and e.get("round") == 0 and template == "generate":
            return tuple(e.get("texts") or ())
    return None


def cost(rec: dict) -> dict:
    events = rec["_events"]
    llm_s = sum(e.get("latency_s") or 0.0 for e in events if e.get("kind") == "response" and not e.get("cached"))
    sim_s = (rec.get("verify_s") or 0.0) + sum(e.get("sim_s") or 0.0 for e in events if e.get("kind") in SIM_EVENTS)
    return {"llm_calls": rec.get("llm_calls") or 0, "prompt_tokens": rec.get("prompt_tokens") or 0,
            "completion_tokens": rec.get("completion_tokens") or 0, "llm_s": llm_s, "sim_s": sim_s,
            "wall_s": rec.get("wall_s") or 0.0}


def _rate(values: list[bool]) -> dict:
    xs = [1.0 if v else 0.0 for v in values]
    lo, hi = bootstrap_ci(xs)
    return {"pass": sum(values), "n": len(values), "rate": round(sum(xs) / len(xs), 3) if xs else 0.0,
            "ci": [round(lo, 3), round(hi, 3)]}


def _mean_cost(recs: list[dict]) -> dict:
    costs = [cost(r) for r in recs]
    return {k: round(sum(c[k] for c in costs) / len(costs), 1) for k in costs[0]} if costs else {}


def table(d0: dict[str, dict], d2: dict[str, dict] | None = None, oracle: dict[str, dict] | None = None) -> dict:
    """The rules over the problems every given run recorded (see the module docstring)."""
    runs = {"d0": d0, "d2": d2, "oracle": oracle}
    given = {k: v for k, v in runs.items() if v is not None}
    ids = sorted(set.intersection(*(set(v) for v in given.values())))
    if not ids:
        raise TableError("the runs have no problem in common")
    paired = [pid for pid in ids if len({round0_texts(run[pid]) for run in given.values()}) == 1
              and round0_texts(d0[pid]) is not None]
    rows: dict[str, dict] = {
        "(a) first compiling, depth 0": _rate([first_compiling(d0[p]) for p in ids]),
        "(d) vote, depth 0": _rate([voted(d0[p]) for p in ids]),
        "(f) Python models, depth 0": _rate([reported(d0[p]) for p in ids]),
        "ceiling: any of the k round-0 samples": _rate([ceiling(d0[p]) for p in ids]),
    }
    if d2 is not None:
        rows["(g) Python models + counterexample repair, depth 2"] = _rate([reported(d2[p]) for p in ids])
    if oracle is not None:
        rows["(h) repair from the hidden reference, depth 2"] = _rate([reported(oracle[p]) for p in ids])
    per_problem = [{"id": p, "a": first_compiling(d0[p]), "d": voted(d0[p]), "f": reported(d0[p]),
                    "ceiling": ceiling(d0[p]),
                    **({"g": reported(d2[p])} if d2 is not None else {}),
                    **({"h": reported(oracle[p])} if oracle is not None else {})} for p in ids]
    return {"problems": len(ids), "paired": len(paired), "unpaired": [p for p in ids if p not in paired],
            "rules": rows, "cost_per_problem": {k: _mean_cost([v[p] for p in ids]) for k, v in given.items()},
            "per_problem": per_problem}


def markdown(result: dict) -> str:
    lines = [f"{result['problems']} problems, {result['paired']} paired on the same round-0 samples", "",
             "| rule | functional pass | 95 % interval |", "|---|---|---|"]
    for name, r in result["rules"].items():
        lines.append(f"| {name} | {r['rate']:.2f} ({r['pass']}/{r['n']}) | [{r['ci'][0]:.2f}, {r['ci'][1]:.2f}] |")
    lines += ["", "| run | LLM calls | prompt tokens | completion tokens | LLM s | simulation s | wall s |",
              "|---|---|---|---|---|---|---|"]
    for name, c in result["cost_per_problem"].items():
        lines.append(f"| {name} | {c['llm_calls']} | {c['prompt_tokens']:.0f} | {c['completion_tokens']:.0f} | "
                     f"{c['llm_s']} | {c['sim_s']} | {c['wall_s']} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m agent.oracle_free.live_table", description=__doc__.split("\n\n")[0])
    p.add_argument("--d0", required=True, type=Path, help="eval run, depth 0, with pymodels")
    p.add_argument("--d2", type=Path, help="the same at depth 2")
    p.add_argument("--oracle", type=Path, help="depth 2 with --oracle-feedback")
    p.add_argument("--json", action="store_true", help="print the table as JSON")
    p.add_argument("--md", type=Path, help="also write the markdown table here")
    args = p.parse_args(argv)
    try:
        result = table(load_run(args.d0), load_run(args.d2) if args.d2 else None,
                       load_run(args.oracle) if args.oracle else None)
    except (TableError, OSError, json.JSONDecodeError, KeyError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    md = markdown(result)
    if args.md:
        args.md.write_text(md)
    print(json.dumps(result, indent=1) if args.json else md, end="" if not args.json else "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
