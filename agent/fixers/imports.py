"""Missing imports: the single most common compile error in model-written Chisel.

One table maps identifiers to the import that provides them. It serves three uses: hints in the
prompt (identifiers the spec mentions), a fix on code (identifier used, import missing) and a fix
driven by `not found: value X` diagnostics.
"""
from __future__ import annotations

import re

from agent.fixers.base import FixContext, FixRecord
from agent.fixers.scala_lex import IDENT, defined_names, mask
from reflect_env.diagnostics import UTIL_NAMES

UTIL = "chisel3.util._"
CORE = "chisel3._"

# The verifier's list: the names whose `not found` it categorizes as missing_import.
_UTIL_NAMES = sorted(UTIL_NAMES)

_CORE_NAMES = """
Module RawModule Bundle Vec VecInit UInt SInt Bool Bits Input Output Flipped IO Wire WireInit WireDefault
Reg RegInit RegNext Mux when Clock Reset AsyncReset DontCare withClock withReset withClockAndReset
ChiselEnum printf assert chiselTypeOf Mem SyncReadMem BlackBox
""".split()

IMPORT_TABLE: dict[str, str] = {**{n: UTIL for n in _UTIL_NAMES}, **{n: CORE for n in _CORE_NAMES}}
IMPORT_TABLE.update({
    "ChiselStage": "_root_.circt.stage.ChiselStage",  # _root_: chisel3.util._ shadows `circt`
    "DataMirror": "chisel3.reflect.DataMirror",
    "Analog": "chisel3.experimental.Analog",
    "attach": "chisel3.experimental.attach",
    "IntParam": "chisel3.experimental.IntParam",
    "StringParam": "chisel3.experimental.StringParam",
    "BoringUtils": "chisel3.util.experimental.BoringUtils",
    "loadMemoryFromFile": "chisel3.util.experimental.loadMemoryFromFile",
    "loadMemoryFromFileInline": "chisel3.util.experimental.loadMemoryFromFileInline",
    "TruthTable": "chisel3.util.experimental.decode.TruthTable",
    "decoder": "chisel3.util.experimental.decode.decoder",
})
# `.Lit(...)` on bundles needs an implicit class import, found by pattern rather than name.
_BUNDLE_LIT_RE = re.compile(r"\.Lit\s*\(\s*_\s*\.")
BUNDLE_LIT_IMPORT = "chisel3.experimental.BundleLiterals._"

# Spec words that suggest a util identifier, for prompt hints only.
_SPEC_CUES: list[tuple[str, list[str]]] = [
    (r"concatenat|shift register|\bcat\b", ["Cat"]),
    (r"state machine|\bfsm\b|\bstates?\b", ["ChiselEnum", "Enum", "switch", "is"]),
    (r"population count|count(?:s|ing)? (?:the )?(?:number of )?(?:ones|1s|set bits)|popcount", ["PopCount"]),
    (r"priority", ["PriorityEncoder", "PriorityMux"]),
    (r"one[- ]hot", ["UIntToOH", "OHToUInt", "Mux1H"]),
    (r"revers", ["Reverse"]),
    (r"replicat|sign[- ]exten", ["Fill", "Cat"]),
    (r"log2|logarithm|clog2|bit width of", ["log2Ceil"]),
    (r"\bfifo\b|\bqueue\b", ["Queue", "Decoupled"]),
    (r"ready|valid|handshake|decoupled", ["Decoupled", "Valid"]),
    (r"\bcounter\b", ["Counter"]),
    (r"lookup|case table|truth table", ["MuxLookup", "MuxCase"]),
    (r"\bdelay(?:ed)?\b|pipeline", ["ShiftRegister", "RegNext"]),
    (r"enable", ["RegEnable"]),
]


def _import_lines(code: str) -> list[str]:
    return re.findall(r"^\s*import\s+([^\n]+)", mask(code), re.MULTILINE)


