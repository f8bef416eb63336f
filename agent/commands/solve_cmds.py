"""`agent solve SPEC.txt`: generate, verify and repair one design; `agent bench overhead`."""
from __future__ import annotations

import asyncio
import os
import re
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import typer

from agent.cli_util import (check_profile, err_console, fail, load_settings, open_verifier, print_json, progress_bar,
                             read_text_file)
from agent.commands.options import (ApiKey, BaseUrl, Config, Depth, Json, MaxTokens, Model, NoCache, NoExamples,
                                    NoFix, NoRag, Profile, PyModels, Ref, RunDir, Samples, SamplesAlias, Select, Temperature, Testbench,
                                    Top, Workers, either)

if TYPE_CHECKING:
    from agent.config import AgentConfig
    from agent.events import Event
    from agent.local.embedded import EmbeddedLLM
    from agent.task import Task

# The commands of this module; agent.cli adds them to `agent` and `agent bench`.
commands = typer.Typer()
bench_commands = typer.Typer()


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:40] or "task"


def _default_out(name: str) -> Path:
    return Path("runs") / f"{datetime.now().strftime('%Y%m%d-%H%M%S')}-{_slug(name)}"


def build_config(*, config_path: Path | None, model: str | None, base_url: str | None, api_key: str | None,
                 no_cache: bool, overrides: dict[str, Any]) -> AgentConfig:
    """The settings with solve's LLM flags (cli_util.load_settings); a bad value is one line and exit 2."""
    return load_settings(config_path, model=model, base_url=base_url, api_key=api_key,
                         use_cache=False if no_cache else None, **overrides)


class _Display:
    """A live status line on stderr: per-chain state, LLM calls, verifications, elapsed time."""

    def __init__(self, enabled: bool, k: int, task_name: str):
        self.enabled = enabled
        self.chains: dict[int, str] = {i: "sampling" for i in range(k)}
        self.calls = self.verifies = 0
        self.phase = ""
        self.task_name = task_name
        from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

        self.progress = progress_bar(columns=(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn()),
                                     quiet=not enabled, transient=False)
        self.task = self.progress.add_task(self._text(), total=None)

    def _text(self) -> str:
        chains = "  ".join(f"#{i}:{s}" for i, s in sorted(self.chains.items()))
        phase = f"  ({self.phase})" if self.phase else ""
        return f"[bold]{self.task_name}[/] LLM calls {self.calls}, verifies {self.verifies}  {chains}{phase}"

    def on_event(self, event: Event) -> None:
        """The loop's hook (agent.events.LoopHook); the status line changes on these kinds only."""
        from agent.events import (BudgetStopEvent, EscapeEvent, FollowUpCallEvent, PromptEvent, RetrievingEvent,
                                  VerificationEvent, VoteEvent)

        if not isinstance(event, (RetrievingEvent, PromptEvent, FollowUpCallEvent, VerificationEvent, EscapeEvent,
                                  BudgetStopEvent, VoteEvent)):
            return
        self.phase = "retrieving notes" if isinstance(event, RetrievingEvent) else ""
        if isinstance(event, (PromptEvent, FollowUpCallEvent)):  # each request to the model
            self.calls += 1
            if event.chain is not None:
                self.chains[event.chain] = f"r{event.round} asking"
        elif isinstance(event, VerificationEvent):
            self.verifies += 1
            self.chains[event.chain] = f"r{event.round} " + ("[green]passed[/]" if event.ok else f"[red]{event.category or event.stage}[/]")
        elif isinstance(event, EscapeEvent):
            self.chains[event.chain] = f"r{event.round} escape"
        elif isinstance(event, BudgetStopEvent):
            self.task_name += f" ({event.reason})"
        self.progress.update(self.task, description=self._text())

    def __enter__(self):
        self.progress.start()
        return self

    def __exit__(self, *exc):
        self.progress.stop()


