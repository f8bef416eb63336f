"""agent.rag.spec_text: negation scope and 'purely combinational' as retrieval and the hints read them."""
from __future__ import annotations

import pytest

from agent.fixers import import_hints
from agent.rag.spec_text import is_combinational, is_sequential_note, mask_negated, negation_spans


@pytest.mark.parametrize("text, gone, kept", [
    ("It is purely combinational: no clock-dependent state.", ["state", "clock"], ["combinational"]),
    ("A 4-bit counter with no reset, but an enable input.", ["reset"], ["counter", "enable"]),
    ("Reverse the bits; there is no memory or RAM involved.", ["memory", "RAM"], ["Reverse"]),
    ("It isn't clocked", ["clocked"], ["It"]),
    ("Use a decoder without a state machine. Output y.", ["state", "machine"], ["decoder", "Output"]),
    ("not found: value Cat", ["found"], ["Cat", "value"]),
])
def test_mask_negated_blanks_the_negated_clause_only(text, gone, kept):
    masked = mask_negated(text)
    assert len(masked) == len(text)  # offsets still line up
    for w in gone:
        assert w not in masked
    for w in kept:
        assert w in masked


def test_negation_spans_end_at_the_clause():
    text = "no registers; a counter"
    (start, end), = negation_spans(text)
    assert text[start:end].strip() == "registers"


@pytest.mark.parametrize("text, expected", [
    ("It is purely combinational: no clock-dependent state.", True),
    ("Stateless module: out = a & b.", True),
    ("A mux. No registers.", True),
    ("The design does not use any registers.", True),
    ("A combinational circuit; the output register holds the value.", False),  # names a register
    ("A purely combinational next-state function of a state machine.", False),
    ("A 4-bit counter.", False),
    ("An adder.", False),  # says nothing: not assumed combinational
])
def test_is_combinational(text, expected):
    assert is_combinational(text) is expected


def test_sequential_notes_cover_hand_written_and_generated_ids():
    assert is_sequential_note("fsm") and is_sequential_note("gen:Counter")
    assert not is_sequential_note("cat") and not is_sequential_note("gen:Cat")


def test_import_hints_read_the_spec():
    adder = "An 8-bit adder `Adder8`. It is purely combinational: no clock-dependent state."
    assert import_hints(adder) == []
    assert {"switch", "Enum"} <= {n for n, _ in import_hints(adder, read_spec=False)}  # the old reading
    assert {"switch", "Enum"} <= {n for n, _ in import_hints("A 2-state FSM with states IDLE and RUN.")}
    # a negated FIFO leaves the priority hint alone
    names = {n for n, _ in import_hints("A priority encoder, not a FIFO.")}
    assert "PriorityEncoder" in names and "Queue" not in names
    # combinational: no stateful hints even from a word outside a negation
    names = {n for n, _ in import_hints("Purely combinational. Count the ones in x (a popcount).")}
    assert "PopCount" in names and "Counter" not in names


def test_rag_notes_named_as_sequential_exist():
    from agent.rag.notes import load_notes
    from agent.rag.spec_text import SEQUENTIAL_NOTES

    ids = {n.id for n in load_notes()}
    assert SEQUENTIAL_NOTES <= ids
