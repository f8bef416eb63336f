"""A pool that loses workers says so: starts that fail are retried, then reported, and a lease that
cannot be served ends in PoolUnavailable (one line on the agent side) instead of waiting forever.

Worker starts are made to fail for real: a JVM option the JVM refuses (REFLECT_ENV_JAVA_OPTS) makes
every `java` the pool spawns exit at once with "Unrecognized VM option"."""
from __future__ import annotations

import asyncio
import logging
import os
import signal
import time

import pytest

from tests.helpers import require_verifier

BAD_JAVA_OPTS = "-XX:+NoSuchOptionForThisTest"
ADDER = """import chisel3._
class Adder extends Module {
  val io = IO(new Bundle { val a = Input(UInt(4.W)); val b = Input(UInt(4.W)); val s = Output(UInt(4.W)) })
  io.s := io.a + io.b
}
"""


def _fast_retries():
    from reflect_env.pool import PoolOptions

    return PoolOptions(start_attempts=2, start_retry_delay_s=0.1, warmup_rounds=0)


def test_a_pool_whose_workers_cannot_start_fails_at_once(tmp_path, monkeypatch):
    require_verifier()
    from reflect_env import ReflectEnv
    from reflect_env.pool import WorkerDied

    monkeypatch.setenv("REFLECT_ENV_JAVA_OPTS", BAD_JAVA_OPTS)
    t0 = time.monotonic()
    with pytest.raises(WorkerDied, match="NoSuchOptionForThisTest"):
        ReflectEnv(workers=2, pool_options=_fast_retries(), jobs_dir=tmp_path)
    assert time.monotonic() - t0 < 60
    assert not list(tmp_path.glob("reflect-env-*"))  # the failed env left no jobs directory


@pytest.fixture
def orphaned_env(tmp_path, monkeypatch, caplog):
    """A one-worker env whose worker was killed and whose replacements cannot start."""
    require_verifier()
    from reflect_env import ReflectEnv

    env = ReflectEnv(workers=1, pool_options=_fast_retries(), jobs_dir=tmp_path)
    assert env.verify(ADDER, "Adder").ok
    monkeypatch.setenv("REFLECT_ENV_JAVA_OPTS", BAD_JAVA_OPTS)  # read by every Worker() from now on
    worker = env.pool._idle[0]
    os.killpg(worker.proc.pid, signal.SIGKILL)
    worker.proc.wait()
    caplog.set_level(logging.WARNING, logger="reflect_env.pool")
    yield env
    env.close()


def test_a_lease_with_no_worker_left_ends_in_a_clear_error_in_bounded_time(orphaned_env, caplog):
    from reflect_env.pool import PoolUnavailable

    t0 = time.monotonic()
    with pytest.raises(PoolUnavailable) as info:
        orphaned_env.verify(ADDER, "Adder")
    assert time.monotonic() - t0 < 60  # two failed starts (JVM refuses at once) and a 0.1 s pause
    message = str(info.value)
    assert "no verifier worker left" in message and "NoSuchOptionForThisTest" in message
    assert "\n" not in message
    pool = orphaned_env.pool
    assert len(pool.start_failures) == 1 and pool.replaced == 1
    logged = [r.getMessage() for r in caplog.records if r.name == "reflect_env.pool"]
    assert any("try 1 of 2" in m for m in logged), logged  # the retry is said...
    assert any("gave up starting a worker after 2 tries (0 of 1 workers left)" in m for m in logged), logged
    t0 = time.monotonic()
    with pytest.raises(PoolUnavailable):  # ...and later leases fail at once
        pool.lease()
    assert time.monotonic() - t0 < 1


def test_the_search_ends_with_verifier_unavailable_not_a_crash_verdict(orphaned_env):
    """Agent side: the solve stops with VerifierUnavailable (the CLI's one-line error) instead of
    scoring every candidate as a crash."""
    from agent.config import LLMConfig
    from agent.llm import LLMClient
    from agent.llm.stub_server import Reply, StubServer
    from agent.config import AgentConfig
    from agent.search import VerifierUnavailable, solve
    from agent.task import Task

    async def run(base_url):
        llm = LLMClient(LLMConfig(base_url=base_url, use_cache=False))
        try:
            return await solve(Task(id="t", spec="An adder named `Adder`.", top="Adder"),
                               AgentConfig(k=1, depth=0, rag=False), llm=llm, env=orphaned_env)
        finally:
            await llm.aclose()

    with StubServer(default=Reply(f"```scala\n{ADDER}```")) as stub:
        with pytest.raises(VerifierUnavailable, match="no verifier worker left"):
            asyncio.run(run(stub.base_url))


def test_an_eval_run_stops_with_one_line_when_the_pool_is_gone(orphaned_env, tmp_path):
    """`agent eval` turns it into one RunError (printed as one line) and stops starting problems,
    rather than recording a failed problem per worker-less verification."""
    from agent.eval.benchmarks import load_benchmark
    from agent.eval.runner import RunError, RunOptions, run_benchmark
    from agent.llm.stub_server import Reply, StubServer
    from tests.helpers import seed_eval_set

    bench = load_benchmark(str(seed_eval_set(tmp_path / "set.jsonl", [("e1", "L1", "Adder"), ("e2", "L1", "Adder")])))
    with StubServer(default=Reply(f"```scala\n{ADDER}```")) as stub:
        opts = RunOptions(out=tmp_path / "run", samples=1, depth=0, rag=False, base_url=stub.base_url, cache=False,
                          concurrency=1)
        with pytest.raises(RunError, match="no verifier worker left") as info:
            run_benchmark(bench, opts, env_factory=lambda: orphaned_env)
        chats = len(stub.requests)
    assert "\n" not in str(info.value) and "0 problem(s) recorded" in str(info.value)
    assert chats == 1  # the second problem was never started