@commands.command("solve")
def solve_cmd(
    spec_file: Path = typer.Argument(..., help="text file with the natural-language specification"),
    samples: Samples = None,
    k: SamplesAlias = None,
    depth: Depth = None,
    model: Model = None,
    base_url: BaseUrl = None,
    api_key: ApiKey = None,
    top: Top = None,
    ref: Ref = None,
    tb: Testbench = None,
    out: RunDir = None,
    select: Select = None,
    temperature: Temperature = None,
    max_tokens: MaxTokens = None,
    seed: Optional[int] = typer.Option(None, "--seed", help="sampling seed"),
    no_fix: NoFix = False,
    no_rag: NoRag = False,
    no_examples: NoExamples = False,
    no_cache: NoCache = False,
    no_local: bool = typer.Option(False, "--no-local", help="never start the embedded local model server"),
    profile: Profile = None,
    workers: Workers = None,
    config: Config = None,
    ports: Optional[str] = typer.Option(None, "--ports", help="the interface to check candidates against, "
                                        "e.g. a:input:8,b:input:8,sum:output:8 (default: what the spec states)"),
    interface: Optional[bool] = typer.Option(None, "--interface/--no-interface",
                                             help="check ports against the spec's interface (default: on)"),
    vote: Optional[bool] = typer.Option(None, "--vote/--no-vote",
                                        help="let passing candidates vote by behaviour (default: on)"),
    checks: Optional[bool] = typer.Option(None, "--checks/--no-checks", help="ask the model for input->output "
                                          "checks that rank vote groups and drive repairs (default: off)"),
    pymodels: PyModels = None,
    as_json: Json = False,
) -> None:
    """Generate Chisel for SPEC_FILE, verify every candidate, repair until one passes.

    Progress and the summary go to stderr. The final code (the passing design, else the attempt that got furthest) is written to final.scala, its SystemVerilog to final.sv, in the run directory (--out, default a new one under runs/); with --json it is also final_code in the one JSON object on stdout. Exit 0 iff solved."""  # one line: typer keeps the line breaks of a paragraph after the first
    from agent.task import Task

    spec = read_text_file(spec_file, "spec")
    k = either(samples, k, "-n/--samples", "-k")
    if select is not None and select not in ("first", "all"):
        fail(f"--select must be 'first' or 'all', got {select!r}")
    if top is not None and not re.fullmatch(r"[A-Za-z_]\w*", top):
        fail(f"--top must be a Scala class name, got {top!r}")
    reference = None
    if ref is not None:
        if ref.suffix not in (".scala", ".sv", ".v", ".py"):
            fail(f"--ref must be a .scala, .sv or .v file or a Python model (.py), got {ref}")
        reference = read_text_file(ref, "reference")
    if tb is not None:
        read_text_file(tb, "testbench")
        if tb.suffix in (".sv", ".v") and ref is None:
            fail(f"--tb {tb.name} is a VerilogEval testbench; it needs the reference too: --ref <name>_ref.sv")
    from agent.search import infer_top

    top = top or infer_top(spec)
    overrides = dict(k=k, depth=depth, select=select, temperature=temperature, max_tokens=max_tokens, seed=seed,
                     fix=False if no_fix else None, rag=False if no_rag else None, profile=profile,
                     local=False if no_local else None, interface=interface, vote=vote, checks=checks,
                     pymodels=pymodels, workers=workers, examples=False if no_examples else None)
    check_profile(profile)  # a bad -p is named as the flag's value; a bad file or env value by the settings
    cfg = build_config(config_path=config, model=model, base_url=base_url, api_key=api_key, no_cache=no_cache,
                       overrides=overrides)
    task = Task(id=spec_file.stem, spec=spec, top=top, reference=reference, testbench=tb, user_spec=True,
                meta={"interface": _explicit_interface(ports, spec)} if cfg.interface else {})
    from agent.rundir import claim_run_dir

    if out is not None:
        # An agent eval / sweep run directory: solve files mixed into it would sit beside results the
        # report regenerates from (eval refuses a directory with results the same way).
        held = [name for name in ("results.jsonl", "run.json") if (out / name).is_file()]
        if held:
            fail(f"--out {out} is an agent eval run directory ({held[0]}); choose another directory")
    with claim_run_dir(out or _default_out(top or spec_file.stem), unique=out is None) as run_dir:
        if (run_dir / "trace.jsonl").exists():  # never mix two runs in one trace
            fail(f"--out {run_dir} already holds a run (trace.jsonl); choose another directory")
        result = _run_solve_served(cfg, task, run_dir, show_progress=not as_json)
    tokens = result.prompt_tokens + result.completion_tokens
    if as_json:
        print_json({
            "solved": result.solved, "rounds": result.rounds, "llm_calls": result.llm_calls, "tokens": tokens,
            "prompt_tokens": result.prompt_tokens, "completion_tokens": result.completion_tokens,
            "final_code": result.final_code, "category": result.failure_category, "run_dir": str(run_dir),
            "top": result.top, "wall_s": result.wall_s, "verify_s": result.verify_s, "verify_wall_s": result.verify_wall_s,
            "stop_reason": result.stop_reason,
            "first_pass_rounds": [c.first_pass_round for c in result.chains],
            "interface": result.interface, "vote": result.vote,
            # what backs "solved" (docs/solve.md): confirmed iff a reference, Python models or a vote majority agree
            "confirmed": result.solved and result.backed_by is not None, "backed_by": result.backed_by,
            "unconfirmed": result.unconfirmed,
        })
    else:
        # A stop other than running out of rounds (an LLM request that failed for good, a budget) is
        # said with its reason: the trace is not the only place to learn why.
        why = [r for r in (result.failure_category, result.stop_reason) if r and r not in ("solved", "exhausted")]
        if len(why) == 2 and why[1].startswith(f"{why[0]}:"):  # category llm_error, stop "llm_error: <why>"
            why = why[1:]
        if result.solved:  # `solved (confirmed: python models 2/2)` or `solved (unconfirmed: <why>)`
            from rich.markup import escape

            from agent.oracle_free.backing import status_text

            status = ("[bold green]" if result.backed_by else "[bold yellow]") + escape(
                status_text(True, result.backed_by, result.unconfirmed)) + "[/]"
        else:
            status = f"[bold red]not solved[/] ({'; '.join(why) or 'exhausted'})"
        err_console.print(f"{status}: {result.llm_calls} LLM call(s), {tokens} tokens, rounds {result.rounds}, "
                          f"{result.wall_s:.1f}s ({result.verify_wall_s:.1f}s verifying); run in {run_dir}")
        if result.interface:
            err_console.print(f"interface ({result.interface['source']}): "
                              + (", ".join(_port_text(p) for p in result.interface["ports"]) or "(none)"), highlight=False)
        if result.vote:
            err_console.print(_vote_line(result.vote), highlight=False)
            models = result.vote.get("models")
            if models:
                err_console.print(f"python models: {models['how']}"
                                  + (f" (warning: {models['warning']})" if models.get("warning") else ""),
                                  highlight=False, markup=False)
        if result.solved:
            err_console.print(f"final code: {run_dir / 'final.scala'}")
    # 0: solved and confirmed; 3: solved, but nothing confirms the answer; 1: not solved (docs/solve.md)
    _EXIT_STAMPS["printed"] = time.time()
    _write_exit_stamps(run_dir)
    raise typer.Exit((0 if result.backed_by else 3) if result.solved else 1)


