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
                         failure_category=None if passed else "type_mismatch")


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
    assert s["by_failure"] == {"sim_mismatch": 1, "type_mismatch": 1}
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


# -- through the real CLI, search loop, verifier and simulator, against the stub server -----------

PASS = "import chisel3._\n\nclass {top} extends Module {{\n  val io = IO(new Bundle {{\n" \
       "    val in  = Input(UInt(4.W))\n    val out = Output(UInt(4.W))\n  }})\n  io.out := {expr}\n}}\n"


def _eval_set(path, rows):
    """Seed-format rows (id, top, reference expression); every row carries reference_code and asks
    for compile only, like eval_set_v2."""
    lines = [json.dumps({"id": i, "level": "L1", "category": "test", "instruction": f"Build `{top}`.", "input": "",
                         "reference_code": PASS.format(top=top, expr=expr),
                         "test_config": {"require_compile": True, "require_elaborate": True,
                                         "require_simulate": False, "module_name": top}})
             for i, top, expr in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_eval_scores_function_separately_from_what_the_search_saw(tmp_path):
    """FuncB's model answer compiles but is not its reference's function. Without oracle feedback
    (the default) the search accepts it and the score says compile 2/2, functional 1/2. With
    --oracle-feedback the search simulates against the reference and repairs it. --compile-only
    gives the seed's metric."""
    from agent.llm.stub_server import Reply, StubServer
    from tests.helpers import json_out, require_verifier, run_agent

    require_verifier()
    bench = _eval_set(tmp_path / "set.jsonl", [("f1", "FuncA", "io.in"), ("f2", "FuncB", "~io.in")])

    def reply(request):
        prompt = "\n".join(m["content"] for m in request["messages"])
        top = "FuncA" if "FuncA" in prompt else "FuncB"
        repair = "Simulation against the reference disagrees" in prompt
        return Reply(f"```scala\n{PASS.format(top=top, expr='~io.in' if repair else 'io.in')}```")

    common = ["-n", "1", "-k", "1", "--depth", "1", "--no-rag", "--no-cache", "--workers", "1", "--json"]
    with StubServer(reply) as stub:
        # without --json, to see the progress bar's last line
        plain = run_agent("eval", bench, "--base-url", stub.base_url, *common[:-1], "--out", tmp_path / "plain")
        plain_requests = len(stub.requests)
        stub.clear()
        oracle = run_agent("eval", bench, "--base-url", stub.base_url, "--oracle-feedback", *common,
                           "--out", tmp_path / "oracle")
        oracle_requests = len(stub.requests)
        stub.clear()
        seed_metric = run_agent("eval", bench, "--base-url", stub.base_url, "--compile-only", *common,
                                "--out", tmp_path / "compile")
    for proc in (plain, oracle, seed_metric):
        assert proc.returncode == 0, proc.stderr[-3000:]
    assert "compile pass" not in oracle.stderr  # --json: no progress bar

    s = json_out(run_agent("report", tmp_path / "plain", "--json"))  # the statistics eval --json prints
    assert plain_requests == 2 and s["oracle_feedback"] is False and s["headline_metric"] == "functional"
    assert (s["compile_pass"]["passed"], s["functional_pass"]["passed"], s["functional_pass"]["total"]) == (2, 1, 2)
    assert s["passed"] == 1 and s["by_failure"] == {"sim_mismatch": 1}
    assert "compile pass 2, functional pass 1" in plain.stderr  # the progress line
    rows = {r["id"]: r for r in map(json.loads, (tmp_path / "plain" / "results.jsonl").read_text().splitlines())}
    assert rows["f2"]["passed"] and rows["f2"]["functional"] is False and rows["f2"]["chains"][0]["functional_ok"] is False
    report = (tmp_path / "plain" / "report.md").read_text()
    assert "the search saw no oracle feedback" in report and "| 1/2 | 50.0% |" in report

    s = json_out(oracle)
    assert oracle_requests == 3 and s["oracle_feedback"] is True
    assert (s["compile_pass"]["passed"], s["functional_pass"]["passed"]) == (2, 2)
    assert "the search saw oracle feedback" in (tmp_path / "oracle" / "report.md").read_text()

    s = json_out(seed_metric)
    assert s["headline_metric"] == "compile" and s["functional_pass"]["total"] == 0 and s["passed"] == 2
    assert "scoring: compile only" in (tmp_path / "compile" / "report.md").read_text()

    cmp = run_agent("compare", tmp_path / "plain", tmp_path / "oracle", "--json")
    assert cmp.returncode == 0, cmp.stderr[-2000:]
    c = json_out(cmp)
    assert c["metric"] == "functional" and c["fixed_by_b"] == ["f2"] and c["compile"]["delta"] == 0.0
    assert c["oracle_feedback"] == {"a": False, "b": True}


class _FakeEnv:
    """Counts functional checks; answers from `verdicts` (code -> ok) or raises for 'boom'."""

    def __init__(self, verdicts):
        self.verdicts, self.calls = verdicts, []

    async def averify(self, code, **kw):
        from reflect_env.result import Category, Stage, VerifyResult

        self.calls.append((code, kw["reference"]))
        if code == "boom":
            raise RuntimeError("worker pool is gone")
        ok = self.verdicts[code]
        return VerifyResult(ok=ok, stage=Stage.passed if ok else Stage.simulate, top="T", requested_top="T",
                            category=None if ok else Category.sim_mismatch)


def _task():
    from agent.task import Task

    return Task(id="t", spec="s", top="T", meta={"reference_code": "class T ..."})


def _passing(i, code):
    return ChainRecord(sample_index=i, first_pass_round=0, attempts=[AttemptRecord(round=0, ok=True, code=code)])


def test_functional_scoring_simulates_each_distinct_passing_candidate_once():
    import asyncio

    from agent.eval.verification import score_functional

    env = _FakeEnv({"good": True, "bad": False})
    rec = ProblemRecord(id="t", passed=True, chains=[_passing(0, "bad"), _passing(1, "good"), _passing(2, "bad"),
                                                     ChainRecord(sample_index=3)])
    asyncio.run(score_functional(env, _task(), rec, oracle_feedback=False))
    assert sorted(env.calls) == [("bad", "class T ..."), ("good", "class T ...")]
    assert [c.functional_ok for c in rec.chains] == [False, True, False, None]
    assert rec.functional is True and rec.functional_check and rec.functional_category is None


def test_a_functional_check_that_raises_keeps_the_record():
    import asyncio

    from agent.eval.verification import score_functional

    rec = ProblemRecord(id="t", passed=True, chains=[_passing(0, "boom")])
    asyncio.run(score_functional(_FakeEnv({}), _task(), rec, oracle_feedback=False))
    assert rec.functional is False and rec.functional_category == "crash"
    assert any("worker pool is gone" in n for n in rec.notes)


class _ReferenceFailsEnv(_FakeEnv):
    """Every check fails as the verifier reports a reference that did not build."""

    async def averify(self, code, **kw):
        from reflect_env.result import Category, Diagnostic, Stage, VerifyResult

        self.calls.append((code, kw["reference"]))
        return VerifyResult(ok=False, stage=Stage.simulate, category=Category.sim_error, diagnostics=[Diagnostic(
            stage=Stage.simulate, message="the reference itself does not build (timeout): compile timed out")])


def test_a_check_that_did_not_simulate_the_design_says_why_in_the_record():
    """A functional fail that is not a mismatch names its cause in the record's notes, once per distinct
    code: the category alone hid a reference build that had timed out under load."""
    import asyncio

    from agent.eval.verification import score_functional

    rec = ProblemRecord(id="t", passed=True, chains=[_passing(0, "a"), _passing(1, "a"), _passing(2, "b")])
    asyncio.run(score_functional(_ReferenceFailsEnv({}), _task(), rec, oracle_feedback=False))
    assert rec.functional is False and rec.functional_category == "sim_error"
    assert rec.notes == [f"functional check of sample {i}: sim_error: the reference itself does not build "
                         "(timeout): compile timed out" for i in (0, 2)]
    mismatch = ProblemRecord(id="t", passed=True, chains=[_passing(0, "bad")])
    asyncio.run(score_functional(_FakeEnv({"bad": False}), _task(), mismatch, oracle_feedback=False))
    assert mismatch.notes == []  # a simulated mismatch is the design's verdict: nothing to explain


@pytest.mark.parametrize("first, kept", [("timeout", False), ("crash", False), ("type_mismatch", True)])
def test_a_reference_build_that_timed_out_is_built_again_for_the_next_candidate(first, kept):
    """reflect_env keeps a Chisel reference's verdict per task; a timeout or a dead worker is the
    machine's failure, not the reference's, and must not fail every later candidate."""
    import threading
    from types import SimpleNamespace

    from reflect_env.env import ReflectEnv
    from reflect_env.result import Category, Stage, VerifyResult

    verdicts = [VerifyResult(ok=False, stage=Stage.compile, category=Category(first)),
                VerifyResult(ok=True, stage=Stage.passed, top="Ref", verilog="module Ref; endmodule")]
    fake = SimpleNamespace(_ref_lock=threading.Lock(), _ref_cache={}, calls=0)

    def verify(*a, **kw):
        fake.calls += 1
        return verdicts[fake.calls - 1]
    fake.verify = verify
    source = "import chisel3._\nclass Ref extends Module {}\n"
    first_try = ReflectEnv._reference_verilog(fake, source, "Ref")
    assert first_try[2] is not None and "does not build" in first_try[2]
    second = ReflectEnv._reference_verilog(fake, source, "Ref")
    if kept:  # a real compile error is the reference's: kept, not built again
        assert fake.calls == 1 and second == first_try
    else:
        assert fake.calls == 2 and second == ("module Ref; endmodule", "Ref", None)
