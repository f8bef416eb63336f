"""`agent bench rag`: cold index build (model load separated) and query latency over the labelled set."""
from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Callable

import yaml

from agent.resources import CHECKOUT

DEFAULT_QUERIES = CHECKOUT / "tests" / "data" / "rag_queries.yaml"
LATENCY_TARGET_MS = 50.0


def load_queries(path: Path) -> list[dict]:
    """The labelled set: a YAML list of {query, code?, diagnostics?, expect: [note ids]}."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, list) or not all(isinstance(q, dict) and "query" in q and q.get("expect") for q in data):
        raise ValueError(f"{path}: expected a YAML list of entries with 'query' and 'expect'")
    for q in data:
        if isinstance(q["expect"], str):
            q["expect"] = [q["expect"]]
    return data


def _pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))]


def run_rag_bench(profile: str, queries: list[dict], k: int = 4, rounds: int = 3,
                  tick: Callable[[str], None] | None = None) -> dict:
    from agent.rag.retriever import Retriever

    tick = tick or (lambda _stage: None)
    with tempfile.TemporaryDirectory(prefix="rag-bench-") as tmp:
        cold = Retriever(profile, cache_dir=Path(tmp))
        t = time.perf_counter()
        stats = cold.build(force=True)
        cold_s = time.perf_counter() - t
        tick("cold build")
        # A second process on a built cache: what an agent run pays before its first query.
        warm = Retriever(profile, cache_dir=Path(tmp), embedder=cold.embedder)
        t = time.perf_counter()
        warm.build()
        reuse_s = time.perf_counter() - t
        tick("warm open")
        for q in queries[:3]:  # warm-up: first calls pay for lazy imports and allocations
            warm.retrieve(q["query"], code=q.get("code"), diagnostics=q.get("diagnostics"), k=k)
        # reference point for CPU contention: one short text through the model, nothing else
        embed_one: list[float] = []
        for _ in range(20):
            t = time.perf_counter()
            warm.embedder.embed(["not found: value Cat"])
            embed_one.append((time.perf_counter() - t) * 1000)
        latencies: list[float] = []
        hits = 0
        misses: list[dict] = []
        for r in range(rounds):
            for q in queries:
                warm.clear_query_cache()  # time the embedding too, as for a new spec or new errors
                t = time.perf_counter()
                got = warm.retrieve(q["query"], code=q.get("code"), diagnostics=q.get("diagnostics"), k=k)
                latencies.append((time.perf_counter() - t) * 1000)
                if r == 0:
                    ids = [n.id for n in got[:3]]
                    if any(e in ids for e in q["expect"]):
                        hits += 1
                    else:
                        misses.append({"query": q["query"][:80], "expect": q["expect"], "got": ids})
                tick("query")
    return {
        "profile": profile,
        "notes": stats.notes,
        "generated_notes": stats.generated,
        "sources_jar": stats.sources_jar,
        "cold_build_s": round(cold_s, 3),
        "model_load_s": stats.model_load_s,
        "embed_s": stats.embed_s,
        "index_write_s": stats.index_s,
        "cold_build_without_model_s": round(cold_s - stats.model_load_s, 3),
        "warm_open_s": round(reuse_s, 3),
        "queries": len(queries),
        "query_rounds": rounds,
        "query_p50_ms": round(statistics.median(latencies), 2),
        "query_p90_ms": round(_pct(latencies, 90), 2),
        "query_max_ms": round(max(latencies), 2),
        "embed_one_text_p50_ms": round(statistics.median(embed_one), 2),
        "latency_target_ms": LATENCY_TARGET_MS,
        "latency_target_met": statistics.median(latencies) <= LATENCY_TARGET_MS,
        "top3_hit_rate": round(hits / len(queries), 4),
        "misses": misses,
        "warnings": stats.warnings,
        "load_average_1m": round(os.getloadavg()[0], 2),
        "cpu_count": os.cpu_count(),
    }
