"""Which candidate examples of the bank are too close to which benchmark problem, by which measure
(issue 22, point 5), before anything is excluded: every hand-written example and one draw per
data-engine template, against each benchmark given. Needs no toolchain and no built index (the
verdicts say all 69 candidates verify: experiments/results/examples/bank_build.json).

For each benchmark: how many candidates its problems exclude by the old rule (spec or code) and by the
rule now (spec, code or structure); every pair at or above the structural limit (the structural
twins); the top structural pairs (to see where the limit sits: what lies just below it); the largest
structural similarity to a candidate that is kept.

    PYTHONPATH=. python experiments/contamination_twins.py own verilogeval_mini \
        $CHISEL_AGENT_SEED_DATA/eval_set_v2.jsonl /work/ext/verilog-eval/dataset_spec-to-rtl \
        --out experiments/results/contamination/twins.json
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from agent.rag.bank import ExampleBank
from agent.rag.contamination import (CODE_LIMIT, SPEC_LIMIT, STRUCT_LIMIT, Similarities, load_problems,
                                     similarities)

TOP = 15  # structural pairs listed per benchmark


def pair(sims: Similarities, problems, examples, i: int, j: int) -> dict:
    s, c, st = sims.at(i, j)
    return {"problem": problems[i].id, "example": examples[j].id, "spec_sim": s, "code_sim": c, "struct_sim": st}


def audit(name: str, examples, embedder, vectors) -> dict:
    problems = load_problems(name)
    sims = similarities(examples, problems, embedder, vectors)
    old = ((sims.spec >= SPEC_LIMIT) | (sims.code >= CODE_LIMIT)).any(axis=0)
    new = sims.bad().any(axis=0)
    twins = np.argwhere(sims.struct >= STRUCT_LIMIT)
    order = np.dstack(np.unravel_index(np.argsort(-sims.struct, axis=None), sims.struct.shape))[0][:TOP]
    kept = ~new
    kept_struct = sims.struct[:, kept] if kept.any() else np.zeros((len(problems), 1))
    return {
        "benchmark": problems[0].benchmark if problems else name, "problems": len(problems),
        "with_chisel_reference": sum(1 for p in problems if p.code),
        "excluded_old_rule": int(old.sum()), "excluded_now": int(new.sum()),
        "excluded_now_ids": [examples[j].id for j in np.nonzero(new)[0]],
        "newly_excluded": [examples[j].id for j in np.nonzero(new & ~old)[0]],
        "structural_twins": [pair(sims, problems, examples, int(i), int(j)) for i, j in twins],
        "top_structural_pairs": [pair(sims, problems, examples, int(i), int(j)) for i, j in order
                                 if sims.struct[i, j] > 0],
        "max_struct_sim_all_candidates": round(float(sims.struct.max(initial=0.0)), 4),
        "max_struct_sim_kept": round(float(kept_struct.max(initial=0.0)), 4),
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("benchmarks", nargs="+")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    bank = ExampleBank()
    examples, warnings = bank.candidates()
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    bank.embedder.load()
    vectors = np.asarray(bank.embedder.embed([e.spec for e in examples]), dtype=np.float32)
    report = {"candidates": len(examples), "spec_limit": SPEC_LIMIT, "code_limit": CODE_LIMIT,
              "struct_limit": STRUCT_LIMIT, "benchmarks": []}
    for b in args.benchmarks:
        try:
            report["benchmarks"].append(audit(b, examples, bank.embedder, vectors))
        except (ValueError, OSError) as e:
            print(f"error: {b}: {e}", file=sys.stderr)
            return 2
    every = set().union(*(set(r["excluded_now_ids"]) for r in report["benchmarks"]))
    report["excluded_by_any"] = sorted(every)
    text = json.dumps(report, indent=1) + "\n"
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
    for r in report["benchmarks"]:
        print(f"{r['benchmark']}: {r['problems']} problems ({r['with_chisel_reference']} with a Chisel reference); "
              f"excludes {r['excluded_old_rule']} -> {r['excluded_now']} of {len(examples)} candidates; "
              f"{len(r['structural_twins'])} structural twin pairs; max structural {r['max_struct_sim_all_candidates']} "
              f"(kept {r['max_struct_sim_kept']})")
        for t in r["structural_twins"]:
            print(f"  twin {t['struct_sim']:.3f}  {t['problem']}  <->  {t['example']}")
    print(f"excluded by any benchmark: {len(every)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
