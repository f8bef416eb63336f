"""Two runs on the same benchmark, problem by problem: is B better than A, and by how much?

The question a user asks after an ablation (RAG on/off, fixers, a LoRA adapter vs its base, more
samples): the per-problem pairing matters, so the deltas come with a paired bootstrap interval over
problems and an exact McNemar test on the headline pass/fail. Pure functions of the two runs'
records, like agent.eval.metrics.
"""
from __future__ import annotations

from math import comb
from statistics import mean

from agent.eval.metrics import bootstrap_ci, pass_at_k
from agent.records import METRICS, ProblemRecord
from agent.eval.report import pct

def mcnemar_exact_p(a_only: int, b_only: int) -> float:
    """Two-sided exact McNemar p-value from the discordant pairs (binomial with p = 1/2)."""
    n = a_only + b_only
    if n == 0:
        return 1.0
    tail = sum(comb(n, i) for i in range(min(a_only, b_only) + 1)) / 2 ** n
    return min(1.0, 2 * tail)


def _per_problem_pass_at_k(r: ProblemRecord, k: int, lenient: bool, metric: str) -> float:
    n, c = r.sample_counts(lenient=lenient, metric=metric)
    return pass_at_k(n, c, k)


def _paired(ids: list[str], pairs: list[tuple[ProblemRecord, ProblemRecord]], lenient: bool, metric: str) -> dict:
    """B vs A on one metric: rates, the paired delta with its interval, McNemar on the discordant pairs."""
    a_pass = [ra.score(lenient, metric) for ra, _ in pairs]
    b_pass = [rb.score(lenient, metric) for _, rb in pairs]
    fixed = [i for i, x, y in zip(ids, a_pass, b_pass) if y and not x]
    broken = [i for i, x, y in zip(ids, a_pass, b_pass) if x and not y]
    deltas = [float(y) - float(x) for x, y in zip(a_pass, b_pass)]
    lo, hi = bootstrap_ci(deltas)
    return {
        "problems": len(pairs), "a": mean(a_pass) if pairs else 0.0, "b": mean(b_pass) if pairs else 0.0,
        "delta": mean(deltas) if pairs else 0.0, "ci95": [lo, hi],
        "both": sum(x and y for x, y in zip(a_pass, b_pass)), "neither": sum(not x and not y for x, y in zip(a_pass, b_pass)),
        "a_only": len(broken), "b_only": len(fixed), "mcnemar_p": mcnemar_exact_p(len(broken), len(fixed)),
        "fixed": fixed, "broken": broken,
    }


def compare_runs(a: list[ProblemRecord], b: list[ProblemRecord], *, ks: list[int] | None = None,
                 lenient: bool = False) -> dict:
    """JSON-ready comparison of run B against run A over the problems both ran."""
    by_id_a, by_id_b = {r.id: r for r in a}, {r.id: r for r in b}
    common = [i for i in by_id_a if i in by_id_b]
    pairs = [(by_id_a[i], by_id_b[i]) for i in common]

    # Functional where both runs checked the pair against a reference, else compile; both side by side.
    checked = [(ra, rb) for ra, rb in pairs if ra.functional is not None and rb.functional is not None]
    metric = "functional" if pairs and len(checked) == len(pairs) else "compile"
    scores = {m: _paired(ids, ps, lenient, m)
              for m, ids, ps in (("compile", common, pairs),
                                 ("functional", [ra.id for ra, _ in checked], checked))}
    headline = scores[metric]
    a_pass = [ra.score(lenient, metric) for ra, _ in pairs]
    b_pass = [rb.score(lenient, metric) for _, rb in pairs]
    fixed, broken = headline.pop("fixed"), headline.pop("broken")
    for m in METRICS:
        if m != metric:
            scores[m].pop("fixed"), scores[m].pop("broken")

    # pass@k for every k both runs have enough samples for on every common problem.
    min_samples = min((min(len(ra.chains), len(rb.chains)) for ra, rb in pairs), default=0)
    wanted = sorted(set(ks)) if ks else [k for k in (1, 2, 4, 5, 8, 10, 16, 20) if k <= min_samples]
    pass_at, unavailable = {}, [k for k in wanted if k > min_samples]
    for k in (k for k in wanted if k <= min_samples):
        pa = [_per_problem_pass_at_k(ra, k, lenient, metric) for ra, _ in pairs]
        pb = [_per_problem_pass_at_k(rb, k, lenient, metric) for _, rb in pairs]
        d = [y - x for x, y in zip(pa, pb)]
        lo, hi = bootstrap_ci(d)
        pass_at[str(k)] = {"a": mean(pa), "b": mean(pb), "delta": mean(d), "ci95": [lo, hi]}

    levels: dict[str, dict] = {}
    for (ra, _rb), x, y in zip(pairs, a_pass, b_pass):
        row = levels.setdefault(ra.level or "unknown", {"total": 0, "a": 0, "b": 0})
        row["total"] += 1
        row["a"] += x
        row["b"] += y

    def cost(records: list[ProblemRecord]) -> dict:
        return {"llm_calls": sum(r.llm_calls for r in records),
                "tokens": sum(r.prompt_tokens + r.completion_tokens for r in records),
                "wall_s": round(sum(r.wall_s for r in records), 2)}

    return {
        "mode": "lenient" if lenient else "strict",
        "metric": metric,
        "compile": scores["compile"],
        "functional": scores["functional"],
        "problems": len(common),
        "only_in_a": sorted(set(by_id_a) - set(by_id_b)),
        "only_in_b": sorted(set(by_id_b) - set(by_id_a)),
        "pass": headline,
        "pass_at_k": pass_at,
        "pass_at_k_unavailable": unavailable,  # asked for, but some problem has fewer samples in a run
        "by_level": dict(sorted(levels.items())),
        "fixed_by_b": fixed,
        "broken_by_b": broken,
        "cost": {"a": cost([ra for ra, _ in pairs]), "b": cost([rb for _, rb in pairs])},
    }


