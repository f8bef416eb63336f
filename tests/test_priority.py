"""Process priorities for sharing a small CPU with the model (issue 19): the JVM workers' nice and
autogroup (reflect_env.sandbox.renice_tree, PoolOptions.nice) and the embedded server's (agent.local.server)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agent.local.server import priority_of, set_priority_here
from reflect_env import sandbox
from reflect_env.pool import PoolOptions

LINUX = Path("/proc/self/autogroup").exists()


def _wait_for(pred, within_s: float = 5.0) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.skipif(not LINUX, reason="needs Linux /proc and autogroups")
def test_renice_tree_reaches_a_grandchild_in_its_own_session():
    # Like bwrap --new-session: the child starts a grandchild in a new session (a new autogroup) a moment later.
    script = "import os, subprocess, sys, time; time.sleep(0.3); subprocess.Popen([sys.executable, '-c', " \
             "'import time; time.sleep(30)'], start_new_session=True); time.sleep(30)"
    parent = subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
    try:
        import threading

        threading.Thread(target=sandbox.renice_tree, args=(parent.pid, 7, 5.0), daemon=True).start()
        assert _wait_for(lambda: len(sandbox.descendants(parent.pid)) == 1)
        child = sandbox.descendants(parent.pid)[0]
        assert _wait_for(lambda: priority_of(child) == {"nice": 7, "autogroup_nice": 7})
        assert priority_of(parent.pid) == {"nice": 7, "autogroup_nice": 7}
        assert priority_of(os.getpid())["nice"] != 7  # ours untouched
    finally:
        for pid in [*sandbox.descendants(parent.pid), parent.pid]:
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass
        parent.wait()


def test_pool_nice_comes_from_its_variable(monkeypatch):
    monkeypatch.setenv("REFLECT_ENV_WORKER_NICE", "5")
    assert PoolOptions().nice == 5
    monkeypatch.delenv("REFLECT_ENV_WORKER_NICE")
    assert PoolOptions().nice == 19  # the default: measured in BENCHMARKS.md, "Issue 19"


@pytest.mark.skipif(not LINUX, reason="needs Linux /proc and autogroups")
def test_server_priority_is_set_before_exec():
    from agent.local.server import _die_with_parent

    raised = os.geteuid() == 0
    nice = -5 if raised else 5  # lowering is allowed to anyone, raising only to root
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"],
                            preexec_fn=_die_with_parent(os.getpid(), nice))
    try:
        assert _wait_for(lambda: priority_of(proc.pid).get("nice") == nice)
        assert priority_of(proc.pid).get("autogroup_nice") == nice
    finally:
        proc.kill()
        proc.wait()


def test_set_priority_here_says_when_it_cannot(monkeypatch):
    def refuse(*a):
        raise PermissionError(1, "Operation not permitted")
    monkeypatch.setattr(os, "setpriority", refuse)
    assert set_priority_here(-10) is False


CRASHY_ENGINE = """#!{python}
import json, os, signal, sys
from http.server import BaseHTTPRequestHandler, HTTPServer
args = sys.argv[1:]
if "--no-repack" not in args:  # like the AMX build: dies at its first compute
    os.kill(os.getpid(), signal.SIGSEGV)
name = args[args.index("--alias") + 1]
class H(BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({{"data": [{{"id": name}}]}}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
HTTPServer(("127.0.0.1", int(args[args.index("--port") + 1])), H).serve_forever()
"""


def test_a_llama_server_that_crashes_at_load_runs_again_without_repack(tmp_path, monkeypatch):
    from agent.local import server as srv

    exe = tmp_path / "llama-server"
    exe.write_text(CRASHY_ENGINE.format(python=sys.executable))
    exe.chmod(0o755)
    (tmp_path / "m.gguf").write_bytes(b"GGUF" + b"\0" * 64)
    monkeypatch.setenv("CHISEL_AGENT_LLAMA_SERVER", str(exe))
    monkeypatch.setenv("CHISEL_AGENT_CACHE", str(tmp_path / "cache"))
    first = srv.make_server("llama-server", str(tmp_path / "m.gguf"), port=srv.free_port(), start_timeout_s=30)
    assert "--no-repack" not in first.argv
    with first:
        assert first.argv[-1] == "--no-repack" and first.ready()
    # Remembered for this binary: the next server starts with it.
    again = srv.make_server("llama-server", str(tmp_path / "m.gguf"), port=srv.free_port(), start_timeout_s=30)
    assert "--no-repack" in again.argv
