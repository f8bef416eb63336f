"""Measure oracle-free selection live: the agent never sees the reference; it is used only to score.

    python -m agent.oracle_free.bench --bench own --ids l2_abs_diff,l2_max3 -k 4 --depth 1 --out runs/of1

For each problem: one `solve` with `select=all` (every chain runs to a pass or its depth) on the
task with reference and testbench removed; then every candidate the choices below could pick is
simulated against the hidden reference. Functional pass@1 of
  (a) first-compiling: the first attempt (round, then sample order) that compiles, elaborates and lowers;
  (b) random-compiling: the expected pass of a uniformly chosen chain's first compiling attempt;
  (c) interface-checked: the first attempt that also matches the spec's interface (what select=first returns);
  (d) voted: the candidate the behavioural vote chose (= (c) when fewer than one passes);
  with --checks (or `checks = true` in --config) `voted` is (e): voting + the model's checks, which
  rank equal groups and repair the chosen candidate (the samples come from the response cache, so
  a --checks run over a finished run's problems pays only for the checks and their repairs).
One JSON file per problem in --out (a rerun skips them; the LLM response cache makes a re-solve cheap).

    python -m agent.oracle_free.bench --bench eval_set_v2.jsonl --from-run RUN [-k 4] [--checks] --out DIR

reads the candidates off a recorded `agent eval`/`agent sweep` run instead (no generation call): the
first k chains (all when -k is not given) and, with --checks, (e) `checks_voted` beside (d) on the
same candidates: the model is asked for the interface (when the parser cannot read it) and for its
checks, one temperature-0 call each, cached.
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Awaitable, Callable
from agent.errors import ChiselAgentError

if TYPE_CHECKING:
    from agent.prompting import Prompt

SELECTORS = ("first_compiling", "random_compiling", "interface_checked", "voted")
CHECKS_SELECTOR = "checks_voted"  # (e), in --from-run --checks rows only


def _compiled(a) -> bool:
    return bool(a.code) and (a.ok or a.category == "interface_mismatch")


def choices(res) -> dict[str, Any]:
    """The candidates each selector picks from one SolveResult: code, or a list of codes for the
    random selector (scored as their mean)."""
    attempts = sorted(((a.round, c.sample_index, a) for c in res.chains for a in c.attempts), key=lambda t: t[:2])
    first_compiling = next((a.code for _, _, a in attempts if _compiled(a)), None)
    per_chain = [next((a.code for a in c.attempts if _compiled(a)), None) for c in res.chains]
    checked = next((a.code for _, _, a in attempts if a.ok), None)
    voted = res.final_code if res.solved else None
    return {"first_compiling": first_compiling, "random_compiling": [c for c in per_chain if c],
            "interface_checked": checked, "voted": voted}


def _settings(args, **overrides):
    """The settings of `agent solve` with this harness's flags (agent.config.load_config; a bad value
    raises ConfigError, which main() prints as one line)."""
    from agent.config import load_config

    return load_config(Path(args.config) if args.config else None, model=args.model, base_url=args.base_url,
                       **overrides)


async def run(args) -> int:
    from agent.eval.benchmarks import load_benchmark
    from agent.llm import LLMClient
    from agent.eval.verification import with_reference, without_oracle
    from agent.search import solve
    from agent.trace import Trace
    from reflect_env import ReflectEnv

    bench = load_benchmark(args.bench)
    wanted = args.ids.split(",") if args.ids else [t.id for t in bench.tasks]
    tasks = {t.id: t for t in bench.tasks}
    missing = [i for i in wanted if i not in tasks]
    if missing:
        print(f"error: unknown problem id(s): {', '.join(missing)}", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    cfg = _settings(args, k=args.k, depth=args.depth, select="all", seed=args.seed, rag=False,
                    max_tokens=args.max_tokens, checks=True if args.checks else None)
    llm = LLMClient(cfg.llm)
    with ReflectEnv(profile=cfg.profile, workers=args.workers) as env:
        scorer = _Scorer(env)
        try:
            await llm.check_served()
            for tid in wanted:
                dest = out / f"{tid}.json"
                if dest.exists():
                    continue
                task = tasks[tid]
                scoring = with_reference(task)
                if scoring is None or scoring.reference is None:
                    print(f"skip {tid}: no reference to score with", file=sys.stderr)
                    continue
                with Trace(out / tid) as trace:  # the search sees what the eval's search sees: no oracle
                    res = await solve(without_oracle(task), cfg, llm=llm, env=env, trace=trace)
                picks = choices(res)
                row = {"id": tid, "llm_calls": res.llm_calls, "tokens": res.tokens, "wall_s": res.wall_s,
                       "verify_s": res.verify_s, "interface": res.interface, "vote": res.vote,
                       "chains": len(res.chains), "passing_chains": sum(c.first_pass_round is not None
                                                                        for c in res.chains)}
                try:
                    for name in SELECTORS:
                        row[name] = await scorer.mean(picks[name], scoring)
                except _InfraError as e:
                    print(f"skip {tid} (rerun to retry): the verifier failed twice: {e}", file=sys.stderr)
                    continue
                dest.write_text(json.dumps(row, indent=1) + "\n")
                print(json.dumps({k: row[k] for k in ("id", *SELECTORS, "llm_calls", "wall_s")}), file=sys.stderr)
        finally:
            await llm.aclose()
    print(json.dumps(summarize(out), indent=1))
    return 0


def recorded_outputs(results: Path, bench: str) -> dict:
    """The interface check alone on recorded model outputs (one per problem, e.g. the seed's 14B
    baseline_results.json): per problem, whether it builds (after the fixers), whether its ports
    contradict the interface its spec states, and whether it matches the hidden reference."""
    from agent.eval.benchmarks import load_benchmark
    from agent.candidate import fix_code
    from agent.eval.replay import extract_recorded, load_recorded
    from agent.oracle_free.interface import parse_interface
    from reflect_env import ReflectEnv
    from reflect_env.interface import interface_verdict

    recorded = load_recorded(results)
    tasks = [t for t in load_benchmark(bench).tasks if t.id in recorded]
    rows = []
    with ReflectEnv(profile="chisel7", workers=2) as env:
        for t in tasks:
            rec = recorded[t.id]
            code = rec.extracted_code or extract_recorded(rec.raw_output or "", t.top)
            code = fix_code(code, t, "chisel7")[0] if code else None
            iface = parse_interface(t.spec)
            row: dict[str, Any] = {"id": t.id, "interface": iface.source if iface else None, "builds": False,
                   "interface_ok": None, "functional": False}
            if code:
                built = env.verify(code, top=t.top)
                row["builds"] = built.ok
                if built.ok:
                    checked = interface_verdict(built, iface)
                    row["interface_ok"] = checked.ok
                    row["problems"] = [d.message for d in checked.diagnostics if not checked.ok][-3:]
                    ref = t.reference or t.meta.get("reference_code")
                    row["functional"] = env.verify(code, top=t.top, reference=ref).ok
            rows.append(row)
    built = [r for r in rows if r["builds"]]
    return {"problems": len(rows), "builds": len(built),
            "with_interface": sum(1 for r in built if r["interface"]),
            "functional": sum(r["functional"] for r in built),
            "flagged": sum(r["interface_ok"] is False for r in built),
            "flagged_and_wrong": sum(r["interface_ok"] is False and not r["functional"] for r in built),
            "flagged_but_correct": sum(r["interface_ok"] is False and r["functional"] for r in built),
            "wrong_not_flagged": sum(r["interface_ok"] is not False and not r["functional"] for r in built),
            "rows": rows}


def from_run(run_dir: Path, bench: str, out: Path, *, depth: int | None = None, k: int | None = None,
             workers: int = 1, ask: "Callable[[Prompt], Awaitable[str]] | None" = None) -> None:
    """The selections read off a recorded `agent eval`/`agent sweep` run whose search saw no oracle
    (run.json `oracle_feedback: false`): its first k chains are the candidates, so the rules compare
    on the very samples the grid scored. Without `ask` no LLM call: the interface comes from the spec
    parser alone (a spec it cannot read is checked against nothing, as live when the model is not
    asked). With `ask` (the model, temperature 0) the interface is derived as a live solve derives it
    and the model's checks rank the vote: (e) `checks_voted`, beside (d) `voted` on the same candidates.
    One JSON row per problem in `out`, as the live mode writes (`--summary` reads either)."""
    asyncio.run(_from_run(run_dir, bench, out, depth=depth, k=k, workers=workers, ask=ask))


async def _from_run(run_dir: Path, bench: str, out: Path, *, depth: int | None, k: int | None, workers: int,
                    ask) -> None:
    from agent.eval.benchmarks import load_benchmark
    from agent.records import read_results
    from agent.eval.verification import with_reference
    from reflect_env import ReflectEnv

    meta = json.loads((run_dir / "run.json").read_text())
    if meta.get("oracle_feedback"):
        raise SystemExit(f"error: {run_dir} was searched with --oracle-feedback: its candidates saw the reference")
    samples = meta.get("samples")
    if k is not None and samples and k > samples:
        raise SystemExit(f"error: -k {k}: {run_dir} drew {samples} samples per problem")
    tasks = {t.id: t for t in load_benchmark(bench).tasks}
    out.mkdir(parents=True, exist_ok=True)
    profile = meta.get("profile") or "chisel7"
    with ReflectEnv(profile=profile, workers=workers) as env:
        scorer = _Scorer(env)
        for rec in read_results(run_dir / "results.jsonl"):
            task = tasks.get(rec.id)
            scoring = with_reference(task) if task is not None else None
            dest = out / f"{rec.id}.json"
            if dest.exists() or scoring is None or scoring.reference is None:
                continue
            try:
                row = await _recorded_problem(scorer, rec, task, scoring, depth=depth, k=k, ask=ask, profile=profile)
            except _InfraError as e:
                print(f"skip {rec.id} (rerun to retry): the verifier failed twice: {e}", file=sys.stderr)
                continue
            row["from_run"] = str(run_dir)
            dest.write_text(json.dumps(row, indent=1) + "\n")
            shown = (*SELECTORS, CHECKS_SELECTOR) if CHECKS_SELECTOR in row else SELECTORS
            print(json.dumps({key: row[key] for key in ("id", *shown)}), file=sys.stderr)


class _InfraError(ChiselAgentError, RuntimeError):
    pass


class _Scorer:
    """The bench's verifier calls, live and from a run alike: `agent.eval.verification.check` (a crash
    or timeout is checked once more: the machine's fault, not the candidate's), and when it still
    crashes, the problem is given up, its row unwritten, for a rerun to do again. Each code's verdict
    against the hidden reference is computed once."""

    def __init__(self, env):
        self.env = env
        self.scores: dict[str, bool] = {}

    async def _check(self, task, code: str):
        from reflect_env.result import INFRA_CATEGORIES
        from agent.eval.verification import check

        result = await check(self.env, task, code)
        if not result.ok and result.category in INFRA_CATEGORIES:
            raise _InfraError(f"{result.category}: {result.error_log()[:200]}")
        return result

    async def build(self, code: str, task):
        """Compile, elaborate and lower, as a search with no reference does."""
        from agent.eval.verification import without_oracle

        return await self._check(without_oracle(task), code)

    async def functional(self, code: str, scoring) -> bool:
        """`scoring`: the task with its hidden reference (`agent.eval.verification.with_reference`)."""
        key = hashlib.sha1(code.encode()).hexdigest()
        if key not in self.scores:
            self.scores[key] = (await self._check(scoring, code)).ok
        return self.scores[key]

    async def mean(self, pick: "str | list[str] | None", scoring) -> float:
        """A selector's score: its code's pass (0 when it picks nothing), or the mean over a list."""
        if isinstance(pick, list):
            return sum([await self.functional(c, scoring) for c in pick]) / len(pick) if pick else 0.0
        return float(await self.functional(pick, scoring)) if pick else 0.0


async def _recorded_problem(scorer: _Scorer, rec, task, scoring, *, depth: int | None, k: int | None, ask,
                            profile: str) -> dict[str, Any]:
    import time

    from agent import oracle_free
    from agent.eval.verification import without_oracle
    from agent.prompting import PromptBuilder
    from reflect_env.interface import interface_verdict

    t0 = time.monotonic()
    calls = 0
    builder = PromptBuilder(profile)

    async def counted(prompt):
        nonlocal calls
        calls += 1
        return await ask(prompt)
    if ask is None:
        iface = oracle_free.parse_interface(task.spec)
    else:
        iface = await oracle_free.derive_interface(without_oracle(task), builder, counted)
    # A chain stops at its first pass, so this holds at most one attempt per chain, in the order
    # a select=first search would meet them (round, then sample).
    ordered = sorted(((a.round, ch.sample_index, a.code) for ch in rec.chains for a in ch.attempts
                      if a.ok and a.code and (depth is None or a.round <= depth)
                      and (k is None or ch.sample_index < k)), key=lambda t: t[:2])
    built = {idx: await scorer.build(code, task) for _, idx, code in ordered}
    fits = {idx: r.ok and interface_verdict(r, iface).ok for idx, r in built.items()}
    first = ordered[0][2] if ordered else None
    checked = next((code for _, idx, code in ordered if fits[idx]), None)
    cands = [oracle_free.Candidate(chain=idx, code=code, verilog=built[idx].verilog or "",
                                   top=built[idx].top or task.top, repairs=rnd)
             for rnd, idx, code in sorted(ordered, key=lambda t: t[1]) if fits[idx] and built[idx].verilog]
    code_of = {idx: code for _, idx, code in ordered}
    result = await asyncio.to_thread(oracle_free.vote, cands) if cands else None
    row: dict[str, Any] = {
        "id": rec.id, "k": k if k is not None else len(rec.chains), "recorded_llm_calls": rec.llm_calls,
        "interface": {"source": iface.source if iface else None},
        "vote": result.to_dict() if result else None, "chains": len(rec.chains), "passing_chains": len(ordered),
        "first_compiling": await scorer.mean(first, scoring),
        "random_compiling": await scorer.mean(list(code_of.values()), scoring),
        "interface_checked": await scorer.mean(checked, scoring),
        "voted": await scorer.mean(code_of[result.chosen] if result and result.chosen is not None else None,
                                   scoring),
    }
    if result:
        row["voted_group_functional"] = [await scorer.functional(code_of[i], scoring) for i in result.groups[0]]
    if ask is not None:  # (e): the same candidates, the vote ranked by the model's trusted checks
        checks: list[list[dict]] = []
        dropped: list[str] = []
        if iface is not None and cands:  # as live: asked only when there is an interface and a vote
            checks, dropped = oracle_free.parse_checks(
                await counted(oracle_free.checks_prompt(builder, task.spec, iface)), iface)
        with_checks = await asyncio.to_thread(oracle_free.vote, cands, checks=checks) if checks else result
        row["checks"] = {"kept": len(checks), "dropped": dropped}
        row["checks_vote"] = with_checks.to_dict() if with_checks else None
        row[CHECKS_SELECTOR] = await scorer.mean(
            code_of[with_checks.chosen] if with_checks and with_checks.chosen is not None else None, scoring)
    row["llm_calls"] = calls
    row["wall_s"] = round(time.monotonic() - t0, 2)
    return row


def _paired_rules(rows: list[dict], a: str, b: str) -> dict:
    """Rule b against rule a on the same rows: mean difference, its 95 % bootstrap interval over
    problems, the problems each wins, and the exact McNemar p on those discordant problems."""
    from agent.eval.compare import mcnemar_exact_p
    from agent.eval.metrics import bootstrap_ci

    deltas = [r[b] - r[a] for r in rows]
    lo, hi = bootstrap_ci(deltas)
    b_wins = [r["id"] for r in rows if r[b] > r[a]]
    a_wins = [r["id"] for r in rows if r[a] > r[b]]
    return {"delta": round(sum(deltas) / len(deltas), 3) if deltas else None, "ci95": [round(lo, 3), round(hi, 3)],
            f"{b}_wins": b_wins, f"{a}_wins": a_wins, "mcnemar_p": round(mcnemar_exact_p(len(a_wins), len(b_wins)), 4)}


def summarize(out: Path) -> dict:
    from agent.eval.metrics import bootstrap_ci

    rows = [json.loads(p.read_text()) for p in sorted(out.glob("*.json"))]
    table = {}
    with_checks = bool(rows) and all(CHECKS_SELECTOR in r for r in rows)
    for name in (*SELECTORS, CHECKS_SELECTOR) if with_checks else SELECTORS:
        values = [r[name] for r in rows]
        lo, hi = bootstrap_ci(values)
        table[name] = {"pass@1": round(sum(values) / len(values), 3) if values else None,
                       "ci95": [round(lo, 3), round(hi, 3)]}
    # The selections are paired (same problems, same candidates): the per-problem differences carry the
    # comparison, not the overlap of the two marginal intervals.
    pairs = [("voted", "first_compiling")] + ([(CHECKS_SELECTOR, "voted"), (CHECKS_SELECTOR, "first_compiling")]
                                              if with_checks else [])
    paired = {f"{b}-{a}": _paired_rules(rows, a, b) for b, a in pairs}
    votes = [r["vote"] for r in rows if r.get("vote")]
    checked_votes = [r.get("checks_vote") or r["vote"] for r in rows if r.get("checks_vote") or r.get("vote")]
    # How far "N of k agree" can be trusted: of the confirmed votes, how many chose a right design.
    confirmed = [r for r in rows if (r.get("vote") or {}).get("confirmed")]
    return {"problems": len(rows), "selectors": table, "paired": paired,
            "confirmed_votes_right": f"{sum(r['voted'] == 1.0 for r in confirmed)}/{len(confirmed)}",
            "unconfirmed_or_no_vote_right": f"{sum(r['voted'] == 1.0 for r in rows if r not in confirmed)}"
                                            f"/{len(rows) - len(confirmed)}",
            "llm_calls": sum(r["llm_calls"] for r in rows),
            "interface_llm_calls": sum(1 for r in rows if (r.get("interface") or {}).get("source") == "model"),
            "interface_sources": sorted({(r.get("interface") or {}).get("source") or "none" for r in rows}),
            "vote_sim_s": round(sum(v["sim_s"] for v in votes), 2),
            "votes_confirmed": sum(v["confirmed"] for v in votes), "votes": len(votes),
            "checks_run": sum(1 for v in checked_votes if v.get("checks")),
            "checks_suspect": sum(len(v["checks"]["suspect"]) for v in checked_votes if v.get("checks")),
            "check_repairs": sum(len(v["checks"].get("repairs", [])) for v in checked_votes if v.get("checks")),
            "wall_s": round(sum(r["wall_s"] for r in rows), 1)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m agent.oracle_free.bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--bench", required=True, help="benchmark name or path (own, eval_set_v2.jsonl, ...)")
    p.add_argument("--ids", help="comma-separated problem ids (default: all)")
    p.add_argument("-k", type=int, default=None, help="samples per problem (live: default 4; --from-run: the "
                                                       "first k recorded chains, default all)")
    p.add_argument("--depth", type=int, default=1)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--max-tokens", type=int, default=1024)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--model")
    p.add_argument("--base-url")
    p.add_argument("--config", help="agent config file (e.g. [llm] timeout_s for a slow shared server)")
    p.add_argument("--checks", action="store_true", help="the model's checks on: live, `voted` is then selector (e); with --from-run, "
                                                              "(e) `checks_voted` beside (d) on the same candidates")
    p.add_argument("--out")
    p.add_argument("--summary", action="store_true", help="only print the summary of --out")
    p.add_argument("--recorded", help="instead: check recorded outputs (a results file) against --bench's specs")
    p.add_argument("--from-run", help="instead: the selections on the k chains of a recorded agent eval/sweep run "
                                      "(no generation call; --checks asks the interface and checks); rows go to --out")
    args = p.parse_args(argv)
    if args.recorded:
        print(json.dumps(recorded_outputs(Path(args.recorded), args.bench), indent=1))
        return 0
    if not args.out:
        p.error("--out is required (except with --recorded)")
    if args.summary:
        print(json.dumps(summarize(Path(args.out)), indent=1))
        return 0
    if args.from_run:
        run_dir = Path(args.from_run)
        if not (run_dir / "results.jsonl").exists() or not (run_dir / "run.json").exists():
            p.error(f"--from-run {run_dir}: not a run directory (results.jsonl and run.json)")
        depth = args.depth if "--depth" in (argv or sys.argv) else None
        if not args.checks:
            from_run(run_dir, args.bench, Path(args.out), depth=depth, k=args.k, workers=args.workers)
        else:
            asyncio.run(_from_run_asking(args, run_dir, depth))
        print(json.dumps(summarize(Path(args.out)), indent=1))
        return 0
    args.k = 4 if args.k is None else args.k
    return asyncio.run(run(args))


async def _from_run_asking(args, run_dir: Path, depth: int | None) -> None:
    """--from-run --checks: the model answers the interface and checks questions (temperature 0, cached)."""
    from agent.llm import LLMClient

    cfg = _settings(args, seed=args.seed, max_tokens=args.max_tokens)
    llm = LLMClient(cfg.llm)

    async def ask(prompt: "Prompt") -> str:
        completion = await llm.chat(prompt.messages, n=1, temperature=0.0, seed=cfg.seed, max_tokens=cfg.max_tokens,
                                    top_p=cfg.top_p, extra=prompt.extra())
        return completion.text
    try:
        await llm.check_served()
        await _from_run(run_dir, args.bench, Path(args.out), depth=depth, k=args.k, workers=args.workers, ask=ask)
    finally:
        await llm.aclose()


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ChiselAgentError as e:  # a bad config file or value, an unknown benchmark: one line, no traceback
        print(f"error: {e.message}", file=sys.stderr)
        sys.exit(2)
