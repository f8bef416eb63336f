"""Run a benchmark: every problem concurrently (LLM requests and the verifier pool both kept busy),
one results.jsonl line appended and flushed per finished problem, resumable after a kill.

Library code: the caller opens the verifier (`env_factory`) and shows progress (`on_progress`); the
`agent eval` / `agent sweep` commands pass the CLI's verifier and progress bar."""
from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import MISSING, dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.eval.benchmarks import Benchmark
from agent.records import ProblemRecord, ResultsLog, read_results
from agent.eval.report import RUN_META, write_outputs
from agent.eval.run_meta import RunMeta
from reflect_env.sim.tools import icarus
from agent.interfaces import ProblemSolver
from agent.llm.client import LLMUnavailable
from agent.task import Task
from agent.eval.verification import score_functional, with_reference, without_oracle
from agent.errors import ChiselAgentError

if TYPE_CHECKING:
    from agent.config import AgentConfig
    from agent.eval.replay import RecordedProblem

# Settings that change what a record means: a resumed run must use the same ones (run.json's model).
IDENTITY_KEYS = RunMeta.IDENTITY
# Run directories written before these were resolved from the config file recorded None for them.
_UNRESOLVED_BEFORE = ("model", "profile")


class RunError(ChiselAgentError, ValueError):
    pass


# The flags of a run that are settings: RunOptions keyword -> agent.config.load_config override name.
SETTING_FLAGS = {"samples": "k", "depth": "depth", "fix": "fix", "rag": "rag", "model": "model",
                 "base_url": "base_url", "api_key": "api_key", "temperature": "temperature", "profile": "profile",
                 "workers": "workers", "base_urls": "base_urls", "ray": "ray_address", "examples": "examples",
                 "pymodels": "pymodels"}


