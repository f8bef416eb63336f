"""`agent eval`, `agent sweep`, `agent report`: benchmark runs, (k, depth) sweeps, and reports."""
from __future__ import annotations

import json
from pathlib import Path
from typing import NoReturn, Optional

import typer

from agent.cli_util import check_profile, err_console, fail, open_verifier, print_json, progress_bar
from agent.commands.options import (AllowBlackbox, ApiKey, BaseUrls, CompileOnly, Concurrency, Config, Depth, Ids, Json,
                                    Limit, Model, NoCache, NoExamples, NoFix, NoRag, OracleFeedback, PassAtK, Profile,
                                    PyModels, RayAddress,
                                    Resume, RunDir, Samples, SamplesGrid, SamplesGridAlias, Select, Strict, Temperature,
                                    Workers, either)

# The commands of this module; agent.cli adds them to `agent`.
commands = typer.Typer()


def _parse_ints(text: str, what: str, minimum: int) -> list[int]:
    try:
        values = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        fail(f"{what} must be comma-separated integers, got {text!r}")
    if not values or any(v < minimum for v in values):
        fail(f"{what} values must be integers >= {minimum}, got {text!r}")
    return sorted(set(values))


def _load_bench(bench: str, ids: str | None = None):
    from agent.eval.benchmarks import load_benchmark, select_ids

    loaded = load_benchmark(bench)  # BenchmarkError: one line, exit 2 (cli_util.OneLineErrors)
    return select_ids(loaded, ids) if ids else loaded


def _default_out(kind: str, bench_name: str) -> Path:
    from datetime import datetime

    return Path("runs") / f"{kind}-{bench_name}-{datetime.now().strftime('%Y%m%d-%H%M%S')}"


class _RunBar:
    """The eval/sweep progress bar, fed by the runner's on_progress; drawn from the first problem on
    (a run that fails before, e.g. server down, prints its one error line and nothing else)."""

    def __init__(self, kind: str, quiet: bool):
        from rich.progress import TaskID, TextColumn

        self.kind = kind
        self.bar = progress_bar(TextColumn("done, compile pass {task.fields[compiled]}{task.fields[functional]}"),
                                quiet=quiet, transient=False)
        self.job: TaskID | None = None

    def __call__(self, p) -> None:
        if self.job is None:
            self.bar.start()
            self.job = self.bar.add_task(self.kind, total=p.total, compiled=0, functional="")
        # functional only over the problems it was scored on (those with a reference or testbench)
        self.bar.update(self.job, completed=p.done, total=p.total, compiled=p.compiled,
                        functional=f", functional pass {p.functional}/{p.checked}" if p.checked else "")

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        if self.job is not None:
            self.bar.stop()