def _imports_provide(code: str, name: str, pkg: str) -> bool:
    """Does some import line in `code` already bring `name` (from `pkg`) into scope?"""
    for line in _import_lines(code):
        for clause in re.split(r",\s*(?![^{]*})", line):  # `import a._, b.C` has two clauses
            clause = clause.strip().removeprefix("_root_.")
            pkg = pkg.removeprefix("_root_.")
            if pkg.endswith("._"):
                base = pkg[:-2]
                if clause == pkg or clause.startswith(base + ".{") and re.search(r"[{,\s]" + re.escape(name) + r"[\s,}=]", clause):
                    return True
                if clause == base + "." + name:
                    return True
            elif clause == pkg or clause == pkg.rsplit(".", 1)[0] + "._":
                return True
            elif clause.startswith(pkg.rsplit(".", 1)[0] + ".{") and name in re.findall(IDENT, clause):
                return True
    return False


def used_identifiers(code: str) -> list[str]:
    """Table identifiers the code uses as free names (not members like `x.Cat`, not its own defs)."""
    m = mask(code)
    body = re.sub(r"^\s*import\s+[^\n]*", "", m, flags=re.MULTILINE)
    own = defined_names(code)
    found = []
    for name in IMPORT_TABLE:
        if name in own:
            continue
        if re.search(r"(?<![\w.$])" + re.escape(name) + r"(?![\w$])", body):
            found.append(name)
    return found


def missing_imports(code: str) -> list[tuple[str, str]]:
    """(identifier, import) for every table identifier used without an import that provides it."""
    missing = []
    for name in used_identifiers(code):
        pkg = IMPORT_TABLE[name]
        if not _imports_provide(code, name, pkg):
            missing.append((name, pkg))
    if _BUNDLE_LIT_RE.search(mask(code)) and not any(line.strip() == BUNDLE_LIT_IMPORT for line in _import_lines(code)):
        missing.append((".Lit", BUNDLE_LIT_IMPORT))
    return missing


def add_imports(code: str, imports: list[str]) -> tuple[str, int]:
    """Insert import lines after the last top-level import (or the package line, or at the top)."""
    lines = code.split("\n")
    masked_lines = mask(code).split("\n")
    insert_at = 0
    for i, line in enumerate(masked_lines):
        if re.match(r"^(import|package)\s", line):
            insert_at = i + 1
        elif line.strip() and not line.strip().startswith("import") and insert_at:
            break
    new = [f"import {p}" for p in imports]
    return "\n".join(lines[:insert_at] + new + lines[insert_at:]), insert_at + 1


def fix_imports(code: str, ctx: FixContext) -> tuple[str, list[FixRecord]]:
    """Add each import that a used identifier (or a `not found: X` diagnostic) needs."""
    needed: dict[str, list[str]] = {}
    for missing, pkg in missing_imports(code):
        needed.setdefault(pkg, []).append(missing)
    for d in ctx.diagnostics:
        name = diagnostic_identifier(d.message)
        if name and name in IMPORT_TABLE and not _imports_provide(code, name, IMPORT_TABLE[name]):
            needed.setdefault(IMPORT_TABLE[name], [])
            if name not in needed[IMPORT_TABLE[name]]:
                needed[IMPORT_TABLE[name]].append(name)
    if not needed:
        return code, []
    # chisel3._ first, then the rest in a stable order.
    order = sorted(needed, key=lambda p: (p != CORE, p != UTIL, p))
    code, line = add_imports(code, order)
    records = [FixRecord(fixer="imports", rule=f"add import {p}", detail="for " + ", ".join(needed[p]), line=line)
               for p in order]
    return code, records


_NOT_FOUND_RE = re.compile(r"not found: (?:value|type|object) (" + IDENT + ")")
_JAVA_ENUM_RE = re.compile(r"class java\.lang\.Enum is not a value|object java\.lang\.Enum is not a value")


