"""Uncertainty in eval numbers: a run's bootstrap interval, and `agent compare`'s paired deltas,
their intervals and the McNemar test."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from agent.eval.compare import compare_runs, mcnemar_exact_p
from agent.eval.metrics import bootstrap_ci
from agent.eval.records import ChainRecord, ProblemRecord, ResultsLog
from tests.helpers import run_agent


def problem(pid: str, level: str, passes: list[int | None], *, calls: int = 1) -> ProblemRecord:
    """A problem whose chains first pass at the given rounds (None: never)."""
    chains = [ChainRecord(sample_index=i, first_pass_round=r) for i, r in enumerate(passes)]
    return ProblemRecord(id=pid, level=level, passed=any(r is not None for r in passes),
                         passed_lenient=any(r is not None for r in passes), chains=chains, llm_calls=calls,
                         prompt_tokens=100 * calls, completion_tokens=50 * calls)


@pytest.mark.parametrize("a_only, b_only, p", [
    (0, 0, 1.0), (0, 5, 2 / 32), (5, 0, 2 / 32), (1, 9, 22 / 1024), (3, 3, 1.0), (2, 3, 1.0),
])
def test_mcnemar_exact_p(a_only, b_only, p):
    assert mcnemar_exact_p(a_only, b_only) == pytest.approx(p)


def test_bootstrap_interval_is_seeded_and_brackets_the_mean():
    assert bootstrap_ci([0.0] * 20) == (0.0, 0.0)
    assert bootstrap_ci([1.0] * 20) == (1.0, 1.0)
    deltas = [1.0] * 6 + [0.0] * 12 + [-1.0] * 2
    lo, hi = bootstrap_ci(deltas)
    assert -1.0 <= lo < 0.2 < hi <= 1.0 and hi - lo > 0.1  # mean 0.2, and 20 problems leave real doubt
    assert bootstrap_ci(deltas) == (lo, hi)  # same seed, same numbers


def test_a_runs_summary_carries_its_pass_rate_interval():
    from agent.eval.metrics import summarize

    half = summarize([problem(f"p{i}", "L1", [0] if i % 2 else [None]) for i in range(20)], [1])
    lo, hi = half["strict"]["pass_rate_ci95"]
    assert 0.2 < lo < 0.5 < hi < 0.8 and half["lenient"]["pass_rate_ci95"] == [lo, hi]
    every = summarize([problem(f"p{i}", "L1", [0]) for i in range(5)], [1])
    assert every["strict"]["pass_rate_ci95"] == [1.0, 1.0]


def test_compare_pairs_problems_and_reports_what_changed():
    a = [problem("p1", "L1", [0, None]), problem("p2", "L1", [None, None]), problem("p3", "L2", [None, None]),
         problem("p4", "L2", [1, 0]), problem("only_a", "L3", [0, 0])]
    b = [problem("p1", "L1", [0, 0], calls=2), problem("p2", "L1", [None, 2], calls=2),
         problem("p3", "L2", [None, None], calls=2), problem("p4", "L2", [None, None], calls=2),
         problem("only_b", "L3", [0, 0])]
    cmp = compare_runs(a, b)
    assert cmp["problems"] == 4 and cmp["only_in_a"] == ["only_a"] and cmp["only_in_b"] == ["only_b"]
    h = cmp["pass"]
    assert (h["a"], h["b"], h["delta"]) == (0.5, 0.5, 0.0)
    assert (h["both"], h["a_only"], h["b_only"], h["neither"]) == (1, 1, 1, 1)
    assert cmp["fixed_by_b"] == ["p2"] and cmp["broken_by_b"] == ["p4"]
    assert h["mcnemar_p"] == 1.0 and h["ci95"][0] <= 0.0 <= h["ci95"][1]
    # pass@1 from the estimator: A = (1/2 + 0 + 0 + 1)/4, B = (1 + 1/2 + 0 + 0)/4.
    assert cmp["pass_at_k"]["1"]["a"] == pytest.approx(0.375)
    assert cmp["pass_at_k"]["1"]["b"] == pytest.approx(0.375)
    assert cmp["pass_at_k"]["2"]["a"] == pytest.approx(0.5)
    assert cmp["by_level"] == {"L1": {"total": 2, "a": 1, "b": 2}, "L2": {"total": 2, "a": 1, "b": 0}}
    assert cmp["cost"]["b"]["llm_calls"] == 8 and cmp["cost"]["a"]["tokens"] == 4 * 150
    assert compare_runs(a, b, ks=[1, 4])["pass_at_k_unavailable"] == [4]


def _run_dir(path: Path, records: list[ProblemRecord], bench: str = "own") -> Path:
    with ResultsLog(path / "results.jsonl") as log:
        for r in records:
            log.append(r)
    (path / "run.json").write_text(json.dumps({"bench": bench, "kind": "eval", "ks": [1]}))
    return path


def agent(*args) -> subprocess.CompletedProcess:
    return run_agent(*map(str, args), timeout=300)


def test_compare_cli(tmp_path):
    # B passes 8 problems A failed and breaks none: a clear improvement.
    a = [problem(f"p{i}", "L1", [None] if i < 8 else [0]) for i in range(12)]
    b = [problem(f"p{i}", "L1", [0]) for i in range(12)]
    run_a, run_b = _run_dir(tmp_path / "base", a), _run_dir(tmp_path / "lora", b)
    proc = agent("compare", run_a, run_b, "--json", "-o", tmp_path / "cmp.md")
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    assert len(lines) == 1
    cmp = json.loads(lines[0])
    assert cmp["pass"]["b_only"] == 8 and cmp["pass"]["mcnemar_p"] == pytest.approx(2 / 256)
    assert cmp["pass"]["ci95"][0] > 0
    md = (tmp_path / "cmp.md").read_text()
    assert "# lora vs base" in md and "| compile pass (headline) | 33.3% | 100.0% | +66.7 |" in md and "p = 0.00781" in md
    # the paired counts and the level table name their metric (here the headline is compile)
    assert "Paired compile outcomes: both pass 4, only A 0, only B 8" in md and "A passed (compile)" in md

    proc = agent("compare", run_a, tmp_path / "missing")
    assert proc.returncode == 2 and "run directory not found" in proc.stderr and "Traceback" not in proc.stderr
    other = _run_dir(tmp_path / "other", [problem("x1", "L1", [0])], bench="verilogeval_mini")
    proc = agent("compare", run_a, other)
    assert proc.returncode == 2 and "no problem in common" in proc.stderr


def test_compare_out_never_overwrites_a_run_and_the_same_run_twice_is_refused(tmp_path):
    recs = [problem(f"p{i}", "L1", [0]) for i in range(3)]
    run_a, run_b = _run_dir(tmp_path / "A", recs), _run_dir(tmp_path / "A2", recs)
    for victim in (run_b / "results.jsonl", run_b / "run.json", run_a / "report.md", run_b / "grid.csv"):
        before = victim.read_bytes() if victim.exists() else None
        proc = agent("compare", run_a, run_b, "--out", victim)
        assert proc.returncode == 2 and "is a file of run directory" in proc.stderr, proc.stderr
        assert (victim.read_bytes() if victim.exists() else None) == before
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    proc = agent("compare", run_a, run_b, "--out", blocker / "x.md")
    assert proc.returncode == 2 and "cannot be created" in proc.stderr
    assert agent("compare", run_a, run_b, "--out", run_b / "cmp.md").returncode == 0  # a new file there is fine
    proc = agent("compare", run_a, tmp_path / "A" / ".")
    assert proc.returncode == 2 and "same run directory" in proc.stderr


def test_no_problem_in_common_names_both_benchmarks(tmp_path):
    run_a = _run_dir(tmp_path / "a", [problem("p1", "L1", [0])], bench="own")
    run_b = _run_dir(tmp_path / "b", [problem("x1", "L1", [0])], bench="verilogeval_mini")
    proc = agent("compare", run_a, run_b)
    assert proc.returncode == 2 and "(own)" in proc.stderr and "(verilogeval_mini)" in proc.stderr