def _execute(bench, opts, as_json: bool, *, default_out: bool = False) -> None:
    from agent.eval.runner import run_benchmark
    from agent.rundir import check_resume_dir, claim_run_dir

    def env_factory():  # after resolve_settings: opts holds the profile, workers and cluster that run
        if opts.ray:
            from agent.commands.cluster_session import open_cluster_verifier

            return open_cluster_verifier(opts.ray, opts.profile, opts.workers, allow_blackbox=opts.allow_blackbox,
                                         record=opts.out / "cluster.json")
        return open_verifier(opts.profile, opts.workers, allow_blackbox=opts.allow_blackbox)

    if opts.resume:
        check_resume_dir(opts.out)
    try:
        with claim_run_dir(opts.out, unique=default_out, setup_files=("run.json",)) as opts.out:
            try:
                with _RunBar(opts.kind, quiet=as_json) as bar:
                    outcome = run_benchmark(bench, opts, env_factory=env_factory, on_progress=bar,
                                            on_note=lambda text: err_console.print(text, highlight=False))
            except ImportError as e:
                fail(f"a component this run needs is missing: {e}")
    except KeyboardInterrupt:  # after the claim let go: it removes a run directory that kept nothing
        _interrupted(opts.out)
    s = outcome.summary
    summary = {
        "out": str(opts.out), "total": s["total"], "headline_metric": s["headline_metric"], "scored": s["scored"],
        "passed": s["passed"], "pass_rate": s["pass_rate"], "oracle_feedback": s["oracle_feedback"],
        "mode": s["headline_mode"], "strict": s["strict"], "lenient": s["lenient"], "pass_at_k": s["pass_at_k"],
        "compile_pass": s["compile_pass"], "functional_pass": s["functional_pass"], "compiled": s["compiled"],
        "functional_strict_ports": s.get("functional_strict_ports"),  # VerilogEval: without the port adapter
        "by_level": s["by_level"], "by_category": s["by_category"], "by_failure": s["by_failure"],
        "llm_calls": s["llm_calls"], "prompt_tokens": s["prompt_tokens"],
        "completion_tokens": s["completion_tokens"], "elapsed_s": outcome.elapsed_s, "new_records": outcome.new,
        "errors": outcome.errors, "harness": s.get("harness", {}),
    }
    # --ray and several --base-url: this invocation's accounts of them (docs/cluster.md)
    for name, used in (("cluster", opts.ray), ("endpoints", opts.base_urls and outcome.new)):
        if used and (opts.out / f"{name}.json").is_file():
            summary[name] = json.loads((opts.out / f"{name}.json").read_text())
    if opts.kind == "sweep":
        from agent.eval.sweep import compute_grid

        summary["grid"] = [c.__dict__ for c in compute_grid(outcome.records, opts.ks, opts.depths or [0])]
    if as_json:
        print_json(summary)
    elif s["total"] == 0:
        # Nothing recorded (e.g. every request failed): no scores to print, only why and what next.
        if outcome.errors:
            first, why = next(iter(outcome.errors.items()))
            err_console.print(f"[bold red]no problem recorded[/]: {len(outcome.errors)} problem(s) failed to run "
                              f"(first: {first}: {why}); rerun with --resume --out {opts.out}", highlight=False)
            raise typer.Exit(1)
        err_console.print(f"no problem recorded; run directory {opts.out}", highlight=False)
    else:
        c, f = s["compile_pass"], s["functional_pass"]
        functional = (f"functional {f['passed']}/{f['total']} ({100 * f['pass_rate']:.1f}%), " if f["total"]
                      else "functional: not scored, ")
        if s.get("functional_strict_ports"):  # VerilogEval: the adapted score above, the strict names here
            sp = s["functional_strict_ports"]
            functional += f"strict port names {sp['passed']}/{sp['total']}, "
        # The calls of problems that failed to run are not recorded anywhere: do not pass them off as all.
        calls = f"LLM calls {s['llm_calls']}" + (" (recorded problems only)" if outcome.errors else "")
        err_console.print(
            f"{functional}compile {c['passed']}/{c['total']} ({100 * c['pass_rate']:.1f}%, {s['headline_mode']}); "
            f"headline {s['headline_metric']}; search saw oracle feedback: {'yes' if opts.oracle_feedback else 'no'}; "
            f"pass@k {s['pass_at_k']}; {calls}; results in {opts.out}", highlight=False)
    if outcome.errors:
        err_console.print(f"[bold red]{len(outcome.errors)} problem(s) failed to run[/] (rerun with --resume): "
                          + "; ".join(f"{k}: {v}" for k, v in list(outcome.errors.items())[:3]))
        raise typer.Exit(1)


def _interrupted(out: Path) -> NoReturn:
    """Ctrl-C: one line saying what was kept and how to finish, exit 130 (what was recorded stays)."""
    import json

    from agent.records import ResultsLogError, read_results

    if not out.is_dir():
        err_console.print("interrupted before any problem was recorded (nothing kept)", highlight=False)
        raise typer.Exit(130)
    try:
        recorded: int | str = len(read_results(out / "results.jsonl"))
    except (ResultsLogError, OSError):
        recorded = "?"
    try:
        total: int | str = len(json.loads((out / "run.json").read_text()).get("task_ids") or []) or "?"
    except (OSError, ValueError):
        total = "?"
    err_console.print(f"interrupted: {recorded} of {total} problems recorded in {out}; "
                      f"rerun with --resume --out {out} to finish", highlight=False)
    raise typer.Exit(130)


