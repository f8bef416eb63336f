"""Async chat client for any OpenAI-compatible server (vLLM, SGLang, llama.cpp, OpenAI itself).

k samples are one request with `n=k`; a server that returns fewer choices (llama-cpp-python, Ollama, some
gateways ignore `n`) is asked again with distinct seeds until there are k, and the Completion says
how they were obtained. The chat template is the server's. Retries are ours (tenacity, exponential
backoff with full jitter, Retry-After honoured) on connection errors, timeouts, 408, 429, 5xx and
malformed replies; the SDK's own retries are off so attempts are counted in one place. Every other
4xx fails at once. A limiter bounds requests in flight to what the server can run at once (see
_Limiter), so the HTTP timeout measures the server's own work, never a wait in its queue.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import re
import socket
import time
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Callable, TypeGuard

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from agent.config import LLMConfig
from agent.llm.cache import ResponseCache, request_key
from agent.errors import ChiselAgentError

if TYPE_CHECKING:
    import openai

log = logging.getLogger(__name__)

# `openai` is imported inside the functions that talk to a server: it takes seconds to import on a
# busy machine, and a CLI command that only reads its settings (agent.config) must not pay for that.


class LLMUnavailable(ChiselAgentError, RuntimeError):
    """No server answers at base_url. The message names the URL and how to start one."""


class ModelNotServed(LLMUnavailable):
    """A server answers at base_url but does not serve the configured model."""


class LLMRequestError(ChiselAgentError, RuntimeError):
    """The server answered but the request failed for good (4xx, malformed reply, retries exhausted)."""


@dataclass
class Completion:
    texts: list[str]
    finish_reasons: list[str]
    prompt_tokens: int
    completion_tokens: int
    latency_s: float
    cached: bool
    request: dict                 # the exact request body sent (the API key is a header, never in here)
    cached_prompt_tokens: int = 0  # of prompt_tokens, those the server took from its prefix cache
    attempts: int = 1             # HTTP attempts it took (0 for a cache hit)
    # How the choices were obtained: requested n, choices per request, requests, the seed of each,
    # and why it stopped short of n (a budget) if it did. One request unless the server ignored n.
    sampling: dict | None = None
    # A streamed reply (llm.stream): tokens and seconds until done per sample, whether the request was
    # closed before the server finished, llama-server's timings (agent/llm/stream.py).
    stream: dict | None = None

    @property
    def text(self) -> str:
        """The first choice's text ("" when the server returned none): what a one-sample call reads."""
        return self.texts[0] if self.texts else ""

    @property
    def finish_reason(self) -> str | None:
        return self.finish_reasons[0] if self.finish_reasons else None


@dataclass
class Usage:
    """Running totals for one client: what the budgets in the search loop are checked against."""
    calls: int = 0                # chat() calls answered (cache hits included)
    cache_hits: int = 0
    http_attempts: int = 0        # requests actually sent, retries included
    retries: int = 0
    prompt_tokens: int = 0        # tokens the server spent (cache hits excluded)
    cached_prompt_tokens: int = 0  # of prompt_tokens, those its prefix cache answered (not re-read)
    completion_tokens: int = 0
    samples: int = 0              # choices received, cache hits included
    follow_ups: int = 0           # extra requests because a server returned fewer choices than n
    shortened: int = 0            # requests re-sent with a smaller max_tokens to fit the context window
    latency_s: float = 0.0        # wall time of answered HTTP calls (backoff included)

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def as_dict(self) -> dict:
        return {**asdict(self), "total_tokens": self.total_tokens}


