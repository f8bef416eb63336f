"""Keep benchmark problems out of the example bank, and say how close the bank comes to each benchmark.

A problem (or a near duplicate of one) in the bank would be retrieved as a worked example of itself.
Similarity is measured three ways and the largest counts:
* spec: cosine similarity of the MiniLM embeddings of the two specs (the retriever's own model);
* code: Jaccard similarity of the 4-gram sets of the two codes' tokens, with every declared name
  renamed in order (baselines.datagen.normalize), so a renamed copy scores 1.0;
* structure: the same circuit with other names and widths (`structure_tokens`: names alpha-renamed,
  every number one placeholder, imports and comments dropped, Bool written as a 1-bit UInt),
  compared as 4-gram sets weighted by rarity (`StructureModel`): the module boilerplate every
  Chisel file has weighs nothing, so a shared idiom in a small module does not make a match. It
  caught what the code measure missed: the hand-written `Add6Carry` is the own benchmark's
  `AddCarry8` with ports renamed and 6-bit words (code 0.56, structure 1.0).
Only Chisel references count for code and structure (a VerilogEval reference is Verilog: its spec
alone is compared).

An example at or above `SPEC_LIMIT` / `CODE_LIMIT` / `STRUCT_LIMIT` to any problem of a known
benchmark is excluded when the bank is built. The data engine's templates descend from the same generator as
eval_set_v2, so the excluded set is mostly engine draws near eval_set_v2; numbers on eval_set_v2 with
the bank still carry that caveat (docs/examples.md).
"""
from __future__ import annotations

import math
import os
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from agent.rag.embedder import Embedder
    from agent.rag.examples import Example

SPEC_LIMIT = 0.85  # MiniLM cosine of two specs: at this level they ask for the same circuit
CODE_LIMIT = 0.8  # renamed-token 4-gram Jaccard: the same code up to names and a line or two
STRUCT_LIMIT = 0.7  # weighted structural Jaccard; chosen by measurement (docs/examples.md, "Contamination")
NGRAM = 4


@dataclass
class Problem:
    benchmark: str
    id: str
    spec: str
    code: str | None  # a Chisel reference, when the benchmark has one


def known_benchmarks() -> list[str]:
    """Every benchmark the bank must stay clear of that is present here: the own benchmark and
    verilogeval_mini (in the repo), eval_set_v2 (seed data) and VerilogEval v2 when a path to its
    spec-to-rtl directory is given in CHISEL_AGENT_VERILOGEVAL."""
    from agent.eval.benchmarks import BENCHMARKS_DIR, seed_data_dir

    out = [str(BENCHMARKS_DIR / "own"), str(BENCHMARKS_DIR / "verilogeval_mini")]
    seed = seed_data_dir() / "eval_set_v2.jsonl"
    if seed.is_file():
        out.append(str(seed))
    ve = os.environ.get("CHISEL_AGENT_VERILOGEVAL")
    if ve and Path(ve).is_dir():
        out.append(ve)
    return out


def load_problems(benchmark: str) -> list[Problem]:
    from agent.eval.benchmarks import load_benchmark

    bench = load_benchmark(benchmark)
    out = []
    for t in bench.tasks:
        # eval_set_v2 keeps a reference it does not simulate in meta; VerilogEval's is Verilog
        ref = t.reference if isinstance(t.reference, str) else t.meta.get("reference_code")
        ref = ref if isinstance(ref, str) and "class " in ref else None
        # VerilogEval's spec carries our fixed Chisel instructions: the problem is its own prompt
        spec = t.meta.get("prompt") or t.spec
        out.append(Problem(bench.name, t.id, spec, ref))
    return out


def code_grams(code: str) -> frozenset[tuple[str, ...]]:
    from baselines.datagen.normalize import _renamed, tokens

    toks = _renamed(tokens(code), code)
    return frozenset(tuple(toks[i:i + NGRAM]) for i in range(max(0, len(toks) - NGRAM + 1)))


def jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


# -- structure: the same circuit up to names and widths ---------------------------------------------

