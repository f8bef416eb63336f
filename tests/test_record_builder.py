"""The one record builder (agent.records.reported_fields) that a live solve and a replay share, and the
old import path of the records (agent.eval.records)."""
from __future__ import annotations

from reflect_env.result import Category, Stage, VerifyResult

from agent.records import AttemptRecord, ChainRecord, Outcome, reported_attempt, reported_fields


def _chain(index: int, *attempts: AttemptRecord, passed_at: int | None = None) -> ChainRecord:
    return ChainRecord(sample_index=index, first_pass_round=passed_at, attempts=list(attempts))


def _fail(rnd: int, stage: Stage | str, category, code: str | None = "x") -> AttemptRecord:
    return AttemptRecord(round=rnd, stage=stage, category=category, code=code)


def _ok(rnd: int, code: str) -> AttemptRecord:
    return AttemptRecord(round=rnd, ok=True, stage=Stage.passed, code=code)


def _result(ok: bool, verilog: str | None = None, log: str = "") -> VerifyResult:
    return VerifyResult(ok=ok, stage=Stage.passed if ok else Stage.elaborate, verilog=verilog,
                        category=None if ok else Category.elaboration, notes=[log] if log else [])


def test_a_pass_reports_the_fewest_rounds_unless_the_vote_chose_another():
    a, b = _ok(2, "late"), _ok(1, "early")
    chains = [_chain(0, _fail(0, Stage.compile, Category.type_mismatch), _fail(1, Stage.compile, Category.type_mismatch), a,
                     passed_at=2),
              _chain(1, _fail(0, Stage.compile, Category.type_mismatch), b, passed_at=1)]
    results = {id(a): _result(True, "module late"), id(b): _result(True, "module early")}

    def evidence(x):
        return results.get(id(x)), ""
    fields = reported_fields(chains, evidence)
    assert fields["passed"] and fields["final_code"] == "early" and fields["rounds"] == 1
    assert fields["final_verilog"] == "module early" and fields["failure_category"] is None
    assert fields["error_log"] is None and fields["stage"] == Stage.passed
    voted = reported_fields(chains, evidence, chosen=0)
    assert voted["final_code"] == "late" and voted["rounds"] == 2  # rounds: the reported candidate's, one meaning


def test_no_pass_reports_the_furthest_attempt_and_its_round():
    regressed = _fail(2, Stage.compile, Category.type_mismatch)
    furthest = _fail(1, Stage.elaborate, Category.elaboration, code="far")
    chains = [_chain(0, _fail(0, Stage.compile, Category.type_mismatch), furthest, regressed),
              _chain(1, _fail(0, Stage.elaborate, Category.elaboration, code="tie, later chain"))]
    fields = reported_fields(chains, lambda x: (_result(False) if x is furthest else None, "why"))
    assert reported_attempt(chains) == (chains[0], furthest)  # the first chain among the furthest
    assert fields["final_code"] == "far" and fields["rounds"] == 1 and fields["stage"] == Stage.elaborate
    assert fields["failure_category"] == Category.elaboration and fields["final_verilog"] is None
    assert not fields["passed"] and fields["compiled"]


def test_no_code_at_all_reports_no_stage_and_the_extraction_note():
    chains = [_chain(0, AttemptRecord(round=0, stage="extract", category=Outcome.truncated, code=None))]
    fields = reported_fields(chains, lambda x: (None, "reply cut off"))
    assert fields["stage"] is None and fields["failure_category"] == Outcome.truncated
    assert fields["error_log"] == "reply cut off" and not fields["compiled"]


def test_no_attempt_is_unknown_or_the_llm_error():
    assert reported_fields([], lambda x: (None, ""))["failure_category"] == Outcome.unknown
    assert reported_fields([_chain(0)], lambda x: (None, ""), llm_failed=True)["failure_category"] == Outcome.llm_error


def test_the_old_import_path_still_works():
    import agent.eval.records as old
    import agent.records as new

    assert old.ProblemRecord is new.ProblemRecord and old.read_results is new.read_results
    assert set(old.__all__) <= set(dir(new))