class _MalformedReply(ChiselAgentError):
    """The server said 200 but the body is not a chat completion."""


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def parse_completion(body: str) -> tuple[list[str], list[str], int, int, int]:
    """texts, finish_reasons, prompt_tokens, completion_tokens, cached_prompt_tokens from a
    chat.completion JSON body."""
    try:
        data = json.loads(body)
    except json.JSONDecodeError as e:
        raise _MalformedReply(f"body is not JSON ({e.msg} at char {e.pos}): {_one_line(body, 80)!r}") from None
    if not isinstance(data, dict):
        raise _MalformedReply(f"body is a JSON {type(data).__name__}, not an object")
    choices = data.get("choices")
    if not choices and isinstance(data.get("error"), (dict, str)):  # some proxies say 200 with an error body
        err = data["error"]
        raise _MalformedReply(f"an error instead of a completion: {_one_line(err.get('message', err) if isinstance(err, dict) else err, 160)}")
    if not isinstance(choices, list) or not choices:
        raise _MalformedReply("no 'choices' in the reply")
    texts, reasons = [], []
    ordered = sorted(choices, key=lambda c: c.get("index", 0) if isinstance(c, dict) else 0)
    for c in ordered:
        msg = c.get("message") if isinstance(c, dict) else None
        if not isinstance(msg, dict):
            raise _MalformedReply("a choice has no 'message' object")
        content = msg.get("content")
        if content is not None and not isinstance(content, str):
            raise _MalformedReply(f"message content is a {type(content).__name__}, not text")
        texts.append(content or "")
        reasons.append(str(c.get("finish_reason") or "unknown"))
    usage = u if isinstance(u := data.get("usage"), dict) else {}
    return (texts, reasons, int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0),
            cached_prompt_tokens(data, usage))


def cached_prompt_tokens(data: dict, usage: dict) -> int:
    """Prompt tokens the server reused from its prefix cache: OpenAI's and vLLM's
    usage.prompt_tokens_details.cached_tokens (llama-server fills it too), else llama-server's own
    timings.cache_n. 0 when the server says neither."""
    details = usage.get("prompt_tokens_details")
    if isinstance(details, dict) and isinstance(details.get("cached_tokens"), int):
        return details["cached_tokens"]
    timings = data.get("timings")
    if isinstance(timings, dict) and isinstance(timings.get("cache_n"), int):
        return timings["cache_n"]
    return 0


def counts_one_sequence(body: str, choices: int) -> bool:
    """llama-server (it adds `timings`) counts one of the n sequences in usage.completion_tokens:
    148 reported for 614 generated with n = 4 (issue 9's live run)."""
    return choices > 1 and '"timings"' in body


def _native_root(base_url: str) -> str:
    """Where llama-server's own endpoints (/props, /tokenize) live: the OpenAI URL without /v1."""
    return base_url.rstrip("/").removesuffix("/v1")


def count_completion_tokens(base_url: str, texts: list[str], reasons: list[str],
                            timeout_s: float = 10.0) -> int | None:
    """Completion tokens of every choice, counted by llama-server's /tokenize (+1 for the end-of-
    sequence token a `stop` reply generated, as its usage does). None when the server cannot say."""
    import urllib.request

    root = _native_root(base_url)
    total = 0
    try:
        for text, reason in zip(texts, reasons):
            request = urllib.request.Request(f"{root}/tokenize", data=json.dumps({"content": text}).encode(),
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=timeout_s) as reply:
                tokens = json.loads(reply.read()).get("tokens")
            if not isinstance(tokens, list):
                return None
            total += len(tokens) + (reason == "stop")
    except (OSError, ValueError, AttributeError):
        return None
    return total


def _is_retryable(exc: BaseException) -> bool:
    import openai

    if isinstance(exc, (openai.APIConnectionError, _MalformedReply)):  # timeouts are connection errors too
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in (408, 429) or exc.status_code >= 500
    return False


def _retry_after_s(exc: BaseException | None) -> float | None:
    import openai

    if isinstance(exc, openai.APIStatusError):
        value = exc.response.headers.get("retry-after")
        try:
            return max(0.0, float(value)) if value is not None else None
        except ValueError:  # an HTTP date: rare from model servers; fall back to our own backoff
            return None
    return None


