"""Read module port lists out of (System)Verilog text: names, directions, widths.

Handles what firtool emits (ANSI headers where a port without its own direction/range inherits
the previous one: `input [7:0] io_a,\n io_b`) as well as hand-written references (`output reg`,
`input wire signed`, `logic`, parameterised ranges, non-ANSI `module m(a, b); input a; ...`).
"""
from __future__ import annotations

import ast
import operator
import re
from dataclasses import dataclass
from reflect_env.errors import ReflectEnvError

DIRECTIONS = ("input", "output", "inout")
# Words that may sit between the direction and the name without changing the width.
_NET_WORDS = {"wire", "reg", "logic", "var", "tri", "wand", "wor", "uwire", "tri0", "tri1", "supply0", "supply1"}
_FIXED_WIDTH = {"integer": 32, "int": 32, "bit": 1, "byte": 8, "shortint": 16, "longint": 64}
_IDENT = r"[A-Za-z_][A-Za-z0-9_$]*"


class PortError(ReflectEnvError, ValueError):
    """The module or one of its ports could not be read."""


@dataclass(frozen=True)
class Port:
    name: str
    direction: str  # "input" | "output" | "inout"
    width: int
    signed: bool = False

    def describe(self) -> str:
        rng = f" [{self.width - 1}:0]" if self.width > 1 else ""
        return f"{self.direction}{rng} {self.name}"