def diagnostic_identifier(message: str) -> str | None:
    """The identifier a compiler message says is unresolved (`Enum` shadowed by java.lang.Enum too)."""
    m = _NOT_FOUND_RE.search(message)
    if m:
        return m.group(1)
    if _JAVA_ENUM_RE.search(message):
        return "Enum"
    return None


# Table names that are also ordinary English words. In a spec they name the API only in code-like
# context (_code_like); in prose they are words: "while `en` is high" hinted `is`, "a 3-to-8
# decoder" the experimental `decoder`, "a switch debouncer" `switch`. Measured over 863 specs, 707 of
# them with a Chisel reference (experiments/import_hint_words.py): `is` stood in 541 places, as code in
# none; `decoder` in 16, the reference used it in none; `switch` in 13, as code in 1. The capitalised
# names (Cat, Fill, Reverse, Valid, Decoupled, Log2, ...) were used by the reference at 205 of their 208
# places (the other 3: a negated parenthetical, read below): kept as they are. `is` and `switch` still
# come for a state machine, from the spec cue below.
ENGLISH_NAMES = frozenset({"is", "switch", "decoder", "attach"})
_CODE_SPAN = re.compile(r"(?s:```.*?```)|`[^`\n]+`")


def _code_like(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Is text[start:end], a table name, written as code: inside a code span, called (`is(`), or
    joined by a slash to another table name (`switch/is`)?"""
    if any(a <= start and end <= b for a, b in spans) or text[end:end + 1] == "(":
        return True
    after = re.match(r"`?\s*/\s*`?(\w+)", text[end:])
    before = re.search(r"(\w+)`?\s*/\s*`?$", text[:start])
    return bool(after and after.group(1) in IMPORT_TABLE or before and before.group(1) in IMPORT_TABLE)


def _named_in_spec(name: str, text: str, spans: list[tuple[int, int]]) -> bool:
    """Does the spec name the API: the table name as a word, where an English word must be code-like?"""
    for m in re.finditer(r"(?<![\w.])" + re.escape(name) + r"(?!\w)", text):
        if name not in ENGLISH_NAMES or _code_like(text, m.start(), m.end(), spans):
            return True
    return False


def import_hints(spec: str, *, read_spec: bool = True) -> list[tuple[str, str]]:
    """(identifier, import) pairs worth reminding the model of, from what the spec asks for: words
    under a negation ("no clock-dependent state", "do not use chisel3.util helpers (Reverse, ...)")
    are not read, a spec that says it has no state gets no hints for stateful APIs (`switch`, `Enum`,
    `Counter`, ...), an English word of the table (`is`, ENGLISH_NAMES) counts only as code, and a
    name the spec declares itself (`val isPow2 = Output(...)`) is its own. read_spec=False: every word
    counts (the behaviour before issue 22, for `agent bench rag --no-read-spec`)."""
    from agent.rag.spec_text import SEQUENTIAL_NAMES, is_combinational, mask_negated

    asked = mask_negated(spec, names=True) if read_spec else spec
    spans = [m.span() for m in _CODE_SPAN.finditer(asked)]
    hints: list[str] = []
    for name in IMPORT_TABLE:
        if IMPORT_TABLE[name] == CORE:
            continue
        if not read_spec:
            if re.search(r"(?<![\w.])" + re.escape(name) + r"(?!\w)", asked):
                hints.append(name)
        elif _named_in_spec(name, asked, spans) and not re.search(r"\bval\s+" + re.escape(name) + r"\b", spec):
            hints.append(name)
    low = asked.lower()
    for pattern, names in _SPEC_CUES:
        if re.search(pattern, low):
            hints.extend(n for n in names if n not in hints)
    if read_spec and is_combinational(spec):
        hints = [n for n in hints if n not in SEQUENTIAL_NAMES]
    return [(n, IMPORT_TABLE[n]) for n in hints]