@dataclass(init=False)
class RunOptions:
    """A run: its settings (AgentConfig, loaded once by resolve_settings the way `agent solve` loads
    them: defaults < config file < env vars < layers < this run's flags) and what only a run has.

    The flags that are settings (SETTING_FLAGS, and `cache`) are kept as given in `flags` (None: from
    the settings) and read back through properties: the resolved setting once resolve_settings ran,
    the flag before. A replay runs no model: its samples, depth (a cut-off), temperature, rag, model and
    base_url stay the flags (run.json says what was asked, not a model's settings)."""

    out: Path
    kind: str = "eval"  # "eval" | "sweep"
    config_file: Path | None = None  # chisel-agent.toml (None: the usual search, see agent.config)
    ks: list[int] = field(default_factory=lambda: [1])
    depths: list[int] | None = None  # sweep grid rows
    lenient: bool = False
    select: str | None = None  # live: "all" | "first"; None: all when some k < samples (see resolve_settings)
    # Scoring is separate from what the search sees: with oracle_feedback the search verifies against
    # the reference/testbench (and repairs from its mismatches); without, it sees compile, elaborate
    # and emit only, and the reference is used afterwards to score. compile_only: no functional score.
    oracle_feedback: bool = False
    compile_only: bool = False
    replay: Path | None = None
    limit: int | None = None
    resume: bool = False
    concurrency: int | None = None
    cache: bool = True  # the LLM client's response cache (a rerun with the same requests costs nothing)
    allow_blackbox: bool = False  # accept BlackBox/inline Verilog (else category `blackbox`)
    include_harness: bool = False  # count problems `agent bench selfcheck` labelled harness in the rates
    # Settings layers between the env vars and the flags (agent.config.load_config), e.g. the sweep's
    # grid file: ("grid:FILE", {"model": ..., ...}).
    layers: list[tuple[str, dict]] = field(default_factory=list)
    flags: dict[str, Any] = field(default_factory=dict, repr=False)  # SETTING_FLAGS as given (api_key too)
    settings: AgentConfig | None = None  # filled by resolve_settings
    # Filled by resolve_settings: pass@k values dropped for exceeding the samples (the run notes them,
    # whatever set the sample count), and whether select was chosen from ks rather than given.
    dropped_ks: list[int] = field(default_factory=list)
    select_chosen: bool = False
    # A replay's recorded outputs, loaded and checked against the benchmark before the verifier starts.
    recorded: dict[str, RecordedProblem] | None = field(default=None, repr=False)

    def __init__(self, out: Path, **kw: Any):
        self.flags = {name: kw.pop(name, None) for name in SETTING_FLAGS}
        self.out = out
        for name, f in self.__dataclass_fields__.items():
            if name in ("out", "flags"):
                continue
            if name in kw:
                setattr(self, name, kw.pop(name))
            elif f.default_factory is not MISSING:
                setattr(self, name, f.default_factory())
            else:
                setattr(self, name, f.default)
        if kw:
            raise TypeError(f"RunOptions got unexpected keyword(s): {', '.join(kw)}")

    def _setting(self, flag: str, value_of: Callable[[AgentConfig], Any], *, live_only: bool = False) -> Any:
        if self.settings is None or (live_only and self.replay is not None):
            return self.flags[flag]
        return value_of(self.settings)

    @property
    def samples(self) -> int | None:  # live: k; replay: None (what was recorded)
        return self._setting("samples", lambda s: s.k, live_only=True)

    @property
    def depth(self) -> int | None:  # live: repair rounds; replay: None (as recorded) or a cut-off
        return self._setting("depth", lambda s: s.depth, live_only=True)

    @property
    def temperature(self) -> float | None:
        return self._setting("temperature", lambda s: s.temperature, live_only=True)

    @property
    def rag(self) -> bool | None:
        return self._setting("rag", lambda s: s.rag, live_only=True)

    @property
    def model(self) -> str | None:
        return self._setting("model", lambda s: s.llm.model, live_only=True)

    @property
    def base_url(self) -> str | None:
        return self._setting("base_url", lambda s: s.llm.endpoints[0], live_only=True)

    @property
    def base_urls(self) -> list[str] | None:  # several endpoints (agent.llm.router); None: base_url alone
        return self._setting("base_urls", lambda s: s.llm.base_urls or None, live_only=True)

    @property
    def ray(self) -> str | None:  # verify on the Ray cluster at this address (agent.cluster); None: local pool
        return self._setting("ray", lambda s: s.ray_address)

    @property
    def fix(self) -> bool | None:
        return self._setting("fix", lambda s: s.fix)

    @property
    def profile(self) -> str | None:
        return self._setting("profile", lambda s: s.profile)

    @property
    def workers(self) -> int | None:  # verifier JVM workers (None: one per core)
        return self._setting("workers", lambda s: s.workers)


@dataclass
class RunProgress:
    """How far a run is: given to `on_progress` when its problems start and after each one ends."""
    total: int  # problems this invocation runs (those a resumed run has not recorded yet)
    done: int = 0  # problems ended: recorded, or failed to run
    compiled: int = 0  # records that compile (scored as the run scores: strict or lenient)
    functional: int = 0  # records that pass the functional check
    checked: int = 0  # records scored functionally (the problem has a reference or testbench)


EnvFactory = Callable[[], AbstractContextManager[Any]]  # opens the verifier (a ReflectEnv) for the run
OnProgress = Callable[[RunProgress], None]
OnNote = Callable[[str], None]  # one line for the user (a note or a warning), printed before the progress bar


@dataclass
class RunOutcome:
    records: list[ProblemRecord]
    summary: dict
    errors: dict[str, str]  # problem id -> why it has no record (rerun with --resume)
    new: int  # records added by this invocation
    elapsed_s: float = 0.0  # the run's wall time, resumed invocations included


