"""Functional pass@1 of each oracle-free selection rule, one bar group per bench output directory.

    python experiments/oracle_free_plot.py "k = 4=DIR4" "k = 8=DIR8" --png experiments/results/oracle_free_k4_k8.png

Each DIR is an `--out` of `python -m agent.oracle_free.bench` (live or --from-run); its rows are
summarised by `agent.oracle_free.bench.summarize` (95 % bootstrap intervals over problems), drawn as
error bars. Selector (e) appears where the rows have it (--from-run --checks).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from agent.oracle_free.bench import CHECKS_SELECTOR, SELECTORS, summarize

LABELS = {"first_compiling": "(a) first compiling", "random_compiling": "(b) random compiling",
          "interface_checked": "(c) interface-checked", "voted": "(d) voted",
          CHECKS_SELECTOR: "(e) voted + model checks"}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("groups", nargs="+", metavar="LABEL=DIR")
    p.add_argument("--png", required=True)
    p.add_argument("--title", default="Oracle-free selection (reference hidden, used only to score)")
    args = p.parse_args(argv)
    groups = []
    for item in args.groups:
        label, sep, folder = item.rpartition("=")
        if not sep or not Path(folder).is_dir():
            print(f"error: {item!r} is not LABEL=DIR with an existing DIR", file=sys.stderr)
            return 2
        summary = summarize(Path(folder))
        if not summary["problems"]:
            print(f"error: {folder} holds no rows", file=sys.stderr)
            return 2
        groups.append((f"{label} ({summary['problems']} problems)", summary["selectors"]))

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [n for n in (*SELECTORS, CHECKS_SELECTOR) if any(n in sel for _, sel in groups)]
    width = 0.8 / len(names)
    fig, ax = plt.subplots(figsize=(2.2 + 2.4 * len(groups), 4.2))
    for i, name in enumerate(names):
        xs, ys, lo, hi = [], [], [], []
        for g, (_, selectors) in enumerate(groups):
            if name not in selectors:
                continue
            s = selectors[name]
            xs.append(g + (i - (len(names) - 1) / 2) * width)
            ys.append(s["pass@1"])
            lo.append(s["pass@1"] - s["ci95"][0])
            hi.append(s["ci95"][1] - s["pass@1"])
        ax.bar(xs, ys, width, yerr=[lo, hi], capsize=3, label=LABELS[name])
    ax.set_xticks(range(len(groups)), [label for label, _ in groups])
    ax.set_ylim(0, 1)
    ax.set_ylabel("functional pass@1 (95 % CI)")
    ax.set_title(args.title, fontsize=10)
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(args.png, dpi=120)
    print(args.png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
