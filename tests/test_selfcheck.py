"""`agent bench selfcheck`: every problem's reference run as the design; the problems whose reference fails
are labelled `harness` with the reason, kept per benchmark, and left out of an eval's pass rates."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from agent.eval import harness
from agent.eval.benchmarks import load_benchmark
from agent.eval.records import ChainRecord, ProblemRecord
from agent.eval.report import write_outputs

REPO = Path(__file__).resolve().parents[1]
VE = REPO / "tests" / "data" / "sim" / "verilogeval"
needs_iverilog = pytest.mark.skipif(shutil.which("iverilog") is None, reason="iverilog not installed")


@pytest.fixture
def labels_home(tmp_path, monkeypatch):
    """Labels go to a private cache, never the user's."""
    home = tmp_path / "cache"
    monkeypatch.setattr(harness, "cache_dir", lambda: home)
    return home


def quirky_bench(root: Path) -> Path:
    """Prob901 as it is, and two copies of Prob902 broken the ways VerilogEval v2 is: a time guard that
    ends before the stimulus (Prob082/141) and ports the testbench names differently (Prob099)."""
    root.mkdir()
    for f in [*VE.glob("Prob901_*"), *VE.glob("Prob902_*")]:
        shutil.copy(f, root / f.name)
    test = (VE / "Prob902_count5_test.sv").read_text()
    for stem, broken in (("Prob903_guard", test.replace("#1000000", "#100")),
                         ("Prob904_ports", test.replace(".q(q_ref)", ".q2(q_ref)").replace(".q(q_dut)", ".q2(q_dut)"))):
        assert broken != test
        (root / f"{stem}_test.sv").write_text(broken)
        shutil.copy(VE / "Prob902_count5_ref.sv", root / f"{stem}_ref.sv")
        shutil.copy(VE / "Prob902_count5_prompt.txt", root / f"{stem}_prompt.txt")
    return root


@needs_iverilog
def test_selfcheck_labels_the_problems_whose_reference_fails(tmp_path, labels_home):
    bench = load_benchmark(quirky_bench(tmp_path / "ve"))
    never = lambda: pytest.fail("a Verilog reference needs no JVM")  # noqa: E731
    report = harness.selfcheck(bench, never)
    assert (report["n"], report["passed"]) == (4, 2)
    assert report["harness"] == ["Prob903_guard", "Prob904_ports"]
    assert report["problems"]["Prob903_guard"]["reason"].startswith("timeout: testbench reported TIMEOUT")
    assert "q2" in report["problems"]["Prob904_ports"]["reason"]
    assert report["simulators"] and "Icarus Verilog" in report["simulators"][0]
    assert harness.load_labels(bench.path) == {pid: report["problems"][pid]["reason"] for pid in report["harness"]}


def _record(pid: str, passed: bool) -> ProblemRecord:
    return ProblemRecord(id=pid, level="verilogeval", passed=passed, passed_lenient=passed,
                         failure_category=None if passed else "timeout", stage="passed" if passed else "simulate",
                         chains=[ChainRecord(sample_index=0, first_pass_round=0 if passed else None)])


@needs_iverilog
def test_harness_problems_are_not_counted_against_a_candidate(tmp_path, labels_home):
    bench = load_benchmark(quirky_bench(tmp_path / "ve"))
    harness.selfcheck(bench, lambda: None)
    records = [_record("Prob901_minmax", True), _record("Prob902_count5", False), _record("Prob903_guard", False)]
    meta = {"bench": bench.name, "bench_path": str(bench.path), "ks": [1], "task_ids": [r.id for r in records]}
    for include, expected in ((False, (2, 1)), (True, (3, 1))):
        run = tmp_path / f"run-{include}"
        run.mkdir()
        stats = write_outputs(run, {**meta, "include_harness": include}, records)
        assert (stats["total"], stats["passed"]) == expected
        assert stats["harness"] == {"Prob903_guard": harness.load_labels(bench.path)["Prob903_guard"]}
        report = (run / "report.md").read_text()
        assert "## Harness problems (1" in report and "- Prob903_guard: timeout" in report


@needs_iverilog
def test_selfcheck_cli_json_and_exit_status(tmp_path):
    root = quirky_bench(tmp_path / "ve")
    env = {**os.environ, "CHISEL_AGENT_CACHE": str(tmp_path / "cache"), "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-m", "agent", "bench", "selfcheck", str(root), "--json"],
                          capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 1, proc.stderr  # some reference failed
    out = json.loads(proc.stdout)
    assert out["harness"] == ["Prob903_guard", "Prob904_ports"]
    assert Path(out["labels_file"]).is_file() and str(tmp_path / "cache") in out["labels_file"]
    bad = subprocess.run([sys.executable, "-m", "agent", "bench", "selfcheck", str(tmp_path / "nope")],
                         capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "not found" in bad.stderr


def test_own_benchmark_reference_runs_through_reflect_env(verifier, tmp_path):
    """A Chisel reference is built and simulated against itself through ReflectEnv."""
    bench = load_benchmark("own")
    task = next(t for t in bench.tasks if t.reference)
    res = harness.check_reference(lambda: verifier, task, tmp_path)
    assert res["ok"], res["reason"]
