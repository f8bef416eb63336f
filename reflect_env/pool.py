"""Supervisor of the warm JVM workers: start, talk JSON lines, time-limit, kill, replace, recycle."""
from __future__ import annotations

import itertools
import json
import os
import queue
import signal
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from reflect_env import sandbox
from reflect_env.toolchain import Toolchain


@dataclass
class PoolOptions:
    heap_mb: int = 768
    rss_cap_mb: int = 1500  # recycle a worker whose resident set grows past this
    recycle_after: int = 250  # jobs per worker before a fresh JVM replaces it
    start_timeout_s: float = 300.0  # generous: a busy 2-core box starts JVMs slowly
    # Compile+elaborate a small design this often while a new worker has nothing else to do, so the JIT
    # is warm for the candidates; a worker is ready before these rounds, and a request interrupts them
    # (it waits at most for the round in progress). REFLECT_ENV_WARMUP_ROUNDS overrides it (the test
    # suite sets 0: its pools verify a few designs each).
    warmup_rounds: int = field(default_factory=lambda: int(os.environ.get("REFLECT_ENV_WARMUP_ROUNDS", "12")))
    warmup_seconds: float = 20.0  # ...but stop warming up after this long


class WorkerDied(RuntimeError):
    """The JVM exited (System.exit is refused, so: OOM, crash, or killed)."""


class WorkerTimeout(RuntimeError):
    pass


_ids = itertools.count(1)
# bwrap's --die-with-parent (PR_SET_PDEATHSIG) fires when the *thread* that forked the child exits, so every
# worker is forked from this one long-lived thread, never from a short-lived starter thread.
_spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="worker-spawner")


