"""Turn compiler, Chisel and firtool output into Diagnostics on the candidate's own lines, and classify them.

Classification reads the structured message of the first error, never a whole stderr dump.
"""
from __future__ import annotations

import re

from reflect_env.result import Category, Diagnostic, Stage

# Names that live in chisel3.util (or need its import) and that models use without importing it.
UTIL_NAMES = frozenset({
    "Cat", "Fill", "FillInterleaved", "Reverse", "Enum", "switch", "is", "MuxCase", "MuxLookup", "Mux1H",
    "PriorityMux", "PopCount", "Log2", "log2Ceil", "log2Up", "log2Floor", "log2Down", "isPow2",
    "unsignedBitLength", "signedBitLength", "PriorityEncoder", "PriorityEncoderOH", "OHToUInt", "UIntToOH",
    "Valid", "ValidIO", "Decoupled", "DecoupledIO", "Irrevocable", "ReadyValidIO", "Queue", "QueueIO",
    "Counter", "ShiftRegister", "ShiftRegisters", "RegEnable", "BitPat", "ListLookup", "Lookup", "Pipe",
    "Arbiter", "RRArbiter", "LockingArbiter", "HasBlackBoxResource", "HasBlackBoxInline", "HasBlackBoxPath",
    "IrrevocableIO", "EnqIO", "DeqIO", "MixedVec", "MixedVecInit", "OneHot0", "SRAM",
})

_NOT_FOUND = re.compile(r"not found: (?:value|type|object) (\w+)")
_SYNTAX = re.compile(
    r"expected but|illegal start of|unclosed |expected class or object definition|"
    r"identifier expected|unbound placeholder|'\)' expected|'\}' expected|Missing closing brace|"
    r"illegal character|malformed|double definition|is already defined",
)


def classify_compile(message: str) -> Category:
    m = _NOT_FOUND.search(message)
    if m:
        return Category.missing_import if m.group(1) in UTIL_NAMES else Category.not_found
    # `Enum(3)` without chisel3.util._ resolves to java.lang.Enum, which is not a value.
    if "java.lang.Enum" in message:
        return Category.missing_import
    if "type mismatch" in message or "overloaded method" in message and "alternatives" in message:
        return Category.type_mismatch
    if _SYNTAX.search(message):
        return Category.syntax
    if re.search(r"is not a member of", message):
        return Category.not_found
    return Category.compile_other


def classify_firtool(message: str) -> Category:
    low = message.lower()
    if "not fully initialized" in low:
        return Category.not_fully_initialized
    # firtool's words differ by where the width is missing: a port of the top module (1.155, no
    # location), a reg/wire/port elsewhere, or a register whose own feedback makes it grow.
    if any(s in low for s in ("uninferred width", "width cannot be inferred", "could not infer width",
                              "must have known width", "constrained to be wider than itself")):
        return Category.uninferred_width
    if "combinational cycle" in low or "combinational loop" in low:
        return Category.comb_cycle
    return Category.firtool


def classify_elaboration(message: str) -> Category:
    if "sandbox:" in message:
        return Category.crash
    if "StackOverflowError" in message or "OutOfMemoryError" in message:
        return Category.crash
    return Category.elaboration


def with_code_line(d: Diagnostic, lines: list[str]) -> Diagnostic:
    if d.line is not None and 1 <= d.line <= len(lines):
        d.code_line = lines[d.line - 1]
    return d


def compile_diagnostics(items: list[dict], lines: list[str], prefix_len: int) -> list[Diagnostic]:
    """scalac diagnostics from the worker; column 1-based; line 1 carries our package prefix."""
    out = []
    for it in items:
        line, col = it.get("line"), it.get("column")
        if line == 1 and col is not None:
            col = max(1, col - prefix_len)
        msg = it["message"]
        d = Diagnostic(stage=Stage.compile, severity=it["severity"], line=line, column=col, message=msg,
                       category=classify_compile(msg) if it["severity"] == "error" else None)
        out.append(with_code_line(d, lines))
    return out


# Chisel's own error lines: "[error] Candidate.scala 12:5: message", followed by an echo of the source
# line and a caret (also `[error]` lines), and a closing "There were N error(s) during hardware elaboration."
_CHISEL_LOCATED = re.compile(r"^\[error\]\s*\S*Candidate\.scala[: ](\d+):(\d+):?\s*(.*)$")
_CHISEL_ERR = re.compile(r"^\[error\]\s*(.*)$")
_SRC_LOC = re.compile(r"Candidate\.scala[ :](\d+):(\d+)")
_CHISEL_SUMMARY = re.compile(r"There were \d+ error\(s\)|Fatal errors during hardware elaboration")


