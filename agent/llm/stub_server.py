"""An OpenAI-compatible stub server for tests and benchmarks: real HTTP on 127.0.0.1, scripted replies and faults.

    with StubServer([Reply("class Adder ..."), http_error(500), Reply(["a", "b"])]) as stub:
        client = LLMClient(LLMConfig(base_url=stub.base_url, use_cache=False))
        ...
        assert stub.requests[0]["n"] == 2

Script: a list consumed one item per POST /v1/chat/completions (faults included), or a callable
`(request_json) -> item`. An item is a `Reply`, a `Fault` (`http_error`, `rate_limited`, `slow`,
`malformed`, `dropped`), a plain `str` / `list[str]` (shorthand for `Reply(...)`), or a `dict` sent
verbatim as the JSON body. When the list runs out the `default` item is served; without a default
the stub answers HTTP 400 "stub script exhausted" (not retryable, so a test fails loudly instead of
hanging in retries).

Choices for n > 1: choice i gets `texts[i % len(texts)]` (the scripted texts are cycled), and the
same rule applies to `finish_reasons`. So `Reply("x")` answers an n=4 request with four "x".

Every request body is recorded in `stub.requests` (parsed JSON, in arrival order, faults included)
and its headers in `stub.headers` (lower-case names);
`GET /v1/models` lists `model` (default: the project's default model, as `vllm serve` of it would);
`stub.max_in_flight` is the most requests the stub was handling at once. `latency_s` delays every
reply (simulated generation time); the default 0 is the zero-latency mode used to measure the
client's own overhead.
"""
from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Union

from agent.config import DEFAULT_MODEL

try:  # the fixture is only defined where pytest is importable
    import pytest
except ImportError:  # pragma: no cover
    pytest = None  # type: ignore[assignment]  # the optional-import idiom: no fixture without pytest


@dataclass
class Reply:
    """A successful completion. `texts` is one text or one per choice (cycled when n is larger)."""
    texts: Union[str, list[str]]
    finish_reasons: Union[str, list[str]] = "stop"
    prompt_tokens: int | None = None      # None: a word count of the prompt
    completion_tokens: int | None = None  # None: a word count of the texts served
    delay_s: float = 0.0                  # extra delay before this reply (on top of latency_s)


@dataclass
class Fault:
    """Something going wrong. Build one with the helpers below rather than by hand."""
    kind: str  # "http" | "slow" | "malformed" | "drop"
    status: int = 500
    message: str = ""
    retry_after: float | None = None
    delay_s: float = 0.0
    then: Any = None          # for "slow": what to send once the delay is over (if anyone still listens)
    body: bytes = b""          # for "malformed": the raw body sent with HTTP 200


def http_error(status: int, message: str | None = None, retry_after: float | None = None) -> Fault:
    """An HTTP error with an OpenAI-style JSON error body (and a Retry-After header if given)."""
    return Fault("http", status=status, message=message or f"stub error {status}", retry_after=retry_after)


def rate_limited(retry_after: float = 0.0) -> Fault:
    return http_error(429, "rate limited (stub)", retry_after=retry_after)


def slow(delay_s: float, then: Any = None) -> Fault:
    """Hold the request for `delay_s` (past the client's timeout), then send `then` (default: a Reply)."""
    return Fault("slow", delay_s=delay_s, then=then if then is not None else Reply("late reply"))


def malformed(body: bytes | str = b'{"id": "chatcmpl-stub", "choices": [') -> Fault:
    """HTTP 200 with a body that is not a valid completion (default: truncated JSON)."""
    return Fault("malformed", body=body.encode() if isinstance(body, str) else body)


def dropped() -> Fault:
    """Read the request, then close the connection without answering."""
    return Fault("drop")


Item = Union[Reply, Fault, str, list, dict]


