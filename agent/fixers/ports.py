"""The spec's port names used as plain Scala names inside a module with an `io` bundle.

A small model asked for `val io = IO(new Bundle { val a = ...; val out = Output(...) })` often writes
the body as if the ports were in scope (VerilogEval's spec lists them bare):

    val out = a ^ b        // not found: value a, value b; and io.out is never driven

Two fixes, each sure of what was meant:
- `bare_port` (driven by the compiler): where scalac says `not found: value a` at a position that
  holds exactly `a`, and `a` is a port of the enclosing module's `io` bundle, it becomes `io.a`. The
  compiler's position is the proof that nothing else named `a` is in scope there.
- `shadowed_output` (from the code): a module whose output port `out` is never mentioned (no `io.out`,
  no use of `io` as a whole) but which defines one `val out = <hardware>` in its body gets
  `io.out := out` as its last statement. Such a design cannot be correct as written (Chisel rejects
  an undriven output: `io_out not fully initialized`), so no correct design is changed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from agent.fixers.base import Edit, FixContext, FixRecord
from agent.fixers.scala_lex import IDENT, bracket_depth, line_of, mask, matching_close, module_classes, offset_of

_IO_RE = re.compile(r"\bval\s+io\s*=\s*IO\s*\(\s*new\s+Bundle\s*\{")
_FIELD_RE = re.compile(r"\bval\s+(" + IDENT + r")\s*=\s*(Input|Output)?")
_NOT_FOUND_VALUE_RE = re.compile(r"^not found: value (" + IDENT + r")$")
# Right-hand sides that are Chisel types, not hardware: `io.out := out` would not elaborate.
_TYPE_RHS_RE = re.compile(r"\s*(?:Input|Output|Flipped|UInt|SInt|Bool|Vec|Clock|new)\b")


@dataclass
class ModuleIO:
    """A module class's body span and its `io` bundle's fields (name -> "Input"/"Output"/"")."""

    body: tuple[int, int]  # the `{` and `}` of the class body
    bundle: tuple[int, int]  # the `{` and `}` of `new Bundle { ... }`
    fields: dict[str, str]


def module_ios(code: str) -> list[ModuleIO]:
    """Every module class in `code` with an inline `val io = IO(new Bundle { ... })`."""
    m = mask(code)
    found = []
    for decl in module_classes(code):
        body = _body_span(code, m, decl.start)
        if body is None:
            continue
        io = _IO_RE.search(m, body[0], body[1])
        if io is None:
            continue
        close = matching_close(code, io.end() - 1, m)
        if close is None:
            continue
        found.append(ModuleIO(body, (io.end() - 1, close), _fields(m, io.end(), close)))
    return found


def _body_span(code: str, m: str, start: int) -> tuple[int, int] | None:
    """The class body's braces: the first `{` after the declaration outside its parameter lists."""
    depth = 0
    for j in range(start, len(m)):
        c = m[j]
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == "{" and depth == 0:
            close = matching_close(code, j, m)
            return None if close is None else (j, close)
    return None


def _fields(m: str, start: int, end: int) -> dict[str, str]:
    """The bundle's own fields (depth 0 inside its braces), with their direction when it is given."""
    fields: dict[str, str] = {}
    for match in _FIELD_RE.finditer(m, start, end):
        if bracket_depth(m, start, match.start()) == 0:
            fields[match.group(1)] = match.group(2) or ""
    return fields


def _enclosing(ios: list[ModuleIO], at: int) -> ModuleIO | None:
    """The innermost module body holding `at` (outside its io bundle's declaration)."""
    inside = [io for io in ios if io.body[0] < at < io.body[1]]
    if not inside:
        return None
    io = max(inside, key=lambda x: x.body[0])
    return None if io.bundle[0] <= at <= io.bundle[1] else io


def bare_port_edits(code: str, ctx: FixContext) -> list[Edit]:
    """`not found: value a` on a port name of the enclosing module's io bundle -> `io.a`."""
    edits: list[Edit] = []
    ios = None
    for d in ctx.diagnostics:
        name_match = _NOT_FOUND_VALUE_RE.match(d.message.strip()) if d.message else None
        if not name_match or d.line is None or d.column is None:
            continue
        name = name_match.group(1)
        at = offset_of(code, d.line, d.column)
        if at is None or not _is_bare_name(code, at, name):
            continue  # the diagnostic is not about this code (or not about a plain name)
        ios = module_ios(code) if ios is None else ios
        io = _enclosing(ios, at)
        if io is not None and name in io.fields:
            edits.append(Edit(at, at, "io.", FixRecord(fixer="diagnosed", rule="bare port name -> io.port", detail=name,
                                                        line=d.line)))
    return edits


