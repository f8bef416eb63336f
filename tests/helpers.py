"""Helpers the solve tests share (test_solve, test_vote, test_interface); their verifier is conftest's `env`."""
from __future__ import annotations

import asyncio
from pathlib import Path

from agent.config import LLMConfig
from agent.llm import LLMClient
from agent.search import solve
from agent.task import Task
from agent.trace import Trace


def run_solve(stub, task: Task, cfg, env, run_dir: Path, *, max_retries: int = 1, **kw):
    """agent.search.solve on `task` against the stub server `stub` (no response cache, fast retries),
    verified by `env`, traced into `run_dir`; `kw` goes to solve (e.g. a retriever)."""
    async def main():
        llm = LLMClient(LLMConfig(base_url=stub.base_url, use_cache=False, max_retries=max_retries,
                                  retry_backoff_s=0.01))
        try:
            with Trace(run_dir) as trace:
                return await solve(task, cfg, llm=llm, env=env, trace=trace, **kw)
        finally:
            await llm.aclose()
    return asyncio.run(main())
