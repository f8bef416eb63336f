"""Functional scoring next to compile scoring: records, summaries, grids, compare, older records."""
from __future__ import annotations

import json

import pytest

from agent.eval.compare import compare_runs
from agent.eval.metrics import summarize
from agent.eval.records import AttemptRecord, ChainRecord, ProblemRecord, read_results
from agent.eval.sweep import compute_grid


def chain(i: int, pass_round: int | None, functional: bool | None) -> ChainRecord:
    attempts = [AttemptRecord(round=r, ok=r == pass_round, stage="passed" if r == pass_round else "compile")
                for r in range((pass_round or 0) + 1)]
    return ChainRecord(sample_index=i, first_pass_round=pass_round, functional_ok=functional, attempts=attempts)


def problem(pid: str, chains: list[ChainRecord], functional: bool | None) -> ProblemRecord:
    passed = any(c.first_pass_round is not None for c in chains)
    return ProblemRecord(id=pid, level="L1", chains=chains, passed=passed, passed_lenient=passed,
                         functional_check=functional is not None, functional=functional,
                         functional_category=None if functional in (None, True) or not passed else "sim_mismatch",
                         failure_category=None if passed else "type_error")


def test_summary_reports_functional_as_headline_and_compile_beside_it():
    records = [
        problem("p1", [chain(0, 0, True), chain(1, 1, False)], True),
        problem("p2", [chain(0, 0, False), chain(1, None, None)], False),   # compiles, wrong function
        problem("p3", [chain(0, None, None), chain(1, None, None)], False),  # never compiles
    ]
    s = summarize(records, [1, 2])
    assert s["headline_metric"] == "functional" and (s["passed"], s["scored"], s["total"]) == (1, 3, 3)
    assert (s["compile_pass"]["passed"], s["functional_pass"]["passed"]) == (2, 1)
    # pass@1 functional: p1 1 of 2 chains, p2 0 of 2, p3 0 -> 1/6; compile: p1 2/2, p2 1/2, p3 0 -> 1/2.
    assert s["functional_pass"]["pass_at_k"]["1"] == pytest.approx(1 / 6)
    assert s["compile_pass"]["pass_at_k"]["1"] == pytest.approx(0.5)
    assert s["pass_at_k"] == s["functional_pass"]["pass_at_k"]
    assert s["by_failure"] == {"sim_mismatch": 1, "type_error": 1}
    assert s["by_level"]["L1"] == {"total": 3, "passed": 1, "pass_rate": pytest.approx(1 / 3), "compile_passed": 2}


def test_without_references_the_headline_is_compile():
    records = [problem("p1", [chain(0, 0, None)], None), problem("p2", [chain(0, None, None)], None)]
    s = summarize(records, [1])
    assert s["headline_metric"] == "compile" and s["passed"] == 1 and s["functional_pass"]["total"] == 0


def test_grid_has_compile_and_functional_columns():
    records = [problem("p1", [chain(0, 0, True), chain(1, 1, False)], True),
               problem("p2", [chain(0, 1, False), chain(1, None, None)], False)]
    cells = {(c.k, c.depth): c for c in compute_grid(records, [1, 2], [0, 1])}
    assert cells[1, 0].compile_pass_at_k == pytest.approx((1 / 2 + 0) / 2)
    assert cells[1, 1].compile_pass_at_k == pytest.approx((1 + 1 / 2) / 2)
    assert cells[1, 1].functional_pass_at_k == pytest.approx((1 / 2 + 0) / 2)
    assert cells[2, 1].functional_pass_at_k == pytest.approx(0.5) == cells[2, 1].pass_at_k


def test_records_from_before_functional_scoring_still_load(tmp_path):
    """An older results.jsonl line has no functional fields: where the search simulated against a
    reference (functional_check) its pass was the functional pass; elsewhere nothing was checked."""
    old_sim = {"id": "own1", "functional_check": True, "passed": True, "passed_lenient": True, "compiled": True,
               "chains": [{"sample_index": 0, "first_pass_round": 1, "attempts": [
                   {"round": 0, "ok": False, "stage": "simulate", "category": "sim_mismatch"},
                   {"round": 1, "ok": True, "stage": "passed"}]}]}
    old_compile = {"id": "seed1", "passed": False, "compiled": True, "failure_category": "missing_import",
                   "chains": [{"sample_index": 0, "attempts": [{"round": 0, "stage": "compile"}]}]}
    log = tmp_path / "results.jsonl"
    log.write_text(json.dumps(old_sim) + "\n" + json.dumps(old_compile) + "\n")
    a, b = read_results(log)
    assert a.functional is True and a.chains[0].functional_ok is True and a.compile_passed
    # compile passed already in round 0 (it reached simulation); functional only after the repair
    assert a.chains[0].passes_within(0, metric="compile") and not a.chains[0].passes_within(0, metric="functional")
    assert b.functional is None and not b.compile_passed
    s = summarize([a, b], [1])
    assert (s["functional_pass"]["total"], s["functional_pass"]["passed"], s["compile_pass"]["passed"]) == (1, 1, 1)


def test_compare_uses_functional_when_both_runs_checked_it():
    a = [problem("p1", [chain(0, 0, False)], False), problem("p2", [chain(0, 0, True)], True)]
    b = [problem("p1", [chain(0, 0, True)], True), problem("p2", [chain(0, 0, True)], True)]
    cmp = compare_runs(a, b)
    assert cmp["metric"] == "functional" and cmp["fixed_by_b"] == ["p1"]
    assert (cmp["functional"]["a"], cmp["functional"]["b"]) == (0.5, 1.0)
    assert (cmp["compile"]["a"], cmp["compile"]["b"], cmp["compile"]["delta"]) == (1.0, 1.0, 0.0)
    assert cmp["pass_at_k"]["1"]["a"] == pytest.approx(0.5)
