"""`agent rag build`, `agent rag query` and `agent bench rag`: the notes index retrieved into prompts."""
from __future__ import annotations

import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

import typer

from agent.cli_util import err_console, fail, print_json, progress_bar, read_text_file
from agent.commands.bank_cmds import build_bank, print_bank_stats  # also registers rag examples/contamination/prompt
from agent.commands.options import Json, Profile, Workers
from agent.commands.rag_common import open_retriever as _retriever
from agent.commands.rag_common import rag_app

# The commands of this module; agent.cli adds them to `agent` and `agent bench`.
commands = typer.Typer()
bench_commands = typer.Typer()

commands.add_typer(rag_app, name="rag")


def _build(r, force: bool, quiet: bool):
    """Build (or open) the index with a progress bar; embedding ~120 notes takes a while on a busy CPU."""
    with progress_bar(quiet=quiet) as progress:
        task = progress.add_task("opening index", total=None)

        def on_progress(stage: str, done: int, total: int) -> None:
            progress.update(task, description=stage, completed=done, total=total)

        return r.build(force=force, progress=on_progress)  # EmbedderMissing: one line (cli_util.OneLineErrors)


def _export_onnx(cache_dir: Path, quiet: bool) -> dict:
    """The embedding model's ONNX export (agent.rag.onnx_model), made if absent: what lets a solve embed
    its spec without importing torch. A failure is a warning: sentence-transformers still works."""
    from agent.rag.embedder import EmbedderMissing, ensure_onnx_export, onnx_export_present

    existed = onnx_export_present(cache_dir)
    try:
        with _status("exporting the embedding model to ONNX", quiet=quiet or existed):
            path = ensure_onnx_export(cache_dir)
    except EmbedderMissing as e:
        return {"path": None, "made": False, "error": str(e)}
    return {"path": str(path), "made": not existed, "error": None}


@rag_app.command("build")
def build_cmd(
    profile: Profile = None,
    force: bool = typer.Option(False, "--force", help="re-embed every note even if the index is current"),
    examples: bool = typer.Option(True, "--examples/--no-examples",
                                  help="also build the verified example bank (verifies each example on the toolchain)"),
    workers: Workers = None,
    verilogeval: Optional[Path] = typer.Option(
        None, "--verilogeval", help="VerilogEval v2 spec-to-rtl directory to keep the bank clear of "
                                    "(or CHISEL_AGENT_VERILOGEVAL)"),
    as_json: Json = False,
) -> None:
    """Build the notes index (hand-written notes + API notes generated from the profile's Chisel sources)
    and the verified example bank beside it (docs/examples.md)."""
    r = _retriever(profile or "chisel7")
    onnx = _export_onnx(r.cache_dir, quiet=as_json)
    stats = _build(r, force, quiet=as_json)
    bank = build_bank(r, workers=workers or os.cpu_count() or 1, verilogeval=verilogeval, force=force, quiet=as_json) if examples else None
    if as_json:
        print_json({**stats.model_dump(), "onnx_export": onnx, "examples": bank.model_dump() if bank else None})
        return
    if onnx["error"]:
        err_console.print(f"[yellow]warning:[/] no ONNX export of the embedding model ({onnx['error']}); "
                          "queries load sentence-transformers instead", highlight=False)
    for w in stats.warnings:
        err_console.print(f"[yellow]warning:[/] {w}", highlight=False)
    state = "up to date" if stats.reused else f"built ({stats.embedded} notes embedded in {stats.embed_s:.1f} s, " \
                                               f"model load {stats.model_load_s:.1f} s)"
    err_console.print(
        f"[bold green]ok[/]: index {stats.collection} {state}: {stats.notes} hand-written + "
        f"{stats.generated} generated notes, {stats.total_s:.1f} s total", highlight=False)
    if bank is not None:
        print_bank_stats(bank)


_COMPILER_ERROR = re.compile(r"^\s*(\[error\]\s*)?error\s*:|\b(found|required)\s*:", re.I | re.M)


def looks_like_compiler_error(text: str) -> bool:
    """A Scala / firtool message rather than spec text: `error:` at a line's start, or `found:` / `required:`."""
    return bool(_COMPILER_ERROR.search(text))


@contextmanager
def _status(what: str, quiet: bool) -> Iterator[None]:
    """A spinner on a terminal (transient), one line on a log; nothing under --json. The first query of
    a process loads the embedding model (~8 s) with nothing else on screen."""
    if quiet:
        yield
    elif err_console.is_terminal:
        with err_console.status(what):
            yield
    else:
        err_console.print(f"{what} ...", highlight=False, soft_wrap=True)
        yield


