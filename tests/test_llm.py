"""LLMClient against the stub server: the real openai SDK over real HTTP on 127.0.0.1."""
from __future__ import annotations

import asyncio
import logging
import time

import pytest

from agent.config import LLMConfig
from agent.llm import Completion, LLMClient, LLMRequestError, LLMUnavailable
from agent.llm.cache import ResponseCache, request_key
from agent.llm.client import parse_completion
from agent.llm.stub_server import (
    Reply, StubServer, dropped, http_error, malformed, rate_limited, refused_url, slow,
)

MSGS = [{"role": "system", "content": "You write Chisel."},
        {"role": "user", "content": "Write an 8-bit adder module named Adder."}]


def make_client(base_url: str, **kw) -> LLMClient:
    """Tiny backoff and timeout so fault tests stay fast; no cache unless a test asks for one."""
    cfg = dict(base_url=base_url, api_key="sk-test", model="test-model", timeout_s=2.0, max_retries=3,
               retry_backoff_s=0.01, retry_backoff_max_s=0.05, use_cache=False, cache_path=None)
    cfg.update(kw)
    return LLMClient(LLMConfig(**cfg))


def chat(client: LLMClient, messages=MSGS, **kw) -> Completion:
    async def go():
        try:
            return await client.chat(messages, **kw)
        finally:
            await client.aclose()
    return asyncio.run(go())


# -- parameters and replies --------------------------------------------------------------------

def test_k_samples_are_one_request_with_all_parameters(stub_server):
    stub_server.script([Reply(["s0", "s1", "s2", "s3"], finish_reasons=["stop", "stop", "length", "stop"],
                              prompt_tokens=31, completion_tokens=400)])
    c = chat(make_client(stub_server.base_url), n=4, temperature=0.7, top_p=0.9, max_tokens=512, seed=17,
             extra={"top_k": 20, "stop": ["```\n\n"]})
    assert len(stub_server.requests) == 1
    sent = stub_server.requests[0]
    assert sent == {"model": "test-model", "messages": MSGS, "n": 4, "temperature": 0.7, "top_p": 0.9,
                    "max_tokens": 512, "seed": 17, "top_k": 20, "stop": ["```\n\n"]}
    assert c.request == sent  # Completion.request is exactly what went over the wire
    assert stub_server.headers[0]["authorization"] == "Bearer sk-test"
    assert "sk-test" not in str(c.request)
    assert c.texts == ["s0", "s1", "s2", "s3"]
    assert c.finish_reasons == ["stop", "stop", "length", "stop"]
    assert (c.prompt_tokens, c.completion_tokens) == (31, 400)
    assert c.cached is False and c.attempts == 1 and c.latency_s > 0


def test_seed_is_omitted_when_none(stub_server):
    stub_server.script(["x"])
    chat(make_client(stub_server.base_url))
    assert "seed" not in stub_server.requests[0]
    assert stub_server.requests[0]["n"] == 1


def test_stub_cycles_scripted_texts_when_n_is_larger(stub_server):
    stub_server.script([Reply(["a", "b"])])
    c = chat(make_client(stub_server.base_url), n=5)
    assert c.texts == ["a", "b", "a", "b", "a"]
    assert c.finish_reasons == ["stop"] * 5


def test_callable_script_sees_each_request(stub_server):
    stub_server.script(lambda req: Reply(f"t={req['temperature']}"))
    c = chat(make_client(stub_server.base_url), temperature=0.8)
    assert c.texts == ["t=0.8"]


def test_extra_cannot_silently_override_an_argument(stub_server):
    with pytest.raises(ValueError, match="temperature"):
        chat(make_client(stub_server.base_url), extra={"temperature": 1.5})
    assert stub_server.requests == []


# -- faults that are retried ----------------------------------------------------------------------

