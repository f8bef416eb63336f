"""Live runs: solve each task with the search loop against a served model, and record what happened."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.eval.records import AttemptRecord, ChainRecord, ProblemRecord
from agent.eval.verification import enum_value, rescue_name_mismatches
from agent.task import Task

if TYPE_CHECKING:
    from agent.config import AgentConfig


def record_from_solve(task: Task, res: Any) -> ProblemRecord:
    """A ProblemRecord from an agent.search SolveResult."""
    chains = [
        ChainRecord(
            sample_index=ch.sample_index, first_pass_round=ch.first_pass_round,
            attempts=[AttemptRecord(round=a.round, ok=a.ok, stage=enum_value(a.stage),
                                    category=enum_value(a.category),
                                    fixes=[f"{f.fixer}: {f.rule}" + (f" ({f.detail})" if f.detail else "")
                                           for f in a.fixes],
                                    escaped=a.escaped, tokens=a.tokens, code=a.code)
                      for a in ch.attempts])
        for ch in res.chains
    ]
    first = chains[0].attempts[0] if chains and chains[0].attempts else None
    failing_stage = _stage_of(chains, res.final_code) if not res.solved else "passed"
    notes = [f"stop: {res.stop_reason}"] if res.stop_reason and res.stop_reason not in ("solved", "exhausted") else []
    sampling = getattr(res, "sampling", None) or {}
    if sampling.get("requests", 1) > 1:  # the server returned fewer choices than n: say how the k came
        notes.append(f"samples: {sampling['samples']} of n={sampling['requested_n']} in {sampling['requests']} "
                     f"requests (choices per request {sampling['choices_per_request']}, seeds {sampling['seeds']})"
                     + (f"; stopped: {sampling['stopped']}" if sampling.get("stopped") else ""))
    return ProblemRecord(
        id=task.id, level=task.level, category=task.category, instruction=task.spec, top=task.top,
        functional_check=task.require_simulate,
        passed=res.solved, passed_lenient=res.solved,
        compiled=any(a.compiled for c in chains for a in c.attempts),
        failure_category=None if res.solved else (res.category or "unknown"),
        stage=failing_stage, raw_output=res.raw_output, extracted_code=first.code if first else None,
        final_code=res.final_code, final_verilog=res.final_verilog, error_log=res.error_log,
        rounds=res.rounds, llm_calls=res.llm_calls, prompt_tokens=res.prompt_tokens,
        completion_tokens=res.completion_tokens, wall_s=res.wall_s, verify_s=res.verify_s,
        chains=chains, notes=notes,
    )


def _stage_of(chains: list[ChainRecord], code: str | None) -> str | None:
    """The stage of the attempt the search reported (its best failing one)."""
    for ch in chains:
        for a in reversed(ch.attempts):
            if code is not None and a.code == code:
                return a.stage
    return None


class LLMFailed(RuntimeError):
    """The model server failed a request for good while solving a problem."""


class LiveSolver:
    """Owns the LLM client, the search config and the retriever for a run. Problems are solved
    concurrently on one event loop, sharing the client (its limiter bounds requests in flight)
    and the verifier pool."""

    def __init__(self, env, settings: AgentConfig, *, select_all: bool, trace_dir: Path | None = None):
        from agent.llm.client import LLMClient

        self.env, self.trace_dir = env, trace_dir
        self.llm = LLMClient(settings.llm)
        # select=all: sweeps and pass@k run every sample chain to its end. The search always checks
        # strict names; lenient is scored afterwards, never searched.
        self.cfg = replace(settings.solve, select="all" if select_all else "first", mode="strict")
        self.retriever = None
        if self.cfg.rag:
            from agent.rag import Retriever

            self.retriever = Retriever(self.cfg.profile)

    def _trace(self, task: Task):
        if self.trace_dir is None:
            return None
        from agent.trace import Trace

        self.trace_dir.mkdir(parents=True, exist_ok=True)
        path = self.trace_dir / f"{task.id}.jsonl"
        # A trace without a results line is from a run killed mid-problem: start that problem afresh.
        path.unlink(missing_ok=True)
        return Trace(path)

    async def solve(self, task: Task) -> ProblemRecord:
        from agent.search import solve

        trace = self._trace(task)
        try:
            res = await solve(task, self.cfg, llm=self.llm, env=self.env, trace=trace, retriever=self.retriever)
        finally:
            if trace is not None:
                trace.close()
        if (res.stop_reason or "").startswith("llm_error"):
            # A request that failed for good says nothing about the model's ability: leave the
            # problem unrecorded (the run reports it and --resume retries it) rather than score it.
            raise LLMFailed(res.stop_reason)
        record = record_from_solve(task, res)
        await rescue_name_mismatches(self.env, task, record)
        return record

    async def aclose(self) -> None:
        await self.llm.aclose()
