"""`agent setup`, `agent check`, `agent bench verify`: the verifier from the command line."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Optional

import typer

from agent.cli_util import err_console, fail, load_settings, open_verifier, print_json, read_text_file
from agent.commands.options import AllowBlackbox, Config, Json, Profile, Ref, Strict, Testbench, Top, Workers

# The commands of this module; agent.cli adds them to `agent` and `agent bench`.
commands = typer.Typer()
bench_commands = typer.Typer()


@commands.command()
def setup(
    profile: Profile = None,
    all_profiles: bool = typer.Option(False, "--all", help="set up every profile"),
    force: bool = typer.Option(False, "--force", help="re-fetch and rebuild even if present"),
):
    """Fetch the pinned toolchain from Maven Central, unpack firtool, build the JVM worker (idempotent)."""
    from reflect_env.toolchain import DEFAULT_PROFILE, PROFILES, get_profile
    from reflect_env.toolchain import setup as setup_profile

    if all_profiles and profile is not None:  # -p was silently ignored beside --all
        fail(f"give -p/--profile {profile} or --all, not both")
    names = list(PROFILES) if all_profiles else [profile or DEFAULT_PROFILE]
    for name in names:
        try:
            get_profile(name)
            with err_console.status(f"setting up {name} ...") as status:
                def log(m: str) -> None:
                    status.update(m)
                    err_console.print(m)
                setup_profile(name, force=force, log=log)
        except (ValueError, RuntimeError) as e:
            fail(str(e).splitlines()[0] if isinstance(e, ValueError) else str(e))


@commands.command()
def check(
    file: Path = typer.Argument(..., help="Chisel source file to verify"),
    top: Top = None,
    strict: Strict = True,
    ref: Ref = None,
    tb: Testbench = None,
    profile: Profile = None,
    config: Config = None,
    cold: bool = typer.Option(False, "--cold", help="one fresh JVM for this candidate instead of a warm worker"),
    json_out: Json = False,
    out: Optional[Path] = typer.Option(
        None, "-o", "--out", help="directory for result.json, <Top>.sv (the SystemVerilog, when emitted) and "
                                  "waves.vcd (when simulated); an earlier check's files there are replaced"),
    # min=1: 0 used to mean the default (1000) and a negative count was refused only after compiling.
    cycles: Optional[int] = typer.Option(None, "--cycles", min=1, help="cycles of differential simulation (default 1000)"),
    allow_blackbox: AllowBlackbox = False,
):
    """Verify one Chisel file: compile, elaborate, emit SystemVerilog, optionally simulate. Exit 0 iff it passed."""
    code = read_text_file(file, "Chisel file")
    # As `agent solve` does, before compiling: these are mistakes in the flags, not in the candidate,
    # and were reported as the candidate's sim_error after a compile.
    if ref is not None and ref.suffix not in (".scala", ".sv", ".v", ".py"):
        fail(f"--ref must be a .scala, .sv or .v file or a Python model (.py), got {ref}")
    for p, what in ((ref, "reference"), (tb, "testbench")):
        if p is not None:
            read_text_file(p, what)
    if tb is not None and tb.suffix in (".sv", ".v") and ref is None:
        fail(f"--tb {tb.name} is a VerilogEval testbench; it needs the reference too: --ref <name>_ref.sv")
    # The profile comes from the one settings model (defaults < config file < env < -p), as in every
    # other command; check ignored the config file's `profile`.
    profile = load_settings(config, profile=profile).profile
    if out is not None:  # before verifying: a bad --out (e.g. the input file itself) must not lose the verdict
        from agent.rundir import check_out_dir

        check_out_dir(out)
    earlier = _earlier_check_outputs(out) if out is not None else set()  # before anything is written
    from reflect_env import ToolchainMissing
    from reflect_env.pool import PoolUnavailable, WorkerDied, WorkerTimeout

    try:
        # One candidate: warming the JVM up first would only add time.
        with open_verifier(profile, 1, quick=True, cold=cold, sim_cycles=cycles, allow_blackbox=allow_blackbox) as env:
            res = env.verify(code, top, reference=ref, testbench=tb, mode="strict" if strict else "lenient")
            if out is not None and res.vcd_path:
                out.mkdir(parents=True, exist_ok=True)
                res.vcd_path = str(shutil.copy(res.vcd_path, out / "waves.vcd"))  # a str field: no Path in JSON
    except (ToolchainMissing, ValueError) as e:
        fail(str(e))
    except (WorkerDied, WorkerTimeout, PoolUnavailable) as e:
        fail(f"the verifier's JVM worker could not start: {e}")
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "result.json").write_text(res.model_dump_json(indent=2))
        written = {out / "result.json"}
        if res.verilog:
            (out / f"{res.top}.sv").write_text(res.verilog)
            written.add(out / f"{res.top}.sv")
        if res.vcd_path:
            written.add(out / "waves.vcd")
        # A failing check beside a passing one's <Top>.sv would read as a design that passed.
        for stale in earlier - written:
            stale.unlink(missing_ok=True)
    if json_out:
        print_json({**res.model_dump(mode="json"), "profile": env.profile})  # the toolchain that ran
    else:
        _show(file, res)
    # A broken reference model judged nothing: its own status, so a script does not blame the design.
    raise typer.Exit(0 if res.ok else 3 if res.category == "reference_error" else 1)


def _earlier_check_outputs(out: Path) -> set[Path]:
    """The files an earlier `check --out` wrote into `out`, as its result.json records them: its
    <Top>.sv while it still holds the SystemVerilog that check emitted, and its waves.vcd. Nothing when
    there is no readable result.json: every other file in `out` is someone else's."""
    import json
    import re

    try:
        earlier = json.loads((out / "result.json").read_text())
    except (OSError, ValueError):
        return set()
    if not isinstance(earlier, dict):
        return set()
    found = {out / "result.json"}
    top, verilog = earlier.get("top"), earlier.get("verilog")
    # A class name, never a path: a doctored result.json must not point outside `out`.
    if isinstance(top, str) and re.fullmatch(r"[A-Za-z_$][\w$]*", top) and isinstance(verilog, str) and verilog:
        sv = out / f"{top}.sv"
        try:
            if sv.read_text() == verilog:  # edited since: no longer that check's output
                found.add(sv)
        except (OSError, UnicodeDecodeError):
            pass
    vcd = earlier.get("vcd_path")
    if isinstance(vcd, str) and vcd and Path(vcd).absolute() == (out / "waves.vcd").absolute():
        found.add(out / "waves.vcd")
    return found


