"""Read a chat completion as llama-server streams it, and stop at the answer (issue 19).

A CPU generates a few tokens per second per sample, so what a sample writes after its code block (an
explanation, a test bench) and a sample that repeats a line until max_tokens (one took 2,048 tokens
and 135 s longer than the other three of its n = 4 request) cost real time. Reading the SSE stream, a
sample is *done* as soon as

* its reply holds a closed ```scala block that defines the top module (the class the prompt names, or
  any Module when it names none): the extractor (agent/extract.py) takes the design from the fenced
  blocks, and blocks after the design are tests or mains it drops; or
* its tail repeats itself (see `repeats`): the text so far is kept with finish_reason "repetition".

When every sample of the request is done or finished by the server, the connection is closed, which
makes llama-server cancel what is left. Each sample's tokens are its own stream chunks (llama-server
sends one token per chunk without stop strings), so an n > 1 reply is counted sample by sample.
"""
from __future__ import annotations

import contextvars
import json
import re
import time
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable

from agent.extract import _fenced_blocks  # the extractor's own reading of fences

# The top module's name as the prompts state it (prompts/generate.j2, repair*.j2).
_TOP_IN_PROMPT = re.compile(r"`class ([A-Za-z_]\w*)`|top module (?:stays|named) `(?:class )?([A-Za-z_]\w*)`")
_MODULE_CLASS = r"\bclass\s+{name}\b[^{{]*\bextends\s+(?:Raw)?Module\b"

# Repetition: the last REPEAT_WINDOW characters compress to less than REPEAT_RATIO of their size.
# Real Chisel compresses to 0.2-0.4 (the seed data's reference designs: docs/local_model.md, "Speed");
# a block repeated over and over to a few percent.
REPEAT_WINDOW = 1200
REPEAT_RATIO = 0.12


def prompt_top(messages: list[dict]) -> str | None:
    """The top module the last user message asks for, if it names one."""
    for m in reversed(messages):
        if m.get("role") == "user" and isinstance(m.get("content"), str):
            hit = _TOP_IN_PROMPT.search(m["content"])
            return (hit.group(1) or hit.group(2)) if hit else None
    return None


def code_complete(text: str, top: str | None) -> bool:
    """A closed fenced block of the reply defines the top module (any Module when top is None)."""
    pattern = re.compile(_MODULE_CLASS.format(name=re.escape(top) if top else r"[A-Za-z_]\w*"))
    return any(b.closed and pattern.search(b.text) for b in _fenced_blocks(text))


def repeats(text: str) -> bool:
    """The tail of the text is one piece over and over (a sample stuck in a loop)."""
    if len(text) < REPEAT_WINDOW:
        return False
    tail = text[-REPEAT_WINDOW:].encode()
    return len(zlib.compress(tail, 9)) < REPEAT_RATIO * len(tail)


@dataclass
class _Choice:
    text: str = ""
    tokens: int = 0
    finish_reason: str | None = None  # the server's, or "stop"/"repetition" when we ended it
    ended_here: bool = False          # we stopped reading it (the server may still be generating)
    done_s: float | None = None       # when it was done, seconds after the request was sent


@dataclass
class StreamResult:
    texts: list[str]
    finish_reasons: list[str]
    completion_tokens: list[int]      # per sample
    prompt_tokens: int
    cached_prompt_tokens: int
    done_s: list[float | None]        # per sample: seconds until it was done
    closed_early: bool                # the connection was closed before the server finished
    first_token_s: float | None = None  # seconds until the first token: the prompt's evaluation, mostly
    timings: dict = field(default_factory=dict)  # llama-server's last `timings` (prompt_ms, predicted_ms, ...)


@dataclass
class SampleHooks:
    """What a caller of LLMClient.chat wants to hear while a reply streams, set for the length of one
    call with SAMPLE_HOOKS (a context variable, so the chat() signature every ChatModel shares stays as
    it is): `on_sample(index, text, finish_reason, tokens)` once per sample as soon as it is done (the
    search verifies it while the others are still generated), and `stop()`, asked after every chunk:
    True ends the request, the samples not yet done with finish_reason "cancelled"."""
    on_sample: Callable[[int, str, str, int], None] | None = None
    stop: Callable[[], bool] | None = None
    offset: int = 0  # index of this request's first sample in the call (a follow-up request's are later)


SAMPLE_HOOKS: contextvars.ContextVar[SampleHooks | None] = contextvars.ContextVar("sample_hooks", default=None)


def http_module() -> Any:
    """The HTTP library the openai SDK uses: its fork httpx2 where that is installed (newer SDKs),
    else httpx; the same one here, so its timeout errors convert to the SDK's."""
    import importlib

    try:
        return importlib.import_module("httpx2")
    except ImportError:
        return importlib.import_module("httpx")


class NotAStream(Exception):
    """The server answered, but not with an event stream (the caller asks again without streaming)."""


