"""What the search loop reports, as typed events, and the one hook protocol that receives them.

The loop (agent/search.py, agent/oracle_free/repair.py) states each fact once, as an event model below,
to one `LoopHook`; `CombinedHook` fans it out to the trace writer (agent.trace.Trace, which appends
it to trace.jsonl) and to the terminal display of `agent solve`, or to any hook a caller adds.

Each persisted event is one line of trace.jsonl: `{"seq": .., "t": .., "kind": .., <the event's
fields>}`, with exactly the fields the loop set (`exclude_unset`: a variant such as the interface
event's error form writes only `error`). docs/trace_format.md documents every kind; its version is
TRACE_FORMAT_VERSION, written as `v` in the start event. `parse_event` reads a line back into its
model; a kind this version does not know becomes a plain `Event` (forward compatible), and every
model keeps fields it does not declare (`extra="allow"`), so a newer writer's additions survive.

Transient events (`transient = True`) are for live displays only and never reach the trace.
"""
from __future__ import annotations

from typing import Any, ClassVar, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict

# 1: the format of every trace written so far. Traces from before `v` was written are format 1 too.
TRACE_FORMAT_VERSION = 1


class Event(BaseModel):
    """One fact the loop reports. seq and t are the trace writer's (order and seconds since the trace
    opened): set on events read back from a file, absent on live ones."""

    model_config = ConfigDict(extra="allow")
    transient: ClassVar[bool] = False

    kind: str
    seq: int | None = None
    t: float | None = None

    def fields(self) -> dict[str, Any]:
        """The event's own fields as the loop set them (what a trace line holds after seq, t, kind)."""
        return self.model_dump(exclude_unset=True, exclude={"kind", "seq", "t"})


# -- the run ------------------------------------------------------------------------------------------

class StartEvent(Event):
    kind: Literal["start"] = "start"
    v: int = TRACE_FORMAT_VERSION  # absent in traces written before it was: those are format 1
    task_id: str
    top: str | None = None
    spec: str
    config: dict[str, Any]
    has_reference: bool
    testbench: str | None = None

    def fields(self) -> dict[str, Any]:
        return {"v": self.v, **super().fields()}  # written first, whether or not the loop set it


class StartupEvent(Event):
    """`agent solve`'s start-up (issue 19): seconds from its start until each part was ready, the embedded
    server's description and whether its cached prefix was restored or primed. Written before `start`."""
    kind: Literal["startup"] = "startup"


class FinishEvent(Event):
    kind: Literal["finish"] = "finish"
    solved: bool | None = None


class BudgetStopEvent(Event):
    kind: Literal["budget_stop"] = "budget_stop"
    reason: str


class LLMErrorEvent(Event):
    kind: Literal["llm_error"] = "llm_error"
    error: str


# -- the model ----------------------------------------------------------------------------------------

class PromptEvent(Event):
    """A request to the model (n samples); chain is None for the run's own questions (round 0's
    samples, the interface, the checks)."""

    kind: Literal["prompt"] = "prompt"
    chain: int | None = None
    round: int
    template: str
    text: str
    n: int
    temperature: float
    top_p: float | None = None
    max_tokens: int | None = None
    seed: int | None = None


class ResponseEvent(Event):
    kind: Literal["response"] = "response"
    chain: int | None = None
    round: int
    texts: list[str]
    finish_reasons: list[str | None]
    prompt_tokens: int
    cached_prompt_tokens: int | None = None
    completion_tokens: int
    latency_s: float
    cached: bool | None = None
    sampling: dict[str, Any] | None = None
    stream: dict[str, Any] | None = None  # a streamed reply: per-sample tokens and why each ended (agent.llm.stream)


class FollowUpCallEvent(Event):
    """Transient: one more request for the samples a server returned fewer of than n."""

    transient: ClassVar[bool] = True
    kind: Literal["llm_call"] = "llm_call"
    chain: int | None = None
    round: int


class RetrievingEvent(Event):
    """Transient: notes are being retrieved (the first query may build the index)."""

    transient: ClassVar[bool] = True
    kind: Literal["retrieving"] = "retrieving"


class RetrievalEvent(Event):
    kind: Literal["retrieval"] = "retrieval"
    query: str
    notes: list[dict[str, Any]]


class RagErrorEvent(Event):
    kind: Literal["rag_error"] = "rag_error"
    error: str


class ExamplesEvent(Event):
    """The worked examples retrieved from the example bank (docs/examples.md) and which each sample saw."""
    kind: Literal["examples"] = "examples"
    mode: str  # example_diversity: same | order | sets
    pool: list[dict[str, Any]]  # {id, score, source} of each example retrieved
    sets: list[list[str]]  # the distinct example lists the samples' prompts showed (ids, in order)


class ExamplesErrorEvent(Event):
    kind: Literal["examples_error"] = "examples_error"
    error: str


# -- a chain's attempts -------------------------------------------------------------------------------

class ExtractionEvent(Event):
    kind: Literal["extraction"] = "extraction"
    chain: int
    round: int
    category: str | None = None
    note: str | None = None
    dropped: Any = None
    code: str | None = None