def run_meta(bench: Benchmark, opts: RunOptions, task_ids: list[str]) -> RunMeta:
    return RunMeta(**{
        "kind": opts.kind, "bench": bench.name, "bench_path": str(bench.path.resolve()),
        "bench_format": bench.format, "samples": opts.samples, "depth": opts.depth, "select": opts.select, "ks": opts.ks,
        "depths": opts.depths, "mode": "lenient" if opts.lenient else "strict", "fix": opts.fix,
        "rag": bool(opts.rag) and opts.replay is None,
        "oracle_feedback": opts.oracle_feedback, "compile_only": opts.compile_only,
        "replay": str(opts.replay.resolve()) if opts.replay else None, "model": opts.model,
        "base_url": opts.base_url, "base_urls": opts.base_urls, "ray": opts.ray, "temperature": opts.temperature,
        "profile": opts.profile,
        "fewshot": opts.settings.fewshot if opts.settings and opts.replay is None else None,
        "import_hints": opts.settings.import_hints if opts.settings and opts.replay is None else None,
        "escape": opts.settings.escape if opts.settings and opts.replay is None else None,
        "interface": opts.settings.interface if opts.settings and opts.replay is None else None,
        "vote": opts.settings.vote if opts.settings and opts.replay is None else None,
        "checks": opts.settings.checks if opts.settings and opts.replay is None else None,
        "examples": opts.settings.examples if opts.settings and opts.replay is None else None,
        "examples_m": opts.settings.examples_m if opts.settings and opts.replay is None else None,
        "example_diversity": opts.settings.example_diversity if opts.settings and opts.replay is None else None,
        "pymodels": opts.settings.pymodels if opts.settings and opts.replay is None else None,
        "core_notes": opts.settings.core_notes if opts.settings and opts.replay is None else None,
        # resolved like bench_path: a relative path says nothing once the run is read from elsewhere
        "config_file": (str(Path(opts.settings.config_file).resolve())
                        if opts.settings and opts.settings.config_file else None),
        "limit": opts.limit, "llm_cache": opts.cache, "allow_blackbox": opts.allow_blackbox,
        "include_harness": opts.include_harness, "simulator": icarus().describe(),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "task_ids": task_ids,
    })


def resolve_settings(opts: RunOptions) -> None:
    """Load the run's settings once, the same way as `agent solve` (defaults < config file < env vars
    < layers < this run's flags), into opts.settings: from then on opts.samples, opts.fix, ... are
    the values that run, so run.json says what ran. Then pick how chains end.

    pass@k for k < n needs every sample chain run to its end (select=all); with select=first the
    chains still running at the first pass are cancelled and would count as failures, so only
    pass@n (= solved or not) is reported then."""
    from agent.config import ConfigError, load_config
    from reflect_env.toolchain import get_profile

    live = opts.replay is None
    flags = {SETTING_FLAGS[name]: value for name, value in opts.flags.items()
             if live or name not in ("samples", "depth", "base_urls")}  # a replay's depth is a cut-off
    try:
        cfg = load_config(opts.config_file, layers=opts.layers, use_cache=None if opts.cache else False, **flags)
        get_profile(cfg.profile)
    except (ConfigError, ValueError) as e:
        raise RunError(" ".join(str(e).split())) from None
    opts.settings = cfg  # from here on opts.samples, opts.fix, ... are the settings that run
    if not live:
        return
    assert opts.samples is not None  # live: the settings' k
    if opts.kind == "sweep":
        opts.select = "all"
    elif opts.select is None:
        opts.select = "all" if any(k < opts.samples for k in opts.ks) else "first"
        opts.select_chosen = True
    opts.dropped_ks = [k for k in opts.ks if k > opts.samples]
    opts.ks = sorted({k for k in opts.ks if k <= opts.samples} if opts.select == "all" else {opts.samples})


