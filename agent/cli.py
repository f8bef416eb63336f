"""The `agent` command. Each area's commands live in a module under agent/commands/ that knows nothing of
this one: it declares them on its own typer apps (`commands`, and `bench_commands` for its benchmarks) and
this file puts them together, so importing a command module never imports the CLI (no import circle;
tests/test_cli_options.py checks)."""
from __future__ import annotations

import os

import typer

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing may reach a model hub
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from agent.cli_util import OneLineErrors  # noqa: E402
from agent.commands import (baseline_cmds, eval_cmds, llm_cmds, model_cmds, rag_cmds,  # noqa: E402
                            solve_cmds, verify_cmds, view_cmds)

app = typer.Typer(
    name="agent",
    help="chisel-agent: sample Chisel from a served LLM, verify it on the real toolchain, repair it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=OneLineErrors,  # an error with a message for the user ends any command as one line, exit 2
)
bench_app = typer.Typer(help="Benchmarks that produce the numbers in docs/BENCHMARKS.md.", no_args_is_help=True)
app.add_typer(bench_app, name="bench")

# In the order `agent --help` lists them.
app.add_typer(verify_cmds.commands)  # setup, check
app.add_typer(eval_cmds.commands)  # eval, sweep, report, compare
app.add_typer(solve_cmds.commands)  # solve
app.add_typer(baseline_cmds.commands)  # datagen, train, datagen-check
app.add_typer(llm_cmds.commands)  # llm ping, config show
app.add_typer(rag_cmds.commands)  # rag build, rag query
app.add_typer(model_cmds.commands)  # model pull/add/list, serve
app.add_typer(view_cmds.commands)  # view
bench_app.add_typer(verify_cmds.bench_commands)  # bench verify, bench selfcheck
bench_app.add_typer(solve_cmds.bench_commands)  # bench overhead
bench_app.add_typer(llm_cmds.bench_commands)  # bench llm
bench_app.add_typer(rag_cmds.bench_commands)  # bench rag
bench_app.add_typer(model_cmds.bench_commands)  # bench engine
bench_app.add_typer(view_cmds.bench_commands)  # bench view
