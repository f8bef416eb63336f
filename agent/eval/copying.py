"""How much of each answer is a worked example's body, read from recorded eval runs (issue 22).

    python -m agent.eval.copying RUN [RUN ...] [--json]

A small model shown a worked example of another specification often answers with that example's body:
its registers, its expressions, even its comments, under the new problem's ports. This counts it. For
each problem, the round-0 generate prompt's ```scala blocks are the examples it was shown; each round-0
sample (the extracted code, before any fixer) is compared with them line by line, after stripping
whitespace. Only body lines count: imports, braces, the class line, `val io = IO(new Bundle {` and port
declarations (`val x = Input(...)` / `Output(...)`) are the format every answer shares, not a copy.

A sample **copies** an example when at least MIN_COPIED of its body lines appear verbatim among the
examples' body lines, or when it carries one of the examples' comments (MIN_COMMENT characters or more,
nearly verbatim: difflib ratio >= 0.8; the model renames what it copies, `val odd` becoming `val q` and
"resetn is the implicit reset" becoming "reset is the implicit reset", but keeps the comment). The
table gives, per run: samples, samples that copy, problems with a copying sample, and the functional rate (each chain's `functional_ok`, scored by the eval against the hidden
reference) of the round-0 samples that copy against those that do not. Chains that passed only after a
repair are scored by their chain, so the rates are of chains whose first sample copied or did not.
"""
from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from agent.oracle_free.live_table import TableError, load_run

MIN_COPIED = 2
MIN_COMMENT = 15
_COMMENT_RE = re.compile(r"//\s*(.*\S)")
_FENCE_RE = re.compile(r"```scala\n(.*?)```", re.S)
_FORMAT_RE = re.compile(
    r"^(?:import\b|package\b|[})\]]+[;)]*$|(?:abstract\s+)?class\s+\w+|object\s+\w+|"
    r"val\s+io\s*=\s*IO\s*\(\s*new\s+Bundle\s*\{|val\s+\w+\s*=\s*(?:IO\s*\()?\s*(?:Input|Output|Flipped)\s*\()")


def body_lines(code: str) -> list[str]:
    """The code's statement lines, whitespace-normalised, without the answer format (module docstring)."""
    out = []
    for line in code.splitlines():
        norm = " ".join(line.split())
        if norm and not norm.startswith("//") and not _FORMAT_RE.match(norm):
            out.append(norm)
    return out


def comments(code: str) -> set[str]:
    """The code's `//` comments of MIN_COMMENT characters or more, whitespace-normalised."""
    found = (" ".join(m.group(1).split()) for m in _COMMENT_RE.finditer(code))
    return {c for c in found if len(c) >= MIN_COMMENT}


def _alike(a: str, b: str) -> bool:
    return a == b or difflib.SequenceMatcher(None, a, b).ratio() >= 0.8


def example_lines(prompt_text: str) -> tuple[set[str], set[str]]:
    """Body lines and comments of every ```scala block in a prompt (the worked examples it shows)."""
    blocks = _FENCE_RE.findall(prompt_text)
    return ({line for b in blocks for line in body_lines(b)}, {c for b in blocks for c in comments(b)})


@dataclass
class RunCopying:
    run: str
    problems: int = 0
    samples: int = 0
    copying: int = 0
    problems_copying: int = 0
    copying_right: int = 0  # chains whose round-0 sample copies and that are functionally right
    other_right: int = 0
    copied_lines: dict[str, int] = field(default_factory=dict)  # the most copied example lines

    def to_dict(self) -> dict:
        other = self.samples - self.copying
        return {"run": self.run, "problems": self.problems, "samples": self.samples, "copying": self.copying,
                "copying_share": round(self.copying / self.samples, 3) if self.samples else None,
                "problems_with_a_copying_sample": self.problems_copying,
                "functional_when_copying": round(self.copying_right / self.copying, 3) if self.copying else None,
                "functional_otherwise": round(self.other_right / other, 3) if other else None,
                "copying_right": self.copying_right, "other": other, "other_right": self.other_right,
                "top_copied_lines": sorted(self.copied_lines.items(), key=lambda x: -x[1])[:5]}


def _generate_prompts(events: list[dict]) -> list[str]:
    return [e.get("text") or "" for e in events
            if e.get("kind") == "prompt" and e.get("round") == 0 and e.get("template") == "generate"]


def _round0_samples(events: list[dict]) -> dict[int, str]:
    """chain -> the code extracted from its round-0 sample (the first extraction of the chain)."""
    out: dict[int, str] = {}
    for e in events:
        if e.get("kind") == "extraction" and e.get("round") == 0 and e.get("chain") is not None and e.get("code"):
            out.setdefault(e["chain"], e["code"])
    return out


def measure(run_dir: Path) -> RunCopying:
    """TableError: not an agent eval run directory (agent.oracle_free.live_table.load_run reads it)."""
    stats = RunCopying(str(run_dir))
    for problem in load_run(run_dir).values():
        rec, events = problem.record, problem.events
        if not events:
            continue  # no trace: nothing to compare
        shown: set[str] = set()
        shown_comments: set[str] = set()
        for prompt in _generate_prompts(events):
            lines, notes = example_lines(prompt)
            shown |= lines
            shown_comments |= notes
        samples = _round0_samples(events)
        right_by_chain = {c.sample_index: bool(c.functional_ok) for c in rec.chains}
        stats.problems += 1
        any_copy = False
        for chain, code in samples.items():
            copied = [line for line in body_lines(code) if line in shown]
            kept = [f"// {c}" for c in comments(code) if any(_alike(c, e) for e in shown_comments)]
            right = right_by_chain.get(chain, False)
            stats.samples += 1
            if len(copied) >= MIN_COPIED or kept:
                copied += kept
                stats.copying += 1
                stats.copying_right += right
                any_copy = True
                for line in copied:
                    stats.copied_lines[line] = stats.copied_lines.get(line, 0) + 1
            else:
                stats.other_right += right
        stats.problems_copying += any_copy
    return stats


def markdown(rows: list[dict]) -> str:
    out = ["| run | samples | copy an example's body | problems with one | functional: copying / not |",
           "|---|---|---|---|---|"]
    for r in rows:
        share = f"{r['copying']} ({100 * r['copying_share']:.0f} %)" if r["samples"] else "0"
        fc = "-" if r["functional_when_copying"] is None else f"{r['copying_right']}/{r['copying']}"
        fo = "-" if r["functional_otherwise"] is None else f"{r['other_right']}/{r['other']}"
        out.append(f"| {Path(r['run']).name} | {r['samples']} | {share} | {r['problems_with_a_copying_sample']} of "
                   f"{r['problems']} | {fc} / {fo} |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m agent.eval.copying", description=__doc__.split("\n\n")[0])
    ap.add_argument("runs", nargs="+", type=Path, help="agent eval run directories")
    ap.add_argument("--json", action="store_true", help="one JSON object on stdout")
    args = ap.parse_args(argv)
    try:
        rows = [measure(r).to_dict() for r in args.runs]
    except TableError as e:
        raise SystemExit(f"error: {e}") from None
    print(json.dumps({"min_copied_lines": MIN_COPIED, "runs": rows}, indent=1) if args.json else markdown(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