def _signed_pct(x: float) -> str:
    return f"{100 * x:+.1f}"


def _signed_interval(ci: list[float]) -> str:
    return f"[{_signed_pct(ci[0])}, {_signed_pct(ci[1])}]"


def render_comparison(cmp: dict, name_a: str, name_b: str) -> str:
    """Markdown: headline with interval and p-value, pass@k, by level, the problems that changed."""
    h = cmp["pass"]
    oracle = cmp.get("oracle_feedback") or {}
    saw: dict[object, str] = {True: "yes", False: "no"}
    lines = [
        f"# {name_b} vs {name_a}",
        "",
        f"{cmp['problems']} problems in both runs; headline: {cmp['metric']} pass ({cmp['mode']} names)."
        + (f" Search saw oracle feedback: A {saw.get(oracle.get('a'), 'not recorded')}, "
           f"B {saw.get(oracle.get('b'), 'not recorded')}." if oracle else ""),
        "",
        "| measure | A | B | B − A (points) | 95% CI (paired bootstrap) |",
        "|---|---|---|---|---|",
    ]
    for m in METRICS:
        row = cmp[m]
        if not row["problems"]:
            continue
        label = f"{m} pass" + (" (headline)" if m == cmp["metric"] else "")
        if row["problems"] != cmp["problems"]:
            label += f", {row['problems']} problems"
        lines.append(f"| {label} | {pct(row['a'])} | {pct(row['b'])} | {_signed_pct(row['delta'])} | "
                     f"{_signed_interval(row['ci95'])} |")
    for k, row in cmp["pass_at_k"].items():
        lines.append(f"| {cmp['metric']} pass@{k} | {pct(row['a'])} | {pct(row['b'])} | {_signed_pct(row['delta'])} | "
                     f"{_signed_interval(row['ci95'])} |")
    lines += [
        "",
        # Both say which metric: with compile and functional rows above, an unlabelled count was read
        # as the compile one (BENCHMARKS quoted the compile delta next to these functional counts).
        f"Paired {cmp['metric']} outcomes: both pass {h['both']}, only A {h['a_only']}, only B {h['b_only']}, "
        f"neither {h['neither']}; exact McNemar p = {h['mcnemar_p']:.3g}.",
        "",
        f"| level | problems | A passed ({cmp['metric']}) | B passed ({cmp['metric']}) |",
        "|---|---|---|---|",
        *(f"| {lvl} | {row['total']} | {row['a']} | {row['b']} |" for lvl, row in cmp["by_level"].items()),
        "",
        f"Cost: A {cmp['cost']['a']['llm_calls']} LLM calls, {cmp['cost']['a']['tokens']} tokens; "
        f"B {cmp['cost']['b']['llm_calls']} LLM calls, {cmp['cost']['b']['tokens']} tokens.",
    ]
    if cmp["fixed_by_b"]:
        lines += ["", "Passed only in B: " + ", ".join(cmp["fixed_by_b"])]
    if cmp["broken_by_b"]:
        lines += ["", "Passed only in A: " + ", ".join(cmp["broken_by_b"])]
    if cmp["only_in_a"] or cmp["only_in_b"]:
        lines += ["", f"Not compared (in one run only): {len(cmp['only_in_a'])} in A, {len(cmp['only_in_b'])} in B."]
    return "\n".join(lines) + "\n"
