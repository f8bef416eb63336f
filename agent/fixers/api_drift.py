"""Rewrite Chisel 2/3 idioms that models still produce into the Chisel 6/7 API.

Each rule matches only in code (never in strings or comments) and only forms that cannot compile
on Chisel 7, so applying them to correct code changes nothing.
"""
from __future__ import annotations

import re
from typing import Callable

from agent.fixers.base import FixContext, FixRecord
from agent.fixers.scala_lex import line_of, mask, matching_close

INT = r"(\d+)"
SIMPLE = r"([\w.]+)"  # a literal, a name or a dotted path: what old-style width arguments are


def _sub_in_code(code: str, pattern: str, repl, flags: int = 0) -> tuple[str, list[int]]:
    """re.sub on code regions only: matches are found in the masked text, replaced in the original."""
    m = mask(code)
    out, last, lines = [], 0, []
    for match in re.finditer(pattern, m, flags):
        original = re.match(pattern, code[match.start():], flags)
        if original is None or original.end() != match.end() - match.start():
            continue  # the match spans a string or comment; leave it alone
        out.append(code[last:match.start()])
        out.append(original.expand(repl) if isinstance(repl, str) else repl(original))
        last = match.end()
        lines.append(line_of(code, match.start()))
    out.append(code[last:])
    return "".join(out), lines


# (rule name, pattern, replacement); order matters where one form contains another.
_RULES: list[tuple[str, str, str]] = [
    ("import Chisel._ -> chisel3", r"^([ \t]*)import\s+Chisel\._[ \t]*$", r"\1import chisel3._\n\1import chisel3.util._"),
    ("(new ChiselStage).emitVerilog -> ChiselStage.emitSystemVerilog",
     r"\(\s*new\s+(?:(?:_root_\.)?(?:circt|chisel3)\.stage\.)?ChiselStage(?:\s*\(\s*\))?\s*\)\s*\.\s*emit(?:System)?Verilog\b", "ChiselStage.emitSystemVerilog"),
    ("chisel3.experimental.ChiselEnum -> chisel3.ChiselEnum", r"\bchisel3\.experimental\.ChiselEnum\b", "chisel3.ChiselEnum"),
    ("chisel3.stage.ChiselStage -> circt.stage.ChiselStage", r"\bchisel3\.stage\.ChiselStage\b", "circt.stage.ChiselStage"),
    # `import chisel3.util._` brings chisel3.util.circt into scope, which shadows the root `circt`
    # package: `circt.stage.ChiselStage` then fails to resolve (seen on Chisel 7.14).
    ("circt.stage -> _root_.circt.stage", r"(?<![\w.])circt\.stage\.", "_root_.circt.stage."),
    ("chisel3.core -> chisel3", r"\bchisel3\.core\.", "chisel3."),
    ("ChiselStage.emitVerilog -> emitSystemVerilog", r"\bChiselStage\.emitVerilog\b", "ChiselStage.emitSystemVerilog"),
    ("MultiIOModule -> Module", r"\b(?:chisel3\.(?:experimental\.)?)?MultiIOModule\b", "Module"),
    ("LegacyModule -> Module", r"\bLegacyModule\b", "Module"),
    # Conversions are parameterless methods now: `x.asUInt()` applies the result to ().
    ("drop () after conversions", r"\.(asUInt|asSInt|asBool|asBools|asClock|asAsyncReset|asReset|litValue|litToBoolean|getWidth)\s*\(\s*\)", r".\1"),
    ("toBool -> asBool", r"\.toBool\b(\s*\(\s*\))?", ".asBool"),
    ("toBools -> asBools", r"\.toBools\b(\s*\(\s*\))?", ".asBools"),
    # Chisel 2 types with directions and widths as arguments.
    ("UInt(INPUT, n) -> Input(UInt(n.W))", r"\b(UInt|SInt)\s*\(\s*INPUT\s*,\s*(?:width\s*=\s*)?" + SIMPLE + r"\s*\)", r"Input(\1(\2.W))"),
    ("UInt(OUTPUT, n) -> Output(UInt(n.W))", r"\b(UInt|SInt)\s*\(\s*OUTPUT\s*,\s*(?:width\s*=\s*)?" + SIMPLE + r"\s*\)", r"Output(\1(\2.W))"),
    ("Bool(INPUT) -> Input(Bool())", r"\bBool\s*\(\s*INPUT\s*\)", "Input(Bool())"),
    ("Bool(OUTPUT) -> Output(Bool())", r"\bBool\s*\(\s*OUTPUT\s*\)", "Output(Bool())"),
    ("UInt(width = n) -> UInt(n.W)", r"\b(UInt|SInt|Bits)\s*\(\s*width\s*=\s*" + SIMPLE + r"\s*\)", r"\1(\2.W)"),
    ("UInt(v, width = n) -> v.U(n.W)", r"\bUInt\s*\(\s*(-?\d+|\"[^\"]*\")\s*,\s*(?:width\s*=\s*)?" + SIMPLE + r"\s*\)", r"\1.U(\2.W)"),
    ("SInt(v, width = n) -> v.S(n.W)", r"\bSInt\s*\(\s*(-?\d+)\s*,\s*(?:width\s*=\s*)?" + SIMPLE + r"\s*\)", r"\1.S(\2.W)"),
    ("Input(UInt(n)) -> Input(UInt(n.W))", r"\b(Input|Output|Wire|Reg|Flipped)\s*\(\s*(UInt|SInt)\s*\(\s*(\d+)\s*\)\s*\)", r"\1(\2(\3.W))"),
    ("Vec(n, UInt(w)) -> Vec(n, UInt(w.W))", r"(\bVec\s*\(\s*[\w.]+\s*,\s*)(UInt|SInt)\s*\(\s*(\d+)\s*\)", r"\1\2(\3.W)"),
    ("UInt(v) literal -> v.U", r"\bUInt\s*\(\s*(\d+)\s*\)", r"\1.U"),
    ("SInt(v) literal -> v.S", r"\bSInt\s*\(\s*(-?\d+)\s*\)", r"\1.S"),
    ("Bool(true) -> true.B", r"\bBool\s*\(\s*(true|false)\s*\)", r"\1.B"),
    ("n.U(w) -> n.U(w.W)", r"\b(\d+)\.(U|S)\s*\(\s*(\d+)\s*\)", r"\1.\2(\3.W)"),
    ("Reg(init = x) -> RegInit(x)", r"\bReg\s*\(\s*init\s*=\s*", "RegInit("),
    ("Reg(next = x) -> RegNext(x)", r"\bReg\s*\(\s*next\s*=\s*", "RegNext("),
    ("Wire(init = x) -> WireDefault(x)", r"\bWire\s*\(\s*init\s*=\s*", "WireDefault("),
    ("Vec(Seq(...)) -> VecInit(Seq(...))", r"\bVec\s*\(\s*(?=(?:Seq|List|Array)\b)", "VecInit("),
    ("Vec.fill -> VecInit.fill", r"\bVec\s*\.\s*(fill|tabulate)\b", r"VecInit.\1"),
    (".elseWhen -> .elsewhen", r"\.\s*elseWhen\b", ".elsewhen"),
    ("Driver.execute main removed", r"^[ \t]*chisel3\.Driver\.execute[^\n]*\n", ""),
]


