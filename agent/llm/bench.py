"""What the LLM client itself costs per request, measured against the zero-latency stub server.

Four phases over real HTTP on 127.0.0.1: raw keep-alive POSTs with http.client (the floor: stub +
loopback), the same requests through LLMClient one at a time (the difference is the client's
overhead: openai SDK, tenacity, semaphore), a concurrent burst bounded by max_concurrency, and cache
hits (SQLite lookups). The burst goes to a second stub that takes BURST_LATENCY_S per reply, as a
model does: against the zero-latency one each reply came back before the client had sent the next
few, so 2 of 8 allowed requests were ever in flight and the limit was never exercised.
"""
from __future__ import annotations

import asyncio
import http.client
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Callable
from urllib.parse import urlparse

from agent.config import LLMConfig
from agent.llm.client import LLMClient

BURST_LATENCY_S = 0.02
MESSAGES = [{"role": "system", "content": "You write Chisel."},
            {"role": "user", "content": "Write an 8-bit adder module named Adder."}]


def _ms_stats(samples_s: list[float]) -> dict:
    ms = sorted(s * 1000 for s in samples_s)
    return {"mean_ms": round(statistics.fmean(ms), 3), "p50_ms": round(ms[len(ms) // 2], 3),
            "p95_ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.95))], 3)}


def _raw_round_trips(base_url: str, n: int, tick: Callable[[], None]) -> list[float]:
    u = urlparse(base_url)
    conn = http.client.HTTPConnection(u.netloc, timeout=10)
    body = json.dumps({"model": "bench", "messages": MESSAGES, "n": 1}).encode()
    out = []
    try:
        for _ in range(n):
            t = time.perf_counter()
            conn.request("POST", u.path.rstrip("/") + "/chat/completions", body,
                         {"Content-Type": "application/json"})
            resp = conn.getresponse()
            resp.read()
            out.append(time.perf_counter() - t)
            tick()
    finally:
        conn.close()
    return out


def run_client_bench(n_requests: int = 200, concurrency: int = 8,
                     tick: Callable[[], None] = lambda: None) -> dict:
    """Returns a JSON-ready report; `tick` is called once per request (progress bars)."""
    from agent.llm.stub_server import Reply, StubServer

    with StubServer(default=Reply("class Adder extends Module {}")) as stub, \
            StubServer(default=Reply("class Adder extends Module {}"), latency_s=BURST_LATENCY_S) as slow, \
            tempfile.TemporaryDirectory() as tmp:
        raw = _raw_round_trips(stub.base_url, n_requests, tick)
        cfg = LLMConfig(base_url=stub.base_url, model="bench", max_concurrency=concurrency,
                        cache_path=Path(tmp) / "bench.sqlite", use_cache=False)

        async def client_phases():
            uncached = LLMClient(cfg)
            await uncached.chat(MESSAGES)  # warm-up: the SDK's lazy imports and the first connection
            seq = []
            for i in range(n_requests):
                t = time.perf_counter()
                await uncached.chat(MESSAGES, seed=i)
                seq.append(time.perf_counter() - t)
                tick()
            await uncached.aclose()
            burst = LLMClient(cfg.model_copy(update={"base_url": slow.base_url}))
            await burst.chat(MESSAGES)  # its own connection set-up, outside the timing
            t = time.perf_counter()

            async def one(i):
                await burst.chat(MESSAGES, seed=i)
                tick()
            await asyncio.gather(*(one(i) for i in range(n_requests)))
            burst_s = time.perf_counter() - t
            max_in_flight = slow.max_in_flight
            await burst.aclose()

            cached = LLMClient(cfg.model_copy(update={"use_cache": True}))
            await cached.chat(MESSAGES)  # fills the cache
            hits = []
            for _ in range(n_requests):
                t = time.perf_counter()
                c = await cached.chat(MESSAGES)
                hits.append(time.perf_counter() - t)
                assert c.cached
                tick()
            await cached.aclose()
            return seq, burst_s, max_in_flight, hits

        seq, burst_s, max_in_flight, hits = asyncio.run(client_phases())

    raw_stats, seq_stats = _ms_stats(raw), _ms_stats(seq)
    return {
        "requests_per_phase": n_requests,
        "raw_http_round_trip": raw_stats,
        "client_sequential": seq_stats,
        "client_overhead_ms": round(seq_stats["mean_ms"] - raw_stats["mean_ms"], 3),
        # requests_per_s is bounded by concurrency / stub latency (400/s at 8 and 20 ms)
        "client_concurrent": {"concurrency": concurrency, "max_in_flight_seen": max_in_flight,
                              "stub_latency_ms": round(1000 * BURST_LATENCY_S), "wall_s": round(burst_s, 3),
                              "requests_per_s": round(n_requests / burst_s, 1),
                              "ideal_requests_per_s": round(concurrency / BURST_LATENCY_S, 1)},
        "cache_hit": _ms_stats(hits),
        "note": "zero-latency stub on 127.0.0.1 (agent/llm/stub_server.py); overhead = client mean - raw mean; "
                "the burst goes to a stub with stub_latency_ms per reply",
    }
