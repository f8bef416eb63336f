"""The interface a specification states, read from the spec itself (or given by the user).

In order of trust, the first that finds ports wins:
  1. `flag` / `ports-block`: the user's explicit list (`--ports "a:input:8,sum:output:8"`, or a
     `ports:` block in the spec file, one `name: direction [width]` per indented line);
  2. `chisel-io`: `val x = Input(UInt(8.W))` lines (the own benchmark's "Exact IO"); exhaustive;
  3. `port-list`: VerilogEval's ` - input  d (8 bits)` list ("one bit unless otherwise specified");
     exhaustive; `verilog-header`: a Verilog module header the spec quotes (`input [7:0] a`,
     `output reg [3:0] q`), read with the harness's port parser, names and directions only; exhaustive;
  4. `prose`: high-precision phrases only ("two 8-bit inputs `a`, `b`", "an 8-bit output sum",
     "the output `sum` 9 bits wide", "a boolean output `result`"); a port stated twice with two
     widths keeps no width. Not exhaustive: a design port the prose does not mention is allowed.
  5. `model`: the served model answers a JSON prompt (prompts/interface.j2), only when 1-4 found
     nothing; kept only where the spec's text backs it (see `from_model_answer`). Not exhaustive.
A wrong interface rejects correct designs, so every source errs towards checking less.
"""
from __future__ import annotations

import json
import re

from agent.errors import ChiselAgentError
from reflect_env.interface import DIRECTIONS, Interface, SpecPort
from reflect_env.sim.ports import PortError, module_names, parse_ports

_IDENT = r"[A-Za-z_]\w*"
_DIR_WORDS = {"input": "input", "in": "input", "i": "input", "output": "output", "out": "output", "o": "output",
              "inout": "inout"}


class InterfaceError(ChiselAgentError, ValueError):
    """An explicit port list that cannot be read; the message is one line."""


# -- 1. explicit: --ports flag and `ports:` block --------------------------------------------------

def parse_port_entry(text: str) -> SpecPort:
    """`sum: output 8`, `sum:out:8`, `sum output 8`, `en input` -> SpecPort."""
    parts = [p for p in re.split(r"[:\s]+", text.strip()) if p]
    if len(parts) not in (2, 3) or not re.fullmatch(_IDENT, parts[0]) or parts[1].lower() not in _DIR_WORDS:
        raise InterfaceError(f"cannot read port {text.strip()!r}: expected NAME:DIRECTION[:WIDTH], "
                             "e.g. sum:output:8 (direction input, output or inout)")
    width = None
    if len(parts) == 3:
        m = re.fullmatch(r"(?:U?Int|SInt|UInt)?\(?(\d+)(?:\.W)?\)?", parts[2])
        if not m or int(m.group(1)) < 1:
            raise InterfaceError(f"cannot read the width of port {text.strip()!r}: expected a positive integer")
        width = int(m.group(1))
    return SpecPort(parts[0], _DIR_WORDS[parts[1].lower()], width, quote=text.strip())


def parse_ports_flag(text: str) -> Interface:
    """The `--ports` flag: comma-separated entries. Exhaustive: the user listed every port."""
    if not text.strip():
        raise InterfaceError("--ports is empty: expected e.g. a:input:8,b:input:8,sum:output:8")
    entries = text.split(",")
    # The list is exhaustive, so an empty entry (a stray comma, a port lost in editing) is refused,
    # not dropped: the check would otherwise run on fewer ports than the user meant to give.
    empty = next((n for n, e in enumerate(entries, start=1) if not e.strip()), None)
    if empty is not None:
        raise InterfaceError(f"--ports entry {empty} of {len(entries)} is empty in {text!r}: "
                             f"expected e.g. a:input:8,b:input:8,sum:output:8")
    return Interface(_unique([parse_port_entry(e) for e in entries]), "flag", exhaustive=True)


_BLOCK_RE = re.compile(r"^ports:[ \t]*\n((?:[ \t]+\S.*(?:\n|$))+)", re.M | re.I)


