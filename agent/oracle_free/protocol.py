"""What an oracle-free step may do with a running solve: a small public protocol, so oracle_free/ does not
reach into the search loop's private state (agent/search.py implements it; tests can fake it).

A step (repair_from_checks, and the ones to come) asks the model, turns a reply into an attempt of a
chain (extract, fix, verify: the loop's own pipeline), reads where each chain stands, reports events,
and has the passing candidates vote again.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from agent.config import AgentConfig
    from agent.events import Event
    from agent.llm.client import Completion
    from agent.oracle_free.vote import Vote
    from agent.prompting import Prompt, PromptBuilder
    from agent.task import Task


@dataclass(frozen=True)
class ChainState:
    """Where a chain stands: the code of its furthest attempt (None: no usable code yet) and the round of
    its last attempt (a new attempt of the chain is round last_round + 1)."""

    chain: int
    code: str | None
    last_round: int


class SolveSession(Protocol):
    task: Task
    cfg: AgentConfig
    builder: PromptBuilder
    checks: list[list[dict]]  # the model's checks, in the spec's port names (empty: none asked)

    def report(self, event: Event) -> None:
        """State one fact (agent.events): to the trace and the display."""

    async def ask(self, prompt: Prompt, *, chain: int | None, round: int, temperature: float) -> Completion:
        """One sample of `prompt` (budgets apply: BudgetExceeded; a request failed for good: LLMRequestError)."""

    def chain(self, index: int) -> ChainState | None:
        """Chain `index` (None: no such chain, or it has no attempt)."""

    async def attempt(self, index: int, completion: Completion, round: int) -> bool:
        """The reply as round `round` of chain `index`: extract, fix, verify. True when it passed."""

    async def vote(self) -> Vote | None:
        """The passing candidates grouped by behaviour again (None: none passes)."""
