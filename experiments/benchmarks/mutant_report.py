"""Check the own benchmark on the real toolchain and report how many simulated cycles each mutant needs.

    python experiments/benchmarks/mutant_report.py [--ids l3_] [--json] [--out report.json]

For every problem: the reference must compile, elaborate and emit; every mutant is verified against the
reference's SystemVerilog by differential simulation for the problem's `sim.cycles` and must be rejected
with category sim_mismatch. The report gives each mutant's first mismatching cycle (seed 0), i.e. the
cycles that problem needs. Exit status 1 when a reference fails or a mutant survives.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run from a checkout without installing
from agent.cli_util import fail, print_json  # noqa: E402

HERE = Path(__file__).resolve().parent
DEFAULT_CYCLES = 200

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


def load_problems(root: Path, ids: list[str]) -> list[dict]:
    problems = []
    for f in sorted(root.rglob("*.yaml")):
        try:
            doc = yaml.safe_load(f.read_text(encoding="utf-8"))
        except yaml.YAMLError as e:
            fail(f"{f}: not valid YAML ({e})")
        if not isinstance(doc, dict) or not all(doc.get(k) for k in ("id", "top", "reference")):
            fail(f"{f}: needs id, top and reference")
        if ids and not any(i in doc["id"] for i in ids):
            continue
        doc["cycles"] = (doc.get("sim") or {}).get("cycles", DEFAULT_CYCLES)
        problems.append(doc)
    return problems


def first_mismatch(result) -> int | None:
    return min((m.cycle for m in result.mismatches if m.cycle is not None), default=None)


@app.command()
def main(
    bench: Path = typer.Option(HERE / "own", "--bench", help="directory of problem YAML files"),
    ids: list[str] = typer.Option([], "--ids", help="only problems whose id contains this (repeatable)"),
    workers: int = typer.Option(0, "--workers", "-w", help="warm JVM workers (default: one per core)"),
    json_out: bool = typer.Option(False, "--json", help="print one JSON object"),
    out: Path = typer.Option(None, "--out", "-o", help="also write the JSON report here"),
):
    if not bench.is_dir():
        fail(f"benchmark directory not found: {bench}")
    problems = load_problems(bench, ids)
    if not problems:
        fail(f"no problems selected in {bench}")
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from reflect_env import ReflectEnv, ToolchainMissing

    report: dict = {"problems": {}, "references_failed": [], "mutants_survived": [], "mutants_wrong_stage": []}
    console = Console(stderr=True)
    try:
        env = ReflectEnv(profile="chisel7", workers=workers or None)
    except ToolchainMissing as e:
        fail(str(e))
    with env, Progress(console=console, disable=json_out) as progress:
        task = progress.add_task("references", total=len(problems))
        refs = {}
        for p, r in zip(problems, _verify_all(env, [dict(code=p["reference"], top=p["top"]) for p in problems],
                                              progress, task)):
            refs[p["id"]] = r
            entry = report["problems"][p["id"]] = {"level": p.get("level"), "cycles": p["cycles"], "mutants": []}
            if not r.ok:
                err = r.first_error()
                entry["reference_error"] = f"{r.category.value if r.category else '?'}: {err.message if err else ''}"
                report["references_failed"].append(p["id"])
        items = [(p, i) for p in problems if refs[p["id"]].ok for i in range(len(p.get("mutants") or []))]
        task = progress.add_task("mutants", total=len(items))
        # Each call simulates for its problem's declared length.
        calls = [dict(code=p["mutants"][i], top=p["top"], reference=refs[p["id"]].verilog, cycles=p["cycles"])
                 for p, i in items]
        for (p, i), r in zip(items, _verify_all(env, calls, progress, task)):
            status = "survived" if r.ok else (r.category.value if r.category else "unknown")
            report["problems"][p["id"]]["mutants"].append({"index": i, "status": status,
                                                           "first_mismatch_cycle": first_mismatch(r)})
            if r.ok:
                report["mutants_survived"].append(f"{p['id']}#{i}")
            elif status != "sim_mismatch":
                report["mutants_wrong_stage"].append(f"{p['id']}#{i}: {status}")
    for entry in report["problems"].values():
        firsts = [m["first_mismatch_cycle"] for m in entry["mutants"] if m["first_mismatch_cycle"] is not None]
        entry["cycles_needed"] = max(firsts) + 1 if firsts else None
    report["summary"] = {
        "problems": len(problems),
        "mutants": sum(len(e["mutants"]) for e in report["problems"].values()),
        "killed": sum(m["status"] == "sim_mismatch" for e in report["problems"].values() for m in e["mutants"]),
        "max_cycles_needed": max((e["cycles_needed"] or 0) for e in report["problems"].values()),
    }
    if out:
        out.write_text(json.dumps(report, indent=1))
    if json_out:
        print_json(report)
    else:
        table = Table("problem", "level", "sim.cycles", "mutants killed", "cycles needed")
        for pid, e in report["problems"].items():
            killed = sum(m["status"] == "sim_mismatch" for m in e["mutants"])
            table.add_row(pid, e["level"] or "", str(e["cycles"]), f"{killed}/{len(e['mutants'])}",
                          "ref fails" if "reference_error" in e else str(e["cycles_needed"]))
        Console().print(table)
        Console().print(report["summary"])
    bad = report["references_failed"] or report["mutants_survived"] or report["mutants_wrong_stage"]
    raise typer.Exit(1 if bad else 0)


def _verify_all(env, calls: list[dict], progress, task) -> list:
    """verify_many in chunks so the progress bar moves; order of results = order of calls."""
    results = []
    step = max(1, env.workers * 2)
    for start in range(0, len(calls), step):
        results += env.verify_many(calls[start:start + step])
        progress.advance(task, len(calls[start:start + step]))
    return results


if __name__ == "__main__":
    app()
