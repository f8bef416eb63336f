"""Exact-match scoring: identifiers and error-message fragments that point at one note for sure.

Dense similarity is good at "a 4-state FSM" -> Enum/switch, but bad at `not found: value Cat` ->
Cat; an unresolved name or a known compiler message is decisive evidence, so it gets a large,
explicit boost that dense scores (cosine, 0..1) cannot outvote.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from agent.rag.notes import NoteDoc
from agent.rag.spec_text import mask_negated, negation_spans

WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# scalac: "not found: value Cat", "not found: type Decoupled", "not found: object log2Ceil"
UNRESOLVED = re.compile(r"not found: (?:value|type|object) ([A-Za-z_][A-Za-z0-9_]*)")
# scalac when chisel3.util._ is missing: `Enum` resolves to java.lang.Enum
SHADOWED = re.compile(r"(?:class|object) java\.lang\.(Enum)\b")

# Boosts, on top of a cosine similarity in [0, 1].
UNRESOLVED_NAME = 1.2  # the note about the exact name scalac could not find
CATEGORY = 1.0  # error note whose category the diagnostics imply
PATTERN = 0.8  # error-message fragment found in diagnostics or query
PATTERN_EXTRA = 0.1  # each further fragment (capped)
IDENT_QUERY = 0.5  # identifier named in the spec / query
IDENT_DIAG = 0.35  # identifier named in the diagnostics
IDENT_CODE = 0.2  # identifier used in the candidate code
CODE_CAP = 0.4
# Names nearly every design uses: seeing them in candidate code says nothing about which note helps.
COMMON_CODE_WORDS = frozenset(
    "Module RawModule IO Bundle Input Output UInt SInt Bool Wire WireDefault when otherwise elsewhen Reg RegInit "
    "RegNext Mux U S B W io val class extends import chisel3 util new".split()
)
# API names that are also everyday English: in a spec they say nothing about the note (`is` of
# switch/is matched "the output is true" in every comparator spec of eval_set_v2, "When the select
# is true; otherwise ..." and "Output the count" pulled the when/otherwise and IO notes into every mux and counter).
SPEC_STOP_WORDS = frozenset({"is", "when", "otherwise", "Input", "Output"})


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).lower()


@dataclass
class Evidence:
    """What the query, code and diagnostics say, computed once per retrieve()."""

    query_words: set[str]
    code_words: set[str]
    diag_words: set[str]
    unresolved: set[str]
    categories: set[str]
    text: str  # normalised query + diagnostics, for pattern keys that are messages ("not fully initialized")
    asked: str = ""  # the same with the query's negated clauses blanked, for every other pattern key


class LexicalScorer:
    def __init__(self, notes: list[NoteDoc], categories: list[str]) -> None:
        self.notes = notes
        self.categories = set(categories)
        df = Counter(k for n in notes for k in set(n.identifier_keys))
        # rarer identifiers are stronger evidence (`Cat` vs `UInt`)
        self.idf = {k: 1.0 / math.sqrt(c) for k, c in df.items()}
        self.api_names = set(df)
        # (key, verbatim): a key that itself negates ("not fully initialized") is a message fragment,
        # matched against the text as written; any other key only against what the query asks for
        self.patterns = {n.id: [(_norm(p), bool(negation_spans(p))) for p in n.pattern_keys] for n in notes}

    def evidence(self, query: str, code: str | None, diagnostics: str | None, *, read_spec: bool = True) -> Evidence:
        diag = diagnostics or ""
        unresolved = set(UNRESOLVED.findall(diag)) | set(SHADOWED.findall(diag))
        unresolved |= set(UNRESOLVED.findall(query)) | set(SHADOWED.findall(query))
        # category names only count in diagnostics: a spec may well say "timeout" or "syntax"
        cats = {c for c in self.categories if re.search(rf"\b{c}\b", diag)}
        if unresolved:
            # a chisel3.util name scalac cannot see means a missing import, anything else a typo/undefined name
            cats.add("missing_import" if unresolved & self.api_names else "not_found")
        # "no clock-dependent state" asks for no state: words under a negation are no evidence
        asked = mask_negated(query) if read_spec else query
        words = set(WORD.findall(asked))
        return Evidence(
            query_words=words | {w.lower() for w in words}, code_words=set(WORD.findall(code or "")),
            diag_words=set(WORD.findall(diag)), unresolved=unresolved, categories=cats,
            text=_norm(query + "\n" + diag), asked=_norm(asked + "\n" + diag),
        )

    def score(self, note: NoteDoc, ev: Evidence) -> float:
        s = 0.0
        idents = note.identifier_keys
        if ev.unresolved & set(idents):
            s += UNRESOLVED_NAME
        if note.category and note.category in ev.categories:
            s += CATEGORY
        hits = sum(1 for p, verbatim in self.patterns[note.id] if p in (ev.text if verbatim else ev.asked))
        if hits:
            s += PATTERN + PATTERN_EXTRA * min(hits - 1, 3)
        code = 0.0
        best_query = best_diag = 0.0
        for k in idents:
            w = self.idf.get(k, 1.0)
            # error notes answer messages, not specs: a spec saying "simulation" is no evidence for them
            if k in ev.query_words and note.kind != "error" and k not in SPEC_STOP_WORDS:
                best_query = max(best_query, IDENT_QUERY * w)
            if k in ev.diag_words and k not in ev.unresolved:
                best_diag = max(best_diag, IDENT_DIAG * w)
            if k in ev.code_words and k not in COMMON_CODE_WORDS:
                code += IDENT_CODE * w
        return s + best_query + best_diag + min(code, CODE_CAP)
