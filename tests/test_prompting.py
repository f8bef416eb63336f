"""agent.prompting and the shipped notes: prompts share a cacheable prefix, notes are framed as
reference material, and no note example can be pasted as the whole answer to a task."""
from __future__ import annotations

import re
from pathlib import Path

from agent.prompting import PromptBuilder
from agent.rag.notes import Note, load_notes
from reflect_env.result import Category, Diagnostic, Stage, VerifyResult

REPO = Path(__file__).resolve().parents[1]
SPEC_A = "An 8-bit adder module named `Adder8` with inputs `a`, `b` and output `sum` (wrapping)."
SPEC_B = "A module named `RegZero` with an 8-bit register initialized to 0, output on `out`."
CODE = "import chisel3._\nclass Adder8 extends Module {\n  val io = IO(new Bundle { val a = Input(UInt(8.W)) })\n}\n"


def _note(id_: str, title: str, body: str) -> Note:
    return Note(id=id_, title=title, text=f"## {title}\n{body}", score=1.0, source=f"rag_docs/{id_}.md", kind="api")


def _compile_error() -> VerifyResult:
    d = Diagnostic(stage=Stage.compile, line=3, column=5, message="not found: value Cat", code_line="  Cat(a, b)")
    return VerifyResult(ok=False, stage=Stage.compile, category=Category.missing_import, diagnostics=[d])


def test_system_message_is_one_shared_prefix_for_every_task_and_round():
    b = PromptBuilder("chisel7")
    gen_a = b.generate(SPEC_A, "Adder8")
    gen_b = b.generate(SPEC_B, "RegZero", notes=[_note("registers", "Registers", "RegInit(0.U(w.W))")])
    rep_a = b.repair(SPEC_A, "Adder8", CODE, _compile_error())
    systems = {p.messages[0]["content"] for p in (gen_a, gen_b, rep_a)}
    assert len(systems) == 1 and [m["role"] for m in gen_a.messages] == ["system", "user"]
    system = systems.pop()
    # nothing task-specific in it: a server's prefix cache reuses it across tasks and rounds
    for task_word in ("Adder8", "RegZero", "Specification"):
        assert task_word not in system
    assert "class EdgeCounter" in system  # the few-shot example belongs to the shared prefix


def test_user_messages_start_with_the_spec_and_end_with_the_top_module():
    b = PromptBuilder("chisel7")
    gen = b.generate(SPEC_A, "Adder8", hints=[("Cat", "chisel3.util._")],
                     notes=[_note("cat", "Cat - concatenating bits", "val w = Cat(hi, lo)")])
    rep = b.repair(SPEC_A, "Adder8", CODE, _compile_error(), notes=[_note("cat", "Cat", "x")])
    for p in (gen, rep):
        user = p.messages[-1]["content"]
        assert user.startswith("Specification:\n" + SPEC_A + "\n")  # a repair reuses its task's cached prefix
        last = user.strip().split("\n\n")[-1]
        assert "`class Adder8`" in last and "```scala block" in last
    rep_user = rep.messages[-1]["content"]
    # the order inside a repair prompt: code, then its errors, then retrieved notes
    assert rep_user.index("2| class Adder8") < rep_user.index("not found: value Cat") < rep_user.index("[note: Cat]")


def test_notes_are_delimited_and_labelled_as_reference_not_the_task():
    body = "What: a register.\n```scala\nval r = RegInit(0.U(w.W))\n```\nMistakes: `RegInit(0.U)` is 1 bit wide."
    note = _note("registers", "Registers", body)
    user = PromptBuilder("chisel7").generate(SPEC_B, "RegZero", notes=[note]).messages[-1]["content"]
    assert "Reference notes" in user and "not your task" in user and "placeholders" in user
    assert "[note: Registers]\nWhat: a register.\nMistakes: `RegInit(0.U)` is 1 bit wide.\n[end of note]" in user
    assert "## Registers" not in user  # the title is shown once, in the delimiter line
    assert user.index(SPEC_B) < user.index("[note: Registers]") < user.index("Write `class RegZero`")
    assert "Reference notes" not in PromptBuilder("chisel7").generate(SPEC_B, "RegZero").messages[-1]["content"]


def test_generation_prompts_leave_out_note_examples_repair_prompts_keep_them():
    """Qwen2.5-Coder-1.5B pasted a note's example block into its answer even with placeholder names
    (`val prev = RegNext(x)`): a generation prompt shows a note's prose only."""
    note = _note("registers", "Registers", "What: a register.\n```scala\nval prev = RegNext(x)\n```\nMistakes: none.")
    b = PromptBuilder("chisel7")
    gen = b.generate(SPEC_B, "RegZero", notes=[note]).messages[-1]["content"]
    rep = b.repair(SPEC_B, "RegZero", CODE, _compile_error(), notes=[note]).messages[-1]["content"]
    assert "RegNext(x)" not in gen and "What: a register." in gen and "Mistakes: none." in gen
    assert "```scala\nval prev = RegNext(x)\n```" in rep


