"""An append-only record of one solve: every prompt, reply, extraction, fix, verification and stop.

`trace.jsonl` gets one JSON object per event, flushed and fsynced as it is written, so a run killed
with -9 loses nothing already done. At the end `final.scala`, `final.sv` and `summary.json` are
written next to it. `load_trace` reads a run back (eval's replay uses it).
"""
from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.events import Event, parse_event

TRACE_NAME = "trace.jsonl"


class Trace:
    """Trace(run_dir) writes run_dir/trace.jsonl; Trace(some/file.jsonl) writes that file and puts
    the final artifacts beside it as <stem>.final.scala, <stem>.final.sv, <stem>.summary.json."""

    def __init__(self, path: str | Path, *, fsync: bool = True):
        path = Path(path)
        if path.suffix == ".jsonl":
            self.run_dir, self.path, self._prefix = path.parent, path, path.stem + "."
        else:
            self.run_dir, self.path, self._prefix = path, path / TRACE_NAME, ""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self._fh = open(self.path, "a", encoding="utf-8")
        self._fsync = fsync
        self._lock = threading.Lock()
        self._t0 = time.perf_counter()
        self._seq = 0

    def artifact(self, name: str) -> Path:
        return self.run_dir / f"{self._prefix}{name}"

    def on_event(self, event: Event) -> None:
        """The loop's hook (agent.events.LoopHook): one trace line per persisted event."""
        if not event.transient:
            self.event(event.kind, **event.fields())

    def event(self, kind: str, **data: Any) -> None:
        """Append one line {seq, t, kind, **data} (untyped: the loop reports through on_event)."""
        with self._lock:
            if self._fh.closed:
                return
            self._seq += 1
            record = {"seq": self._seq, "t": round(time.perf_counter() - self._t0, 4), "kind": kind, **data}
            self._fh.write(json.dumps(record, default=_jsonable) + "\n")
            self._fh.flush()
            if self._fsync:
                os.fsync(self._fh.fileno())

    def finish(self, *, code: str | None, verilog: str | None, summary: dict) -> None:
        """Write the final artifacts (each atomically) and a closing event."""
        if code:
            _atomic_write(self.artifact("final.scala"), code)
        if verilog:
            _atomic_write(self.artifact("final.sv"), verilog)
        _atomic_write(self.artifact("summary.json"), json.dumps(summary, indent=2, default=_jsonable) + "\n")
        self.event("finish", solved=summary.get("solved"))

    def close(self) -> None:
        with self._lock:
            if not self._fh.closed:
                self._fh.close()

    def __enter__(self) -> "Trace":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class NullTrace(Trace):
    """A trace that records nothing (when the caller passes none)."""

    def __init__(self):  # noqa: D107 - deliberately no file
        pass

    def on_event(self, event: Event) -> None:
        pass

    def event(self, kind: str, **data: Any) -> None:
        pass

    def finish(self, *, code, verilog, summary) -> None:
        pass

    def close(self) -> None:
        pass


def _jsonable(obj: Any) -> Any:
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json")
    if hasattr(obj, "value"):
        return obj.value
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, (set, tuple)):
        return list(obj)
    return str(obj)


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


@dataclass
class TraceData:
    events: list[dict]
    summary: dict | None = None
    final_code: str | None = None
    final_verilog: str | None = None
    partial_lines: int = 0  # lines that were not complete JSON (a write cut off by a kill)

    def of_kind(self, kind: str) -> list[dict]:
        return [e for e in self.events if e.get("kind") == kind]

    def typed(self) -> list[Event]:
        """The events as their models (agent.events; pydantic.ValidationError on a malformed one)."""
        return [parse_event(e) for e in self.events]

    @property
    def responses(self) -> list[dict]:
        return self.of_kind("response")

    @property
    def prompts(self) -> list[dict]:
        return self.of_kind("prompt")

    def generate_responses(self) -> list[dict]:
        """The response events that answered a round-0 `generate` prompt: one for a request of n = k
        (chain None), k with per-sample prompts (`example_diversity`), whose k prompts come first and
        whose responses follow in the order they finished. A response answers the last prompt of its
        chain; the Python models' request (`pymodel`) is another one."""
        asked: dict[int | None, bool] = {}  # chain -> its last round-0 prompt was `generate`, unanswered
        out = []
        for e in self.events:
            if e.get("round") != 0:
                continue
            if e.get("kind") == "prompt":
                asked[e.get("chain")] = e.get("template") == "generate"
            elif e.get("kind") == "response" and asked.get(e.get("chain")):
                out.append(e)
                asked[e.get("chain")] = False
        return out

    def generate_replies(self) -> tuple[str, ...] | None:
        """The round-0 generate request's replies (the k samples of one request of n = k), or None when
        it has none."""
        one = next((e for e in self.generate_responses() if e.get("chain") is None), None)
        return None if one is None else tuple(one.get("texts") or ())


def load_trace(run: str | Path) -> TraceData:
    """Read a run back from its directory (or its .jsonl file). Tolerates a cut-off last line."""
    run = Path(run)
    if run.suffix == ".jsonl":
        path, prefix, run_dir = run, run.stem + ".", run.parent
    else:
        path, prefix, run_dir = run / TRACE_NAME, "", run
    if not path.exists():
        raise FileNotFoundError(f"no trace at {path}")
    events, partial = [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            partial += 1

    def read(name: str) -> str | None:
        p = run_dir / f"{prefix}{name}"
        return p.read_text(encoding="utf-8") if p.exists() else None

    summary = read("summary.json")
    return TraceData(events, json.loads(summary) if summary else None, read("final.scala"), read("final.sv"), partial)