@pytest.mark.parametrize("fault", [
    http_error(500), http_error(502), http_error(503), rate_limited(0.0), slow(3.0), malformed(),
    malformed('{"id": "x", "object": "chat.completion"}'), dropped(),
], ids=["500", "502", "503", "429", "timeout", "truncated-json", "no-choices", "dropped"])
def test_transient_fault_is_retried_then_succeeds(fault):
    with StubServer([fault, Reply("module ok")]) as stub:
        client = make_client(stub.base_url, timeout_s=0.5)
        c = chat(client)
    assert c.texts == ["module ok"]
    assert c.attempts == 2
    assert len(stub.requests) == 2
    assert stub.requests[0] == stub.requests[1]  # the retry resends the same body
    assert client.usage.retries == 1 and client.usage.http_attempts == 2


@pytest.mark.parametrize("fault, expect", [
    (http_error(500, "CUDA out of memory"), r"HTTP 500 \(4 attempts\): CUDA out of memory"),
    (rate_limited(0.0), r"HTTP 429 \(4 attempts\)"),
    (malformed(), r"malformed reply \(4 attempts\): body is not JSON"),
    (malformed('{"choices": [{"index": 0, "message": {"content": 7}}]}'), r"malformed reply .*not text"),
    (dropped(), r"closed the connection without a reply \(4 attempts\)"),
    (slow(3.0), r"timed out after 0.3s \(4 attempts\); raise llm.timeout_s"),
], ids=["500", "429", "truncated-json", "bad-content", "dropped", "timeout"])
def test_persistent_fault_is_reported_in_one_line(fault, expect):
    with StubServer(default=fault) as stub:
        with pytest.raises(LLMRequestError, match=expect) as info:
            chat(make_client(stub.base_url, timeout_s=0.3))
    msg = str(info.value)
    assert "\n" not in msg and stub.base_url in msg
    assert len(stub.requests) == 4  # 1 attempt + max_retries=3


def test_retry_after_is_honoured():
    with StubServer([rate_limited(0.4), Reply("ok")]) as stub:
        t0 = time.perf_counter()
        c = chat(make_client(stub.base_url, retry_backoff_s=0.0, retry_backoff_max_s=5.0))
        elapsed = time.perf_counter() - t0
    assert c.texts == ["ok"]
    assert elapsed >= 0.4


def test_retry_after_is_capped_by_backoff_max():
    with StubServer([rate_limited(60), Reply("ok")]) as stub:
        t0 = time.perf_counter()
        chat(make_client(stub.base_url, retry_backoff_max_s=0.1))
    assert time.perf_counter() - t0 < 5


def test_max_retries_zero_means_one_attempt():
    with StubServer(default=http_error(500)) as stub:
        with pytest.raises(LLMRequestError, match=r"\(1 attempt\)"):
            chat(make_client(stub.base_url, max_retries=0))
    assert len(stub.requests) == 1


# -- faults that are not retried -----------------------------------------------------------------

@pytest.mark.parametrize("status, message, expect", [
    (400, "This model's maximum context length is 16384 tokens. However, you requested 18000 tokens "
          "(17000 in the messages, 1000 in the completion).", r"HTTP 400: This model's maximum context"),
    (401, "Invalid API key", r"HTTP 401: Invalid API key; check llm.api_key"),
    (404, "The model `test-model` does not exist.", r"HTTP 404: .*does not exist.*check the model name"),
    (422, "n must be at least 1", r"HTTP 422"),
])
def test_client_errors_fail_at_once(status, message, expect):
    with StubServer(default=http_error(status, message)) as stub:
        with pytest.raises(LLMRequestError, match=expect):
            chat(make_client(stub.base_url))
    assert len(stub.requests) == 1


def test_exhausted_stub_script_fails_loudly(stub_server):
    with pytest.raises(LLMRequestError, match="stub script exhausted"):
        chat(make_client(stub_server.base_url))


