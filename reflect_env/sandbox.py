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

import functools
import os
import resource
import shutil
import subprocess
from pathlib import Path


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