@rag_app.command("query")
def query_cmd(
    text: str = typer.Argument(..., help="spec text or an error message (one with `error:`, `found:` or "
                                         "`required:` is read as diagnostics, as --diagnostics would be)"),
    k: int = typer.Option(5, "-k", "--k", min=1, max=50, help="number of notes"),
    code: Optional[Path] = typer.Option(None, "--code", help="candidate Chisel file (repair retrieval)"),
    diagnostics: Optional[Path] = typer.Option(None, "--diagnostics", help="file with compiler/firtool messages"),
    profile: Profile = None,
    token_budget: int = typer.Option(1200, "--token-budget", min=50, help="max tokens of note text returned"),
    show_text: bool = typer.Option(False, "--text", help="also print each note's text"),
    as_json: Json = False,
) -> None:
    """Show the notes a prompt would get for TEXT (plus --code / --diagnostics in repair mode)."""
    from agent.rag.retriever import format_hits_for_trace

    code_text = read_text_file(code, "code file") if code else None
    diag_text = read_text_file(diagnostics, "diagnostics file") if diagnostics else None
    if not text.strip() and not diag_text:
        fail("the query is empty; give spec text or an error message")
    if diag_text is None and looks_like_compiler_error(text):
        # The help offers TEXT as "an error message", but error guides are retrieved only in repair mode
        # (diagnostics given): read such TEXT as the diagnostics too, as --diagnostics FILE would be.
        diag_text = text
    profile = profile or "chisel7"
    r = _retriever(profile, token_budget)
    _build(r, force=False, quiet=as_json)
    with _status("searching the notes (loading the embedding model)", quiet=as_json):
        ranked = r.scored(text, code=code_text, diagnostics=diag_text)  # scored once: the notes and the count below
        notes = r.select(ranked, k)
        below = sum(s < r.min_score for s, _, _ in ranked)
    if len(notes) < k and below:
        # Fewer notes than -k asked for would otherwise look like all the index holds.
        err_console.print(f"note: {len(notes)} of -k {k} notes: {below} more scored under the floor "
                          f"{r.min_score:g}", highlight=False, soft_wrap=True)
    if as_json:
        hits = format_hits_for_trace(notes)
        if show_text:
            for h, n in zip(hits, notes):
                h["text"] = n.text
        print_json({"query": text, "profile": profile, "k": k, "hits": hits})
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"top {len(notes)} notes", title_justify="left")
    for column in ("#", "id", "score", "kind", "source", "title"):
        table.add_column(column, overflow="fold")
    for i, n in enumerate(notes, 1):
        table.add_row(str(i), n.id, f"{n.score:.3f}", n.kind, n.source, n.title)
    out = Console()
    out.print(table)
    if show_text:
        for n in notes:
            out.rule(n.id)
            out.print(n.text, markup=False, highlight=False)


