"""Live runs: solve each task with the search loop against a served model, and record what happened."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from agent.records import ProblemRecord
from agent.eval.verification import rescue_name_mismatches
from agent.task import Task
from agent.errors import ChiselAgentError

if TYPE_CHECKING:
    from agent.config import AgentConfig


class LLMFailed(ChiselAgentError, RuntimeError):
    """The model server failed a request for good while solving a problem."""


class LiveSolver:
    """Owns the LLM client, the search config and the retriever for a run. Problems are solved
    concurrently on one event loop, sharing the client (its limiter bounds requests in flight)
    and the verifier pool."""

    def __init__(self, env, settings: AgentConfig, *, select_all: bool, trace_dir: Path | None = None):
        from agent.llm.router import make_client

        self.env, self.trace_dir = env, trace_dir
        self.llm = make_client(settings.llm)  # a router over several endpoints when llm.base_urls has them
        # select=all: sweeps and pass@k run every sample chain to its end. The search always checks
        # strict names; lenient is scored afterwards, never searched.
        self.cfg = settings.model_copy(update={"select": "all" if select_all else "first", "strict": True})
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
        record = res.record()
        await rescue_name_mismatches(self.env, task, record)
        return record

    async def aclose(self) -> None:
        await self.llm.aclose()
        report = getattr(self.llm, "report", None)
        if report is not None and self.trace_dir is not None:  # several endpoints: how each one served
            import json

            (self.trace_dir.parent / "endpoints.json").write_text(json.dumps(report(), indent=1) + "\n")