# Wall-clock stamps of the solve's way out (after its trace closed), for `agent bench solve`'s exit figure.
_EXIT_STAMPS: dict[str, float] = {}


def _write_exit_stamps(run_dir: Path) -> None:
    import json

    try:
        (run_dir / "exit.json").write_text(json.dumps(_EXIT_STAMPS) + "\n")
    except OSError:  # a timing aid: never a reason to fail the solve
        pass


def _run_solve_served(cfg: AgentConfig, task: Task, run_dir: Path, *, show_progress: bool):
    """_run_solve against the configured server, or the embedded one when nothing is served (agent.local)."""
    from agent.local.embedded import embedded_llm

    with embedded_llm(cfg, say=lambda line: err_console.print(line, highlight=False, soft_wrap=True),
                      log_path=run_dir / "llama-server.log") as embedded:
        result = _run_solve(task, cfg, embedded, run_dir, show_progress=show_progress)
    _EXIT_STAMPS["server_stopped"] = time.time()
    return result


def _explicit_interface(ports: str | None, spec: str) -> dict | None:
    """--ports, else None (the spec's own interface is derived during the solve); a malformed
    --ports or `ports:` block is bad input (exit 2), not a reason to solve unchecked."""
    from agent.oracle_free import parse_interface, parse_ports_flag

    if ports is not None:  # InterfaceError: one line, exit 2 (cli_util.OneLineErrors)
        return parse_ports_flag(ports).to_dict()
    parse_interface(spec)
    return None


