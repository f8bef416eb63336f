"""`agent datagen N`: verified synthetic Chisel data; `agent train CONFIG.yaml`: the QLoRA baseline."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Optional

import typer

from agent.cli_util import err_console, fail, open_verifier, print_json, progress_bar
from agent.commands.options import Json, Profile, RayAddress, Resume, Workers

# The commands of this module; agent.cli adds them to `agent`.
commands = typer.Typer()


@commands.command()
def datagen(
    n: int = typer.Argument(..., help="How many verified samples the output should hold in total."),
    workers: Workers = None,
    seed: int = typer.Option(0, "--seed", help="Same seed, same samples."),
    out: Path = typer.Option(Path("data/chisel_synth.jsonl"), "--out", "-o", help="Alpaca JSONL to write."),
    levels: str = typer.Option("L1,L2,L3,L4", "--levels", help="Comma-separated: L1,L2,L3,L4,util."),
    profile: Profile = None,
    resume: Resume = False,
    ray: RayAddress = None,
    json_out: Json = False,
) -> None:
    """Generate N template samples following the seed's curriculum, each verified on the real toolchain."""
    from baselines.datagen.mix import parse_levels

    if n <= 0:
        fail(f"N must be positive, got {n}")
    try:
        chosen = parse_levels(levels)
    except ValueError as e:
        fail(str(e))
    from agent.rundir import claim_out_file

    # Held for the whole run: a second run on the same file (say, two --resume) would read the same
    # rows as done and append the same new ones again.
    with claim_out_file(out):
        _datagen(n, chosen, workers, seed, out, profile, resume, json_out, ray)


def _open_verifier(profile: str | None, workers: int | None, ray: str | None, out: Path):
    """The local pool, or with --ray (or the setting ray_address) verifier actors on that cluster."""
    from agent.cli_util import load_settings

    address = ray or load_settings(None).ray_address
    if address:
        from agent.commands.cluster_session import open_cluster_verifier
        from baselines.datagen.store import sidecar

        return open_cluster_verifier(address, profile, workers, record=sidecar(out, ".cluster.json"))
    return open_verifier(profile, workers)


def _datagen(n: int, chosen: list[str], workers: int | None, seed: int, out: Path, profile: str | None,
             resume: bool, json_out: bool, ray: str | None = None) -> None:
    from baselines.datagen.engine import Engine, VerifierBroken, reflect_verifier
    from baselines.datagen.mix import quotas
    from baselines.datagen.stats import summarize
    from baselines.datagen.store import sidecar, write_dataset_info

    has_data = out.exists() or sidecar(out, ".meta.jsonl").exists() or sidecar(out, ".failures.jsonl").exists()
    if has_data and not resume:
        fail(f"{out} already exists; pass --resume to continue it or choose another --out")

    from rich.progress import TextColumn

    want = quotas(n, chosen)
    try:
        with _open_verifier(profile, workers, ray, out) as env, \
                progress_bar(TextColumn("{task.fields[rate]}"), quiet=json_out, transient=False) as progress:
            from baselines.datagen.store import load_existing
            try:
                already = len(load_existing(out).meta) if has_data else 0
            except ValueError as e:
                fail(str(e))
            bar = progress.add_task("datagen", total=sum(want.values()), completed=min(already, n), rate="")
            import time
            t0 = time.perf_counter()
            count = 0

            def advance(k: int) -> None:
                nonlocal count
                count += k
                rate = count / max(time.perf_counter() - t0, 1e-9)
                progress.update(bar, advance=k, rate=f"{rate:.2f} samples/s")

            engine = Engine(out, n, chosen, seed, reflect_verifier(env), concurrency=2 * env.workers,
                            on_progress=advance)
            try:
                report = asyncio.run(engine.run())
            except (ValueError, VerifierBroken) as e:
                fail(str(e))
    except KeyboardInterrupt:
        fail(f"interrupted; everything verified so far is in {out} (re-run with --resume)", code=130)

    info = write_dataset_info(out)
    stats = summarize(out, chosen)
    stats["run"] = {
        "new_samples": report.new_samples, "failures": report.failures, "duplicates_skipped": report.duplicates,
        "naming_rejects": report.naming_rejects, "exhausted_levels": report.exhausted,
        "wall_s": round(report.wall_s, 2), "verify_s": round(report.verify_s, 2),
        "samples_per_s": round(report.samples_per_s, 3), "workers": env.workers, "seed": seed,
        "profile": env.profile,
    }
    stats["files"] = {"out": str(out), "meta": str(sidecar(out, ".meta.jsonl")),
                      "failures": str(sidecar(out, ".failures.jsonl")), "dataset_info": str(info)}
    sidecar(out, ".stats.json").write_text(json.dumps(stats, indent=2) + "\n")
    short = stats["samples"] < n
    if json_out:
        print_json(stats)
    else:
        _print_stats(stats)
    if short:
        fail(f"only {stats['samples']} of {n} samples: levels {', '.join(report.exhausted) or '?'} ran out of "
             "distinct candidates (see the stats)", code=1)


