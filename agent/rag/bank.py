"""The example bank's index and its retrieval per spec (issue 22).

Build (`agent rag build`): hand-written examples + one draw per data-engine template, verified on
the real toolchain (agent.rag.examples). Those too close to a known benchmark problem
(agent.rag.contamination) are marked as its twins: a benchmark task is never shown one (the bank it
sees is the verified examples minus the twins), while a user's own spec (`agent solve`) sees every
verified example. Dropping the twins outright cost the README adder its two wrapping adders
(`ex-comb-add3`, `gen-l2_adder`): the nearest left was a saturating adder, and 5 of 5 seeds copied it
(session 8). What is verified goes into a second chromadb collection beside the notes,
`examples-<profile>-<hash>`, plus a manifest JSON next to it with each example's spec and code, the
twins and the build's counts, so an agent run opens the bank without verifying anything.

Retrieval: score = cosine(spec as it asks, example spec) + exact-match boosts on the example's keys
(agent.rag.lexical, as for notes, on the spec with its negated clauses blanked). A spec that says
it has no state gets only combinational examples. The task's own top name is never shown (no
example of a problem is a worked example for it).
"""
from __future__ import annotations

import hashlib
import json
import logging
import random
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from pydantic import BaseModel, Field

from agent.rag.embedder import MODEL_NAME, Embedder
from agent.rag.examples import Example, Verify, VerdictCache, engine_examples, load_hand_examples, verify_examples
from agent.rag.examples import embed_text as example_text
from agent.rag.index import VectorIndex
from agent.rag.notes import NoteDoc, default_notes_dir
from agent.rag.spec_text import is_combinational, mask_negated

if TYPE_CHECKING:
    import numpy as np

    from agent.rag.lexical import LexicalScorer

log = logging.getLogger("agent.rag")
BANK_FORMAT = "1"
PREFIX = "examples"
# An example below this score is not shown: a worked example of an unrelated circuit teaches the
# answer format (what the fixed example already does) and invites copying the wrong structure.
MIN_SCORE = 0.35
Progress = Callable[[str, int, int], None]


class BankStats(BaseModel):
    profile: str
    collection: str | None = None
    hand_written: int = 0
    engine: int = 0  # one per data-engine template
    verified: int = 0  # passed compile + elaborate + firtool (and simulation where simulated)
    simulated: int = 0  # of those, checked against a second implementation
    failed: list[dict] = Field(default_factory=list)  # {id, category, error}
    # twins of a benchmark problem, never shown to a benchmark task: {id, benchmark, problem, spec_sim, code_sim, struct_sim}
    excluded: list[dict] = Field(default_factory=list)
    benchmarks: list[str] = Field(default_factory=list)  # checked against at build time
    kept: int = 0  # what a benchmark task may be shown: verified minus the twins
    indexed: int = 0  # in the index: every verified example (a user's own spec may be shown a twin)
    combinational: int = 0
    reused: bool = False
    verify_s: float = 0.0
    total_s: float = 0.0
    warnings: list[str] = Field(default_factory=list)


class ExampleHit(BaseModel):
    id: str
    title: str
    spec: str
    code: str
    score: float
    source: str


def _as_note(e: Example) -> NoteDoc:
    """An example as the notes machinery sees it (vectors, lexical keys); its text is its spec. Only
    API names (`SyncReadMem`, `RawModule`) and phrases ("state machine") are exact-match keys: a
    plain word like `reset` or `valid` is in half the specs, and at +0.5 it put the RawModule
    example first for any register "initialized on reset"; the dense score weighs such words."""
    keys = [k for k in e.keys if not k.islower() or " " in k]
    return NoteDoc(id=e.id, title=e.title, kind="example", keys=keys, text=e.spec, source=e.source)


def problem_text(spec: str) -> str:
    """What a spec's circuit is, for the dense score: a task whose spec is an instruction block plus
    `Specification:` (our VerilogEval adaptation puts the same Chisel port instructions before every
    problem) is embedded by the part after the last such header, else the instruction block decides
    which examples look alike (an FSM example ranked second for VerilogEval's popcount3)."""
    head, sep, tail = spec.rpartition("\nSpecification:\n")
    return tail if sep and tail.strip() and head.strip() else spec


def _vector_key(e: Example) -> str:
    return hashlib.sha256(f"{MODEL_NAME}|{example_text(e)}".encode()).hexdigest()[:24]


