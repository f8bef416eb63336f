"""`python -m reflect_env.sim cosim`: designs (SystemVerilog) against Python models, as an agreement matrix.

    python -m reflect_env.sim cosim DUT.sv [DUT2.sv ...] --top Adder --model m.py [--model m2.py]
        [--cycles N] [--seed S] [--workdir D] [--json]

Each design is compiled once and each model run once (reflect_env.sim.cosim). Exit status: 0 when every
design agrees with every model, 1 when some pair disagrees, 2 for bad input, 3 when a model is at fault
(reference_error). `--json` prints one object: the matrix, per-pair counterexamples and the timings.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from reflect_env.sim.cosim import DEFAULT_CYCLES, agreement
from reflect_env.sim.result import REFERENCE_ERROR


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m reflect_env.sim cosim", description=__doc__.split("\n\n")[0])
    p.add_argument("designs", type=Path, nargs="+", help="SystemVerilog files, one design each")
    p.add_argument("--top", required=True, help="the top module of every design")
    p.add_argument("--model", type=Path, action="append", required=True, help="a Python model (repeatable)")
    p.add_argument("--cycles", type=int, default=DEFAULT_CYCLES)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workdir", type=Path, help="keep the testbenches, traces and stimulus.json here")
    p.add_argument("--json", action="store_true", help="print exactly one JSON object")
    args = p.parse_args(argv)
    if args.cycles < 1:
        return _fail("--cycles must be at least 1")
    for f in [*args.designs, *args.model]:
        if not f.is_file():
            return _fail(f"file not found: {f}")
    designs = {str(f): (f.read_text(), args.top) for f in args.designs}
    models = {str(f): f.read_text() for f in args.model}
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="cosim-"))
    try:
        matrix = agreement(designs, models, workdir=workdir, cycles=args.cycles, seed=args.seed)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    pairs = [pair for row in matrix.pairs.values() for pair in row.values()]
    timing = {"seconds": round(matrix.seconds, 3), "pairs": len(pairs),
              "seconds_per_pair": round(matrix.seconds / max(1, len(pairs)), 3),
              "design_seconds": {d: round(t.seconds, 3) for d, t in matrix.designs.items()},
              "model_seconds": {m: round(r.seconds, 3) for m, r in matrix.models.items()}}
    if args.json:
        print(json.dumps(matrix.to_dict() | timing | {"pairs": [pair.to_dict() for pair in pairs]}))
    else:
        for pair in pairs:
            verdict = "agree" if pair.agree else f"{pair.category} (match rate {pair.match_rate:.3f})"
            print(f"{pair.design} vs {pair.model}: {verdict}")
            if pair.error:
                print(f"  {pair.error}")
            for cx in pair.counterexamples[:3]:
                print(f"  {cx.line()}")
        print(f"{len(pairs)} pair(s), {args.cycles} cycles, seed {args.seed}: {matrix.seconds:.2f} s "
              f"({timing['seconds_per_pair']:.3f} s per pair; each design compiled once)")
    if any(pair.category == REFERENCE_ERROR for pair in pairs):
        return 3
    return 0 if all(pair.agree for pair in pairs) else 1
