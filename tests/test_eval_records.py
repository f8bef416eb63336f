"""results.jsonl: append/read, torn last lines after a kill, the seed-compatible results layout,
and run statistics."""
import json

import pytest

from agent.eval.metrics import summarize
from agent.eval.records import (AttemptRecord, ChainRecord, ProblemRecord, ResultsLog, ResultsLogError,
                                read_results)


def record(pid, passed, *, level="L1", category=None, stage="passed", rounds=(0,), lenient=False):
    chains = [ChainRecord(sample_index=i, first_pass_round=r,
                          lenient_pass_round=0 if (lenient and r is None) else None,
                          attempts=[AttemptRecord(round=0, ok=r == 0, stage="passed" if r == 0 else stage,
                                                  category=category, tokens=10)])
              for i, r in enumerate(rounds)]
    return ProblemRecord(id=pid, level=level, passed=passed, passed_lenient=passed or lenient,
                         compiled=stage != "compile", failure_category=None if passed else category,
                         stage="passed" if passed else stage, chains=chains, llm_calls=len(rounds))


def test_append_and_read(tmp_path):
    path = tmp_path / "results.jsonl"
    with ResultsLog(path) as log:
        log.append(record("a", True))
        log.append(record("b", False, category="missing_import", stage="compile", rounds=(None,)))
    got = read_results(path)
    assert [r.id for r in got] == ["a", "b"] and got[1].failure_category == "missing_import"


def test_torn_last_line_is_ignored_and_repaired(tmp_path):
    path = tmp_path / "results.jsonl"
    with ResultsLog(path) as log:
        log.append(record("a", True))
    whole = record("b", True).model_dump_json()
    with open(path, "a") as f:
        f.write(whole[: len(whole) // 2])  # killed mid-write
    assert [r.id for r in read_results(path)] == ["a"]
    assert [r.id for r in read_results(path, repair=True)] == ["a"]
    with ResultsLog(path) as log:  # appending after the repair starts on a clean line
        log.append(record("c", True))
    assert [r.id for r in read_results(path)] == ["a", "c"]


def test_bad_middle_line_is_an_error(tmp_path):
    path = tmp_path / "results.jsonl"
    path.write_text(record("a", True).model_dump_json() + "\ngarbage\n" + record("b", True).model_dump_json() + "\n")
    with pytest.raises(ResultsLogError, match=r"results\.jsonl:2: not a result record"):
        read_results(path)


def test_seed_layout_is_a_superset():
    r = record("x", False, category="missing_import", stage="compile", rounds=(None,)).to_seed_result()
    for key in ("id", "level", "category", "instruction", "raw_output", "extracted_code", "verify_result",
                "passed", "failed_stage"):
        assert key in r
    assert set(r["verify_result"]) >= {"success", "compiled", "elaborated", "stage", "error_log", "verilog"}
    assert r["failed_stage"] == "compilation" and r["verify_result"]["compiled"] is False
    assert r["chains"][0]["first_pass_round"] is None  # ours, after the seed's fields
    json.dumps(r)


def test_summary_strict_lenient_and_pass_at_k():
    records = [
        record("a", True, level="L1", rounds=(0, 0)),
        record("b", False, level="L1", category="name_mismatch", stage="elaborate", rounds=(None, None), lenient=True),
        record("c", False, level="L2", category="missing_import", stage="compile", rounds=(None, 0)),
    ]
    records[2].passed = True  # one of two samples passed
    records[2].passed_lenient = True
    records[2].failure_category = None
    s = summarize(records, [1, 2, 4])
    assert (s["total"], s["passed"], s["strict"]["passed"], s["lenient"]["passed"]) == (3, 2, 2, 3)
    assert s["pass_at_k"] == pytest.approx({"1": (1 + 0 + 0.5) / 3, "2": 2 / 3})  # no k=4: only 2 samples
    assert s["lenient"]["pass_at_k"]["1"] == pytest.approx((1 + 1 + 0.5) / 3)
    assert s["by_level"]["L1"] == {"total": 2, "passed": 1, "pass_rate": 0.5, "compile_passed": 1}  # b: wrong name
    assert s["by_failure"] == {"name_mismatch": 1}
    assert s["llm_calls"] == 6
    lenient = summarize(records, [1], lenient=True)
    assert lenient["passed"] == 3 and lenient["headline_mode"] == "lenient" and lenient["by_failure"] == {}


def test_a_problem_recorded_twice_is_an_error_naming_both_lines(tmp_path):
    # Counting it twice put a report at "4 of 3 problems" while compare (keyed by id) counted 3.
    path = tmp_path / "results.jsonl"
    with ResultsLog(path) as log:
        for pid in ("a", "b", "a"):
            log.append(record(pid, True))
    with pytest.raises(ResultsLogError, match=r"results\.jsonl:3: problem a is recorded twice \(first at line 1\)"):
        read_results(path)


def test_a_torn_last_line_is_warned_of_once_and_not_cut_when_only_reading(tmp_path):
    path = tmp_path / "results.jsonl"
    with ResultsLog(path) as log:
        log.append(record("a", True))
    with open(path, "a") as f:
        f.write(record("b", True).model_dump_json()[:40])
    before = path.read_bytes()
    warnings: list[str] = []
    assert [r.id for r in read_results(path, warn=warnings.append)] == ["a"]
    assert len(warnings) == 1 and f"{path}:2: torn last line ignored" in warnings[0]
    assert path.read_bytes() == before
    assert read_results(path) and path.read_bytes() == before  # no warn given: silent, as before


def test_the_committed_runs_still_load():
    from pathlib import Path
    runs = sorted((Path(__file__).resolve().parents[1] / "experiments" / "results").rglob("results.jsonl"))
    assert runs
    for path in runs:
        assert read_results(path), path
