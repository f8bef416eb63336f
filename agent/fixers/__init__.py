"""Deterministic fixers applied to model code before (and between) verifications.

Each fixer is a pure function `(code, ctx) -> (code, [FixRecord])`. `apply_fixers` runs them in
order; with `enabled=False` it changes nothing, which is what `--no-fix` means.
"""
from __future__ import annotations

from typing import Callable

from agent.fixers.api_drift import fix_api_drift
from agent.fixers.base import FixContext, FixRecord
from agent.fixers.diagnosed import fix_diagnosed
from agent.fixers.enum_pattern import fix_enum_pattern
from agent.fixers.harness import fix_harness
from agent.fixers.imports import fix_imports, import_hints
from agent.fixers.nested_io import fix_nested_io
from agent.fixers.ports import fix_shadowed_outputs
from agent.fixers.rename import fix_top_name
from agent.fixers.uint_methods import fix_bool_literal_u
from agent.fixers.when_else import fix_when_else

Fixer = Callable[[str, FixContext], tuple[str, list[FixRecord]]]

# The fixes at diagnostic positions first (they must see the code the compiler saw), harness next
# (its mains carry stale APIs), drift next (it may rewrite imports), the Chisel idioms, the enum
# pattern (it keeps the `Enum(...)` call), then imports (which sees the final code), then the rename.
FIXERS: list[tuple[str, Fixer]] = [
    ("diagnosed", fix_diagnosed),
    ("harness", fix_harness),
    ("api_drift", fix_api_drift),
    ("when_else", fix_when_else),
    ("bool_literal_u", fix_bool_literal_u),
    ("nested_io", fix_nested_io),  # before shadowed_outputs, which reads the bundle's Input/Output fields
    ("shadowed_outputs", fix_shadowed_outputs),
    ("enum_pattern", fix_enum_pattern),
    ("imports", fix_imports),
    ("rename", fix_top_name),
]


def apply_fixers(code: str, ctx: FixContext, *, enabled: bool = True) -> tuple[str, list[FixRecord]]:
    if not enabled:
        return code, []
    records: list[FixRecord] = []
    for _, fixer in FIXERS:
        code, recs = fixer(code, ctx)
        records += recs
    return code, records


__all__ = ["FixContext", "FixRecord", "FIXERS", "apply_fixers", "import_hints"]
