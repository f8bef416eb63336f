"""Output paths of the commands: checked before any work starts (one line, exit 2), and a run's
directory owned by that run alone while it goes.

`claim_run_dir` holds an exclusive flock on `<run dir>/.lock` for the whole run: a second `agent eval`,
`sweep` or `solve` on the same directory fails at once instead of interleaving its records with the
first one's. `claim_out_file` does the same for an output file (`agent datagen --out`), with the lock
beside it in `<file>.lock`. The kernel drops the lock when its process dies, so a run killed with -9
never leaves a stale lock behind. A directory the claim created is removed again when the run left
nothing in it (bad input found late, server down, verifier not started).
"""
from __future__ import annotations

import errno
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from agent.errors import PathError

LOCK_NAME = ".lock"


def _writable_dir(directory: Path) -> str | None:
    """None when a file can be created in `directory`, else why not. A real try, not os.access: as
    root os.access says yes to a read-only file system too."""
    try:
        with tempfile.TemporaryFile(dir=directory):
            return None
    except OSError as e:
        why = e.strerror or str(e)
        # ENOENT from a directory that exists: a pseudo file system such as /proc; say so, or the
        # message reads as if the directory were missing.
        return f"{why}; {directory} takes no new entries" if e.errno == errno.ENOENT else why


def _nearest_existing(path: Path) -> Path:
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_out_dir(path: Path, option: str = "--out") -> None:
    """Fail unless `path` is a writable directory or one that can be created. Creates nothing."""
    if path.exists() and not path.is_dir():
        raise PathError(f"{option} {path} is an existing file; it names a directory")
    _check_creatable(path, option)


def check_out_file(path: Path, option: str = "--out") -> None:
    """Fail unless `path` is a writable file or one that can be created (its directory may not exist yet)."""
    if path.is_dir():
        raise PathError(f"{option} {path} is a directory; it names a file")
    if not path.exists():
        return _check_creatable(path, option)
    try:
        with open(path, "ab"):
            pass
    except OSError as e:
        raise PathError(f"{option} {path} is not writable: {e.strerror or e}") from e


def _check_creatable(path: Path, option: str) -> None:
    base = _nearest_existing(path)
    if base != path.absolute() and not base.is_dir():
        raise PathError(f"{option} {path} cannot be created: {base} is a file")
    why = _writable_dir(base if base.is_dir() else base.parent)
    if why and base == path.absolute():
        raise PathError(f"{option} {path} is not writable ({base}: {why})")
    if why:  # name what fails: the first missing component cannot be made in `base`, which does exist
        first = base / path.absolute().relative_to(base).parts[0]
        where = f" in {base}" if first == path.absolute() else f": {first} cannot be made in {base}"
        raise PathError(f"{option} {path} cannot be created{where} ({why})")


def check_resume_dir(path: Path) -> None:
    if not path.is_dir():
        raise PathError(f"--resume: there is no run to finish in {path} (directory not found); drop --resume to start one")


@contextmanager
def claim_run_dir(path: Path, *, unique: bool = False, setup_files: tuple[str, ...] = ()) -> Iterator[Path]:
    """Create (or reopen) the run directory `path` and hold it exclusively until the block ends.

    unique: `path` is a generated default name; when it exists already (two runs started in the same
    second), `path-2`, `path-3`, ... is used instead. Yields the directory actually claimed.
    setup_files: files the run writes before its real work starts (e.g. run.json); a directory this
    claim created that holds nothing else at the end is removed."""
    check_out_dir(path)
    existing = _nearest_existing(path)
    created = False
    try:
        if unique:
            path, created = _fresh_dir(path), True
        else:
            created = not path.exists()
            path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise PathError(f"--out {path} cannot be created: {e.strerror or e}") from e
    fd = _lock(path / LOCK_NAME, path)
    try:
        yield path
    finally:
        try:
            if created and _holds_nothing(path, setup_files):
                shutil.rmtree(path, ignore_errors=True)
                _remove_empty_parents(path, existing)  # and the parents it made (runs/)
            else:
                (path / LOCK_NAME).unlink(missing_ok=True)
        finally:
            os.close(fd)


@contextmanager
def claim_out_file(path: Path) -> Iterator[Path]:
    """Hold the output file `path` exclusively until the block ends: a flock on `<path>.lock` beside it,
    as claim_run_dir holds a run directory (a second `agent datagen --resume` on the same file fails at
    once instead of appending the same samples again). The directories it has to create for the lock
    are removed again when the run left nothing in them; the lock file itself always is."""
    check_out_file(path)
    existing = _nearest_existing(path.parent)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise PathError(f"--out {path} cannot be created: {e.strerror or e}") from e
    lock = path.with_name(path.name + LOCK_NAME)
    fd = _lock(lock, path)
    try:
        yield path
    finally:
        try:
            lock.unlink(missing_ok=True)
            _remove_empty_parents(path, existing)  # the directories made for the lock
        finally:
            os.close(fd)


def _remove_empty_parents(path: Path, existing: Path) -> None:
    """Remove the parents of `path` below `existing` (the nearest directory that was there before the
    claim), innermost first, while they are empty: a run that kept nothing leaves no directory."""
    for parent in path.absolute().parents:
        if parent == existing or not parent.is_relative_to(existing):
            break
        try:
            parent.rmdir()
        except OSError:
            break


def _fresh_dir(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    for n in range(1, 1000):
        candidate = path if n == 1 else path.with_name(f"{path.name}-{n}")
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            continue
    raise OSError(errno.EEXIST, f"no free name next to {path}")


def _lock(lock: Path, held: Path) -> int:
    """An fd holding the flock on the file `lock` for `held` (a run directory, or an output file), or a
    one-line failure naming the run that holds it."""
    while True:
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as e:
            raise PathError(f"--out {held} is not writable: {e.strerror or e}") from e
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise PathError(f"{held} is in use by another run (pid {holder}); wait for it to end or choose another --out") from None
        try:
            same = os.fstat(fd).st_ino == os.stat(lock).st_ino
        except FileNotFoundError:
            same = False
        if same:  # else the previous owner removed the file between our open and our lock: try again
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            return fd
        os.close(fd)


def _holds_nothing(path: Path, setup_files: tuple[str, ...]) -> bool:
    try:
        names = {p.name for p in path.iterdir()}
    except OSError:
        return False
    return names <= {LOCK_NAME, *setup_files}