@commands.command("eval")
def eval_cmd(
    bench: str = typer.Argument(..., help="eval-set JSONL, VerilogEval dir, own YAML dir, or a name (own, verilogeval_mini)"),
    samples: Samples = None,
    k: PassAtK = None,
    depth: Depth = None,
    replay: Optional[Path] = typer.Option(None, "--replay", help="re-verify recorded outputs (seed results JSON or a run dir); no model calls"),
    select: Select = None,
    strict: Strict = True,
    config: Config = None,
    oracle_feedback: OracleFeedback = False,
    compile_only: CompileOnly = False,
    no_fix: NoFix = False,
    no_rag: NoRag = False,
    no_examples: NoExamples = False,
    pymodels: PyModels = None,
    ids: Ids = None,
    limit: Limit = None,
    out: RunDir = None,
    resume: Resume = False,
    as_json: Json = False,
    model: Model = None,
    base_url: BaseUrls = None,
    api_key: ApiKey = None,
    profile: Profile = None,
    concurrency: Concurrency = None,
    workers: Workers = None,
    ray: RayAddress = None,
    temperature: Temperature = None,
    no_cache: NoCache = False,
    allow_blackbox: AllowBlackbox = False,
    include_harness: bool = typer.Option(False, "--include-harness", help="count problems `agent bench selfcheck` labelled harness"),
) -> None:
    """Score a benchmark: compile and functional pass, pass@k, failures by category, cost."""
    from agent.eval.runner import RunOptions

    if resume and out is None:
        fail("--resume needs --out: the run directory to finish")
    bench_obj = _load_bench(bench, ids)
    ks = _parse_ints(k or "1,5,10", "-k", 1)
    if replay is not None:
        if samples is not None:
            fail("-n does not apply to --replay: the recorded samples are re-verified")
        if pymodels is not None or no_examples:  # prompt and selection settings: a replay sends no prompt
            fail(f"{'--pymodels' if pymodels is not None else '--no-examples'} does not apply to --replay: "
                 "the recorded outputs are re-verified, no model is asked")
        if not replay.exists():
            fail(f"replay file not found: {replay}")
    elif samples is not None and max(ks) > samples and k is not None:
        # asked for explicitly: reporting a smaller k instead would mislead. Default ks above the
        # samples are dropped by the run, which notes them once the input is found good.
        fail(f"pass@{max(ks)} needs at least {max(ks)} samples per problem, got -n {samples}; raise -n or lower -k")
    check_profile(profile)
    _check_config(config)
    if select not in (None, "all", "first"):
        fail(f"--select must be 'all' or 'first', got {select!r}")
    if compile_only and oracle_feedback:
        fail("--compile-only and --oracle-feedback contradict: oracle feedback simulates against the reference")
    opts = RunOptions(
        out=out or _default_out("eval", bench_obj.name), kind="eval", config_file=config, samples=samples,
        depth=depth, ks=ks, lenient=not strict, select=select, fix=False if no_fix else None,
        rag=False if no_rag else None, examples=False if no_examples else None, pymodels=pymodels,
        oracle_feedback=oracle_feedback, compile_only=compile_only, replay=replay,
        limit=limit, resume=resume, model=model, base_url=base_url[0] if base_url else None,
        base_urls=_several(base_url), ray=ray, api_key=api_key, profile=profile, concurrency=concurrency,
        temperature=temperature, cache=not no_cache, workers=workers, allow_blackbox=allow_blackbox,
        include_harness=include_harness)
    _execute(bench_obj, opts, as_json, default_out=out is None)


def _several(urls: list[str] | None) -> list[str] | None:
    """`--base-url` given more than once: the endpoints to spread requests over (llm.base_urls)."""
    unique = list(dict.fromkeys(urls or []))
    return unique if len(unique) > 1 else None


def _check_config(config: Path | None) -> None:
    if config is not None and not config.is_file():
        fail(f"config file not found: {config}")


def _grid_hint(config: Path | None) -> str:
    """A sweep grid given as --config (the TOML settings) is an easy slip: the YAML grid is --grid."""
    if config is not None and config.suffix.lower() in (".yaml", ".yml"):
        return "; a sweep grid YAML goes to --grid FILE (--config takes the TOML settings file)"
    return ""


