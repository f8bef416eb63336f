"""run.json: what a run ran with, as a pydantic model.

`agent eval` and `agent sweep` write it when a run starts and again when it ends; `--resume` reads the
old one and compares it with the new one field by field (`identity_changes`): the IDENTITY fields
change what a record means, so a run cannot be finished with another value of one.
Every run.json written so far reads back (fields added later default to None; fields this version does
not know are kept).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field


class RunMeta(BaseModel):
    model_config = ConfigDict(extra="allow")
    # The fields that change what a record means, in the order a refused resume names them.
    IDENTITY: ClassVar[tuple[str, ...]] = (
        "kind", "bench_path", "samples", "depth", "select", "replay", "fix", "rag", "model", "profile",
        "oracle_feedback", "compile_only", "fewshot", "import_hints", "escape", "interface", "vote", "checks",
        "examples", "examples_m", "example_diversity", "pymodels", "core_notes")

    kind: str | None = None  # "eval" | "sweep"
    bench: str | None = None
    bench_path: str | None = None
    bench_format: str | None = None
    samples: int | None = None
    depth: int | None = None
    select: str | None = None
    ks: list[int] | None = None
    depths: list[int] | None = None
    mode: str | None = None  # "strict" | "lenient": how the report scores, not what was run
    fix: bool | None = None
    rag: bool | None = None
    oracle_feedback: bool | None = None
    compile_only: bool | None = None
    replay: str | None = None
    model: str | None = None
    base_url: str | None = None
    base_urls: list[str] | None = None  # several endpoints (agent.llm.router)
    ray: str | None = None  # the Ray cluster the run verified on (agent.cluster)
    temperature: float | None = None
    profile: str | None = None
    fewshot: bool | None = None
    import_hints: bool | None = None
    escape: bool | None = None
    interface: bool | None = None
    vote: bool | None = None
    checks: bool | None = None
    examples: bool | None = None
    examples_m: int | None = None
    example_diversity: str | None = None
    pymodels: int | None = None
    core_notes: list[str] | None = None  # issue 19: notes in every system message; absent in older runs
    config_file: str | None = None
    limit: int | None = None
    llm_cache: bool | None = None
    allow_blackbox: bool | None = None
    include_harness: bool | None = None
    simulator: str | None = None
    created: str | None = None
    task_ids: list[str] = Field(default_factory=list)
    elapsed_s: float | None = None  # written when the run ends (summed over resumed invocations)

    @classmethod
    def read(cls, path: Path) -> "RunMeta":
        return cls.model_validate(json.loads(path.read_text(encoding="utf-8")))

    def identity_changes(self, old: "RunMeta", *, unresolved_before: tuple[str, ...] = ()) -> dict[str, tuple]:
        """{field: (old value, new value)} for each identity field the old run recorded with another
        value. A field the old run.json does not hold is not compared (written before it existed), nor
        one in `unresolved_before` that it recorded as None (resolved from the settings only later)."""
        changes = {}
        for name in self.IDENTITY:
            if name not in old.model_fields_set:
                continue
            was, now = getattr(old, name), getattr(self, name)
            if was != now and not (name in unresolved_before and was is None):
                changes[name] = (was, now)
        return changes

    def to_json(self) -> str:
        """run.json's text: the fields in declaration order, then any this version does not know."""
        return json.dumps(self.model_dump(exclude_unset=True), indent=1)
