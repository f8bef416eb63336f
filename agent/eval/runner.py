"""Run a benchmark: every problem concurrently (LLM requests and the verifier pool both kept busy),
one results.jsonl line appended and flushed per finished problem, resumable after a kill."""
from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from agent.cli_util import err_console
from agent.eval.benchmarks import Benchmark
from agent.eval.records import ProblemRecord, ResultsLog, read_results
from agent.eval.report import RUN_META, write_outputs
from reflect_env.sim.tools import icarus
from agent.interfaces import ProblemSolver
from agent.llm.client import LLMUnavailable
from agent.task import Task

# Settings that change what a record means: a resumed run must use the same ones.
IDENTITY_KEYS = ("kind", "bench_path", "samples", "depth", "select", "replay", "fix", "rag", "model", "profile")


class RunError(ValueError):
    pass


@dataclass
class RunOptions:
    out: Path
    kind: str = "eval"  # "eval" | "sweep"
    samples: int | None = None  # None: the search config's default (live) / what was recorded (replay)
    depth: int | None = None
    ks: list[int] = field(default_factory=lambda: [1])
    depths: list[int] | None = None  # sweep grid rows
    lenient: bool = False
    select: str | None = None  # live: "all" | "first"; None: all when some k < samples (see resolve_live_budget)
    fix: bool = True
    rag: bool = True
    replay: Path | None = None
    limit: int | None = None
    resume: bool = False
    model: str | None = None
    base_url: str | None = None
    temperature: float | None = None
    profile: str | None = None
    concurrency: int | None = None
    workers: int | None = None  # verifier JVM workers (None: one per core)
    cache: bool = True  # the LLM client's response cache (a rerun with the same requests costs nothing)
    allow_blackbox: bool = False  # accept BlackBox/inline Verilog (else category `blackbox`)
    include_harness: bool = False  # count problems `agent bench selfcheck` labelled harness in the rates


@dataclass
class RunOutcome:
    records: list[ProblemRecord]
    summary: dict
    errors: dict[str, str]  # problem id -> why it has no record (rerun with --resume)
    new: int  # records added by this invocation
    elapsed_s: float = 0.0  # the run's wall time, resumed invocations included


def run_meta(bench: Benchmark, opts: RunOptions, task_ids: list[str]) -> dict:
    return {
        "kind": opts.kind, "bench": bench.name, "bench_path": str(bench.path.resolve()),
        "bench_format": bench.format, "samples": opts.samples, "depth": opts.depth, "select": opts.select, "ks": opts.ks,
        "depths": opts.depths, "mode": "lenient" if opts.lenient else "strict", "fix": opts.fix,
        "rag": opts.rag and opts.replay is None,
        "replay": str(opts.replay.resolve()) if opts.replay else None, "model": opts.model,
        "base_url": opts.base_url, "temperature": opts.temperature, "profile": opts.profile,
        "limit": opts.limit, "llm_cache": opts.cache, "allow_blackbox": opts.allow_blackbox,
        "include_harness": opts.include_harness, "simulator": icarus().describe(), "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "task_ids": task_ids,
    }


def resolve_live_budget(opts: RunOptions) -> None:
    """Fill in the search's defaults and pick how chains end, so run.json says what really ran.

    pass@k for k < n needs every sample chain run to its end (select=all); with select=first the
    chains still running at the first pass are cancelled and would count as failures, so only
    pass@n (= solved or not) is reported then."""
    if opts.replay is not None:
        return
    from agent.search import SolveConfig

    defaults = SolveConfig()
    opts.samples = opts.samples if opts.samples is not None else defaults.k
    opts.depth = opts.depth if opts.depth is not None else defaults.depth
    if opts.kind == "sweep":
        opts.select = "all"
    elif opts.select is None:
        opts.select = "all" if any(k < opts.samples for k in opts.ks) else "first"
    opts.ks = sorted({k for k in opts.ks if k <= opts.samples} if opts.select == "all" else {opts.samples})


def prepare_run_dir(bench: Benchmark, opts: RunOptions) -> tuple[dict, set[str]]:
    """Create or reopen the run directory; returns its metadata and the ids already done."""
    resolve_live_budget(opts)
    opts.out.mkdir(parents=True, exist_ok=True)
    tasks = bench.tasks[: opts.limit] if opts.limit else bench.tasks
    meta = run_meta(bench, opts, [t.id for t in tasks])
    meta_path, log_path = opts.out / RUN_META, opts.out / "results.jsonl"
    has_results = log_path.exists() and log_path.stat().st_size > 0
    if has_results and not opts.resume:
        raise RunError(f"{opts.out} already holds results; pass --resume to finish that run or choose another --out")
    if opts.resume and meta_path.exists():
        old = json.loads(meta_path.read_text())
        changed = [k for k in IDENTITY_KEYS if old.get(k) != meta.get(k)]
        if changed:
            raise RunError(f"cannot resume {opts.out}: settings differ from the original run ({', '.join(changed)})")
        meta["created"] = old.get("created", meta["created"])
        meta["elapsed_s"] = old.get("elapsed_s", 0.0)
        meta["task_ids"] = list(dict.fromkeys([*old.get("task_ids", []), *meta["task_ids"]]))
    meta_path.write_text(json.dumps(meta, indent=1))
    done = {r.id for r in read_results(log_path, repair=True)}
    return meta, done


def default_concurrency(opts: RunOptions, workers: int) -> int:
    # Replay only waits on the verifier; live runs also wait on the model, so keep more in flight.
    return max(1, workers * (2 if opts.replay else 4))


