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
For each depth-2 run, what its attempts after round 0 did (`after_round0`): repairs and escapes, where
they stopped, and each chain that turned right, by which kind of attempt and from what failure.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from agent.eval.metrics import bootstrap_ci
from agent.records import ProblemRecord, ResultsLogError, read_results
from agent.trace import TraceData, load_trace

SIM_EVENTS = ("vote", "pymodels_check", "pymodels_selection", "model_repair")


class TableError(ValueError):
    """A run directory this table cannot read."""


@dataclass
class Problem:
    """One problem of a run: its record (results.jsonl) and its trace's events."""

    record: ProblemRecord
    events: list[dict]

    def of_kind(self, kind: str) -> list[dict]:
        return [e for e in self.events if e.get("kind") == kind]


def load_run(run_dir: Path) -> dict[str, Problem]:
    """The run's problems by id (agent.records.read_results: a torn last line is left out)."""
    path = run_dir / "results.jsonl"
    if not path.is_file():
        raise TableError(f"{run_dir} has no results.jsonl (not an agent eval run directory)")
    out: dict[str, Problem] = {}
    for rec in read_results(path):
        trace = run_dir / "traces" / f"{rec.id}.jsonl"
        out[rec.id] = Problem(rec, load_trace(trace).events if trace.is_file() else [])
    return out


def _round0_chains(p: Problem):
    return sorted(p.record.chains, key=lambda c: c.sample_index)


def first_compiling(p: Problem) -> bool:
    """(a): the first sample (in sample order) that passed the search's checks at round 0."""
    for chain in _round0_chains(p):
        if chain.first_pass_round == 0:
            return bool(chain.functional_ok)
    return False


def voted(p: Problem) -> bool:
    """(d): the vote's choice among the round-0 passes; with fewer than two passes, the one pass."""
    votes = p.of_kind("vote")
    if votes and votes[0].get("chosen_chain") is not None:
        chosen = votes[0]["chosen_chain"]
        return any(c.sample_index == chosen and bool(c.functional_ok) for c in _round0_chains(p))
    return first_compiling(p)


def ceiling(p: Problem) -> bool:
    return any(c.first_pass_round == 0 and c.functional_ok for c in _round0_chains(p))


def reported(p: Problem) -> bool:
    """The candidate the search reported (final_code), scored against the reference. Not the record's
    `functional`: that is any chain right (pass@k's oracle view, the ceiling)."""
    final = p.record.final_code
    return bool(final) and any(c.passing_code == final and bool(c.functional_ok) for c in p.record.chains)


def round0_texts(p: Problem) -> tuple[str, ...] | None:
    """The generate request's replies (the k samples) as the trace recorded them."""
    return TraceData(p.events).generate_replies()


def cost(p: Problem) -> dict:
    rec = p.record
    llm_s = sum(e.get("latency_s") or 0.0 for e in p.of_kind("response") if not e.get("cached"))
    sim_s = rec.verify_s + sum(e.get("sim_s") or 0.0 for e in p.events if e.get("kind") in SIM_EVENTS)
    return {"llm_calls": rec.llm_calls, "prompt_tokens": rec.prompt_tokens, "completion_tokens": rec.completion_tokens,
            "llm_s": llm_s, "sim_s": sim_s, "wall_s": rec.wall_s}


def _outcome(a) -> str:
    """Where an attempt stopped, in the bins the repair breakdown counts. Only `sim_mismatch` is wrong
    behaviour; `sim_error` is a simulation that did not run (e.g. ports unlike the reference's)."""
    if a.ok:
        return "passed"
    if not a.compiled:
        return "did not compile"
    if a.stage == "simulate":
        return "simulated wrong" if a.category == "sim_mismatch" else "simulation error"
    return "elaboration or emit"


def after_round0(run: dict[str, Problem], d0: dict[str, Problem]) -> dict:
    """What a depth-2 run's attempts after round 0 did: repairs and escapes, where each stopped, the
    repairs of a design that compiled and simulated wrong (the functional feedback's own test), and every
    chain that turned right after round 0 with how (the attempt that passed) and whether its problem was
    new against d0's ceiling. Why: the rules table says whether depth 2 helped; this says by which means
    (an escape is a fresh sample, i.e. more sampling; a repair of a compile error is compiler feedback)."""
    kinds = {"repair": 0, "escape": 0}
    outcomes: dict[str, int] = {}
    behaviour: dict[str, int] = {}
    turned: list[dict] = []
    for pid, prob in sorted(run.items()):
        for chain in prob.record.chains:
            for before, a in zip(chain.attempts, chain.attempts[1:]):
                kind, outcome = "escape" if a.escaped else "repair", _outcome(a)
                kinds[kind] += 1
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
                if kind == "repair" and _outcome(before) == "simulated wrong":
                    behaviour[outcome] = behaviour.get(outcome, 0) + 1
            at = chain.first_pass_round
            if chain.functional_ok and at is not None and at > 0:
                # "by" is None where the record lacks the attempt of that round (hand-made records)
                passing = [a for a in chain.attempts if a.round == at]
                parents = [a for a in chain.attempts if a.round == at - 1]
                turned.append({"id": pid, "chain": chain.sample_index, "round": at,
                               "by": ("escape" if passing[-1].escaped else "repair") if passing else None,
                               "from": _outcome(parents[-1]) if parents else None,
                               "new_problem": pid in d0 and not ceiling(d0[pid])})
    return {"attempts": kinds, "outcomes": outcomes, "repairs_of_wrong_behaviour": behaviour,
            "turned_right": turned,
            "new_problems": sorted({t["id"] for t in turned if t["new_problem"]})}


def _rate(values: list[bool]) -> dict:
    xs = [1.0 if v else 0.0 for v in values]
    lo, hi = bootstrap_ci(xs)
    return {"pass": sum(values), "n": len(values), "rate": round(sum(xs) / len(xs), 3) if xs else 0.0,
            "ci": [round(lo, 3), round(hi, 3)]}


def _mean_cost(recs: list[Problem]) -> dict:
    costs = [cost(r) for r in recs]
    return {k: round(sum(c[k] for c in costs) / len(costs), 1) for k in costs[0]} if costs else {}


def table(d0: dict[str, Problem], d2: dict[str, Problem] | None = None,
          oracle: dict[str, Problem] | None = None) -> dict:
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
            "after_round0": {k: after_round0({p: v[p] for p in ids}, d0) for k, v in given.items() if k != "d0"},
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
    for name, b in result.get("after_round0", {}).items():
        turned = b["turned_right"]
        lines += ["", f"{name}, after round 0: {b['attempts']['repair']} repairs, {b['attempts']['escape']} escapes; "
                  + ", ".join(f"{k} {v}" for k, v in sorted(b["outcomes"].items()))
                  + f". Repairs of a design that simulated wrong: {sum(b['repairs_of_wrong_behaviour'].values())} ("
                  + (", ".join(f"{k} {v}" for k, v in sorted(b["repairs_of_wrong_behaviour"].items())) or "none")
                  + f"). Chains turned right: {len(turned)} ("
                  + (", ".join(f"{t['id']}#{t['chain']} by {t['by']} from {t['from']}" for t in turned) or "none")
                  + f"); new problems: {', '.join(b['new_problems']) or 'none'}."]
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
    except (TableError, ResultsLogError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    md = markdown(result)
    if args.md:
        args.md.write_text(md)
    print(json.dumps(result, indent=1) if args.json else md, end="" if not args.json else "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