def _print_stats(stats: dict) -> None:
    from rich.table import Table

    table = Table(title=f"{stats['samples']} samples, {stats['distinct_structures']} distinct structures")
    for col in ("level", "count", "share", "target", "structures"):
        table.add_column(col, justify="right" if col != "level" else "left")
    for lv, row in stats["levels"].items():
        table.add_row(lv, str(row["count"]), f"{row['share']:.1%}", f"{row['target']:.1%}", str(row["distinct_structures"]))
    err_console.print(table)
    run = stats["run"]
    err_console.print(
        f"{run['new_samples']} new in {run['wall_s']} s ({run['samples_per_s']} samples/s on {run['workers']} workers "
        f"after warm-up); {run['failures']} failed verification, {run['duplicates_skipped']} duplicates skipped. "
        f"Files: {stats['files']['out']} (+ .meta.jsonl, .failures.jsonl, .stats.json), {stats['files']['dataset_info']}",
        highlight=False,
    )


@commands.command()
def train(
    config: Path = typer.Argument(..., help="Training config YAML (see baselines/qlora/configs/qwen14b_qlora.yaml)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Validate config and data, tokenize, print the plan; no model load."),
    data: Optional[list[Path]] = typer.Option(None, "--data", help="Override data.train_files (repeatable)."),
    output_dir: Optional[Path] = typer.Option(None, "--output-dir", help="Override output_dir."),
    max_steps: Optional[int] = typer.Option(None, "--max-steps", help="Override training.max_steps (smoke runs)."),
    json_out: Json = False,
) -> None:
    """QLoRA fine-tune (the seed's baseline recipe) and save the LoRA adapter for vLLM --enable-lora."""
    from baselines.qlora.config import ConfigError, load_config

    try:
        cfg = load_config(config)
    except ConfigError as e:
        fail(str(e))
    if data:
        cfg.data.train_files = list(data)
    if output_dir is not None:
        cfg.output_dir = output_dir
    if max_steps is not None:
        if max_steps == 0 or max_steps < -1:
            fail(f"--max-steps must be positive (or -1 for epochs), got {max_steps}")
        cfg.training.max_steps = max_steps

    from baselines.qlora.model import TrainError, preflight
    from baselines.qlora.train import prepare, run

    try:
        if dry_run:
            _, _, _, plan = prepare(cfg)
            if plan["four_bit"] and not plan["cuda"]:
                plan["warning"] = "4-bit needs CUDA: a real run on this machine would stop at once"
            if json_out:
                print_json(plan)
            else:
                for key, value in plan.items():
                    err_console.print(f"{key:>26}: {value}", highlight=False)
            return
        preflight(cfg)
        if json_out:
            import transformers

            transformers.logging.disable_progress_bar()
        summary = run(cfg)
    except TrainError as e:
        fail(str(e))
    except KeyboardInterrupt:
        fail(f"interrupted; checkpoints so far are in {cfg.output_dir}", code=130)
    if json_out:
        print_json(summary)
    else:
        err_console.print(f"adapter saved to {summary['adapter_dir']} after {summary['global_step']} steps; "
                          f"summary in {cfg.output_dir}/train_summary.json", highlight=False)


@commands.command("datagen-check")
def datagen_check(
    dataset: Path = typer.Argument(..., help="Alpaca JSONL (from agent datagen, or any other)."),
    workers: Workers = None,
    profile: Profile = None,
    json_out: Json = False,
) -> None:
    """Re-verify a dataset: the instruction names the class, the class exists, the code passes strict verification."""
    from baselines.datagen.engine import reflect_verifier
    from baselines.datagen.recheck import recheck
    from baselines.datagen.store import read_jsonl

    if not dataset.exists() or dataset.is_dir():
        fail(f"dataset not found: {dataset}")
    try:
        rows = read_jsonl(dataset)
    except ValueError as e:
        fail(str(e))
    if not rows:
        fail(f"dataset is empty: {dataset}")
    if not all(isinstance(r, dict) and "instruction" in r and "output" in r for r in rows):
        fail(f"{dataset}: every row needs 'instruction' and 'output' (Alpaca)")
    with open_verifier(profile, workers) as env, progress_bar(quiet=json_out, transient=False) as progress:
        bar = progress.add_task("recheck", total=len(rows))
        report = asyncio.run(recheck(rows, reflect_verifier(env), 2 * env.workers, lambda: progress.advance(bar)))
    result = report.as_dict()
    if json_out:
        print_json(result)
    else:
        err_console.print(f"{report.passed}/{report.rows} pass; {report.naming_failed} name no defined class, "
                          f"{report.verify_failed} fail verification {dict(report.categories) or ''}", highlight=False)
        for ex in report.examples:
            err_console.print(f"  row {ex['row']}: {ex['failure']}: {ex['detail']}", highlight=False)
    if report.passed != report.rows:
        raise typer.Exit(1)