def prepare_run_dir(bench: Benchmark, opts: RunOptions) -> tuple[dict, set[str]]:
    """Create or reopen the run directory; returns its metadata and the ids already done."""
    resolve_settings(opts)
    opts.out.mkdir(parents=True, exist_ok=True)
    tasks = bench.tasks[: opts.limit] if opts.limit else bench.tasks
    meta = run_meta(bench, opts, [t.id for t in tasks])
    meta_path, log_path = opts.out / RUN_META, opts.out / "results.jsonl"
    has_results = log_path.exists() and log_path.stat().st_size > 0
    if has_results and not opts.resume:
        raise RunError(f"{opts.out} already holds results; pass --resume to finish that run or choose another --out")
    if opts.resume and meta_path.exists():
        old = RunMeta.read(meta_path)
        changed = meta.identity_changes(old, unresolved_before=_UNRESOLVED_BEFORE)
        if opts.select_chosen and "samples" in changed:
            changed.pop("select", None)  # chosen from the samples, not given: it follows the -n change
        if changed:
            raise RunError(f"cannot resume {opts.out}: settings differ from the original run: "
                           + ", ".join(f"{k} was {a}, now {b}" for k, (a, b) in changed.items()))
        meta.created = old.created or meta.created
        meta.elapsed_s = old.elapsed_s or 0.0
        meta.task_ids = list(dict.fromkeys([*old.task_ids, *meta.task_ids]))
    meta_path.write_text(meta.to_json())
    done = {r.id for r in read_results(log_path, repair=True)}
    return meta.model_dump(exclude_unset=True), done


def default_concurrency(opts: RunOptions, workers: int) -> int:
    # Replay only waits on the verifier; live runs also wait on the model, so keep more in flight.
    return max(1, workers * (2 if opts.replay else 4))


def run_benchmark(bench: Benchmark, opts: RunOptions, *, env_factory: EnvFactory,
                  on_progress: OnProgress | None = None, on_note: OnNote | None = None) -> RunOutcome:
    """Run (or finish) the benchmark into opts.out. The verifier is opened with env_factory() only
    when there is something to run, after a live run found its model served. Notes (pass@k values
    not reported, replay ids without output) go to on_note once the input has been found good."""
    run_tasks = bench.tasks[: opts.limit] if opts.limit else bench.tasks
    warning = check_replay(opts, [t.id for t in run_tasks]) if opts.replay is not None else None
    meta, done = prepare_run_dir(bench, opts)
    tasks = [t for t in run_tasks if t.id not in done]
    errors: dict[str, str] = {}
    new = 0
    t0 = time.monotonic()

    def notes() -> None:  # after the server check: bad input and a server that is down come first
        if on_note is None:
            return
        if opts.dropped_ks:
            on_note(f"note: pass@k needs k <= samples (n = {opts.samples}); not reporting k = {opts.dropped_ks}")
        if warning:
            on_note(warning)

    try:
        if tasks:
            new = asyncio.run(_run_tasks(tasks, opts, errors, env_factory, on_progress or (lambda _: None),
                                         on_start=notes))
    finally:  # the run's own wall time, summed over resumed invocations
        meta["elapsed_s"] = round(meta.get("elapsed_s", 0.0) + time.monotonic() - t0, 2)
        (opts.out / RUN_META).write_text(json.dumps(meta, indent=1))
    records = read_results(opts.out / "results.jsonl")
    summary = write_outputs(opts.out, meta, records)
    return RunOutcome(records, summary, errors, new, meta["elapsed_s"])


async def _check_llm(opts: RunOptions) -> None:
    """A live run checks the server and model before the verifier starts: one line, nothing run."""
    from agent.llm import LLMUnavailable
    from agent.llm.router import make_client

    assert opts.settings is not None
    client = make_client(opts.settings.llm.model_copy(update={"use_cache": False, "max_retries": 0}))
    try:
        await client.check_served()
    except LLMUnavailable as e:
        raise RunError(f"{e} (nothing was run)") from None
    finally:
        await client.aclose()


