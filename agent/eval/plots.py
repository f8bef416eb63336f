"""PNG plots of a run (matplotlib, Agg backend: no display needed)."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from agent.eval.sweep import GridCell  # noqa: E402


def plot_pass_at_k(cells: list[GridCell], path: Path, title: str = "") -> None:
    """pass@k against k, one colour per repair depth: functional (solid; the deepest depth with its
    95 % interval as a band) where problems have a reference, compile (dashed) always, so the gap
    between them shows."""
    fig, ax = plt.subplots(figsize=(6, 4))
    functional = any(c.functional_pass_at_k is not None for c in cells)
    deepest = max(c.depth for c in cells)  # one band: three overlapping ones hide the lines
    for i, d in enumerate(sorted({c.depth for c in cells})):
        row = sorted((c for c in cells if c.depth == d), key=lambda c: c.k)
        ks_d = [c.k for c in row]
        colour = f"C{i}"
        if functional:
            ax.plot(ks_d, [c.functional_pass_at_k or 0.0 for c in row], marker="o", color=colour,
                    label=f"functional, depth {d}")
            if d == deepest:
                ax.fill_between(ks_d, [c.functional_ci_low or 0.0 for c in row],
                                [c.functional_ci_high or 0.0 for c in row], color=colour, alpha=0.15, linewidth=0,
                                label=f"functional 95% CI, depth {d}")
        ax.plot(ks_d, [c.compile_pass_at_k for c in row], marker="s" if functional else "o", color=colour,
                linestyle="--" if functional else "-", alpha=0.7 if functional else 1.0, label=f"compile, depth {d}")
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


def plot_pass_vs_requests(cells: list[GridCell], path: Path, problems: int, title: str = "") -> None:
    """The headline pass rate against LLM requests per problem: more samples (k) and more repair
    rounds (depth) compared at request cost. Requests are exact for every server (llama-server's usage
    undercounted n > 1 replies before the client recounted them), but one request with n = k
    generates k answers: read it with pass_vs_tokens.png, not instead of it."""
    fig, ax = plt.subplots(figsize=(6, 4))
    for d in sorted({c.depth for c in cells}):
        pts = sorted((c.llm_calls / max(1, problems), c.pass_at_k, c.k) for c in cells if c.depth == d)
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=f"depth {d}")
        for x, y, k in pts:
            ax.annotate(f"k={k}", (x, y), textcoords="offset points", xytext=(3, -10), fontsize=7)
    _finish(fig, ax, path, "LLM requests per problem (expected)", title or "pass rate vs LLM requests")


def _finish(fig, ax, path: Path, xlabel: str, title: str) -> None:
    """The pass@k plots share their y axis, grid, legend and output settings."""
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("pass@k")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=7)
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
