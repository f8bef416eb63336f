"""Supervisor of the warm JVM workers: start, talk JSON lines, time-limit, kill, replace, recycle."""
from __future__ import annotations

import itertools
import json
import logging
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
from reflect_env.errors import ReflectEnvError


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
    # A worker that fails to start is tried this many times in all before the pool gives it up (and says
    # so); each try is bounded by start_timeout_s, so a lease waiting on it is bounded too.
    start_attempts: int = 3
    start_retry_delay_s: float = 1.0  # doubled after each failed try
    # The workers' nice value (and their sessions' autogroups'): above 0 they yield the CPU to a model
    # server generating beside them, whose threads stall whole when one is interrupted (docs/reflect_env.md,
    # "Priority"; 19 measured: BENCHMARKS.md, "Issue 19"). REFLECT_ENV_WORKER_NICE overrides it; 0 leaves
    # them at the default priority.
    nice: int = field(default_factory=lambda: int(os.environ.get("REFLECT_ENV_WORKER_NICE", "19")))


log = logging.getLogger("reflect_env.pool")


class WorkerDied(ReflectEnvError, RuntimeError):
    """The JVM exited (System.exit is refused, so: OOM, crash, or killed)."""


class WorkerTimeout(ReflectEnvError, RuntimeError):
    pass


class PoolUnavailable(ReflectEnvError, RuntimeError):
    """A lease cannot be served: every worker is gone and none could be started again (the message
    carries the last start error), the pool is closed, or no worker became free within the lease's
    timeout."""


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
        try:
            self.proc = _spawner.submit(
                subprocess.Popen, cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log,
                env=sandbox.minimal_env(), preexec_fn=sandbox.limit_resources, cwd=jobs_root,
            ).result()
        except BaseException:
            self._log.close()
            raise
        self._lines: queue.Queue[bytes | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        if opts.nice:
            threading.Thread(target=sandbox.renice_tree, args=(self.proc.pid, opts.nice), daemon=True).start()
        self._ready_deadline = time.monotonic() + opts.start_timeout_s

    def _pump(self) -> None:
        assert self.proc.stdout is not None  # opened with PIPE
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
        assert self.proc.stdin is not None  # opened with PIPE
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
        if self.proc.poll() is None and self.proc.stdin is not None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=3)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.kill()


class WorkerPool:
    """A fixed number of warm workers; `lease()` hands one out exclusively, `release()` takes it back and
    replaces it in the background when it died, overran, grew too big or served its quota.

    A worker that cannot be started is retried (`start_attempts`), then given up: logged, counted in
    `start_failures`, and the pool serves on with fewer workers. When none is left, `lease()` raises
    PoolUnavailable instead of waiting forever."""

    def __init__(self, tc: Toolchain, size: int, jobs_root: Path, opts: PoolOptions | None = None):
        self.tc, self.size, self.jobs_root = tc, size, jobs_root
        self.opts = opts or PoolOptions()
        self._cond = threading.Condition()
        self._idle: list[Worker] = []
        self._live = size  # workers idle, leased or being started
        self._closed = False
        self.max_rss_kb = 0
        self.replaced = 0
        self.start_failures: list[str] = []  # one line per worker given up after all its tries
        first_errors: list[BaseException] = []
        # The first start is tried once per worker: a toolchain that cannot start a JVM should fail the
        # pool at once, not after every retry. Workers that fail it are retried in the background.
        starters = [threading.Thread(target=self._start_one, args=(1, first_errors), daemon=True)
                    for _ in range(size)]
        for t in starters:
            t.start()
        for t in starters:
            t.join()
        if first_errors:
            if not self._idle:
                raise first_errors[0]
            log.warning("%d of %d workers did not start (%s); retrying them in the background",
                        len(first_errors), size, _one_line(first_errors[0]))
            for _ in first_errors:  # each failed start keeps its slot while it is retried
                self._start_in_background()

    def _start_one(self, attempts: int, errors: list[BaseException] | None = None) -> None:
        """Start a worker and put it in the idle list; after `attempts` failed tries give it up."""
        delay = self.opts.start_retry_delay_s
        error: BaseException | None = None
        for attempt in range(1, attempts + 1):
            if self._closed:
                break
            w = None
            try:
                w = Worker(self.tc, self.jobs_root, self.opts)
                w.wait_ready()
            except Exception as e:  # noqa: BLE001 - every start failure is retried, then reported
                error = e
                if w is not None:
                    w.kill()
                if attempt < attempts:
                    log.warning("worker start failed (try %d of %d): %s", attempt, attempts, _one_line(e))
                    time.sleep(delay)
                    delay *= 2
                continue
            with self._cond:
                if not self._closed:
                    self._idle.append(w)
                    self._cond.notify()
                    return
                self._live -= 1
            w.close()
            return
        if errors is not None and error is not None:  # a first start: the constructor decides
            errors.append(error)
            return
        with self._cond:
            self._live -= 1
            if error is not None:
                self.start_failures.append(_one_line(error))
                # said before the waiters wake: a lease refused for it must find the reason already logged
                log.error("gave up starting a worker after %d tries (%d of %d workers left): %s",
                          attempts, self._live, self.size, _one_line(error))
            self._cond.notify_all()  # waiters must see a pool that has nothing left

    def _start_in_background(self) -> None:
        threading.Thread(target=self._start_one, args=(self.opts.start_attempts,), daemon=True).start()

    def lease(self, timeout: float | None = None) -> Worker:
        """An idle worker, waiting while all are busy or starting. Raises PoolUnavailable when none is
        left (every start failed), when the pool is closed, or after `timeout` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._cond:
                while not self._idle:
                    if self._closed:
                        raise PoolUnavailable("the worker pool is closed")
                    if self._live <= 0:
                        raise PoolUnavailable(
                            f"no verifier worker left: all {self.size} died and could not be started again "
                            f"({self.opts.start_attempts} tries each); last error: "
                            f"{self.start_failures[-1] if self.start_failures else 'unknown'}")
                    remaining = None if deadline is None else deadline - time.monotonic()
                    if remaining is not None and remaining <= 0:
                        raise PoolUnavailable(f"no verifier worker became free within {timeout:.0f} s")
                    self._cond.wait(remaining)
                w = self._idle.pop(0)
            if w.alive():
                return w
            self.release(w, broken=True)  # died while idle (killed from outside): replace it, take the next

    def release(self, w: Worker, *, broken: bool = False) -> None:
        """Take a worker back. `broken`: its state is unknown (timed out, sandbox violation, leftover
        threads), so it is replaced like a dead one."""
        w.jobs += 1
        retire = (broken or not w.alive() or w.jobs >= self.opts.recycle_after
                  or w.max_rss_kb > self.opts.rss_cap_mb * 1024)
        with self._cond:
            self.max_rss_kb = max(self.max_rss_kb, w.max_rss_kb)
            if not self._closed and not retire:
                self._idle.append(w)
                self._cond.notify()
                return
            replace = not self._closed  # the replacement takes over this worker's slot in _live
            if replace:
                self.replaced += 1
            else:
                self._live -= 1
        w.close()
        if replace:
            self._start_in_background()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._cond.notify_all()
        for w in idle:
            w.close()


def _one_line(e: BaseException) -> str:
    return " ".join(f"{type(e).__name__}: {e}".split())[:500]