def _usable_entry(entry: Any) -> TypeGuard[dict]:
    """A cache row written by this client (a damaged or foreign one is treated as a miss)."""
    return (isinstance(entry, dict) and isinstance(entry.get("texts"), list)
            and isinstance(entry.get("finish_reasons"), list) and len(entry["texts"]) == len(entry["finish_reasons"])
            and isinstance(entry.get("prompt_tokens"), int) and isinstance(entry.get("completion_tokens"), int))


def _cannot_connect(exc: BaseException) -> bool:
    """True when no server took the connection (refused, DNS, unreachable), not a dropped reply."""
    # By class name: the SDK's transport is httpx in some openai releases and a fork (httpx2) in others.
    seen: BaseException | None = exc
    hops = 0
    while seen is not None and hops < 10:
        if isinstance(seen, (ConnectionRefusedError, socket.gaierror)) or type(seen).__name__ in (
                "ConnectError", "ConnectTimeout"):
            return True
        seen, hops = seen.__cause__ or seen.__context__, hops + 1
    return False


def server_slots(base_url: str, timeout_s: float = 5.0) -> int | None:
    """How many requests the server runs at once, if it says: llama.cpp's llama-server reports
    `total_slots` at /props (its --parallel). vLLM and OpenAI have no such page (None)."""
    import urllib.request

    root = _native_root(base_url)
    try:
        with urllib.request.urlopen(f"{root}/props", timeout=timeout_s) as reply:
            slots = json.loads(reply.read()).get("total_slots")
    except (OSError, ValueError, AttributeError):
        return None
    return slots if isinstance(slots, int) and not isinstance(slots, bool) and slots >= 1 else None


