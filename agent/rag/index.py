"""The persistent vector index: one chromadb collection per (profile, content hash).

The collection name carries the hash of every note's content plus the generator and model
versions, so editing a note or switching Chisel version makes a new collection and the stale ones
of that profile are dropped. Embeddings are computed by us and passed in, so chromadb never loads
(or downloads) an embedding function of its own.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from agent.rag.embedder import MODEL_NAME
from agent.rag.notes import NoteDoc
from agent.rag.scaladoc import GENERATOR_VERSION

if TYPE_CHECKING:
    from chromadb.api import ClientAPI

INDEX_FORMAT = "1"


def content_hash(notes: list[NoteDoc]) -> str:
    h = hashlib.sha256(f"{INDEX_FORMAT}|{GENERATOR_VERSION}|{MODEL_NAME}".encode())
    for n in sorted(notes, key=lambda n: n.id):
        h.update(json.dumps(n.model_dump(), sort_keys=True).encode())
    return h.hexdigest()[:20]


def text_hash(note: NoteDoc) -> str:
    return hashlib.sha256(f"{MODEL_NAME}|{embed_text(note)}".encode()).hexdigest()[:24]


def collection_name(profile: str, digest: str) -> str:
    return f"notes-{profile}-{digest}"


def embed_text(note: NoteDoc) -> str:
    """What the dense model sees: title and keys first (MiniLM truncates long inputs), then the body."""
    return f"{note.title}. {' '.join(note.keys)}\n{note.text}"


class VectorIndex:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._client: ClientAPI | None = None

    @property
    def client(self) -> ClientAPI:
        if self._client is None:
            import chromadb
            from chromadb.config import Settings

            self.root.mkdir(parents=True, exist_ok=True)
            self._client = chromadb.PersistentClient(
                path=str(self.root), settings=Settings(anonymized_telemetry=False, allow_reset=False)
            )
        return self._client

    @contextmanager
    def lock(self):
        """Serialise builds between processes (parallel agent runs share one cache)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".build.lock", "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def names(self) -> list[str]:
        return [c if isinstance(c, str) else c.name for c in self.client.list_collections()]

    def complete(self, name: str, expected: int) -> bool:
        """The collection exists and holds every note (a crash mid-build leaves it short)."""
        if name not in self.names():
            return False
        return self.client.get_collection(name, embedding_function=None).count() == expected

    def write(self, name: str, notes: list[NoteDoc], vectors: list[list[float]]) -> None:
        if name in self.names():
            self.client.delete_collection(name)
        col = self.client.create_collection(name, embedding_function=None, metadata={"hnsw:space": "cosine"})
        embeddings: list[Sequence[float] | Sequence[int]] = list(vectors)  # the element type chromadb declares
        col.add(ids=[n.id for n in notes], embeddings=embeddings,
                metadatas=[{"kind": n.kind, "text_hash": text_hash(n)} for n in notes])

    def known_vectors(self, profile: str, prefix: str = "notes") -> dict[str, list[float]]:
        """Vectors already computed for this profile, by text hash: a rebuild after editing one note
        embeds only that note. `prefix`: the collection family (notes, or the example bank's)."""
        known: dict[str, list[float]] = {}
        for c in self.names():
            if not c.startswith(f"{prefix}-{profile}-"):
                continue
            got = self.client.get_collection(c, embedding_function=None).get(include=["embeddings", "metadatas"])
            for meta, vec in zip(got["metadatas"] or [], got["embeddings"] if got["embeddings"] is not None else []):
                if meta and isinstance(h := meta.get("text_hash"), str) and h:
                    known[h] = [float(x) for x in vec]
        return known

    def drop_stale(self, profile: str, keep: str, prefix: str = "notes") -> list[str]:
        dropped = [c for c in self.names() if c.startswith(f"{prefix}-{profile}-") and c != keep]
        for c in dropped:
            self.client.delete_collection(c)
        return dropped

    def load(self, name: str):
        """(ids, unit vectors as a float32 matrix) of a collection. With ~120 notes an exact dot product
        in memory takes microseconds, where an ANN query through chromadb costs milliseconds per call."""
        import numpy as np

        got = self.client.get_collection(name, embedding_function=None).get(include=["embeddings"])
        return list(got["ids"]), np.asarray(got["embeddings"], dtype=np.float32)
