"""Give the design the module name the task asks for.

When the task names a module and the code defines exactly one top-level module under another
name, rename that class and every code reference to it (word boundaries, never inside strings or
comments). Anything ambiguous is left alone for the model to repair.
"""
from __future__ import annotations

import re

from agent.fixers.base import FixContext, FixRecord
from agent.fixers.scala_lex import defined_names, line_of, mask, module_classes, top_modules


def fix_top_name(code: str, ctx: FixContext) -> tuple[str, list[FixRecord]]:
    want = ctx.top
    if not want:
        return code, []
    if any(d.name == want for d in module_classes(code)):
        return code, []
    tops = top_modules(code)
    if len(tops) != 1:
        return code, []
    old = tops[0]
    if want in defined_names(code):
        return code, []  # the name is taken by something else (a Bundle, an object...)
    m = mask(code)
    pattern = re.compile(r"(?<![\w$])" + re.escape(old) + r"(?![\w$])")
    spots = [x.start() for x in pattern.finditer(m)]
    for start in reversed(spots):
        code = code[:start] + want + code[start + len(old):]
    line = line_of(code, spots[0]) if spots else None
    return code, [FixRecord(fixer="rename", rule="rename top module", detail=f"{old} -> {want} ({len(spots)} places)", line=line)]
