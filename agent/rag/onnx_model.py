"""all-MiniLM-L6-v2 through onnxruntime: the query embedder a solve uses without torch (issue 19).

`import sentence_transformers` (torch, transformers) takes 4-5 s of a solve's start-up, on its critical
path before the first request; onnxruntime and tokenizers are already imported with chromadb. The model
is exported once from the packaged sentence-transformers model (`export()`, by `agent rag build` or a
build of the notes index: torch is loaded there anyway) into the project's cache beside the index, and
run by chromadb's own MiniLM pipeline (tokenize, ONNX, attention-weighted mean pooling, normalise),
pointed at that export and never at its download. The vectors equal sentence-transformers' (cosine
>= 0.9999, checked at export and by tests/test_embedder_onnx.py), so the index built with either serves both.
"""
from __future__ import annotations

import json
import os
import shutil
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from sentence_transformers import SentenceTransformer

# Bumped when what export() writes changes, so an older export is not used.
EXPORT_FORMAT = "1"
MANIFEST = "export.json"
TOKENIZER_FILES = ("config.json", "special_tokens_map.json", "tokenizer_config.json", "tokenizer.json", "vocab.txt")
# The export is refused unless its vectors match sentence-transformers' this closely on CHECK_TEXTS.
MIN_COSINE = 0.9999
# A short query, a padded-looking one, and one past max_seq_length (truncation must be the same).
CHECK_TEXTS = ("adder", "An 8-bit adder with inputs a and b and output sum. " * 3, "a wide popcount " * 200)


class OnnxUnavailable(RuntimeError):
    """The export is absent or onnxruntime cannot run it (the caller falls back to sentence-transformers)."""


def source_key(source: Path) -> str:
    """What identifies the packaged model cheaply (no hashing of 90 MB at start-up): its weights' size
    and modification time. A reinstalled package gets a fresh export."""
    weights = sorted(source.glob("*.safetensors"))
    st = weights[0].stat() if weights else None
    return f"{st.st_size}-{int(st.st_mtime)}" if st else "none"


def export_dir(cache_root: Path, source: Path, model_name: str) -> Path:
    """Where the export of the model at `source` lives: beside the notes index, one folder per source."""
    return Path(cache_root) / "rag" / f"onnx-{model_name}-f{EXPORT_FORMAT}-{source_key(source)}"


