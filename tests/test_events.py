"""The typed trace events (agent/events.py): every committed run's trace loads through them and writes
back the same keys, the trace writer and a display are two hooks of one protocol, and docs/trace_format.md
names every kind and the current version."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from agent.events import (EVENT_TYPES, TRACE_FORMAT_VERSION, CombinedHook, Event, EscapeEvent, FollowUpCallEvent,
                          InterfaceEvent, LoopHook, StartEvent, parse_event)
from agent.trace import Trace, load_trace

REPO = Path(__file__).resolve().parents[1]


def _committed_traces() -> list[Path]:
    """Every trace file under experiments/results (a run dir's trace.jsonl, or a sweep's traces/<id>.jsonl)."""
    out = []
    for path in sorted((REPO / "experiments" / "results").rglob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            first = fh.readline()
        try:
            head = json.loads(first)
        except json.JSONDecodeError:
            continue
        if isinstance(head, dict) and "seq" in head and "kind" in head:
            out.append(path)
    return out


def test_every_committed_trace_loads_through_the_typed_models_and_writes_the_same_keys():
    traces = _committed_traces()
    assert len(traces) >= 100  # the committed runs hold hundreds: finding none means the search is broken
    kinds: set[str] = set()
    for path in traces:
        data = load_trace(path)
        assert data.partial_lines == 0, path
        for raw, event in zip(data.events, data.typed()):
            assert type(event) is EVENT_TYPES[raw["kind"]], (path, raw["kind"])  # no kind unknown to this version
            kinds.add(event.kind)
            written = {"seq": event.seq, "t": event.t, "kind": event.kind, **event.fields()}
            if raw["kind"] == "start" and "v" not in raw:  # written before the version was
                assert written.pop("v") == 1
            assert written == raw, (path, raw["seq"])
    # The kinds the committed runs exercise (a rename in the models would fail above; this says they were seen).
    assert {"start", "prompt", "response", "extraction", "verification", "finish"} <= kinds


def test_a_kind_this_version_does_not_know_still_loads():
    event = parse_event({"seq": 3, "t": 0.5, "kind": "future_thing", "x": 1})
    assert type(event) is Event and event.kind == "future_thing" and event.fields() == {"x": 1}
    with pytest.raises(ValueError):  # a known kind that lacks a required field is malformed
        parse_event({"seq": 1, "t": 0.0, "kind": "escape", "chain": 0})


def test_the_trace_writes_only_what_the_loop_set_and_the_version_in_start(tmp_path):
    with Trace(tmp_path) as trace:
        trace.on_event(StartEvent(task_id="t", top=None, spec="s", config={}, has_reference=False, testbench=None))
        trace.on_event(InterfaceEvent(error="bad ports"))  # the error form: `error` alone
        trace.on_event(InterfaceEvent(source=None, ports=[]))  # no interface: both, as null and []
        trace.on_event(FollowUpCallEvent(chain=0, round=1))  # transient: for displays only
        trace.on_event(EscapeEvent(chain=0, round=1, reason="no progress"))
    lines = [json.loads(line) for line in (tmp_path / "trace.jsonl").read_text().splitlines()]
    assert [{k: v for k, v in e.items() if k != "t"} for e in lines] == [
        {"seq": 1, "kind": "start", "v": TRACE_FORMAT_VERSION, "task_id": "t", "top": None, "spec": "s",
         "config": {}, "has_reference": False, "testbench": None},
        {"seq": 2, "kind": "interface", "error": "bad ports"},
        {"seq": 3, "kind": "interface", "source": None, "ports": []},
        {"seq": 4, "kind": "escape", "chain": 0, "round": 1, "reason": "no progress"},
    ]


def test_one_combined_hook_fans_each_event_out_in_order(tmp_path):
    seen: list[str] = []

    class Recorder:
        def on_event(self, event: Event) -> None:
            seen.append(event.kind)

    trace = Trace(tmp_path)
    hook = CombinedHook(trace, None, Recorder())
    assert isinstance(trace, LoopHook) and isinstance(hook, LoopHook)
    hook.on_event(FollowUpCallEvent(chain=1, round=0))
    hook.on_event(EscapeEvent(chain=1, round=2, reason="r"))
    trace.close()
    assert seen == ["llm_call", "escape"]
    assert [e["kind"] for e in load_trace(tmp_path).events] == ["escape"]


def test_the_trace_format_doc_names_every_persisted_kind_and_the_version():
    doc = (REPO / "docs" / "trace_format.md").read_text(encoding="utf-8")
    assert re.search(rf"\bversion {TRACE_FORMAT_VERSION}\b", doc)
    for kind, cls in EVENT_TYPES.items():
        if cls.transient:
            continue
        assert f"### `{kind}`" in doc, kind
        for name in cls.model_fields:
            if name not in ("seq", "t", "kind"):
                assert f"`{name}`" in doc.split(f"### `{kind}`")[1].split("### ")[0], (kind, name)


def test_the_solve_display_is_a_hook_that_reads_the_typed_events():
    """agent solve's status line (a LoopHook): the facts it shows come from the same events the trace gets."""
    from agent.commands.solve_cmds import _Display
    from agent.events import (BudgetStopEvent, PromptEvent, ResponseEvent, RetrievingEvent, VerificationEvent)

    display = _Display(False, 2, "Adder")
    display.on_event(RetrievingEvent())
    assert "(retrieving notes)" in display._text()
    display.on_event(PromptEvent(chain=None, round=0, template="generate", text="t", n=2, temperature=0.2))
    display.on_event(FollowUpCallEvent(chain=None, round=0))
    display.on_event(ResponseEvent(chain=None, round=0, texts=["a", "b"], finish_reasons=["stop", "stop"],
                                   prompt_tokens=1, completion_tokens=2, latency_s=0.1))  # not shown: no change
    display.on_event(VerificationEvent(chain=0, round=0, ok=False, stage="compile", category="syntax"))
    display.on_event(VerificationEvent(chain=1, round=0, ok=True, stage="passed"))
    display.on_event(PromptEvent(chain=0, round=1, template="repair", text="t", n=1, temperature=0.2))
    display.on_event(EscapeEvent(chain=1, round=2, reason="r"))
    display.on_event(BudgetStopEvent(reason="budget: 3 LLM calls (max 3)"))
    text = display._text()
    assert text.startswith("[bold]Adder (budget: 3 LLM calls (max 3))[/] LLM calls 3, verifies 2")
    assert "#0:r1 asking" in text and "#1:r2 escape" in text and "retrieving" not in text


