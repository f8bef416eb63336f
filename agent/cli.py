"""The `agent` command. Each sub-command lives in its own module under agent/commands/; this file
only creates the apps they register on and imports them."""
from __future__ import annotations

import os

import typer

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing may reach a model hub
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

app = typer.Typer(
    name="agent",
    help="chisel-agent: sample Chisel from a served LLM, verify it on the real toolchain, repair it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
bench_app = typer.Typer(help="Benchmarks that produce the numbers in docs/BENCHMARKS.md.", no_args_is_help=True)
app.add_typer(bench_app, name="bench")

# Importing a command module registers its commands on `app` / `bench_app`.
from agent.commands import verify_cmds  # noqa: E402,F401  setup, check, bench verify
from agent.commands import eval_cmds  # noqa: E402,F401  eval, sweep, report
from agent.commands import solve_cmds  # noqa: E402,F401  solve, bench overhead
from agent.commands import baseline_cmds  # noqa: E402,F401  datagen, train
from agent.commands import llm_cmds  # noqa: E402,F401  llm ping, config show, bench llm
from agent.commands import rag_cmds  # noqa: E402,F401  rag build, rag query, bench rag
from agent.commands import model_cmds  # noqa: E402,F401  model pull/add/list, serve
