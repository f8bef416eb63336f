"""Everything a run directory holds besides results.jsonl, regenerated from it: results.json (the
seed's layout plus ours), report.md, plots, and for sweeps grid.csv / grid.md."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from agent.eval.harness import apply_labels, harness_section
from agent.eval.metrics import failure_label, scored, summarize
from agent.eval.plots import plot_by_level, plot_pass_at_k, plot_pass_vs_requests, plot_pass_vs_tokens
from agent.records import ProblemRecord, read_results
from agent.eval.sweep import compute_grid, grid_markdown, write_grid
from agent.errors import ChiselAgentError

RUN_META = "run.json"


class RunDirError(ChiselAgentError, ValueError):
    pass


def load_run(run_dir: Path, warn: Callable[[str], None] | None = None) -> tuple[dict, list[ProblemRecord]]:
    if run_dir.exists() and not run_dir.is_dir():
        raise RunDirError(f"{run_dir} is a file, not a run directory (give the directory agent eval / sweep wrote)")
    if not run_dir.is_dir():
        raise RunDirError(f"run directory not found: {run_dir}")
    meta_path = run_dir / RUN_META
    if not meta_path.exists():
        raise RunDirError(f"{run_dir} is not a run directory (no {RUN_META})")
    try:
        meta = json.loads(meta_path.read_text())
    except json.JSONDecodeError as e:
        raise RunDirError(f"{meta_path}: not valid JSON ({e.msg})") from None
    return meta, read_results(run_dir / "results.jsonl", warn=warn)


def order_like(records: list[ProblemRecord], ids: list[str]) -> list[ProblemRecord]:
    pos = {i: n for n, i in enumerate(ids)}
    return sorted(records, key=lambda r: (pos.get(r.id, len(pos)), r.id))


def write_outputs(run_dir: Path, meta: dict, records: list[ProblemRecord]) -> dict:
    """Write results.json, report.md and plots (and the grid for sweeps); returns the summary."""
    records = order_like(records, meta.get("task_ids") or [])
    lenient = meta.get("mode") == "lenient"
    ks = meta.get("ks") or [1]
    counted, harness = apply_labels(meta, records)  # problems whose reference fails are not the candidate's
    stats = {**summarize(counted, ks, lenient=lenient), **harness}
    stats["oracle_feedback"] = meta.get("oracle_feedback")  # None: a run from before it was recorded
    results = {
        "metadata": {
            "eval_set": meta.get("bench_path"), "model": meta.get("model") or ("replay" if meta.get("replay") else None),
            "timestamp": meta.get("created"), "verify": True,
            **{k: v for k, v in meta.items() if k != "task_ids"},
            "written": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        },
        "statistics": stats,
        "results": [r.to_seed_result() for r in records],
    }
    (run_dir / "results.json").write_text(json.dumps(results, indent=1, default=str))
    cells = []
    if records:
        plot_by_level(stats["by_level"], run_dir / "pass_by_level.png", f"{meta.get('bench')}: pass rate by level")
        if meta.get("kind") == "sweep":
            cells = compute_grid(records, meta.get("ks") or [1], meta.get("depths") or [0])
            write_grid(cells, run_dir)
            if cells:
                plot_pass_at_k(cells, run_dir / "pass_at_k.png", f"{meta.get('bench')}: pass@k by repair depth")
                plot_pass_vs_tokens(cells, run_dir / "pass_vs_tokens.png", f"{meta.get('bench')}: pass vs tokens")
                plot_pass_vs_requests(cells, run_dir / "pass_vs_requests.png", len(records),
                                      f"{meta.get('bench')}: pass vs LLM requests")
    expected = len(meta.get("task_ids") or []) or len(records)
    (run_dir / "report.md").write_text(render_report(meta, stats, records, cells, expected) + harness_section(harness))
    return stats


def pct(x: float) -> str:
    """A rate as a percentage with one decimal (also used by agent.eval.compare)."""
    return f"{100 * x:.1f}%"


def _strict_ports_row(block: dict | None) -> list[str]:
    """VerilogEval: the functional score without the harness's port adapter (exact testbench names)."""
    if not block:
        return []
    return [f"| functional, strict port names (no adapter: `TopModule` with the testbench's names) | "
            f"{block['passed']}/{block['total']} | {pct(block['pass_rate']) if block['total'] else 'n/a'} | "
            f"{_interval(block.get('pass_rate_ci95')) if block['total'] else ''} |"]


