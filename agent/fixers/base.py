"""What every fixer takes and returns."""
from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel

from reflect_env.result import Diagnostic


class FixRecord(BaseModel):
    """One deterministic edit, kept in the trace so every change to model output is visible."""

    fixer: str  # e.g. "imports"
    rule: str  # e.g. "add chisel3.util._"
    detail: str = ""
    line: int | None = None  # 1-based line in the code the fixer was given

    @property
    def name(self) -> str:
        return f"{self.fixer}: {self.rule}"


@dataclass
class FixContext:
    top: str | None = None  # the module name the task asks for
    profile: str = "chisel7"
    diagnostics: list[Diagnostic] = field(default_factory=list)  # from the last verification, if any
    spec: str = ""


@dataclass
class Edit:
    """One replacement of code[start:end] with `text`, found on the code a diagnostic was about.
    Fixers driven by diagnostic positions return edits so that all of them apply to that code at
    once (one fixer's insertion would move the positions another reads)."""

    start: int
    end: int
    text: str
    record: FixRecord


def apply_edits(code: str, edits: list[Edit]) -> tuple[str, list[FixRecord]]:
    """Apply non-overlapping edits (an edit overlapping an earlier-listed one is dropped)."""
    kept: list[Edit] = []
    for e in edits:
        if not any(e.start < k.end and k.start < e.end or e.start == k.start for k in kept):
            kept.append(e)
    for e in sorted(kept, key=lambda e: e.start, reverse=True):
        code = code[:e.start] + e.text + code[e.end:]
    return code, [e.record for e in sorted(kept, key=lambda e: e.start)]
