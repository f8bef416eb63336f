"""agent.rag.spec_text: negation scope and 'purely combinational' as retrieval and the hints read them."""
from __future__ import annotations

from pathlib import Path

import pytest

from agent.fixers import import_hints
from agent.rag.spec_text import is_combinational, is_sequential_note, mask_negated, negation_spans

REPO = Path(__file__).resolve().parents[1]


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


def _names(spec: str) -> set[str]:
    return {n for n, _ in import_hints(spec)}


@pytest.mark.parametrize("spec, word", [
    ((REPO / "examples" / "counter8.txt").read_text(), "is"),  # "while `en` is high"
    ("When `sel` is true, output `a`; otherwise output `b`.", "is"),
    ("A debouncer for a mechanical switch: out follows in after 4 stable cycles.", "switch"),
    ("Build a 3-to-8 decoder that converts a binary select value into a one-hot output.", "decoder"),
    ("The module should attach a parity bit above the input.", "attach"),
])
def test_an_english_word_of_the_table_in_prose_is_no_hint(spec, word):
    assert word not in _names(spec)
    assert word in {n for n, _ in import_hints(spec, read_spec=False)}  # the word-matching reading had it


@pytest.mark.parametrize("spec, expected", [
    ("A controller with `switch`/`is` on its register.", {"switch", "is"}),
    ("Map op to a constant with a switch/is block.", {"switch", "is"}),
    ("Write `switch(io.op)` with one is(...) branch per opcode.", {"switch", "is"}),
    ("```scala\nswitch(s) { is(A) { s := B } }\n```", {"switch", "is"}),
    ("A TruthTable given to `decoder` of chisel3.util.experimental.decode.", {"decoder", "TruthTable"}),
    ("A 2-state FSM with states IDLE and RUN.", {"switch", "is"}),  # the cue, not the word
])
def test_the_english_names_as_code_are_still_hinted(spec, expected):
    assert expected <= _names(spec)


def test_the_counter8_example_keeps_its_true_hints():
    assert _names((REPO / "examples" / "counter8.txt").read_text()) == {"Counter", "RegEnable"}


def test_capitalised_names_stay_hinted_in_prose():
    # the reference used them at 205 of 208 places (experiments/import_hint_words.py): not gated
    assert {"Cat", "Fill", "Reverse", "Valid"} <= _names(
        "Use Cat to join the fields, Fill to replicate the sign, Reverse the bits; the input is a Valid bundle.")


def test_a_negated_parenthetical_and_a_declared_port_are_no_hints():
    clz = "Count the leading zeros of in. Do not use chisel3.util helpers (PriorityEncoder, Reverse, Log2)."
    assert not {"PriorityEncoder", "Reverse", "Log2"} & _names(clz)
    assert {"PriorityEncoder", "Reverse"} <= _names("Use chisel3.util helpers (PriorityEncoder, Reverse).")
    assert "isPow2" not in _names("`val io = IO(new Bundle { val isPow2 = Output(Bool()) })`")
    assert "isPow2" in _names("Compute it with `isPow2(n)` at elaboration.")


def test_retrieval_keeps_the_plain_negation_scope():
    # names=True is the hints' reading; retrieval's mask is unchanged (its notes are not in question)
    text = "Do not use chisel3.util helpers (Reverse)."
    assert "Reverse" in mask_negated(text) and "Reverse" not in mask_negated(text, names=True)
