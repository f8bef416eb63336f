"""Small helpers every command uses: one-line errors, JSON output, reading user files safely, the
progress bar, and opening the verifier."""
from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from rich.console import Console
from typer.core import TyperGroup
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeElapsedColumn

from agent.errors import ChiselAgentError, one_line

if TYPE_CHECKING:
    from agent.config import AgentConfig
    from reflect_env import ReflectEnv

err_console = Console(stderr=True)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one clear line to stderr and exit non-zero. Never a traceback for user errors."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def user_error(error: BaseException) -> bool:
    """An error raised on purpose with a message for the user: agent.errors.ChiselAgentError, or
    reflect_env's own base (looked up only when reflect_env.errors was imported: if it was not, no
    verifier error can have been raised, and the CLI's start-up does not pay for importing it)."""
    if isinstance(error, ChiselAgentError):
        return True
    verifier_errors = sys.modules.get("reflect_env.errors")
    return verifier_errors is not None and isinstance(error, verifier_errors.ReflectEnvError)


class OneLineErrors(TyperGroup):
    """The `agent` command group: an error with a message for the user (user_error) that a command
    does not handle itself ends the command as one line on stderr, exit 2, never a traceback. A
    command catches such an error only to say more than its message."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except Exception as e:
            if not user_error(e):
                raise
            fail(one_line(e))


def print_json(obj: Any) -> None:
    """Exactly one JSON object on stdout (for --json)."""
    sys.stdout.write(json.dumps(obj, default=str) + "\n")
    sys.stdout.flush()


def read_text_file(path: Path, what: str = "file") -> str:
    """Read a user-supplied text file or fail with a one-line error (missing, directory, binary, empty)."""
    if not path.exists():
        fail(f"{what} not found: {path}")
    if path.is_dir():
        fail(f"{what} is a directory, not a file: {path}")
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        fail(f"{what} looks binary, expected text: {path}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        fail(f"{what} is not UTF-8 text: {path}")
    if not text.strip():
        fail(f"{what} is empty: {path}")
    return text


def load_settings(config_path: Path | None, *, flags: dict[str, str] | None = None, **overrides: Any) -> AgentConfig:
    """The settings every command runs with (agent.config.load_config: defaults < config file < env
    vars < these flags), or a one-line failure naming the file and key (exit 2). flags: override
    name -> the flag it came from, for the message."""
    from agent.config import load_config

    try:
        return load_config(config_path, flags=flags, **overrides)
    except ValueError as e:  # ConfigError is a ValueError with a one-line message
        fail(" ".join(str(e).split()))


def check_profile(profile: str | None) -> None:
    """A toolchain profile name the verifier knows, or a one-line failure (before anything starts)."""
    if profile is None:
        return
    from reflect_env.toolchain import get_profile

    try:
        get_profile(profile)
    except ValueError as e:
        fail(str(e))


def progress_bar(*extra: ProgressColumn, quiet: bool = False, transient: bool = True,
                 columns: tuple[ProgressColumn, ...] | None = None) -> Progress:
    """The progress bar of every command, on stderr: description, bar, done/total, `extra` columns,
    elapsed time (or `columns` instead of all of these). quiet (--json): nothing is drawn. On a
    stderr that is not a terminal rich draws no live updates; a bar that is not transient prints its
    final state once when it stops (the line a log keeps, e.g. eval's "37/37 done, compile pass 34")."""
    columns = columns or (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), *extra,
                          TimeElapsedColumn())
    return Progress(*columns, console=err_console, disable=quiet, transient=transient)


@contextmanager
def open_verifier(profile: str | None, workers: int | None = None, *, quick: bool = False,
                  **options: Any) -> Iterator[ReflectEnv]:
    """A started verifier (reflect_env.ReflectEnv) for the block, closed at its end; or a one-line
    failure (exit 2) when it cannot start: reflect_env not importable, toolchain not set up, unknown
    profile, workers that never became ready. quick: no JIT warm-up compiles, for a command that
    verifies a handful of candidates (warming up would cost more than it saves). `options` go to
    ReflectEnv (cold, sim_cycles, allow_blackbox, ...)."""
    try:
        from reflect_env import ReflectEnv, ToolchainMissing
        from reflect_env.pool import PoolOptions
    except ImportError as e:
        fail(f"the verifier (reflect_env) is not available: {e}")
    if quick:
        options.setdefault("pool_options", PoolOptions(warmup_rounds=0))
    try:
        env = ReflectEnv(profile=profile, workers=workers, **options)
    except (ToolchainMissing, ValueError) as e:  # ValueError: an unknown profile
        fail(" ".join(str(e).split()))
    except Exception as e:  # worker start-up failures (a JVM that never answered)
        fail(f"cannot start the verifier: {' '.join(str(e).split()) or type(e).__name__}")
    with env:
        yield env