def ports_block(spec: str) -> Interface | None:
    m = _BLOCK_RE.search(spec)
    if not m:
        return None
    entries = [ln.strip().lstrip("-").strip() for ln in m.group(1).splitlines() if ln.strip()]
    return Interface(_unique([parse_port_entry(e) for e in entries]), "ports-block", exhaustive=True)


def _unique(ports: list[SpecPort]) -> list[SpecPort]:
    seen = set()
    for p in ports:
        if p.name in seen:
            raise InterfaceError(f"port {p.name} is listed twice")
        seen.add(p.name)
    return ports


# -- 2. Chisel IO lines ---------------------------------------------------------------------------

_VAL_RE = re.compile(rf"\bval\s+({_IDENT})\s*=\s*(?:IO\s*\(\s*)?(Input|Output|Flipped|Decoupled|Valid|"
                     rf"new\s+Bundle|Vec)\b")
_SCALAR_RE = re.compile(r"^(UInt|SInt|Bool|Clock|AsyncReset|Reset)\s*\(\s*(?:(\d+)\s*\.W)?\s*\)$")


def _group(text: str, start: int) -> int:
    """Index just past the parenthesis group opening at or after `start` (len(text) if unbalanced)."""
    i = text.find("(", start)
    if i < 0:
        return start
    depth = 0
    for j in range(i, len(text)):
        depth += {"(": 1, ")": -1}.get(text[j], 0)
        if depth == 0:
            return j + 1
    return len(text)


def chisel_io(spec: str) -> Interface | None:
    ports: list[SpecPort] = []
    covered_until = -1
    for m in _VAL_RE.finditer(spec):
        if m.start() < covered_until:  # a field of a bundle type already taken as one aggregate port
            continue
        name, head = m.group(1), m.group(2)
        if name == "io" and head.startswith("new"):
            continue  # the io bundle itself: its fields are the ports
        end = _group(spec, m.start(2))
        covered_until = end
        quote = " ".join(spec[m.start():end].split())
        direction = {"Input": "input", "Output": "output"}.get(head)
        inner = spec[m.end(2):end].strip()
        inner = inner[1:-1].strip() if inner.startswith("(") and inner.endswith(")") else inner
        scalar = _SCALAR_RE.match(inner) if direction else None
        if scalar:
            kind, width = scalar.group(1), scalar.group(2)
            w = int(width) if width else (None if kind in ("UInt", "SInt") else 1)
            ports.append(SpecPort(name, direction, w, quote=quote))
        else:  # Valid/Decoupled/Vec/Bundle, or a width that is a parameter expression
            aggregate = not re.fullmatch(r"(UInt|SInt)\s*\(.*\)", inner)
            ports.append(SpecPort(name, direction, None, aggregate=aggregate, quote=quote))
    if not ports or len({p.name for p in ports}) != len(ports):
        return None  # two fields with one name: nested bundles we do not model
    return Interface(ports, "chisel-io", exhaustive=True)


# -- 3. VerilogEval port lists --------------------------------------------------------------------

# ` - input  in  (8  bits)`, ` - output out_hi ( 8 bits)`, ` - input  clk,` (a stray comma in 3 prompts).
_LIST_RE = re.compile(rf"^\s*-\s*(input|output|inout)\s+({_IDENT})\s*(?:\(\s*(\d+)\s*bits?\s*\)|"
                      rf"\[(\d+)\s*:\s*(\d+)\])?\s*,?\s*$", re.M)


def port_list(spec: str) -> Interface | None:
    ports = []
    for m in _LIST_RE.finditer(spec):
        if m.group(3):
            width = int(m.group(3))
        elif m.group(4):
            width = abs(int(m.group(4)) - int(m.group(5))) + 1
        else:
            width = 1  # "All input and output ports are one bit unless otherwise specified."
        ports.append(SpecPort(m.group(2), m.group(1), width, quote=m.group(0).strip()))
    return Interface(ports, "port-list", exhaustive=True) if ports else None


# -- 3b. a Verilog module header quoted in the spec ----------------------------------------------