def refused_url() -> str:
    """A base URL where nothing listens: bind a free port, then release it without listening."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def _words(text: str) -> int:
    return len(text.split())


def _prompt_words(request: dict) -> int:
    total = 0
    for m in request.get("messages") or []:
        content = m.get("content") if isinstance(m, dict) else None
        if isinstance(content, str):
            total += _words(content)
    return total


def _cycled(values: Union[str, list[str]], n: int) -> list[str]:
    values = [values] if isinstance(values, str) else list(values)
    if not values:
        raise ValueError("a stub Reply needs at least one text")
    return [values[i % len(values)] for i in range(n)]


def completion_body(request: dict, reply: Reply) -> dict:
    """The JSON body of a chat.completion answering `request` with `reply`."""
    n = int(request.get("n") or 1)
    texts = _cycled(reply.texts, n)
    reasons = _cycled(reply.finish_reasons, n)
    prompt_tokens = reply.prompt_tokens if reply.prompt_tokens is not None else _prompt_words(request)
    completion_tokens = (reply.completion_tokens if reply.completion_tokens is not None
                         else sum(_words(t) for t in texts))
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model", "stub-model"),
        "choices": [
            {"index": i, "message": {"role": "assistant", "content": t}, "finish_reason": r, "logprobs": None}
            for i, (t, r) in enumerate(zip(texts, reasons))
        ],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


class StubServer:
    """The server object: start/stop, the script, and what was observed."""

    def __init__(self, replies: Union[list, Callable[[dict], Item], None] = None, *,
                 default: Item | None = None, latency_s: float = 0.0, model: str = DEFAULT_MODEL,
                 max_model_len: int | None = None, at_least: bool = False, ignore_n: bool = False,
                 serial: bool = False, slots: int | None = None, llama_usage: bool = False,
                 max_n: int | None = None, refuse_schema: bool = False):
        self.model = model
        # Like a server without JSON schemas: HTTP 400 for any request with a `response_format`.
        self.refuse_schema = refuse_schema
        # Like llama-server (which refuses n above its --parallel slots, HTTP 400, its wording below).
        self.max_n = max_n
        # Like llama-server: usage.completion_tokens counts one of the n sequences, the body carries
        # `timings`, and POST /tokenize counts a text's tokens (its words, as in `usage`).
        self.llama_usage = llama_usage
        # Like llama.cpp's servers: `ignore_n` answers every request with one choice whatever its n;
        # `serial` handles one request at a time (the rest wait, their clocks running, as behind
        # llama-cpp-python), each taking `latency_s`; `slots` is advertised as /props `total_slots`
        # (llama-server's --parallel); None: no /props page, like vLLM.
        self.ignore_n, self.slots = ignore_n, slots
        self._serial = threading.Lock() if serial else None
        # Like `vllm serve --max-model-len N`: refuse (HTTP 400, vLLM's wording) a request whose
        # prompt + max_tokens exceed N; a prompt's words count as its tokens (as in `usage`). vLLM states
        # the prompt's size exactly, or (at_least=True, newer releases) only as a lower bound.
        self.max_model_len, self.at_least = max_model_len, at_least
        self.latency_s = latency_s
        self.default = default
        self.requests: list[dict] = []
        self.headers: list[dict[str, str]] = []  # the HTTP headers of each recorded request
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._script: list | None = None
        self._responder: Callable[[dict], Item] | None = None
        self.script(replies if replies is not None else [])
        self._httpd: ThreadingHTTPServer | None = None
        self._host = "127.0.0.1"
        self._port: int | None = None
        self._thread: threading.Thread | None = None

    # -- script -------------------------------------------------------------------------------
    def script(self, replies: Union[list, Callable[[dict], Item]]) -> "StubServer":
        """Replace the script: a list consumed in order, or a callable deciding per request."""
        with self._lock:
            if callable(replies):
                self._responder, self._script = replies, None
            else:
                self._responder, self._script = None, list(replies)
        return self

    def push(self, *items: Item) -> "StubServer":
        """Append items to a list script."""
        with self._lock:
            if self._script is None:
                raise TypeError("push() needs a list script, this stub uses a callable")
            self._script.extend(items)
        return self

    def clear(self) -> "StubServer":
        """Forget recorded requests and the in-flight maximum (the script is kept)."""
        with self._lock:
            self.requests.clear()
            self.headers.clear()
            self.max_in_flight = self.in_flight
        return self

    @property
    def remaining(self) -> int:
        with self._lock:
            return len(self._script) if self._script is not None else 0

    def _next_item(self, request: dict) -> Item | None:
        with self._lock:
            responder = self._responder
            if responder is None:
                if self._script:
                    return self._script.pop(0)
                return self.default
        return responder(request)

    def _context_refusal(self, request: dict) -> str | None:
        if self.max_model_len is None:
            return None
        prompt, asked = _prompt_words(request), int(request.get("max_tokens") or 0)
        if prompt + asked <= self.max_model_len:
            return None
        head = f"This model's maximum context length is {self.max_model_len} tokens. However, you requested {asked} output tokens and your prompt contains"
        if self.at_least:  # newer vLLM stops counting once the prompt cannot fit
            seen = max(self.max_model_len - asked + 1, 0)
            return f"{head} at least {seen} input tokens, for a total of at least {seen + asked} tokens."
        return f"{head} {prompt} input tokens, for a total of {prompt + asked} tokens."

    # -- lifecycle ----------------------------------------------------------------------------
    @property
    def port(self) -> int:
        assert self._port is not None, "stub server not started"
        return self._port  # kept after stop() so tests can still name the URL

    @property
    def base_url(self) -> str:
        host = "127.0.0.1" if self._host in ("", "0.0.0.0") else self._host  # a wildcard is no address to call
        return f"http://{host}:{self.port}/v1"

    def start(self, host: str = "127.0.0.1", port: int = 0) -> "StubServer":
        """Listen on host:port (port 0: a free one, see `port`) and serve in a background thread."""
        handler = type("StubHandler", (_Handler,), {"stub": self})
        self._host = host
        self._httpd = ThreadingHTTPServer((host, port), handler)
        self._httpd.daemon_threads = True
        self._port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="stub-openai", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers sleeping in slow/latency replies
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> "StubServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _sleep(self, seconds: float) -> bool:
        """Sleep unless the server is stopping; True if the full time passed."""
        return seconds <= 0 or not self._stopping.wait(seconds)

    def _enter(self, request: dict, headers: dict[str, str]) -> None:
        with self._lock:
            self.requests.append(request)
            self.headers.append(headers)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1


class _Handler(BaseHTTPRequestHandler):
    stub: StubServer
    protocol_version = "HTTP/1.1"  # keep-alive, like a real server; every reply sets Content-Length

    def setup(self):
        super().setup()
        # Headers and body go out as two writes; without NODELAY, Nagle plus the client's delayed
        # ACK adds ~40 ms to every keep-alive reply and the overhead benchmark would measure that.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, fmt, *args):  # keep test output clean
        pass

    def _send_json(self, status: int, obj: Any, headers: dict | None = None) -> None:
        self._send_bytes(status, json.dumps(obj).encode(), headers)

    def _send_bytes(self, status: int, body: bytes, headers: dict | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout): fine
            self.close_connection = True

    def _error(self, status: int, message: str, headers: dict | None = None) -> None:
        kind = "rate_limit_error" if status == 429 else ("server_error" if status >= 500 else "invalid_request_error")
        self._send_json(status, {"error": {"message": message, "type": kind, "code": status}}, headers)

    def do_GET(self):
        if self.path.rstrip("/") == "/props" and self.stub.slots is not None:
            self._send_json(200, {"total_slots": self.stub.slots})
        elif self.path.rstrip("/") == "/v1/models":
            self._send_json(200, {"object": "list", "data": [
                {"id": self.stub.model, "object": "model", "created": 0, "owned_by": "stub"}]})
        else:
            self._error(404, f"no route GET {self.path}")

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.path.rstrip("/") == "/tokenize" and self.stub.llama_usage:
            content = json.loads(raw or b"{}").get("content", "")
            self._send_json(200, {"tokens": list(range(_words(content)))})
            return
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._error(404, f"no route POST {self.path}")
            return
        try:
            request = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            self._error(400, "request body is not JSON")
            return
        stub = self.stub
        stub._enter(request, {k.lower(): v for k, v in self.headers.items()})
        try:
            refusal = stub._context_refusal(request)
            if refusal:
                self._error(400, refusal)
                return
            if stub.refuse_schema and "response_format" in request:
                self._error(400, "response_format: json_schema is not supported by this server")
                return
            n = int(request.get("n") or 1)
            if stub.max_n is not None and n > stub.max_n:
                self._error(400, f"Field 'n': Value must be between 1 <= value <= {stub.max_n}, but got {n}")
                return
            if stub.ignore_n:
                request = {**request, "n": 1}  # recorded as sent; answered with one choice
            item = stub._next_item(request)
            if stub._serial is not None:
                with stub._serial:
                    if stub._sleep(stub.latency_s):
                        self._serve(request, item)
            elif stub._sleep(stub.latency_s):
                self._serve(request, item)
        finally:
            stub._leave()

    def _serve(self, request: dict, item: Item | None) -> None:
        if item is None:
            self._error(400, "stub script exhausted")
        elif isinstance(item, (str, list)):
            self._serve(request, Reply(item))
        elif isinstance(item, dict):
            self._send_json(200, item)
        elif isinstance(item, Reply):
            if self.stub._sleep(item.delay_s):
                body = completion_body(request, item)
                if self.stub.llama_usage:
                    first = body["choices"][0]
                    one = _words(first["message"]["content"]) + (first["finish_reason"] == "stop")
                    body["usage"]["completion_tokens"] = one
                    body["timings"] = {"cache_n": 0, "predicted_n": one}
                self._send_json(200, body)
        elif isinstance(item, Fault):
            self._fault(request, item)
        else:
            self._error(500, f"stub cannot serve {type(item).__name__}")

    def _fault(self, request: dict, f: Fault) -> None:
        if f.kind == "http":
            headers = {"Retry-After": f"{f.retry_after:g}"} if f.retry_after is not None else None
            self._error(f.status, f.message, headers)
        elif f.kind == "slow":
            if self.stub._sleep(f.delay_s):
                self._serve(request, f.then)
        elif f.kind == "malformed":
            self._send_bytes(200, f.body)
        elif f.kind == "drop":
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        else:
            self._error(500, f"unknown stub fault {f.kind!r}")


if pytest is not None:
    @pytest.fixture
    def stub_server():
        """A started stub with an empty script; set it with `stub_server.script([...])`."""
        with StubServer() as stub:
            yield stub


# -- command line ---------------------------------------------------------------------------------
# `python -m agent.llm.stub_server`: the same stub for trying the CLI by hand (`agent solve --base-url`),
# answering every request alike. docs/configuration.md, "Testing against a stub server".

# What the stub answers without --reply-file: the design examples/adder8.txt asks for, so
# `agent solve examples/adder8.txt --base-url URL` solves in round 0.
BUILTIN_REPLY = """```scala
import chisel3._

class Adder8 extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(8.W))
    val b = Input(UInt(8.W))
    val sum = Output(UInt(8.W))
  })
  io.sum := io.a + io.b
}
```
"""


def main(argv: list[str] | None = None) -> int:
    import argparse
    import signal
    import sys

    ap = argparse.ArgumentParser(
        prog="python -m agent.llm.stub_server",
        description="An OpenAI-compatible stub server: every chat completion gets the same reply (or fault). "
                    "Prints its base URL on stdout, then serves until SIGINT or SIGTERM.")
    ap.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    ap.add_argument("--port", type=int, default=0, help="port (default 0: a free one; the URL printed says which)")
    ap.add_argument("--reply-file", metavar="FILE",
                    help="text of every reply (default: a fenced Chisel module Adder8, as examples/adder8.txt asks)")
    ap.add_argument("--model", default=DEFAULT_MODEL, help=f"model name listed at /v1/models (default {DEFAULT_MODEL})")
    fault = ap.add_mutually_exclusive_group()
    fault.add_argument("--status", type=int, metavar="CODE",
                       help="answer every chat request with this HTTP error, e.g. 500 (retried) or 400 (not)")
    fault.add_argument("--malformed", action="store_true", help="answer HTTP 200 with truncated JSON")
    ap.add_argument("--latency", type=float, default=0.0, metavar="S", help="seconds before every reply (default 0)")
    ap.add_argument("--slots", type=int, help="advertise this many parallel slots at /props, like llama-server")
    ap.add_argument("--max-n", type=int, metavar="N", help="refuse n above N (HTTP 400), like llama-server")
    ap.add_argument("--ignore-n", action="store_true", help="answer one choice whatever n asks, like llama.cpp")
    args = ap.parse_args(argv)
    if args.status is not None and not 400 <= args.status <= 599:
        ap.error(f"--status must be an HTTP error code (400-599), got {args.status}")
    for name in ("latency", "slots", "max_n"):
        value = getattr(args, name)
        if value is not None and value < (0 if name == "latency" else 1):
            ap.error(f"--{name.replace('_', '-')} must be {'>= 0' if name == 'latency' else 'positive'}, got {value}")

    item: Item
    if args.status is not None:
        item = http_error(args.status)
    elif args.malformed:
        item = malformed()
    else:
        text = BUILTIN_REPLY
        if args.reply_file is not None:
            try:
                text = open(args.reply_file, encoding="utf-8").read()
            except (OSError, UnicodeDecodeError) as e:
                ap.error(f"--reply-file {args.reply_file}: {getattr(e, 'strerror', None) or e}")
            if not text.strip():
                ap.error(f"--reply-file {args.reply_file} is empty")
        item = Reply(text)
    stub = StubServer(default=item, latency_s=args.latency, model=args.model, slots=args.slots, max_n=args.max_n,
                      ignore_n=args.ignore_n)
    try:
        stub.start(args.host, args.port)
    except OSError as e:
        ap.exit(2, f"error: cannot listen on {args.host}:{args.port}: {e.strerror or e}\n")
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    print(stub.base_url, flush=True)
    try:
        while not stop.wait(0.5):  # a timed wait: the signal handler runs between waits
            pass
    finally:
        stub.stop()
    print(f"served {len(stub.requests)} request(s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