def test_connection_refused_is_llm_unavailable_naming_url_and_vllm():
    url = refused_url()
    client = make_client(url, max_retries=1)
    t0 = time.perf_counter()
    with pytest.raises(LLMUnavailable) as info:
        chat(client)
    msg = str(info.value)
    assert url in msg and "agent serve" in msg and "vllm serve test-model" in msg and "\n" not in msg
    assert "(2 attempts)" in msg and client.usage.http_attempts == 2
    assert time.perf_counter() - t0 < 5


def test_models_lists_served_ids_and_reports_refused():
    with StubServer(model="Qwen/Qwen2.5-Coder-14B-Instruct") as stub:
        client = make_client(stub.base_url)
        assert asyncio.run(client.models()) == ["Qwen/Qwen2.5-Coder-14B-Instruct"]
    with pytest.raises(LLMUnavailable, match="vllm serve"):
        asyncio.run(make_client(refused_url()).models())


def test_check_served_names_the_served_models():
    from agent.llm import ModelNotServed

    with StubServer(model="m1") as stub:
        asyncio.run(make_client(stub.base_url, model="m1").check_served())
        with pytest.raises(ModelNotServed) as info:
            asyncio.run(make_client(stub.base_url, model="m2").check_served())
        assert not stub.requests  # /models only: no chat request was spent
    assert "serves m1, not 'm2'" in str(info.value) and "--model" in str(info.value)


# -- cache -------------------------------------------------------------------------------------

def test_cache_hit_avoids_second_http_request(tmp_path):
    db = tmp_path / "llm.sqlite"
    with StubServer([Reply(["one", "two"], prompt_tokens=5, completion_tokens=9)]) as stub:
        client = make_client(stub.base_url, use_cache=True, cache_path=db)

        async def twice():
            a = await client.chat(MSGS, n=2, seed=3)
            b = await client.chat(MSGS, n=2, seed=3)
            await client.aclose()
            return a, b
        first, second = asyncio.run(twice())
        assert len(stub.requests) == 1
        assert first.cached is False and second.cached is True
        assert second.latency_s == 0.0 and second.attempts == 0
        assert second.texts == first.texts == ["one", "two"]
        assert (second.prompt_tokens, second.completion_tokens) == (5, 9)
        assert second.request == first.request
        assert client.usage.cache_hits == 1 and client.usage.http_attempts == 1
        assert client.usage.completion_tokens == 9  # the hit cost nothing

        # A new client (a new process, say) reads the same file.
        third = chat(make_client(stub.base_url, use_cache=True, cache_path=db), n=2, seed=3)
        assert third.cached and len(stub.requests) == 1


@pytest.mark.parametrize("change", [
    dict(n=4), dict(seed=4), dict(temperature=0.9), dict(top_p=0.5), dict(max_tokens=100),
    dict(messages=[{"role": "user", "content": "another"}]), dict(extra={"top_k": 5}),
], ids=lambda d: next(iter(d)))
def test_cache_key_covers_every_request_parameter(tmp_path, change):
    base = dict(messages=MSGS, n=2, seed=3)
    with StubServer(default=Reply("x")) as stub:
        chat(make_client(stub.base_url, use_cache=True, cache_path=tmp_path / "c.sqlite"), **base)
        c = chat(make_client(stub.base_url, use_cache=True, cache_path=tmp_path / "c.sqlite"), **{**base, **change})
    assert c.cached is False and len(stub.requests) == 2


def test_cache_key_covers_model_and_base_url():
    body = {"model": "m", "messages": MSGS, "n": 1}
    assert request_key("http://a/v1", body) != request_key("http://b/v1", body)
    assert request_key("http://a/v1", body) != request_key("http://a/v1", {**body, "model": "m2"})
    assert request_key("http://a/v1/", body) == request_key("http://a/v1", body)


def test_identical_requests_in_flight_share_one_http_request_only_with_cache(tmp_path):
    async def two(client):
        out = await asyncio.gather(client.chat(MSGS, n=2), client.chat(MSGS, n=2))
        await client.aclose()
        return out
    with StubServer(default=Reply(["a", "b"]), latency_s=0.1) as stub:
        a, b = asyncio.run(two(make_client(stub.base_url, use_cache=True, cache_path=tmp_path / "c.sqlite")))
        assert len(stub.requests) == 1 and a.texts == b.texts and [a.cached, b.cached].count(True) == 1
        asyncio.run(two(make_client(stub.base_url, use_cache=False)))
        assert len(stub.requests) == 3


