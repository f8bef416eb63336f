"""pass@k and the aggregate statistics of an eval run.

Everything here is a pure function of per-problem records (agent.records.ProblemRecord), so a
report can be regenerated from results.jsonl alone.
"""
from __future__ import annotations

import random
from collections import Counter, defaultdict
from statistics import mean
from typing import Iterable

from agent.records import ProblemRecord

BOOTSTRAP_RESAMPLES = 10_000


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased estimate of P(at least one of k samples passes) given c of n samples passed.

    1 - C(n-c, k) / C(n, k), computed as a running product so large n never overflows or
    loses precision (the form used by the HumanEval paper's reference code).
    """
    if n <= 0:
        raise ValueError(f"pass@k needs at least one sample (n={n})")
    if not 0 <= c <= n:
        raise ValueError(f"passing samples c={c} must be within 0..n={n}")
    if not 1 <= k <= n:
        raise ValueError(f"k={k} must be within 1..n={n}")
    if n - c < k:  # every size-k subset contains a passing sample
        return 1.0
    prob_all_fail = 1.0
    for i in range(n - c + 1, n + 1):
        prob_all_fail *= 1.0 - k / i
    return 1.0 - prob_all_fail


def mean_pass_at_k(counts: Iterable[tuple[int, int]], k: int) -> float | None:
    """Average pass@k over problems given (n, c) per problem; None when some problem has fewer than k samples."""
    counts = list(counts)
    if not counts or any(n < k for n, _ in counts):
        return None
    return mean(pass_at_k(n, c, k) for n, c in counts)


def bootstrap_ci(values: list[float], *, level: float = 0.95, resamples: int = BOOTSTRAP_RESAMPLES,
                 seed: int = 0) -> tuple[float, float]:
    """Percentile interval for the mean of per-problem values (pass 0/1, pass@k, or the paired
    difference of two runs), resampling problems; seeded, so a report regenerates to the same numbers."""
    if not values:
        return (0.0, 0.0)
    rng = random.Random(seed)
    n = len(values)
    means = sorted(sum(rng.choices(values, k=n)) / n for _ in range(resamples))
    lo = means[int((1 - level) / 2 * resamples)]
    hi = means[min(resamples - 1, int((1 + level) / 2 * resamples))]
    return (lo, hi)


def _rate(passed: int, total: int) -> float:
    return passed / total if total else 0.0


def headline_metric(records: list[ProblemRecord]) -> str:
    """"functional" when some problem was checked against a reference, else "compile"."""
    return "functional" if any(r.functional is not None for r in records) else "compile"


def scored(records: list[ProblemRecord], metric: str) -> list[ProblemRecord]:
    """The problems a metric applies to: functional only where there was something to check against."""
    return [r for r in records if r.functional is not None] if metric == "functional" else records


def failure_label(r: ProblemRecord, metric: str, lenient: bool = False) -> str:
    """Why a problem fails under `metric`: a candidate that compiles but differs from the reference
    fails by its simulation verdict (e.g. sim_mismatch); otherwise the cause found by the check that
    scored it in that naming mode (the lenient re-check's own cause in lenient views)."""
    if metric == "functional" and r.compile_passed:
        return r.functional_category or "functional_mismatch"
    return r.failure(lenient) or "unknown"


def _group(records: list[ProblemRecord], key, lenient: bool, metric: str) -> dict:
    groups: dict[str, list[ProblemRecord]] = defaultdict(list)
    for r in scored(records, metric):
        groups[key(r) or "unknown"].append(r)
    out = {}
    for name in sorted(groups):
        rs = groups[name]
        passed = sum(r.score(lenient, metric) for r in rs)
        out[name] = {
            "total": len(rs),
            "passed": passed,
            "pass_rate": _rate(passed, len(rs)),
            "compile_passed": sum(r.score(lenient, "compile") for r in rs),
        }
    return out


def _metric_block(records: list[ProblemRecord], ks: list[int], lenient: bool, metric: str) -> dict:
    rs = scored(records, metric)
    passed = sum(r.score(lenient, metric) for r in rs)
    return {"total": len(rs), "passed": passed, "pass_rate": _rate(passed, len(rs)),
            "pass_rate_ci95": list(bootstrap_ci([float(r.score(lenient, metric)) for r in rs])),
            "pass_at_k": pass_at_k_table(rs, ks, lenient=lenient, metric=metric)}


def _strict_ports_block(records: list[ProblemRecord], ks: list[int]) -> dict | None:
    """VerilogEval's functional score with the testbench's port names required exactly (no adapter),
    over the problems that have it; None when none has (not a fixed-port-name benchmark)."""
    rs = [r for r in records if r.functional_strict is not None]
    if not rs:
        return None
    passed = sum(bool(r.functional_strict) for r in rs)
    counts = [(len(r.chains), sum(ch.functional_strict_ok is True for ch in r.chains)) for r in rs]
    table = {str(k): v for k in sorted(set(ks)) if (v := mean_pass_at_k(counts, k)) is not None}
    return {"total": len(rs), "passed": passed, "pass_rate": _rate(passed, len(rs)),
            "pass_rate_ci95": list(bootstrap_ci([float(bool(r.functional_strict)) for r in rs])),
            "pass_at_k": table}


def pass_at_k_table(records: list[ProblemRecord], ks: Iterable[int], *, lenient: bool = False,
                    depth: int | None = None, metric: str | None = None) -> dict[str, float]:
    """{"k": mean pass@k} for each k that every problem has enough samples for."""
    counts = [r.sample_counts(depth=depth, lenient=lenient, metric=metric) for r in records]
    table = {}
    for k in sorted(set(ks)):
        v = mean_pass_at_k(counts, k)
        if v is not None:
            table[str(k)] = v
    return table


def summarize(records: list[ProblemRecord], ks: Iterable[int], *, lenient: bool = False) -> dict:
    """The run's statistics. The headline (`passed`, `pass_rate`, `pass_at_k`, the groups and the
    failures) is the functional score where problems were checked against a reference, else the
    compile score; both are always reported side by side under `compile_pass` and `functional_pass`.
    The naming mode (strict unless lenient) applies to the compile score; `strict` and `lenient`
    hold the search verifier's own verdict under each."""
    ks = list(ks)
    total = len(records)
    metric = headline_metric(records)
    head = scored(records, metric)
    strict_passed = sum(r.passed for r in records)
    lenient_passed = sum(r.passed_lenient for r in records)
    passed = sum(r.score(lenient, metric) for r in head)
    failing = [r for r in head if not r.score(lenient, metric)]
    failures = Counter(failure_label(r, metric, lenient) for r in failing)
    failed_stages = Counter(r.seed_failed_stage() for r in failing)
    rounds = Counter(str(r.rounds) for r in records)
    return {
        "total": total,
        "headline_metric": metric,
        "scored": len(head),  # problems the headline applies to (functional: those with a reference)
        "passed": passed,
        "failed": len(head) - passed,
        "pass_rate": _rate(passed, len(head)),
        "headline_mode": "lenient" if lenient else "strict",
        # 95 % bootstrap intervals over problems: how much the rate could move on another draw of problems.
        "strict": {"passed": strict_passed, "pass_rate": _rate(strict_passed, total),
                   "pass_rate_ci95": list(bootstrap_ci([float(r.passed) for r in records])),
                   "pass_at_k": pass_at_k_table(records, ks, lenient=False)},
        "lenient": {"passed": lenient_passed, "pass_rate": _rate(lenient_passed, total),
                    "pass_rate_ci95": list(bootstrap_ci([float(r.passed_lenient) for r in records])),
                    "pass_at_k": pass_at_k_table(records, ks, lenient=True)},
        "pass_at_k": pass_at_k_table(head, ks, lenient=lenient, metric=metric),
        "compile_pass": _metric_block(records, ks, lenient, "compile"),
        "functional_pass": _metric_block(records, ks, lenient, "functional"),
        "functional_strict_ports": _strict_ports_block(records, ks),
        "compiled": {"passed": sum(r.compiled for r in records),  # got through the Scala compiler
                     "pass_rate": _rate(sum(r.compiled for r in records), total)},
        "by_level": _group(records, lambda r: r.level, lenient, metric),
        "by_category": _group(records, lambda r: r.category, lenient, metric),
        "by_failure": dict(failures.most_common()),
        "by_failed_stage": dict(failed_stages.most_common()),
        "rounds": {"mean": mean(r.rounds for r in records) if records else 0.0,
                   "histogram": dict(sorted(rounds.items(), key=lambda kv: int(kv[0])))},
        "samples_per_problem": max((len(r.chains) for r in records), default=0),
        "llm_calls": sum(r.llm_calls for r in records),
        "prompt_tokens": sum(r.prompt_tokens for r in records),
        "completion_tokens": sum(r.completion_tokens for r in records),
        "wall_s": sum(r.wall_s for r in records),
        "verify_s": sum(r.verify_s for r in records),
        "mean_wall_s": mean(r.wall_s for r in records) if records else 0.0,
    }
