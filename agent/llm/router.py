"""Several OpenAI-compatible endpoints serving the same model, used as one chat model.

`--base-url` given more than once (or `llm.base_urls` in the config) makes `agent eval` and `agent sweep`
spread their requests over the endpoints: each `chat()` goes to the endpoint with the fewest of our
requests in flight (least outstanding; ties take turns). An endpoint that fails a request (nothing
accepts the connection, a timeout, HTTP 404/408/429/5xx, a malformed reply) is put aside for a
cool-down (2 s, doubled per failure in a row, at most 60 s) and the request goes at once to another
endpoint; when every endpoint is aside, the request waits for the first to come back. A request fails
for good after `llm.max_retries` + (number of endpoints) failed attempts: LLMUnavailable when no
endpoint ever took the connection (the run stops, resumable), else LLMRequestError (that problem
is left unrecorded). Other errors (HTTP 400: the request itself is bad) are raised at once.

Each endpoint's own client makes one attempt per request (its retries off), so attempts and
cool-downs are counted here, in one place. Every endpoint keeps its own limiter (its server's slots).
The response cache is keyed by the set of endpoints, not by the one that answered, so a rerun over
the same endpoints finds every reply however the requests were routed.

An endpoint going aside and coming back is logged (a warning line on stderr); `report()` gives the
counts per endpoint, which `agent eval` writes to `endpoints.json` in the run directory.
"""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import asdict, dataclass, fields
from typing import Callable

from agent.config import LLMConfig
from agent.llm.client import Completion, LLMClient, LLMRequestError, LLMUnavailable, Usage, _is_retryable, _one_line

log = logging.getLogger(__name__)


@dataclass
class EndpointStats:
    url: str
    requests: int = 0  # chat() calls sent to it (a call may be several HTTP requests: follow-ups)
    answered: int = 0
    failed: int = 0  # calls it failed (each went to another endpoint, or failed for good)
    down_events: int = 0  # times it was put aside after answering (or from the start)
    last_error: str | None = None


class _Endpoint:
    def __init__(self, url: str, client: LLMClient):
        self.url, self.client = url, client
        self.outstanding = 0  # our calls in flight to it
        self.down_until = 0.0  # monotonic time it is aside until
        self.streak = 0  # failures in a row
        self.stats = EndpointStats(url)


def endpoint_fault(e: BaseException) -> bool:
    """Whether a failed call says something about the endpoint (try another) rather than the request."""
    if isinstance(e, LLMUnavailable):
        return True
    if not isinstance(e, LLMRequestError):
        return False
    cause = e.__cause__
    if cause is None:
        return False
    import openai

    if isinstance(cause, openai.APIStatusError) and cause.status_code == 404:
        return True  # that server does not serve the model (or the path is wrong): the others may
    return _is_retryable(cause)


