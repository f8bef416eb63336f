"""The seed's curriculum as level weights, and exact per-level quotas for N samples."""
from __future__ import annotations

from baselines.datagen.catalog import LEVELS

# The seed: L1 ~60 %, L2 ~30 %, L3 ~10 %, a small L4 share; the chisel3.util supplement was 550 on top
# of 10,000 (about 5 %). L4 is carved out of L1 so the three main shares stay within a few points.
CURRICULUM: dict[str, float] = {"L1": 0.58, "L2": 0.29, "L3": 0.10, "L4": 0.03, "util": 0.05}
DEFAULT_LEVELS = ("L1", "L2", "L3", "L4")


def parse_levels(text: str | None) -> list[str]:
    """'L1,L2,util' -> ['L1', 'L2', 'util'] (case-insensitive); ValueError names the bad entry."""
    if not text:
        return list(DEFAULT_LEVELS)
    chosen = []
    by_lower = {lv.lower(): lv for lv in LEVELS}
    for part in text.split(","):
        key = part.strip().lower()
        if not key:
            continue
        if key not in by_lower:
            raise ValueError(f"unknown level {part.strip()!r}; choose from {', '.join(LEVELS)}")
        if by_lower[key] not in chosen:
            chosen.append(by_lower[key])
    if not chosen:
        raise ValueError("no levels given")
    return [lv for lv in LEVELS if lv in chosen]


def target_mix(levels: list[str]) -> dict[str, float]:
    """Curriculum weights renormalised over the chosen levels."""
    total = sum(CURRICULUM[lv] for lv in levels)
    return {lv: CURRICULUM[lv] / total for lv in levels}


def quotas(n: int, levels: list[str]) -> dict[str, int]:
    """Exact counts summing to n (largest remainder), so the written mix is the target mix."""
    mix = target_mix(levels)
    raw = {lv: n * w for lv, w in mix.items()}
    counts = {lv: int(v) for lv, v in raw.items()}
    by_remainder = sorted(levels, key=lambda lv: (-(raw[lv] - counts[lv]), levels.index(lv)))
    for lv in by_remainder[: n - sum(counts.values())]:
        counts[lv] += 1
    return counts
