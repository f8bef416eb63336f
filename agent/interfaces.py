"""The seams between the search loop and what it drives, as structural types.

Anything with these methods fits: the real LLMClient and ReflectEnv, the lazily started verifier of
`agent solve`, the stub-backed clients and fake verifiers in tests. mypy (`make lint`) checks every
caller and every implementation in agent/ against them; nothing is checked at run time.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from agent.records import ProblemRecord
    from agent.llm.client import Completion
    from agent.task import Task
    from reflect_env.result import VerifyResult


class ChatModel(Protocol):
    """An LLM as the search loop uses it: `n` sampled replies to one list of chat messages."""

    async def chat(self, messages: list[dict], *, n: int, temperature: float, top_p: float, max_tokens: int,
                   seed: int | None, extra: dict | None = None,
                   before_follow_up: Callable[[Completion], str | None] | None = None) -> Completion: ...


class Verifier(Protocol):
    """A verifier as the search loop uses it (reflect_env.ReflectEnv): one verdict per candidate."""

    async def averify(self, code: str, top: str | None = None, *, reference: str | Path | None = None,
                      testbench: str | Path | None = None, mode: str = "strict",
                      cycles: int | None = None) -> VerifyResult: ...


class ProblemSolver(Protocol):
    """What an eval run drives: one benchmark problem in, one record out (live search or a replay)."""

    async def solve(self, task: Task) -> ProblemRecord: ...

    async def aclose(self) -> None:
        """Release what the solver holds (the LLM client's connections); the run calls it once at the end."""
        ...
