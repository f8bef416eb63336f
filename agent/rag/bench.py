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


LABELS = ("expect", "reject", "reject_hints", "expect_hints")


def load_queries(path: Path) -> list[dict]:
    """The labelled set: a YAML list of {query, code?, diagnostics?, expect?: [note ids], reject?: [note
    ids], reject_hints?: [import names], expect_hints?: [import names]}, each with at least one label.
    `expect`: one of these notes is in the top 3 (recall); `reject`: none of these notes is retrieved;
    `reject_hints`: none of these names is an import hint for the spec (negatives, issue 22);
    `expect_hints`: each of these names is an import hint for the spec (hint recall)."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, list) or not all(isinstance(q, dict) and "query" in q and any(q.get(k) for k in LABELS)
                                             for q in data):
        raise ValueError(f"{path}: expected a YAML list of entries with 'query' and one of 'expect', 'reject', "
                         "'reject_hints', 'expect_hints'")
    for q in data:
        for key in LABELS:
            value = q.get(key) or []
            q[key] = [value] if isinstance(value, str) else list(value)
    return data


def label_scores(queries: list[dict], retrieved: list[list[str]], hints: list[list[str]]) -> dict:
    """Recall and precision of retrieval and import hints over the labelled set.

    retrieved[i] / hints[i]: the note ids a prompt would get for queries[i] (floor applied) and its
    import hint names. Recall: an expected note in the top 3. Precision has no complete relevance
    labels, so two views: `labelled_precision` counts a retrieved note as relevant only when its
    entry lists it in `expect` (a lower bound), and the negatives count every retrieved `reject`
    note or hint as a false positive (`negatives_clean`: entries with none). Import hints: recall over
    the `expect_hints` names, and labelled precision over the hints of those entries (hints listed
    in `expect_hints`; a lower bound like the notes')."""
    positives = [i for i, q in enumerate(queries) if q["expect"]]
    negatives = [i for i, q in enumerate(queries) if q["reject"] or q["reject_hints"]]
    hit = sum(1 for i in positives if set(queries[i]["expect"]) & set(retrieved[i][:3]))
    shown = sum(len(retrieved[i]) for i in positives)
    relevant = sum(1 for i in positives for n in retrieved[i] if n in queries[i]["expect"])
    violations = []
    for i in negatives:
        bad_notes = [n for n in retrieved[i] if n in queries[i]["reject"]]
        bad_hints = [h for h in hints[i] if h in queries[i]["reject_hints"]]
        if bad_notes or bad_hints:
            violations.append({"query": queries[i]["query"][:80], "notes": bad_notes, "hints": bad_hints})
    neg_notes = sum(len(retrieved[i]) for i in negatives)
    neg_bad = sum(len(v["notes"]) for v in violations)
    neg_hints = sum(len(hints[i]) for i in negatives)
    neg_bad_hints = sum(len(v["hints"]) for v in violations)
    return {
        "positives": len(positives),
        "top3_hit_rate": round(hit / len(positives), 4) if positives else None,
        "labelled_precision": round(relevant / shown, 4) if shown else None,
        "negatives": len(negatives),
        "negatives_clean": round(1 - len(violations) / len(negatives), 4) if negatives else None,
        "negative_notes_retrieved": neg_notes,
        "negative_notes_rejected": neg_bad,  # false positives among them
        "negative_note_precision": round(1 - neg_bad / neg_notes, 4) if neg_notes else None,
        "negative_hints": neg_hints,
        "negative_hints_rejected": neg_bad_hints,
        "negative_hint_precision": round(1 - neg_bad_hints / neg_hints, 4) if neg_hints else None,
        "violations": violations,
        **_hint_scores(queries, hints),
    }


def _hint_scores(queries: list[dict], hints: list[list[str]]) -> dict:
    labelled = [i for i, q in enumerate(queries) if q["expect_hints"]]
    expected = sum(len(queries[i]["expect_hints"]) for i in labelled)
    found = sum(1 for i in labelled for h in queries[i]["expect_hints"] if h in hints[i])
    shown = sum(len(hints[i]) for i in labelled)
    listed = sum(1 for i in labelled for h in hints[i] if h in queries[i]["expect_hints"])
    return {
        "hint_positives": len(labelled),
        "expected_hints": expected,
        "expected_hints_found": found,
        "hint_recall": round(found / expected, 4) if expected else None,
        "hint_labelled_precision": round(listed / shown, 4) if shown else None,
        "hint_misses": [{"query": queries[i]["query"][:80], "missing": [h for h in queries[i]["expect_hints"]
                                                                      if h not in hints[i]], "got": hints[i]}
                        for i in labelled if not set(queries[i]["expect_hints"]) <= set(hints[i])],
    }


def _pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))]


def run_rag_bench(profile: str, queries: list[dict], k: int = 4, rounds: int = 3,
                  tick: Callable[[str], None] | None = None, read_spec: bool = True) -> dict:
    from agent.fixers import import_hints
    from agent.rag.retriever import Retriever

    tick = tick or (lambda _stage: None)
    with tempfile.TemporaryDirectory(prefix="rag-bench-") as tmp:
        cold = Retriever(profile, cache_dir=Path(tmp))
        t = time.perf_counter()
        stats = cold.build(force=True)
        cold_s = time.perf_counter() - t
        tick("cold build")
        # A second process on a built cache: what an agent run pays before its first query.
        warm = Retriever(profile, cache_dir=Path(tmp), embedder=cold.embedder, read_spec=read_spec)
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
        misses: list[dict] = []
        retrieved: list[list[str]] = [[] for _ in queries]
        for r in range(rounds):
            for i, q in enumerate(queries):
                warm.clear_query_cache()  # time the embedding too, as for a new spec or new errors
                t = time.perf_counter()
                got = warm.retrieve(q["query"], code=q.get("code"), diagnostics=q.get("diagnostics"), k=k)
                latencies.append((time.perf_counter() - t) * 1000)
                if r == 0:
                    retrieved[i] = [n.id for n in got]
                    ids = [n.id for n in got[:3]]
                    if q["expect"] and not any(e in ids for e in q["expect"]):
                        misses.append({"query": q["query"][:80], "expect": q["expect"], "got": ids})
                tick("query")
        hints = [[name for name, _ in import_hints(q["query"], read_spec=read_spec)] for q in queries]
        labels = label_scores(queries, retrieved, hints)
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
        "read_spec": read_spec,
        **labels,
        "misses": misses,
        "warnings": stats.warnings,
        "load_average_1m": round(os.getloadavg()[0], 2),
        "cpu_count": os.cpu_count(),
    }
