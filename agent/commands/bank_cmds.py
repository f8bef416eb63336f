"""`agent rag examples`, `agent rag contamination`, `agent rag prompt`: the verified example bank
(issue 22) and the generate prompt it feeds. `agent rag build` builds the bank (rag_cmds)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer

from agent.cli_util import err_console, fail, print_json, progress_bar, read_text_file
from agent.commands.options import Config, Json, Profile, Top
from agent.commands.rag_common import open_retriever, rag_app


def build_bank(retriever, *, workers: int, verilogeval: Optional[Path], force: bool, quiet: bool):
    """Build (or reopen) the example bank beside the notes index; returns BankStats or None when the
    toolchain is not there to verify with (a warning, not a failed `rag build`)."""
    from agent.rag.contamination import known_benchmarks
    from agent.rag.examples import ExampleError, reflect_verifier

    bank = retriever.example_bank()
    benchmarks = known_benchmarks()
    if verilogeval is not None:
        if not verilogeval.is_dir():
            fail(f"VerilogEval directory not found: {verilogeval}")
        if str(verilogeval) not in benchmarks:
            benchmarks.append(str(verilogeval))
    with progress_bar(quiet=quiet) as progress:
        task = progress.add_task("example bank", total=None)

        def on_progress(stage: str, done: int, total: int) -> None:
            progress.update(task, description=stage, completed=done, total=total)

        try:
            return bank.build(reflect_verifier(retriever.profile.name, workers), benchmarks=benchmarks, force=force,
                              progress=on_progress)
        except ExampleError as e:
            fail(str(e))
        except Exception as e:  # the verifier could not start (toolchain missing): notes still work
            err_console.print(f"[yellow]warning:[/] example bank not built ({type(e).__name__}: "
                              f"{' '.join(str(e).split())[:300]})", highlight=False)
            return None


def print_bank_stats(stats) -> None:
    for w in stats.warnings:
        err_console.print(f"[yellow]warning:[/] {w}", highlight=False)
    for f in stats.failed:
        err_console.print(f"[yellow]not verified:[/] {f['id']} ({f['category']}): {f['error']}", highlight=False)
    state = "up to date" if stats.reused else "built"
    err_console.print(
        f"[bold green]ok[/]: example bank {stats.collection} {state}: {stats.verified} of "
        f"{stats.hand_written + stats.engine} examples verified ({stats.hand_written} hand-written, {stats.engine} "
        f"from the data engine; {stats.simulated} simulated against a second implementation), "
        f"{stats.indexed or stats.kept} in the index; {len(stats.excluded)} of them twins of a benchmark problem, "
        f"never shown to a benchmark task, which sees {stats.kept} ({stats.combinational} combinational); "
        f"verification {stats.verify_s:.1f} s", highlight=False)


def _retriever(profile: str):
    return open_retriever(profile)


@rag_app.command("examples")
def examples_cmd(
    text: str = typer.Argument(..., help="spec text (or @FILE to read it from a file)"),
    m: int = typer.Option(3, "-m", min=1, max=20, help="number of examples"),
    top: Top = None,  # the task's top module: never shown as its own example
    profile: Profile = None,
    show_code: bool = typer.Option(False, "--code", help="also print each example's code"),
    benchmark_task: bool = typer.Option(False, "--benchmark-task",
                                        help="what a benchmark task would get: no twin of a benchmark problem "
                                             "(default: what `agent solve` shows a spec of your own)"),
    as_json: Json = False,
) -> None:
    """Show the worked examples a generate prompt would get for a spec (the bank must be built)."""
    spec = read_text_file(Path(text[1:]), "spec file") if text.startswith("@") else text
    if not spec.strip():
        fail("the spec is empty")
    r = _retriever(profile or "chisel7")
    try:
        hits = r.examples(spec, m, exclude_top=top, twins=not benchmark_task)
    except FileNotFoundError as e:
        fail(str(e))
    if as_json:
        print_json({"spec": spec, "m": m, "hits": [h.model_dump(exclude=set() if show_code else {"code"}) for h in hits]})
        return
    if not hits:
        err_console.print("no example scored above the floor: the fixed example would be shown", highlight=False)
    for h in hits:
        print(f"{h.score:.3f}  {h.id}  ({h.source})  {h.title}")
        if show_code:
            print(h.code)


@rag_app.command("contamination")
def contamination_cmd(
    benchmark: str = typer.Argument(..., help="benchmark name or path (own, verilogeval_mini, an eval-set .jsonl, "
                                              "a VerilogEval spec-to-rtl directory)"),
    profile: Profile = None,
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="also write the report (JSON) to this file"),
    as_json: Json = False,
) -> None:
    """For each problem of BENCHMARK, the nearest example of the built bank and its similarity (spec
    cosine, code Jaccard, structure: the code with names and widths abstracted), and how many are at
    or above the exclusion limits."""
    from agent.eval.benchmarks import BenchmarkError
    from agent.rag.contamination import CODE_LIMIT, SPEC_LIMIT, STRUCT_LIMIT, load_problems, nearest
    from agent.rag.examples import Example

    try:
        problems = load_problems(benchmark)
    except (BenchmarkError, OSError) as e:
        fail(str(e))
    r = _retriever(profile or "chisel7")
    bank = r.example_bank()
    if not bank.available():
        fail(f"example bank not built for {bank.profile.name} (run: agent rag build)")
    examples: list[Example] = bank.examples()
    report = contamination_report(benchmark, nearest(examples, problems, bank.embedder), len(examples),
                                  bank.stats.collection if bank.stats else None)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(report_json(report))
    if as_json:
        print_json(report)
        return
    for row in report["nearest"]:
        code = "   -  " if row["code_sim"] is None else f"{row['code_sim']:.3f}"
        struct = "   -  " if row["struct_sim"] is None else f"{row['struct_sim']:.3f}"
        print(f"{row['similarity']:.3f}  spec {row['spec_sim']:.3f}  code {code}  struct {struct}  "
              f"{row['problem']}  ->  {row['example']}")
    most = report["max_struct_sim"]
    err_console.print(f"{report['problems']} problems, {report['bank_examples']} bank examples; "
                      f"{report['at_or_above_limit']} at or above the limits (spec {SPEC_LIMIT}, code {CODE_LIMIT}, "
                      f"structure {STRUCT_LIMIT}); max similarity {report['max_similarity']:.3f}, max structural "
                      f"{'- (no Chisel references)' if most is None else f'{most:.3f}'}", highlight=False)


def contamination_report(benchmark: str, rows, bank_examples: int, collection: str | None) -> dict[str, Any]:
    """The report of `agent rag contamination` (fields: docs/examples.md, "Contamination"). Code and
    structure are null for a problem without a Chisel reference (VerilogEval's is Verilog): not
    measured, rather than a similarity of 0."""
    from agent.rag.contamination import CODE_LIMIT, SPEC_LIMIT, STRUCT_LIMIT

    def row(n) -> dict[str, Any]:
        has_code = n.problem.code is not None
        return {"problem": n.problem.id, "example": n.example_id, "similarity": round(n.similarity, 4),
                "spec_sim": n.spec_sim, "code_sim": n.code_sim if has_code else None,
                "struct_sim": n.struct_sim if has_code else None,
                "struct_nearest": n.struct_example if has_code else None,
                "struct_nearest_sim": n.struct_best if has_code else None}

    measured = [n.struct_best for n in rows if n.problem.code is not None]
    return {
        "benchmark": benchmark, "problems": len(rows), "bank_examples": bank_examples, "bank_collection": collection,
        "spec_limit": SPEC_LIMIT, "code_limit": CODE_LIMIT, "struct_limit": STRUCT_LIMIT,
        "at_or_above_limit": sum(1 for n in rows if n.contaminated),
        "max_similarity": max((n.similarity for n in rows), default=0.0),
        "max_struct_sim": max(measured) if measured else None,
        "nearest": [row(n) for n in sorted(rows, key=lambda n: (-n.similarity, n.problem.id))],
    }


def report_json(report: dict[str, Any]) -> str:
    """The report as JSON with one line per problem, so a committed report reads (and diffs) as a table."""
    import json

    head = json.dumps({k: v for k, v in report.items() if k != "nearest"}, indent=1)
    rows = ",\n".join(f"  {json.dumps(r)}" for r in report["nearest"])
    return f'{head[:-2]},\n "nearest": [\n{rows}\n ]\n}}\n'


@rag_app.command("prompt")
def prompt_cmd(
    spec_file: Path = typer.Argument(..., help="the specification (a text file)"),
    top: Top = None,
    config: Config = None,
    sample: int = typer.Option(0, "--sample", min=0, help="which sample's prompt, 0 to k-1 (they differ with "
                                                          "example_diversity)"),
    as_json: Json = False,
) -> None:
    """Print the generate prompt `agent solve` would send for a spec, without a model: the import
    hints, retrieved notes and worked examples of the settings (rag, import_hints, examples)."""
    import asyncio

    from agent.cli_util import load_settings
    from agent.search import _Run
    from agent.task import Task
    from agent.trace import NullTrace

    spec = read_text_file(spec_file, "spec file")
    cfg = load_settings(config)
    if sample >= cfg.k:  # there is no such sample: showing another one's prompt would mislead
        fail(f"--sample {sample}: the settings draw k = {cfg.k} samples, numbered 0 to {cfg.k - 1}")
    retriever = _retriever(cfg.profile) if cfg.rag else None

    async def render():
        run = _Run(Task(id=spec_file.stem, spec=spec, top=top, user_spec=True), cfg, None, None, NullTrace(), retriever)  # type: ignore[arg-type]
        notes = await run.notes(spec)
        sets = await run.example_sets(spec)
        ex = sets[min(sample, len(sets) - 1)]
        return run, notes, ex, run.builder.generate(spec, top, hints=run.hints, notes=notes, examples=ex)

    run, notes, examples, prompt = asyncio.run(render())
    if as_json:
        print_json({"messages": prompt.messages, "hints": [n for n, _ in run.hints],
                    "notes": [n.id for n in notes], "examples": [e.id for e in examples]})
        return
    err_console.print(f"hints: {[n for n, _ in run.hints]}; notes: {[n.id for n in notes]}; "
                      f"examples: {[e.id for e in examples] or 'none (fixed example)'}", highlight=False,
                      soft_wrap=True)  # one line whatever the width: a log or grep reads it whole
    print(prompt.text)