class FixEvent(Event):
    kind: Literal["fix"] = "fix"
    chain: int
    round: int
    records: list[dict[str, Any]]
    code: str
    driven_by: str | None = None  # set only for fixes driven by the verifier's diagnostics


class VerificationEvent(Event):
    kind: Literal["verification"] = "verification"
    chain: int
    round: int
    ok: bool
    stage: str | None = None
    category: str | None = None
    top: str | None = None
    diagnostics: list[dict[str, Any]] = []
    mismatches: list[dict[str, Any]] = []
    first_error: str | None = None
    timings: dict[str, Any] | None = None
    worker: Any = None
    notes: list[str] = []
    wall_s: float | None = None


class EscapeEvent(Event):
    kind: Literal["escape"] = "escape"
    chain: int
    round: int
    reason: str


# -- oracle-free --------------------------------------------------------------------------------------

class InterfaceEvent(Event):
    """The interface the candidates are checked against (source None, no ports: none), or `error`
    alone when the spec's ports block could not be read."""

    kind: Literal["interface"] = "interface"
    source: str | None = None
    exhaustive: bool | None = None
    notes: list[str] | None = None
    ports: list[dict[str, Any]] | None = None
    error: str | None = None


class ChecksEvent(Event):
    kind: Literal["checks"] = "checks"
    checks: list[list[dict[str, Any]]]
    dropped: Any = None


class VoteEvent(Event):
    """oracle_free.Vote.to_dict()."""

    kind: Literal["vote"] = "vote"
    agree: int
    total: int
    confirmed: bool
    chosen_chain: int | None = None
    group_sizes: list[int]
    groups: list[Any]
    sim_s: float | None = None
    notes: list[str] = []
    checks: dict[str, Any] | None = None


class CheckRepairEvent(Event):
    """A repair round against the model's checks: the checks and failures quoted, or `stopped` (why
    the round could not run: a budget, a failed request)."""

    kind: Literal["check_repair"] = "check_repair"
    chain: int
    round: int
    checks: list[int] | None = None
    failures: list[str] | None = None
    stopped: str | None = None


# -- Python models of the spec (agent/oracle_free/model_search.py, docs/python_models.md) ---------------

class ReferenceErrorEvent(Event):
    """The given reference (a Python model) raised, hung or could not be read: the solve stops."""
    kind: Literal["reference_error"] = "reference_error"
    error: str


class RepairRejectedEvent(Event):
    """A repair that did not strictly improve its parent's match rate against the reference: the
    parent stays what the next round repairs."""
    kind: Literal["repair_rejected"] = "repair_rejected"
    chain: int
    round: int
    rate: float | None = None
    parent_rate: float | None = None


class PyModelsEvent(Event):
    """The Python models the model wrote from the spec (`pymodels` setting): sources kept, and dropped
    ones with why."""
    kind: Literal["pymodels"] = "pymodels"
    models: list[str]
    dropped: list[Any]


class PyModelsCheckEvent(Event):
    """A passing candidate co-simulated against the Python models: does any confirm it?"""
    kind: Literal["pymodels_check"] = "pymodels_check"
    chain: int
    confirmed: bool


class PyModelsSelectionEvent(Event):
    """The choice by dual agreement (candidates x models); its fields are Vote.models plus `matrix`."""
    kind: Literal["pymodels_selection"] = "pymodels_selection"


class ModelRepairEvent(Event):
    """A counterexample-guided repair against a Python model: accepted only if the match rate improves,
    or `stopped` (a budget, a failed request)."""
    kind: Literal["model_repair"] = "model_repair"
    chain: int
    round: int


EVENT_TYPES: dict[str, type[Event]] = {
    cls.model_fields["kind"].default: cls
    for cls in (StartEvent, StartupEvent, FinishEvent, BudgetStopEvent, LLMErrorEvent, PromptEvent, ResponseEvent,
                FollowUpCallEvent, RetrievingEvent, RetrievalEvent, RagErrorEvent, ExamplesEvent,
                ExamplesErrorEvent, ExtractionEvent, FixEvent,
                VerificationEvent, EscapeEvent, InterfaceEvent, ChecksEvent, VoteEvent, CheckRepairEvent,
                ReferenceErrorEvent, RepairRejectedEvent, PyModelsEvent, PyModelsCheckEvent, PyModelsSelectionEvent,
                ModelRepairEvent)
}


def parse_event(data: dict[str, Any]) -> Event:
    """A trace line back as its model (pydantic.ValidationError when a known kind lacks a field)."""
    cls = EVENT_TYPES.get(data.get("kind", ""), Event)
    return cls.model_validate(data)


@runtime_checkable
class LoopHook(Protocol):
    """Receives every event of a solve, in order, on the event loop's thread: keep it quick."""

    def on_event(self, event: Event) -> None: ...


class CombinedHook:
    """Several hooks as one: each event goes to each, in the order added."""

    def __init__(self, *hooks: LoopHook | None):
        self.hooks: list[LoopHook] = [h for h in hooks if h is not None]

    def add(self, hook: LoopHook) -> None:
        self.hooks.append(hook)

    def on_event(self, event: Event) -> None:
        for hook in self.hooks:
            hook.on_event(event)