class ExampleBank:
    def __init__(self, profile: str = "chisel7", *, cache_dir: Path | None = None, notes_dir: Path | None = None,
                 embedder: Embedder | None = None, min_score: float = MIN_SCORE,
                 query_vectors: Callable[[list[str]], np.ndarray] | None = None) -> None:
        """query_vectors: how a query text becomes a vector (the notes retriever passes its cached
        one: the same masked spec is embedded once for notes and examples)."""
        from reflect_env.toolchain import cache_dir as default_cache_dir, get_profile

        self.profile = get_profile(profile)
        self.cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
        self.notes_dir = Path(notes_dir) if notes_dir else default_notes_dir()
        self.embedder = embedder or Embedder(self.cache_dir)
        self.min_score = min_score
        self._embed_query = query_vectors
        self.index = VectorIndex(self.cache_dir / "rag")
        self.manifest_path = self.cache_dir / "rag" / f"examples-{self.profile.name}.json"
        self._examples: dict[str, Example] = {}
        self._ids: list[str] = []
        self._matrix: np.ndarray | None = None
        self._lexical: LexicalScorer | None = None  # over what a benchmark task may see (no twins)
        self._lexical_all: LexicalScorer | None = None  # over every example (a user's spec)
        self._twins: dict[str, str] = {}  # example id -> "benchmark:problem" it is too close to
        self._lock = threading.Lock()
        self._opened = False
        self.stats: BankStats | None = None

    # -- build ----------------------------------------------------------------------------------

    def candidates(self) -> tuple[list[Example], list[str]]:
        hand = load_hand_examples(self.notes_dir)
        engine, missing = engine_examples()
        warnings = [f"data-engine templates never drawn: {', '.join(missing)}"] if missing else []
        return hand + engine, warnings

    def build(self, verify: Verify, *, benchmarks: list[str] | None = None, force: bool = False,
              progress: Progress | None = None) -> BankStats:
        """Verify (cached verdicts reused), mark the benchmarks' twins, index every verified example.
        `benchmarks`: paths or names to keep clear of (default: every known one present)."""
        from agent.rag.contamination import excluded, known_benchmarks, load_problems

        t0 = time.perf_counter()
        examples, warnings = self.candidates()
        stats = BankStats(profile=self.profile.name, warnings=warnings,
                          hand_written=sum(1 for e in examples if e.level == "hand"),
                          engine=sum(1 for e in examples if e.level != "hand"))
        cache = VerdictCache(self.cache_dir / "rag" / "examples-verdicts.json")
        if progress:
            progress("verifying examples", 0, len(examples))
        t = time.perf_counter()
        verdicts = verify_examples(examples, verify, cache, self.profile.name)
        stats.verify_s = round(time.perf_counter() - t, 3)
        good = []
        for e in examples:
            v = verdicts[e.id]
            if v.ok:
                good.append(e)
                stats.simulated += v.simulated
            else:
                stats.failed.append({"id": e.id, "category": v.category, "error": v.error})
        stats.verified = len(good)
        if progress:
            progress("checking against benchmarks", 0, 1)
        problems = []
        for b in (known_benchmarks() if benchmarks is None else benchmarks):
            try:
                problems += load_problems(b)
                stats.benchmarks.append(b)
            except (ValueError, OSError) as err:  # a missing benchmark must not stop the build
                stats.warnings.append(f"benchmark {b} not checked: {err}")
        if not self.embedder.loaded:
            self.embedder.load()
        bad = excluded(good, problems, self.embedder)
        for eid, (p, s, c, st) in sorted(bad.items()):
            stats.excluded.append({"id": eid, "benchmark": p.benchmark, "problem": p.id, "spec_sim": s, "code_sim": c,
                                   "struct_sim": st})
        twins = {eid: f"{p.benchmark}:{p.id}" for eid, (p, *_rest) in bad.items()}
        stats.kept = len(good) - len(bad)
        stats.indexed = len(good)
        stats.combinational = sum(1 for e in good if not e.sequential and e.id not in bad)
        digest = hashlib.sha256(f"{BANK_FORMAT}|{MODEL_NAME}".encode())
        for e in sorted(good, key=lambda e: e.id):
            digest.update(json.dumps(e.model_dump(), sort_keys=True).encode())
        digest.update(json.dumps(sorted(twins)).encode())
        name = f"{PREFIX}-{self.profile.name}-{digest.hexdigest()[:20]}"
        stats.collection = name
        docs = [_as_note(e) for e in good]
        with self.index.lock():
            if not force and self.index.complete(name, len(docs)) and self.manifest_path.exists():
                stats.reused = True
            else:
                known = {} if force else self.index.known_vectors(self.profile.name, prefix=PREFIX)
                todo = [e for e in good if _vector_key(e) not in known]
                for i in range(0, len(todo), 16):
                    batch = todo[i:i + 16]
                    for e, vec in zip(batch, self.embedder.embed([example_text(e) for e in batch])):
                        known[_vector_key(e)] = vec
                    if progress:
                        progress("embedding examples", min(i + 16, len(todo)), len(todo))
                self.index.write(name, docs, [known[_vector_key(e)] for e in good])
                self.index.drop_stale(self.profile.name, keep=name, prefix=PREFIX)
            stats.total_s = round(time.perf_counter() - t0, 3)
            self.manifest_path.write_text(json.dumps(
                {"collection": name, "stats": stats.model_dump(), "examples": [e.model_dump() for e in good],
                 "twins": twins}))
        self.stats = stats
        self._open()
        return stats

    # -- query ----------------------------------------------------------------------------------

    def available(self) -> bool:
        """The bank was built (by `agent rag build`) for this profile."""
        return self.manifest_path.exists()

    def _open(self) -> None:
        from agent.rag.lexical import LexicalScorer

        data = json.loads(self.manifest_path.read_text())
        self._examples = {e["id"]: Example(**e) for e in data["examples"]}
        self._twins = dict(data.get("twins") or {})
        self.stats = BankStats(**data["stats"])
        if data["collection"] not in self.index.names():
            raise FileNotFoundError(f"example bank collection {data['collection']} is missing (run: agent rag build)")
        self._ids, self._matrix = self.index.load(data["collection"])
        # two scorers: the exact-match weights depend on the corpus, and a benchmark task's scores must
        # not change with the twins it is never shown
        self._lexical = LexicalScorer([_as_note(e) for e in self._examples.values() if e.id not in self._twins], [])
        self._lexical_all = LexicalScorer([_as_note(e) for e in self._examples.values()], [])
        self._opened = True

    def _ensure_open(self) -> None:
        if not self._opened:
            with self._lock:
                if not self._opened:
                    if not self.available():
                        raise FileNotFoundError(f"example bank not built for {self.profile.name} (run: agent rag build)")
                    self._open()

    def examples(self, *, twins: bool = False) -> list[Example]:
        """What a benchmark task's prompt may be shown; with `twins`, what a user's own spec may be
        (every verified example, the benchmarks' twins included)."""
        self._ensure_open()
        return [e for e in self._examples.values() if twins or e.id not in self._twins]

    def twins(self) -> dict[str, str]:
        """example id -> the benchmark problem ("benchmark:id") it is a twin of."""
        self._ensure_open()
        return dict(self._twins)

    def scored(self, spec: str, *, exclude_top: str | None = None, twins: bool = False) -> list[tuple[float, Example]]:
        """Every eligible example as (score, example), best first. `twins`: a user's own spec, which
        may be shown a benchmark's twin (never a benchmark task)."""
        self._ensure_open()
        lexical = self._lexical_all if twins else self._lexical
        assert self._matrix is not None and lexical is not None
        import numpy as np

        asked = " ".join(mask_negated(problem_text(spec)).split())
        if not asked:
            return []
        qv = (self._embed_query([asked]) if self._embed_query is not None
              else np.asarray(self.embedder.embed([asked]), dtype=np.float32))[0]
        sims = dict(zip(self._ids, (self._matrix @ qv).tolist()))
        ev = lexical.evidence(spec, None, None)
        combinational = is_combinational(spec)
        out = []
        for e in self.examples(twins=twins):
            if exclude_top and e.top == exclude_top:
                continue
            if combinational and e.sequential:
                continue  # a spec that says it has no state is shown no state
            out.append((sims.get(e.id, 0.0) + lexical.score(_as_note(e), ev), e))
        return sorted(out, key=lambda x: (-x[0], x[1].id))

    def retrieve(self, spec: str, m: int = 2, *, exclude_top: str | None = None, twins: bool = False
                 ) -> list[ExampleHit]:
        """The m best examples scoring at least min_score (fewer, or none, is normal)."""
        if m <= 0:
            return []
        hits = [(s, e) for s, e in self.scored(spec, exclude_top=exclude_top, twins=twins)
                if s >= self.min_score][:m]
        return [ExampleHit(id=e.id, title=e.title, spec=e.spec, code=e.code, score=round(s, 4), source=e.source)
                for s, e in hits]


def sample_sets(hits: list[ExampleHit], k: int, m: int, mode: str, seed: int | None) -> list[list[ExampleHit]]:
    """The example set each of k samples sees (issue 22, diversity).

    `same`: every sample sees the m best, in order (one prompt, one request with n=k).
    `order`: the same m examples, in a different order per sample (sample 0 keeps the ranking).
    `sets`: sample i sees a different m-subset of the ranked pool (`hits`, up to 2m or more): a
    sliding window over the ranking, so sample 0 sees the m best and the others shift by one each."""
    if mode == "same" or k <= 1 or not hits:
        return [hits[:m]] * k
    rng = random.Random(seed if seed is not None else 0)
    out: list[list[ExampleHit]] = []
    if mode == "order":
        base = hits[:m]
        for i in range(k):
            chosen = list(base)
            if i:
                rng.shuffle(chosen)
            out.append(chosen)
        return out
    if mode == "sets":
        n = len(hits)
        for i in range(k):
            out.append([hits[(i + j) % n] for j in range(min(m, n))])
        return out
    raise ValueError(f"unknown example diversity mode {mode!r} (same, order, sets)")