class EndpointRouter:
    """A ChatModel (agent.interfaces) over `cfg.endpoints`; see the module's docstring."""

    def __init__(self, cfg: LLMConfig, *, cooldown_s: float = 2.0, max_cooldown_s: float = 60.0):
        urls = cfg.endpoints
        if len(urls) < 2:
            raise ValueError("an EndpointRouter needs at least two endpoints (llm.base_urls)")
        self.cfg = cfg
        self.cooldown_s, self.max_cooldown_s = cooldown_s, max_cooldown_s
        scope = "endpoints:" + " ".join(sorted(u.rstrip("/") for u in urls))
        self.endpoints = [
            _Endpoint(url, LLMClient(cfg.model_copy(update={"base_url": url, "base_urls": [], "max_retries": 0}),
                                     cache_scope=scope))
            for url in urls]
        self.max_attempts = cfg.max_retries + len(urls)
        self._turn = 0

    # -- ChatModel ------------------------------------------------------------------------------
    async def chat(self, messages: list[dict], *, n: int = 1, temperature: float = 0.2, top_p: float = 0.95,
                   max_tokens: int = 2048, seed: int | None = None, extra: dict | None = None,
                   before_follow_up: Callable[[Completion], str | None] | None = None) -> Completion:
        failures: list[tuple[_Endpoint, BaseException]] = []
        while True:
            ep = self._pick()
            if ep is None:  # every endpoint is aside: wait for the first to come back
                await asyncio.sleep(max(0.0, min(e.down_until for e in self.endpoints) - time.monotonic()))
                continue
            ep.outstanding += 1
            ep.stats.requests += 1
            try:
                got = await ep.client.chat(messages, n=n, temperature=temperature, top_p=top_p,
                                           max_tokens=max_tokens, seed=seed, extra=extra,
                                           before_follow_up=before_follow_up)
            except (LLMUnavailable, LLMRequestError) as e:
                if not endpoint_fault(e):
                    raise
                self._aside(ep, e)
                failures.append((ep, e))
                if len(failures) >= self.max_attempts:
                    raise self._gave_up(failures) from e
                continue
            finally:
                ep.outstanding -= 1
            self._answered(ep)
            return got

    async def check_served(self) -> None:
        """Every endpoint is asked for its models at once. Those that fail are put aside (logged);
        LLMUnavailable only when none serves the model."""
        results = await asyncio.gather(*(e.client.check_served() for e in self.endpoints), return_exceptions=True)
        bad = [(e, r) for e, r in zip(self.endpoints, results) if isinstance(r, BaseException)]
        for _, r in bad:
            if not isinstance(r, LLMUnavailable):
                raise r
        if len(bad) == len(self.endpoints):
            raise LLMUnavailable(f"none of the {len(self.endpoints)} LLM endpoints serves {self.cfg.model!r}: "
                                 + "; ".join(_one_line(str(r), 200) for _, r in bad))
        for ep, r in bad:
            self._aside(ep, r)

    async def aclose(self) -> None:
        for ep in self.endpoints:
            await ep.client.aclose()

    # -- reporting ----------------------------------------------------------------------------
    @property
    def usage(self) -> Usage:
        """The endpoints' usage, summed."""
        total = Usage()
        for ep in self.endpoints:
            for f in fields(Usage):
                setattr(total, f.name, getattr(total, f.name) + getattr(ep.client.usage, f.name))
        return total

    def report(self) -> dict:
        """Per endpoint: calls sent, answered, failed (and so sent elsewhere), times put aside, last error."""
        return {"endpoints": [asdict(ep.stats) for ep in self.endpoints],
                "failed_over": sum(ep.stats.failed for ep in self.endpoints)}

    # -- routing ------------------------------------------------------------------------------
    def _pick(self) -> _Endpoint | None:
        now = time.monotonic()
        ready = [e for e in self.endpoints if e.down_until <= now]
        if not ready:
            return None
        least = min(e.outstanding for e in ready)
        tied = [e for e in ready if e.outstanding == least]
        self._turn += 1
        return tied[(self._turn - 1) % len(tied)]  # the first listed first

    def _aside(self, ep: _Endpoint, e: BaseException) -> None:
        now = time.monotonic()
        ep.stats.failed += 1
        ep.stats.last_error = _one_line(str(e), 300)
        if now < ep.down_until:
            return  # a call sent before it was put aside: it says nothing new
        ep.streak += 1
        wait = min(self.max_cooldown_s, self.cooldown_s * 2 ** (ep.streak - 1))
        ep.down_until = now + wait
        if ep.streak == 1:
            ep.stats.down_events += 1
            others = len(self.endpoints) - 1
            log.warning("LLM endpoint %s failed (%s); its requests go to the other %d endpoint%s",
                        ep.url, _one_line(str(e), 160), others, "" if others == 1 else "s")

    def _answered(self, ep: _Endpoint) -> None:
        ep.stats.answered += 1
        if ep.streak:
            log.warning("LLM endpoint %s answers again", ep.url)
        ep.streak = 0

    def _gave_up(self, failures: list[tuple[_Endpoint, BaseException]]) -> RuntimeError:
        last: dict[str, str] = {}
        for ep, e in failures:
            last[ep.url] = _one_line(str(e), 160)
        what = "; ".join(f"{url}: {why}" for url, why in last.items())
        message = f"the request failed on every LLM endpoint tried ({len(failures)} attempts): {what}"
        if all(isinstance(e, LLMUnavailable) for _, e in failures):
            return LLMUnavailable(message)
        return LLMRequestError(message)


def make_client(cfg: LLMConfig) -> LLMClient | EndpointRouter:
    """The chat model for these settings: one client, or a router when several endpoints are set."""
    if len(cfg.endpoints) > 1:
        return EndpointRouter(cfg)
    return LLMClient(cfg.model_copy(update={"base_url": cfg.endpoints[0]}))
