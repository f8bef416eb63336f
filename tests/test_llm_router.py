"""EndpointRouter: several stub servers over real HTTP, one of them down or failing."""
from __future__ import annotations

import asyncio
import logging

import pytest

from agent.config import LLMConfig
from agent.llm import LLMRequestError, LLMUnavailable
from agent.llm.client import LLMClient
from agent.llm.router import EndpointRouter, make_client
from agent.llm.stub_server import Reply, StubServer, http_error, refused_url

MSGS = [{"role": "user", "content": "Write an 8-bit adder module named Adder."}]


def config(urls: list[str], **kw) -> LLMConfig:
    cfg = dict(base_url=urls[0], base_urls=urls, model="test-model", timeout_s=5.0, max_retries=2,
               retry_backoff_s=0.01, retry_backoff_max_s=0.05, use_cache=False, cache_path=None)
    cfg.update(kw)
    return LLMConfig(**cfg)


def run_many(router: EndpointRouter, count: int, **kw) -> list:
    async def go():
        try:
            return await asyncio.gather(*(router.chat(MSGS, seed=i, **kw) for i in range(count)))
        finally:
            await router.aclose()
    return asyncio.run(go())


def test_one_url_is_a_plain_client_several_a_router():
    assert isinstance(make_client(LLMConfig(base_urls=["http://a:1/v1"])), LLMClient)
    assert make_client(LLMConfig(base_urls=["http://a:1/v1"])).cfg.base_url == "http://a:1/v1"
    assert isinstance(make_client(LLMConfig(base_urls=["http://a:1/v1", "http://b:1/v1"])), EndpointRouter)
    # the same endpoint twice is one endpoint
    assert isinstance(make_client(LLMConfig(base_urls=["http://a:1/v1", "http://a:1/v1"])), LLMClient)


def test_least_outstanding_spreads_concurrent_requests():
    with StubServer(default=Reply("a"), latency_s=0.2) as a, StubServer(default=Reply("b"), latency_s=0.2) as b:
        router = EndpointRouter(config([a.base_url, b.base_url]))
        got = run_many(router, 8)
    assert len(got) == 8
    assert len(a.requests) == 4 and len(b.requests) == 4  # in flight at once: each gets its even share
    assert {c.texts[0] for c in got} == {"a", "b"}
    stats = router.report()["endpoints"]
    assert [s["answered"] for s in stats] == [4, 4] and router.report()["failed_over"] == 0
    assert router.usage.calls == 8


def test_a_slow_endpoint_gets_fewer_requests():
    # Least outstanding, not round robin: the endpoint that answers faster frees its slots sooner.
    with StubServer(default=Reply("fast"), latency_s=0.02) as fast, \
            StubServer(default=Reply("slow"), latency_s=0.6) as slow:
        router = EndpointRouter(config([fast.base_url, slow.base_url], max_concurrency=2))

        async def go():
            sem = asyncio.Semaphore(3)  # three callers in flight, as a run's problems would be

            async def one(i):
                async with sem:
                    return await router.chat(MSGS, seed=i)
            try:
                return await asyncio.gather(*(one(i) for i in range(24)))
            finally:
                await router.aclose()
        asyncio.run(go())
    assert len(fast.requests) + len(slow.requests) == 24
    assert len(fast.requests) > 2 * len(slow.requests)


def test_a_down_endpoint_sends_its_requests_elsewhere_and_is_reported(caplog):
    down = refused_url()
    with StubServer(default=Reply("ok")) as up:
        router = EndpointRouter(config([down, up.base_url]))
        with caplog.at_level(logging.WARNING, logger="agent.llm.router"):
            got = run_many(router, 6)
    assert [c.texts[0] for c in got] == ["ok"] * 6  # every request answered
    assert len(up.requests) == 6
    stats = {s["url"]: s for s in router.report()["endpoints"]}
    assert stats[down]["answered"] == 0 and stats[down]["failed"] >= 1 and stats[down]["down_events"] == 1
    assert "cannot reach" in stats[down]["last_error"]
    assert stats[up.base_url]["answered"] == 6
    warnings = [r.getMessage() for r in caplog.records]
    assert sum(down in w and "go to the other 1 endpoint" in w for w in warnings) == 1  # said once


def test_http_500_is_failed_over_and_the_endpoint_comes_back(caplog):
    with StubServer([http_error(500)], default=Reply("a")) as a, StubServer(default=Reply("b")) as b:
        router = EndpointRouter(config([a.base_url, b.base_url]), cooldown_s=0.05)

        async def go():
            try:
                first = await router.chat(MSGS, seed=1)  # a (listed first) fails with 500, b answers at once
                await asyncio.sleep(0.1)  # a's cool-down is over
                later = [await router.chat(MSGS, seed=s) for s in range(2, 6)]  # ties take turns
                return first, later
            finally:
                await router.aclose()
        with caplog.at_level(logging.WARNING, logger="agent.llm.router"):
            first, later = asyncio.run(go())
    assert first.texts == ["b"]
    assert [c.texts[0] for c in later] == ["a", "b", "a", "b"]  # back in service after the cool-down
    assert any("answers again" in r.getMessage() for r in caplog.records)
    assert router.report()["endpoints"][0]["failed"] == 1


def test_all_endpoints_down_is_llm_unavailable():
    router = EndpointRouter(config([refused_url(), refused_url()], max_retries=1), cooldown_s=0.01)
    with pytest.raises(LLMUnavailable, match="failed on every LLM endpoint tried \\(3 attempts\\)"):
        run_many(router, 1)


def test_a_bad_request_is_not_sent_elsewhere():
    with StubServer([http_error(400, "bad request")]) as a, StubServer([http_error(400, "bad request")]) as b:
        router = EndpointRouter(config([a.base_url, b.base_url]))
        with pytest.raises(LLMRequestError, match="HTTP 400"):
            run_many(router, 1)
    assert len(a.requests) + len(b.requests) == 1  # the request itself is bad: every endpoint would refuse it


def test_check_served_tolerates_some_endpoints_down():
    with StubServer(model="test-model") as up:
        down = refused_url()
        router = EndpointRouter(config([down, up.base_url]))
        asyncio.run(router.check_served())
        assert router.report()["endpoints"][0]["down_events"] == 1  # put aside: no request waits on it
        none_up = EndpointRouter(config([refused_url(), refused_url()]))
        with pytest.raises(LLMUnavailable, match="none of the 2 LLM endpoints serves"):
            asyncio.run(none_up.check_served())


def test_the_cache_finds_a_reply_whichever_endpoint_answered(tmp_path):
    cache = tmp_path / "cache.sqlite"
    with StubServer(default=Reply("a")) as a, StubServer(default=Reply("b")) as b:
        first = EndpointRouter(config([a.base_url, b.base_url], use_cache=True, cache_path=cache))
        got = run_many(first, 4)
        sent = len(a.requests) + len(b.requests)
        again = EndpointRouter(config([b.base_url, a.base_url], use_cache=True, cache_path=cache))  # order differs
        replay = run_many(again, 4)
    assert sent == 4 and len(a.requests) + len(b.requests) == 4  # the second run sent nothing
    assert [c.texts for c in replay] == [c.texts for c in got]
    assert all(c.cached for c in replay)