def render_report(meta: dict, stats: dict, records: list[ProblemRecord], cells, expected: int) -> str:
    total = stats["total"]
    title = f"# {meta.get('kind', 'eval')} report: {meta.get('bench')}"
    setup = [
        f"- benchmark: `{meta.get('bench_path')}` ({meta.get('bench_format')}), {total} of {expected} problems recorded",
        f"- model: {meta.get('model') or '-'}" + (f" (replay of `{meta['replay']}`)" if meta.get("replay") else ""),
        f"- samples n = {_or(meta.get('samples'), 'as recorded' if meta.get('replay') else 'config default')}, "
        f"repair depth = {_or(meta.get('depth'), 'as recorded' if meta.get('replay') else 'config default')}, fixers: "
        f"{'on' if meta.get('fix') else 'off'}, RAG: {'on' if meta.get('rag') else 'off'}, "
        f"profile: {meta.get('profile') or 'default'}, headline mode: {stats['headline_mode']}",
        f"- {scoring_line(meta, stats)}",
        f"- started {meta.get('created')}",
    ]
    fn, cp = stats["functional_pass"], stats["compile_pass"]
    head = [
        "| score | passed | rate | 95% CI (bootstrap over problems) |", "|---|---|---|---|",
        f"| functional (matches the reference in simulation"
        f"{'; ports through the harness adapter' if stats.get('functional_strict_ports') else ''})"
        f"{' — headline' if stats['headline_metric'] == 'functional' else ''}"
        f" | {fn['passed']}/{fn['total']} | {pct(fn['pass_rate']) if fn['total'] else 'n/a'} | "
        f"{_interval(fn.get('pass_rate_ci95')) if fn['total'] else ''} |",
        *_strict_ports_row(stats.get("functional_strict_ports")),
        f"| compile (compiles, elaborates, emits; {stats['headline_mode']} name)"
        f"{' — headline' if stats['headline_metric'] == 'compile' else ''} | {cp['passed']}/{cp['total']} | "
        f"{_rate(cp['pass_rate'], cp['total'])} | {_interval(cp.get('pass_rate_ci95'), cp['total'])} |",
        f"| search verdict, strict | {stats['strict']['passed']}/{total} | {_rate(stats['strict']['pass_rate'], total)} | "
        f"{_interval(stats['strict'].get('pass_rate_ci95'), total)} |",
        f"| search verdict, lenient (renamed top accepted) | {stats['lenient']['passed']}/{total} | "
        f"{_rate(stats['lenient']['pass_rate'], total)} | {_interval(stats['lenient'].get('pass_rate_ci95'), total)} |",
        f"| got through the Scala compiler | {stats['compiled']['passed']}/{total} | "
        f"{_rate(stats['compiled']['pass_rate'], total)} | |",
    ]
    passk = ["| k | functional | compile |", "|---|---|---|"] + [
        f"| {k} | {_num(fn['pass_at_k'].get(k))} | {v:.3f} |" for k, v in cp["pass_at_k"].items()]

    def group_table(groups: dict) -> list[str]:
        rows = [f"| group | passed ({stats['headline_metric']}) | rate | compile pass |", "|---|---|---|---|"]
        rows += [f"| {g} | {v['passed']}/{v['total']} | {pct(v['pass_rate'])} | {v['compile_passed']}/{v['total']} |"
                 for g, v in groups.items()]
        return rows

    failures = ["| failure category | problems |", "|---|---|"] + [
        f"| {c} | {n} |" for c, n in stats["by_failure"].items()] if stats["by_failure"] else ["_none_"]
    cost = [
        # a problem that failed to run left no record, so its requests are not counted here
        f"- LLM calls{' (recorded problems only)' if total < expected else ''}: {stats['llm_calls']}, "
        f"prompt tokens: {stats['prompt_tokens']}, completion tokens: {stats['completion_tokens']}",
        f"- repair rounds used (reported chain): mean {stats['rounds']['mean']:.2f}, histogram "
        + ", ".join(f"{r}: {n}" for r, n in stats["rounds"]["histogram"].items()),
        f"- run wall time: {meta.get('elapsed_s', 0.0):.1f} s; per problem (overlapping, problems run "
        f"concurrently): sum {stats['wall_s']:.1f} s, mean {stats['mean_wall_s']:.2f} s; "
        f"verifier time {stats['verify_s']:.1f} s",
    ]
    metric = stats["headline_metric"]
    failing = [r for r in scored(records, metric) if not r.score(stats["headline_mode"] == "lenient", metric)]
    fail_rows = ["| id | level | category | stage | first error |", "|---|---|---|---|---|"] + [
        f"| {r.id} | {r.level or '-'} | {failure_label(r, metric, stats['headline_mode'] == 'lenient')} | {r.stage or '-'} | "
        f"{_first_line(r.error_log)} |" for r in failing] if failing else ["_none_"]
    parts = [title, "", *setup, "", "## Scores", "", *head, "", "## pass@k", "", *passk, ""]
    if cells:
        parts += ["## Sweep grid", "", grid_markdown(cells), "![pass@k](pass_at_k.png)",
                  "![pass vs LLM requests](pass_vs_requests.png)", "![pass vs tokens](pass_vs_tokens.png)", ""]
    parts += ["## By level", "", *group_table(stats["by_level"]), "", "![by level](pass_by_level.png)", "",
              "## By category", "", *group_table(stats["by_category"]), "",
              "## Failures", "", *failures, "", "## Cost", "", *cost, "", "## Failing problems", "", *fail_rows, ""]
    return "\n".join(parts)