def check_replay(opts: RunOptions, task_ids: list[str]) -> str | None:
    """Load the replay's recorded outputs into opts.recorded, refusing (ReplayError) a file that
    cannot be this benchmark's results: none of its ids is a problem of the run, or no record holds
    any model output (e.g. the eval set itself). Returns a warning when only some problems have no
    record (they are scored missing_output)."""
    from agent.eval.replay import ReplayError, load_recorded

    assert opts.replay is not None
    recorded = load_recorded(opts.replay)
    if not any(r.has_output for r in recorded.values()):
        raise ReplayError(f"--replay {opts.replay}: no record holds a model output (raw_output, extracted_code "
                          f"or sample chains); it is not a results file (give a results JSON or a run directory)")
    missing = [i for i in task_ids if i not in recorded]
    if task_ids and len(missing) == len(task_ids):
        raise ReplayError(f"--replay {opts.replay}: none of its {len(recorded)} record id(s) is a problem of this "
                          f"benchmark (e.g. {next(iter(recorded))!r} vs {task_ids[0]!r}); results of another benchmark?")
    opts.recorded = recorded
    if missing:
        return (f"warning: --replay {opts.replay} has no record for {len(missing)} of {len(task_ids)} problem(s) "
                f"(e.g. {missing[0]}); they are scored missing_output")
    return None


async def _run_tasks(tasks, opts: RunOptions, errors: dict[str, str], env_factory: EnvFactory,
                     on_progress: OnProgress, *, on_start: Callable[[], None] | None = None) -> int:
    if opts.replay is None:
        await _check_llm(opts)
    if on_start is not None:
        on_start()
    with env_factory() as env:
        solver = _make_solver(env, opts)
        try:
            return await _drive(tasks, opts, errors, env, solver, on_progress)
        finally:
            await solver.aclose()


async def _drive(tasks, opts: RunOptions, errors: dict[str, str], env, solver: ProblemSolver,
                 on_progress: OnProgress) -> int:
    workers = getattr(env, "workers", None) or 2
    workers = workers if isinstance(workers, int) else len(workers)
    sem = asyncio.Semaphore(opts.concurrency or default_concurrency(opts, workers))
    fatal: list[str] = []  # the model server is gone: stop starting problems, keep what is done
    finished = 0
    state = RunProgress(total=len(tasks))
    on_progress(replace(state))
    with ResultsLog(opts.out / "results.jsonl") as log:

        async def one(task):
            nonlocal finished
            record = None
            async with sem:
                if fatal:
                    return
                try:
                    seen = (with_reference(task) or task) if opts.oracle_feedback else without_oracle(task)
                    record = await solver.solve(seen)
                    if not opts.compile_only:
                        await score_functional(env, task, record, oracle_feedback=opts.oracle_feedback)
                except Exception as e:  # one broken problem must not lose the others' results
                    message = f"{type(e).__name__}: {e}".splitlines()[0][:300]
                    if isinstance(e, LLMUnavailable) or _verifier_gone(e):
                        fatal.append(str(e).splitlines()[0])
                    errors[task.id] = message
            if record is not None:
                log.append(record)
                finished += 1
                state.compiled += record.score(opts.lenient, "compile")
                state.functional += bool(record.functional)
                state.checked += record.functional is not None
            state.done += 1
            on_progress(replace(state))

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
        self.recorded = opts.recorded if opts.recorded is not None else load_recorded(opts.replay)

    async def solve(self, task: Task) -> ProblemRecord:
        from agent.eval.replay import replay_problem

        return await replay_problem(self.env, task, self.recorded.get(task.id), fix=self.opts.fix is not False,
                                    depth=self.opts.depth, profile=self.opts.profile)

    async def aclose(self) -> None:
        pass  # a replay holds nothing of its own: the verifier belongs to the run


def _make_solver(env, opts: RunOptions) -> ProblemSolver:
    if opts.replay is not None:
        return _Replayer(env, opts)
    from agent.eval.live import LiveSolver

    assert opts.settings is not None
    return LiveSolver(env, opts.settings, select_all=opts.select == "all", trace_dir=opts.out / "traces")
