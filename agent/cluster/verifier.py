"""ClusterVerifier: verification on Ray actors, one warm JVM worker each, one CPU each.

    with ClusterVerifier("10.0.0.1:6379", profile="chisel7") as v:    # or ray_address="auto"
        result = await v.averify(code, top="Adder", reference=ref)     # like ReflectEnv.averify
        result = v.verify(code, top="Adder")                           # blocking, outside an event loop

Each actor (`VerifierActor`, num_cpus=1, spread over the nodes) owns a `reflect_env.ReflectEnv` with
one worker, on the node's own toolchain (`agent setup` on every node: docs/cluster.md). A call goes
to the ready actor with the fewest calls in flight. Ray queues a call at its actor, so an actor that
is busy still has its next candidate waiting there, and the JVM never idles between two.

Losing a node (its raylet killed, the machine gone): the calls in flight on its actors fail with a
Ray error; each is sent again to another actor (a verdict depends only on the candidate, so nothing
is counted twice and nothing is lost), and a replacement actor is started that joins when the cluster
has room for it (at once on a cluster with free CPUs, or when the autoscaler adds a node). A
replacement that fails to start (say, a node without the toolchain) is tried `start_attempts` times
in a row, then its slot is given up. With no actor left, calls raise ClusterUnavailable, a
reflect_env PoolUnavailable, on which `agent eval` stops with what it recorded (resumable).

The Python code of the driver is shipped to the cluster (a Ray runtime environment with `agent` and
`reflect_env` as py_modules), so every node runs the driver's exact code; the toolchain, the JDK and
the simulator are the node's own. The driver itself needs no toolchain.
"""
from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.errors import ChiselAgentError
from reflect_env.pool import PoolUnavailable
from reflect_env.result import VerifyResult

log = logging.getLogger(__name__)


class ClusterError(ChiselAgentError, RuntimeError):
    """The cluster cannot be used at all: Ray missing, no cluster at the address, no actor started.
    The message is one line."""


class ClusterUnavailable(PoolUnavailable):
    """No verifier actor is left, none became ready in time, or the verifier is closed."""


class VerifierActor:
    """Runs in a Ray worker process on some node. Never raises from __init__: a node that cannot
    verify (no toolchain) says why in `info()`, so the driver can report it in one line."""

    def __init__(self, profile: str | None, env_options: dict[str, Any]):
        self.env = None
        self.error: str | None = None
        try:
            from reflect_env.env import ReflectEnv

            self.env = ReflectEnv(profile, workers=1, **env_options)
        except Exception as e:  # noqa: BLE001 - reported by info(), with the node's address
            self.error = _one_line(f"{type(e).__name__}: {e}")

    def info(self) -> dict:
        import ray

        from reflect_env.sim.tools import icarus

        ctx = ray.get_runtime_context()
        info = {"node_id": ctx.get_node_id(), "ip": ray.util.get_node_ip_address(), "host": socket.gethostname(),
                "pid": os.getpid()}
        if self.error is not None:
            return {**info, "error": self.error}
        assert self.env is not None
        return {**info, "profile": self.env.profile, "simulator": icarus().describe()}

    def verify(self, code: str, top: str | None, kw: dict[str, Any]) -> VerifyResult:
        if self.env is None:
            raise PoolUnavailable(self.error or "this actor has no verifier")
        return self.env.verify(code, top, **kw)

    def ping(self) -> None:
        """Nothing: a round trip, to measure what a call costs apart from the verification."""

    def close(self) -> None:
        if self.env is not None:
            self.env.close()


@dataclass
class _Slot:
    """One actor's place in the verifier: the actor in it changes when it is lost and replaced."""
    number: int
    handle: Any = None
    ready_ref: Any = None  # handle.info.remote(): resolves when the actor has started
    state: str = "starting"  # starting | ready | gone
    info: dict = field(default_factory=dict)
    outstanding: int = 0  # calls in flight to the actor
    verified: int = 0  # calls it answered
    start_failures: int = 0  # failed starts in a row


