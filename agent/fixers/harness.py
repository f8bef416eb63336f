"""Drop what the verifier neither needs nor can compile: mains that emit Verilog, tests, packages.

Models like to append `object Main extends App { (new ChiselStage).emitVerilog(...) }` or a
chiseltest spec. Those pull in APIs that moved between Chisel versions or libraries that are not
on the verifier's classpath, and they are never part of the design.
"""
from __future__ import annotations

import re

from agent.fixers.base import FixContext, FixRecord
from agent.fixers.scala_lex import IDENT, line_of, mask, matching_close

_TEST_PARENTS = r"(?:AnyFlatSpec|AnyFreeSpec|AnyFunSuite|FlatSpec|FreeSpec|FunSuite|PeekPokeTester|ChiselFlatSpec|ChiselScalatestTester|ChiselSim)"
_TEST_IMPORT_RE = re.compile(
    r"^[ \t]*import\s+(?:chiseltest|org\.scalatest|chisel3\.iotesters|chisel3\.tester|chisel3\.simulator|treadle|svsim)\b[^\n]*\n?",
    re.MULTILINE,
)
_PACKAGE_RE = re.compile(r"^[ \t]*package\s+[\w.]+[ \t]*;?[ \t]*\n?", re.MULTILINE)
_MAIN_OBJECT_RE = re.compile(r"^[ \t]*object\s+(" + IDENT + r")\s+extends\s+App\b", re.MULTILINE)
_OBJECT_RE = re.compile(r"^[ \t]*object\s+(" + IDENT + r")\b", re.MULTILINE)
_TEST_CLASS_RE = re.compile(
    r"^[ \t]*class\s+(" + IDENT + r")[^{\n]*\bextends\s+" + _TEST_PARENTS + r"\b", re.MULTILINE
)


def _remove_span(code: str, start: int) -> tuple[str, bool]:
    """Remove the definition starting at `start` through its closing brace (and trailing newline)."""
    m = mask(code)
    brace = m.find("{", start)
    if brace < 0:
        return code, False
    end = matching_close(code, brace, m)
    if end is None:
        return code, False
    end += 1
    while end < len(code) and code[end] in " \t":
        end += 1
    if end < len(code) and code[end] == "\n":
        end += 1
    return code[:start] + code[end:], True


def _object_is_main(code: str, match: re.Match) -> bool:
    m = mask(code)
    brace = m.find("{", match.end())
    end = matching_close(code, brace, m) if brace >= 0 else None
    if end is None:
        return False
    body = m[brace:end]
    return bool(re.search(r"\bdef\s+main\s*\(", body))


def fix_harness(code: str, ctx: FixContext) -> tuple[str, list[FixRecord]]:
    records: list[FixRecord] = []
    for pattern, rule in ((_MAIN_OBJECT_RE, "drop main object"), (_TEST_CLASS_RE, "drop test class")):
        while True:
            match = pattern.search(mask(code))
            if not match:
                break
            line = line_of(code, match.start())
            code, removed = _remove_span(code, match.start())
            if not removed:
                break
            records.append(FixRecord(fixer="harness", rule=rule, detail=match.group(1), line=line))
    # `object Foo { def main(args: Array[String]) ... }` is a main too.
    for match in reversed(list(_OBJECT_RE.finditer(mask(code)))):
        if _object_is_main(code, match):
            line = line_of(code, match.start())
            code, removed = _remove_span(code, match.start())
            if removed:
                records.append(FixRecord(fixer="harness", rule="drop main object", detail=match.group(1), line=line))
    for pattern, rule in ((_TEST_IMPORT_RE, "drop test-library import"), (_PACKAGE_RE, "drop package clause")):
        for match in reversed(list(pattern.finditer(mask(code)))):
            records.append(FixRecord(fixer="harness", rule=rule, detail=code[match.start():match.end()].strip(),
                                     line=line_of(code, match.start())))
            code = code[:match.start()] + code[match.end():]
    # Imports only a dropped main used (stage/emit) would now warn at most; leave them to api_drift.
    return code, records
