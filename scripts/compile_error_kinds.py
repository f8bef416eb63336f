"""Which compile errors recur in recorded runs, and which deterministic fixer would act on each.

Reads every trace of the given run directories (`traces/*.jsonl`), takes every failing verification
with the code it verified (the extraction's or the fixers' last code of that chain and round), and
counts them by error kind (the verifier's category and the first error, names and numbers
normalised). For each it also runs today's fixers on that code, alone and with the verification's
recorded diagnostics (the trace keeps the first 8), and names the fixers that would change it: the
measurement behind docs/BENCHMARKS.md "Session 8, fixers for the 1.5B's recurring compile errors".

Usage: python scripts/compile_error_kinds.py RUN_DIR [RUN_DIR ...] [--top N] [--json]
"""
from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agent.fixers import FixContext, apply_fixers  # noqa: E402
from reflect_env.result import Diagnostic  # noqa: E402
from agent.trace import load_trace  # noqa: E402


def error_kind(category: str, first_error: str) -> str:
    """The category and the first error's first line with identifiers, widths and names made generic."""
    msg = (first_error or "-").splitlines()[0]
    msg = re.sub(r"not found: (value|type|object) \w+", r"not found: \1 X", msg)
    msg = re.sub(r"value (\S+) is not a member of chisel3\.(\w+)", r"value \1 is not a member of chisel3.\2", msg)
    msg = re.sub(r"value \S+ is not a member of (?!chisel3\.)\S+", "value M is not a member of T", msg)
    msg = re.sub(r'(sink|port) "[^"]+" not fully initialized in "[^"]+"', "an output not fully initialized", msg)
    msg = re.sub(r"interface: .*", "interface: ...", msg)
    msg = re.sub(r"'[^']*'", "'..'", msg) if "expected but" not in msg else msg
    msg = re.sub(r"\b\d+\b", "N", msg)
    return f"{category}: {msg[:90]}"


def failing_candidates(run_dirs: list[Path]):
    """(run, trace file, verification event, code it verified) for every failing verification."""
    for run in run_dirs:
        for trace in sorted((run / "traces").glob("*.jsonl")):
            code: dict[tuple, str] = {}
            for ev in load_trace(trace).events:  # a cut-off last line is left out
                key = (ev.get("chain"), ev.get("round"))
                if ev.get("kind") in ("extraction", "fix") and ev.get("code"):
                    code[key] = ev["code"]
                elif ev.get("kind") == "verification" and not ev.get("ok"):
                    yield run, trace, ev, code.get(key)


def fixers_on(code: str | None, ev: dict) -> list[str]:
    """Fixers that change `code`: on the code alone or with the recorded diagnostics."""
    if not code:
        return []
    top = ev.get("top")
    diags = [Diagnostic.model_validate(d) for d in ev.get("diagnostics") or []]
    _, alone = apply_fixers(code, FixContext(top=top))
    _, driven = apply_fixers(code, FixContext(top=top, diagnostics=diags))
    return sorted({r.fixer for r in alone + driven})


def main(argv: list[str]) -> int:
    as_json = "--json" in argv
    top_n = int(argv[argv.index("--top") + 1]) if "--top" in argv else 25
    dirs = [Path(a) for i, a in enumerate(argv) if not a.startswith("--") and (i == 0 or argv[i - 1] != "--top")]
    missing = [d for d in dirs if not (d / "traces").is_dir()]
    if not dirs or missing:
        print(f"error: not run directories with traces/: {', '.join(map(str, missing)) or '(none given)'}", file=sys.stderr)
        return 2
    kinds: Counter[str] = Counter()
    distinct: dict[str, set[str]] = {}
    fixed_by: dict[str, Counter[str]] = {}
    total = 0
    for _, _, ev, code in failing_candidates(dirs):
        total += 1
        kind = error_kind(ev.get("category") or "-", ev.get("first_error") or "")
        kinds[kind] += 1
        distinct.setdefault(kind, set()).add(code or "")
        fixed_by.setdefault(kind, Counter()).update(fixers_on(code, ev))
    rows = [{"kind": k, "failing": n, "distinct_code": len(distinct[k]), "fixers": dict(fixed_by[k])}
            for k, n in kinds.most_common(top_n)]
    if as_json:
        print(json.dumps({"runs": [str(d) for d in dirs], "failing_verifications": total, "kinds": rows}, indent=1))
        return 0
    print(f"{total} failing verifications in {len(dirs)} run(s)\n")
    print("| failing | distinct code | error kind | fixers that change the code (failing verifications) |")
    print("|---|---|---|---|")
    for r in rows:
        fx = ", ".join(f"{k} {v}" for k, v in sorted(r["fixers"].items(), key=lambda x: -x[1])) or "-"
        print(f"| {r['failing']} | {r['distinct_code']} | `{r['kind']}` | {fx} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
