"""Hybrid retrieval of Chisel notes for generation and repair prompts.

score = cosine similarity (MiniLM, chromadb) + exact-match boosts (agent.rag.lexical). The index is
built on first use and rebuilt whenever the notes, the profile's sources jar or the generator change.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Literal

from pydantic import BaseModel, Field

from agent.rag.embedder import Embedder
from agent.rag.index import VectorIndex, collection_name, content_hash, embed_text, text_hash
from agent.rag.lexical import LexicalScorer
from agent.rag.notes import Note, NoteDoc, default_notes_dir, load_notes
from agent.rag.scaladoc import generate_notes
from agent.rag.spec_text import is_combinational, is_sequential_note, mask_negated

if TYPE_CHECKING:
    import numpy as np

    from agent.rag.bank import ExampleBank

log = logging.getLogger("agent.rag")
CHARS_PER_TOKEN = 4
MIN_TRUNCATED_CHARS = 400  # below this a cut note is more noise than help
DIAG_CHARS = 600  # diagnostics beyond this are repeats; the first errors matter
QUERY_CACHE = 512  # query texts whose vectors are kept (the same spec is retrieved for every sample)
# A note scoring below this is not put into a prompt at all. Calibrated on the labelled set
# (tests/data/rag_queries.yaml: the lowest-scoring expected hit is 0.79) and the 37 eval_set_v2
# instructions (the highest unrelated note is 0.63, Mux1H for a 2-to-1 mux, on cosine alone);
# see docs/rag.md "Score floor".
MIN_SCORE = 0.7
Progress = Callable[[str, int, int], None]


class BuildStats(BaseModel):
    profile: str
    collection: str
    notes: int  # hand-written
    generated: int  # from the sources jar
    reused: bool  # the index was already built for this content
    embedded: int = 0  # notes embedded by this build (the rest were reused from an older index)
    sources_jar: str | None = None
    model_load_s: float = 0.0
    embed_s: float = 0.0
    index_s: float = 0.0
    total_s: float = 0.0
    dropped: list[str] = Field(default_factory=list)  # stale collections removed
    warnings: list[str] = Field(default_factory=list)


def _categories() -> list[str]:
    from reflect_env.result import Category

    return [c.value for c in Category]


class Retriever:
    def __init__(
        self,
        profile: str = "chisel7",
        *,
        cache_dir: Path | None = None,
        token_budget: int = 1200,
        min_score: float = MIN_SCORE,
        notes_dir: Path | None = None,
        sources_jar: Path | Literal[False] | None = None,
        embedder: Embedder | None = None,
        read_spec: bool = True,
    ) -> None:
        from reflect_env.toolchain import cache_dir as default_cache_dir, get_profile, toolchain

        self.profile = get_profile(profile)  # ValueError names the valid profiles
        self.cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
        if token_budget <= 0:
            raise ValueError("token_budget must be positive")
        self.token_budget = token_budget
        self.min_score = min_score
        # Negation scope and "purely combinational" (agent.rag.spec_text); False is the old word
        # matching, kept for the before/after numbers of `agent bench rag --no-read-spec`.
        self.read_spec = read_spec
        self.notes_dir = Path(notes_dir) if notes_dir else default_notes_dir()
        # None: the profile's own jar; False: hand-written notes only
        self.sources_jar = toolchain(self.profile).sources_jar if sources_jar is None else sources_jar
        self.embedder = embedder or Embedder(self.cache_dir)
        self.index = VectorIndex(self.cache_dir / "rag")
        self._docs: dict[str, NoteDoc] | None = None
        self._warnings: list[str] = []
        self._collection: str | None = None
        self._lexical: LexicalScorer | None = None
        self._build_lock = threading.Lock()  # the search loop calls retrieve() from several threads
        self._ids: list[str] = []
        self._matrix: np.ndarray | None = None  # numpy (notes x dim), rows aligned with _ids
        self._qcache: OrderedDict[str, object] = OrderedDict()
        self._qcache_lock = threading.Lock()
        self._bank: ExampleBank | None = None  # the example bank, opened on first use

    # -- corpus ---------------------------------------------------------------------------------

    def documents(self) -> list[NoteDoc]:
        """Hand-written notes plus the generated API notes (when the sources jar is there)."""
        if self._docs is None:
            docs = load_notes(self.notes_dir)
            self._warnings = []
            jar = self.sources_jar
            if jar is False:
                pass
            elif not Path(jar).exists():
                msg = (f"Chisel sources jar not found ({jar}); generated API notes skipped "
                       f"(run: agent setup --profile {self.profile.name})")
                log.warning(msg)
                self._warnings.append(msg)
            else:
                docs += generate_notes(Path(jar), self.profile.chisel)
            self._docs = {d.id: d for d in docs}  # ids are unique: hand-written ids never start with gen:
            self._lexical = LexicalScorer(list(self._docs.values()), _categories())
        return list(self._docs.values())

    # -- index ----------------------------------------------------------------------------------

    def build(self, force: bool = False, progress: Progress | None = None) -> BuildStats:
        t0 = time.perf_counter()
        docs = self.documents()
        name = collection_name(self.profile.name, content_hash(docs))
        generated = sum(1 for d in docs if d.source.startswith("generated:"))
        stats = BuildStats(
            profile=self.profile.name, collection=name, notes=len(docs) - generated, generated=generated,
            reused=False, sources_jar=str(self.sources_jar) if generated else None, warnings=list(self._warnings),
        )
        with self.index.lock():
            if not force and self.index.complete(name, len(docs)):
                stats.reused = True
            else:
                known = {} if force else self.index.known_vectors(self.profile.name)
                todo = [d for d in docs if text_hash(d) not in known]
                t = time.perf_counter()
                if todo and not self.embedder.loaded:
                    if progress:
                        progress("loading embedding model", 0, len(todo))
                    self.embedder.load()
                stats.model_load_s = round(time.perf_counter() - t, 3)
                t = time.perf_counter()
                step = 16
                for i in range(0, len(todo), step):
                    batch = todo[i : i + step]
                    for d, v in zip(batch, self.embedder.embed([embed_text(d) for d in batch])):
                        known[text_hash(d)] = v
                    if progress:
                        progress("embedding notes", min(i + step, len(todo)), len(todo))
                stats.embedded = len(todo)
                stats.embed_s = round(time.perf_counter() - t, 3)
                if todo and (why := self.embedder.export_if_missing()):  # torch is loaded: export it now
                    stats.warnings.append(f"the embedding model's ONNX export was not made ({why}); "
                                          "queries load sentence-transformers")
                t = time.perf_counter()
                self.index.write(name, docs, [known[text_hash(d)] for d in docs])
                stats.index_s = round(time.perf_counter() - t, 3)
            stats.dropped = self.index.drop_stale(self.profile.name, keep=name)
        self._ids, self._matrix = self.index.load(name)
        self._collection = name
        stats.total_s = round(time.perf_counter() - t0, 3)
        return stats

    # -- query ----------------------------------------------------------------------------------

    def retrieve(self, query: str, *, code: str | None = None, diagnostics: str | None = None, k: int = 4) -> list[Note]:
        """The k best notes for a spec (generation) or a spec + code + diagnostics (repair) that score at
        least min_score, within the token budget. Builds the index on first use."""
        if k <= 0:
            return []
        return self.select(self.scored(query, code=code, diagnostics=diagnostics), k)

    def select(self, ranked: list[tuple[float, float, NoteDoc]], k: int) -> list[Note]:
        """retrieve() on notes already scored (`scored()`): those at least min_score, the k best that
        fit the token budget. For a caller that also reads the ranking, so the query is scored once."""
        return self._fit([(s, d) for s, _, d in ranked if s >= self.min_score], k)

    def scored(self, query: str, *, code: str | None = None, diagnostics: str | None = None
               ) -> list[tuple[float, float, NoteDoc]]:
        """Every eligible note as (score, dense similarity, note), best first, before the floor.

        Eligible: error guides only in repair mode (code or diagnostics given): before any error
        exists they answer nothing, and a spec that says "name" or "simulation" must not pull them
        in. Generated API notes only with exact-match evidence (their name in the spec, code or
        errors): a signature page is close in embedding space to almost any spec (cosine 0.3-0.5
        for a pass-through), so a dense score alone says nothing about it."""
        if self._collection is None:
            with self._build_lock:
                if self._collection is None:
                    self.build()
        docs = self._docs
        assert docs is not None and self._lexical is not None and self._matrix is not None
        repair = bool(code) or bool((diagnostics or "").strip())
        diag = (diagnostics or "").strip()[:DIAG_CHARS]
        if diag and diag[:200] in query:
            diag = ""  # the search loop puts the messages into the query already: one embedding suffices
        asked = query
        if self.read_spec and not repair:
            # a spec is embedded as what it asks for: "no clock-dependent state" is not about state
            asked = " ".join(mask_negated(query).split())
        texts = [t for t in (asked.strip(), diag) if t]
        if not texts:
            return []
        sims = (self._query_vectors(texts) @ self._matrix.T).max(axis=0)  # cosine: vectors are unit length
        dense = dict(zip(self._ids, sims.tolist()))
        ev = self._lexical.evidence(query, code, diagnostics, read_spec=self.read_spec)
        combinational = self.read_spec and is_combinational(query)
        out = []
        for d in docs.values():
            if d.kind == "error" and not repair:
                continue
            if combinational and is_sequential_note(d.id):
                continue  # a spec that says it has no state gets no notes about state
            lex = self._lexical.score(d, ev)
            if d.source.startswith("generated:") and lex <= 0.0:
                continue
            sim = dense.get(d.id, 0.0)
            out.append((sim + lex, sim, d))
        return sorted(out, key=lambda x: (-x[0], x[2].id))

    def _query_vectors(self, texts: list[str]):
        import numpy as np

        with self._qcache_lock:
            missing = [t for t in texts if t not in self._qcache]
        fresh = dict(zip(missing, self.embedder.embed(missing))) if missing else {}
        with self._qcache_lock:
            self._qcache.update(fresh)
            for t in texts:
                self._qcache.move_to_end(t)
            rows = [self._qcache[t] for t in texts]
            while len(self._qcache) > QUERY_CACHE:
                self._qcache.popitem(last=False)
        return np.asarray(rows, dtype=np.float32)

    def example_bank(self):
        """The verified example bank beside this index (agent.rag.bank), sharing its embedding model."""
        if self._bank is None:
            from agent.rag.bank import ExampleBank

            self._bank = ExampleBank(self.profile.name, cache_dir=self.cache_dir, notes_dir=self.notes_dir,
                                     embedder=self.embedder, query_vectors=self._query_vectors)
        return self._bank

    def examples(self, spec: str, m: int, *, exclude_top: str | None = None, twins: bool = False):
        """Up to m worked examples of other specs for `spec` (ExampleHit); `twins` for a user's own
        spec only (agent.rag.bank). Raises FileNotFoundError when the bank was never built (`agent rag build`)."""
        return self.example_bank().retrieve(spec, m, exclude_top=exclude_top, twins=twins)

    def clear_query_cache(self) -> None:
        """Forget cached query vectors (the benchmark times uncached queries)."""
        with self._qcache_lock:
            self._qcache.clear()

    def _fit(self, scored: list[tuple[float, NoteDoc]], k: int) -> list[Note]:
        """Top-k, one note per id, within token_budget (about 4 characters a token)."""
        left = self.token_budget * CHARS_PER_TOKEN
        out: list[Note] = []
        seen: set[str] = set()
        for score, d in scored:
            if len(out) == k:
                break
            if d.id in seen:
                continue
            seen.add(d.id)
            text = d.text
            if len(text) > left:
                if out and left < MIN_TRUNCATED_CHARS:
                    break
                text = _truncate(text, left)
            out.append(Note(id=d.id, title=d.title, text=text, score=round(score, 4), source=d.source, kind=d.kind))
            left -= len(text)
            if left <= 0:
                break
        return out


def _truncate(text: str, limit: int) -> str:
    marker = "\n[...]"
    cut = text[: max(limit - len(marker), 0)]
    if "\n" in cut[len(cut) // 2 :]:
        cut = cut[: cut.rfind("\n")]  # end on a whole line
    return cut + marker


def format_hits_for_trace(notes: list[Note]) -> list[dict]:
    """What a search trace records about the notes a prompt used."""
    return [{"id": n.id, "title": n.title, "score": n.score, "source": n.source} for n in notes]
