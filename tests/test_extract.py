"""extract_code on the reply shapes models actually produce."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from agent.extract import extract_code

ADDER = """import chisel3._

class Adder extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(8.W))
    val b = Input(UInt(8.W))
    val sum = Output(UInt(8.W))
  })
  io.sum := io.a + io.b
}"""

MAIN = """import circt.stage.ChiselStage

object Main extends App {
  ChiselStage.emitSystemVerilog(new Adder)
}"""

TEST = """import chiseltest._
import org.scalatest.flatspec.AnyFlatSpec

class AdderSpec extends AnyFlatSpec with ChiselScalatestTester {
  "Adder" should "add" in {
    test(new Adder) { c => c.io.a.poke(1.U) }
  }
}"""


def fence(body: str, lang: str = "scala") -> str:
    return f"```{lang}\n{body}\n```"


def test_single_scala_fence():
    ex = extract_code(fence(ADDER), "stop", "Adder")
    assert ex.category is None
    assert ex.code.strip() == ADDER


@pytest.mark.parametrize("lang", ["", "chisel", "Scala", "scala3"])
def test_fence_language_variants(lang):
    ex = extract_code("Here you go:\n" + fence(ADDER, lang) + "\nDone.", "stop", "Adder")
    assert ex.category is None and "class Adder" in ex.code


def test_prose_before_and_after_fence():
    reply = "Sure! Below is the implementation.\n\n" + fence(ADDER) + "\n\nThe module adds `a` and `b` {like this}."
    ex = extract_code(reply, "stop", "Adder")
    assert ex.category is None
    assert "like this" not in ex.code and "Sure" not in ex.code


def test_design_plus_main_block_drops_main():
    ex = extract_code(fence(ADDER) + "\nTo get Verilog:\n" + fence(MAIN), "stop", "Adder")
    assert ex.category is None
    assert "object Main" not in ex.code and "class Adder" in ex.code
    assert any("harness" in d for d in ex.dropped)


def test_design_plus_test_block_drops_test():
    ex = extract_code(fence(ADDER) + "\nAnd a test:\n" + fence(TEST), "stop", "Adder")
    assert "AdderSpec" not in ex.code and "class Adder" in ex.code


def test_helper_module_in_separate_block_is_joined():
    helper = "import chisel3._\n\nclass HalfAdder extends Module {\n  val io = IO(new Bundle { val a = Input(Bool()) })\n}"
    top = ADDER.replace("io.sum := io.a + io.b", "val h = Module(new HalfAdder)\n  io.sum := io.a + io.b")
    ex = extract_code("First a helper:\n" + fence(helper) + "\nThen the top:\n" + fence(top), "stop", "Adder")
    assert ex.category is None
    assert "class HalfAdder" in ex.code and "class Adder" in ex.code
    assert ex.code.count("import chisel3._") == 1  # imports hoisted and de-duplicated
    assert ex.code.index("class HalfAdder") < ex.code.index("class Adder")


def test_revised_version_replaces_earlier_one():
    v1 = ADDER.replace("io.a + io.b", "io.a - io.b")
    reply = fence(v1) + "\nOops, that subtracts. Corrected:\n" + fence(ADDER)
    ex = extract_code(reply, "stop", "Adder")
    assert "io.a + io.b" in ex.code and "io.a - io.b" not in ex.code
    assert ex.code.count("class Adder") == 1


def test_top_selects_the_block_defining_it():
    other = ADDER.replace("Adder", "Subber")
    ex = extract_code(fence(ADDER) + "\n" + fence(other), "stop", "Adder")
    assert "class Adder" in ex.code


def test_verilog_block_ignored():
    verilog = "module Adder(input [7:0] a, output [7:0] s);\n  assign s = a;\nendmodule"
    ex = extract_code(fence(ADDER) + "\nGenerated:\n" + fence(verilog, "verilog"), "stop", "Adder")
    assert ex.category is None and "endmodule" not in ex.code


def test_only_verilog_is_extraction_failed():
    ex = extract_code(fence("module A; endmodule", "systemverilog"), "stop", "A")
    assert ex.category == "extraction_failed" and ex.code is None


def test_no_fence_with_prose_around():
    reply = "Here is the module:\n\n" + ADDER + "\n\nThis adds two numbers."
    ex = extract_code(reply, "stop", "Adder")
    assert ex.category is None
    assert ex.code.strip() == ADDER


def test_no_fence_plain_code():
    ex = extract_code(ADDER, "stop", "Adder")
    assert ex.category is None and ex.code.strip() == ADDER


def test_no_code_at_all():
    ex = extract_code("I cannot help with that request.", "stop", "Adder")
    assert ex.category == "extraction_failed" and ex.code is None


def test_empty_reply():
    assert extract_code("", "stop", None).category == "extraction_failed"


def test_finish_reason_length_is_truncated_even_if_balanced():
    ex = extract_code(fence(ADDER), "length", "Adder")
    assert ex.category == "truncated" and "class Adder" in ex.code


def test_unclosed_fence_and_braces_is_truncated():
    cut = ADDER[: ADDER.index("io.sum")]
    ex = extract_code("```scala\n" + cut, "stop", "Adder")
    assert ex.category == "truncated"


def test_closed_fence_with_unbalanced_paren_is_code_not_truncation():
    # The reply ended on purpose; the compiler's syntax error is the better repair signal.
    ex = extract_code(fence(ADDER.replace("io.a + io.b", "(io.a + io.b")), "stop", "Adder")
    assert ex.category is None and "(io.a + io.b" in ex.code


def test_unclosed_fence_balanced_code_is_fine():
    ex = extract_code("```scala\n" + ADDER + "\n", "stop", "Adder")
    assert ex.category is None and "closing fence missing" in ex.note


def test_unfenced_truncated():
    cut = ADDER[: ADDER.index("val sum")]
    ex = extract_code("Here:\n" + cut, None, "Adder")
    assert ex.category == "truncated"


def test_braces_in_strings_and_comments_do_not_count():
    code = ADDER.replace("io.sum := io.a + io.b", 'io.sum := io.a + io.b // { unbalanced in a comment\n  printf("}}}\\n")')
    ex = extract_code("```scala\n" + code + "\n", "stop", "Adder")  # no closing fence: balance decides
    assert ex.category is None
    assert extract_code("```scala\n" + code.replace("printf", "printf(") + "\n", "stop", "Adder").category == "truncated"


def test_think_section_removed():
    reply = "<think>Maybe ```scala\nclass Wrong extends Module {}\n``` no.</think>\n" + fence(ADDER)
    ex = extract_code(reply, "stop", "Adder")
    assert ex.category is None and "Wrong" not in ex.code


def test_cut_off_inside_think_is_truncated():
    ex = extract_code("<think>Let me design the adder. First " * 5, "length", "Adder")
    assert ex.category == "truncated" and ex.code is None


def test_tilde_fence():
    ex = extract_code("~~~scala\n" + ADDER + "\n~~~", "stop", "Adder")
    assert ex.category is None and "class Adder" in ex.code


def test_nested_backticks_in_four_backtick_fence():
    reply = "````scala\n" + ADDER + "\n// see ```docs```\n````"
    ex = extract_code(reply, "stop", "Adder")
    assert ex.category is None and "class Adder" in ex.code


def test_single_block_with_design_and_main_is_kept_whole():
    ex = extract_code(fence(ADDER + "\n\n" + MAIN.split("\n\n", 1)[1]), "stop", "Adder")
    assert ex.category is None and "class Adder" in ex.code  # the harness fixer trims the main


def test_only_harness_is_extraction_failed():
    ex = extract_code(fence(MAIN), "stop", "Adder")
    assert ex.category == "extraction_failed"


def test_bundle_helper_block_kept():
    bundle = "import chisel3._\n\nclass Pair extends Bundle {\n  val a = UInt(8.W)\n}"
    ex = extract_code(fence(bundle) + "\n" + fence(ADDER), "stop", "Adder")
    assert "class Pair" in ex.code and "class Adder" in ex.code


def test_no_top_given_picks_module_block():
    ex = extract_code("Explanation\n" + fence("sbt run", "bash") + "\n" + fence(ADDER), "stop", None)
    assert ex.category is None and "class Adder" in ex.code and "sbt" not in ex.code


SEED = Path(os.environ.get("CHISEL_AGENT_SEED_DATA", Path(__file__).resolve().parents[2] / "shared" / "seed-data"))


@pytest.mark.seed
@pytest.mark.skipif(not (SEED / "baseline_results.json").exists(), reason="seed data absent")
def test_seed_baseline_replies_extract_like_the_seed():
    """Every recorded Qwen reply extracts to the same code the seed's extractor found."""
    results = json.loads((SEED / "baseline_results.json").read_text())["results"]
    for r in results:
        ex = extract_code(r["raw_output"], "stop", None)
        assert ex.category is None, r["id"]
        assert ex.code.strip() == r["extracted_code"].strip(), r["id"]
