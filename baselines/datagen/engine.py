"""Draw candidates level by level, verify them concurrently on the warm worker pool, keep the ones
that pass, until every level has its quota.

Determinism: per level, at most (quota - accepted) candidates are in flight and the next one is only
drawn when one fails, so the accepted set is always "the first `quota` passing, non-duplicate
candidates of the level's stream" whatever the timing. Only the line order follows completion.
"""
from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Awaitable, Callable, Protocol

from baselines.datagen.generator import Candidate, candidate
from baselines.datagen.mix import quotas
from baselines.datagen.naming import check_naming
from baselines.datagen.normalize import name_key
from baselines.datagen.store import Existing, Writer, load_existing

# After this many consecutive duplicates a level's template space counts as exhausted.
MAX_CONSECUTIVE_DUPLICATES = 5000
# Worker crashes and timeouts say nothing about the candidate; this many in a row means the verifier
# itself is broken, and the run stops instead of burning through the stream.
MAX_CONSECUTIVE_INFRA_FAILURES = 12
INFRA_CATEGORIES = {"crash", "timeout"}


class VerifierBroken(RuntimeError):
    pass


class Result(Protocol):  # the parts of reflect_env.VerifyResult used here
    ok: bool
    stage: object
    category: object
    timings: dict
    worker: str | None


Verifier = Callable[[str, str], Awaitable[Result]]  # (code, top) -> result


@dataclass
class RunReport:
    requested: int
    quotas: dict[str, int]
    accepted: dict[str, int] = field(default_factory=dict)  # including earlier runs
    new_samples: int = 0
    failures: int = 0
    duplicates: int = 0
    naming_rejects: int = 0
    exhausted: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    verify_s: float = 0.0  # from the first verification launched to the last result

    @property
    def samples_per_s(self) -> float:
        return self.new_samples / self.verify_s if self.verify_s > 0 else 0.0


def _category(result: Result) -> str | None:
    cat = getattr(result, "category", None)
    return getattr(cat, "value", cat)


def _stage(result: Result) -> str | None:
    stage = getattr(result, "stage", None)
    return getattr(stage, "value", stage)


def _first_error(result: Result) -> str | None:
    for d in getattr(result, "diagnostics", None) or []:
        if getattr(d, "severity", "error") == "error":
            return (getattr(d, "message", "") or "")[:300]
    return None