class LocalMiniLM:
    """The ONNX model in `folder`, embedded with chromadb's ONNXMiniLM_L6_V2 pipeline."""

    def __init__(self, folder: Path, threads: int = 1) -> None:
        folder = Path(folder)
        try:
            manifest = json.loads((folder / MANIFEST).read_text())
        except (OSError, ValueError) as e:
            raise OnnxUnavailable(f"no ONNX export at {folder} ({type(e).__name__})") from None
        if manifest.get("format") != EXPORT_FORMAT:
            raise OnnxUnavailable(f"the ONNX export at {folder} has format {manifest.get('format')!r}, not {EXPORT_FORMAT}")
        self.folder = folder
        self.max_seq_length = int(manifest["max_seq_length"])
        try:
            self._fn = _chroma_class()(folder, threads, self.max_seq_length)
            self._fn.model  # noqa: B018 - the session loads now: a broken file fails here, not at a query
        except Exception as e:  # noqa: BLE001 - onnxruntime raises its own types; any of them means fall back
            raise OnnxUnavailable(f"onnxruntime cannot load {folder / 'model.onnx'}: {type(e).__name__}: {e}") from None

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit vectors (texts x 384), float32. One text per model call: chromadb's pipeline pads every
        text of a batch to max_seq_length, which made a short query 8x slower; alone, none is padded."""
        import numpy as np

        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return self._fn._forward(list(texts), batch_size=1)


def _chroma_class():
    """chromadb's pipeline with its download switched off and two changes that keep it equal to
    sentence-transformers and fast: the tokenizer truncates at the model's max_seq_length and does
    not pad (each text runs alone), and the session uses `threads` threads (one short query is
    latency-bound; more threads would contend with the verifier's JVMs and the model server)."""
    from chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2 import ONNXMiniLM_L6_V2

    class _Local(ONNXMiniLM_L6_V2):
        def __init__(self, folder: Path, threads: int, max_seq_length: int) -> None:
            super().__init__(preferred_providers=["CPUExecutionProvider"])
            self.DOWNLOAD_PATH = folder.parent
            self.EXTRACTED_FOLDER_NAME = folder.name
            self._threads = threads
            self._max_seq_length = max_seq_length

        def _download_model_if_not_exists(self) -> None:
            missing = [f for f in ("model.onnx", *TOKENIZER_FILES) if not (Path(self.DOWNLOAD_PATH) /
                                                                        self.EXTRACTED_FOLDER_NAME / f).exists()]
            if missing:  # never chromadb's download: the export is ours
                raise OnnxUnavailable(f"the ONNX export lacks {', '.join(missing)}")

        def max_tokens(self) -> int:
            return self._max_seq_length

        @cached_property
        def tokenizer(self) -> Any:
            tok = self.Tokenizer.from_file(str(Path(self.DOWNLOAD_PATH) / self.EXTRACTED_FOLDER_NAME / "tokenizer.json"))
            tok.enable_truncation(max_length=self._max_seq_length)
            tok.no_padding()
            return tok

        @cached_property
        def model(self) -> Any:
            self._download_model_if_not_exists()
            so = self.ort.SessionOptions()
            so.log_severity_level = 3
            so.intra_op_num_threads = self._threads
            so.inter_op_num_threads = 1
            so.graph_optimization_level = self.ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            return self.ort.InferenceSession(str(Path(self.DOWNLOAD_PATH) / self.EXTRACTED_FOLDER_NAME / "model.onnx"),
                                             providers=["CPUExecutionProvider"], sess_options=so)

    return _Local


# -- export (setup time: torch and the onnx package) ------------------------------------------------

def export(source: Path, dest: Path, model_name: str) -> Path:
    """Export the sentence-transformers model at `source` to ONNX in `dest`, atomically: everything is
    written and checked in a temporary sibling folder that is then renamed, so a reader sees a complete
    export or none. Another process's finished export is kept. Raises OnnxUnavailable on any failure."""
    dest = Path(dest)
    if (dest / MANIFEST).exists():
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.parent / f".{dest.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        tmp.mkdir()
        model = _load_eager(source)
        _write_onnx(model, tmp / "model.onnx")
        for name in TOKENIZER_FILES:
            shutil.copy2(source / name, tmp / name)
        (tmp / MANIFEST).write_text(json.dumps({"format": EXPORT_FORMAT, "model": model_name, "source": str(source),
                                                "source_key": source_key(source),
                                                "max_seq_length": int(model.max_seq_length or 256)}))
        worst = _check(model, tmp)
        if worst < MIN_COSINE:
            raise OnnxUnavailable(f"the ONNX export differs from sentence-transformers (cosine {worst:.6f} < {MIN_COSINE})")
        try:
            os.rename(tmp, dest)
        except OSError:
            if not (dest / MANIFEST).exists():  # not a concurrent export that finished first
                raise
    except OnnxUnavailable:
        raise
    except Exception as e:  # noqa: BLE001 - torch's exporter raises many types; the caller gets one line
        raise OnnxUnavailable(f"cannot export {model_name} to ONNX: {type(e).__name__}: {e}") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest


def _load_eager(source: Path) -> SentenceTransformer:
    """The model with eager attention: the SDPA path of transformers traces its mask handling as
    constants of the example input, the eager one keeps the attention mask an input."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    from sentence_transformers import SentenceTransformer

    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # "Loading weights" bars would break `agent rag build --json`'s output
    except ImportError:
        pass

    return SentenceTransformer(str(source), device="cpu", local_files_only=True,
                               model_kwargs={"attn_implementation": "eager"})


def _write_onnx(model: SentenceTransformer, path: Path) -> None:
    import warnings

    import torch

    class Encoder(torch.nn.Module):
        """The transformer's token states (chromadb's pipeline pools them); keyword arguments because
        BertModel.forward's positional order changed between transformers releases."""

        def __init__(self, bert: torch.nn.Module) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=token_type_ids).last_hidden_state

    encoder = Encoder(model[0].auto_model).eval()  # type: ignore[arg-type]  # a BertModel (torch.nn.Module)
    # two texts, one padded: the traced graph must not take the mask for all ones
    ids = torch.tensor([[101, 2000, 2001, 2002, 102], [101, 2003, 102, 0, 0]])
    names = ["input_ids", "attention_mask", "token_type_ids"]
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tracer's warnings are about Python constants that are constant here
        torch.onnx.export(encoder, (ids, (ids != 0).long(), torch.zeros_like(ids)), str(path),
                          input_names=names, output_names=["last_hidden_state"],
                          dynamic_axes={n: {0: "batch", 1: "seq"} for n in [*names, "last_hidden_state"]},
                          opset_version=14, dynamo=False)


def _check(model: SentenceTransformer, folder: Path) -> float:
    """The lowest cosine between the export's and sentence-transformers' vectors on CHECK_TEXTS."""
    import numpy as np

    ref = model.encode(list(CHECK_TEXTS), normalize_embeddings=True, show_progress_bar=False)
    got = LocalMiniLM(folder).embed(list(CHECK_TEXTS))
    return float(np.min(np.sum(ref * got, axis=1)))