_HEADER = re.compile(r"^[ \t]*(?:import|package)\b[^\n]*", re.M)  # which imports a file has is no structure
_NAME = r"[A-Za-z_]\w*"
# Where Scala code introduces a name of its own; every other identifier (keywords, Chisel and Scala
# API: Module, UInt, RegInit, Mux, asUInt, until, ...) comes from outside the file and is kept.
_BINDERS = [
    re.compile(rf"\bclass\s+({_NAME})"),
    re.compile(rf"\b(?:val|var|def|object|type|trait)\s+({_NAME})"),
    re.compile(rf"\b(?:val|var)\s+{_NAME}((?:\s*,\s*{_NAME})+)\s*="),  # val sIdle, sRun = Value
    re.compile(rf"\b({_NAME})\s*:\s*[A-Za-z_]"),  # parameters: (n: Int, gen: UInt)
    re.compile(rf"\b({_NAME})\s*::"),  # val sA :: sB :: Nil = Enum(2)
    re.compile(rf"\b({_NAME})\s*<-"),  # for (i <- 0 until n)
    re.compile(rf"\b({_NAME})\s*=>"),  # x => ..., case x =>
    re.compile(r"\(([\w\s,]+)\)\s*=>"),  # (a, b) => ...
]
_NOT_BOUND = {"Nil", "_", "case", "val", "var", "true", "false"}
_NUMBERISH = re.compile(r"^\d")
# A Bool is a 1-bit UInt and the casts between them are no hardware: `Input(Bool())` and
# `Input(UInt(1.W))`, `x.asUInt` and `x` are the same structure.
_BOOL_TYPE = ["Bool", "(", ")"]
_UINT1_TYPE = ["UInt", "(", "N", ".", "W", ")"]
_CASTS = {"asUInt", "asBool"}


def bound_names(code: str) -> set[str]:
    """The names the code itself introduces (class, vals, ports, parameters, loop and lambda binders)."""
    names = set()
    for pattern in _BINDERS:
        for m in pattern.finditer(code):
            names.update(re.findall(_NAME, m.group(1)))
    return names - _NOT_BOUND


def structure_tokens(code: str) -> list[str]:
    """The code as a token stream with its names and numbers abstracted: comments, whitespace, `;`
    and imports dropped; every name the code introduces becomes `v0, v1, ...` in order of first
    occurrence (alpha-renaming: two codes that differ only in names give the same stream); every
    number and string literal (`8`, `"hFF"`) becomes `N` (widths and constants do not count);
    `Bool()` is written `UInt(N.W)`, `true.B`/`false.B` `N.U`, and `.asUInt`/`.asBool` are dropped.
    Keywords and API names stay: they are the structure."""
    from baselines.datagen.normalize import strip_comments, tokens

    text = _HEADER.sub(" ", strip_comments(code))
    bound = bound_names(text)
    raw = tokens(text)
    out: list[str] = []
    names: dict[str, str] = {}
    i = 0
    while i < len(raw):
        tok = raw[i]
        if raw[i:i + 3] == _BOOL_TYPE:
            out += _UINT1_TYPE
            i += 3
            continue
        if tok == "." and i + 1 < len(raw) and raw[i + 1] in _CASTS:
            i += 2 + (raw[i + 2:i + 4] == ["(", ")"]) * 2  # `.asUInt` or `.asUInt()`
            continue
        if tok in ("true", "false") and raw[i + 1:i + 3] == [".", "B"]:
            out += ["N", ".", "U"]
            i += 3
            continue
        if tok == ";":  # a statement separator, as a line break is: layout
            i += 1
            continue
        if tok in bound:
            tok = names.setdefault(tok, f"v{len(names)}")
        elif _NUMBERISH.match(tok) or tok.startswith('"'):
            tok = "N"
        out.append(tok)
        i += 1
    return out


def structure_grams(code: str) -> frozenset[tuple[str, ...]]:
    toks = structure_tokens(code)
    return frozenset(tuple(toks[i:i + NGRAM]) for i in range(max(0, len(toks) - NGRAM + 1)))


class StructureModel:
    """Weighted Jaccard of structural 4-gram sets: sum of the shared grams' weights over the sum of
    all grams' weights. A gram weighs its inverse document frequency, log((n + 1) / (df + 1)), in a
    fixed reference corpus of Chisel (`reference_corpus`): `class v0 extends Module {`, `val v1 =
    IO(new Bundle {` and the like are in every module and weigh ~0, so two small modules that share
    only boilerplate and one operator do not look alike (unweighted, a pass-through and a constant
    shift scored 0.89), while a gram two codes share and few others have counts fully."""

    def __init__(self, corpus: list[str]) -> None:
        self.n = len(corpus)
        self.df: Counter = Counter(g for code in corpus for g in structure_grams(code))

    def weight(self, gram: tuple[str, ...]) -> float:
        return math.log((self.n + 1) / (self.df.get(gram, 0) + 1))

    def similarity(self, a: frozenset, b: frozenset) -> float:
        union = sum(self.weight(g) for g in a | b)
        return sum(self.weight(g) for g in a & b) / union if union > 0 else 0.0