def _one_line(text: str, limit: int = 400) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _lost_errors() -> tuple[type[BaseException], ...]:
    """The errors that mean "that actor (or its node) is gone", not "the candidate failed"; PoolUnavailable
    from an actor: its own JVM worker cannot be started again."""
    import ray.exceptions as rx

    return (rx.RayActorError, rx.ObjectLostError, rx.NodeDiedError, rx.WorkerCrashedError, PoolUnavailable)


def code_runtime_env() -> dict:
    """This checkout's `agent` and `reflect_env` packages as a Ray runtime environment: every node
    imports the driver's exact code (uploaded once per distinct content, cached by Ray)."""
    import agent
    import reflect_env

    return {"py_modules": [str(Path(agent.__file__).parent), str(Path(reflect_env.__file__).parent)],
            "excludes": ["__pycache__", "*.pyc", "_data"]}


def connect(address: str | None, *, ship_code: bool = True) -> bool:
    """Connect this process to the cluster; True when it did (and so must disconnect at the end),
    False when Ray was already initialised by the caller (a library user's own ray.init)."""
    try:
        import ray
    except ImportError:
        raise ClusterError("--ray needs Ray: pip install 'chisel-agent[ray]' (make setup installs it)") from None
    if ray.is_initialized():
        return False
    _check_listening(address)
    try:
        ray.init(address=address, runtime_env=code_runtime_env() if ship_code else None, log_to_driver=False,
                 logging_level=logging.WARNING, include_dashboard=False)
    except Exception as e:  # noqa: BLE001 - Ray raises ConnectionError, RuntimeError, ValueError...
        raise ClusterError(f"cannot connect to the Ray cluster at {address}: {_one_line(str(e), 300)} "
                           f"(start one with `ray start --head`, see docs/cluster.md)") from None
    _cluster_errors_to_stderr()
    return True


def _check_listening(address: str | None, timeout_s: float = 5.0) -> None:
    """A head address (host:port, or ray://host:port) where nothing listens fails here in one line:
    ray.init itself keeps retrying such an address for minutes. `auto` and None are Ray's to resolve."""
    if not address or address == "auto":
        return
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise ClusterError(f"--ray {address}: expected the head's HOST:PORT (e.g. 10.0.0.1:6379), ray://HOST:PORT "
                           f"or auto")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s).close()
    except OSError as e:
        raise ClusterError(f"no Ray cluster answers at {address} ({e.strerror or e}); start one with "
                           f"`ray start --head` (docs/cluster.md)") from None


def _cluster_errors_to_stderr() -> None:
    """Ray prints the cluster's error messages (e.g. "Raylet is terminated" when a node is lost) on the
    driver's stdout, where `--json` promises exactly one JSON object: send them to stderr instead.
    A private Ray function, so any change there leaves Ray's own behaviour in place."""
    try:
        import ray._private.worker as ray_worker
    except ImportError:
        return
    original = getattr(ray_worker, "print_to_stdstream", None)
    if original is None or getattr(original, "to_stderr", False):
        return

    def to_stderr(data: dict, *args: Any, **kwargs: Any) -> Any:
        return original({**data, "is_err": True}, *args, **kwargs)

    to_stderr.to_stderr = True  # type: ignore[attr-defined]
    ray_worker.print_to_stdstream = to_stderr