def _port_text(p: dict) -> str:
    width = f"[{p['width']}]" if p.get("width") else ""
    return f"{p.get('direction') or 'port'} {p['name']}{width}"


def _vote_line(vote: dict) -> str:
    """`3 of 4 candidates agree; chose candidate #2 (behaviour groups 3+1)`."""
    from agent.oracle_free import Vote

    line = Vote(groups=vote["groups"], chosen=vote["chosen_chain"], total=vote["total"], checks=vote.get("checks")).line()
    if (vote.get("models") or {}).get("backing"):  # the Python models confirm it (the status line says so)
        line = line.replace("(unconfirmed: ", "(by the vote alone unconfirmed: ")
    return line


def _run_solve(task: Task, cfg: AgentConfig, embedded: EmbeddedLLM, run_dir: Path, *, show_progress: bool):
    """Start-up overlaps (issue 19): with the embedded server, its model loads while the embedding model
    loads and answers the spec's retrieval and the JVM workers start; the first request goes out as
    soon as the server and the retrieval are ready (the workers are waited for by the first
    verification). Against a configured server it is checked first, so a wrong URL or model fails in a
    second before any JVM starts."""
    from agent.events import StartupEvent
    from agent.llm import LLMClient
    from agent.search import solve, system_prompt, uses_examples
    from agent.trace import Trace
    from reflect_env.background import BackgroundEnv

    startup: dict[str, Any] = {"wall_clock": time.time()}
    t0 = time.perf_counter()

    def timed(name: str, fn, *args):
        def run():
            try:
                return fn(*args)
            finally:
                startup[f"{name}_s"] = round(time.perf_counter() - t0, 3)
        return asyncio.to_thread(run)

    def open_retriever():
        retriever = _open_retriever(cfg.rag, cfg.profile)
        if retriever is None:
            return None
        try:  # the solve's first queries, answered now: the index, the example bank and the embedding model
            # load here, while the server starts, instead of after it (the query vectors stay cached)
            if cfg.rag_k > 0:
                retriever.retrieve(task.spec, k=cfg.rag_k)
            if uses_examples(cfg):
                retriever.examples(task.spec, cfg.examples_m, exclude_top=task.top)
        except Exception:  # the solve's own calls report it in the trace
            pass
        return retriever

    def server_and_prefix():
        embedded.wait_ready()
        if embedded.server is None:
            return None
        from agent.local.prefix import restore_or_prime

        # the system message the solve's prompts start with (with retrieved examples on, the fixed
        # example leaves it), so the restored slot is the prefix of every request
        system = system_prompt(cfg, examples_available=cfg.rag)
        return restore_or_prime(embedded.config.base_url, embedded.config.model, system, embedded.server.argv)

    async def main():
        llm = LLMClient(embedded.config)
        env = None
        try:
            if embedded.server is None:
                await llm.check_served()  # before any JVM starts: a wrong URL or model fails in a second
            env = BackgroundEnv(cfg.profile, solve_workers(cfg))
            retrieving = asyncio.ensure_future(timed("retriever_ready", open_retriever))
            try:
                prefix = await timed("server_ready", server_and_prefix)
            except BaseException:
                retrieving.cancel()
                raise
            if embedded.server is not None:
                await llm.check_served()
            retriever = await retrieving
            startup.update(server=embedded.describe(), prefix=prefix, first_request_s=round(time.perf_counter() - t0, 3))
            if retriever is not None:  # which embedding backend answered (ONNX, or the fallback and why)
                startup["embedder"] = retriever.embedder.describe()
            with Trace(run_dir) as trace, _Display(show_progress, cfg.k, task.top or task.id) as display:
                trace.on_event(StartupEvent(**startup))
                result = await solve(task, cfg, llm=llm, env=env, trace=trace, retriever=retriever, hooks=[display])
            _EXIT_STAMPS["solved"] = time.time()
            return result
        finally:
            await llm.aclose()
            if env is not None:
                await env.aclose()
            _EXIT_STAMPS["verifier_closed"] = time.time()

    result = asyncio.run(main())  # LLMUnavailable, VerifierUnavailable, ServeError: one line (cli_util.OneLineErrors)
    _EXIT_STAMPS["loop_closed"] = time.time()
    return result


