"""A verifier started in the background: the JVM lifecycle of one `agent solve`.

`BackgroundEnv` starts ReflectEnv's workers in a thread while the caller does something else (the
agent asks the model for round 0), and kills them without waiting when the caller ends before it
verified anything.
"""
from __future__ import annotations

import asyncio
import time

from reflect_env.pool import PoolUnavailable


class BackgroundEnv:
    """Starts the verifier's JVM workers in a thread while round 0 waits for the model, so the
    warm-up overlaps generation; the first verification waits for it if it is not ready yet.

    A solve that ends before it verified anything (an LLM request that failed at once) must not wait
    seconds for the workers to start, or to finish a warm-up round, only to shut them down: aclose()
    kills them, started or not. ReflectEnv's constructor cannot be interrupted, so its jobs directory
    goes under one of our own (claimed like a jobs root: a process killed with -9 leaves nothing the
    next verifier does not sweep); exactly this env's worker processes name that directory on their
    command lines, which is how aclose() finds them (reflect_env.sandbox.kill_workers_in)."""

    def __init__(self, profile: str | None, workers: int | None):
        from reflect_env import sandbox

        self._profile, self._workers = profile, workers
        self._used = False  # a verification asked for the env
        sandbox.sweep_stale_jobs_roots()  # ReflectEnv's own sweep now looks in our directory, not the temp dir
        self._jobs_dir, self._jobs_fd = sandbox.claim_jobs_root()
        self._start = asyncio.ensure_future(asyncio.to_thread(self._make))

    def _make(self):
        from reflect_env import ReflectEnv

        return ReflectEnv(profile=self._profile or "chisel7", workers=self._workers, jobs_dir=self._jobs_dir)

    async def env(self):
        """The started verifier; PoolUnavailable when it could not start (the agent's loop ends the
        solve on it: no candidate is to blame)."""
        self._used = True
        try:
            return await asyncio.shield(self._start)
        except Exception as e:
            raise PoolUnavailable(f"cannot start the verifier: {' '.join(str(e).split()) or type(e).__name__}") from e

    async def averify(self, code: str, top: str | None = None, **kw):
        return await (await self.env()).averify(code, top, **kw)

    async def aclose(self) -> None:
        """Close the verifier and never leave a JVM behind; after an early end, without waiting for one."""
        import logging

        from reflect_env import sandbox

        early = not self._used
        # The pool logs the workers killed here as failed starts (and retries them): not news to anyone.
        pool_log = logging.getLogger("reflect_env.pool")
        was_disabled = pool_log.disabled
        pool_log.disabled = True  # every worker is killed below, started or not
        try:
            # Workers being spawned appear one by one: kill until the constructor has given up on them
            # (it fails within milliseconds of their death). Bounded, should a start never return.
            deadline = time.monotonic() + 30
            while early and not self._start.done() and time.monotonic() < deadline:
                sandbox.kill_workers_in(self._jobs_dir)
                await asyncio.wait({self._start}, timeout=0.05)
            try:
                env = await self._start
            except Exception:
                env = None
            if env is not None:
                # The solve is over (early or not): nothing a worker holds is needed, and closing would
                # give each one 3 s to stop (a warm-up round, a verification the solve no longer waits for).
                sandbox.kill_workers_in(self._jobs_dir)
                await asyncio.to_thread(env.close)
        finally:
            sandbox.kill_workers_in(self._jobs_dir)  # e.g. a replacement worker still starting when the pool closed
            sandbox.release_jobs_root(self._jobs_dir, self._jobs_fd, keep=False)
            pool_log.disabled = was_disabled
