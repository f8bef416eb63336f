"""OS containment for JVM workers that run untrusted candidate code.

Layers, outermost first (docs/reflect_env.md lists what each one stops):
1. bubblewrap, when it works here: read-only root, private /tmp, the home directory hidden behind an
   empty tmpfs (the toolchain bound back read-only), only the jobs directory writable, no network
   namespace shared with the host, a new session, and death with the supervising Python process.
2. A minimal environment: the JVM gets PATH/LANG only, so there is no secret to read from the env.
3. rlimits: no core dumps, a cap on file size and open files.
4. Inside the JVM, chiselagent.Guard (a SecurityManager) refuses exit, exec, sockets, env reads and file
   access outside the job directory while candidate code is on the stack, so violations become verdicts.
"""
from __future__ import annotations

import fcntl
import functools
import os
import resource
import shutil
import subprocess
import tempfile
from pathlib import Path

JOBS_PREFIX = "reflect-env-"
_OWNER_LOCK = "owner.lock"


@functools.lru_cache(maxsize=1)
def bwrap_works() -> bool:
    """bubblewrap needs user namespaces or root; probe once instead of assuming."""
    exe = shutil.which("bwrap")
    if exe is None or os.environ.get("REFLECT_ENV_NO_BWRAP") == "1":
        return False
    try:
        proc = subprocess.run([exe, "--ro-bind", "/", "/", "--unshare-net", "--die-with-parent", "true"],
                              capture_output=True, timeout=10)
        return proc.returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def containment() -> str:
    return "bwrap+guard" if bwrap_works() else "guard-only"


def wrap(cmd: list[str], *, writable: list[Path], readable: list[Path]) -> list[str]:
    """Prefix `cmd` with a bubblewrap invocation, or return it unchanged when bwrap is unavailable."""
    if not bwrap_works():
        return cmd
    args = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    home = Path.home()
    if str(home) not in ("/", ""):
        args += ["--tmpfs", str(home)]
    for p in readable:
        args += ["--ro-bind", str(p), str(p)]
    for p in writable:
        args += ["--bind", str(p), str(p)]
    args += ["--unshare-net", "--unshare-ipc", "--new-session", "--die-with-parent", "--"]
    return args + cmd


def minimal_env() -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "HOME": str(Path.home())}


def limit_resources() -> None:
    """preexec_fn for worker processes (runs in the child before exec)."""
    os.setsid()  # own process group, so a kill takes bwrap, the JVM and anything they started
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (512 << 20, 512 << 20))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(4096, hard), hard))


def set_priority(pid: int, nice: int) -> bool:
    """Give process `pid` the nice value `nice`, and its autogroup too. Why both: with Linux's
    sched_autogroup (the default) every session is one scheduling group and nice only orders processes
    inside a group; a worker is a session of its own (setsid here, bwrap's --new-session for the JVM),
    so its autogroup's nice is what it weighs against other sessions (a model server generating
    beside it, docs/reflect_env.md). Raising a nice needs no privilege; False when the process is gone."""
    try:
        os.setpriority(os.PRIO_PROCESS, pid, nice)
    except OSError:
        return False
    try:
        Path(f"/proc/{pid}/autogroup").write_text(str(nice))
    except OSError:  # autogroups off (or not Linux): the process's own nice is what counts
        pass
    return True


def descendants(pid: int) -> list[int]:
    """pid's child processes, their children, and so on (from /proc; empty where there is none)."""
    children: dict[int, list[int]] = {}
    try:
        entries = [e.name for e in os.scandir("/proc") if e.name.isdigit()]
    except OSError:
        return []
    for name in entries:
        try:
            ppid = int(Path("/proc", name, "stat").read_bytes().rsplit(b")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def renice_tree(pid: int, nice: int, within_s: float = 10.0) -> None:
    """Apply set_priority to pid and every process it starts within `within_s` (bwrap forks the JVM
    into a session of its own a moment after it starts). Meant for a daemon thread."""
    import time

    done: set[int] = set()
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        for p in [pid, *descendants(pid)]:
            if p not in done and set_priority(p, nice):
                done.add(p)
        if not Path(f"/proc/{pid}").exists():
            return
        time.sleep(0.05)


def kill_workers_in(jobs_root: str | Path) -> int:
    """SIGKILL this process's worker children whose command line names `jobs_root` (bwrap or the JVM,
    each the leader of its own process group: limit_resources), with their groups, as Worker.kill
    does. For a caller that must stop an env whose constructor is still starting workers in another
    thread (it cannot be interrupted): the constructor fails within milliseconds of their death.
    Returns how many were found."""
    import signal

    me, mark, found = os.getpid(), os.fsencode(str(jobs_root)), 0
    try:
        entries = [e for e in os.scandir("/proc") if e.name.isdigit()]
    except OSError:  # no /proc: nothing to find (the workers themselves need Linux)
        return 0
    for entry in entries:
        try:
            stat = Path(entry.path, "stat").read_bytes()
            if int(stat.rsplit(b")", 1)[1].split()[1]) != me or mark not in Path(entry.path, "cmdline").read_bytes():
                continue
            pid = int(entry.name)
            # A child that names jobs_root has exec'd, so its preexec setsid() ran: its group is its own.
            if os.getpgid(pid) == pid:
                os.killpg(pid, signal.SIGKILL)
            else:
                os.kill(pid, signal.SIGKILL)
            found += 1
        except (OSError, ValueError, IndexError):  # gone meanwhile, or not ours to read
            continue
    return found


# -- jobs directories ------------------------------------------------------------------------------
# Each ReflectEnv writes candidates under its own reflect-env-* directory and removes it on close (and
# at interpreter exit). A process killed with -9 runs neither, so the directory holds an owner lock
# (flock, released by the kernel when the owner dies) and the next ReflectEnv sweeps those whose lock
# it can take.

def claim_jobs_root(parent: str | Path | None = None) -> tuple[Path, int]:
    """A fresh jobs directory under `parent` (default: the temp dir) and the fd that holds its owner lock."""
    root = Path(tempfile.mkdtemp(prefix=JOBS_PREFIX, dir=parent)).resolve()
    staging = root / f".{_OWNER_LOCK}"
    fd = os.open(staging, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)  # a file no one else has opened yet: never blocks
    os.write(fd, f"{os.getpid()}\n".encode())
    # The lock file appears under its real name already locked, so a sweep can never take a live one.
    os.replace(staging, root / _OWNER_LOCK)
    return root, fd


def release_jobs_root(root: Path, fd: int, keep: bool) -> None:
    """Remove the directory (or, with `keep`, leave it and drop its lock so no sweep removes it)."""
    try:
        if keep:
            (root / _OWNER_LOCK).unlink(missing_ok=True)
        else:
            shutil.rmtree(root, ignore_errors=True)
    finally:
        os.close(fd)


def sweep_stale_jobs_roots(parent: str | Path | None = None) -> list[Path]:
    """Remove the jobs directories under `parent` whose owner process is gone. A directory without an
    owner lock (kept on purpose, or being created this instant) is left alone."""
    removed = []
    for root in Path(parent or tempfile.gettempdir()).glob(JOBS_PREFIX + "*"):
        try:
            fd = os.open(root / _OWNER_LOCK, os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # its owner is alive
            os.close(fd)
            continue
        try:
            shutil.rmtree(root, ignore_errors=True)
            removed.append(root)
        finally:
            os.close(fd)
    return removed