@lru_cache(maxsize=1)
def reference_corpus() -> tuple[str, ...]:
    """What `StructureModel` weighs grams against: the bank's candidate examples (hand-written and
    one draw per data-engine template) and the own benchmark's references, all in the repository,
    so the weights do not depend on which benchmark is being checked or which seed data is present."""
    from agent.rag.examples import engine_examples, load_hand_examples

    engine, _ = engine_examples()
    codes = [e.code for e in load_hand_examples()] + [e.code for e in engine]
    codes += [p.code for p in load_problems("own") if p.code]
    return tuple(codes)


@lru_cache(maxsize=1)
def structure_model() -> StructureModel:
    return StructureModel(list(reference_corpus()))


@dataclass
class Nearest:
    problem: Problem
    example_id: str
    spec_sim: float
    code_sim: float
    struct_sim: float = 0.0
    # the structurally nearest example (not always the nearest by the largest measure) and its similarity
    struct_example: str = ""
    struct_best: float = 0.0

    @property
    def similarity(self) -> float:
        return max(self.spec_sim, self.code_sim, self.struct_sim)

    @property
    def contaminated(self) -> bool:
        return over_limit(self.spec_sim, self.code_sim, self.struct_sim)


def over_limit(spec: float, code: float, struct: float) -> bool:
    """The one rule, for the build's exclusion and the report alike."""
    return spec >= SPEC_LIMIT or code >= CODE_LIMIT or struct >= STRUCT_LIMIT


@dataclass
class Similarities:
    """Each a (problems x examples) matrix."""
    spec: np.ndarray
    code: np.ndarray
    struct: np.ndarray

    def best(self) -> np.ndarray:
        import numpy as np

        return np.maximum(np.maximum(self.spec, self.code), self.struct)

    def bad(self) -> np.ndarray:
        return (self.spec >= SPEC_LIMIT) | (self.code >= CODE_LIMIT) | (self.struct >= STRUCT_LIMIT)

    def at(self, i: int, j: int) -> tuple[float, float, float]:
        return (round(float(self.spec[i, j]), 4), round(float(self.code[i, j]), 4),
                round(float(self.struct[i, j]), 4))


def similarities(examples: list[Example], problems: list[Problem], embedder: Embedder,
                 example_vectors: np.ndarray | None = None) -> Similarities:
    """Spec cosine, code Jaccard and structural similarity of every (problem, example) pair."""
    import numpy as np

    ev = example_vectors if example_vectors is not None else np.asarray(
        embedder.embed([e.spec for e in examples]), dtype=np.float32)
    pv = np.asarray(embedder.embed([p.spec for p in problems]), dtype=np.float32) if problems else \
        np.zeros((0, ev.shape[1]), dtype=np.float32)
    spec = pv @ ev.T
    code, struct = np.zeros_like(spec), np.zeros_like(spec)
    grams = [code_grams(e.code) for e in examples]
    shapes = [structure_grams(e.code) for e in examples]
    model = structure_model()
    for i, p in enumerate(problems):
        if p.code:
            pg, ps = code_grams(p.code), structure_grams(p.code)
            for j in range(len(examples)):
                code[i, j] = jaccard(pg, grams[j])
                struct[i, j] = model.similarity(ps, shapes[j])
    return Similarities(spec, code, struct)


def nearest(examples: list[Example], problems: list[Problem], embedder: Embedder) -> list[Nearest]:
    """For each problem, the bank example most similar to it (by the largest of the three measures)."""
    if not examples:
        return []
    sims = similarities(examples, problems, embedder)
    best = sims.best()
    out = []
    for i, p in enumerate(problems):
        j, k = int(best[i].argmax()), int(sims.struct[i].argmax())
        out.append(Nearest(p, examples[j].id, *sims.at(i, j), struct_example=examples[k].id,
                           struct_best=round(float(sims.struct[i, k]), 4)))
    return out


def excluded(examples: list[Example], problems: list[Problem], embedder: Embedder
             ) -> dict[str, tuple[Problem, float, float, float]]:
    """example id -> (the problem it is too close to, spec sim, code sim, structural sim), for every
    example at or above a limit to some problem."""
    import numpy as np

    if not examples or not problems:
        return {}
    sims = similarities(examples, problems, embedder)
    best, bad = sims.best(), sims.bad()
    out: dict[str, tuple[Problem, float, float, float]] = {}
    for j, e in enumerate(examples):
        rows = np.nonzero(bad[:, j])[0]
        if len(rows):
            i = int(max(rows, key=lambda r: best[r, j]))
            out[e.id] = (problems[i], *sims.at(i, j))
    return out
