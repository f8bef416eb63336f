"""Keys for deduplication and for counting distinct structures.

`code_key`: comments and whitespace removed, so reformatting does not make a sample new.
`name_key`: additionally every identifier the code declares (class, vals, constructor parameters,
Enum states, ports) is renamed in order of first appearance, so two samples that differ only in
names are duplicates. This is the dedup key: a model learns nothing from a renamed copy.
`structure_key`: additionally every number becomes N, so widths and constants no longer count;
the number of distinct structure keys says how many really different circuits a dataset has.
"""
from __future__ import annotations

import hashlib
import re

_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[A-Za-z_][A-Za-z0-9_]*|\d+[A-Za-z]?|\S')
_DECLARED = [
    re.compile(r"\bclass\s+([A-Za-z_]\w*)"),
    re.compile(r"\b(?:val|var|def|object)\s+([A-Za-z_]\w*)"),
    re.compile(r"([A-Za-z_]\w*)\s*:\s*(?:Int|BigInt|Boolean|Long)\b"),  # constructor/def parameters
    re.compile(r"\b([A-Za-z_]\w*)\s*::"),  # `val sA :: sB :: Nil = Enum(2)`
    re.compile(r"\bfor\s*\(\s*([A-Za-z_]\w*)\s*<-"),
]
_NUMBER = re.compile(r"^\d")


def strip_comments(code: str) -> str:
    # keep string literals intact: a "//" inside "h..." strings is not a comment
    out, pos = [], 0
    for m in _STRING.finditer(code):
        out.append(_COMMENT.sub(" ", code[pos:m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_COMMENT.sub(" ", code[pos:]))
    return "".join(out)


def tokens(code: str) -> list[str]:
    return _TOKEN.findall(strip_comments(code))


def declared_names(code: str) -> list[str]:
    text = strip_comments(code)
    names: dict[str, int] = {}
    for pattern in _DECLARED:
        for m in pattern.finditer(text):
            names.setdefault(m.group(1), m.start(1))
    names.pop("Nil", None)
    return sorted(names, key=names.__getitem__)


def _renamed(toks: list[str], code: str) -> list[str]:
    declared = set(declared_names(code))
    mapping: dict[str, str] = {}
    out = []
    for tok in toks:
        if tok in declared:
            tok = mapping.setdefault(tok, f"id{len(mapping)}")
        out.append(tok)
    return out


def _digest(toks: list[str]) -> str:
    return hashlib.sha1(" ".join(toks).encode()).hexdigest()[:16]


def code_key(code: str) -> str:
    return _digest(tokens(code))


def name_key(code: str) -> str:
    return _digest(_renamed(tokens(code), code))


def structure_key(code: str) -> str:
    toks = _renamed(tokens(code), code)
    return _digest(["N" if _NUMBER.match(t) else ('"S"' if t.startswith('"') else t) for t in toks])