def verilog_header(spec: str) -> Interface | None:
    """The ports of a Verilog module the spec quotes (VerilogEval's "this module has a bug" problems:
    `module TopModule ( input [7:0] a, output reg [7:0] out );`); exhaustive. Read with the harness's
    own port parser, so `output reg [3:0] q` and several ports per declaration are read as Verilog is."""
    names = module_names(spec)
    if not names:
        return None
    try:
        ports = parse_ports(spec, names[0])
    except PortError:
        return None
    # The quoted module may hold the very bug the spec asks to fix (Prob062's 8-bit mux has `output out`,
    # one bit): its names and directions are kept, its widths are not checked.
    found = [SpecPort(p.name, p.direction, None, quote=p.describe()) for p in ports]
    return Interface(found, "verilog-header", exhaustive=True) if found else None


# -- 4. prose ------------------------------------------------------------------------------------

# Words that end a list of bare names ("8-bit input signal and directly forward it" names no port).
_STOP = {"a", "an", "the", "and", "or", "of", "to", "that", "which", "with", "is", "are", "be", "for", "as", "it",
         "its", "on", "in", "signal", "signals", "port", "ports", "value", "values", "data", "number", "numbers",
         "bus", "wire", "line", "should", "must", "will", "named", "called", "where", "when", "while", "from",
         "each", "both", "two", "three", "four", "one", "bit", "bits", "wide", "width", "unsigned", "signed"}
_NAME = rf"`?({_IDENT})`?"
_WIDTH = r"(?:(\d+)[- ]bits?|(boolean|single[- ]bit|one[- ]bit|1[- ]bit|Bool))"
_NOUN = r"(inputs?|outputs?)"
_FILLER = r"(?:(?:unsigned|signed|data|select|control|enable|result|value|wide)\s+)*"
_LEAD = rf"\b{_WIDTH}\s+{_FILLER}{_NOUN}\b\s*(?:(?:signals?|ports?|named|called|:)\s*)*"
_WIDE_RE = re.compile(rf"\b{_NOUN}\s+(?:port\s+|signal\s+)?`({_IDENT})`\s+(?:should\s+be\s+|must\s+be\s+|is\s+|of\s+)?"
                      rf"(?:\(?\s*(\d+)\s*bits?\s*(?:wide)?\)?|(\d+)-bit\s+wide)", re.I)


def _names_after(text: str, pos: int) -> tuple[list[str], int]:
    """Names listed at text[pos:]: `a`, `b` and `c` / a, b and c; stops at the first other word.
    All names of one list are quoted alike, so "`a` and `b`, producing" stops before "producing"."""
    names: list[str] = []
    i, quoted = pos, None
    while True:
        m = re.match(r"\s*(?:,\s*and\b|,|\band\b)\s*", text[i:]) if names else re.match(r"\s*", text[i:])
        if not m:
            return names, i
        j = i + m.end()
        n = re.match(rf"(`)?({_IDENT})(`)?", text[j:])
        if not n or bool(n.group(1) and n.group(3)) != (quoted if quoted is not None else bool(n.group(1))):
            return names, i
        name, after = n.group(2), text[j + n.end():]
        if not n.group(1):
            # A bare word is a name only if it is short and not English; an article `a` only where
            # a list or an expression follows ("inputs a, b", "input a and ...", "a = ...").
            article = name == "a" and re.match(r"\s*(?:,|and\b|=|\)|;|\.|$)", after)
            if len(name) > 12 or (name.lower() in _STOP and not article) or re.match(r"\s*\(", after):
                return names, i
        quoted = bool(n.group(1))
        names.append(name)
        i = j + n.end()


def _sentence(spec: str, start: int, end: int) -> str:
    left = max(spec.rfind(".", 0, start), spec.rfind("\n", 0, start)) + 1
    right = min([x for x in (spec.find(". ", end), spec.find("\n", end)) if x >= 0] or [len(spec)])
    return " ".join(spec[left:right].split())[:200]