@commands.command("sweep")
def sweep_cmd(
    bench: Optional[str] = typer.Argument(None, help="benchmark (or set it in the --grid file)"),
    samples: SamplesGrid = None,
    k: SamplesGridAlias = None,
    # -k is pass@k in agent eval; a sweep reports pass@k for every k of its samples grid, so a -k
    # here is a slip: one line that says so, not typer's "No such option" box.
    pass_at: Optional[str] = typer.Option(None, "-k", hidden=True),
    depth: Optional[str] = typer.Option(None, "--depth", help="repair-depth grid, e.g. 0,1,2,3; default: the grid file, else 0 .. the config's depth"),
    grid_file: Optional[Path] = typer.Option(None, "--grid", help="sweep grid YAML (experiments/sweeps/*.yaml)"),
    config: Config = None,
    oracle_feedback: OracleFeedback = False,
    compile_only: CompileOnly = False,
    out: RunDir = None,
    resume: Resume = False,
    ids: Ids = None,
    limit: Limit = None,
    model: Model = None,
    base_url: BaseUrls = None,
    api_key: ApiKey = None,
    temperature: Temperature = None,
    profile: Profile = None,
    concurrency: Concurrency = None,
    workers: Workers = None,
    ray: RayAddress = None,
    no_fix: NoFix = False,
    no_rag: NoRag = False,
    no_examples: NoExamples = False,
    pymodels: PyModels = None,
    no_cache: NoCache = False,
    as_json: Json = False,
) -> None:
    """The whole (k, depth) grid from ONE run with max k samples and max depth: grid.csv, grid.md, plots."""
    from agent.config import ConfigError, load_config
    from agent.eval.runner import RunOptions
    from agent.eval.sweep import SweepConfig, default_grid, load_sweep_config

    if pass_at is not None:
        fail("agent sweep has no -k: it reports pass@k for every k of its samples grid, set with -n/--samples "
             "(e.g. -n 1,2,4); -k is pass@k in agent eval")
    _check_config(config)
    k = either(samples, k, "-n/--samples", "--k")
    grid = None
    if grid_file is not None:
        if not grid_file.is_file():
            fail(f"sweep grid file not found: {grid_file}")
        try:
            grid = load_sweep_config(grid_file)
        except ValueError as e:
            fail(str(e))
    bench_name = bench or (grid.bench if grid else None)
    if not bench_name:
        fail("name a benchmark (argument or `bench:` in the --grid file)" + _grid_hint(config))
    if compile_only and oracle_feedback:
        fail("--compile-only and --oracle-feedback contradict: oracle feedback simulates against the reference")
    try:  # the grid's defaults come from the settings when the config file (or env) sets k / depth
        settings = load_config(config)
    except ConfigError as e:
        fail(" ".join(str(e).split()) + _grid_hint(config))
    ks = _parse_ints(k, "--samples", 1) if k else sorted(set(grid.k)) if grid else default_grid(settings, "k")
    depths = (_parse_ints(depth, "--depth", 0) if depth else sorted(set(grid.depth)) if grid
              else default_grid(settings, "depth"))
    bench_obj = _load_bench(bench_name, ids)
    layers = [grid.settings_layer(f"grid:{grid_file}")] if grid is not None else []
    grid = grid or SweepConfig(bench=bench_name)
    check_profile(profile or grid.profile)
    opts = RunOptions(  # the grid file's settings are a layer of the settings, under these flags
        out=out or _default_out("sweep", bench_obj.name), kind="sweep", config_file=config, samples=max(ks),
        depth=max(depths), ks=ks, depths=depths, fix=False if no_fix else None, rag=False if no_rag else None,
        examples=False if no_examples else None, pymodels=pymodels,
        oracle_feedback=oracle_feedback, compile_only=compile_only, limit=limit or grid.limit, resume=resume,
        model=model, base_url=base_url[0] if base_url else None, base_urls=_several(base_url), ray=ray,
        api_key=api_key, temperature=temperature, profile=profile, layers=layers,
        concurrency=concurrency or grid.concurrency, cache=not no_cache, workers=workers)
    if resume and out is None:
        fail("--resume needs --out: the run directory to finish")
    _execute(bench_obj, opts, as_json, default_out=out is None)


