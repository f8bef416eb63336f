"""Seeded input sequences for differential simulation, generated here rather than in the testbench
so that a mismatch report can quote the exact inputs that led to it.

Each data input mixes uniform random values with corner values (0, all ones, 1, MSB only) and
held values (runs of the previous value, so FSMs that wait for a stable input get there). Resets
stay inactive for the first half of the run (counters reach deep states), then pulse rarely,
unless the reference never reads them.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from reflect_env.sim.signals import Roles

HOLD_P = 0.25
CORNER_P = 0.2


@dataclass
class Stimulus:
    cycles: int
    values: dict[str, list[int]] = field(default_factory=dict)  # input name -> value per cycle
    widths: dict[str, int] = field(default_factory=dict)

    def at(self, cycle: int) -> dict[str, int]:
        return {name: vals[cycle] for name, vals in self.values.items()}

    def write_hex(self, workdir: Path) -> dict[str, str]:
        """One $readmemh file per input; returns input name -> file name (relative to workdir)."""
        files = {}
        for i, (name, vals) in enumerate(self.values.items()):
            fname = f"stim_{i}.hex"
            digits = max(1, (self.widths[name] + 3) // 4)
            (workdir / fname).write_text("".join(f"{v:0{digits}x}\n" for v in vals))
            files[name] = fname
        return files


def corner_values(width: int) -> list[int]:
    ones = (1 << width) - 1
    return list(dict.fromkeys([0, ones, 1, 1 << (width - 1)]))


def make_stimulus(roles: Roles, cycles: int, seed: int = 0, reset_rate: float = 0.03,
                  pulsed: set[str] | None = None) -> Stimulus:
    """`pulsed`: the resets that may pulse mid-run (default all). A reference that ignores its reset
    leaves reset behaviour unspecified, so such resets are only asserted at the start."""
    rng = random.Random(seed)
    stim = Stimulus(cycles)
    for port in roles.data:
        corners = corner_values(port.width)
        vals: list[int] = []
        for _ in range(cycles):
            r = rng.random()
            if vals and r < HOLD_P:
                vals.append(vals[-1])
            elif port.width > 1 and r < HOLD_P + CORNER_P:
                vals.append(rng.choice(corners))
            else:
                vals.append(rng.getrandbits(port.width))
        stim.values[port.name] = vals
        stim.widths[port.name] = port.width
    for reset in roles.resets:
        quiet = cycles // 2
        rate = reset_rate if pulsed is None or reset.name in pulsed else 0.0
        stim.values[reset.name] = [
            reset.active if (c >= quiet and rng.random() < rate) else 1 - reset.active for c in range(cycles)
        ]
        stim.widths[reset.name] = 1
    return stim
