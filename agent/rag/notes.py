"""Knowledge-base notes: the hand-written markdown files in rag_docs/ and the models both kinds share.

A note file is YAML front matter (id, title, kind, keys) followed by a markdown body. `keys` are the
identifiers (`Cat`, `log2Ceil`) and error-message fragments (`not found: value Cat`) the note answers;
the retriever's exact-match scoring uses them, the dense index uses the title and body.
"""
from __future__ import annotations

import functools
import os
import re
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from agent.resources import data_path
from agent.errors import ChiselAgentError

KINDS = ("api", "idiom", "migration", "error")
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class NoteError(ChiselAgentError, ValueError):
    """A note file is malformed; the message names the file and what is wrong."""


class NoteDoc(BaseModel):
    """One indexable note, hand-written or generated from the Chisel sources."""

    id: str
    title: str
    kind: str
    keys: list[str] = Field(default_factory=list)
    category: str | None = None  # error notes: the verifier category they explain
    text: str  # what goes into a prompt
    source: str  # "rag_docs/<file>.md" or "generated:<file>.scala"

    @property
    def identifier_keys(self) -> list[str]:
        return [k for k in self.keys if IDENTIFIER.fullmatch(k)]

    @property
    def pattern_keys(self) -> list[str]:
        return [k for k in self.keys if not IDENTIFIER.fullmatch(k)]


class Note(BaseModel):
    """A retrieved note, as the agent puts it into a prompt."""

    id: str
    title: str
    text: str
    score: float
    source: str
    kind: str


def default_notes_dir() -> Path:
    return Path(os.environ.get("CHISEL_AGENT_RAG_DOCS", data_path("rag_docs")))


def parse_note(text: str, source: str) -> NoteDoc:
    """Parse one note file's text; raise NoteError naming `source` when it is malformed."""
    if not text.startswith("---"):
        raise NoteError(f"{source}: missing YAML front matter (file must start with '---')")
    parts = text.split("\n---", 1)
    if len(parts) != 2:
        raise NoteError(f"{source}: front matter is not closed with '---'")
    try:
        meta = yaml.safe_load(parts[0][3:]) or {}
    except yaml.YAMLError as e:
        raise NoteError(f"{source}: front matter is not valid YAML: {e}") from None
    body = parts[1].split("\n", 1)[1].strip() if "\n" in parts[1] else ""
    for field in ("id", "title", "kind"):
        if not meta.get(field):
            raise NoteError(f"{source}: front matter lacks '{field}'")
    if meta["kind"] not in KINDS:
        raise NoteError(f"{source}: kind must be one of {', '.join(KINDS)}, not {meta['kind']!r}")
    keys = meta.get("keys") or []
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise NoteError(f"{source}: keys must be a list of strings")
    if not body:
        raise NoteError(f"{source}: the note has no body")
    title = str(meta["title"])
    return NoteDoc(
        id=str(meta["id"]), title=title, kind=meta["kind"], keys=keys, category=meta.get("category"),
        text=f"## {title}\n{body}", source=source,
    )


def load_notes(notes_dir: Path | None = None) -> list[NoteDoc]:
    """All notes of a directory, sorted by id; duplicate ids are an error."""
    notes_dir = Path(notes_dir or default_notes_dir())
    if not notes_dir.is_dir():
        raise NoteError(f"notes directory not found: {notes_dir}")
    notes: dict[str, NoteDoc] = {}
    for path in sorted(notes_dir.rglob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        note = parse_note(path.read_text(encoding="utf-8"), f"rag_docs/{path.relative_to(notes_dir).as_posix()}")
        if note.id in notes:
            raise NoteError(f"{note.source}: duplicate note id {note.id!r} (also in {notes[note.id].source})")
        notes[note.id] = note
    return sorted(notes.values(), key=lambda n: n.id)


@functools.lru_cache(maxsize=8)
def note_texts(ids: tuple[str, ...], notes_dir: str | None = None) -> tuple[NoteDoc, ...]:
    """The hand-written notes `ids`, in that order (the core notes of the system message, issue 19).
    An unknown id is a NoteError naming the ids there are."""
    if not ids:
        return ()
    notes = {n.id: n for n in load_notes(Path(notes_dir) if notes_dir else None)}
    unknown = [i for i in ids if i not in notes]
    if unknown:
        raise NoteError(f"unknown note id(s) {', '.join(map(repr, unknown))}; the notes are: {', '.join(notes)}")
    return tuple(notes[i] for i in ids)
