"""Errors at the bottom (agent/errors.py, reflect_env/errors.py): every error raised on purpose derives
from one base and keeps its historical base; the CLI turns any of them into one line, exit 2."""
from __future__ import annotations

import importlib

import pytest
import typer
from typer.testing import CliRunner

from agent.errors import ChiselAgentError, one_line
from reflect_env.errors import ReflectEnvError

# (module, class, the base it had before the common one, which callers may still catch)
AGENT_ERRORS = [
    ("agent.config", "ConfigError", ValueError),
    ("agent.errors", "BudgetExceeded", Exception),
    ("agent.errors", "VerifierUnavailable", RuntimeError),
    ("agent.errors", "PathError", ValueError),
    ("agent.search", "BudgetExceeded", Exception),  # the loop's old import path still works
    ("agent.search", "VerifierUnavailable", RuntimeError),
    ("agent.oracle_free.interface", "InterfaceError", ValueError),
    ("agent.oracle_free", "InterfaceError", ValueError),
    ("agent.oracle_free.bench", "_InfraError", RuntimeError),
    ("agent.rag.notes", "NoteError", ValueError),
    ("agent.rag.embedder", "EmbedderMissing", RuntimeError),
    ("agent.llm.client", "LLMUnavailable", RuntimeError),
    ("agent.llm.client", "ModelNotServed", RuntimeError),
    ("agent.llm.client", "LLMRequestError", RuntimeError),
    ("agent.llm.client", "_MalformedReply", Exception),
    ("agent.eval.records", "ResultsLogError", ValueError),
    ("agent.eval.replay", "ReplayError", ValueError),
    ("agent.eval.report", "RunDirError", ValueError),
    ("agent.eval.live", "LLMFailed", RuntimeError),
    ("agent.eval.runner", "RunError", ValueError),
    ("agent.eval.benchmarks", "BenchmarkError", ValueError),
    ("agent.local.models", "LocalModelError", RuntimeError),
    ("agent.local.server", "ServeError", RuntimeError),
]
VERIFIER_ERRORS = [
    ("reflect_env.pool", "WorkerDied", RuntimeError),
    ("reflect_env.pool", "WorkerTimeout", RuntimeError),
    ("reflect_env.pool", "PoolUnavailable", RuntimeError),
    ("reflect_env", "PoolUnavailable", RuntimeError),
    ("reflect_env.sim.ports", "PortError", ValueError),
    ("reflect_env.toolchain", "ToolchainMissing", RuntimeError),
    ("reflect_env", "ToolchainMissing", RuntimeError),
]


@pytest.mark.parametrize("module,name,old_base", AGENT_ERRORS + VERIFIER_ERRORS)
def test_each_error_derives_from_its_base_and_keeps_the_old_one(module, name, old_base):
    cls = getattr(importlib.import_module(module), name)
    base = ReflectEnvError if module.startswith("reflect_env") else ChiselAgentError
    assert issubclass(cls, base) and issubclass(cls, old_base)


def test_the_message_is_one_line():
    assert ChiselAgentError("bad\n  config:\tline 3").message == "bad config: line 3"
    assert one_line(ValueError("")) == "ValueError"


def _app_raising(error: Exception) -> typer.Typer:
    from agent.cli_util import OneLineErrors

    app = typer.Typer(cls=OneLineErrors)

    @app.command("go")
    def go() -> None:
        raise error

    @app.command("other")
    def other() -> None:
        pass

    return app


@pytest.mark.parametrize("error", [ChiselAgentError("the run directory\nis gone"),
                                   ReflectEnvError("profile chisel7 is not set up; run: agent setup")],
                         ids=["agent", "reflect_env"])
def test_the_cli_prints_any_user_error_as_one_line_exit_2(error):
    r = CliRunner().invoke(_app_raising(error), ["go"], env={"COLUMNS": "300"})
    assert r.exit_code == 2, r.output
    assert r.output.strip().splitlines() == [f"error: {one_line(error)}"]


def test_a_bug_is_not_dressed_up_as_a_user_error():
    r = CliRunner().invoke(_app_raising(KeyError("x")), ["go"])
    assert r.exit_code == 1 and isinstance(r.exception, KeyError)


def test_agent_report_on_a_missing_run_is_one_line():
    """A real command raising one of the errors it no longer catches itself (RunDirError)."""
    from agent.cli import app

    r = CliRunner().invoke(app, ["report", "/nonexistent/run"], env={"COLUMNS": "300"})
    assert r.exit_code == 2 and len(r.output.strip().splitlines()) == 1 and r.output.startswith("error: ")
