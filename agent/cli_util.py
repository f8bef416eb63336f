"""Small helpers every command uses: one-line errors, JSON output, reading user files safely."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console

err_console = Console(stderr=True)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one clear line to stderr and exit non-zero. Never a traceback for user errors."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


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


def check_profile(profile: str | None) -> None:
    """A toolchain profile name the verifier knows, or a one-line failure (before anything starts)."""
    if profile is None:
        return
    from reflect_env.toolchain import get_profile

    try:
        get_profile(profile)
    except ValueError as e:
        fail(str(e))