class Worker:
    """One JVM process running chiselagent.Worker inside the sandbox."""

    def __init__(self, tc: Toolchain, jobs_root: Path, opts: PoolOptions, *, guard: bool = True):
        self.id = f"w{next(_ids)}"
        self.jobs = 0
        self.max_rss_kb = 0
        self.warmup_rounds = 0  # warm-up rounds run so far, as of its last reply
        self.opts, self.started = opts, time.monotonic()
        self.log_path = jobs_root / f"{self.id}.stderr.log"
        cp = tc.worker_classpath()
        libcp = os.pathsep.join(map(str, tc.library_classpath()))
        java = [
            "java", "-Djava.security.manager=allow", f"-Xmx{opts.heap_mb}m", "-Xss16m",
            "-XX:MaxMetaspaceSize=384m", "-XX:ReservedCodeCacheSize=160m", "-XX:+UseSerialGC",
            "-XX:+ExitOnOutOfMemoryError", "-XX:-UsePerfData", "-Xshare:auto",
            # C1 only: on a 2-core box, C2's compiler threads compete with the workers themselves; measured
            # warm median 1.11 s with C2, 0.49 s without (docs/BENCHMARKS.md).
            "-XX:TieredStopAtLevel=1",
            *os.environ.get("REFLECT_ENV_JAVA_OPTS", "").split(), "-cp", cp,
            "chiselagent.Worker", "--libcp", libcp, "--plugin", str(tc.plugin_jar()),
            "--read-roots", os.pathsep.join([str(tc.root), str(jobs_root)]),
            "--warmup", str(opts.warmup_rounds), "--warmup-seconds", str(opts.warmup_seconds), "--guard", "1" if guard else "0",
        ]
        cmd = sandbox.wrap(java, writable=[jobs_root], readable=[tc.root])
        self._log = open(self.log_path, "wb")
        self.proc = _spawner.submit(
            subprocess.Popen, cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log,
            env=sandbox.minimal_env(), preexec_fn=sandbox.limit_resources, cwd=jobs_root,
        ).result()
        self._lines: queue.Queue[bytes | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        self._ready_deadline = time.monotonic() + opts.start_timeout_s

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def wait_ready(self) -> None:
        msg = self._next(max(0.1, self._ready_deadline - time.monotonic()))
        if not msg.get("ready"):
            raise WorkerDied(f"worker {self.id} did not start: {msg}")

    def _next(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        noise: list[str] = []  # the JVM itself may print to stdout (e.g. "Terminating due to OutOfMemoryError")
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise WorkerTimeout(f"no reply within {timeout:.0f} s") from None
            if line is None:
                self.proc.wait()
                said = " ".join(noise + [self.stderr_tail()]).strip()
                raise WorkerDied(f"worker exited with code {self.proc.returncode}: {said}")
            try:
                return json.loads(line)
            except json.JSONDecodeError:
                noise.append(line.decode(errors="replace").strip())

    def request(self, req: dict, timeout: float) -> dict:
        """Send one request; on timeout the worker is killed (its state is unknown) and WorkerTimeout raised."""
        try:
            self.proc.stdin.write((json.dumps(req) + "\n").encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise WorkerDied(f"worker exited: {self.stderr_tail()}") from None
        try:
            reply = self._next(timeout + self._warm_up_grace())
        except WorkerTimeout:
            self.kill()
            raise
        self.max_rss_kb = max(self.max_rss_kb, int(reply.get("rss_kb", 0)))
        self.warmup_rounds = int(reply.get("warmup_rounds", self.warmup_rounds))
        return reply

    def _warm_up_grace(self) -> float:
        """Extra seconds for a request that may first wait for the worker's warm-up round in progress:
        a slow machine must not turn a candidate into a `timeout` verdict. Rounds start only within
        warmup_seconds of the worker's start, and one takes less than that budget."""
        warming = (self.warmup_rounds < self.opts.warmup_rounds
                   and time.monotonic() - self.started < 2 * self.opts.warmup_seconds)
        return self.opts.warmup_seconds if warming else 0.0

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stderr_tail(self, n: int = 600) -> str:
        try:
            text = self.log_path.read_bytes()[-4000:].decode(errors="replace")
        except OSError:
            return ""
        lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("WARNING:")]
        return "\n".join(lines)[-n:]

    def kill(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()
        self._log.close()

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=3)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.kill()


class WorkerPool:
    """A fixed number of warm workers; `lease()` hands one out exclusively, `release()` takes it back and
    replaces it in the background when it died, overran, grew too big or served its quota."""

    def __init__(self, tc: Toolchain, size: int, jobs_root: Path, opts: PoolOptions | None = None):
        self.tc, self.size, self.jobs_root = tc, size, jobs_root
        self.opts = opts or PoolOptions()
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._closed = False
        self._lock = threading.Lock()
        self.max_rss_kb = 0
        self.replaced = 0
        self._start_errors: list[BaseException] = []
        starters = [threading.Thread(target=self._start_one, daemon=True) for _ in range(size)]
        for t in starters:
            t.start()
        for t in starters:
            t.join()
        if self._start_errors and self._idle.empty():
            raise self._start_errors[0]

    def _start_one(self) -> None:
        try:
            w = Worker(self.tc, self.jobs_root, self.opts)
            w.wait_ready()
        except BaseException as e:  # noqa: BLE001 - reported by the caller
            self._start_errors.append(e)
            return
        if self._closed:
            w.close()
        else:
            self._idle.put(w)

    def lease(self, timeout: float | None = None) -> Worker:
        while True:
            try:
                w = self._idle.get(timeout=timeout)
            except queue.Empty:
                raise WorkerTimeout("no worker became free") from None
            if w.alive():
                return w
            self.release(w, broken=True)  # died while idle (killed from outside): replace it, take the next

    def release(self, w: Worker, *, broken: bool = False) -> None:
        """Take a worker back. `broken`: its state is unknown (timed out, sandbox violation, leftover
        threads), so it is replaced like a dead one."""
        w.jobs += 1
        with self._lock:
            self.max_rss_kb = max(self.max_rss_kb, w.max_rss_kb)
        retire = (broken or not w.alive() or w.jobs >= self.opts.recycle_after
                  or w.max_rss_kb > self.opts.rss_cap_mb * 1024)
        if self._closed:
            w.close()
        elif retire:
            w.close()
            self.replaced += 1
            threading.Thread(target=self._start_one, daemon=True).start()
        else:
            self._idle.put(w)

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                break
