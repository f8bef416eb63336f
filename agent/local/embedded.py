"""The embedded default: when no server is configured and nothing answers at the default URL,
`agent solve` serves the local model itself for the length of the run.

The server is spawned, not waited for: `EmbeddedLLM.wait_ready()` is called by the solve once its own
start-up work (the embedding model, the JVM pool) runs beside the model's loading (issue 19)."""
from __future__ import annotations

import contextlib
import os
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from agent.config import LLMConfig
from agent.local.models import LocalModelError, resolve_model
from agent.local.server import (DEFAULT_CTX, DEFAULT_PARALLEL, ServeError, ServerProcess, free_port, make_server,
                                priority_of)

# A CPU server shares its cores between the parallel slots: one 2048-token reply at ~3 tok/s per slot
# (2 cores, 4 slots) takes ~11 min, far past the 180 s default meant for GPU servers.
EMBEDDED_TIMEOUT_S = 1800.0
# The embedded server's nice value (its own session's autogroup too): llama.cpp's threads wait on each
# other at every token, so a server that a JVM interrupts stalls whole. Measured on 2 cores beside a
# busy `agent bench verify` (docs/BENCHMARKS.md, "Issue 19"); CHISEL_AGENT_SERVER_NICE overrides it,
# and without CAP_SYS_NICE (not root) the server runs at the default priority.
EMBEDDED_NICE = -10
# Generation threads: llama.cpp's default is one per core. CHISEL_AGENT_SERVER_THREADS overrides.
EMBEDDED_THREADS: int | None = None


def answers(base_url: str, timeout_s: float = 3.0) -> bool:
    """True when anything takes an HTTP request at base_url (any status counts: it is a server)."""
    try:
        urllib.request.urlopen(f"{base_url.rstrip('/')}/models", timeout=timeout_s).close()
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError, ValueError):
        return False
    return True


def server_nice() -> int | None:
    """The priority of a CPU model server the project starts, the embedded one and `agent serve`'s alike:
    EMBEDDED_NICE unless CHISEL_AGENT_SERVER_NICE says otherwise (a ServeError when it is no integer)."""
    return _env_int("CHISEL_AGENT_SERVER_NICE", EMBEDDED_NICE)


def _env_int(name: str, default: int | None) -> int | None:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ServeError(f"{name}={value!r} is not an integer") from None


@dataclass
class EmbeddedLLM:
    """The LLM settings a solve uses, and the embedded server behind them when one was started."""
    config: LLMConfig
    server: ServerProcess | None = None
    spawned_at: float = field(default_factory=time.perf_counter)
    ready_s: float | None = None  # seconds from spawn to ready (None: not waited for, or no server)

    def wait_ready(self) -> None:
        """Until the embedded server serves its model (no-op without one); a ServeError otherwise."""
        if self.server is None or self.ready_s is not None:
            return
        self.server.wait_ready()
        self.ready_s = time.perf_counter() - self.spawned_at

    def describe(self) -> dict:
        """For the trace: the engine's argv and the priority it runs at."""
        if self.server is None or self.server.proc is None:
            return {}
        return {"argv": self.server.argv[1:], "priority": priority_of(self.server.proc.pid),
                "ready_s": round(self.ready_s, 3) if self.ready_s is not None else None}


@contextlib.contextmanager
def embedded_llm(cfg, *, say: Callable[[str], None], log_path: Path | None = None) -> Iterator[EmbeddedLLM]:
    """cfg (an AgentConfig) -> the LLM to use. When `cfg.local` is on, llm.base_url was not set by any
    file, variable or flag, and nothing answers there: spawn llama-server on a free port with the local
    model (llm.model when it names one, else the default), yield settings pointing at it (call
    wait_ready() before the first request), and stop it on the way out (its output goes to log_path).
    Otherwise yield cfg.llm unchanged."""
    from agent.local.prefix import slot_dir

    llm = cfg.llm
    if not cfg.local or "llm.base_url" in cfg.sources or answers(llm.base_url):
        yield EmbeddedLLM(llm)
        return
    try:
        model = resolve_model(llm.model if "llm.model" in cfg.sources else None)
        # llama-server answers a request with n above its slots with HTTP 400: one slot per sample.
        server = make_server("llama-server", str(model.path), port=free_port(),
                             parallel=max(DEFAULT_PARALLEL, cfg.k), ctx=max(DEFAULT_CTX, cfg.max_tokens + 4096),
                             served_name=model.served_name,
                             threads=_env_int("CHISEL_AGENT_SERVER_THREADS", EMBEDDED_THREADS),
                             slot_save_path=slot_dir())
    except (LocalModelError, ServeError) as e:
        say(f"[yellow]note:[/] no embedded model server either: {e}")
        yield EmbeddedLLM(llm)
        return
    server.log_path = log_path
    server.nice = server_nice()
    server.spawn()  # a ServeError here is the caller's one-line failure
    try:
        say(f"[bold]note:[/] nothing is served at {llm.base_url}; started the embedded llama-server with "
            f"{model.served_name} ({model.path.name}, CPU) at {server.base_url} for this run. For a bigger model "
            f"serve it with vLLM (`agent serve --engine vllm --model M`) and pass --base-url; --no-local refuses.")
        # stream: the client reads each sample as it comes, ends it at its code block's end or when it
        # repeats itself, and counts its tokens (agent/llm/stream.py).
        update = {"base_url": server.base_url, "model": server.served_name, "stream": True}
        if "llm.timeout_s" not in cfg.sources:
            update["timeout_s"] = max(llm.timeout_s, EMBEDDED_TIMEOUT_S)
        yield EmbeddedLLM(llm.model_copy(update=update), server)
    finally:
        server.stop(grace_s=2.0)  # nothing it holds is needed now; PR_SET_PDEATHSIG is the backstop
