"""agent.eval.copying: answers that are a worked example's body, counted on made-up runs whose copies are
known."""
from __future__ import annotations

import json
from pathlib import Path

from agent.eval import copying

EXAMPLE = """import chisel3._

class TopModule extends Module {
  val io = IO(new Bundle {
    val in  = Input(UInt(4.W))
    val odd = Output(Bool())
  })
  val odd = RegInit(false.B) // resetn is the implicit reset: the harness inverts it
  odd := odd ^ io.in.xorR
  io.odd := odd
}
"""
PROMPT = f"Worked example:\n```scala\n{EXAMPLE}```\nNow write `TopModule` for: count to 10.\n"
# Renamed register, reworded comment: a copy all the same.
RENAMED = EXAMPLE.replace("odd", "q").replace("resetn is", "reset is").replace("val in ", "val clk = Input(Clock())\n    val in ")
# Two body lines verbatim, no comment.
VERBATIM = EXAMPLE.replace(" // resetn is the implicit reset: the harness inverts it", "")
# The same ports and format, its own body: not a copy.
OWN = """import chisel3._

class TopModule extends Module {
  val io = IO(new Bundle {
    val in  = Input(UInt(4.W))
    val odd = Output(Bool())
  })
  val count = RegInit(0.U(4.W)) // counts from 0 to 9, then wraps to 0
  count := Mux(count === 9.U, 0.U, count + 1.U)
  io.odd := count(0)
}
"""


def write_run(tmp: Path, samples: list[tuple[str, bool]]) -> Path:
    run = tmp / "run"
    (run / "traces").mkdir(parents=True)
    chains = [{"sample_index": i, "functional_ok": right, "attempts": []} for i, (_, right) in enumerate(samples)]
    (run / "results.jsonl").write_text(json.dumps({"id": "p1", "chains": chains}) + "\n")
    events = [{"kind": "prompt", "chain": None, "round": 0, "template": "generate", "text": PROMPT}]
    events += [{"kind": "extraction", "chain": i, "round": 0, "code": code} for i, (code, _) in enumerate(samples)]
    events.append({"kind": "extraction", "chain": 2, "round": 1, "code": EXAMPLE})  # a repair: not round 0
    (run / "traces" / "p1.jsonl").write_text("".join(json.dumps(e) + "\n" for e in events))
    return run


def test_the_format_is_not_a_copy_and_the_body_is():
    assert copying.body_lines(EXAMPLE) == ["val odd = RegInit(false.B) // resetn is the implicit reset: the harness inverts it",
                                           "odd := odd ^ io.in.xorR", "io.odd := odd"]
    lines, comments = copying.example_lines(PROMPT)
    assert "odd := odd ^ io.in.xorR" in lines
    assert comments == {"resetn is the implicit reset: the harness inverts it"}


def test_copies_are_counted_with_their_functional_outcome(tmp_path: Path):
    run = write_run(tmp_path, [(RENAMED, False), (VERBATIM, False), (OWN, True), (OWN, False)])
    stats = copying.measure(run).to_dict()
    assert (stats["samples"], stats["copying"], stats["problems_with_a_copying_sample"]) == (4, 2, 1)
    assert (stats["copying_right"], stats["other"], stats["other_right"]) == (0, 2, 1)
    assert stats["functional_when_copying"] == 0.0 and stats["functional_otherwise"] == 0.5
    assert "| run | 4 | 2 (50 %) | 1 of 1 | 0/2 / 1/2 |" in copying.markdown([stats])


def test_not_a_run_directory_is_one_line(tmp_path: Path, capsys):
    import pytest

    with pytest.raises(SystemExit) as e:
        copying.main([str(tmp_path)])
    assert "has no results.jsonl" in str(e.value)
