"""`when(c) { ... } else { ... }`: Scala's `else` after a Chisel `when` block.

`when` is a method call, not `if`, so an `else` after its block is a syntax error (`';' expected but
'else' found`), the most frequent compile error of the embedded 1.5B in the committed runs (178 of
the failing verifications, docs/BENCHMARKS.md "Session 8, fixers"). What was meant is the `when`
chain: `} else {` -> `}.otherwise {`, `} else if (c) {` and `} else when (c) {` -> `}.elsewhen(c) {`.
A bare `otherwise {` / `elsewhen(c) {` on the line after the block (`not found: value otherwise`)
gets its missing dot.

Only an `else` (or bare `otherwise`/`elsewhen`) right after the `}` that closes a block opened by
`when(...)` or `.elsewhen(...)` is rewritten; an `else` after an `if` block is Scala and stays. No
code that compiles has either shape, so a correct design is never changed.
"""
from __future__ import annotations

import re

from agent.fixers.base import FixContext, FixRecord
from agent.fixers.scala_lex import defined_names, line_of, mask

# What may follow `}` after a when block: `else {`, `else if (`, `else when (`, or the chain's
# methods without their dot.
_AFTER_RE = re.compile(r"\}(\s*)(?:else\b\s*(?:(?P<if>if|when)\s*(?=\()|(?=\{))|(?P<bare>otherwise\s*(?=\{)|elsewhen\s*(?=\()))")
_HEAD_RE = re.compile(r"(?:(?<![\w.])(?:chisel3\.)?when|\.\s*elsewhen)\s*$")


def _open_of(m: str, close: int) -> int | None:
    """Index of the `{` that the `}` at `close` closes."""
    depth = 0
    for j in range(close, -1, -1):
        if m[j] == "}":
            depth += 1
        elif m[j] == "{":
            depth -= 1
            if depth == 0:
                return j
    return None


def _opens_when_block(code: str, m: str, brace: int) -> bool:
    """Is the `{` at `brace` the body of `when(...)` or `.elsewhen(...)`?"""
    j = brace - 1
    while j >= 0 and m[j] in " \t\r\n":
        j -= 1
    if j < 0 or m[j] != ")":
        return False
    depth = 0
    for k in range(j, -1, -1):  # back to the condition's `(`
        depth += {")": 1, "(": -1}.get(m[k], 0)
        if depth == 0:
            return bool(_HEAD_RE.search(m[:k]))
    return False


def _next_fix(code: str) -> tuple[str, str, int] | None:
    """The first `else` / bare chain method after a when block: (new code, rule, line)."""
    m = mask(code)
    for match in _AFTER_RE.finditer(m):
        brace = _open_of(m, match.start())
        if brace is None or not _opens_when_block(code, m, brace):
            continue
        line = line_of(code, match.start())
        # The whitespace (a newline included) stays, so every line number after it stays exact:
        # `}\n  .otherwise {` is a valid chain.
        head = code[:match.start() + 1] + match.group(1)
        if match.group("bare"):
            word = match.group("bare").strip()
            return head + "." + code[len(head):], f"{word} -> .{word}", line
        if match.group("if"):
            # `} else if (c) {` -> `}.elsewhen(c) {`: the condition is kept as written.
            return head + ".elsewhen" + code[match.end():], f"else {match.group('if')} -> .elsewhen", line
        return head + ".otherwise " + code[match.end():], "else -> .otherwise", line
    return None


def fix_when_else(code: str, ctx: FixContext) -> tuple[str, list[FixRecord]]:
    if {"otherwise", "elsewhen"} & defined_names(code):
        return code, []  # the model's own helpers: not Chisel's chain
    records: list[FixRecord] = []
    # Each rewrite removes one `else` (or adds the one missing dot): the loop ends.
    while (found := _next_fix(code)) is not None:
        code, rule, line = found
        records.append(FixRecord(fixer="when_else", rule=rule, line=line))
    return code, records

