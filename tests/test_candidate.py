"""The one candidate pipeline (agent/candidate.py) and its two callers: the live search and --replay
treat a verifier crash or timeout the same way (checked once more before it counts), and the
diagnostic-driven fixers run between verifications in both. The verifier is scripted (the verdicts a
dead or slow worker gives); the LLM client, stub server, extraction, fixers and records are real."""
from __future__ import annotations

import asyncio

import pytest

from agent.candidate import check_candidate, code_key
from agent.eval.records import ProblemRecord
from agent.eval.replay import RecordedProblem, replay_problem
from agent.config import LLMConfig
from agent.llm import LLMClient
from agent.llm.stub_server import Reply, StubServer
from agent.config import AgentConfig
from agent.search import solve
from agent.task import Task
from agent.trace import Trace, load_trace
from reflect_env.result import Category, Diagnostic, Stage, VerifyResult
from tests.helpers import FSM, not_found
from tests.helpers import ADDER, ADDER_SPEC, fenced

ADDER_TASK = Task(id="a", spec=ADDER_SPEC, top="Adder")


def passed(top="Adder") -> VerifyResult:
    return VerifyResult(ok=True, stage=Stage.passed, top=top, requested_top=top, verilog=f"module {top}; endmodule")


def fault(category: Category) -> VerifyResult:
    return VerifyResult(ok=False, stage=Stage.compile, requested_top="Adder", category=category,
                        diagnostics=[Diagnostic(stage=Stage.compile, message=f"worker {category}")])


class ScriptedVerifier:
    """Answers verifications from a script, in order: a VerifyResult, or an exception to raise."""

    def __init__(self, *script):
        self.script, self.codes = list(script), []

    async def averify(self, code, top=None, **kw):
        self.codes.append(code)
        step = self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        return step


@pytest.mark.parametrize("first", [fault(Category.crash), fault(Category.timeout), RuntimeError("worker pipe closed")],
                         ids=["crash", "timeout", "raises"])
def test_live_search_checks_a_crash_or_timeout_once_more_like_replay(tmp_path, first):
    """Before the shared pipeline only replay re-checked such a verdict; the search repaired a correct
    candidate from a dead worker's diagnostics. Now both verify the same code twice and pass it."""
    env = ScriptedVerifier(first, passed())
    with StubServer([Reply(fenced(ADDER))]) as stub:
        async def main():
            llm = LLMClient(LLMConfig(base_url=stub.base_url, use_cache=False))
            try:
                with Trace(tmp_path / "run") as trace:
                    return await solve(ADDER_TASK, AgentConfig(k=1, depth=2, rag=False, seed=7, interface=False), llm=llm, env=env,
                                       trace=trace)
            finally:
                await llm.aclose()
        res = asyncio.run(main())
        requests = len(stub.requests)
    assert res.solved and requests == 1 and res.llm_calls == 1  # no repair was asked for
    assert len(env.codes) == 2 and env.codes[0] == env.codes[1]
    [attempt] = res.chains[0].attempts  # the re-check is not an attempt of its own
    assert attempt.ok and attempt.stage == Stage.passed and attempt.round == 0
    verifications = load_trace(tmp_path / "run").of_kind("verification")
    fault_category = "crash" if isinstance(first, Exception) else first.category  # a raise is a crash verdict
    assert [(v["ok"], v["category"]) for v in verifications] == [(False, fault_category), (True, None)]

    replayed = ScriptedVerifier(fault(Category.crash), passed())
    rec = asyncio.run(replay_problem(replayed, ADDER_TASK, RecordedProblem("a", extracted_code=ADDER), fix=True))
    assert rec.passed and len(replayed.codes) == 2 and any(n.startswith("re-checked after crash") for n in rec.notes)
    assert [a.model_dump(exclude={"tokens"}) for a in rec.chains[0].attempts] == \
           [a.model_dump(exclude={"tokens"}) for a in res.chains[0].attempts]


