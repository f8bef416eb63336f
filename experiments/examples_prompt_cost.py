"""What the retrieved worked examples cost in the generate prompt, without a model (issue 22).

For every problem of the given benchmarks: the generate prompt as `agent solve` would render it with
examples on (the settings' default) and off (`examples = false`), its size in characters and in
estimated tokens (4 characters a token, as agent.rag budgets notes), how many examples it got, whether
the fixed example stood in, and whether a spec read as combinational got only combinational examples.
Also checks that the system message (the shared prefix) is byte-identical across all problems.

    PYTHONPATH=. python experiments/examples_prompt_cost.py own $CHISEL_AGENT_SEED_DATA/eval_set_v2.jsonl --out FILE
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
from pathlib import Path

from agent.config import AgentConfig
from agent.eval.benchmarks import load_benchmark
from agent.rag.retriever import Retriever
from agent.rag.spec_text import is_combinational
from agent.search import _Run
from agent.trace import NullTrace


def render(task, cfg: AgentConfig, retriever) -> tuple[dict, list]:
    async def go():
        run = _Run(task, cfg, None, None, NullTrace(), retriever, None)  # type: ignore[arg-type]
        notes = await run.notes(task.spec)
        examples = (await run.example_sets(task.spec))[0]
        return run.builder.generate(task.spec, task.top, hints=run.hints, notes=notes, examples=examples), examples
    prompt, examples = asyncio.run(go())
    return {"system": prompt.messages[0]["content"], "user": prompt.messages[1]["content"]}, examples


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("benchmarks", nargs="+")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    retriever = Retriever("chisel7")
    bank = retriever.example_bank()
    if not bank.available():
        print("error: example bank not built (run: agent rag build)", file=sys.stderr)
        return 2
    sequential = {e.id for e in bank.examples() if e.sequential}
    on, off = AgentConfig(), AgentConfig(examples=False)
    report: dict = {"benchmarks": {}}
    systems_on, systems_off = set(), set()
    for b in args.benchmarks:
        bench = load_benchmark(b)
        rows = []
        for t in bench.tasks:
            p_on, ex = render(t, on, retriever)
            p_off, _ = render(t, off, retriever)
            systems_on.add(p_on["system"])
            systems_off.add(p_off["system"])
            comb = is_combinational(t.spec)
            rows.append({
                "id": t.id, "examples": [e.id for e in ex], "fallback": not ex, "combinational_spec": comb,
                "sequential_examples_for_combinational_spec": [e.id for e in ex if comb and e.id in sequential],
                "chars_on": len(p_on["system"]) + len(p_on["user"]), "chars_off": len(p_off["system"]) + len(p_off["user"]),
            })
        delta = [(r["chars_on"] - r["chars_off"]) / 4 for r in rows]
        report["benchmarks"][bench.name] = {
            "problems": len(rows),
            "with_examples": sum(1 for r in rows if not r["fallback"]),
            "fallback_fixed_example": sum(1 for r in rows if r["fallback"]),
            "mean_examples": round(statistics.mean(len(r["examples"]) for r in rows), 2),
            "combinational_specs": sum(1 for r in rows if r["combinational_spec"]),
            "combinational_specs_with_a_sequential_example": sum(
                1 for r in rows if r["sequential_examples_for_combinational_spec"]),
            "est_tokens_off_mean": round(statistics.mean(r["chars_off"] for r in rows) / 4),
            "est_tokens_on_mean": round(statistics.mean(r["chars_on"] for r in rows) / 4),
            "est_extra_tokens_median": round(statistics.median(delta)),
            "est_extra_tokens_max": round(max(delta)),
            "rows": rows,
        }
    report["system_messages_distinct_with_examples"] = len(systems_on)
    report["system_messages_distinct_without"] = len(systems_off)
    report["system_est_tokens_with_examples"] = round(len(next(iter(systems_on))) / 4)
    report["system_est_tokens_without"] = round(len(next(iter(systems_off))) / 4)
    text = json.dumps(report, indent=1)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n")
    summary = {k: v for k, v in report.items() if k != "benchmarks"}
    summary["benchmarks"] = {n: {k: v for k, v in d.items() if k != "rows"} for n, d in report["benchmarks"].items()}
    print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