def test_waiter_retries_itself_when_the_shared_request_fails(tmp_path):
    async def two(client):
        out = await asyncio.gather(client.chat(MSGS), client.chat(MSGS), return_exceptions=True)
        await client.aclose()
        return out
    with StubServer([http_error(400, "first fails"), Reply("second works")], latency_s=0.1) as stub:
        first, second = asyncio.run(two(make_client(stub.base_url, use_cache=True, cache_path=tmp_path / "c")))
    assert isinstance(first, LLMRequestError)
    assert second.texts == ["second works"] and len(stub.requests) == 2


def test_use_cache_false_always_asks_the_server(tmp_path):
    db = tmp_path / "llm.sqlite"
    with StubServer(default=Reply("x")) as stub:
        chat(make_client(stub.base_url, use_cache=True, cache_path=db))
        c = chat(make_client(stub.base_url, use_cache=False, cache_path=db))
        c2 = chat(make_client(stub.base_url, use_cache=False, cache_path=db))
    assert not c.cached and not c2.cached
    assert len(stub.requests) == 3


def test_failures_are_not_cached(tmp_path):
    db = tmp_path / "llm.sqlite"
    with StubServer([http_error(400, "nope"), Reply("good")]) as stub:
        with pytest.raises(LLMRequestError):
            chat(make_client(stub.base_url, use_cache=True, cache_path=db))
        c = chat(make_client(stub.base_url, use_cache=True, cache_path=db))
    assert c.texts == ["good"] and not c.cached


def test_unusable_cache_never_loses_the_completion(tmp_path, caplog):
    not_a_db = tmp_path / "cache.sqlite"
    not_a_db.write_bytes(b"this is not an sqlite file" * 100)
    with StubServer([Reply("kept")]) as stub, caplog.at_level(logging.WARNING):
        c = chat(make_client(stub.base_url, use_cache=True, cache_path=not_a_db))
    assert c.texts == ["kept"]
    assert "cache disabled" in caplog.text


def test_concurrent_cache_use_from_many_tasks(tmp_path):
    db = tmp_path / "llm.sqlite"
    with StubServer(default=Reply("x")) as stub:
        client = make_client(stub.base_url, use_cache=True, cache_path=db, max_concurrency=4)

        async def many():
            prompts = [[{"role": "user", "content": f"task {i % 10}"}] for i in range(40)]
            out = await asyncio.gather(*(client.chat(p) for p in prompts))
            out += await asyncio.gather(*(client.chat(p) for p in prompts))
            await client.aclose()
            return out
        out = asyncio.run(many())
    assert len(out) == 80 and all(c.texts == ["x"] for c in out)
    # Identical requests in flight share one HTTP request; the second wave is all cache hits.
    assert len(stub.requests) == 10
    assert sum(not c.cached for c in out) == 10
    assert client.usage.cache_hits == 70
    assert len(ResponseCache(db)) == 10


# -- concurrency and event loops ----------------------------------------------------------------

def test_concurrency_bound_is_honoured():
    # 0.4 s per reply: on a loaded CI machine the three requests of a wave still overlap.
    with StubServer(default=Reply("x"), latency_s=0.4) as stub:
        client = make_client(stub.base_url, max_concurrency=3)

        async def burst():
            await asyncio.gather(*(client.chat([{"role": "user", "content": str(i)}]) for i in range(12)))
            await client.aclose()
        t0 = time.perf_counter()
        asyncio.run(burst())
        elapsed = time.perf_counter() - t0
    assert len(stub.requests) == 12
    assert stub.max_in_flight == 3  # never more, and the bound is actually used
    assert elapsed >= 4 * 0.4  # 12 requests in waves of 3