def _apply(chunk: dict, choices: dict[int, _Choice], stats: dict, t0: float, top: str | None) -> None:
    for c in chunk.get("choices") or []:
        if not isinstance(c, dict):
            continue
        state = choices.setdefault(int(c.get("index") or 0), _Choice())
        if state.ended_here or state.finish_reason is not None:
            continue
        delta = c.get("delta") or {}
        piece = delta.get("content") if isinstance(delta, dict) else None
        if isinstance(piece, str) and piece:
            stats.setdefault("first_token_s", time.perf_counter() - t0)
            state.text += piece
            state.tokens += 1
            if "```" in piece or state.text.count("```") >= 2:
                if code_complete(state.text, top):
                    state.finish_reason, state.ended_here = "stop", True
            if state.finish_reason is None and state.tokens % 16 == 0 and repeats(state.text):
                state.finish_reason, state.ended_here = "repetition", True
        if c.get("finish_reason") and state.finish_reason is None:
            state.finish_reason = str(c["finish_reason"])
            # llama-server counts the end-of-sequence token of a `stop` reply (the client's /tokenize count did too)
            state.tokens += state.finish_reason == "stop"
        if state.finish_reason is not None and state.done_s is None:
            state.done_s = time.perf_counter() - t0
    usage = chunk.get("usage")
    if isinstance(usage, dict) and usage.get("prompt_tokens"):
        stats["prompt_tokens"] = int(usage["prompt_tokens"])
        details = usage.get("prompt_tokens_details")
        if isinstance(details, dict) and isinstance(details.get("cached_tokens"), int):
            stats["cached"] = details["cached_tokens"]
    timings = chunk.get("timings")
    if isinstance(timings, dict):
        stats["timings"] = timings
        if isinstance(timings.get("cache_n"), int):
            stats["cached"] = timings["cache_n"]
            if isinstance(timings.get("prompt_n"), int):
                stats.setdefault("prompt_tokens", timings["cache_n"] + timings["prompt_n"])
    progress = chunk.get("prompt_progress")  # llama-server's return_progress: the prompt, before any token
    if isinstance(progress, dict) and isinstance(progress.get("total"), int):
        stats["prompt_tokens"] = progress["total"]
        if isinstance(progress.get("cache"), int):
            stats["cached"] = progress["cache"]


def _tell(hooks: SampleHooks, choices: dict[int, _Choice], told: set[int]) -> None:
    """on_sample for each sample done since the last call (once each)."""
    for i, c in choices.items():
        if i not in told and c.finish_reason is not None:
            told.add(i)
            if hooks.on_sample is not None:
                hooks.on_sample(hooks.offset + i, c.text, c.finish_reason, c.tokens)


async def stream_chat(base_url: str, api_key: str, body: dict, *, timeout_s: float) -> StreamResult:
    """POST body (a chat request) with stream on; return when every sample is done (see module doc).
    Raises NotAStream for a reply that is not an event stream or not HTTP 200 (the caller's normal
    path then reports the server's error), httpx errors for connections that fail."""
    httpx = http_module()

    n = int(body.get("n") or 1)
    top = prompt_top(body.get("messages") or [])
    # return_progress: llama-server says how many prompt tokens it took from its cache before the
    # first token, so a request closed early still reports them (usage only comes at the very end).
    payload = {**body, "stream": True, "stream_options": {"include_usage": True}, "return_progress": True}
    choices: dict[int, _Choice] = {i: _Choice() for i in range(n)}
    hooks = SAMPLE_HOOKS.get()
    told: set[int] = set()
    stats: dict = {}
    closed_early = False
    t0 = time.perf_counter()
    timeout = httpx.Timeout(timeout_s, connect=min(30.0, timeout_s))
    async with httpx.AsyncClient(timeout=timeout) as http:
        async with http.stream("POST", f"{base_url.rstrip('/')}/chat/completions", json=payload,
                               headers={"Authorization": f"Bearer {api_key}"}) as reply:
            if reply.status_code != 200 or "text/event-stream" not in reply.headers.get("content-type", ""):
                await reply.aread()
                raise NotAStream(f"HTTP {reply.status_code} {reply.headers.get('content-type', '')}")
            async for line in reply.aiter_lines():
                if time.perf_counter() - t0 > timeout_s:
                    raise httpx.ReadTimeout(f"no complete reply within {timeout_s:g}s")
                if not line.startswith("data:"):
                    continue
                data = line[5:].strip()
                if data == "[DONE]":
                    break
                try:
                    chunk = json.loads(data)
                except json.JSONDecodeError:
                    continue
                if isinstance(chunk, dict):
                    if isinstance(chunk.get("error"), dict):
                        raise NotAStream(str(chunk["error"].get("message", chunk["error"]))[:200])
                    _apply(chunk, choices, stats, t0, top)
                if hooks is not None:
                    _tell(hooks, choices, told)
                    if hooks.stop is not None and hooks.stop():
                        for c in choices.values():
                            if c.finish_reason is None:
                                c.finish_reason, c.ended_here = "cancelled", True
                if all(c.finish_reason is not None for c in choices.values()):
                    if any(c.ended_here for c in choices.values()):
                        closed_early = True
                        break  # leaving the block closes the connection: the server cancels the rest
                    if "prompt_tokens" in stats and "timings" in stats:
                        break
    ordered = [choices[i] for i in sorted(choices)]
    return StreamResult(texts=[c.text for c in ordered], finish_reasons=[c.finish_reason or "unknown" for c in ordered],
                        completion_tokens=[c.tokens for c in ordered], prompt_tokens=int(stats.get("prompt_tokens", 0)),
                        cached_prompt_tokens=int(stats.get("cached", 0)),
                        done_s=[round(c.done_s, 3) if c.done_s is not None else None for c in ordered],
                        closed_early=closed_early, timings=stats.get("timings", {}),
                        first_token_s=round(stats["first_token_s"], 3) if "first_token_s" in stats else None)
