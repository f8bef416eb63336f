"""Signature notes generated from the Chisel sources jar of a toolchain profile.

Prompts must state the API of the Chisel version that compiles the candidate (MuxLookup's curried
form, Counter's tuple results, ...), so instead of trusting memory we read `chisel3/util/*.scala`
out of the profile's own sources jar: each public object/class/trait with its scaladoc summary and
the signatures of its public defs. The parser is deliberately small: it only needs brace depth,
scaladoc blocks and declaration lines, which the Chisel sources write in a regular style.
"""
from __future__ import annotations

import re
import textwrap
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from agent.rag.notes import NoteDoc

GENERATOR_VERSION = "2"  # bump when the generated text changes, so indexes rebuild
UTIL_DIR = "chisel3/util/"
MAX_DEFS = 8
MAX_TEXT = 1400

_ENTITY = re.compile(
    r"^(?P<vis>(?:private|protected)(?:\[[\w.]+\])?\s+)?(?:(?:final|sealed|abstract|case|implicit)\s+)*"
    r"(?P<kind>object|class|trait)\s+(?P<name>\w+)"
)
_SELF_TYPE = re.compile(r"\{\s*\w+\s*:\s*(\w+)\.type\s*=>")
_MEMBER = re.compile(r"^(?P<mods>(?:(?:override|final|implicit|lazy|private|protected)(?:\[[\w.]+\])?\s+)*)(?P<kw>def|val)\s+(?P<name>[\w$]+)")


@dataclass
class _Entity:
    name: str  # the public name the note is about (the object an Intf trait belongs to)
    kinds: set[str] = field(default_factory=set)
    doc: str = ""
    example: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    files: set[str] = field(default_factory=set)
    package: str = "chisel3.util"


def _strip_code(line: str) -> str:
    """The line without string literals and // comments, for brace counting."""
    line = re.sub(r'"(?:\\.|[^"\\])*"', '""', line)
    line = re.sub(r"'(?:\\.|[^'\\])'", "''", line)
    return line.split("//", 1)[0]


def _doc_text(block: list[str]) -> tuple[str, list[str]]:
    """(summary paragraph, example lines) of a scaladoc block's raw lines."""
    lines = []
    for raw in block:
        s = raw.strip()
        s = re.sub(r"^/\*\*\s?", "", s)
        s = re.sub(r"\*/$", "", s)
        s = re.sub(r"^\*\s?", "", s)
        lines.append(s.rstrip())
    summary: list[str] = []
    for s in lines:
        if not s.strip() or s.lstrip().startswith("@"):
            if summary:
                break
            continue
        summary.append(s.strip())
    example: list[str] = []
    text = "\n".join(lines)
    m = re.search(r"\{\{\{\n?(.*?)\}\}\}", text, re.S)
    if m:
        example = textwrap.dedent("\n".join(ln for ln in m.group(1).splitlines() if ln.strip())).splitlines()[:6]
    return re.sub(r"\[\[([^\]]+)\]\]", _link_label, " ".join(summary)), example


def _link_label(m: re.Match) -> str:
    """Scaladoc `[[target label]]` -> label; `[[pkg.Name!]]` -> Name."""
    target, _, label = m.group(1).partition(" ")
    return label or re.split(r"[.#]", target.rstrip("!$"))[-1].rstrip("!$")


def _signature(lines: list[str], start: int) -> str:
    """A def's signature from `lines[start]` on, up to its `=`, body brace or end of declaration."""
    out: list[str] = []
    depth = 0
    for i in range(start, min(start + 15, len(lines))):
        line = _strip_code(lines[i])
        j = 0
        while j < len(line):
            c = line[j]
            if c in "([":
                depth += 1
            elif c in ")]":
                depth -= 1
            elif depth == 0 and c == "{":
                return " ".join(out + [line[:j]]).strip()
            elif depth == 0 and c == "=" and line[j + 1 : j + 2] not in ("=", ">") and line[j - 1 : j] not in "<>!=:":
                return " ".join(out + [line[:j]]).strip()
            j += 1
        out.append(line.strip())
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if depth == 0 and not nxt.startswith(("(", ")", ":", "[", "implicit", "=")):
            break
    return " ".join(out).strip()