def _fix_col(line: int | None, col: int | None, prefix_len: int) -> int | None:
    return max(1, col - prefix_len) if line == 1 and col is not None else col


def elaboration_diagnostics(error: str, output: str, frames: list[dict], lines: list[str],
                            prefix_len: int = 0) -> list[Diagnostic]:
    """Chisel collects elaboration errors and logs them as `[error]` lines before throwing; when there are
    none, the exception chain (innermost last) is the message and the candidate's frames give the line."""
    diags: list[Diagnostic] = []
    unlocated: list[str] = []
    for raw in output.splitlines():
        raw = raw.strip()
        if m := _CHISEL_LOCATED.match(raw):
            line, col = int(m.group(1)), int(m.group(2))
            msg = re.sub(r"\s*@\[[^\]]*\]\s*$", "", m.group(3).strip())
            diags.append(with_code_line(Diagnostic(stage=Stage.elaborate, line=line, column=_fix_col(line, col, prefix_len),
                                                   message=msg, category=classify_elaboration(msg)), lines))
        elif (m := _CHISEL_ERR.match(raw)) and m.group(1).strip() and not _CHISEL_SUMMARY.search(raw):
            unlocated.append(m.group(1).strip())
    if diags:  # unlocated lines are then the source echo and caret of the located ones
        return _dedup(diags)
    for msg in unlocated:
        diags.append(Diagnostic(stage=Stage.elaborate, message=msg, category=classify_elaboration(msg)))
    if diags:
        return _dedup(diags)
    chain = [ln for ln in error.splitlines() if ln.strip()]
    # Prefer the innermost cause that says something, without Chisel's generic wrapper.
    useful = [c for c in chain if not _CHISEL_SUMMARY.search(c)] or chain or ["unknown error"]
    msg = _strip_exception_class(useful[-1])
    loc = _SRC_LOC.search(error)
    at_line = int(loc.group(1)) if loc else (frames[0]["line"] if frames else None)
    at_col = _fix_col(at_line, int(loc.group(2)), prefix_len) if loc else None
    return [with_code_line(Diagnostic(stage=Stage.elaborate, line=at_line, column=at_col, message=msg,
                                      category=classify_elaboration(error)), lines)]


def _strip_exception_class(s: str) -> str:
    m = re.match(r"^([\w$.]+(?:Exception|Error)):\s*(.*)$", s, re.S)
    if not m:
        return s.strip()
    cls, rest = m.group(1), m.group(2).strip()
    short = cls.rsplit(".", 1)[-1]
    keep = short if short not in ("ChiselException", "RuntimeException", "Exception") else ""
    return f"{keep}: {rest}".strip(": ").strip() if rest else short


# firtool: "<file>:<line>:<col>: error: <message>"
_FIRTOOL = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|note): (?P<msg>.*)$")


def firtool_diagnostics(stderr: str, lines: list[str], prefix_len: int = 0) -> list[Diagnostic]:
    diags: list[Diagnostic] = []
    for raw in stderr.splitlines():
        m = _FIRTOOL.match(raw.strip())
        if not m or m.group("sev") == "note":
            continue
        on_candidate = m.group("file").endswith("Candidate.scala")
        sev = m.group("sev")
        msg = m.group("msg").strip()
        line = int(m.group("line")) if on_candidate else None
        diags.append(with_code_line(Diagnostic(
            stage=Stage.emit, severity=sev, message=msg, line=line,
            column=_fix_col(line, int(m.group("col")), prefix_len) if on_candidate else None,
            category=classify_firtool(msg) if sev == "error" else None,
        ), lines))
    if not any(d.severity == "error" for d in diags) and stderr.strip():
        tail = [ln for ln in stderr.strip().splitlines() if ln.strip()][-3:]
        msg = " | ".join(tail)[:500]
        diags.append(Diagnostic(stage=Stage.emit, message=msg, category=classify_firtool(msg)))
    return _dedup([_locate_widthless_port(d, lines) for d in diags])


_WIDTHLESS_PORT = re.compile(r"\b(?:Input|Output)\s*\(\s*(?:UInt|SInt|Bits)\s*\(\s*\)\s*\)")


def _locate_widthless_port(d: Diagnostic, lines: list[str]) -> Diagnostic:
    """firtool 1.155 says "public module port must have known width" with no location: point the
    repair at the first port declared without a width, so the prompt shows the line to fix."""
    if d.line is None and "must have known width" in d.message:
        for number, text in enumerate(lines, 1):
            if _WIDTHLESS_PORT.search(text):
                d.line = number
                return with_code_line(d, lines)
    return d


def _dedup(diags: list[Diagnostic]) -> list[Diagnostic]:
    seen, out = set(), []
    for d in diags:
        key = (d.severity, d.line, d.message)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out
