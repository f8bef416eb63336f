"""Fixes at the positions the compiler names, applied together to the code it compiled.

Each rule here reads a diagnostic's line and column, so all of them must see the code the
diagnostics were about: their edits are collected first and applied at once (an `io.` inserted by
one would move the column another reads). Without diagnostics (the first pass) nothing happens.
"""
from __future__ import annotations

from agent.fixers.base import FixContext, FixRecord, apply_edits
from agent.fixers.ports import bare_port_edits
from agent.fixers.uint_methods import member_edits


def fix_diagnosed(code: str, ctx: FixContext) -> tuple[str, list[FixRecord]]:
    if not ctx.diagnostics:
        return code, []
    return apply_edits(code, bare_port_edits(code, ctx) + member_edits(code, ctx))