def parse_scala(source: str, filename: str) -> list[_Entity]:
    """The public entities of one file: top-level objects/classes/traits with their public members."""
    lines = source.splitlines()
    entities: list[_Entity] = []
    package = "chisel3.util"
    depth = 0
    current: _Entity | None = None
    doc_block: list[str] = []
    pending_doc: list[str] = []
    in_doc = in_comment = False
    for idx, raw in enumerate(lines):
        stripped = raw.strip()
        if in_doc or stripped.startswith("/**"):
            in_doc = "*/" not in stripped or (stripped.startswith("/**") and stripped.endswith("/**"))
            doc_block.append(raw)
            if not in_doc:
                pending_doc, doc_block = doc_block, []
            continue
        if in_comment or stripped.startswith("/*"):
            in_comment = "*/" not in stripped
            continue
        decl = re.sub(r"^(@[\w.]+(\([^)]*\))?\s*)+", "", stripped)
        if depth == 0 and decl.startswith("package "):
            package = decl.split()[1]
        if depth == 0 and (m := _ENTITY.match(decl)):
            self_type = _SELF_TYPE.search(decl)
            private = bool(m.group("vis"))
            if private and not self_type:
                current = None
            else:
                current = _Entity(name=self_type.group(1) if self_type else m.group("name"), package=package)
                current.kinds.add(m.group("kind"))
                current.files.add(filename)
                current.doc, current.example = _doc_text(pending_doc) if pending_doc else ("", [])
                entities.append(current)
        elif depth == 1 and current is not None and (m := _MEMBER.match(decl)):
            mods, name = m.group("mods"), m.group("name")
            public = "private" not in mods and "protected" not in mods and "implicit" not in mods
            summary = _doc_text(pending_doc)[0] if pending_doc else ""
            # a class's undocumented vals are its implementation (Queue's ram, enq_ptr), not API
            if public and not name.startswith(("do_", "_")) and (m.group("kw") == "def" or summary):
                sig = re.sub(r"\s+", " ", _signature(lines, idx))
                sig = re.sub(r"^(override |final |lazy )+", "", sig)
                sig = re.sub(r"\(implicit [^)]*\)", "", sig).replace("( ", "(").replace(" )", ")")
                if "c.Tree" not in sig:  # macro implementations
                    if summary and "@group" not in summary:
                        first_sentence = re.split(r"(?<=[.])\s", summary, maxsplit=1)[0]
                        sig = f"{sig}  -- {first_sentence[:150]}"
                    current.members.append(sig)
        if stripped and not stripped.startswith("@"):
            pending_doc = []
        code = _strip_code(raw)
        depth += code.count("{") - code.count("}")
    return entities


def _render(e: _Entity, chisel_version: str) -> str:
    kinds = "/".join(sorted(e.kinds))
    head = f"## {e.name} ({e.package}, Chisel {chisel_version} API; {kinds} in {', '.join(sorted(e.files))})"
    parts = [head, f"import {e.package}._"]
    if e.doc:
        parts.append(e.doc)
    # factory methods first: they are what generated code calls
    members = sorted(dict.fromkeys(e.members), key=lambda m: (not m.startswith("def apply"), not m.startswith("def this")))
    if members:
        parts.append("Signatures:")
        parts += [f"  {m}" for m in members[:MAX_DEFS]]
        if len(members) > MAX_DEFS:
            parts.append(f"  ... {len(members) - MAX_DEFS} more")
    if e.example:
        parts.append("Example:")
        parts += [f"  {ln}" for ln in e.example]
    text = "\n".join(parts)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 4] + " ..."


def generate_notes(sources_jar: Path, chisel_version: str) -> list[NoteDoc]:
    """One note per public entity of chisel3/util/*.scala; an object, its Intf trait and a class of the
    same name are merged into one note (id `gen:<Name>`)."""
    merged: dict[str, _Entity] = {}
    with zipfile.ZipFile(sources_jar) as jar:
        for info in sorted(jar.infolist(), key=lambda i: i.filename):
            name = info.filename
            if not (name.startswith(UTIL_DIR) and name.endswith(".scala") and "/" not in name[len(UTIL_DIR):]):
                continue
            text = jar.read(info).decode("utf-8", errors="replace")
            for e in parse_scala(text, name[len(UTIL_DIR):]):
                into = merged.setdefault(e.name, _Entity(name=e.name, package=e.package))
                into.kinds |= e.kinds
                into.files |= e.files
                into.doc = into.doc or e.doc
                into.example = into.example or e.example
                into.members += e.members
    notes = []
    for name, e in sorted(merged.items()):
        if not e.members and not e.doc:
            continue  # nothing a prompt could use
        notes.append(NoteDoc(
            id=f"gen:{name}", title=f"{name} (generated signatures)", kind="api", keys=[name],
            text=_render(e, chisel_version), source=f"generated:{'+'.join(sorted(e.files))}",
        ))
    return notes