def prose(spec: str) -> Interface | None:
    found: dict[str, list[SpecPort]] = {}
    for m in re.finditer(_LEAD, spec, re.I):
        width = int(m.group(1)) if m.group(1) else 1
        direction = "input" if m.group(3).lower().startswith("in") else "output"
        names, end = _names_after(spec, m.end())
        if len(names) > 1 and m.group(3).lower() in ("input", "output"):
            names = names[:1]  # "an 8-bit output sum and a carry" names one output
        for name in names:
            found.setdefault(name, []).append(SpecPort(name, direction, width, quote=_sentence(spec, m.start(), end)))
    for m in re.finditer(rf"\b{_NOUN}\s+(?:(?:signals?|ports?|named|called)\s+)*(?=`)", spec, re.I):
        direction = "input" if m.group(1).lower().startswith("in") else "output"
        names, end = _names_after(spec, m.end())
        for name in names if m.group(1).lower().endswith("s") else names[:1]:
            found.setdefault(name, []).append(SpecPort(name, direction, None, quote=_sentence(spec, m.start(), end)))
    for m in _WIDE_RE.finditer(spec):
        direction = "input" if m.group(1).lower().startswith("in") else "output"
        width = int(m.group(3) or m.group(4))
        found.setdefault(m.group(2), []).append(
            SpecPort(m.group(2), direction, width, quote=_sentence(spec, m.start(), m.end())))
    ports = []
    for name, mentions in found.items():
        directions = {p.direction for p in mentions}
        widths = {p.width for p in mentions if p.width is not None}
        ports.append(SpecPort(name, directions.pop() if len(directions) == 1 else None,
                              widths.pop() if len(widths) == 1 else None,
                              quote=next((p.quote for p in mentions if p.width is not None), mentions[0].quote)))
    return Interface(ports, "prose") if ports else None


# -- 5. the model's answer -----------------------------------------------------------------------

def from_model_answer(spec: str, answer: str) -> Interface | None:
    """The model's JSON answer ({"ports": [{"name", "direction", "width"}]}) filtered by the spec's
    text: a port is kept only if its name occurs in the spec as a word, a width only if the spec
    writes that number as a width (`8-bit`, `8 bits`, `8.W`); so a small model's guesses never
    become requirements. None when nothing usable remains."""
    m = re.search(r"\{.*\}", answer, re.S)
    if not m:
        return None
    try:
        data = json.loads(m.group(0))
    except json.JSONDecodeError:
        return None
    items = data.get("ports") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return None
    ports, seen = [], set()
    for item in items:
        if not isinstance(item, dict):
            continue
        name = item.get("name")
        if not isinstance(name, str) or not re.fullmatch(_IDENT, name) or name in seen:
            continue
        word = re.search(rf"[`'\"]{re.escape(name)}[`'\"]", spec)
        if word is None and name.lower() not in _STOP | set(_DIR_WORDS):
            word = re.search(rf"(?<![\w$]){re.escape(name)}(?![\w$])", spec)
        if not word:
            continue
        direction = item.get("direction")
        direction = _DIR_WORDS.get(direction.lower()) if isinstance(direction, str) else None
        width = item.get("width")
        if not (isinstance(width, int) and not isinstance(width, bool) and width > 0 and re.search(
                rf"(?<!\d){width}(?:[- ]bits?\b|\.W\b)", spec)):
            width = None
        seen.add(name)
        ports.append(SpecPort(name, direction if direction in DIRECTIONS else None, width,
                              quote=_sentence(spec, word.start(), word.end())))
    return Interface(ports, "model") if ports else None


def parse_interface(spec: str) -> Interface | None:
    """The interface the spec's text states (sources 1-4), or None when it states none we can read.
    Raises InterfaceError for a `ports:` block that is malformed (the user meant it)."""
    # A worked example the task's instructions carry (agent.eval.benchmarks, VerilogEval) states another
    # problem's ports: never this one's.
    spec = re.sub(r"^--- worked example[^\n]*---$.*?^--- end of worked example ---$", "", spec, flags=re.S | re.M)
    for reader in (ports_block, chisel_io, port_list, verilog_header, prose):
        found = reader(spec)
        if found is not None and found.ports:
            return found
    return None
