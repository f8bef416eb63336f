"""The (k, depth) grid of a sweep, computed from ONE run with n = max k samples and max depth.

Every sample chain records the repair round it first passed at, so a smaller budget is read off the
same data: pass@k for k <= n with the unbiased estimator, and depth d by truncating each chain
(a chain counts at depth d iff first_pass_round <= d). A cell's cost is, like the estimator, an
expectation over the k-subsets of the n chains: one request for the k samples plus each chain's
repair rounds up to min(d, first pass), weighted by k/n (the chance a chain is in the subset).
For k = n and the largest depth this is exactly what the run spent.
"""
from __future__ import annotations

import csv
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from agent.eval.metrics import bootstrap_ci, headline_metric, mean_pass_at_k, pass_at_k, scored
from agent.records import ProblemRecord


@dataclass
class GridCell:
    k: int
    depth: int
    pass_at_k: float  # the headline: functional where problems have a reference, else compile
    pass_at_k_lenient: float
    compile_pass_at_k: float  # compiles, elaborates, emits (strict name)
    functional_pass_at_k: float | None  # also matches the reference; None: nothing to check against
    llm_calls: float  # expected requests: one for the k samples, one per repair round
    tokens: float  # expected completion tokens those attempts spent
    tokens_per_problem: float
    # 95 % bootstrap intervals over problems of the per-problem pass@k (how far the cell could move
    # on another draw of problems; the samples' own noise is inside each problem's estimate).
    compile_ci_low: float = 0.0
    compile_ci_high: float = 0.0
    functional_ci_low: float | None = None
    functional_ci_high: float | None = None


def compute_grid(records: list[ProblemRecord], ks: list[int], depths: list[int]) -> list[GridCell]:
    if not records:
        return []
    n = min(len(r.chains) for r in records)
    metric = headline_metric(records)
    checked = scored(records, "functional")
    cells = []
    for d in sorted(set(depths)):
        head = [r.sample_counts(depth=d, metric=metric) for r in scored(records, metric)]
        lenient = [r.sample_counts(depth=d, lenient=True, metric=metric) for r in scored(records, metric)]
        compiled = [r.sample_counts(depth=d, metric="compile") for r in records]
        functional = [r.sample_counts(depth=d, metric="functional") for r in checked]
        for k in sorted(set(ks)):
            if k > n:
                continue
            calls = tokens = 0.0
            for r in records:
                share = k / len(r.chains)
                calls += 1 + share * sum(_repair_rounds(ch, d) for ch in r.chains)
                tokens += share * sum(ch.tokens_within(d) for ch in r.chains)
            p, p_lenient, p_compile = mean_pass_at_k(head, k), mean_pass_at_k(lenient, k), mean_pass_at_k(compiled, k)
            assert p is not None and p_lenient is not None and p_compile is not None  # k <= n: all have k samples
            compile_ci = _ci(compiled, k)
            functional_ci = _ci(functional, k) if checked else (None, None)
            cells.append(GridCell(k, d, p, p_lenient, p_compile,
                                  mean_pass_at_k(functional, k) if checked else None,
                                  calls, tokens, tokens / len(records), *compile_ci, *functional_ci))
    return cells


def _ci(counts: list[tuple[int, int]], k: int) -> tuple[float, float]:
    return bootstrap_ci([pass_at_k(n, c, k) for n, c in counts])


def _repair_rounds(chain, depth: int) -> int:
    """Requests a chain makes after the sampling one (a round may hold two attempts when
    diagnostic-driven fixes re-verified it; that is still one request)."""
    stop = depth if chain.first_pass_round is None else min(depth, chain.first_pass_round)
    return len({a.round for a in chain.attempts if 1 <= a.round <= stop})


def write_grid(cells: list[GridCell], out: Path) -> None:
    with open(out / "grid.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(GridCell.__dataclass_fields__))
        w.writeheader()
        for c in cells:
            w.writerow(asdict(c))
    (out / "grid.md").write_text(grid_markdown(cells))


def grid_markdown(cells: list[GridCell]) -> str:
    if not cells:
        return "_no grid: the run has no results_\n"
    ks = sorted({c.k for c in cells})
    depths = sorted({c.depth for c in cells})
    at = {(c.k, c.depth): c for c in cells}
    functional = any(c.functional_pass_at_k is not None for c in cells)
    what = "functional / compile pass@k" if functional else "compile pass@k (strict)"
    lines = [f"{what} by samples k (columns) and repair depth d (rows), each with its 95 % bootstrap "
             "interval over problems; in brackets: LLM requests the cell uses (expected over k-subsets).", "",
             "| depth | " + " | ".join(f"k={k}" for k in ks) + " |",
             "|---|" + "---|" * len(ks)]

    def cell(c: GridCell) -> str:
        score = f"{c.compile_pass_at_k:.2f} [{c.compile_ci_low:.2f}, {c.compile_ci_high:.2f}]"
        if functional:
            score = f"{c.functional_pass_at_k:.2f} [{c.functional_ci_low:.2f}, {c.functional_ci_high:.2f}] / {score}"
        return f"{score} ({c.llm_calls:g})"

    for d in depths:
        row = [cell(at[k, d]) if (k, d) in at else "-" for k in ks]
        lines.append(f"| {d} | " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


def default_grid(settings, axis: str) -> list[int]:
    """A sweep's k or depth values when neither a flag nor a grid file names them: up to the
    config file's (or env's) k / depth when it sets one, else SweepConfig's defaults."""
    if axis not in settings.sources:
        return list(SweepConfig.model_fields[axis].default)
    top = getattr(settings, axis)
    if axis == "depth":
        return list(range(top + 1))
    return sorted({2 ** i for i in range(top.bit_length()) if 2 ** i <= top} | {top})


class SweepConfig(BaseModel):
    """experiments/sweeps/*.yaml (`agent sweep --grid FILE`)"""

    model_config = ConfigDict(extra="forbid")  # a misspelt key is an error, not a silently default sweep

    # Optional: `agent sweep BENCH --grid FILE` names the benchmark on the command line instead.
    bench: str | None = None
    k: list[int] = [1, 2, 4, 8]
    depth: list[int] = [0, 1, 2, 3]
    model: str | None = None
    base_url: str | None = None
    temperature: float | None = None
    profile: str | None = None
    limit: int | None = None
    concurrency: int | None = None

    def settings_layer(self, source: str) -> tuple[str, dict]:
        """The grid's settings as a layer of agent.config.load_config (above the config file and env
        vars, below the flags); its other keys (bench, k, depth, limit, concurrency) are the run's."""
        return source, {"model": self.model, "base_url": self.base_url, "temperature": self.temperature,
                        "profile": self.profile}

    @field_validator("k")
    @classmethod
    def _positive_k(cls, v: list[int]) -> list[int]:
        if not v or any(k < 1 for k in v):
            raise ValueError("k values must be >= 1")
        return v

    @field_validator("depth")
    @classmethod
    def _non_negative_depth(cls, v: list[int]) -> list[int]:
        if not v or any(d < 0 for d in v):
            raise ValueError("depth values must be >= 0")
        return v


def load_sweep_config(path: Path) -> SweepConfig:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise ValueError(f"{path}: not valid YAML ({getattr(e, 'problem', e)})") from None
    if not isinstance(doc, dict):
        raise ValueError(f"{path}: expected a mapping (bench, k, depth, model, temperature)")
    try:
        return SweepConfig.model_validate(doc)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise ValueError(f"{path}: {where}: {first['msg']}") from None
