"""The errors the agent raises on purpose, at the bottom of the import graph (this module imports nothing
from agent/ or reflect_env/).

Every such error derives from `ChiselAgentError`, whose message is meant for the user: the CLI catches
the base once (agent.cli_util.OneLineErrors) and prints it as one line with exit code 2, so a command
raises instead of catching tuples of error types. Each class keeps its historical second base
(ValueError, RuntimeError) so code that caught those still does. reflect_env, which must stay usable
without the agent, has its own base (reflect_env.errors.ReflectEnvError) that the same handler catches.

The error classes stay in the modules that raise them (their import paths are public); only the loop's
two control-flow errors live here, so that oracle_free and the CLI can name them without importing the
loop (agent/search.py re-exports them).
"""
from __future__ import annotations


class ChiselAgentError(Exception):
    """An error with a message for the user; `message` is that message on one line."""

    @property
    def message(self) -> str:
        return one_line(self)


def one_line(error: BaseException) -> str:
    """The error's message with its whitespace (newlines included) collapsed: what the CLI prints."""
    return " ".join(str(error).split()) or type(error).__name__


class BudgetExceeded(ChiselAgentError):
    """A budget (LLM calls, tokens, wall time) ran out: the solve ends cleanly with what it has."""


class ReferenceFault(ChiselAgentError, RuntimeError):
    """The given reference (a Python model) failed: no candidate can be judged, so the solve ends."""


class VerifierUnavailable(ChiselAgentError, RuntimeError):
    """The verifier could not start at all (toolchain missing, workers never came up): not a fault
    of the candidate, so it ends the solve instead of counting as a failed attempt."""


class PathError(ChiselAgentError, ValueError):
    """A path given by the user (an --out directory, a file to write) that cannot be used; the message
    names the option and why."""