def _is_bare_name(code: str, at: int, name: str) -> bool:
    """Does `code` hold exactly the identifier `name` at `at`, in code (not in a string or a comment)
    and not as a member (`x.name`)?"""
    if code[at:at + len(name)] != name or mask(code)[at:at + len(name)] != name:
        return False
    after = code[at + len(name):at + len(name) + 1]
    before = code[:at].rstrip()[-1:]
    return not re.match(r"[\w$]", after) and before != "." and not re.match(r"[\w$]", code[at - 1:at] if at else "")


def fix_shadowed_outputs(code: str, ctx: FixContext) -> tuple[str, list[FixRecord]]:
    """`val out = expr` in a module whose output `io.out` is never mentioned -> drive it at the end."""
    records: list[FixRecord] = []
    # From the last module up: an insertion moves nothing before it.
    for io in sorted(module_ios(code), key=lambda x: x.body[0], reverse=True):
        m = mask(code)
        used = _io_uses(m, io)
        if used is None:
            continue  # `io` used as a whole (bulk connect, passed along, ...): leave it
        lines = []
        for port, direction in io.fields.items():
            if direction != "Output" or port in used:
                continue
            if _single_local_val(m, io, port):
                lines.append(f"io.{port} := {port}")
        if lines:
            code, line = _append_statements(code, io.body[1], lines)
            records += [FixRecord(fixer="shadowed_outputs", rule="drive the output its local val shadows", detail=s, line=line + i)
                        for i, s in enumerate(lines)]
    return code, records


def _io_uses(m: str, io: ModuleIO) -> set[str] | None:
    """The fields the module body selects from its own `io` (`io.x`, `this.io.x`); None when `io`
    appears any other way (`io <> x`, `f(io)`, `io.elements`)."""
    used: set[str] = set()
    body = m[io.body[0] + 1:io.body[1]]
    offset = io.body[0] + 1
    for match in re.finditer(r"(?<![\w$])io(?![\w$])", body):
        at = offset + match.start()
        before = m[:at].rstrip()
        if before.endswith(".") and not re.search(r"(?<![\w$.])this\s*\.$", before):
            continue  # another instance's io (`child.io`)
        if re.search(r"(?<![\w$])val$", before):
            continue  # the declaration itself
        sel = re.match(r"io\s*\.\s*(" + IDENT + ")", body[match.start():])
        if sel is None or sel.group(1) not in io.fields:
            return None
        used.add(sel.group(1))
    return used


def _single_local_val(m: str, io: ModuleIO, port: str) -> bool:
    """Exactly one definition of `port` in the body, a `val`/`var` at the body's top level whose
    right-hand side is not a bare Chisel type."""
    start, end = io.body[0] + 1, io.body[1]
    # The bundle's own `val out = Output(...)` is the port, not a local: blank it out.
    m = m[:io.bundle[0]] + re.sub(r"[^\n]", " ", m[io.bundle[0]:io.bundle[1] + 1]) + m[io.bundle[1] + 1:]
    defs = list(re.finditer(r"\b(?:val|var|def|object|class)\s+" + re.escape(port) + r"(?![\w$])", m[start:end]))
    # Parameters and lambda/pattern bindings of the same name would make `port` mean something else.
    params = re.search(r"(?<![\w$.])" + re.escape(port) + r"\s*(?::(?!=)|=>|<-)", m[start:end])
    if len(defs) != 1 or params or not defs[0].group(0).startswith(("val", "var")):
        return False
    at = start + defs[0].start()
    if bracket_depth(m, start, at) != 0:
        return False
    rhs = re.match(r"(?:val|var)\s+" + re.escape(port) + r"\s*(?::[^=\n]+)?=", m[at:])
    return rhs is not None and not _TYPE_RHS_RE.match(m, at + rhs.end())


def _append_statements(code: str, close: int, statements: list[str]) -> tuple[str, int]:
    """Insert statements just before the body's closing brace; returns the code and the first line."""
    line_start = code.rfind("\n", 0, close) + 1
    indent = code[line_start:len(code) - len(code[line_start:].lstrip(" \t"))]
    if code[line_start:close].strip():  # `... }` on one line: open a new line before the brace
        text = "".join(f"\n{indent}  {s}" for s in statements) + "\n" + indent
        return code[:close] + text + code[close:], line_of(code, close) + 1
    text = "".join(f"{indent}  {s}\n" for s in statements)
    return code[:line_start] + text + code[line_start:], line_of(code, line_start)