def _io_without_IO(code: str) -> tuple[str, list[int]]:
    """`val io = new Bundle { ... }` inside a Module -> `val io = IO(new Bundle { ... })`."""
    lines: list[int] = []
    while True:
        m = mask(code)
        match = next((x for x in re.finditer(r"\bval\s+io\s*=\s*new\s+Bundle\s*\{", m)), None)
        if not match:
            return code, lines
        brace = m.find("{", match.start())
        close = matching_close(code, brace, m)
        if close is None:
            return code, lines
        new_start = m.find("new", match.start())
        code = code[:new_start] + "IO(" + code[new_start:close + 1] + ")" + code[close + 1:]
        lines.append(line_of(code, match.start()))


def _flip(code: str) -> tuple[str, list[int]]:
    """`Decoupled(UInt(8.W)).flip` (Chisel 2) -> `Flipped(Decoupled(UInt(8.W)))`."""
    lines: list[int] = []
    while True:
        m = mask(code)
        match = re.search(r"\)\s*\.\s*flip\b(\s*\(\s*\))?", m)
        if not match:
            return code, lines
        # Walk back from the `)` to its `(` and then over the callee's name.
        depth, j = 0, match.start()
        while j >= 0:
            depth += {")": 1, "(": -1}.get(m[j], 0)
            if depth == 0:
                break
            j -= 1
        if j < 0:
            return code, lines
        name = re.search(r"(?:new\s+)?[\w.]+\s*$", m[:j])
        start = name.start() if name else j
        code = code[:start] + "Flipped(" + code[start:match.start() + 1] + ")" + code[match.end():]
        lines.append(line_of(code, start))


_STRUCTURAL: list[tuple[str, Callable[[str], tuple[str, list[int]]]]] = [
    ("val io = new Bundle -> IO(new Bundle)", _io_without_IO),
    (".flip -> Flipped(...)", _flip),
]


def fix_api_drift(code: str, ctx: FixContext) -> tuple[str, list[FixRecord]]:
    records: list[FixRecord] = []
    for rule, pattern, repl in _RULES:
        code, lines = _sub_in_code(code, pattern, repl, re.MULTILINE)
        records += [FixRecord(fixer="api_drift", rule=rule, line=ln) for ln in lines]
    for rule, fn in _STRUCTURAL:
        code, lines = fn(code)
        records += [FixRecord(fixer="api_drift", rule=rule, line=ln) for ln in lines]
    # A selective import `chisel3.experimental.{ChiselEnum, X}` keeps working once ChiselEnum leaves it.
    code, lines = _sub_in_code(code, r"(\bimport\s+chisel3\.experimental\.\{[^}]*?)\bChiselEnum\s*,\s*", r"\1", re.MULTILINE)
    records += [FixRecord(fixer="api_drift", rule="drop ChiselEnum from chisel3.experimental import", line=ln) for ln in lines]
    return code, records
