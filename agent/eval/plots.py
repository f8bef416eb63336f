"""PNG plots of a run (matplotlib, Agg backend: no display needed)."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from agent.eval.sweep import GridCell  # noqa: E402


def plot_pass_at_k(cells: list[GridCell], path: Path, title: str = "") -> None:
    """pass@k against k, one line per repair depth."""
    fig, ax = plt.subplots(figsize=(6, 4))
    for d in sorted({c.depth for c in cells}):
        pts = sorted((c.k, c.pass_at_k) for c in cells if c.depth == d)
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=f"depth {d}")
    ks = sorted({c.k for c in cells})
    ax.set_xscale("log", base=2)
    ax.set_xticks(ks, [str(k) for k in ks])
    _finish(fig, ax, path, "samples k", title or "pass@k by repair depth")


def plot_pass_vs_tokens(cells: list[GridCell], path: Path, title: str = "") -> None:
    """pass@k against tokens spent per problem, one line per depth, points labelled with k."""
    fig, ax = plt.subplots(figsize=(6, 4))
    for d in sorted({c.depth for c in cells}):
        pts = sorted((c.tokens_per_problem, c.pass_at_k, c.k) for c in cells if c.depth == d)
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=f"depth {d}")
        for x, y, k in pts:
            ax.annotate(f"k={k}", (x, y), textcoords="offset points", xytext=(3, 3), fontsize=7)
    _finish(fig, ax, path, "completion tokens spent per problem (expected)", title or "pass rate vs tokens spent")


def _finish(fig, ax, path: Path, xlabel: str, title: str) -> None:
    """The pass@k plots share their y axis, grid, legend and output settings."""
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("pass@k")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_by_level(by_level: dict, path: Path, title: str = "") -> None:
    """Headline pass rate per level (bars), compile pass rate as a lighter bar behind it."""
    names = list(by_level)
    fig, ax = plt.subplots(figsize=(max(4, 1.2 * len(names)), 3.5))
    xs = range(len(names))
    ax.bar(xs, [by_level[n]["compile_passed"] / by_level[n]["total"] for n in names], color="#c6dbef",
           label="compile pass")
    ax.bar(xs, [by_level[n]["pass_rate"] for n in names], width=0.5, color="#2171b5", label="passed")
    ax.set_xticks(list(xs), names, rotation=20, ha="right", fontsize=8)
    ax.set_ylim(0, 1.02)
    ax.set_ylabel("rate")
    ax.set_title(title or "pass rate by level")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
