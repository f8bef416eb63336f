"""The contamination audit's structural similarity (issue 22, point 5): a bank example that is a
benchmark problem with other names and widths is flagged, two circuits that only share an idiom
are not, and alpha-renaming makes a renamed copy identical. No embedding model is needed here;
the build's exclusion with it is tested in test_examples_bank.py."""
from __future__ import annotations

import json

import pytest

from agent.rag.contamination import (STRUCT_LIMIT, Nearest, Problem, load_problems, over_limit, structure_grams,
                                     structure_model, structure_tokens)
from agent.rag.examples import load_hand_examples

ADD_CARRY = """import chisel3._

class AddCarry8 extends Module {
  val io = IO(new Bundle {
    val a    = Input(UInt(8.W))
    val b    = Input(UInt(8.W))
    val cin  = Input(Bool())
    val sum  = Output(UInt(8.W))
    val cout = Output(Bool())
  })
  val t = io.a +& io.b +& io.cin.asUInt
  io.sum  := t(7, 0)
  io.cout := t(8)
}
"""

# ADD_CARRY with every name changed, 12-bit words, a comment, other layout and an import more
ADD_CARRY_RENAMED = """import chisel3._
import chisel3.util._

// a wider adder
class Sum12 extends Module {
  val io = IO(new Bundle { val p = Input(UInt(12.W)); val q = Input(UInt(12.W)); val ci = Input(Bool())
    val total = Output(UInt(12.W)); val co = Output(Bool()) })
  val wide = io.p +& io.q +& io.ci.asUInt   // 13 bits
  io.total := wide(11, 0)
  io.co := wide(12)
}
"""

PLAIN_COUNTER = """import chisel3._

class Counter4bit extends Module {
  val io = IO(new Bundle {
    val en    = Input(Bool())
    val count = Output(UInt(4.W))
  })
  val counter = RegInit(0.U(4.W))
  when(io.en) {
    counter := counter + 1.U
  }
  io.count := counter
}
"""


def similarity(a: str, b: str) -> float:
    return structure_model().similarity(structure_grams(a), structure_grams(b))


def hand(example_id: str) -> str:
    return next(e.code for e in load_hand_examples() if e.id == example_id)


def own_reference(problem_id: str) -> str:
    code = next(p.code for p in load_problems("own") if p.id == problem_id)
    assert code is not None
    return code


def test_alpha_renaming_makes_a_renamed_copy_identical():
    assert structure_tokens(ADD_CARRY) == structure_tokens(ADD_CARRY_RENAMED)
    assert similarity(ADD_CARRY, ADD_CARRY_RENAMED) == pytest.approx(1.0)
    toks = structure_tokens(ADD_CARRY)
    assert "AddCarry8" not in toks and "cin" not in toks and "8" not in toks  # names and widths abstracted
    assert {"Module", "IO", "Bundle", "Input", "UInt", "+", "&"} <= set(toks)  # the API stays


def test_a_changed_operator_is_a_different_structure():
    subtract = ADD_CARRY.replace("io.a +& io.b", "io.a -& io.b")
    assert structure_tokens(subtract) != structure_tokens(ADD_CARRY)
    assert similarity(ADD_CARRY, subtract) < 1.0


def test_the_hand_written_adder_is_the_structural_twin_of_the_own_add_carry():
    """The twin the old measures missed (spec 0.68, code 0.56): Add6Carry is AddCarry8 renamed, 6 bits wide."""
    sim = similarity(own_reference("l1_add_carry"), hand("ex-comb-add3"))
    assert sim >= STRUCT_LIMIT
    assert over_limit(0.68, 0.56, sim)


@pytest.mark.parametrize("problem_code, example_id", [
    (PLAIN_COUNTER, "ex-gray-counter"),  # two different counters: RegInit, when(en), + 1.U
    (own_reference("ve_dff8_sync_reset"), "ex-rawmodule-clk"),  # RawModule + withClockAndReset, different registers
    (own_reference("l4_regfile"), "ex-vec-regfile"),  # a Vec of registers, different read/write logic
])
def test_circuits_that_share_only_an_idiom_are_not_flagged(problem_code, example_id):
    sim = similarity(problem_code, hand(example_id))
    assert 0.2 < sim < STRUCT_LIMIT  # alike (the idiom counts for something) but below the limit
    assert not over_limit(0.0, 0.0, sim)


def test_boilerplate_weighs_nothing():
    """Two modules that share only `class ... extends Module { val io = IO(new Bundle {` and ports."""
    passthrough = "class A extends Module { val io = IO(new Bundle { val i = Input(UInt(8.W)); val o = Output(UInt(8.W)) })\n io.o := io.i }"
    shift = "class B extends Module { val io = IO(new Bundle { val i = Input(UInt(8.W)); val o = Output(UInt(8.W)) })\n io.o := io.i << 3 }"
    assert similarity(passthrough, shift) < 0.6


def test_the_report_says_not_measured_for_a_problem_without_chisel_code():
    from agent.commands.bank_cmds import contamination_report, report_json

    rows = [Nearest(Problem("b", "chisel", "spec", ADD_CARRY), "ex-a", 0.5, 0.6, 0.9, "ex-a", 0.9),
            Nearest(Problem("b", "verilog", "spec", None), "ex-b", 0.7, 0.0, 0.0, "ex-c", 0.0)]
    report = contamination_report("b", rows, 2, "coll")
    assert report["at_or_above_limit"] == 1 and report["max_struct_sim"] == 0.9
    by_id = {r["problem"]: r for r in report["nearest"]}
    assert by_id["verilog"]["code_sim"] is None and by_id["verilog"]["struct_sim"] is None
    assert by_id["chisel"]["struct_sim"] == 0.9 and by_id["chisel"]["similarity"] == 0.9
    text = report_json(report)
    assert json.loads(text) == report
    assert sum(1 for line in text.splitlines() if line.strip().startswith('{"problem"')) == 2  # one line a problem
