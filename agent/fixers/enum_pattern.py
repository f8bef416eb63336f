"""`val OFF :: ON :: Nil = Enum(2)`: upper-case names in a pattern are constants, not new names.

Scala reads an identifier that starts with an upper-case letter inside a pattern as a stable
identifier to match against, so that line fails with `not found: value OFF`. Models write it all the
time (state names are conventionally upper case). The rewrite binds the same names with plain vals:

    val _enumStates_OFF_ON = Enum(2); val OFF = _enumStates_OFF_ON(0); val ON = _enumStates_OFF_ON(1)

on the same line(s), so every diagnostic line number after it stays exact. On code alone it fires
only when the right-hand side is `Enum(...)`; a `not found: value X` diagnostic naming one of the
pattern's names extends it to any call on the right (`List(...)`, `Seq(...)`, a helper).
"""
from __future__ import annotations

import re

from agent.fixers.base import FixContext, FixRecord
from agent.fixers.imports import diagnostic_identifier
from agent.fixers.scala_lex import IDENT, defined_names, line_of, mask, matching_close

_NAMES_CONS = IDENT + r"(?:\s*::\s*" + IDENT + r")*"
_NAMES_LIST = IDENT + r"(?:\s*,\s*" + IDENT + r")*"
# `val A :: B :: Nil =`, `val (A :: B :: Nil) =`, `val List(A, B) =` / `val Seq(A, B) =`.
_PATTERN_RE = re.compile(
    r"\bval\s+(?:"
    r"\(\s*(?P<paren>" + _NAMES_CONS + r")\s*::\s*Nil\s*\)"
    r"|(?P<cons>" + _NAMES_CONS + r")\s*::\s*Nil"
    r"|(?:List|Seq)\s*\(\s*(?P<list>" + _NAMES_LIST + r")\s*\)"
    r")\s*=\s*"
)
_ENUM_CALL_RE = re.compile(r"(?:(?:_root_\.)?chisel3\.util\.)?Enum\s*\(")
_ANY_CALL_RE = re.compile(r"(?:" + IDENT + r"\s*\.\s*)*" + IDENT + r"\s*\(")


class _Binding:
    """One pattern definition: where it starts and ends, its names and its right-hand side."""

    def __init__(self, start: int, rhs_start: int, end: int, names: list[str], enum_rhs: bool):
        self.start, self.rhs_start, self.end = start, rhs_start, end
        self.names, self.enum_rhs = names, enum_rhs


def _bindings(code: str, m: str) -> list[_Binding]:
    """Pattern vals whose right-hand side is one call that ends the statement."""
    found = []
    for match in _PATTERN_RE.finditer(m):
        names_text = match.group("paren") or match.group("cons") or match.group("list")
        names = re.findall(IDENT, names_text)
        rhs = match.end()
        call = _ANY_CALL_RE.match(m, rhs)
        if not call:
            continue
        close = matching_close(code, call.end() - 1, m)
        if close is None:
            continue
        rest = m[close + 1:].split("\n", 1)[0]
        if rest.strip() not in ("", ";"):
            continue  # `Enum(3).reverse` and the like: not a shape we rewrite
        found.append(_Binding(match.start(), rhs, close + 1, names, bool(_ENUM_CALL_RE.fullmatch(call.group(0)))))
    return found


def _rewrite(code: str, b: _Binding) -> str:
    holder = "_enumStates_" + "_".join(n.strip("_") or "x" for n in b.names)
    # Newlines inside the pattern move to just after `=` (a val's expression may start on a later
    # line), so the line count of the statement is unchanged.
    breaks = "\n" * code.count("\n", b.start, b.rhs_start)
    binds = "".join(f"; val {n} = {holder}({i})" for i, n in enumerate(b.names) if n != "_")
    return f"val {holder} ={breaks or ' '}{code[b.rhs_start:b.end]}{binds}"


def fix_enum_pattern(code: str, ctx: FixContext) -> tuple[str, list[FixRecord]]:
    m = mask(code)
    bindings = _bindings(code, m)
    if not bindings:
        return code, []
    unresolved = {n for n in (diagnostic_identifier(d.message) for d in ctx.diagnostics) if n}
    # An upper-case name the code defines elsewhere turns the pattern into a real match against it;
    # rewriting would then define it twice. Leave that for the model. (Lower-case names are bound by
    # the pattern already, so binding them with a val adds no clash.)
    blanked = m
    for b in bindings:
        blanked = blanked[:b.start] + re.sub(r"[^\n]", " ", blanked[b.start:b.end]) + blanked[b.end:]
    elsewhere = defined_names(blanked)
    records: list[FixRecord] = []
    for b in reversed(bindings):
        upper = [n for n in b.names if n[0].isupper()]
        if not upper or elsewhere & set(upper):
            continue
        if not b.enum_rhs and not unresolved & set(upper):
            continue
        line = line_of(code, b.start)
        code = code[:b.start] + _rewrite(code, b) + code[b.end:]
        records.append(FixRecord(fixer="enum_pattern", rule="bind upper-case pattern names with vals",
                                 detail=", ".join(n for n in b.names if n != "_"), line=line))
    records.reverse()
    return code, records
