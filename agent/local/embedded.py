"""The embedded default: when no server is configured and nothing answers at the default URL,
`agent solve` serves the local model itself for the length of the run."""
from __future__ import annotations

import contextlib
from pathlib import Path
import urllib.error
import urllib.request
from typing import Callable, Iterator

from agent.config import LLMConfig
from agent.local.models import LocalModelError, resolve_model
from agent.local.server import DEFAULT_CTX, DEFAULT_PARALLEL, ServeError, free_port, make_server

# A CPU server shares its cores between the parallel slots: one 2048-token reply at ~3 tok/s per slot
# (2 cores, 4 slots) takes ~11 min, far past the 180 s default meant for GPU servers.
EMBEDDED_TIMEOUT_S = 1800.0


def answers(base_url: str, timeout_s: float = 3.0) -> bool:
    """True when anything takes an HTTP request at base_url (any status counts: it is a server)."""
    try:
        urllib.request.urlopen(f"{base_url.rstrip('/')}/models", timeout=timeout_s).close()
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError, ValueError):
        return False
    return True


@contextlib.contextmanager
def embedded_llm(cfg, *, say: Callable[[str], None], log_path: Path | None = None) -> Iterator[LLMConfig]:
    """cfg (an AgentConfig) -> the LLMConfig to use. When `cfg.local` is on, llm.base_url was not set
    by any file, variable or flag, and nothing answers there: start llama-server on a free port with
    the local model (llm.model when it names one, else the default), yield a config pointing at it,
    and stop it on the way out (its output goes to log_path). Otherwise yield cfg.llm unchanged."""
    llm = cfg.llm
    if not cfg.local or "llm.base_url" in cfg.sources or answers(llm.base_url):
        yield llm
        return
    try:
        model = resolve_model(llm.model if "llm.model" in cfg.sources else None)
        # llama-server answers a request with n above its slots with HTTP 400: one slot per sample.
        server = make_server("llama-server", str(model.path), port=free_port(),
                             parallel=max(DEFAULT_PARALLEL, cfg.k), ctx=max(DEFAULT_CTX, cfg.max_tokens + 4096),
                             served_name=model.served_name)
    except (LocalModelError, ServeError) as e:
        say(f"[yellow]note:[/] no embedded model server either: {e}")
        yield llm
        return
    server.log_path = log_path
    server.start()  # a ServeError here is the caller's one-line failure
    try:
        say(f"[bold]note:[/] nothing is served at {llm.base_url}; started the embedded llama-server with "
            f"{model.served_name} ({model.path.name}, CPU) at {server.base_url} for this run. For a bigger model "
            f"serve it with vLLM (`agent serve --engine vllm --model M`) and pass --base-url; --no-local refuses.")
        update = {"base_url": server.base_url, "model": server.served_name}
        if "llm.timeout_s" not in cfg.sources:
            update["timeout_s"] = max(llm.timeout_s, EMBEDDED_TIMEOUT_S)
        yield llm.model_copy(update=update)
    finally:
        server.stop()
