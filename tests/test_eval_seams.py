"""The eval run against its ProblemSolver seam (agent/interfaces.py): a model server that is gone stops
the run with one line and keeps what was done; every solver is closed once at the end."""
from __future__ import annotations

import asyncio
import contextlib

import pytest

from agent.eval.records import ProblemRecord, read_results
from agent.eval import runner
from agent.eval.runner import RunError, RunOptions, _drive
from agent.llm.client import LLMUnavailable, ModelNotServed
from agent.task import Task


class _Env:
    workers = 1


class _Solver:
    """Solves p0 and p1, then the server goes away (with `gone`) for every later problem."""

    def __init__(self, gone: Exception):
        self.gone, self.started, self.closed = gone, [], 0

    async def solve(self, task: Task) -> ProblemRecord:
        self.started.append(task.id)
        if task.id in ("p0", "p1"):
            return ProblemRecord(id=task.id, instruction=task.spec, passed=True)
        raise self.gone

    async def aclose(self) -> None:
        self.closed += 1


@pytest.mark.parametrize("gone", [LLMUnavailable("no server answers at http://127.0.0.1:9/v1"),
                                  ModelNotServed("the server at http://127.0.0.1:9/v1 does not serve m")])
def test_a_server_gone_mid_run_stops_it_and_keeps_what_was_done(tmp_path, gone):
    tasks = [Task(id=f"p{i}", spec="Build an adder.") for i in range(6)]
    solver, errors = _Solver(gone), {}
    # concurrency 1: problems start in order, so the stop lands after p2 and before p3.
    opts = RunOptions(out=tmp_path, replay=tmp_path / "recorded.jsonl", concurrency=1)
    with pytest.raises(RunError, match=r"^no server answers|^the server .* does not serve") as info:
        asyncio.run(_drive(tasks, opts, errors, _Env(), solver, lambda progress: None))
    assert "2 problem(s) recorded" in str(info.value) and "--resume" in str(info.value)
    assert solver.started == ["p0", "p1", "p2"], "no problem starts once the server is known to be gone"
    assert [r.id for r in read_results(tmp_path / "results.jsonl")] == ["p0", "p1"]
    assert list(errors) == ["p2"]


def test_the_run_closes_its_solver_once_whether_it_ends_well_or_not(tmp_path, monkeypatch):
    tasks = [Task(id=f"p{i}", spec="Build an adder.") for i in range(3)]
    for gone, raises in ((LLMUnavailable("no server answers"), True), (None, False)):
        solver = _Solver(gone) if gone else _Solver(RuntimeError("unused"))
        monkeypatch.setattr(runner, "_make_solver", lambda env, opts, s=solver: s)
        out = tmp_path / ("gone" if raises else "fine")
        opts = RunOptions(out=out, replay=tmp_path / "recorded.jsonl", concurrency=1)
        todo = tasks if raises else tasks[:2]
        with contextlib.ExitStack() as stack:
            if raises:
                stack.enter_context(pytest.raises(RunError))
            asyncio.run(runner._run_tasks(todo, opts, {}, lambda: contextlib.nullcontext(_Env()), lambda progress: None))
        assert solver.closed == 1
