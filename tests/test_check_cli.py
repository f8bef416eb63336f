"""`agent check` as a user runs it: exit codes, one JSON object, one-line errors for bad input."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from reflect_env import reflect

GOOD = """import chisel3._
class Inv extends Module {
  val io = IO(new Bundle { val a = Input(UInt(4.W)); val o = Output(UInt(4.W)) })
  io.o := ~io.a
}
"""


def agent(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "agent", *args], capture_output=True, text=True, timeout=600)


def test_json_output_and_exit_codes(tmp_path):
    good = tmp_path / "Inv.scala"
    good.write_text(GOOD)
    p = agent("check", str(good), "--top", "Inv", "--json", "-o", str(tmp_path / "out"))
    assert p.returncode == 0, p.stderr
    obj = json.loads(p.stdout)  # exactly one JSON object
    assert {"ok", "stage", "top", "category", "diagnostics", "verilog", "timings"} <= set(obj)
    assert obj["ok"] and obj["top"] == "Inv" and (tmp_path / "out" / "Inv.sv").exists()

    p = agent("check", str(good), "--top", "Inverter", "--json")
    assert p.returncode == 1 and json.loads(p.stdout)["category"] == "name_mismatch"


@pytest.mark.parametrize("content, expect", [
    (None, "not found"), ("", "empty"), (b"\x00\x01\x02binary", "binary"),
])
def test_bad_input_is_one_line_and_nonzero(tmp_path, content, expect):
    f = tmp_path / "x.scala"
    if content is not None:
        f.write_bytes(content if isinstance(content, bytes) else content.encode())
    p = agent("check", str(f))
    assert p.returncode == 2 and expect in p.stderr
    assert "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) == 1


def test_seed_compatible_reflect(tmp_path):
    out = reflect(GOOD.replace("~io.a", "Cat(io.a(1,0), io.a(3,2))"), "Inv", silent=True,
                  result_file=str(tmp_path / "r.json"))
    assert out["stage"] == "compilation" and out["compiled"] is False
    assert out["error_log"].startswith("Candidate.scala:4:")  # the candidate's own line, no harness offset
    good = reflect(GOOD, "Inv", output_dir=str(tmp_path), silent=True)
    assert good["stage"] == "passed" and good["elaborated"] and "module Inv" in good["generated_verilog"]
    assert (tmp_path / "Inv.sv").exists() and json.loads((tmp_path / "r.json").read_text())["module_name"] == "Inv"
