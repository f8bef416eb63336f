"""Streamed replies (agent/llm/stream.py): a sample ends at its code block or when it repeats itself,
and the request ends when every sample has, against a small SSE server that streams like llama-server."""
from __future__ import annotations

import asyncio
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from agent.config import LLMConfig
from agent.llm import LLMClient
from agent.llm.stream import code_complete, prompt_top, repeats, stream_chat

DESIGN = ("```scala\nimport chisel3._\n\nclass Adder8 extends Module {\n  val io = IO(new Bundle {\n"
          "    val a = Input(UInt(8.W))\n    val b = Input(UInt(8.W))\n    val sum = Output(UInt(8.W))\n  })\n"
          "  io.sum := io.a + io.b\n}\n```\n")
AFTER = "\nThis adds the two inputs; the carry is dropped. " * 30  # what a model writes after the code
LOOP = "```scala\nclass Adder8 extends Module {\n" + "  when(carryReg && io.a && io.b) { carryReg := true.B }\n" * 400


def test_prompt_top_reads_the_prompts_wording():
    assert prompt_top([{"role": "system", "content": "`class X`"},
                       {"role": "user", "content": "Write `class Adder8` for this specification."}]) == "Adder8"
    assert prompt_top([{"role": "user", "content": "keep the top module named `Fifo`. Return"}]) == "Fifo"
    assert prompt_top([{"role": "user", "content": "Write the module for this specification."}]) is None


def test_code_complete_needs_the_top_in_a_closed_block():
    assert code_complete(DESIGN, "Adder8")
    assert code_complete(DESIGN, None)
    assert not code_complete(DESIGN[:-5], "Adder8")  # fence not closed yet
    helper = "```scala\nclass Helper extends Module {\n}\n```\nNow the top:\n"
    assert not code_complete(helper, "Adder8")  # a helper block first: the top is still to come
    assert code_complete(helper + DESIGN, "Adder8")


def test_repeats_flags_a_loop_not_a_lookup_table():
    assert repeats(LOOP)
    table = ("```scala\nclass Sbox extends Module {\n  switch(io.in) {\n"
             + "".join(f"    is({i}.U) {{ io.out := {(i * 37 + 11) % 256}.U }}\n" for i in range(64)) + "  }\n}\n```")
    assert len(table) > 1200 and not repeats(table)
    assert not repeats(DESIGN + AFTER[:300])


class _SSE(BaseHTTPRequestHandler):
    """Streams one token (a few characters) per chunk per choice, llama-server style: choice 0 the
    design and then prose, choice 1 a loop that never ends (until the client hangs up)."""
    closed_early: list[bool] = []
    bodies: list[dict] = []
    stream = True

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).bodies.append(body)
        n = body.get("n", 1)
        if not type(self).stream or not body.get("stream"):
            data = json.dumps({"choices": [{"index": i, "finish_reason": "stop", "message": {"content": DESIGN}}
                                           for i in range(n)], "usage": {"prompt_tokens": 5, "completion_tokens": 9}})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data.encode())
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        texts = [DESIGN + AFTER, LOOP][:n] if n > 1 else [DESIGN + AFTER]
        pieces = [[t[i:i + 4] for i in range(0, len(t), 4)] for t in texts]
        try:
            self._send({"choices": [], "prompt_progress": {"total": 120, "cache": 100, "processed": 120}})
            for step in range(max(len(p) for p in pieces)):
                for i, p in enumerate(pieces):
                    if step < len(p):
                        self._send({"choices": [{"index": i, "delta": {"content": p[step]}, "finish_reason": None}]})
                    elif step == len(p):
                        self._send({"choices": [{"index": i, "delta": {}, "finish_reason": "stop"}]})
                time.sleep(0.001)
            self._send({"choices": [], "usage": {"prompt_tokens": 120, "completion_tokens": 99},
                        "timings": {"cache_n": 100, "prompt_n": 20}})
            self.wfile.write(b"data: [DONE]\n\n")
            type(self).closed_early.append(False)
        except (BrokenPipeError, ConnectionResetError):
            type(self).closed_early.append(True)

    def _send(self, chunk: dict) -> None:
        self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        self.wfile.flush()

    def log_message(self, *a):
        pass


@pytest.fixture
def sse():
    _SSE.closed_early, _SSE.bodies, _SSE.stream = [], [], True
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _SSE)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()