def test_fewshot_off_removes_the_example_from_the_system_message():
    on = PromptBuilder("chisel7").generate(SPEC_A, "Adder8").messages[0]["content"]
    off = PromptBuilder("chisel7", fewshot=False).generate(SPEC_A, "Adder8").messages[0]["content"]
    assert "EdgeCounter" in on and "EdgeCounter" not in off and off.startswith(on.split("```")[0][:200])


def test_generate_prompt_without_top_names_no_class():
    user = PromptBuilder("chisel7").generate(SPEC_A, None).messages[-1]["content"]
    assert "class" not in user.split("\n\n")[-1] and "Write the module" in user


SCALA_BLOCK = re.compile(r"```scala\n(.*?)```", re.DOTALL)
MODULE_CLASS = re.compile(r"\bclass\s+\w+[^\n{]*\bextends\s+(?:Raw)?Module\b")


def test_no_reference_note_example_is_a_complete_module():
    """A complete module in a note was pasted as the answer to a different spec (the bundle-io adder with
    a 9-bit `+&` sum for an 8-bit wrapping adder; the registers note's `RegNext(io.in, 0.U)` for a
    register that outputs zero). Notes a generation prompt can get show fragments: a module class in an
    example must elide its body with `...`."""
    offenders = []
    for n in load_notes(REPO / "rag_docs"):
        if n.kind == "error":  # error guides reach only repair prompts, where code already exists
            continue
        for block in SCALA_BLOCK.findall(n.text):
            if MODULE_CLASS.search(block) and "..." not in block:
                offenders.append(n.id)
    assert not offenders, offenders


def test_notes_examples_do_not_drive_task_like_io_ports_in_the_listed_notes():
    """The notes whose examples were copied into answers use placeholder names now, not io ports."""
    notes = {n.id: n.text for n in load_notes(REPO / "rag_docs")}
    assert "RegNext(io.in" not in notes["registers"] and "io.load" not in notes["registers"]
    assert "+&" not in "".join(SCALA_BLOCK.findall(notes["bundle-io"]))
    assert "io.carry" not in notes["sint-arithmetic"] and "8 + 8 -> 9 bits" not in notes["sint-arithmetic"]


def test_core_notes_are_in_the_shared_system_message_and_not_repeated_after_the_spec():
    """Issue 19: the notes every design uses go into the system message (the prefix the server caches);
    a generate prompt shows only the retrieved notes that are not already there."""
    from agent.config import CORE_NOTES, AgentConfig
    from agent.search import system_prompt

    b = PromptBuilder("chisel7", examples=True, core_notes=CORE_NOTES)
    regs, cat = (_note("registers", "Reg, RegInit, RegNext, RegEnable - registers and resets", "RegInit(0.U)"),
                 _note("cat", "Cat - concatenating bits", "val w = Cat(hi, lo)"))
    gen_a, gen_b = b.generate(SPEC_A, "Adder8", notes=[regs, cat]), b.generate(SPEC_B, "RegZero")
    system = gen_a.messages[0]["content"]
    assert system == gen_b.messages[0]["content"] == b.repair(SPEC_A, "Adder8", CODE, _compile_error()).messages[0]["content"]
    titles = re.findall(r"\[note: ([^\]]+)\]", system)
    by_id = {n.id: n.title for n in load_notes()}
    assert titles == [by_id[i] for i in CORE_NOTES]  # in the order the setting gives
    assert "Bundle IO vs flat IO ports" in system and "```" not in system.split("Chisel notes for every design")[1]
    user = gen_a.messages[1]["content"]
    assert "[note: Cat - concatenating bits]" in user and "Reg, RegInit" not in user  # the core one is not repeated
    # the repair prompt keeps every retrieved note, with its examples: the core notes there are prose only
    assert "RegInit(0.U)" in b.repair(SPEC_A, "Adder8", CODE, _compile_error(), notes=[regs]).messages[1]["content"]
    # the solve's prefix (what agent.local.prefix primes and restores) is this same system message
    assert system_prompt(AgentConfig(core_notes=list(CORE_NOTES))) == system
    # without core notes the system message is the one of before: no notes section at all
    assert "[note:" not in PromptBuilder("chisel7", examples=True).system()
    assert "[note:" not in system_prompt(AgentConfig())  # off by default: they cost answers (BENCHMARKS.md)
