"""Hostile candidates: each ends in a verdict, nothing escapes the job directory, the pool keeps serving."""
from __future__ import annotations

import socket
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from reflect_env import Category, ReflectEnv
from reflect_env.env import Timeouts

GOOD = textwrap.dedent("""
    import chisel3._
    class Good extends Module {
      val io = IO(new Bundle { val a = Input(UInt(4.W)); val o = Output(UInt(4.W)) })
      io.o := ~io.a
    }
""")


def hostile(body: str, imports: str = "") -> str:
    """A module whose constructor (run at elaboration) does `body`."""
    return f"import chisel3._\n{imports}\nclass Evil extends Module {{\n  val io = IO(new Bundle {{ val o = Output(Bool()) }})\n  {body}\n  io.o := true.B\n}}\n"


@pytest.fixture(scope="module")
def env():
    with ReflectEnv("chisel7", workers=2, timeouts=Timeouts(compile=60, elaborate=10)) as e:
        yield e


@pytest.fixture
def outside(tmp_path_factory):
    """A writable directory outside any job dir, and a canary file in the home directory."""
    d = tmp_path_factory.mktemp("outside")
    canary = Path.home() / f".chisel-agent-canary-{uuid.uuid4().hex[:8]}"
    canary.write_text("secret")
    yield d, canary
    canary.unlink(missing_ok=True)


def assert_sandboxed(r, what: str):
    assert not r.ok, f"{what}: candidate passed"
    assert r.category == Category.crash, f"{what}: {r.category} {r.diagnostics}"
    assert "sandbox" in r.first_error().message, f"{what}: {r.first_error().message}"


def test_escapes_are_refused_with_a_verdict(env, outside):
    out_dir, canary = outside
    target = out_dir / "pwned.txt"
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    cases = {
        "exit": hostile("System.exit(3)"),
        "halt": hostile("Runtime.getRuntime.halt(1)"),
        "process": hostile(f'new ProcessBuilder("touch", "{target}").start()'),
        "write": hostile(f'java.nio.file.Files.writeString(java.nio.file.Paths.get("{target}"), "x")'),
        "network": hostile(f'new java.net.Socket("127.0.0.1", {port})'),
        "env": hostile('val home = System.getenv("PATH")'),
        "read-home": hostile(f'val s = scala.io.Source.fromFile("{canary}").mkString'),
    }
    results = env.verify_many([dict(code=c, top="Evil") for c in cases.values()])
    for what, r in zip(cases, results):
        assert_sandboxed(r, what)
    assert not target.exists()
    with pytest.raises(socket.timeout):
        listener.accept()
    listener.close()
    assert env.verify(GOOD, "Good").ok


def test_runaway_elaboration_times_out_and_the_pool_recovers(env):
    before = env.pool.replaced
    r = env.verify(hostile("while (true) {}"), "Evil")
    assert r.category == Category.timeout and r.stage.value == "elaborate"
    t = time.perf_counter()
    assert env.verify(GOOD, "Good").ok
    assert time.perf_counter() - t < 60  # the other warm worker serves while the killed one is replaced
    assert env.pool.replaced == before + 1


def test_memory_blowup_is_a_crash_and_the_worker_is_replaced(env):
    before = env.pool.replaced
    r = env.verify(hostile("val hog = Array.fill(64)(new Array[Long](1 << 24))"), "Evil")
    assert r.category == Category.crash and not r.ok
    assert "memory" in r.first_error().message.lower() or "exited" in r.first_error().message
    assert env.verify(GOOD, "Good").ok
    assert env.pool.replaced == before + 1


def test_leftover_threads_get_the_worker_recycled(env):
    before = env.pool.replaced
    env.verify(hostile("new Thread(() => while (true) Thread.sleep(1000)).start()"), "Evil")
    assert env.pool.replaced == before + 1
    assert env.verify(GOOD, "Good").ok


def test_compile_time_overrun_is_a_timeout(tmp_path):
    # 20k statements: far more than a 3 s compile budget, like a runaway model output. (One deep
    # expression would overflow scalac's stack instead, which is a `crash`.)
    body = "\n".join(f"  val v{i} = Wire(UInt(8.W)); v{i} := {i % 256}.U" for i in range(20000))
    code = f"import chisel3._\nclass Big extends Module {{\n  val io = IO(new Bundle {{ val o = Output(UInt(8.W)) }})\n{body}\n  io.o := v0\n}}\n"
    with ReflectEnv("chisel7", workers=1, timeouts=Timeouts(compile=3)) as e:
        r = e.verify(code, "Big")
        assert r.category == Category.timeout and r.stage.value == "compile"
        assert e.pool.replaced == 1


def test_job_directories_are_cleaned_up(env):
    env.verify(GOOD, "Good")
    assert not list(env.jobs_root.glob("job-*"))


def test_kill_workers_in_kills_only_the_children_that_name_the_jobs_root(tmp_path):
    # `agent solve` stops an env still starting its workers this way; a child that does not name the
    # jobs root (another env's worker) must survive it.
    import subprocess
    import sys

    from reflect_env.sandbox import kill_workers_in, limit_resources

    mine, other = tmp_path / "reflect-env-mine", tmp_path / "reflect-env-other"
    script = "import time; time.sleep(60)"
    procs = [subprocess.Popen([sys.executable, "-c", script, str(root)], preexec_fn=limit_resources)
             for root in (mine, other)]
    try:
        assert kill_workers_in(mine) == 1
        assert procs[0].wait(timeout=10) == -9
        assert procs[1].poll() is None
        assert kill_workers_in(tmp_path / "reflect-env-none") == 0
    finally:
        for p in procs:
            p.kill()
            p.wait()
