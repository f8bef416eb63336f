"""`IO(...)` around a field inside a bundle: `val io = IO(new Bundle { val reset = IO(Input(Bool())) })`.

The VerilogEval prompts list `clk`, `reset` or `areset` beside the other ports, and the embedded 1.5B
often writes them (or every field) as ports of their own, wrapped in `IO(...)`, inside the `io` bundle.
That compiles, and elaboration stops at Chisel's "Bundle: AnonymousBundle contains hardware fields":
in the 156-problem VerilogEval run (docs/BENCHMARKS.md, "Session 10, issue 21") 50 problems had a
sample of this shape and 31 reported that error. What was meant is the field itself:
`val reset = Input(Bool())`.

Only `val x = IO(...)` at the top level of a `new Bundle { ... }` body is unwrapped. An `IO(...)` there
never elaborates (it creates a port of the module and makes the field hardware), so no design that
works is changed.
"""
from __future__ import annotations

import re

from agent.fixers.base import FixContext, FixRecord
from agent.fixers.scala_lex import IDENT, bracket_depth, line_of, mask, matching_close

_BUNDLE_RE = re.compile(r"\bnew\s+Bundle\s*\{")
_FIELD_IO_RE = re.compile(r"\bval\s+(" + IDENT + r")\s*(?::[^=\n]+)?=\s*(?P<io>(?:chisel3\s*\.\s*)?IO)\s*\(")


def _last_cut(code: str) -> tuple[int, int, int, str] | None:
    """The last `IO(` wrapping a bundle field: (start of `IO`, its `(`, its `)`, the field's name)."""
    m = mask(code)
    found = None
    for bundle in _BUNDLE_RE.finditer(m):
        close = matching_close(code, bundle.end() - 1, m)
        if close is None:
            continue
        for field in _FIELD_IO_RE.finditer(m, bundle.end(), close):
            paren = field.end() - 1
            end = matching_close(code, paren, m) if bracket_depth(m, bundle.end(), field.start()) == 0 else None
            if end is not None and end < close and (found is None or field.start("io") > found[0]):
                found = (field.start("io"), paren, end, field.group(1))
    return found


def fix_nested_io(code: str, ctx: FixContext) -> tuple[str, list[FixRecord]]:
    """`val x = IO(T)` as a field of a bundle literal -> `val x = T`."""
    records = []
    # One at a time from the end, re-reading the code: a cut inside another's parentheses moves its end.
    for _ in range(64):
        cut = _last_cut(code)
        if cut is None:
            break
        io_at, paren, end, name = cut
        line = line_of(code, io_at)
        code = code[:io_at] + code[paren + 1:end].strip() + code[end + 1:]
        records.append(FixRecord(fixer="nested_io", rule="IO(...) around a bundle field -> the field", detail=name,
                                 line=line))
    return code, records[::-1]