def scoring_line(meta: dict, stats: dict) -> str:
    """What was scored and what the search saw: every report says whether it had oracle feedback."""
    if meta.get("compile_only"):
        scoring = "scoring: compile only (--compile-only)"
    elif stats["functional_pass"]["total"]:
        scoring = (f"scoring: functional (differential simulation against the reference, or the testbench) "
                   f"on {stats['functional_pass']['total']} problem(s), and compile")
    elif not stats["total"]:  # nothing recorded says nothing about the benchmark's references
        scoring = "scoring: nothing scored yet (no problem recorded)"
    else:
        scoring = "scoring: compile (no recorded problem has a reference or testbench)"
    saw = meta.get("oracle_feedback")
    oracle = ("the search saw oracle feedback (verified against the reference/testbench while repairing)" if saw
              else "the search saw no oracle feedback (compile, elaborate, emit only)" if saw is not None
              else "oracle feedback: not recorded (a run from before it was)")
    return f"{scoring}; {oracle}"


def _num(x) -> str:
    return "-" if x is None else f"{x:.3f}"


def _interval(ci, total: int | None = None) -> str:
    # no problem scored: no interval either (bootstrap_ci's (0, 0) for no values is not a measurement)
    return f"[{pct(ci[0])}, {pct(ci[1])}]" if ci and total != 0 else ""


def _rate(rate: float, total: int) -> str:
    """A rate over `total` problems; n/a over none (0/0 is not 0 %)."""
    return pct(rate) if total else "n/a"


def _or(value, fallback: str):
    return fallback if value is None else value


def _first_line(text: str | None) -> str:
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else "-"
    return line.replace("|", "\\|")[:160]