def _show(file: Path, res) -> None:
    from rich.console import Console

    con = Console()
    t = " ".join(f"{k} {v:.2f}s" for k, v in res.timings.items())
    if res.ok:
        con.print(f"[green]PASS[/] {file} top={res.top} ({t})")
    else:
        con.print(f"[red]FAIL[/] {file}: {res.category.value if res.category else '?'} at {res.stage.value} ({t})")
    for d in res.diagnostics[:8]:
        where = f"{file}:{d.line}:{d.column or 1}: " if d.line else ""
        con.print(f"  {where}[bold]{d.severity}[/]: {d.message}", highlight=False)
        if d.code_line is not None:
            con.print(f"    {d.code_line}", highlight=False, markup=False)
            if d.column:
                con.print("    " + " " * (d.column - 1) + "^", highlight=False)
    for line in res.error_log().splitlines():
        if line.startswith("mismatch:"):
            con.print(f"  {line}", highlight=False, markup=False)
    for line in (res.sim_log or "").splitlines()[1:]:  # the counterexamples with their inputs
        if line.startswith("cycle "):
            con.print(f"  {line}", highlight=False, markup=False)
    for n in res.notes:
        con.print(f"  note: {n}")


@bench_commands.command("verify")
def bench_verify(
    evalset: Optional[Path] = typer.Option(None, "--evalset", help="also verify the reference_code of an eval_set JSONL"),
    own: bool = typer.Option(True, "--own/--no-own", help="include the own benchmark's reference modules"),
    profile: Profile = None,
    workers: Workers = None,
    cold_samples: int = typer.Option(6, "--cold-samples", help="candidates to time on the cold path (each starts a JVM)"),
    limit: Optional[int] = typer.Option(None, "--limit", help="verify at most N candidates"),
    json_out: Json = False,
):
    """Warm pool vs one-JVM-per-candidate on the same corpus: median/p90 s per candidate, ratio, wall, RSS."""
    from agent.resources import data_path
    from reflect_env.bench import bench_corpus, run_bench

    try:
        corpus = bench_corpus(evalset, data_path("experiments/benchmarks/own") if own else None)
    except (OSError, ValueError) as e:
        fail(str(e))
    if limit:
        corpus = corpus[:limit]
    if not corpus:
        fail("the benchmark corpus is empty")
    report = run_bench(corpus, profile=profile, workers=workers, cold_samples=cold_samples, progress=not json_out)
    if json_out:
        print_json(report)
        return
    err_console.print(
        f"n={report['n']} passed={report['passed']}  warm median {report['warm_median_s']:.3f}s "
        f"p90 {report['warm_p90_s']:.3f}s | cold median {report['cold_median_s']:.3f}s "
        f"(n={report['cold_n']}, {report['cold_passed']} passed) | ratio {report['ratio']:.1f}x | first pass from a cold start: all in "
        f"{report['total_s']:.1f}s, median {report['first_pass_median_s']:.3f}s | max worker RSS "
        f"{report['max_rss_mb']:.0f} MB")


@bench_commands.command("selfcheck")
def bench_selfcheck(
    bench: str = typer.Argument(..., help="benchmark: a name under experiments/benchmarks, a directory or a .jsonl"),
    profile: Profile = None,
    json_out: Json = False,
):
    """Run every problem's reference as the design; label the problems whose reference fails `harness`
    (kept per benchmark; eval reports leave them out of pass rates). Exit 0 iff every reference passed."""
    from agent.eval.benchmarks import BenchmarkError, load_benchmark
    from agent.eval.harness import selfcheck

    try:
        benchmark = load_benchmark(bench)
    except (BenchmarkError, OSError) as e:
        fail(str(e))
    from contextlib import ExitStack

    envs: list = []
    opened = ExitStack()

    def env_factory():
        if not envs:  # only problems with a Chisel reference need the JVM
            envs.append(opened.enter_context(open_verifier(profile, 1, quick=True)))
        return envs[0]

    def progress(pid: str, p: dict) -> None:
        if not json_out:
            err_console.print(f"{'[green]ok[/]  ' if p['ok'] else '[red]harness[/]'} {pid}"
                              + ("" if p["ok"] else f": {p['reason'][:160]}"), highlight=False)

    try:
        report = selfcheck(benchmark, env_factory, progress=progress)
    finally:
        opened.close()
    if json_out:
        print_json(report)
    else:
        err_console.print(f"{benchmark.name}: {report['passed']}/{report['n']} references pass, "
                          f"{len(report['harness'])} labelled harness ({', '.join(report['simulators']) or '-'}); "
                          f"labels in {report['labels_file']} ({report['elapsed_s']:.0f}s)", highlight=False)
    raise typer.Exit(0 if not report["harness"] else 1)
