"""Keep benchmark problems out of the example bank, and say how close the bank comes to each benchmark.

A problem (or a near duplicate of one) in the bank would be retrieved as a worked example of itself.
Similarity is measured two ways and the larger counts:
* spec: cosine similarity of the MiniLM embeddings of the two specs (the retriever's own model);
* code: Jaccard similarity of the 4-gram sets of the two codes' tokens, with every declared name
  renamed in order (baselines.datagen.normalize), so a renamed copy scores 1.0. Only Chisel
  references count (a VerilogEval reference is Verilog: its spec alone is compared).

An example at or above `SPEC_LIMIT` / `CODE_LIMIT` to any problem of a known benchmark is excluded
when the bank is built. The data engine's templates descend from the same generator as
eval_set_v2, so the excluded set is mostly engine draws near eval_set_v2; numbers on eval_set_v2 with
the bank still carry that caveat (docs/examples.md).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from agent.rag.embedder import Embedder
    from agent.rag.examples import Example

SPEC_LIMIT = 0.85  # MiniLM cosine of two specs: at this level they ask for the same circuit
CODE_LIMIT = 0.8  # renamed-token 4-gram Jaccard: the same code up to names and a line or two
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


@dataclass
class Nearest:
    problem: Problem
    example_id: str
    spec_sim: float
    code_sim: float

    @property
    def similarity(self) -> float:
        return max(self.spec_sim, self.code_sim)

    @property
    def contaminated(self) -> bool:
        return self.spec_sim >= SPEC_LIMIT or self.code_sim >= CODE_LIMIT


def similarities(examples: list[Example], problems: list[Problem], embedder: Embedder,
                 example_vectors: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(spec cosine, code Jaccard), each a (problems x examples) matrix."""
    import numpy as np

    ev = example_vectors if example_vectors is not None else np.asarray(
        embedder.embed([e.spec for e in examples]), dtype=np.float32)
    pv = np.asarray(embedder.embed([p.spec for p in problems]), dtype=np.float32) if problems else \
        np.zeros((0, ev.shape[1]), dtype=np.float32)
    spec = pv @ ev.T
    grams = [code_grams(e.code) for e in examples]
    code = np.zeros_like(spec)
    for i, p in enumerate(problems):
        if p.code:
            pg = code_grams(p.code)
            for j, g in enumerate(grams):
                code[i, j] = jaccard(pg, g)
    return spec, code


def nearest(examples: list[Example], problems: list[Problem], embedder: Embedder) -> list[Nearest]:
    """For each problem, the bank example most similar to it (by the larger of the two measures)."""
    import numpy as np

    if not examples:
        return []
    spec, code = similarities(examples, problems, embedder)
    both = np.maximum(spec, code)
    out = []
    for i, p in enumerate(problems):
        j = int(both[i].argmax())
        out.append(Nearest(p, examples[j].id, round(float(spec[i, j]), 4), round(float(code[i, j]), 4)))
    return out


def excluded(examples: list[Example], problems: list[Problem], embedder: Embedder
             ) -> dict[str, tuple[Problem, float, float]]:
    """example id -> (the problem it is too close to, spec sim, code sim), for every example at or
    above a limit to some problem."""
    import numpy as np

    if not examples or not problems:
        return {}
    spec, code = similarities(examples, problems, embedder)
    out: dict[str, tuple[Problem, float, float]] = {}
    bad = (spec >= SPEC_LIMIT) | (code >= CODE_LIMIT)
    for j, e in enumerate(examples):
        rows = np.nonzero(bad[:, j])[0]
        if len(rows):
            i = int(max(rows, key=lambda r: max(spec[r, j], code[r, j])))
            out[e.id] = (problems[i], round(float(spec[i, j]), 4), round(float(code[i, j]), 4))
    return out
