"""Time random co-simulation: d designs x m Python models, 1,000 cycles, each design compiled once.

    python -m reflect_env.sim.cosim_bench [--designs 4] [--models 4] [--cycles 1000] [--repeat 3] [--json]

The designs are firtool-style SystemVerilog (clock, reset, io_*): an 8-bit adder and an accumulator that a
model might have written for it, and two 8-bit counters; the models are their Python models plus variants.
Reports the wall time of one whole matrix (median of --repeat runs) divided by the number of pairs; the
issue's budget is 1 s per candidate-model pair at 1,000 cycles (issue 20).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from reflect_env.sim.cosim import agreement

_HEADER = "module Top(input clock, input reset, input [7:0] io_a, input [7:0] io_b, input io_en, output [7:0] io_y);\n"
DESIGNS = {
    "adder": _HEADER + "  assign io_y = io_a + io_b;\nendmodule\n",
    "accumulator": _HEADER + "  reg [7:0] r;\n  always @(posedge clock) if (reset) r <= 8'h0; else r <= r + io_a + io_b;\n"
                             "  assign io_y = r;\nendmodule\n",
    "counter": _HEADER + "  reg [7:0] c;\n  always @(posedge clock) if (reset) c <= 8'h0; else if (io_en) c <= c + 8'h1;\n"
                         "  assign io_y = c;\nendmodule\n",
    "loadable": _HEADER + "  reg [7:0] c;\n  always @(posedge clock) if (reset) c <= 8'h0; else if (io_en) c <= io_a;\n"
                          "  else c <= c + io_b;\n  assign io_y = c;\nendmodule\n",
}
MODELS = {
    "adder": "class Model:\n    def reset(self): pass\n    def step(self, i): return {'y': i['a'] + i['b']}\n",
    "accumulator": ("class Model:\n    def reset(self): self.r = 0\n    def step(self, i):\n        y = self.r\n"
                    "        self.r = (self.r + i['a'] + i['b']) & 255\n        return {'y': y}\n"),
    "counter": ("class Model:\n    def reset(self): self.c = 0\n    def step(self, i):\n        y = self.c\n"
                "        self.c = (self.c + i['en']) & 255\n        return {'y': y}\n"),
    "loadable": ("class Model:\n    def reset(self): self.c = 0\n    def step(self, i):\n        y = self.c\n"
                 "        self.c = i['a'] if i['en'] else (self.c + i['b']) & 255\n        return {'y': y}\n"),
}


def run(designs: int, models: int, cycles: int, repeat: int) -> dict:
    ds = {name: (sv, "Top") for name, sv in list(DESIGNS.items())[:designs]}
    ms = dict(list(MODELS.items())[:models])
    walls = []
    agree = None
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="cosim-bench-") as tmp:
            t = time.perf_counter()
            matrix = agreement(ds, ms, workdir=Path(tmp), cycles=cycles, seed=0)
            walls.append(time.perf_counter() - t)
            agree = {d: matrix.agreeing_models(d) for d in ds}
    pairs = len(ds) * len(ms)
    wall = statistics.median(walls)
    return {"designs": len(ds), "models": len(ms), "pairs": pairs, "cycles": cycles, "repeat": repeat,
            "wall_s": round(wall, 3), "walls_s": [round(w, 3) for w in walls],
            "seconds_per_pair": round(wall / pairs, 3), "agree": agree}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m reflect_env.sim.cosim_bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--designs", type=int, default=4, choices=range(1, len(DESIGNS) + 1))
    p.add_argument("--models", type=int, default=4, choices=range(1, len(MODELS) + 1))
    p.add_argument("--cycles", type=int, default=1000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    if args.cycles < 1 or args.repeat < 1:
        print("error: --cycles and --repeat must be at least 1", file=sys.stderr)
        return 2
    out = run(args.designs, args.models, args.cycles, args.repeat)
    # Each design must agree with its own model and no other: a benchmark that measures a broken harness is no number.
    wrong = [d for d, ms in (out["agree"] or {}).items() if ms != [d]]
    if args.json:
        print(json.dumps(out))
    else:
        print(f"{out['designs']} designs x {out['models']} models = {out['pairs']} pairs, {out['cycles']} cycles: "
              f"{out['wall_s']:.2f} s per matrix (median of {out['repeat']}), {out['seconds_per_pair']:.3f} s per pair")
    if wrong:
        print(f"error: designs {wrong} did not agree with exactly their own model: {out['agree']}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