def test_generate_responses_finds_one_request_of_n_and_k_per_sample_requests():
    from agent.trace import TraceData

    one = [{"kind": "prompt", "chain": None, "round": 0, "template": "pymodel"},
           {"kind": "response", "chain": None, "round": 0, "texts": ["model"]},
           {"kind": "prompt", "chain": None, "round": 0, "template": "generate"},
           {"kind": "response", "chain": None, "round": 0, "texts": ["a", "b"]},
           {"kind": "prompt", "chain": 0, "round": 1, "template": "repair"},
           {"kind": "response", "chain": 0, "round": 1, "texts": ["fixed"]}]
    data = TraceData(one)
    assert [e["texts"] for e in data.generate_responses()] == [["a", "b"]]
    assert data.generate_replies() == ("a", "b")
    # per-sample prompts: the k prompts first, their responses in the order they finished
    per_sample = ([{"kind": "prompt", "chain": None, "round": 0, "template": "pymodel"},
                   {"kind": "response", "chain": None, "round": 0, "texts": ["model"]}]
                  + [{"kind": "prompt", "chain": i, "round": 0, "template": "generate"} for i in range(3)]
                  + [{"kind": "response", "chain": i, "round": 0, "texts": [f"s{i}"]} for i in (2, 0, 1)])
    data = TraceData(per_sample)
    assert [e["texts"] for e in data.generate_responses()] == [["s2"], ["s0"], ["s1"]]
    assert data.generate_replies() is None  # no one request of n = k
    assert TraceData(one[:2]).generate_responses() == [] and TraceData(one[:2]).generate_replies() is None