@commands.command("report")
def report_cmd(
    run_dir: Path = typer.Argument(..., help="a run directory written by agent eval / agent sweep"),
    as_json: Json = False,
) -> None:
    """Regenerate results.json, report.md, plots (and a sweep's grid) from a run's results.jsonl."""
    from agent.eval.report import load_run, write_outputs

    def warn(line: str) -> None:
        err_console.print(f"warning: {line}", highlight=False, soft_wrap=True)  # one line, whatever the width

    meta, records = load_run(run_dir, warn=warn)  # reads only: a torn last line is warned of, not cut
    if not (run_dir / "results.jsonl").exists():
        fail(f"{run_dir}/results.jsonl not found (the run recorded no problem)")
    if not records:
        fail(f"{run_dir}/results.jsonl holds no results yet")
    stats = write_outputs(run_dir, meta, records)
    if as_json:
        print_json(stats)
    else:
        err_console.print(f"report written: {run_dir / 'report.md'} ({stats['passed']}/{stats['total']} passed)")


# What a run directory holds (results.jsonl, run.json and traces/ from the run; the rest regenerated by
# agent report): compare --out must never overwrite one, or the run is lost (report then fails on markdown).
_RUN_FILES = frozenset({"results.jsonl", "run.json", "results.json", "report.md", "traces", "cluster.json",
                        "endpoints.json", "pass_by_level.png",
                        "pass_at_k.png", "pass_vs_tokens.png", "pass_vs_requests.png"})


def _check_compare_out(out: Path, runs: tuple[Path, ...]) -> None:
    from agent.rundir import check_out_file

    target = out.resolve()
    for run in runs:
        root = run.resolve()
        if not target.is_relative_to(root) or target == root:
            continue  # (the run directory itself is refused by check_out_file: a directory)
        first = target.relative_to(root).parts[0]
        if target.exists() or first in _RUN_FILES or first.startswith("grid."):
            fail(f"--out {out} is a file of run directory {run} ({first}); write the comparison elsewhere")
    check_out_file(out)


@commands.command("compare")
def compare_cmd(
    run_a: Path = typer.Argument(..., help="baseline run directory (A)"),
    run_b: Path = typer.Argument(..., help="run directory to compare against it (B)"),
    ks: PassAtK = None,
    lenient: bool = typer.Option(False, "--lenient", help="score name mismatches leniently"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="also write the markdown table to this file"),
    as_json: Json = False,
) -> None:
    """B vs A on the problems both ran: pass and pass@k deltas with paired bootstrap intervals,
    an exact McNemar test, by level, and which problems changed."""
    from agent.eval.compare import compare_runs, render_comparison
    from agent.eval.report import load_run

    wanted = _parse_ints(ks, "-k", 1) if ks else None
    (meta_a, recs_a), (meta_b, recs_b) = load_run(run_a), load_run(run_b)
    if run_a.resolve() == run_b.resolve():
        # A run against itself is a table of zero deltas that looks like a real result.
        fail(f"{run_a} and {run_b} are the same run directory; give two different runs")
    if out is not None:
        _check_compare_out(out, (run_a, run_b))
    cmp = compare_runs(recs_a, recs_b, ks=wanted, lenient=lenient)
    if cmp["problems"] == 0:
        fail(f"{run_a} ({meta_a.get('bench')}) and {run_b} ({meta_b.get('bench')}) have no problem in common "
             f"(different benchmarks, or no results yet)")
    if meta_a.get("bench") != meta_b.get("bench"):
        err_console.print(f"note: the runs are on different benchmarks ({meta_a.get('bench')} vs {meta_b.get('bench')}); "
                          f"comparing the {cmp['problems']} problem ids they share", highlight=False)
    cmp["a"], cmp["b"] = str(run_a), str(run_b)
    cmp["oracle_feedback"] = {"a": meta_a.get("oracle_feedback"), "b": meta_b.get("oracle_feedback")}
    text = render_comparison(cmp, run_a.name, run_b.name)
    if out is not None:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text)
        except OSError as e:
            fail(f"cannot write {out}: {e.strerror or e}")
    if as_json:
        print_json(cmp)
    else:
        typer.echo(text, nl=False)
    if cmp["pass_at_k_unavailable"]:
        err_console.print(f"note: pass@{','.join(map(str, cmp['pass_at_k_unavailable']))} skipped: some problem has "
                          f"fewer samples than that in one of the runs", highlight=False)