def _messages():
    return [{"role": "system", "content": "s"}, {"role": "user", "content": "Write `class Adder8` for this."}]


def test_stream_ends_each_sample_at_its_answer_and_hangs_up(sse):
    got = asyncio.run(stream_chat(sse, "k", {"model": "m", "messages": _messages(), "n": 2, "max_tokens": 99},
                                  timeout_s=30))
    assert got.texts[0] == DESIGN.rstrip("\n") or got.texts[0].startswith(DESIGN.rstrip("\n"))
    assert AFTER.strip()[:20] not in got.texts[0]  # the prose after the code was not waited for
    assert got.finish_reasons == ["stop", "repetition"]
    assert got.closed_early
    assert len(got.texts[1]) < len(LOOP) / 4  # cut long before its end
    assert got.completion_tokens[0] == -(-len(got.texts[0]) // 4)  # one chunk, one token
    assert got.prompt_tokens == 120 and got.cached_prompt_tokens == 100  # from prompt_progress
    time.sleep(0.3)
    assert _SSE.closed_early == [True]  # the server saw the connection go


def test_client_streams_when_told_and_counts_each_sample(sse):
    async def go():
        async with LLMClient(LLMConfig(base_url=sse, model="m", use_cache=False, stream=True, max_retries=0)) as llm:
            return await llm.chat(_messages(), n=2, max_tokens=99)
    c = asyncio.run(go())
    assert c.finish_reasons == ["stop", "repetition"]
    assert c.stream is not None and c.stream["closed_early"]
    assert c.completion_tokens == sum(c.stream["completion_tokens"])
    assert c.cached_prompt_tokens == 100
    assert _SSE.bodies[-1]["stream"] is True


def test_client_falls_back_when_the_server_does_not_stream(sse):
    _SSE.stream = False

    async def go():
        async with LLMClient(LLMConfig(base_url=sse, model="m", use_cache=False, stream=True, max_retries=0)) as llm:
            first = await llm.chat(_messages(), n=1, max_tokens=99)
            second = await llm.chat(_messages(), n=1, max_tokens=98)
            return first, second
    first, second = asyncio.run(go())
    assert first.texts == [DESIGN] and second.texts == [DESIGN]
    assert first.stream is None
    # Asked once with stream, then never again (the server answered 200 without a stream).
    assert [b.get("stream", False) for b in _SSE.bodies] == [True, False, False]


def test_solve_verifies_a_sample_as_it_comes_and_stops_the_rest(sse, tmp_path):
    """Sample 0 (a design) is verified while sample 1 (a loop) is still streaming; its pass solves the
    task (it has a reference: no vote), which ends the request: sample 1 never reaches a chain."""
    from agent.config import AgentConfig
    from agent.search import solve
    from agent.task import Task
    from agent.trace import Trace, load_trace
    from reflect_env.result import Stage, VerifyResult

    verified: list[float] = []

    class Env:
        async def averify(self, code, top=None, **kw):
            verified.append(time.perf_counter())
            return VerifyResult(ok=True, stage=Stage.passed, top=top, requested_top=top)

    cfg = AgentConfig(k=2, depth=0, rag=False, select="first", interface=False)

    async def go():
        async with LLMClient(LLMConfig(base_url=sse, model="m", use_cache=False, stream=True, max_retries=0)) as llm:
            with Trace(tmp_path) as trace:
                return await solve(Task(id="a", spec="Write `class Adder8`.", top="Adder8", reference="x"), cfg,
                                   llm=llm, env=Env(), trace=trace)
    res = asyncio.run(go())
    assert res.solved and len(res.chains) == 1 and res.chains[0].sample_index == 0
    response = load_trace(tmp_path).responses[0]
    assert response["finish_reasons"] == ["stop", "cancelled"]
    assert response["stream"]["closed_early"] and len(verified) == 1
    time.sleep(0.3)
    assert _SSE.closed_early == [True]


def test_prefix_file_ignores_the_port_and_follows_the_prompt(tmp_path):
    from agent.local.prefix import prefix_file

    argv = [str(tmp_path / "llama-server"), "--model", str(tmp_path / "m.gguf"), "--port", "4001", "--parallel", "4"]
    same = prefix_file("sys", argv) == prefix_file("sys", [*argv[:4], "5002", *argv[5:]])
    assert same
    assert prefix_file("sys", argv) != prefix_file("sys2", argv)
    assert prefix_file("sys", argv) != prefix_file("sys", [*argv[:-1], "8"])
