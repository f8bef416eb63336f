"""How often does differential simulation catch a one-token bug? Make every single-operator mutant
of some designs (+ <-> -, & <-> |, == <-> !=, a dropped ~, a changed constant, ...), simulate each
against the original, and count how many are caught, for a few cycle counts.

    python -m reflect_env.sim.mutation_bench [--designs DIR] [--cycles 50,200,1000] [--json]

Some mutants are equivalent to the original (they cannot be caught by any stimulus); survivors are
listed so they can be checked by eye.
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from reflect_env.sim.differential import differential
from reflect_env.sim.ports import module_names, strip_comments

DATA = Path(__file__).resolve().parents[2] / "tests" / "data" / "sim"
# design file -> top; the firtool-generated and hand-written designs under tests/data/sim.
DESIGNS = {"adder.sv": "Adder", "counter.sv": "Counter", "detector.sv": "Detector", "mux4.sv": "Mux4",
           "acc_rstn.sv": "Acc", "timer.sv": "Timer"}
SWAPS = [(" + ", " - "), (" - ", " + "), (" & ", " | "), (" | ", " & "), (" ^ ", " & "), (" == ", " != "),
         (" != ", " == "), (" < ", " >= "), ("~", ""), ("!", ""), ("= &", "= |"), ("= |", "= &")]
_CONST = re.compile(r"(\d+)'h([0-9a-fA-F]+)")


@dataclass
class Mutant:
    design: str
    line: int
    before: str
    after: str
    text: str


def mutants(name: str, text: str) -> list[Mutant]:
    """Every single-token mutant of the logic lines (assign / always bodies), not of headers or macros."""
    lines = text.split("\n")
    clean = strip_comments(text).split("\n")
    out = []
    in_body = False
    for i, code in enumerate(clean):
        if re.search(r"\bmodule\b", code):
            in_body = False
        if code.strip().startswith(");") or re.search(r"\)\s*;\s*$", code) and "module" in code:
            in_body = True
            continue
        if not in_body or code.strip().startswith("`") or "$" in code or not code.strip():
            continue
        for old, new in SWAPS:
            for m in re.finditer(re.escape(old), code):
                if old in ("!",) and code[m.start():m.start() + 2] == "!=":
                    continue
                mutated = code[:m.start()] + new + code[m.end():]
                out.append(_make(name, lines, i, code, mutated))
        for m in _CONST.finditer(code):
            width, value = int(m.group(1)), int(m.group(2), 16)
            flipped = f"{width}'h{(value ^ 1):x}"
            out.append(_make(name, lines, i, code, code[:m.start()] + flipped + code[m.end():]))
    return out


def _make(name: str, lines: list[str], i: int, before: str, after: str) -> Mutant:
    new_lines = list(lines)
    new_lines[i] = after
    return Mutant(name, i + 1, before.strip(), after.strip(), "\n".join(new_lines))


def run(designs: dict[str, str], data: Path, cycle_counts: list[int]) -> dict:
    rows, survivors, seconds = [], [], []
    for fname, top in designs.items():
        original = (data / fname).read_text()
        assert top in module_names(original), f"{top} not in {fname}"
        ms = mutants(fname, original)
        for cycles in cycle_counts:
            killed = errors = 0
            for m in ms:
                with tempfile.TemporaryDirectory() as wd:
                    r = differential(m.text, top, original, top, workdir=Path(wd), cycles=cycles)
                seconds.append(r.seconds)
                if r.category == "sim_mismatch":
                    killed += 1
                elif r.category is not None:
                    errors += 1  # a mutant that does not compile or times out is not counted as caught
                elif cycles == max(cycle_counts):
                    survivors.append(f"{fname}:{m.line}: {m.before}  ->  {m.after}")
            rows.append({"design": fname, "cycles": cycles, "mutants": len(ms), "caught": killed, "errors": errors})
    return {"rows": rows, "survivors": survivors, "median_seconds_per_sim": round(statistics.median(seconds), 3)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m reflect_env.sim.mutation_bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--designs", type=Path, default=DATA, help="folder holding the designs (default: tests/data/sim)")
    p.add_argument("--cycles", default="50,200,1000", help="comma-separated cycle counts")
    p.add_argument("--json", action="store_true", help="print exactly one JSON object")
    args = p.parse_args(argv)
    try:
        counts = [int(c) for c in args.cycles.split(",") if c.strip()]
    except ValueError:
        print(f"error: --cycles must be comma-separated integers, got {args.cycles!r}", file=sys.stderr)
        return 2
    missing = [f for f in DESIGNS if not (args.designs / f).is_file()]
    if missing or not counts or min(counts) < 1:
        print(f"error: designs not found in {args.designs}: {', '.join(missing)}" if missing
              else "error: --cycles needs positive integers", file=sys.stderr)
        return 2
    start = time.monotonic()
    result = run(DESIGNS, args.designs, counts)
    result["wall_seconds"] = round(time.monotonic() - start, 1)
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"{'design':<14}{'cycles':>7}{'mutants':>9}{'caught':>8}{'errors':>8}")
    for r in result["rows"]:
        print(f"{r['design']:<14}{r['cycles']:>7}{r['mutants']:>9}{r['caught']:>8}{r['errors']:>8}")
    for c in counts:
        rs = [r for r in result["rows"] if r["cycles"] == c]
        total, caught = sum(r["mutants"] for r in rs), sum(r["caught"] for r in rs)
        print(f"cycles={c}: caught {caught}/{total} ({100 * caught / max(1, total):.0f}%)")
    print(f"survivors at {max(counts)} cycles (equivalent mutants or coverage gaps):")
    for s in result["survivors"]:
        print(f"  {s}")
    print(f"median {result['median_seconds_per_sim']} s per simulation, {result['wall_seconds']} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
