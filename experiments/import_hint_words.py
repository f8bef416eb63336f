"""Which import hints are right: each hint of `agent.fixers.import_hints(spec)` checked against the
reference Chisel of the same spec (a hint is right when the reference uses that name).

Corpora with a spec and its Chisel reference: the seed's eval_set_v1/v2 and chisel3.util supplement
(CHISEL_AGENT_SEED_DATA), the own benchmark and the hand-written example bank; VerilogEval v2's prompts
(CHISEL_AGENT_VERILOGEVAL; references in Verilog) count hints only. Per name: how often it is hinted,
how often the reference uses it, and for names hinted because the spec contains the name itself
(not a cue word like "counter"), each such occurrence with its context, so that an English word read
as an API name (`is` in "while `en` is high") shows. Written for issue 22's follow-up (docs/BENCHMARKS.md,
"Session 8, import hints").

    python experiments/import_hint_words.py --json OUT.json      # table on stdout, details in OUT.json
    git show REV:agent/fixers/imports.py > /tmp/old_imports.py
    python experiments/import_hint_words.py --imports /tmp/old_imports.py --json BEFORE.json   # REV's hints
    python experiments/import_hint_words.py --compare-with /tmp/old_imports.py   # specs whose hints changed
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from agent.fixers.imports import CORE, IMPORT_TABLE, import_hints, used_identifiers  # noqa: E402


# Corpora whose text is in this repository: only their contexts are written to the --json report.
IN_REPO = ("own", "bank_hand_written")


def _seed() -> Path:
    return Path(os.environ.get("CHISEL_AGENT_SEED_DATA", REPO.parent / "shared" / "seed-data"))


def _jsonl(path: Path, spec_key: str, code_key: str) -> list[tuple[str, str, str | None]]:
    rows = []
    for i, line in enumerate(path.read_text().splitlines()):
        if line.strip():
            d = json.loads(line)
            rows.append((f"{path.stem}:{d.get('id', i)}", d[spec_key], d.get(code_key)))
    return rows


def corpora() -> dict[str, list[tuple[str, str, str | None]]]:
    """name -> [(id, spec, Chisel reference or None)]; a corpus whose files are absent is left out."""
    out: dict[str, list] = {}
    seed = _seed()
    for name, file, code_key in (("eval_set_v2", "eval_set_v2.jsonl", "reference_code"),
                                 ("eval_set_v1", "eval_set_v1.jsonl", "reference_code"),
                                 ("util_supplement", "chisel_util_supplement_20251202_130105.jsonl", "output")):
        if (seed / file).is_file():
            out[name] = _jsonl(seed / file, "instruction", code_key)
    from agent.eval.benchmarks import load_benchmark

    out["own"] = [(t.id, t.spec, t.reference if isinstance(t.reference, str) else None)
                  for t in load_benchmark("own").tasks]
    from agent.rag.examples import load_hand_examples

    out["bank_hand_written"] = [(e.id, e.spec, e.code) for e in load_hand_examples()]
    ve = Path(os.environ.get("CHISEL_AGENT_VERILOGEVAL", REPO.parent / "ext" / "verilog-eval" / "dataset_spec-to-rtl"))
    if ve.is_dir():
        out["verilogeval_v2"] = [(p.name.removesuffix("_prompt.txt"), p.read_text(), None)
                                 for p in sorted(ve.glob("*_prompt.txt"))]
    return out


def _literal(name: str, spec: str) -> list[re.Match]:
    """Where the spec contains the table name itself (what the hint code matches, before any reading)."""
    return list(re.finditer(r"(?<![\w.])" + re.escape(name) + r"(?!\w)", spec))


def measure(data: dict[str, list], hints_of=import_hints) -> dict:
    per_name: dict[str, Counter] = defaultdict(Counter)
    contexts: dict[str, list[dict]] = defaultdict(list)
    totals: dict[str, Counter] = {}
    for corpus, rows in data.items():
        t = Counter()
        for pid, spec, code in rows:
            hinted = {n for n, _ in hints_of(spec)}
            used = set(used_identifiers(code)) if code else None
            for n in hinted:
                per_name[n]["hinted"] += 1
                t["hinted"] += 1
                if used is not None:
                    per_name[n]["checkable"] += 1
                    t["checkable"] += 1
                    if n in used:
                        per_name[n]["right"] += 1
                        t["right"] += 1
            if used is not None:
                util_used = {n for n in used if IMPORT_TABLE[n] != CORE}
                t["used"] += len(util_used)
                t["used_and_hinted"] += len(util_used & hinted)
                for n in util_used:
                    per_name[n]["used"] += 1
            for n in IMPORT_TABLE:
                if IMPORT_TABLE[n] == CORE:
                    continue
                for m in _literal(n, spec):
                    place = {"corpus": corpus, "id": pid, "at": m.start(), "hinted": n in hinted,
                             "used": None if used is None else n in used}
                    if corpus in IN_REPO:  # the seed data and VerilogEval stay outside the repo: no text
                        place["context"] = " ".join(spec[max(0, m.start() - 40):m.end() + 40].split())
                    contexts[n].append(place)
        t["problems"] = len(rows)
        totals[corpus] = t
    all_t = sum(totals.values(), Counter())
    return {
        "totals": {c: dict(t) for c, t in {**totals, "all": all_t}.items()},
        "precision": round(all_t["right"] / all_t["checkable"], 4) if all_t["checkable"] else None,
        "recall": round(all_t["used_and_hinted"] / all_t["used"], 4) if all_t["used"] else None,
        "per_name": {n: dict(c) for n, c in sorted(per_name.items())},
        "literal_contexts": {n: v for n, v in sorted(contexts.items())},
    }


def _load_imports(path: Path):
    """Another version of agent/fixers/imports.py (e.g. `git show REV:agent/fixers/imports.py`)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("other_imports", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def compare(data: dict[str, list], old_module: Path) -> None:
    """Per corpus: hints with an older agent/fixers/imports.py and with this one, and the specs that differ."""
    old = _load_imports(old_module)
    print(f"{'corpus':<20}{'problems':>9}{'hints old':>10}{'hints now':>10}{'changed':>8}  only removals")
    for corpus, rows in data.items():
        before = [[n for n, _ in old.import_hints(s)] for _, s, _ in rows]
        now = [[n for n, _ in import_hints(s)] for _, s, _ in rows]
        print(f"{corpus:<20}{len(rows):>9}{sum(map(len, before)):>10}{sum(map(len, now)):>10}"
              f"{sum(b != a for b, a in zip(before, now)):>8}  {all(set(a) <= set(b) for b, a in zip(before, now))}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", type=Path, help="write the full report (every literal occurrence) here")
    ap.add_argument("--compare-with", type=Path, metavar="IMPORTS_PY",
                    help="an older agent/fixers/imports.py: count the specs whose hints differ, then stop")
    ap.add_argument("--imports", type=Path, metavar="IMPORTS_PY",
                    help="measure the hints of another agent/fixers/imports.py (the before of a change)")
    args = ap.parse_args()
    if args.compare_with:
        compare(corpora(), args.compare_with)
        return
    report = measure(corpora(), _load_imports(args.imports).import_hints if args.imports else import_hints)
    print(f"{'corpus':<20}{'problems':>9}{'hints':>7}{'checkable':>10}{'right':>7}{'used':>6}{'used&hinted':>12}")
    for c, t in report["totals"].items():
        print(f"{c:<20}{t.get('problems', 0):>9}{t.get('hinted', 0):>7}{t.get('checkable', 0):>10}"
              f"{t.get('right', 0):>7}{t.get('used', 0):>6}{t.get('used_and_hinted', 0):>12}")
    print(f"precision (hints the reference uses / hints with a Chisel reference): {report['precision']}")
    print(f"recall (util names the reference uses that were hinted): {report['recall']}")
    print(f"\n{'name':<18}{'hinted':>7}{'checkable':>10}{'right':>7}{'used':>6}{'literal':>8}{'lit.hinted':>11}")
    for n in sorted(set(report["per_name"]) | set(report["literal_contexts"])):
        c, lits = report["per_name"].get(n, {}), report["literal_contexts"].get(n, [])
        print(f"{n:<18}{c.get('hinted', 0):>7}{c.get('checkable', 0):>10}{c.get('right', 0):>7}{c.get('used', 0):>6}"
              f"{len(lits):>8}{sum(x['hinted'] for x in lits):>11}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
