"""Decide which inputs are clocks and resets, from their names alone.

A clock is a 1-bit input named clock/clk or with a name part ending in clk (`clk_i`, `sys_clk`,
`aclk`), but not a clock enable or divider (`clk_en`). A reset is a 1-bit input with a name part
such as reset/rst/areset/arst/srst; it is active-low when that part ends in `n` or is followed by
`_n`/`_b`/`_l` (`rst_n`, `resetn`, `aresetn`, `rst_b`) or starts with `n` (`nreset`, `n_rst`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from reflect_env.sim.ports import Port

_NOT_A_CLOCK = {"en", "enable", "ena", "sel", "div", "gate", "cnt", "count", "cycles", "mux", "src", "ok"}
_RESET_WORDS = {"reset", "rst", "areset", "arst", "srst", "sreset"}
_LOW_SUFFIXES = {"n", "b", "l", "ni", "bar"}


@dataclass(frozen=True)
class ResetSignal:
    name: str
    active_low: bool

    @property
    def active(self) -> int:
        return 0 if self.active_low else 1


def _parts(name: str) -> list[str]:
    """`io_rstN` -> ['io', 'rst', 'n'], `clkEn` -> ['clk', 'en']."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return [p for p in spaced.lower().split("_") if p]


def is_clock(port: Port) -> bool:
    if port.direction != "input" or port.width != 1:
        return False
    parts = _parts(port.name)
    if any(p in _NOT_A_CLOCK for p in parts):
        return False
    return any(p in ("clock", "clk") or p.endswith("clk") or p.endswith("clock") for p in parts)


def reset_of(port: Port) -> ResetSignal | None:
    """The reset this port is, with its polarity, or None for an ordinary input."""
    if port.direction != "input" or port.width != 1:
        return None
    parts = _parts(port.name)
    for i, p in enumerate(parts):
        after = parts[i + 1] if i + 1 < len(parts) else ""
        before = parts[i - 1] if i > 0 else ""
        if p in _RESET_WORDS:
            return ResetSignal(port.name, after in _LOW_SUFFIXES or before == "n")
        for word in _RESET_WORDS:
            if p == word + "n" or p == word + "_n":  # resetn, rstn, aresetn
                return ResetSignal(port.name, True)
            if p == "n" + word:  # nreset, nrst
                return ResetSignal(port.name, True)
    return None


@dataclass
class Roles:
    """How the testbench drives each input."""
    clocks: list[str]
    resets: list[ResetSignal]
    data: list[Port]  # every other input, driven with random/corner values


def classify(ports: list[Port]) -> Roles:
    inputs = [p for p in ports if p.direction == "input"]
    clocks = [p.name for p in inputs if is_clock(p)]
    resets = [r for p in inputs if p.name not in clocks and (r := reset_of(p))] if clocks else []
    special = set(clocks) | {r.name for r in resets}
    # Without a clock a "reset" is just another combinational input.
    return Roles(clocks, resets, [p for p in inputs if p.name not in special])