def test_a_second_fault_counts():
    env = ScriptedVerifier(fault(Category.timeout), fault(Category.crash))
    checked = asyncio.run(check_candidate(ADDER, ADDER_TASK, lambda c: env.averify(c), fix=True, profile="chisel7"))
    assert len(env.codes) == 2 and checked.result.category == Category.crash
    assert checked.result.notes == ["re-checked after timeout: worker timeout"]
    [step] = checked.steps
    assert step.attempt.category == Category.crash and not step.attempt.ok


def test_diagnostic_driven_fix_is_verified_once_and_only_when_new():
    """`val OFF :: ON :: Nil = List(...)` is left alone on code alone; the compiler's `not found: value
    OFF` lets the enum_pattern fixer rewrite it, and the rewrite is verified without an LLM call. Code a
    chain already verified (`seen`) is not verified again."""
    code = FSM.replace("STATES", "val OFF :: ON :: Nil = List(0.U, 1.U)")
    task = Task(id="t", spec="A toggle named `Toggle`.", top="Toggle")
    failed = VerifyResult(ok=False, stage=Stage.compile, requested_top="Toggle", category=Category.not_found,
                          diagnostics=[not_found("OFF")])
    env = ScriptedVerifier(failed, passed("Toggle"))
    fixes_seen = []
    seen: set[str] = set()
    checked = asyncio.run(check_candidate(code, task, lambda c: env.averify(c), fix=True, profile="chisel7",
                                          round=2, escaped=True, tokens=40, seen=seen,
                                          on_fix=lambda recs, new, by: fixes_seen.append((recs[0].fixer, by))))
    assert env.codes[0] == code and "_enumStates_OFF_ON = List(0.U, 1.U)" in env.codes[1]
    assert fixes_seen == [("enum_pattern", "diagnostics")]
    first, second = checked.steps
    assert (first.attempt.category, first.attempt.fixes, first.attempt.tokens) == (Category.not_found, [], 40)
    assert second.attempt.ok and second.attempt.tokens == 0 and second.attempt.fixes[0].startswith("enum_pattern: ")
    assert {a.round for a in (first.attempt, second.attempt)} == {2} and first.attempt.escaped and second.attempt.escaped
    assert checked.code == env.codes[1] and seen == {code_key(c) for c in env.codes} and not checked.repeated

    again = ScriptedVerifier(failed)
    checked = asyncio.run(check_candidate(code, task, lambda c: again.averify(c), fix=True, profile="chisel7",
                                          seen=seen))
    assert checked.repeated and len(again.codes) == 1 and len(checked.steps) == 1

    no_fix = ScriptedVerifier(failed)
    checked = asyncio.run(check_candidate(code, task, lambda c: no_fix.averify(c), fix=False, profile="chisel7"))
    assert len(no_fix.codes) == 1 and checked.steps[0].attempt.fixes == []


def test_the_search_result_is_the_record_results_jsonl_keeps(tmp_path):
    """SolveResult is a ProblemRecord: `record()` drops only what the run alone needs, and the enums
    serialise to the strings older run directories hold."""
    env = ScriptedVerifier(fault(Category.crash), fault(Category.crash))
    with StubServer([Reply(fenced(ADDER))]) as stub:
        async def main():
            llm = LLMClient(LLMConfig(base_url=stub.base_url, use_cache=False))
            try:
                return await solve(ADDER_TASK, AgentConfig(k=1, depth=0, rag=False, seed=7, interface=False), llm=llm, env=env)
            finally:
                await llm.aclose()
        res = asyncio.run(main())
    rec = res.record()
    assert type(rec) is ProblemRecord and rec.chains[0] is res.chains[0]  # shared, not copied
    line = rec.model_dump_json()
    assert '"failure_category":"crash"' in line and '"stage":"compile"' in line
    assert ProblemRecord.model_validate_json(line) == rec
    assert not res.solved and res.failure_category == Category.crash and res.stop_reason == "exhausted"