def test_client_survives_a_new_event_loop(stub_server):
    stub_server.script([Reply("first"), Reply("second")])
    client = make_client(stub_server.base_url)
    assert asyncio.run(client.chat(MSGS)).texts == ["first"]
    assert asyncio.run(client.chat(MSGS)).texts == ["second"]  # a second asyncio.run, a new loop
    asyncio.run(client.aclose())


# -- reply parsing -----------------------------------------------------------------------------

def test_parse_completion_orders_choices_and_tolerates_null_content():
    body = ('{"choices": [{"index": 1, "message": {"content": "b"}, "finish_reason": "length"},'
            ' {"index": 0, "message": {"content": null}, "finish_reason": null}],'
            ' "usage": {"prompt_tokens": 3, "completion_tokens": 4}}')
    assert parse_completion(body) == (["", "b"], ["unknown", "length"], 3, 4, 0)


def test_parse_completion_without_usage_counts_zero():
    assert parse_completion('{"choices": [{"message": {"content": "a"}}]}') == (["a"], ["unknown"], 0, 0, 0)


def test_parse_completion_reads_the_prefix_cache_hits():
    """OpenAI/vLLM/llama-server put them in usage.prompt_tokens_details.cached_tokens; llama-server's
    own timings.cache_n is the fallback."""
    choice = '"choices": [{"message": {"content": "a"}, "finish_reason": "stop"}]'
    openai_style = '{%s, "usage": {"prompt_tokens": 700, "completion_tokens": 9, "prompt_tokens_details": {"cached_tokens": 380}}}' % choice
    llama_native = '{%s, "usage": {"prompt_tokens": 700, "completion_tokens": 9}, "timings": {"cache_n": 381, "prompt_n": 319}}' % choice
    assert parse_completion(openai_style)[2:] == (700, 9, 380)
    assert parse_completion(llama_native)[2:] == (700, 9, 381)


def test_cancelled_chat_frees_its_slot_and_its_waiters(tmp_path):
    """The search loop cancels chains at the first pass: a cancelled request must not hold the
    semaphore or strand a concurrent twin waiting on it."""
    with StubServer([slow(5.0), Reply("after cancel"), Reply("twin")]) as stub:
        client = make_client(stub.base_url, max_concurrency=1, use_cache=True, cache_path=tmp_path / "c")

        async def go():
            first = asyncio.create_task(client.chat(MSGS))
            while not stub.requests:  # the first request is at the server (and holds the only slot)
                await asyncio.sleep(0.01)
            twin = asyncio.create_task(client.chat(MSGS))  # same request: waits on the first
            await asyncio.sleep(0.1)
            first.cancel()
            with pytest.raises(asyncio.CancelledError):
                await first
            t0 = time.perf_counter()
            got = await asyncio.wait_for(twin, 2.0)
            await client.aclose()
            return got, time.perf_counter() - t0
        twin, waited = asyncio.run(go())
    assert twin.texts == ["after cancel"] and waited < 1.5
    assert len(stub.requests) == 2 and client.usage.retries == 0


def test_error_body_with_status_200_is_malformed_and_named():
    with StubServer(default={"error": {"message": "model is loading"}}) as stub:
        with pytest.raises(LLMRequestError, match="an error instead of a completion: model is loading"):
            chat(make_client(stub.base_url, max_retries=1))
    assert len(stub.requests) == 2


def test_damaged_cache_row_is_a_miss(tmp_path):
    db = tmp_path / "c.sqlite"
    with StubServer([Reply("fresh")]) as stub:
        client = make_client(stub.base_url, use_cache=True, cache_path=db)
        key = request_key(stub.base_url, client.request_body(MSGS))
        ResponseCache(db).put(key, {}, {"texts": "not a list"})
        c = chat(client)
    assert c.texts == ["fresh"] and not c.cached


