"""Methods a UInt lacks, written as if it were a Scala collection or an older Chisel.

- `x.reverse` -> `Reverse(x)` and `x.asBits` -> `x.asUInt`, where scalac says `value reverse is not a
  member of chisel3.UInt` (`asBits`: of chisel3.UInt, SInt or Bool). Driven by the compiler only:
  `.reverse` on a `Vec` or a `Seq` is Scala and means what it says. In the chain after the named
  member (`x.asBits.reverse.asUInt`) the type is UInt again, so a following `.asBits` / `.reverse`
  is rewritten too: scalac stops at the first unknown member of a chain and never names the rest.
- `true.U` / `false.U(1.W)` -> `1.U` / `0.U(1.W)`: a Scala Boolean has no `.U` (it never compiles).
"""
from __future__ import annotations

import re

from agent.fixers.base import Edit, FixContext, FixRecord
from agent.fixers.scala_lex import IDENT, line_of, mask, offset_of

_MEMBER_RE = re.compile(r"^value (reverse|asBits) is not a member of chisel3\.(UInt|SInt|Bool)$")
_BIT = {"true": "1", "false": "0"}
_BOOL_U_RE = re.compile(r"(?<![\w$.])(true|false)\s*\.\s*U(?![\w$])")


def fix_bool_literal_u(code: str, ctx: FixContext) -> tuple[str, list[FixRecord]]:
    spots = list(_BOOL_U_RE.finditer(mask(code)))
    records = [FixRecord(fixer="bool_literal_u", rule=f"{s.group(1)}.U -> {_BIT[s.group(1)]}.U", line=line_of(code, s.start()))
               for s in spots]
    for match in reversed(spots):
        code = code[:match.start()] + _BIT[match.group(1)] + ".U" + code[match.end():]
    return code, records


def member_edits(code: str, ctx: FixContext) -> list[Edit]:
    """The diagnostics' `.reverse` / `.asBits` on a UInt, each at the position scalac gives."""
    edits: list[Edit] = []
    for d in ctx.diagnostics:
        match = _MEMBER_RE.match(d.message.splitlines()[0].strip() if d.message else "")
        if not match or d.line is None or d.column is None:
            continue
        if match.group(1) == "reverse" and match.group(2) != "UInt":
            continue  # Reverse takes a UInt; an SInt's or Bool's `reverse` is not ours to guess
        at = offset_of(code, d.line, d.column)
        edit = None if at is None else _chain_edit(code, at, match.group(1))
        if edit is not None:
            edits.append(edit)
    return edits


def _chain_edit(code: str, at: int, name: str) -> Edit | None:
    """The rewrite of the selection chain whose member `name` sits at `at`."""
    m = mask(code)
    dot = m.rfind(".", 0, at)
    if code[at:at + len(name)] != name or dot < 0 or m[dot + 1:at].strip() or re.match(r"[\w$]", m[at + len(name):][:1]):
        return None
    start = _receiver_start(m, dot)
    if start is None:
        return None
    expr, pos, rules = code[start:dot], dot, []
    # Walk the chain from the named member on: `.asBits` and `.reverse` on a UInt, `.asUInt` keeps it one.
    while True:
        sel = re.match(r"\s*\.\s*(" + IDENT + r")(\s*\(\s*\))?", m[pos:])
        if not sel or sel.group(1) not in ("reverse", "asBits", "asUInt"):
            break
        member = sel.group(1)
        if member == "asBits" and re.match(r"\s*\(", m[pos + sel.end():]):
            break  # `x.asBits(0)`: a bit, not a conversion; stop here
        if member == "reverse":
            expr, rule = f"Reverse({expr})", ".reverse -> Reverse(...)"
        elif member == "asBits":
            expr, rule = expr + ".asUInt", ".asBits -> .asUInt"
        else:
            expr, rule = expr + code[pos:pos + sel.end()].strip(), None
        if rule:
            rules.append(rule)
        pos += sel.end()
    if not rules:
        return None
    return Edit(start, pos, expr, FixRecord(fixer="diagnosed", rule=", ".join(dict.fromkeys(rules)),
                                            line=line_of(code, start)))


def _receiver_start(m: str, dot: int) -> int | None:
    """Start of the simple expression before `dot`: names, selections, calls and parentheses
    (`io.in.asUInt`, `Cat(a, b)`, `(a ^ b)`, `x(7, 0)`); None when there is none."""
    j = dot - 1
    while j >= 0:
        if m[j] in ")]":
            depth, opener = 0, "(" if m[j] == ")" else "["
            closer = m[j]
            while j >= 0:
                depth += 1 if m[j] == closer else -1 if m[j] == opener else 0
                if depth == 0:
                    break
                j -= 1
            if j < 0:
                return None
            j -= 1
            continue
        if re.match(r"[\w$]", m[j]):
            while j >= 0 and re.match(r"[\w$]", m[j]):
                j -= 1
            if j >= 0 and m[j] == ".":
                j -= 1
                continue
            break
        break
    start = j + 1
    return start if start < dot else None