class Engine:
    def __init__(self, out: Path, n: int, levels: list[str], seed: int, verify: Verifier, concurrency: int,
                 on_progress: Callable[[int], None] | None = None):
        self.out, self.n, self.levels, self.seed = out, n, levels, seed
        self.verify, self.concurrency = verify, max(1, concurrency)
        self.on_progress = on_progress or (lambda advanced: None)

    def check_resumable(self, existing: Existing) -> None:
        seeds = {m.get("seed") for m in existing.meta + existing.failures}
        if seeds and seeds != {self.seed}:
            raise ValueError(f"{self.out} was generated with seed {sorted(seeds, key=str)}, not {self.seed}; "
                             "resume with the same --seed or write to another --out")
        stray = {m["level"] for m in existing.meta} - set(self.levels)
        if stray:
            raise ValueError(f"{self.out} holds levels {', '.join(sorted(stray))} not in --levels")

    async def run(self) -> RunReport:
        start = time.perf_counter()
        existing = load_existing(self.out)
        self.check_resumable(existing)
        want = quotas(self.n, self.levels)
        report = RunReport(requested=self.n, quotas=want)
        accepted = {lv: existing.accepted(lv) for lv in self.levels}
        next_index = {lv: existing.next_index(lv) for lv in self.levels}
        # Known keys: written samples, and failed candidates (they would fail again).
        known = {name_key(s["output"]) for s in existing.samples}
        known |= {f["key"] for f in existing.failures if f.get("key") and not f.get("infra")}
        # Candidates a killed run had in flight were never logged: draw them again first, in order.
        # Infrastructure failures (worker crash, timeout) are retried too: they judged no candidate.
        logged = {(m["level"], m["index"]) for m in existing.meta + existing.failures if not m.get("infra")}
        pending = {lv: deque(j for j in range(next_index[lv]) if (lv, j) not in logged) for lv in self.levels}
        in_flight = {lv: 0 for lv in self.levels}
        exhausted: set[str] = set()
        tasks: dict[asyncio.Task, Candidate] = {}
        writer = Writer(self.out)
        first_launch = None
        infra_streak = 0

        def draw(level: str) -> Candidate | None:
            dups = 0
            while dups < MAX_CONSECUTIVE_DUPLICATES:
                if pending[level]:
                    cand = candidate(self.seed, level, pending[level].popleft())
                else:
                    cand = candidate(self.seed, level, next_index[level])
                    next_index[level] += 1
                if cand.key in known:
                    dups += 1
                    report.duplicates += 1
                    continue
                known.add(cand.key)
                reason = check_naming(cand.instruction, cand.code, cand.top)
                if reason:
                    report.naming_rejects += 1
                    writer.failure({**self._meta(cand), "stage": "naming", "category": "name_mismatch", "error": reason})
                    continue
                return cand
            exhausted.add(level)
            return None

        def fill() -> None:
            nonlocal first_launch
            while len(tasks) < self.concurrency:
                # the level furthest behind its quota (relative), so levels interleave evenly
                open_levels = [lv for lv in self.levels if lv not in exhausted
                               and accepted[lv] + in_flight[lv] < want[lv]]
                if not open_levels:
                    return
                level = min(open_levels, key=lambda lv: ((accepted[lv] + in_flight[lv]) / want[lv], self.levels.index(lv)))
                cand = draw(level)
                if cand is None:
                    continue
                in_flight[level] += 1
                first_launch = first_launch or time.perf_counter()
                tasks[asyncio.ensure_future(self.verify(cand.code, cand.top))] = cand

        try:
            fill()
            while tasks:
                done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    cand = tasks.pop(task)
                    in_flight[cand.level] -= 1
                    error: str | None = None
                    try:
                        result = task.result()
                    except Exception as exc:  # the verifier raised: an infrastructure failure
                        result = None
                        error = f"{type(exc).__name__}: {exc}"[:300]
                    if result is None or (not result.ok and _category(result) in INFRA_CATEGORIES):
                        error = error if result is None else _first_error(result)
                        report.failures += 1
                        infra_streak += 1
                        writer.failure({**self._meta(cand), "stage": "verifier" if result is None else _stage(result),
                                        "category": "crash" if result is None else _category(result),
                                        "infra": True, "error": error})
                        if infra_streak >= MAX_CONSECUTIVE_INFRA_FAILURES:
                            raise VerifierBroken(f"the verifier failed {infra_streak} times in a row "
                                                 f"(last: {error or 'no message'}); nothing was lost, re-run with --resume")
                        continue
                    infra_streak = 0
                    if result.ok:
                        accepted[cand.level] += 1
                        report.new_samples += 1
                        writer.sample(cand.alpaca(), {**self._meta(cand), "verify_timings": dict(result.timings or {}),
                                                      "worker": getattr(result, "worker", None)})
                        self.on_progress(1)
                    else:
                        report.failures += 1
                        writer.failure({**self._meta(cand), "stage": _stage(result), "category": _category(result),
                                        "error": _first_error(result), "instruction": cand.instruction, "code": cand.code})
                fill()
        finally:
            for task in tasks:
                task.cancel()
            writer.close()
        end = time.perf_counter()
        report.accepted = accepted
        report.exhausted = sorted(exhausted)
        report.wall_s = end - start
        report.verify_s = end - first_launch if first_launch else 0.0
        return report

    def _meta(self, cand: Candidate) -> dict:
        return {"id": f"{cand.level}-{cand.index:06d}", "level": cand.level, "template": cand.template,
                "seed": self.seed, "index": cand.index, "phrasing": cand.phrasing, "top": cand.top,
                "key": cand.key, "structure": cand.structure}


def reflect_verifier(env) -> Verifier:
    """Adapt a reflect_env.ReflectEnv: strict mode, so a missing instruction-named class fails too."""
    averify = getattr(env, "averify", None)

    async def verify(code: str, top: str):
        if averify is not None:
            return await averify(code, top=top, mode="strict")
        return await asyncio.to_thread(env.verify, code, top=top, mode="strict")

    return verify
