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