def solve_workers(cfg: AgentConfig) -> int:
    """The verifier's workers for one solve: the setting (--workers, the config), else one per sample
    chain, at most one per two cores. A solve never verifies more than k candidates at once, so more JVMs
    would only take memory and CPU from the ones working (on a 2-core machine -n 1 started two). A cold
    JVM's first compile takes about two cores (its JIT and GC threads): on this 2-core machine the README
    solve's four samples took 5.4-5.8 s from the reply to the answer with two workers (each first compile
    4.7-5.3 s) and 1.4-2.8 s with one (first compile 0.5-1.8 s, then 0.2-0.4 s each; docs/BENCHMARKS.md,
    "Session 10, issue 19"). Repairs are one LLM call per round, so one warm worker keeps up with them."""
    return cfg.workers or min(cfg.k, max(1, (os.cpu_count() or 1) // 2))


def _open_retriever(enabled: bool, profile: str = "chisel7"):
    """The RAG retriever, or None (with a note) when --no-rag or it cannot be built here."""
    if not enabled:
        return None
    try:
        from agent.rag import Retriever

        return Retriever(profile)
    except Exception as e:  # RAG is an aid: run without it rather than not at all
        err_console.print(f"[yellow]note:[/] running without retrieval ({type(e).__name__}: {e})", highlight=False)
        return None


@bench_commands.command("overhead")
def bench_overhead_cmd(
    tasks: int = typer.Option(4, "--tasks", min=1, help="how many tasks to solve"),
    samples: Samples = None,
    k_alias: SamplesAlias = None,
    profile: Profile = None,
    as_json: Json = False,
) -> None:
    """Orchestration overhead: wall time vs time spent verifying, against a zero-latency stub LLM
    (2 samples per task unless -n says otherwise)."""
    k = either(samples, k_alias, "-n/--samples", "-k") or 2
    check_profile(profile)  # one line, before the settings model would refuse it with a traceback
    report = run_overhead_bench(n_tasks=tasks, k=k, profile=profile, progress=not as_json)
    if as_json:
        print_json(report)
    else:
        err_console.print(
            f"{report['tasks']} tasks, k={k}: wall {report['wall_s']:.2f}s, verifying {report['verify_s']:.2f}s, "
            f"voting {report['vote_sim_s']:.2f}s, "
            f"overhead {report['overhead_s']:.2f}s = {100 * report['overhead_frac']:.1f}% of wall "
            f"(target <= 10%); per task median overhead {report['per_task_overhead_ms_median']:.0f} ms; "
            f"solved {report['solved']}/{report['tasks']} in {report['llm_calls']} LLM calls")


# -- agent bench overhead ----------------------------------------------------------------------

_BENCH_DESIGNS = {
    "Adder8": ("An 8-bit adder named `Adder8` with inputs `a`, `b` and output `sum`.",
               "val a = Input(UInt(8.W))\n    val b = Input(UInt(8.W))\n    val sum = Output(UInt(8.W))",
               "io.sum := io.a + io.b"),
    "Mux2x8": ("A 2-to-1 multiplexer named `Mux2x8` for 8-bit inputs `a`, `b`, select `sel`, output `out`.",
               "val a = Input(UInt(8.W))\n    val b = Input(UInt(8.W))\n    val sel = Input(Bool())\n    val out = Output(UInt(8.W))",
               "io.out := Mux(io.sel, io.b, io.a)"),
    "Count8": ("An 8-bit counter named `Count8` with enable `en` and output `count`.",
               "val en = Input(Bool())\n    val count = Output(UInt(8.W))",
               "val c = RegInit(0.U(8.W))\n  when(io.en) { c := c + 1.U }\n  io.count := c"),
    "Shift4": ("A 4-stage shift register named `Shift4` with input `in` and output `out`.",
               "val in = Input(Bool())\n    val out = Output(Bool())",
               "val r = RegInit(0.U(4.W))\n  r := Cat(r(2, 0), io.in)\n  io.out := r(3)"),
}


def _bench_reply(top: str, broken: bool) -> str:
    _, ports, body = _BENCH_DESIGNS[top]
    if broken:  # a syntax error the repair round fixes: one LLM repair per task
        body = body.replace(":=", ":= (", 1)
    return (f"```scala\nimport chisel3._\nimport chisel3.util._\n\nclass {top} extends Module {{\n"
            f"  val io = IO(new Bundle {{\n    {ports}\n  }})\n  {body}\n}}\n```")


def run_overhead_bench(*, n_tasks: int, k: int, profile: str | None, progress: bool) -> dict:
    """Solve n_tasks tasks (each: k broken samples, one repair) against a zero-latency stub server.
    Overhead = wall time minus the time at least one verification was running."""
    import statistics
    import tempfile

    from agent.llm.stub_server import Reply, StubServer

    from agent.config import AgentConfig, LLMConfig
    from agent.llm import LLMClient
    from agent.search import solve
    from agent.task import Task
    from agent.trace import Trace

    names = [list(_BENCH_DESIGNS)[i % len(_BENCH_DESIGNS)] for i in range(n_tasks)]

    def responder(request: dict):
        user = request["messages"][-1]["content"]
        top = next(n for n in _BENCH_DESIGNS if f"`{n}`" in user)
        # The first answer has a syntax error, the repair (its prompt quotes the code) fixes it.
        return Reply(_bench_reply(top, broken="Your code (line numbers added" not in user))

    cfg = AgentConfig(k=k, depth=2, rag=False, select="first", profile=profile or "chisel7")
    rows: list[dict[str, Any]] = []

    async def bench(stub, env, tmp: Path, bar, job):
        # One client for all tasks, as `agent eval` has; its first request pays one-time imports and
        # connection set-up, so a warm-up request goes first (like the warm-up verification).
        llm = LLMClient(LLMConfig(base_url=stub.base_url, use_cache=False))
        try:
            await llm.chat([{"role": "user", "content": "`Adder8` warm-up"}], n=1)
            for i, top in enumerate(names):
                with Trace(tmp / f"{i}-{top}") as trace:
                    res = await solve(Task(id=f"{i}-{top}", spec=_BENCH_DESIGNS[top][0], top=top), cfg, llm=llm,
                                      env=env, trace=trace)
                # The vote's differential simulation between passing candidates (k > 1, no reference)
                # is checking work like verification, not orchestration: at k = 2 it took ~85 ms per
                # task here, which counted as overhead would triple it (35 -> 120 ms).
                vote_s = float((res.vote or {}).get("sim_s") or 0.0)
                rows.append({"task": top, "solved": res.solved, "llm_calls": res.llm_calls, "wall_s": res.wall_s,
                             "verify_s": res.verify_s, "verify_wall_s": res.verify_wall_s, "vote_sim_s": vote_s,
                             "overhead_s": round(res.wall_s - res.verify_wall_s - vote_s, 4)})
                bar.advance(job)
        finally:
            await llm.aclose()

    with StubServer(responder) as stub, open_verifier(profile or "chisel7") as env, tempfile.TemporaryDirectory() as tmp:
        env.verify(_bench_reply("Adder8", broken=False).split("```scala\n")[1].split("```")[0], top="Adder8")  # warm
        with progress_bar(quiet=not progress, transient=False) as bar:
            job = bar.add_task("overhead bench", total=len(names))
            asyncio.run(bench(stub, env, Path(tmp), bar, job))
    wall = sum(r["wall_s"] for r in rows)
    verifying = sum(r["verify_wall_s"] for r in rows)
    voting = sum(r["vote_sim_s"] for r in rows)
    busy = verifying + voting
    return {
        "tasks": len(rows), "k": k, "solved": sum(r["solved"] for r in rows), "wall_s": round(wall, 3),
        "verify_s": round(verifying, 3), "vote_sim_s": round(voting, 3), "overhead_s": round(wall - busy, 3),
        "overhead_frac": round((wall - busy) / wall, 4) if wall else 0.0,
        "per_task_overhead_ms_median": round(1000 * statistics.median(r["overhead_s"] for r in rows), 1),
        "llm_calls": sum(r["llm_calls"] for r in rows), "rows": rows,
        "note": "zero-latency stub LLM (agent/llm/stub_server.py); verify_s = time some verification was running; "
                "vote_sim_s = the vote's simulation between passing candidates; overhead = wall - both",
    }
