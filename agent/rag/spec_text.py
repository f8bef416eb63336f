"""Reading a spec the way retrieval and the import hints should: what it asks for, not every word it uses.

A spec names things it does not want. The README's adder says "It is purely combinational: no
clock-dependent state", and word matching read "state" as a request for a state machine: the FSM
note and `switch`/`Enum`/`ChiselEnum` import hints came into the prompt, and the 1.5B model wrote
registers or FSMs in 8 of 8 samples. Two readings fix that:

* `mask_negated`: words in the scope of a negation (`no`, `not`, `without`, `never`, `nor`,
  `neither`, `n't`, `free of`, `rather than`, `instead of`) up to the end of the clause are blanked
  before any word matching, so "no clock-dependent state" says nothing about states.
* `is_combinational`: a spec that states it has no state ("purely combinational", "no registers",
  "no clock", "stateless") and names nothing sequential outside a negation gets no sequential notes,
  hints or examples at all, even for a word outside the negation ("a combinational decoder of the
  FSM's state" is still a decoder).
"""
from __future__ import annotations

import re

# A negation cue and the rest of its clause. The clause ends at punctuation that closes a
# statement or list item, a line break, or a contrastive conjunction ("no reset, but an enable").
_NEGATION = re.compile(
    r"\b(?:no|not|without|never|nor|neither|free\s+of|rather\s+than|instead\s+of)\b|n't\b",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[.;:,!?()\n]|\s(?:but|and\s+(?:it|the|a|an)|while|whereas|however|except)\b",
                         re.IGNORECASE)

# Statements that the design has no state. Matched on the raw text: the negation is the point.
_COMBINATIONAL = re.compile(
    r"purely\s+combinational|combinational(?:ly)?\s+only|only\s+combinational|fully\s+combinational"
    r"|entirely\s+combinational|is\s+combinational\b|a\s+combinational\s+(?:circuit|module|block|design|function)"
    r"|\bstateless\b|no\s+(?:clock|clocks|registers?|flip[- ]?flops?|state|memory|sequential)"
    r"|without\s+(?:any\s+)?(?:clock|registers?|flip[- ]?flops?|state|memory)"
    r"|(?:does|do|must|should)\s+not\s+(?:use|have|contain|need)\s+(?:any\s+|a\s+)?(?:clock|registers?|state|flip[- ]?flops?)",
    re.IGNORECASE,
)
# Words that, outside a negation, say the design does have state after all ("combinational
# next-state logic of an FSM": the module around it is sequential).
_SEQUENTIAL = re.compile(
    r"\b(?:register(?:s|ed)?|flip[- ]?flops?|clock(?:ed)?\s+(?:edge|cycle)s?|rising\s+edge|each\s+cycle"
    r"|every\s+cycle|next\s+cycle|state\s+machine|fsm|counter|shift\s+register|pipeline|delay(?:ed)?|latch(?:es|ed)?)\b",
    re.IGNORECASE,
)


# For API names (import hints): a dot inside a dotted name (`chisel3.util`) does not end a clause.
_CLAUSE_END_NAMES = re.compile(r"[;:,!?()\n]|\.(?!\w)|\s(?:but|and\s+(?:it|the|a|an)|while|whereas|however|except)\b",
                               re.IGNORECASE)


def negation_spans(text: str, *, names: bool = False) -> list[tuple[int, int]]:
    """(start, end) of each negated clause: from just after the cue to the end of its clause.

    names (the import hints): a dotted name does not end the clause, and a parenthetical right
    after the negated words belongs to them: "Do not use chisel3.util helpers (PriorityEncoder,
    Reverse, Log2)" names three APIs it does not want (own benchmark l2_clz8). Retrieval keeps the
    plain reading (its notes are not what this changes)."""
    spans = []
    for m in _NEGATION.finditer(text):
        end_m = (_CLAUSE_END_NAMES if names else _CLAUSE_END).search(text, m.end())
        end = end_m.start() if end_m else len(text)
        if names and end_m and end_m.group() == "(":
            close = text.find(")", end)
            end = close + 1 if close >= 0 else len(text)
        spans.append((m.end(), end))
    return spans


def mask_negated(text: str, *, names: bool = False) -> str:
    """The text with every negated clause blanked (same length, so offsets still line up). The cue
    words themselves stay: "not" is not an API name. names: negation_spans(names=True)."""
    chars = list(text)
    for start, end in negation_spans(text, names=names):
        for i in range(start, end):
            if not chars[i].isspace():
                chars[i] = " "
    return "".join(chars)


def is_combinational(text: str) -> bool:
    """The spec says its design has no state, and says nothing sequential outside a negation."""
    if not _COMBINATIONAL.search(text):
        return False
    return not _SEQUENTIAL.search(mask_negated(text))


# What a combinational spec must not be offered: notes, generated API pages and import hints whose
# only use is state (registers, FSMs, counters, delay lines, queues, memories, handshakes across cycles).
SEQUENTIAL_NOTES = frozenset({
    "fsm", "enum-switch", "chiselenum", "registers", "counter", "shiftregister", "queue", "memories",
    "async-reset", "arbiter", "valid-decoupled",
})
SEQUENTIAL_NAMES = frozenset({
    "switch", "is", "Enum", "ChiselEnum", "Counter", "ShiftRegister", "ShiftRegisters", "RegEnable", "RegNext",
    "RegInit", "Reg", "Queue", "Decoupled", "DecoupledIO", "Irrevocable", "Pipe", "Mem", "SyncReadMem",
    "Arbiter", "RRArbiter", "LFSR", "AsyncReset",
})


def is_sequential_note(note_id: str) -> bool:
    """A hand-written note about state, or a generated API page of a stateful util (`gen:Counter`)."""
    if note_id in SEQUENTIAL_NOTES:
        return True
    return note_id.startswith("gen:") and note_id[4:] in SEQUENTIAL_NAMES
