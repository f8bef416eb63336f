"""The example bank: verified spec -> Chisel pairs, retrieved per spec as worked examples (issue 22).

Measured before this existed: the one fixed few-shot example was the strongest part of the prompt
(functional pass 0.54 -> 0.27 without it), and it was a sequential EdgeCounter for every spec, so
the README's purely combinational adder came back as registers. The bank offers, per spec, examples
of *other* specs that look like it.

Two sources:
* hand-written examples in `rag_docs/examples/*.yaml` (our own code) for what the data engine lacks
  (ChiselEnum FSM, Decoupled/Valid, SyncReadMem, Vec of registers, RawModule with clk/reset, ...):
  `id, title, spec, top, keys, code, reference`, where `reference` is a second implementation
  written differently; the build simulates `code` against it (random co-simulation, reflect_env).
* one draw per template of the data engine's catalog (`baselines/datagen`, every level and the
  chisel3.util families), compiled, elaborated and lowered by firtool. The engine renders spec and
  code from the same parameters, and there is no second implementation of a template, so these are
  checked to build, not simulated.

Every example is verified on the real toolchain when the bank is built (`agent rag build`);
verdicts are cached by content so a rebuild re-verifies only what changed. Examples too close to a
benchmark problem are excluded at build time (agent.rag.contamination).
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Callable

import yaml
from pydantic import BaseModel, Field

from agent.rag.notes import NoteError, default_notes_dir

EXAMPLES_SUBDIR = "examples"
ENGINE_SEED = 22  # the data engine's stream the bank draws from (any fixed seed: reproducible)
MAX_DRAWS_PER_LEVEL = 4000  # a level whose templates do not all appear in this many draws is reported
# Code that keeps state: an example with any of these is sequential and never shown for a spec that
# says it is combinational.
_STATEFUL = re.compile(
    r"\b(?:Reg|RegInit|RegNext|RegEnable|SyncReadMem|Mem|Counter|ShiftRegisters?|Queue|Pipe|withClock(?:AndReset)?)\b\s*[\(\[{]")
_UTIL_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class ExampleError(NoteError):
    """An example file is malformed; the message names the file and what is wrong."""


class Example(BaseModel):
    id: str
    title: str
    spec: str
    top: str
    code: str
    reference: str | None = None  # a second implementation the code is simulated against
    keys: list[str] = Field(default_factory=list)  # identifiers and phrases for exact-match scoring
    source: str  # "rag_docs/examples/<file>.yaml" or "datagen:<template>"
    level: str = "hand"  # the engine's level (L1..L4, util) or "hand"

    @property
    def sequential(self) -> bool:
        return bool(_STATEFUL.search(self.code))

    def digest(self) -> str:
        """What verification depends on: the code, its reference and its top."""
        return hashlib.sha256(f"{self.top}\0{self.code}\0{self.reference or ''}".encode()).hexdigest()[:24]


def parse_example(text: str, source: str) -> Example:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise ExampleError(f"{source}: not valid YAML: {' '.join(str(e).split())}") from None
    if not isinstance(data, dict):
        raise ExampleError(f"{source}: expected a mapping with id, title, spec, top, code, reference")
    for field in ("id", "title", "spec", "top", "code", "reference"):
        if not isinstance(data.get(field), str) or not data[field].strip():
            raise ExampleError(f"{source}: '{field}' is missing or not a string")
    if not re.search(rf"\bclass\s+{re.escape(data['top'])}\b", data["code"]):
        raise ExampleError(f"{source}: code has no class {data['top']}")
    keys = data.get("keys") or []
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise ExampleError(f"{source}: keys must be a list of strings")
    return Example(id=data["id"], title=data["title"], spec=data["spec"].strip(), top=data["top"],
                   code=data["code"].strip() + "\n", reference=data["reference"].strip() + "\n", keys=keys,
                   source=source)


def load_hand_examples(notes_dir: Path | None = None) -> list[Example]:
    root = Path(notes_dir or default_notes_dir()) / EXAMPLES_SUBDIR
    if not root.is_dir():
        return []
    out: dict[str, Example] = {}
    for path in sorted(root.glob("*.yaml")):
        ex = parse_example(path.read_text(encoding="utf-8"), f"rag_docs/{EXAMPLES_SUBDIR}/{path.name}")
        if ex.id in out:
            raise ExampleError(f"{ex.source}: duplicate example id {ex.id!r} (also in {out[ex.id].source})")
        out[ex.id] = ex
    return list(out.values())


def _util_keys(code: str) -> list[str]:
    """The chisel3.util names a piece of code uses: its exact-match keys."""
    from reflect_env.diagnostics import UTIL_NAMES

    return sorted({w for w in _UTIL_WORD.findall(code) if w in UTIL_NAMES})


def engine_examples(seed: int = ENGINE_SEED) -> tuple[list[Example], list[str]]:
    """One example per template of the data engine's catalog (the first draw of it in the level's
    stream), and the templates not found (should be none)."""
    from baselines.datagen.catalog import LEVELS, catalog
    from baselines.datagen.generator import candidate

    out: list[Example] = []
    missing: list[str] = []
    for level in LEVELS:
        wanted = {t.name for t in catalog()[level]}
        seen: set[str] = set()
        for j in range(MAX_DRAWS_PER_LEVEL):
            if seen == wanted:
                break
            c = candidate(seed, level, j)
            if c.template in seen:
                continue
            seen.add(c.template)
            out.append(Example(
                id=f"gen-{c.template}", title=f"{c.template} ({level})", spec=c.instruction, top=c.top,
                code=c.code, keys=_util_keys(c.code), source=f"datagen:{c.template}", level=level))
        missing += sorted(wanted - seen)
    return out, missing


# -- verification -------------------------------------------------------------------------------

class Verdict(BaseModel):
    ok: bool
    simulated: bool  # checked against a second implementation, not only built
    stage: str | None = None
    category: str | None = None
    error: str | None = None


Verify = Callable[[list[Example]], list[Verdict]]


def reflect_verifier(profile: str, workers: int = 1) -> Verify:
    """Verify on the real toolchain: compile, elaborate, firtool, and for an example with a
    reference, random co-simulation against it."""
    def verify(examples: list[Example]) -> list[Verdict]:
        from reflect_env import ReflectEnv

        with ReflectEnv(profile=profile, workers=workers) as env:
            items = [{"code": e.code, "top": e.top, "reference": e.reference, "mode": "strict"} for e in examples]
            out = []
            for e, r in zip(examples, env.verify_many(items)):
                first = r.first_error()
                error = first.message[:300] if first else None
                if not error and r.mismatches:
                    m = r.mismatches[0]
                    error = f"output {m.signal} at cycle {m.cycle}: expected {m.expected}, got {m.got}"
                out.append(Verdict(ok=r.ok, simulated=r.ok and e.reference is not None,
                                   stage=getattr(r.stage, "value", r.stage),
                                   category=getattr(r.category, "value", r.category), error=error))
            return out
    return verify


class VerdictCache:
    """Verdicts by example digest and profile, in a JSON file next to the index: a rebuild verifies
    only new or edited examples."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.data: dict[str, dict] = json.loads(self.path.read_text()) if self.path.exists() else {}
        except (OSError, json.JSONDecodeError):
            self.data = {}  # a broken cache costs a re-verification, nothing else

    def get(self, key: str) -> Verdict | None:
        v = self.data.get(key)
        return Verdict(**v) if v else None

    def put(self, key: str, verdict: Verdict) -> None:
        self.data[key] = verdict.model_dump()

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data, indent=0, sort_keys=True))
        tmp.replace(self.path)


def verify_examples(examples: list[Example], verify: Verify, cache: VerdictCache, profile: str
                    ) -> dict[str, Verdict]:
    """id -> verdict for every example; only examples without a cached verdict are verified."""
    keys = {e.id: f"{profile}:{e.digest()}" for e in examples}
    out = {e.id: v for e in examples if (v := cache.get(keys[e.id])) is not None}
    todo = [e for e in examples if e.id not in out]
    if todo:
        for e, v in zip(todo, verify(todo)):
            out[e.id] = v
            # a crash or timeout says nothing about the example: not cached, tried again next build
            if v.ok or v.category not in ("crash", "timeout"):
                cache.put(keys[e.id], v)
        cache.save()
    return out


def embed_text(example: Example) -> str:
    """What the dense model sees for an example: its spec (a spec is what it is retrieved by)."""
    return f"{example.title}. {example.spec}"