def test_stub_push_clear_and_callable_faults(stub_server):
    calls = []

    def responder(req):
        calls.append(req["n"])
        return http_error(500) if len(calls) == 1 else Reply(["x"] * req["n"])
    stub_server.script(responder)
    c = chat(make_client(stub_server.base_url), n=2)
    assert c.texts == ["x", "x"] and calls == [2, 2]
    stub_server.clear().script([]).push(Reply("pushed"))
    assert stub_server.requests == [] and stub_server.remaining == 1
    assert chat(make_client(stub_server.base_url)).texts == ["pushed"] and stub_server.remaining == 0


def test_caches_opened_at_once_from_many_threads_all_work(tmp_path):
    # Several cache objects (as several processes would) set up one fresh file at the same moment:
    # the WAL switch races, and none of them may give up and silently stop caching.
    import threading
    db = tmp_path / "shared.sqlite"
    caches = [ResponseCache(db) for _ in range(4)]
    start = threading.Barrier(16)

    def write(i: int) -> None:
        start.wait()
        caches[i % 4].put(f"k{i}", {"i": i}, {"texts": [str(i)]})

    threads = [threading.Thread(target=write, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [c._broken for c in caches] == [None] * 4
    assert len(ResponseCache(db)) == 16
    assert caches[0].get("k7") == {"texts": ["7"]}


# -- replies that do not fit the server's context window --------------------------------------

@pytest.mark.parametrize("message, asked, expected", [
    # vLLM's wordings across releases; "at least" is only a lower bound on the prompt: halve instead.
    ("This model's maximum context length is 4096 tokens. However, you requested 5000 tokens "
     "(2952 in the messages, 2048 in the completion). Please reduce the length of the messages or completion.",
     2048, 1144),
    ("'max_tokens' or 'max_completion_tokens' is too large: 8000. This model's maximum context length is "
     "4096 tokens and your request has 2778 input tokens (8000 > 4096 - 2778).", 8000, 1318),
    ("This model's maximum context length is 8192 tokens. However, you requested 4096 output tokens and your "
     "prompt contains 5000 input tokens, for a total of 9096 tokens.", 4096, 3192),
    ("This model's maximum context length is 8192 tokens. However, you requested 4096 output tokens and your "
     "prompt contains at least 4097 input tokens, for a total of at least 8193 tokens.", 4096, 2048),
    ("This model's maximum context length is 4096 tokens. However, you requested 4200 tokens "
     "(4000 in the messages, 200 in the completion).", 200, None),   # no room for a module
    ("The model `x` does not exist.", 2048, None),
])
def test_fitting_max_tokens_reads_vllm_refusals(message, asked, expected):
    from agent.llm.client import fitting_max_tokens
    assert fitting_max_tokens(message, asked) == expected


PROMPT_50_WORDS = [{"role": "user", "content": " ".join(["word"] * 50)}]


@pytest.mark.parametrize("at_least, sent", [(False, [2048, 950]), (True, [2048, 1024, 512])])
def test_reply_is_shortened_to_fit_the_context_window(tmp_path, at_least, sent):
    with StubServer(default=Reply("ok"), max_model_len=1000, at_least=at_least) as stub:
        client = make_client(stub.base_url, use_cache=True, cache_path=tmp_path / "c.sqlite")
        first = chat(client, PROMPT_50_WORDS, max_tokens=2048)
        again = chat(client, PROMPT_50_WORDS, max_tokens=2048)
        assert [r["max_tokens"] for r in stub.requests] == sent
    assert first.texts == ["ok"] and first.request["max_tokens"] == sent[-1]
    assert client.usage.shortened == len(sent) - 1
    assert again.cached  # kept under the request as asked: the next run does not pay again


def test_prompt_longer_than_the_context_window_is_reported_once():
    with StubServer(default=Reply("ok"), max_model_len=40) as stub:
        with pytest.raises(LLMRequestError, match="maximum context length is 40 tokens"):
            chat(make_client(stub.base_url), PROMPT_50_WORDS, max_tokens=512)
        assert len(stub.requests) == 1


# -- k means k: servers that ignore n, servers that serialise ------------------------------------

def test_a_server_that_ignores_n_is_asked_again_with_distinct_seeds():
    """llama.cpp answers n=4 with one choice: the client asks again for the rest, each request with
    its own seed, until it has 4, and says how they were obtained."""
    with StubServer(lambda request: Reply(f"sample seed={request.get('seed')}"), ignore_n=True) as stub:
        c = chat(make_client(stub.base_url), n=4, seed=7)
        sent = list(stub.requests)
    assert len(c.texts) == 4 and len(set(c.texts)) == 4
    assert [r["n"] for r in sent] == [4, 3, 2, 1]
    assert [r["seed"] for r in sent] == [7, 8, 9, 10]
    assert c.sampling == {"requested_n": 4, "choices_per_request": [1, 1, 1, 1], "requests": 4,
                          "seeds": [7, 8, 9, 10], "samples": 4, "stopped": None, "cached_per_request": [False] * 4}


def test_follow_ups_without_a_seed_get_distinct_stable_seeds_and_replay_from_the_cache(tmp_path):
    db = tmp_path / "c.sqlite"
    with StubServer(lambda request: Reply(f"s{request.get('seed')}"), ignore_n=True) as stub:
        first = chat(make_client(stub.base_url, use_cache=True, cache_path=db), n=3)
        again = chat(make_client(stub.base_url, use_cache=True, cache_path=db), n=3)
        sent = len(stub.requests)
    seeds = first.sampling["seeds"]
    assert seeds[0] is None and len(set(seeds[1:])) == 2 and None not in seeds[1:]
    assert sent == 3 and again.texts == first.texts and again.cached  # the rerun is all cache hits
    assert first.sampling["cached_per_request"] == [False] * 3 and again.sampling["cached_per_request"] == [True] * 3


def test_a_budget_stops_the_follow_ups_and_keeps_what_came():
    asked = []

    def budget(so_far):
        asked.append(len(so_far.texts))
        return "budget: 2 LLM calls" if len(so_far.texts) >= 2 else None

    with StubServer(default=Reply("x"), ignore_n=True) as stub:
        c = chat(make_client(stub.base_url), n=4, before_follow_up=budget)
        sent = len(stub.requests)
    assert sent == 2 and len(c.texts) == 2 and asked == [1, 2]
    assert c.sampling["stopped"] == "budget: 2 LLM calls" and c.sampling["choices_per_request"] == [1, 1]


def test_n_above_what_llama_server_accepts_is_asked_in_requests_it_accepts():
    """llama-server refuses n above its slots (HTTP 400); the client keeps the limit it states and asks
    for k = 8 in requests of at most 4, with distinct seeds, and starts at 4 the next time."""
    with StubServer(lambda request: [f"s{request.get('seed')}-{i}" for i in range(request["n"])], max_n=4) as stub:
        client = make_client(stub.base_url)

        async def twice():
            try:
                return [await client.chat(MSGS, n=8, seed=3), await client.chat(MSGS, n=6, seed=20)]
            finally:
                await client.aclose()
        first, second = asyncio.run(twice())
        sent = [(r["n"], r["seed"]) for r in stub.requests]
    assert sent == [(8, 3), (4, 3), (4, 4), (4, 20), (2, 21)]  # the refused n=8, then what it accepts
    assert len(first.texts) == 8 and len(set(first.texts)) == 8
    assert first.sampling["choices_per_request"] == [4, 4] and first.sampling["seeds"] == [3, 4]
    assert len(second.texts) == 6 and second.sampling["choices_per_request"] == [4, 2]
    assert client.usage.calls == 4 and client.usage.retries == 0


def test_a_refusal_that_states_no_smaller_n_is_the_users_error():
    with StubServer(default=Reply("x"), max_n=1) as stub:
        c = chat(make_client(stub.base_url), n=1)
        assert c.texts == ["x"]
        stub.max_n = 0  # a server that accepts no n at all: nothing to split into, the 400 stands
        with pytest.raises(LLMRequestError, match="HTTP 400"):
            chat(make_client(stub.base_url), n=2)


def test_a_server_without_json_schemas_is_asked_again_in_free_text():
    schema = {"type": "json_schema", "json_schema": {"name": "checks", "schema": {"type": "object"}}}
    with StubServer(default=Reply('{"checks": []}'), refuse_schema=True) as stub:
        c = chat(make_client(stub.base_url), n=1, extra={"response_format": schema})
        sent = list(stub.requests)
    assert c.texts == ['{"checks": []}'] and len(sent) == 2
    assert "response_format" in sent[0] and "response_format" not in sent[1]


def test_a_server_that_honours_n_takes_one_request():
    with StubServer(default=Reply("x")) as stub:
        c = chat(make_client(stub.base_url), n=3)
        sent = len(stub.requests)
    assert sent == 1 and c.sampling["requests"] == 1 and c.sampling["choices_per_request"] == [3]


def test_requests_queued_behind_a_serialising_server_do_not_time_out():
    """A server running one request at a time (it says so at /props, as llama-server does): the
    client sends one at a time, so no request's timeout runs while it waits in the server's queue.
    Without the limit the 3rd and 4th of these would wait 2 and 3 s against a 2.5 s timeout."""
    with StubServer(default=Reply("x"), latency_s=1.0, serial=True, slots=1) as stub:
        client = make_client(stub.base_url, timeout_s=2.5, max_retries=0, max_concurrency=8)

        async def burst():
            try:
                return await asyncio.gather(*(client.chat([{"role": "user", "content": str(i)}]) for i in range(4)))
            finally:
                await client.aclose()
        out = asyncio.run(burst())
    assert [c.texts for c in out] == [["x"]] * 4
    assert stub.max_in_flight == 1 and client.usage.retries == 0


def test_a_serialising_server_that_does_not_say_so_is_sent_fewer_after_a_timeout():
    """No /props: the first burst overruns the server's queue; the request that timed out with
    another in flight halves the client's limit and its retry waits its turn in the client."""
    with StubServer(default=Reply("x"), latency_s=1.0, serial=True) as stub:
        client = make_client(stub.base_url, timeout_s=1.8, max_retries=2, max_concurrency=2)

        async def burst():
            try:
                return await asyncio.gather(*(client.chat([{"role": "user", "content": str(i)}]) for i in range(2)))
            finally:
                await client.aclose()
        out = asyncio.run(burst())
    assert [c.texts for c in out] == [["x"]] * 2
    assert client.usage.retries == 1 and client._limiter.limit == 1


def test_the_limiter_counts_what_overlapped_a_request_not_what_was_there_when_it_entered():
    """The request that enters first, alone, and is then queued by the server behind a later one still
    saw two in flight; one that runs alone afterwards saw one."""
    from agent.llm.client import _Limiter

    async def go():
        limiter = _Limiter(2)
        first_slot = limiter.slot()
        first = await first_slot.__aenter__()
        assert first == [1]
        async with limiter.slot() as second:
            assert first == second == [2]
        await first_slot.__aexit__(None, None, None)
        async with limiter.slot() as alone:
            assert alone == [1] and first == [2]
        return limiter.active
    assert asyncio.run(go()) == 0


def test_completion_tokens_count_every_sequence_when_the_server_counts_one():
    """llama-server's usage counts one of the n sequences (148 reported for 614 generated, n = 4);
    the client counts each choice with the server's /tokenize instead."""
    replies = Reply(["one two three", "four five", "six"], finish_reasons=["stop", "length", "stop"])
    with StubServer(default=replies, llama_usage=True) as stub:
        c = chat(make_client(stub.base_url), n=3)
    assert c.completion_tokens == (3 + 1) + 2 + (1 + 1)
    with StubServer(default=replies) as stub:  # a server whose usage is right is taken at its word
        assert chat(make_client(stub.base_url), n=3).completion_tokens == 6
