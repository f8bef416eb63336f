"""Just enough Scala lexing to tell code from strings and comments.

Fixers and the extractor must not react to identifiers inside string literals or comments, and
brace balance (our truncation signal) must ignore braces there too. `mask` blanks those regions
with spaces, keeping every newline and every offset, so a match in the masked text is a match at
the same position in the original.
"""
from __future__ import annotations

import re
from functools import lru_cache


_INTERESTING = re.compile(r"//|/\*|\"|'")


def mask(code: str, *, keep_strings: bool = False) -> str:
    """Return `code` with comments (and string/char literal contents unless keep_strings) blanked."""
    return _mask(code, keep_strings)


@lru_cache(maxsize=512)  # fixers mask the same text many times; the function is pure
def _mask(code: str, keep_strings: bool) -> str:
    out = list(code)
    n = len(code)

    def blank(a: int, b: int) -> None:
        for j in range(a, min(b, n)):
            if out[j] != "\n":
                out[j] = " "

    i = 0
    while i < n:
        found = _INTERESTING.search(code, i)  # jump straight to the next comment/quote start
        if not found:
            break
        i = found.start()
        c = code[i]
        if code.startswith("//", i):
            end = code.find("\n", i)
            end = n if end < 0 else end
            blank(i, end)
            i = end
        elif code.startswith("/*", i):
            # Scala block comments nest.
            depth, j = 1, i + 2
            while j < n and depth:
                if code.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif code.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            blank(i, j)
            i = j
        elif code.startswith('"""', i):
            end = code.find('"""', i + 3)
            end = n if end < 0 else end + 3
            while end < n and code[end] == '"':  # """ closes at the last of a run of quotes
                end += 1
            if not keep_strings:
                blank(i + 3, end - 3)
            i = end
        elif c == '"':
            j = i + 1
            while j < n and code[j] != '"' and code[j] != "\n":
                j += 2 if code[j] == "\\" else 1
            j = min(j + 1, n)
            if not keep_strings:
                blank(i + 1, j - 1)
            i = j
        else:  # a quote: a char literal, or a Scala 2 symbol / stray quote
            m = re.match(r"'(\\.[^']*|[^\\'\n])'", code[i:i + 12])
            if m:
                if not keep_strings:
                    blank(i + 1, i + m.end() - 1)
                i += m.end()
            else:
                i += 1
    return "".join(out)


def unclosed_delimiters(code: str) -> bool:
    """True when some brace or paren opened in code is never closed (a cut-off reply)."""
    m = mask(code)
    return m.count("{") > m.count("}") or m.count("(") > m.count(")") or _open_string(code)


def _open_string(code: str) -> bool:
    # An odd number of triple quotes means a multi-line string never ended.
    return mask(code, keep_strings=True).count('"""') % 2 == 1


def matching_close(code: str, open_index: int, masked: str | None = None) -> int | None:
    """Index of the bracket closing the one at open_index (same kind), skipping strings/comments."""
    m = masked if masked is not None else mask(code)
    pairs = {"{": "}", "(": ")", "[": "]"}
    opener = m[open_index]
    closer = pairs[opener]
    depth = 0
    for j in range(open_index, len(m)):
        if m[j] == opener:
            depth += 1
        elif m[j] == closer:
            depth -= 1
            if depth == 0:
                return j
    return None


def bracket_depth(masked: str, start: int, at: int) -> int:
    """Bracket depth of `at` relative to `start` (both offsets into mask()ed text)."""
    seg = masked[start:at]
    return sum(seg.count(c) for c in "({[") - sum(seg.count(c) for c in ")}]")


def line_of(code: str, index: int) -> int:
    """1-based line number of a character offset."""
    return code.count("\n", 0, index) + 1


def offset_of(code: str, line: int, column: int) -> int | None:
    """Offset of a compiler position (1-based line and column); None when `code` has no such place
    (the diagnostic was about other code)."""
    lines = code.split("\n")
    if not 1 <= line <= len(lines) or not 1 <= column <= len(lines[line - 1]):
        return None
    return sum(len(x) + 1 for x in lines[:line - 1]) + column - 1


IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
_DEF_RE = re.compile(
    r"\b(?:case\s+class|class|object|trait|type|def|val|var)\s+(" + IDENT + ")"
)


def defined_names(code: str) -> set[str]:
    """Names the code itself defines (classes, objects, vals, defs...), from code regions only."""
    return set(_DEF_RE.findall(mask(code)))


_CLASS_RE = re.compile(r"\b(abstract\s+)?(?:case\s+)?class\s+(" + IDENT + r")")
_MODULE_BASES = {"Module", "RawModule", "MultiIOModule", "LegacyModule", "ImplicitModule", "FixedIOModule",
                 "FixedIORawModule"}


class ClassDecl:
    """A class declaration: its name, the class it extends (unqualified) and where it sits."""

    def __init__(self, name: str, parent: str | None, abstract: bool, start: int, has_params: bool):
        self.name, self.parent, self.abstract, self.start, self.has_params = name, parent, abstract, start, has_params

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"ClassDecl({self.name} extends {self.parent})"


def class_decls(code: str) -> list[ClassDecl]:
    """Every class declaration with its parent class, skipping type/value parameter lists."""
    m = mask(code)
    decls = []
    for match in _CLASS_RE.finditer(m):
        j, has_params = match.end(), False
        while j < len(m):
            while j < len(m) and m[j] in " \t\r\n":
                j += 1
            if j < len(m) and m[j] in "([":
                has_params = has_params or (m[j] == "(" and m[j + 1: (matching_close(code, j, m) or j)].strip() != "")
                close = matching_close(code, j, m)
                if close is None:
                    break
                j = close + 1
                continue
            break
        parent = None
        ext = re.match(r"\s*extends\s+((?:" + IDENT + r"\.)*(" + IDENT + "))", m[j:])
        if ext:
            parent = ext.group(2)
        decls.append(ClassDecl(match.group(2), parent, bool(match.group(1)), match.start(), has_params))
    return decls


def module_classes(code: str) -> list[ClassDecl]:
    """Classes that are Chisel modules, directly or through another class in the same code."""
    decls = class_decls(code)
    module_names = set(_MODULE_BASES)
    changed = True
    while changed:  # follow `class B extends A` where A is itself a module class
        changed = False
        for d in decls:
            if d.parent in module_names and d.name not in module_names:
                module_names.add(d.name)
                changed = True
    return [d for d in decls if d.parent in module_names]


def instantiated_names(code: str) -> set[str]:
    """Class names the code instantiates with `new X` (children of some other module)."""
    return set(re.findall(r"\bnew\s+(" + IDENT + ")", mask(code)))


def top_modules(code: str) -> list[str]:
    """Concrete module classes no other code instantiates: the candidates for the design's top."""
    inst = instantiated_names(code)
    return [d.name for d in module_classes(code) if not d.abstract and d.name not in inst]
