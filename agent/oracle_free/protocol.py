"""What an oracle-free step may do with a running solve: a small public protocol, so oracle_free/ does not
reach into the search loop's private state (agent/search.py implements it; tests can fake it).

A step (repair_from_checks, the Python models' select_and_repair) asks the model, turns a reply into an
attempt of a chain (extract, fix, verify: the loop's own pipeline), or tries a reply first and keeps it only
if it earns its place (`trial`, then `keep`), reads where each chain stands and its passing candidate,
reports events, and has the passing candidates vote again.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from agent.config import AgentConfig
    from agent.events import Event
    from agent.llm.client import Completion
    from agent.oracle_free.vote import Candidate, Vote
    from agent.prompting import Prompt, PromptBuilder
    from agent.task import Task
    from reflect_env.interface import Interface


@dataclass(frozen=True)
class ChainState:
    """Where a chain stands: the code of its furthest attempt (None: no usable code yet) and the round of
    its last attempt (a new attempt of the chain is round last_round + 1)."""

    chain: int
    code: str | None
    last_round: int


@dataclass(frozen=True)
class Trial:
    """A reply verified as round `round` of chain `chain` but not recorded in it: SolveSession.keep(trial)
    makes it the chain's attempt, and a trial not kept leaves the chain as it was."""

    chain: int
    round: int
    passed: bool
    candidate: Candidate | None  # the passing design (None: it did not pass, or no code came)
    note: str = ""  # why no code reached the verifier (the extraction's note), else ""
    steps: tuple[Any, ...] = field(default=(), repr=False)  # the pipeline's steps, for keep()


class SolveSession(Protocol):
    task: Task
    cfg: AgentConfig
    builder: PromptBuilder

    @property
    def checks(self) -> list[list[dict]]:
        """The model's checks, in the spec's port names (empty: none asked)."""

    @property
    def models(self) -> list[str]:
        """Python models of the spec (empty: none drawn)."""

    @property
    def interface(self) -> Interface | None:
        """What every candidate is checked against (None: the spec states none)."""

    def report(self, event: Event) -> None:
        """State one fact (agent.events): to the trace and the display."""

    async def ask(self, prompt: Prompt, *, chain: int | None, round: int, temperature: float, n: int = 1) -> Completion:
        """n samples of `prompt` (budgets apply: BudgetExceeded; a request failed for good: LLMRequestError)."""

    def chain(self, index: int) -> ChainState | None:
        """Chain `index` (None: no such chain, or it has no attempt)."""

    def candidates(self) -> list[Candidate]:
        """The passing candidate of each chain that has one, in chain order."""

    async def attempt(self, index: int, completion: Completion, round: int) -> bool:
        """The reply as round `round` of chain `index`: extract, fix, verify. True when it passed."""

    async def trial(self, index: int, completion: Completion, round: int) -> Trial:
        """The reply verified as round `round` of chain `index` (extract, fix, verify), not yet recorded."""

    def keep(self, trial: Trial) -> None:
        """Record the trial's attempts in its chain (its candidate becomes the chain's)."""

    async def vote(self) -> Vote | None:
        """The passing candidates grouped by behaviour again (None: none passes)."""