def run_benchmark(bench: Benchmark, opts: RunOptions, *, env_factory=None) -> RunOutcome:
    meta, done = prepare_run_dir(bench, opts)
    tasks = [t for t in (bench.tasks[: opts.limit] if opts.limit else bench.tasks) if t.id not in done]
    errors: dict[str, str] = {}
    new = 0
    t0 = time.monotonic()
    try:
        if tasks:
            new = asyncio.run(_run_tasks(tasks, opts, errors, env_factory))
    finally:  # the run's own wall time, summed over resumed invocations
        meta["elapsed_s"] = round(meta.get("elapsed_s", 0.0) + time.monotonic() - t0, 2)
        (opts.out / RUN_META).write_text(json.dumps(meta, indent=1))
    records = read_results(opts.out / "results.jsonl")
    summary = write_outputs(opts.out, meta, records)
    return RunOutcome(records, summary, errors, new, meta["elapsed_s"])


def _open_env(opts: RunOptions, env_factory):
    if env_factory is not None:
        return env_factory()
    from reflect_env import ReflectEnv
    from reflect_env.toolchain import ToolchainMissing

    try:
        return ReflectEnv(profile=opts.profile, workers=opts.workers, allow_blackbox=opts.allow_blackbox)
    except ToolchainMissing:
        raise
    except Exception as e:  # e.g. the JVM workers did not come up in time on a loaded machine
        raise RunError(f"the verifier did not start: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
                       f" (nothing was run; try again, or fewer --workers)") from None


async def _check_llm(opts: RunOptions) -> None:
    """A live run checks the server and model before the verifier starts: one line, nothing run."""
    from agent.config import ConfigError, load_config
    from agent.llm import LLMClient

    try:
        cfg = load_config(model=opts.model, base_url=opts.base_url).llm
    except ConfigError:
        return  # reported (one line) where the solver is made
    client = LLMClient(cfg.model_copy(update={"use_cache": False, "max_retries": 0}))
    try:
        await client.check_served()
    except LLMUnavailable as e:
        raise RunError(f"{e} (nothing was run)") from None
    finally:
        await client.aclose()


async def _run_tasks(tasks, opts: RunOptions, errors: dict[str, str], env_factory) -> int:
    if opts.replay is None:
        await _check_llm(opts)
    with _open_env(opts, env_factory) as env:
        solver = _make_solver(env, opts)
        try:
            return await _drive(tasks, opts, errors, env, solver)
        finally:
            await solver.aclose()


async def _drive(tasks, opts: RunOptions, errors: dict[str, str], env, solver: ProblemSolver) -> int:
    workers = getattr(env, "workers", None) or 2
    workers = workers if isinstance(workers, int) else len(workers)
    sem = asyncio.Semaphore(opts.concurrency or default_concurrency(opts, workers))
    fatal: list[str] = []  # the model server is gone: stop starting problems, keep what is done
    passed = finished = 0
    with ResultsLog(opts.out / "results.jsonl") as log, Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("done, {task.fields[passed]} passed"), TimeElapsedColumn(),
        console=err_console, transient=False,
    ) as progress:
        bar = progress.add_task(opts.kind, total=len(tasks), passed=0)

        async def one(task):
            nonlocal passed, finished
            record = None
            async with sem:
                if fatal:
                    return
                try:
                    record = await solver.solve(task)
                except Exception as e:  # one broken problem must not lose the others' results
                    message = f"{type(e).__name__}: {e}".splitlines()[0][:300]
                    if isinstance(e, LLMUnavailable) or _verifier_gone(e):
                        fatal.append(str(e).splitlines()[0])
                    errors[task.id] = message
            if record is not None:
                log.append(record)
                finished += 1
                passed += record.score(opts.lenient)
            progress.update(bar, advance=1, passed=passed)

        await asyncio.gather(*(one(t) for t in tasks))
    if fatal:
        raise RunError(f"{fatal[0]} ({finished} problem(s) recorded in {opts.out}; rerun with --resume)")
    return finished


def _verifier_gone(e: Exception) -> bool:
    """The verifier lost every worker: no later problem can be verified either, so the run stops."""
    from agent.search import VerifierUnavailable
    from reflect_env.pool import PoolUnavailable

    return isinstance(e, (VerifierUnavailable, PoolUnavailable))


class _Replayer:
    def __init__(self, env, opts: RunOptions):
        from agent.eval.replay import load_recorded

        self.env, self.opts = env, opts
        assert opts.replay is not None  # a _Replayer exists only for a replay run
        self.recorded = load_recorded(opts.replay)

    async def solve(self, task: Task) -> ProblemRecord:
        from agent.eval.replay import replay_problem

        return await replay_problem(self.env, task, self.recorded.get(task.id), fix=self.opts.fix,
                                    depth=self.opts.depth, profile=self.opts.profile)

    async def aclose(self) -> None:
        pass  # a replay holds nothing of its own: the verifier belongs to the run


def _make_solver(env, opts: RunOptions) -> ProblemSolver:
    if opts.replay is not None:
        return _Replayer(env, opts)
    from agent.config import ConfigError
    from agent.eval.live import LiveSettings, LiveSolver

    try:
        return LiveSolver(env, LiveSettings(
            samples=opts.samples, depth=opts.depth, select_all=opts.select == "all", fix=opts.fix, rag=opts.rag,
            model=opts.model, base_url=opts.base_url, temperature=opts.temperature, profile=opts.profile,
            cache=opts.cache, trace_dir=opts.out / "traces"))
    except ConfigError as e:
        raise RunError(" ".join(str(e).split())) from None