class ClusterVerifier:
    """A verifier on a Ray cluster; see the module's docstring. `actors`: how many (None: one per CPU
    the cluster has). `env_options` go to each actor's ReflectEnv (allow_blackbox, sim_cycles,
    pool_options, timeouts...). `on_note` gets one line per event worth telling (a node lost, an
    actor that cannot start, a node whose simulator differs from the driver's)."""

    def __init__(self, address: str | None = None, profile: str | None = None, actors: int | None = None, *,
                 start_timeout_s: float = 300.0, lease_timeout_s: float = 900.0, start_attempts: int = 3,
                 ship_code: bool = True, on_note: Callable[[str], None] | None = None, **env_options: Any):
        from reflect_env.toolchain import get_profile

        self.profile = get_profile(profile).name  # checked here; the toolchain itself lives on the nodes
        self.address = address
        self.lease_timeout_s, self.start_attempts = lease_timeout_s, start_attempts
        self.env_options = env_options
        self.on_note = on_note or (lambda line: log.warning("%s", line))
        self.lost: list[dict] = []  # one per actor lost: its node and why
        self.start_failures: list[str] = []
        self.rerouted = 0  # calls sent again to another actor after theirs was lost
        self._slots: list[_Slot] = []
        self._cond = threading.Condition()
        self._closed = False
        self._turn = 0
        self._t0 = time.monotonic()
        self._simulators_noted: set[str] = set()
        self._owns_ray = connect(address, ship_code=ship_code)
        try:
            import ray

            self._ray = ray
            count = actors or int(ray.cluster_resources().get("CPU", 0))
            if count < 1:
                raise ClusterError(f"the Ray cluster at {address} has no CPU for a verifier actor")
            self._actor_class = ray.remote(VerifierActor)
            with self._cond:
                for i in range(count):
                    slot = _Slot(i)
                    self._launch(slot)
                    self._slots.append(slot)
            self._watcher = threading.Thread(target=self._watch, name="cluster-watcher", daemon=True)
            self._watcher.start()
            self._wait_started(start_timeout_s)
        except BaseException:
            self.close()
            raise

    # -- lifecycle ------------------------------------------------------------------------------
    def __enter__(self) -> "ClusterVerifier":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        with self._cond:
            if self._closed:
                return
            self._closed = True
            slots = list(self._slots)
            self._cond.notify_all()
        ray = getattr(self, "_ray", None)
        if ray is not None:
            ready = [s.handle for s in slots if s.state == "ready"]
            try:  # let each actor close its JVM and remove its job directory
                ray.get([h.close.remote() for h in ready], timeout=20)
            except Exception:  # noqa: BLE001 - a lost node or a slow close: the kill below ends it
                pass
            for s in slots:
                if s.handle is not None:
                    try:
                        ray.kill(s.handle)
                    except Exception:  # noqa: BLE001 - already gone
                        pass
        if self._owns_ray and ray is not None:
            ray.shutdown()

    @property
    def workers(self) -> int:
        """Actors ready or starting (what a run sizes its concurrency by, like ReflectEnv.workers): the
        ones still starting join as they come, and a run sized by the ready ones alone would stay small."""
        with self._cond:
            return max(1, sum(s.state != "gone" for s in self._slots))

    def ready_actors(self) -> list[Any]:
        """The handles of the actors ready now (for measurements: `VerifierActor.ping`)."""
        with self._cond:
            return [s.handle for s in self._slots if s.state == "ready"]

    def stats(self) -> dict:
        """What ran where: per actor its node and verifications, the nodes, what was lost and rerouted."""
        with self._cond:
            actors = [{"slot": s.number, "state": s.state, "node_id": s.info.get("node_id"), "ip": s.info.get("ip"),
                       "host": s.info.get("host"), "verified": s.verified} for s in self._slots]
            return {"address": self.address, "profile": self.profile, "actors": actors,
                    "nodes": len({a["node_id"] for a in actors if a["node_id"]}),
                    "lost": list(self.lost), "rerouted": self.rerouted, "start_failures": list(self.start_failures)}

    # -- verification ---------------------------------------------------------------------------
    async def averify(self, code: str, top: str | None = None, **kw: Any) -> VerifyResult:
        """ReflectEnv.averify's arguments and verdict, on whichever actor is least busy."""
        lost = _lost_errors()  # and PoolUnavailable: that actor's own JVM cannot start
        for _ in range(self._max_tries()):
            leased = self._lease(block=False) or await asyncio.to_thread(self._lease)
            assert leased is not None  # a blocking lease returns an actor or raises
            slot, handle = leased
            answered = False
            try:
                result = await handle.verify.remote(code, top, kw)
                answered = True
            except lost as e:
                self._lost(slot, handle, e)
                continue
            finally:
                self._release(slot, answered)
            return result
        raise ClusterUnavailable(f"a verification failed on {self._max_tries()} actors in a row: the cluster is "
                                 f"losing nodes faster than it replaces them")

    def verify(self, code: str, top: str | None = None, **kw: Any) -> VerifyResult:
        """Blocking averify (for scripts without an event loop)."""
        lost = _lost_errors()  # and PoolUnavailable: that actor's own JVM cannot start
        for _ in range(self._max_tries()):
            leased = self._lease()
            assert leased is not None
            slot, handle = leased
            answered = False
            try:
                result = self._ray.get(handle.verify.remote(code, top, kw))
                answered = True
            except lost as e:
                self._lost(slot, handle, e)
                continue
            finally:
                self._release(slot, answered)
            return result
        raise ClusterUnavailable(f"a verification failed on {self._max_tries()} actors in a row")

    def _max_tries(self) -> int:
        return len(self._slots) + 2

    # -- actors ---------------------------------------------------------------------------------
    def _launch(self, slot: _Slot) -> None:
        """Start an actor in `slot` (called with the lock held). SPREAD: one node's loss takes as few
        actors as possible, and each node's CPUs are used. Two calls at once per actor, as the local
        pool runs two verifications per worker: while one is in firtool or the simulator (outside the
        JVM), the next compiles; the JVM itself takes one at a time."""
        slot.handle = self._actor_class.options(num_cpus=1, max_concurrency=2, max_restarts=0, max_task_retries=0,
                                                scheduling_strategy="SPREAD").remote(self.profile, self.env_options)
        slot.ready_ref = slot.handle.info.remote()
        slot.state = "starting"
        self._cond.notify_all()  # the watcher waits for it

    def _wait_started(self, timeout_s: float, grace_s: float = 30.0) -> None:
        """Until every actor has started, or `grace_s` after the first one did (the others join when
        they start: more actors than the cluster has room for must not hold the run), or `timeout_s`
        with none started."""
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while any(s.state == "starting" for s in self._slots) and time.monotonic() < deadline:
                if any(s.state == "ready" for s in self._slots):
                    deadline = min(deadline, time.monotonic() + grace_s)
                self._cond.wait(max(0.0, deadline - time.monotonic()))
            ready = sum(s.state == "ready" for s in self._slots)
            waiting = sum(s.state == "starting" for s in self._slots)
        if not ready:
            why = self.start_failures[-1] if self.start_failures else f"none started within {timeout_s:.0f} s"
            raise ClusterError(f"no verifier actor started on the Ray cluster at {self.address}: {why}")
        if waiting:
            self.on_note(f"note: {ready} verifier actor(s) ready, {waiting} still waiting for room on the "
                         f"cluster (they join when they start)")

    def _watch(self) -> None:
        """Waits for starting actors (new or replacements) and puts them in service."""
        ray = self._ray
        while True:
            with self._cond:
                if self._closed:
                    return
                starting = {s.ready_ref: s for s in self._slots if s.state == "starting"}
                if not starting:
                    self._cond.wait(0.5)
                    continue
            try:
                done, _ = ray.wait(list(starting), num_returns=len(starting), timeout=0.5, fetch_local=True)
            except Exception:  # noqa: BLE001 - Ray shutting down under us
                if self._closed:
                    return
                time.sleep(0.5)
                continue
            for ref in done:
                slot = starting[ref]
                try:
                    info = ray.get(ref)
                except Exception as e:  # noqa: BLE001 - the actor died while starting (its node lost)
                    info = {"error": _one_line(f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")}
                self._started(slot, ref, info)

    def _started(self, slot: _Slot, ref: Any, info: dict) -> None:
        notes: list[str] = []
        kill = None
        with self._cond:
            if self._closed or slot.ready_ref is not ref:
                return
            if "error" in info:
                slot.start_failures += 1
                where = f" on {info['ip']}" if info.get("ip") else ""
                self.start_failures.append(f"actor{where}: {info['error']}")
                kill = slot.handle
                if slot.start_failures < self.start_attempts:
                    notes.append(f"warning: a verifier actor{where} did not start ({info['error']}); trying again")
                    self._launch(slot)
                else:
                    slot.state, slot.handle = "gone", None
                    left = sum(s.state != "gone" for s in self._slots)
                    notes.append(f"warning: gave up a verifier actor after {slot.start_failures} failed starts "
                                 f"({info['error']}); {left} of {len(self._slots)} left")
            else:
                slot.state, slot.info, slot.start_failures = "ready", info, 0
                notes += self._check_simulator(info)
            self._cond.notify_all()
        if kill is not None:
            self._kill(kill)
        for line in notes:
            self.on_note(line)

    def _check_simulator(self, info: dict) -> list[str]:
        """Verdicts must not depend on the node: say once per simulator that differs from the driver's."""
        from reflect_env.sim.tools import icarus

        theirs, ours = info.get("simulator"), icarus().describe()
        if not theirs or theirs == ours or theirs in self._simulators_noted:
            return []
        self._simulators_noted.add(theirs)
        return [f"warning: node {info.get('ip')} simulates with {theirs}, this machine with {ours}: verdicts may "
                f"differ; prepare every node the same way (docs/cluster.md)"]

    def _lost(self, slot: _Slot, handle: Any, error: BaseException) -> None:
        """A call failed because its actor is gone: replace the actor (once per actor lost)."""
        line = _one_line(f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}", 240)
        note = None
        with self._cond:
            self.rerouted += 1
            if slot.handle is not handle or slot.state != "ready" or self._closed:
                return  # another call already reported this actor
            self.lost.append({"slot": slot.number, "node_id": slot.info.get("node_id"), "ip": slot.info.get("ip"),
                              "at_s": round(time.monotonic() - self._t0, 2), "error": line})
            note = (f"warning: verifier actor on node {slot.info.get('ip')} ({str(slot.info.get('node_id'))[:12]}) "
                    f"lost ({line}); its verifications run again on other actors, a replacement starts when the "
                    f"cluster has room")
            self._launch(slot)
        self._kill(handle)
        self.on_note(note)

    def _kill(self, handle: Any) -> None:
        try:
            self._ray.kill(handle)
        except Exception:  # noqa: BLE001 - already gone with its node
            pass

    # -- leasing --------------------------------------------------------------------------------
    def _lease(self, block: bool = True) -> tuple[_Slot, Any] | None:
        """The ready actor with the fewest calls in flight (ties take turns), counted as busy; waits
        while none is ready but some are starting. None when not blocking and none is ready."""
        deadline = time.monotonic() + self.lease_timeout_s
        with self._cond:
            while True:
                if self._closed:
                    raise ClusterUnavailable("the cluster verifier is closed")
                ready = [s for s in self._slots if s.state == "ready"]
                if ready:
                    least = min(s.outstanding for s in ready)
                    tied = [s for s in ready if s.outstanding == least]
                    self._turn += 1
                    slot = tied[self._turn % len(tied)]
                    slot.outstanding += 1
                    return slot, slot.handle
                if not block:
                    return None
                if not any(s.state == "starting" for s in self._slots):
                    raise ClusterUnavailable(
                        f"no verifier actor left on the Ray cluster at {self.address} (lost: {len(self.lost)}; "
                        f"last start failure: {self.start_failures[-1] if self.start_failures else 'none'})")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise ClusterUnavailable(f"no verifier actor became ready within {self.lease_timeout_s:.0f} s "
                                             f"(every actor was lost and none could be started again)")
                self._cond.wait(remaining)

    def _release(self, slot: _Slot, answered: bool) -> None:
        with self._cond:
            slot.outstanding -= 1
            slot.verified += answered