def strip_comments(sv: str) -> str:
    """Blank out comments and attributes, keeping string literals and line structure intact."""
    out: list[str] = []
    i, n = 0, len(sv)
    while i < n:
        c = sv[i]
        if c == '"':
            j = i + 1
            while j < n and sv[j] != '"':
                j += 2 if sv[j] == "\\" else 1
            out.append(sv[i:j + 1])
            i = j + 1
        elif sv.startswith("//", i):
            j = sv.find("\n", i)
            i = n if j < 0 else j
        elif sv.startswith("/*", i):
            j = sv.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", sv[i:j]))
            i = j
        elif sv.startswith("(*", i) and not sv.startswith("(*)", i):
            j = sv.find("*)", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", sv[i:j]))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


_MODULE_RE = re.compile(rf"\b(?:module|macromodule)\s+(?:(?:static|automatic)\s+)?({_IDENT})")


def module_names(sv: str) -> list[str]:
    """Every module defined in the text, in order."""
    return [m.group(1) for m in _MODULE_RE.finditer(strip_comments(sv))]


def _balanced(text: str, start: int) -> int:
    """Index just past the parenthesis group that opens at text[start] == '('."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    raise PortError("unbalanced parentheses in module header")


def _split_top(text: str, sep: str = ",") -> list[str]:
    """Split on `sep` outside of (), [], {}."""
    parts, depth = [], 0
    cur: list[str] = []
    for c in text:
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        if c == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(c)
    parts.append("".join(cur))
    return [p.strip() for p in parts if p.strip()]


def _module_text(clean: str, module: str) -> tuple[str | None, str, str]:
    """(parameter header, port header, body) of `module` in comment-free text."""
    for m in _MODULE_RE.finditer(clean):
        if m.group(1) != module:
            continue
        i = m.end()
        end = re.compile(r"\bendmodule\b").search(clean, i)
        stop = end.start() if end else len(clean)
        rest = clean[i:stop]
        j = 0
        params = None
        while j < len(rest) and rest[j].isspace():
            j += 1
        # SV package imports in the header are skipped (`module m import p::*; (...)`).
        imp = re.match(r"(\s*import\s+[^;]*;)+", rest[j:])
        if imp:
            j += imp.end()
            while j < len(rest) and rest[j].isspace():
                j += 1
        if rest.startswith("#", j):
            k = rest.index("(", j)
            close = _balanced(rest, k)
            params = rest[k + 1:close - 1]
            j = close
            while j < len(rest) and rest[j].isspace():
                j += 1
        if j < len(rest) and rest[j] == "(":
            close = _balanced(rest, j)
            return params, rest[j + 1:close - 1], rest[close:]
        return params, "", rest[j:]
    raise PortError(f"module {module} not found (defined: {', '.join(module_names(clean)) or 'none'})")


# ---- constant expressions in ranges -------------------------------------------------------------

_NUMBER_RE = re.compile(r"(\d+)?\s*'\s*[sS]?([bBoOdDhH])\s*([0-9a-fA-F_xXzZ?]+)")
_BASES = {"b": 2, "o": 8, "d": 10, "h": 16}
_OPS = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.FloorDiv: operator.floordiv,
    ast.Div: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow, ast.LShift: operator.lshift,
    ast.RShift: operator.rshift,
}


def _clog2(v: int) -> int:
    return max(0, (v - 1).bit_length())


def _eval_const(expr: str, params: dict[str, int]) -> int:
    text = _NUMBER_RE.sub(lambda m: str(int(m.group(3).replace("_", ""), _BASES[m.group(2).lower()])), expr)
    text = text.replace("$clog2", "clog2")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as e:
        raise PortError(f"cannot evaluate range expression '{expr.strip()}'") from e

    def ev(node) -> int:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        if isinstance(node, ast.Name):
            if node.id in params:
                return params[node.id]
            raise PortError(f"unknown parameter '{node.id}' in range expression '{expr.strip()}'")
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v = ev(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "clog2" and len(node.args) == 1:
            return _clog2(ev(node.args[0]))
        raise PortError(f"cannot evaluate range expression '{expr.strip()}'")

    return ev(tree)


def _collect_params(params_header: str | None, body: str) -> dict[str, int]:
    """Parameter defaults (header and body), evaluated in order so later ones may use earlier ones."""
    values: dict[str, int] = {}
    decls: list[str] = []
    if params_header:
        decls += _split_top(params_header)
    for pm in re.finditer(r"\b(?:parameter|localparam)\b([^;]*);", body):
        decls += _split_top(pm.group(1))
    for d in decls:
        m = re.search(rf"({_IDENT})\s*(?:\[[^\]]*\]\s*)*=\s*(.+)$", d, re.S)
        if not m:
            continue
        try:
            values[m.group(1)] = _eval_const(m.group(2), values)
        except PortError:
            pass  # string or real parameters never size a port we can drive
    return values


# ---- port declarations --------------------------------------------------------------------------

@dataclass
class _Style:
    """The direction / type / range a port inherits from the one before it."""
    direction: str | None = None
    width: int = 1
    signed: bool = False


def _parse_decl(item: str, prev: _Style, params: dict[str, int]) -> tuple[str, _Style]:
    """One comma-separated port item -> (name, style it declares)."""
    item = re.sub(r"\s*=.*$", "", item, flags=re.S).strip()  # default values
    tokens = re.findall(rf"\[[^\]]*\]|{_IDENT}|\S", item)
    if not tokens:
        raise PortError(f"empty port declaration '{item}'")
    has_direction = tokens[0] in DIRECTIONS
    has_type = any(t in _NET_WORDS or t in _FIXED_WIDTH or t in ("signed", "unsigned") or t.startswith("[")
                   for t in tokens[:-1])
    if not has_direction and not has_type:
        if prev.direction is None or len(tokens) != 1:
            raise PortError(f"cannot read port declaration '{item}'")
        return tokens[0], prev  # firtool-style continuation: same direction, type and range
    style = _Style(direction=tokens[0] if has_direction else prev.direction)
    rest = tokens[1:] if has_direction else tokens
    name = None
    packed: list[int] = []
    unpacked = False
    for t in rest:
        if t in _NET_WORDS or t == "unsigned":
            continue
        if t == "signed":
            style.signed = True
        elif t in _FIXED_WIDTH:
            packed.append(_FIXED_WIDTH[t])
            style.signed = style.signed or t != "bit"
        elif t.startswith("["):
            if name is not None:
                unpacked = True
                continue
            packed.append(_range_width(t, params))
        elif re.fullmatch(_IDENT, t):
            if name is not None:
                raise PortError(f"port type '{name}' is not supported in '{item}' (interfaces/structs)")
            name = t
        else:
            raise PortError(f"cannot read port declaration '{item}'")
    if name is None or style.direction is None:
        raise PortError(f"cannot read port declaration '{item}'")
    if unpacked:
        raise PortError(f"port '{name}' is an unpacked array; only scalar and vector ports are supported")
    width = 1
    for w in packed:
        width *= w
    style.width = width
    return name, style


def _range_width(rng: str, params: dict[str, int]) -> int:
    inner = rng.strip()[1:-1]
    if ":" not in inner:  # SystemVerilog [N] means [0:N-1]
        return _eval_const(inner, params)
    msb, lsb = inner.split(":", 1)
    return abs(_eval_const(msb, params) - _eval_const(lsb, params)) + 1


def parse_ports(sv: str, module: str) -> list[Port]:
    """The ports of `module` in header order. Raises PortError with a readable message."""
    clean = strip_comments(sv)
    params_header, header, body = _module_text(clean, module)
    params = _collect_params(params_header, body)
    items = _split_top(header)
    if not items:
        return []
    first = re.findall(_IDENT, items[0])
    if first and first[0] in DIRECTIONS:
        return _ansi_ports(items, params)
    return _non_ansi_ports(items, body, params, module)


def _ansi_ports(items: list[str], params: dict[str, int]) -> list[Port]:
    ports, style = [], _Style()
    for item in items:
        name, style = _parse_decl(item, style, params)
        assert style.direction is not None  # _parse_decl rejects a declaration without one
        ports.append(Port(name, style.direction, style.width, style.signed))
    return ports


def uses_signal(sv: str, module: str, name: str) -> bool:
    """Whether `module`'s body (not its header) mentions `name`: a reset that the body never reads
    is one the design ignores."""
    _, _, body = _module_text(strip_comments(sv), module)
    return re.search(rf"(?<![\w$]){re.escape(name)}(?![\w$])", body) is not None


def _non_ansi_ports(items: list[str], body: str, params: dict[str, int], module: str) -> list[Port]:
    """`module m(a, b); input [3:0] a; output reg b;` - directions come from body statements."""
    order = []
    for item in items:
        if not re.fullmatch(_IDENT, item):
            raise PortError(f"cannot read port '{item}' of module {module}")
        order.append(item)
    found: dict[str, Port] = {}
    for m in re.finditer(r"\b(input|output|inout)\b([^;]*);", body):
        style = _Style()
        for part in _split_top(m.group(1) + " " + m.group(2)):
            name, style = _parse_decl(part, style, params)
            assert style.direction is not None  # _parse_decl rejects a declaration without one
            found[name] = Port(name, style.direction, style.width, style.signed)
    missing = [n for n in order if n not in found]
    if missing:
        raise PortError(f"module {module}: no direction declared for port(s) {', '.join(missing)}")
    return [found[n] for n in order]