@bench_commands.command("rag")
def bench_rag_cmd(
    profile: Profile = None,
    queries: Optional[Path] = typer.Option(None, "--queries", help="labelled YAML set (default tests/data/rag_queries.yaml)"),
    rounds: int = typer.Option(3, "--rounds", min=1, max=20, help="passes over the query set for latency"),
    read_spec: bool = typer.Option(True, "--read-spec/--no-read-spec",
                                   help="negation scope and 'purely combinational' (off: every word counts, as before issue 22)"),
    as_json: Json = False,
) -> None:
    """Cold index build time (model load separated), query latency p50/p90 after load, top-3 hit rate,
    precision on the labelled negatives."""
    from agent.rag.bench import DEFAULT_QUERIES, load_queries, run_rag_bench
    from agent.rag.embedder import EmbedderMissing
    from agent.rag.notes import NoteError

    path = queries or DEFAULT_QUERIES
    if not path.is_file():
        fail(f"labelled query set not found: {path} (pass --queries FILE)")
    try:
        qs = load_queries(path)
    except (ValueError, OSError) as e:
        fail(str(e))
    with progress_bar(quiet=as_json) as progress:
        task = progress.add_task("RAG bench: cold build", total=2 + rounds * len(qs))

        def tick(stage: str) -> None:
            progress.update(task, advance=1, description=f"RAG bench: {stage}")

        try:
            report = run_rag_bench(profile or "chisel7", qs, rounds=rounds, tick=tick, read_spec=read_spec)
        except (ValueError, NoteError, EmbedderMissing) as e:
            fail(str(e))
    if as_json:
        print_json(report)
        return
    for w in report["warnings"]:
        err_console.print(f"[yellow]warning:[/] {w}", highlight=False)
    err_console.print(
        f"cold build {report['cold_build_s']:.1f} s (model load {report['model_load_s']:.1f} s, embedding "
        f"{report['notes']}+{report['generated_notes']} notes {report['embed_s']:.1f} s); warm open "
        f"{report['warm_open_s']:.2f} s; query p50 {report['query_p50_ms']:.1f} ms, p90 "
        f"{report['query_p90_ms']:.1f} ms (target <= {report['latency_target_ms']:.0f} ms: "
        f"{'met' if report['latency_target_met'] else 'NOT met'}; one-text embed p50 "
        f"{report['embed_one_text_p50_ms']:.1f} ms at load {report['load_average_1m']} on {report['cpu_count']} CPUs); "
        f"top-3 hit rate "
        f"{report['top3_hit_rate']:.0%} over {report['positives']} queries; labelled precision "
        f"{report['labelled_precision']:.0%}; negatives clean {report['negatives_clean']:.0%} of {report['negatives']} "
        f"({report['negative_notes_rejected']} rejected notes of {report['negative_notes_retrieved']}, "
        f"{report['negative_hints_rejected']} rejected hints of {report['negative_hints']}); import hints: recall "
        f"{_pct(report['hint_recall'])} of {report['expected_hints']} expected, labelled precision "
        f"{_pct(report['hint_labelled_precision'])}", highlight=False)
    for v in report["violations"]:
        err_console.print(f"  negative: {v['query']!r} got notes {v['notes']} hints {v['hints']}", highlight=False)
    for m in report["misses"]:
        err_console.print(f"  miss: {m['query']!r} expected {m['expect']} got {m['got']}", highlight=False)
    for m in report["hint_misses"]:
        err_console.print(f"  hint miss: {m['query']!r} expected {m['missing']} got hints {m['got']}", highlight=False)


def _pct(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate:.0%}"




@bench_commands.command("rag-startup")
def bench_rag_startup_cmd(
    spec: Path = typer.Option(Path("examples/adder8.txt"), "--spec", help="the spec whose notes and examples are retrieved"),
    repeats: int = typer.Option(5, "--repeats", min=1, max=50, help="fresh processes per embedding backend"),
    timeout: float = typer.Option(600.0, "--timeout", min=1, help="seconds one process may take"),
    as_json: Json = False,
) -> None:
    """Seconds from a fresh process's launch until a spec's retrieval is ready (notes and examples, as
    `agent solve` starts), embedding with sentence-transformers and with the ONNX export."""
    from agent.rag.embedder import EmbedderMissing, ensure_onnx_export
    from agent.rag.startup_bench import run_startup_bench

    read_text_file(spec, "spec")
    try:
        ensure_onnx_export()  # what `agent rag build` makes; the ONNX runs need it
    except EmbedderMissing as e:
        fail(f"no ONNX export to compare with: {e}")
    with progress_bar(quiet=as_json) as progress:
        task = progress.add_task("start-up bench", total=2 * repeats)

        def tick(run: dict) -> None:
            progress.update(task, advance=1, description=f"start-up bench: {run['backend']} {run['ready_s']:.1f} s")
            if as_json:  # one line per process on stderr: a long run on a busy machine shows what it has
                err_console.print(f"rag-startup {run['backend']}: ready {run['ready_s']:.2f} s, {run['cpu_s']:.2f} CPU s",
                                  highlight=False)

        try:
            report = run_startup_bench(spec, repeats=repeats, timeout_s=timeout, tick=tick)
        except RuntimeError as e:
            fail(str(e))
    if as_json:
        print_json(report)
        return
    st, ox = report["sentence-transformers"], report["onnx"]
    err_console.print(
        f"retrieval ready (median of {repeats}, from launch): sentence-transformers {st['ready_s']:.2f} s "
        f"({st['cpu_s']:.2f} CPU s), ONNX {ox['ready_s']:.2f} s ({ox['cpu_s']:.2f} CPU s): {report['saved_s']:.2f} s "
        f"sooner; ONNX imported torch: {report['onnx_imported_torch']}; "
        f"same notes and examples: {report['same_results']}; load {report['load_average_1m_before']} on "
        f"{report['cpu_count']} CPUs", highlight=False)