class _Limiter:
    """Requests in flight, at most `limit`; the limit can drop while requests run.

    Why: the HTTP timeout runs from the moment a request is sent. A server that runs fewer requests
    at once than we send queues the rest, and a queued request's clock runs while it waits. Measured
    with the stub serialising 2 s requests, 4 sent at once, timeout_s=5, no retries: 2 of the 4 timed
    out (the 3rd would have finished at 6 s). With the limit at the server's slot count (/props says
    1) all 4 finished in 8.9 s with no retry: waiting here for a free slot is not timed, so the
    timeout covers only the server's own work. A server that does not say how many it runs shows it
    by timing out with several of our requests in flight: the limit then halves (down to 1) and the
    retry waits its turn here (same stub without /props, 4 retries allowed: all 4 answered after 3
    retries, 15 s)."""

    def __init__(self, limit: int):
        self.limit, self.active, self.probed = limit, 0, False
        self._peaks: list[list[int]] = []  # per request in flight: the most of ours in flight during its life
        self._cond = asyncio.Condition()
        self._probing = asyncio.Lock()

    async def probe(self, base_url: str) -> None:
        """Once, before the first request: lower the limit to the server's slots if it says."""
        async with self._probing:  # the first burst waits for the answer instead of overrunning it
            if self.probed:
                return
            slots = await asyncio.to_thread(server_slots, base_url)
            self.probed = True
        if slots is not None and slots < self.limit:
            log.info("%s runs %d request(s) at once: sending at most that many", base_url, slots)
            self.limit = slots

    @contextlib.asynccontextmanager
    async def slot(self):
        """Wait for a free slot; yields a one-item list: the most requests of ours in flight at any moment
        of this one's life. Not the count at entry: which of two requests the server queues is not the
        order they left here (CI, 2026-11-30: the one that timed out had entered first, alone)."""
        async with self._cond:
            await self._cond.wait_for(lambda: self.active < self.limit)
            self.active += 1
            peak = [self.active]
            self._peaks.append(peak)
            for other in self._peaks:
                other[0] = max(other[0], self.active)
        try:
            yield peak
        finally:
            async with self._cond:
                self.active -= 1
                self._peaks = [p for p in self._peaks if p is not peak]  # by identity: [2] == [2]
                self._cond.notify_all()

    def shrink(self, base_url: str) -> None:
        if self.limit > 1:
            self.limit = max(1, self.limit // 2)
            log.warning("a request to %s timed out with others in flight: at most %d at once from now on",
                        base_url, self.limit)


class LLMClient:
    def __init__(self, cfg: LLMConfig, *, cache_scope: str | None = None):
        self.cfg = cfg
        # What the cache keys (and derived follow-up seeds) are scoped to: base_url, or for one endpoint
        # of several serving the same model (agent.llm.router) the whole set, so a reply is found
        # whichever endpoint answered it.
        self.cache_scope = cache_scope or cfg.base_url
        self.usage = Usage()
        self.cache = ResponseCache(cfg.cache_path) if cfg.use_cache and cfg.cache_path else None
        # The SDK client and the semaphore belong to one event loop; made on first use in that loop.
        self._loop: asyncio.AbstractEventLoop | None = None
        self._openai: openai.AsyncOpenAI | None = None
        self._limiter: _Limiter | None = None
        self._pending: dict[str, asyncio.Future] = {}  # cache key -> the in-flight request's entry
        self._warned_n = False
        self._max_n: int | None = None  # the most choices the server gives per request, once it refused more
        self._stream = cfg.stream  # off for good once the server answers a stream request without one

    def _bind_loop(self) -> openai.AsyncOpenAI:
        import openai

        loop = asyncio.get_running_loop()
        if self._openai is None or self._loop is not loop:
            self._loop = loop
            self._openai = openai.AsyncOpenAI(base_url=self.cfg.base_url, api_key=self.cfg.api_key,
                                              timeout=self.cfg.timeout_s, max_retries=0)
            self._limiter = _Limiter(self.cfg.max_concurrency)
            self._pending = {}
        return self._openai

    # -- public API ---------------------------------------------------------------------------
    def request_body(self, messages: list[dict], *, n: int = 1, temperature: float = 0.2, top_p: float = 0.95,
                     max_tokens: int = 2048, seed: int | None = None, extra: dict | None = None) -> dict:
        """The JSON body `chat` sends for these arguments (also the cache key's content)."""
        if n < 1:
            raise ValueError(f"n must be >= 1, got {n}")
        body: dict[str, Any] = {"model": self.cfg.model, "messages": messages, "n": n,
                                "temperature": temperature, "top_p": top_p, "max_tokens": max_tokens}
        if seed is not None:
            body["seed"] = seed
        for k, v in (extra or {}).items():
            if k in body:
                raise ValueError(f"extra parameter {k!r} clashes with a chat() argument; pass it directly")
            body[k] = v
        return body

    async def chat(self, messages: list[dict], *, n: int = 1, temperature: float = 0.2, top_p: float = 0.95,
                   max_tokens: int = 2048, seed: int | None = None, extra: dict | None = None,
                   before_follow_up: Callable[[Completion], str | None] | None = None) -> Completion:
        """n choices for `messages`. A server that returns fewer (it ignores `n`) is asked again for the
        rest, each follow-up with its own seed (so no two are the same request, and a cache replays
        them faithfully), until there are n. `before_follow_up(so_far)` is asked before each follow-up
        request: a reason string stops there (a caller's budget) and the result keeps what came."""
        def body(k: int, s: int | None) -> dict:
            return self.request_body(messages, n=k, seed=s, temperature=temperature, top_p=top_p,
                                     max_tokens=max_tokens, extra=extra)

        got = await self._chat_capped(body, n, seed)
        seeds, per_request, stopped = [seed], [len(got.texts)], None
        cached = [got.cached]  # per request: a k = 8 run's first n = 4 request can be an earlier run's, cached
        if len(got.texts) < n:
            base = seed if seed is not None else int(request_key(self.cache_scope, got.request)[:7], 16)
            texts, reasons = list(got.texts), list(got.finish_reasons)
            while len(texts) < n:
                if before_follow_up is not None:
                    stopped = before_follow_up(got)
                    if stopped:
                        break
                seeds.append(base + len(seeds))
                from agent.llm.stream import SAMPLE_HOOKS

                hooks = SAMPLE_HOOKS.get()
                if hooks is not None:  # a streamed follow-up's samples come after those already here
                    hooks.offset = len(texts)
                more = await self._chat_capped(body, n - len(texts), seeds[-1])
                self.usage.follow_ups += 1
                per_request.append(len(more.texts))
                cached.append(more.cached)
                texts += more.texts
                reasons += more.finish_reasons
                got = Completion(texts=texts, finish_reasons=reasons,
                                 prompt_tokens=got.prompt_tokens + more.prompt_tokens,
                                 completion_tokens=got.completion_tokens + more.completion_tokens,
                                 cached_prompt_tokens=got.cached_prompt_tokens + more.cached_prompt_tokens,
                                 latency_s=got.latency_s + more.latency_s, cached=got.cached and more.cached,
                                 request=got.request, attempts=got.attempts + more.attempts)
            if not self._warned_n and self._max_n is None:
                self._warned_n = True
                log.warning("%s returned %d choice(s) for n=%d; asking again with distinct seeds for the rest",
                            self.cfg.base_url, per_request[0], n)
            got.texts, got.finish_reasons = got.texts[:n], got.finish_reasons[:n]
        got.sampling = {"requested_n": n, "choices_per_request": per_request, "requests": len(per_request),
                        "seeds": seeds, "samples": len(got.texts), "stopped": stopped, "cached_per_request": cached}
        return got

    async def _chat_capped(self, body: Callable[[int, int | None], dict], n: int, seed: int | None) -> Completion:
        """One request for up to n choices, no more than the server accepts at once. llama-server refuses
        n above its --parallel slots (HTTP 400, `Field 'n': Value must be between 1 <= value <= 4, but
        got 8`: a k = 8 eval against `agent serve --parallel 4` failed every problem); the limit it
        states is kept and `chat` asks for the rest in follow-ups, as from a server that ignores n."""
        while True:
            asked = min(n, self._max_n or n)
            try:
                return await self._chat_once(body(asked, seed))
            except LLMRequestError as e:
                limit = _n_limit(e)
                if limit is None or limit >= asked:
                    raise
                log.warning("%s accepts at most n=%d per request: asking for %d samples in %d requests",
                            self.cfg.base_url, limit, n, -(-n // limit))
                self._max_n = limit

    async def _chat_once(self, body: dict) -> Completion:
        if self.cache is None:
            return self._account(await self._send(body))
        key = request_key(self.cache_scope, body)
        self._bind_loop()
        # An identical request already on its way: share its answer, as the cache would a moment later.
        while key in self._pending:
            shared = await asyncio.shield(self._pending[key])
            if shared is not None:
                return self._cache_hit(shared, body)
        # Claim the key before the first await, so a concurrent twin waits instead of sending too.
        pending = asyncio.get_running_loop().create_future()
        self._pending[key] = pending
        entry = None
        try:
            entry = await self.cache.aget(key)
            if _usable_entry(entry):
                return self._cache_hit(entry, body)
            entry = None
            completion = self._account(await self._send(body))
            entry = {"texts": completion.texts, "finish_reasons": completion.finish_reasons,
                     "prompt_tokens": completion.prompt_tokens, "completion_tokens": completion.completion_tokens,
                     "latency_s": completion.latency_s}
            await self.cache.aput(key, body, entry)
            return completion
        finally:
            if self._pending.get(key) is pending:
                del self._pending[key]
            pending.set_result(entry)  # None after a failure: waiters then try for themselves

    def _account(self, completion: Completion) -> Completion:
        self.usage.calls += 1
        self.usage.samples += len(completion.texts)
        self.usage.prompt_tokens += completion.prompt_tokens
        self.usage.cached_prompt_tokens += completion.cached_prompt_tokens
        self.usage.completion_tokens += completion.completion_tokens
        self.usage.latency_s += completion.latency_s
        return completion

    def _cache_hit(self, entry: dict, body: dict) -> Completion:
        self.usage.calls += 1
        self.usage.cache_hits += 1
        self.usage.samples += len(entry["texts"])
        return Completion(texts=list(entry["texts"]), finish_reasons=list(entry["finish_reasons"]),
                          prompt_tokens=entry["prompt_tokens"], completion_tokens=entry["completion_tokens"],
                          latency_s=0.0, cached=True, request=body, attempts=0)

    async def models(self) -> list[str]:
        """The model ids the server serves (one attempt; a health check)."""
        import openai

        client = self._bind_loop()
        try:
            page = await client.models.list()
        except openai.APIError as e:
            raise self._final_error(e, attempts=1) from e
        return [m.id for m in page.data]

    async def check_served(self) -> None:
        """Fail fast, before any work starts: LLMUnavailable when nothing answers at base_url,
        ModelNotServed when the server lists its models and the configured one is not among them
        (vLLM would answer every request with 404)."""
        try:
            served = await self.models()
        except LLMUnavailable:
            raise
        except LLMRequestError:
            return  # some OpenAI-compatible servers have no /models; the first chat request will tell
        if served and self.cfg.model not in served:
            raise self.not_served(served)

    def not_served(self, served: list[str]) -> ModelNotServed:
        """The error for a server whose model list lacks the configured model."""
        return ModelNotServed(f"{self.cfg.base_url} serves {', '.join(served) or 'no models'}, not "
                              f"{self.cfg.model!r}; pass --model or set llm.model / CHISEL_AGENT_MODEL")

    async def aclose(self) -> None:
        if self._openai is not None:
            try:
                await self._openai.close()
            except RuntimeError:  # created in an event loop that is gone; nothing left to close
                pass
            self._openai = None
        if self.cache is not None:
            self.cache.close()

    async def __aenter__(self) -> "LLMClient":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()

    # -- internals ----------------------------------------------------------------------------
    def _wait(self, state: RetryCallState) -> float:
        """Full-jitter exponential backoff, but never shorter than the server's Retry-After."""
        cap = self.cfg.retry_backoff_max_s
        backoff = random.uniform(0, min(cap, self.cfg.retry_backoff_s * 2 ** (state.attempt_number - 1)))
        exc = state.outcome.exception() if state.outcome else None
        retry_after = _retry_after_s(exc)
        return min(cap, max(backoff, retry_after)) if retry_after is not None else backoff

    def _before_sleep(self, state: RetryCallState) -> None:
        self.usage.retries += 1
        exc = state.outcome.exception() if state.outcome else None
        log.info("LLM request attempt %d failed (%s); retrying in %.2fs", state.attempt_number,
                 _one_line(f"{type(exc).__name__}: {exc}", 160), state.next_action.sleep if state.next_action else 0)

    async def _stream_once(self, body: dict) -> tuple[list[str], list[str], int, int, int, dict] | None:
        """The request as a stream (agent/llm/stream.py); None when the server does not stream it
        (the caller then sends it the usual way, whose errors say what the server said)."""
        import openai

        from agent.llm.stream import NotAStream, http_module, stream_chat

        httpx = http_module()

        try:
            got = await stream_chat(self.cfg.base_url, self.cfg.api_key, body, timeout_s=self.cfg.timeout_s)
        except NotAStream as e:
            log.info("%s did not stream (%s): asking without streaming", self.cfg.base_url, e)
            if "HTTP 200" in str(e):  # a server without streaming, not an error of this request
                self._stream = False
            return None
        except httpx.TimeoutException as e:
            raise openai.APITimeoutError(request=httpx.Request("POST", self.cfg.base_url)) from e
        except httpx.HTTPError:
            return None  # a connection that failed: the usual path retries it and names the failure
        info = {"completion_tokens": got.completion_tokens, "done_s": got.done_s, "closed_early": got.closed_early,
                "first_token_s": got.first_token_s, "timings": got.timings}
        return (got.texts, got.finish_reasons, got.prompt_tokens, sum(got.completion_tokens),
                got.cached_prompt_tokens, info)

    async def _send_once(self, body: dict) -> tuple[list[str], list[str], int, int, int, dict | None]:
        import openai

        client = self._bind_loop()
        limiter = self._limiter
        assert limiter is not None
        await limiter.probe(self.cfg.base_url)
        async with limiter.slot() as peak:
            self.usage.http_attempts += 1
            if self._stream:
                try:
                    streamed = await self._stream_once(body)
                except openai.APITimeoutError:
                    if peak[0] > 1:
                        limiter.shrink(self.cfg.base_url)
                    raise
                if streamed is not None:
                    return streamed
            extra = {k: v for k, v in body.items()
                     if k not in ("model", "messages", "n", "temperature", "top_p", "max_tokens", "seed")}
            try:
                raw = await client.chat.completions.with_raw_response.create(
                    model=body["model"], messages=body["messages"], n=body["n"], temperature=body["temperature"],
                    top_p=body["top_p"], max_tokens=body["max_tokens"],
                    **({"seed": body["seed"]} if "seed" in body else {}),
                    extra_body=extra or None,
                )
            except openai.APITimeoutError:
                if peak[0] > 1:  # it may have waited in the server's queue behind ours: send fewer
                    limiter.shrink(self.cfg.base_url)
                raise
        texts, reasons, pt, ct, cached_pt = parse_completion(raw.text)
        if counts_one_sequence(raw.text, len(texts)):
            counted = await asyncio.to_thread(count_completion_tokens, self.cfg.base_url, texts, reasons)
            if counted is None:
                log.warning("the server counted one of %d sequences and /tokenize did not answer: "
                            "completion tokens are undercounted", len(texts))
            else:
                ct = counted
        return texts, reasons, pt, ct, cached_pt, None

    async def _send(self, body: dict) -> Completion:
        """Send with retries; when the server refuses because the reply would not fit its context
        window (a long repair prompt on a server started with a small --max-model-len), ask again
        for a shorter reply; when it refuses a `response_format` (a server without JSON schemas: the
        model's checks are asked with one), ask again without it, since parse_checks still filters the
        free text. The cache keeps the answer under the request as asked."""
        import openai

        sent = body
        while True:
            try:
                return await self._send_with_retries(sent)
            except LLMRequestError as e:
                cause = e.__cause__
                if not isinstance(cause, openai.BadRequestError):
                    raise
                message = _server_message(cause)
                if "response_format" in sent and re.search(r"response_format|json_schema", message):
                    log.warning("%s refused the JSON schema (%s); asking again without it",
                                self.cfg.base_url, _one_line(message, 120))
                    sent = {k: v for k, v in sent.items() if k != "response_format"}
                    continue
                smaller = fitting_max_tokens(message, sent["max_tokens"])
                if smaller is None:
                    raise
                log.warning("the reply does not fit the model's context window with max_tokens=%d; "
                            "asking again with max_tokens=%d", sent["max_tokens"], smaller)
                self.usage.shortened += 1
                sent = {**sent, "max_tokens": smaller}

    async def _send_with_retries(self, body: dict) -> Completion:
        import openai

        start = time.perf_counter()
        attempts = 0
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.cfg.max_retries + 1),
            wait=self._wait,
            retry=retry_if_exception(_is_retryable),
            before_sleep=self._before_sleep,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    attempts = attempt.retry_state.attempt_number
                    texts, reasons, pt, ct, cached_pt, streamed = await self._send_once(body)
        except (openai.APIError, _MalformedReply) as e:
            raise self._final_error(e, attempts) from e
        return Completion(texts=texts, finish_reasons=reasons, prompt_tokens=pt, completion_tokens=ct,
                          latency_s=time.perf_counter() - start, cached=False, request=body, attempts=attempts,
                          cached_prompt_tokens=cached_pt, stream=streamed)

    def _final_error(self, exc: BaseException, attempts: int) -> RuntimeError:
        """One clear line for what finally went wrong."""
        import openai

        url, model = self.cfg.base_url, self.cfg.model
        tries = f"{attempts} attempt{'s' if attempts != 1 else ''}"
        if isinstance(exc, openai.APIConnectionError) and _cannot_connect(exc):
            return LLMUnavailable(
                f"cannot reach an LLM server at {url} ({tries}); start one with `agent serve` (the local "
                f"model on the CPU) or `vllm serve {model}`, or point --base-url / OPENAI_BASE_URL at a "
                f"running OpenAI-compatible server")
        if isinstance(exc, openai.APITimeoutError):
            return LLMRequestError(
                f"LLM request to {url} timed out after {self.cfg.timeout_s:g}s ({tries}); "
                f"raise llm.timeout_s or lower max_tokens")
        if isinstance(exc, openai.APIConnectionError):
            return LLMRequestError(f"LLM server at {url} closed the connection without a reply ({tries})")
        if isinstance(exc, _MalformedReply):
            return LLMRequestError(f"LLM server at {url} sent a malformed reply ({tries}): {exc}")
        if isinstance(exc, openai.APIStatusError):
            detail = _status_detail(exc)
            if _is_retryable(exc):
                return LLMRequestError(f"LLM server at {url} answered HTTP {exc.status_code} ({tries}): {detail}")
            hint = {
                401: "; check llm.api_key / OPENAI_API_KEY",
                403: "; check llm.api_key / OPENAI_API_KEY",
                404: f"; check the model name ({model!r}) and that base_url ends in /v1",
            }.get(exc.status_code, "")
            return LLMRequestError(f"LLM server at {url} rejected the request with HTTP {exc.status_code}: "
                                   f"{detail}{hint}")
        return LLMRequestError(f"LLM request to {url} failed: {_one_line(str(exc))}")


def _server_message(exc: openai.APIStatusError) -> str:
    """The server's own error message: OpenAI style {"error": {"message"}}, vLLM's older top-level
    {"message"}, or FastAPI {"detail"}."""
    body = exc.body
    if isinstance(body, dict):
        inner = body["error"] if isinstance(body.get("error"), dict) else body
        msg = inner.get("message") or body.get("detail")
        if msg:
            return str(msg)
    return exc.message or f"HTTP {exc.status_code}"


def _status_detail(exc: openai.APIStatusError) -> str:
    return _one_line(_server_message(exc))


_N_LIMIT = re.compile(r"Field 'n': Value must be between 1 <= value <= (\d+)")


def _n_limit(error: LLMRequestError) -> int | None:
    """The largest n a server that refused this request's n accepts (llama-server's wording), else None."""
    import openai

    cause = error.__cause__
    if not isinstance(cause, openai.BadRequestError):
        return None
    m = _N_LIMIT.search(_server_message(cause))
    return int(m.group(1)) if m and int(m.group(1)) >= 1 else None


MIN_REPLY_TOKENS = 256  # below this a Chisel module does not fit: report the overflow instead
_CONTEXT_LIMIT = re.compile(r"maximum context length is (\d+)")
# vLLM's wordings that state the prompt's exact size ("contains at least N" is only a lower bound).
_PROMPT_SIZE = re.compile(r"\((\d+) in the messages|request has (\d+) input tokens|prompt contains (\d+) input tokens")


def fitting_max_tokens(message: str, asked: int) -> int | None:
    """A smaller max_tokens for a request the server refused because prompt + max_tokens exceed its
    context window, read from the server's message; None when the message is not that refusal or no
    reply of MIN_REPLY_TOKENS would fit. With the prompt's size known the reply gets all the room
    left; with only a lower bound ("at least N input tokens"), half of what was asked."""
    limit = _CONTEXT_LIMIT.search(message)
    if limit is None:
        return None
    size = _PROMPT_SIZE.search(message)
    room = int(limit.group(1)) - int(next(g for g in size.groups() if g)) if size else asked // 2
    room = min(room, asked - 1)
    return room if room >= MIN_REPLY_TOKENS else None
