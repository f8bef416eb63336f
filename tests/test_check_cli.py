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


BOXED = """import chisel3._
import chisel3.util._
class InvBox extends BlackBox with HasBlackBoxInline {
  val io = IO(new Bundle { val a = Input(UInt(4.W)); val o = Output(UInt(4.W)) })
  setInline("InvBox.v", "module InvBox(input [3:0] a, output [3:0] o); assign o = ~a; endmodule")
}
class Inv extends Module {
  val io = IO(new Bundle { val a = Input(UInt(4.W)); val o = Output(UInt(4.W)) })
  val box = Module(new InvBox)
  box.io.a := io.a
  io.o := box.io.o
}
"""


def test_blackbox_fails_unless_allowed(tmp_path):
    f = tmp_path / "Inv.scala"
    f.write_text(BOXED)
    p = agent("check", str(f), "--top", "Inv", "--json")
    assert p.returncode == 1, p.stderr
    assert json.loads(p.stdout)["category"] == "blackbox"
    p = agent("check", str(f), "--top", "Inv", "--json", "--allow-blackbox")
    assert p.returncode == 0 and json.loads(p.stdout)["ok"], p.stdout[-2000:]


def test_out_with_a_waveform_writes_result_json_without_warnings(tmp_path):
    """--out copies the waveform; result.json stores its path as a string (was a PosixPath warning)."""
    from pathlib import Path

    ve = Path(__file__).parent / "data" / "sim" / "verilogeval"
    design = tmp_path / "MinMax.scala"
    design.write_text("import chisel3._\nclass TopModule extends RawModule {\n"
                      "  val a = IO(Input(UInt(8.W))); val b = IO(Input(UInt(8.W)))\n"
                      "  val min = IO(Output(UInt(8.W))); val max = IO(Output(UInt(8.W)))\n"
                      "  min := Mux(a < b, a, b); max := Mux(a < b, b, a)\n}\n")
    out = tmp_path / "out"
    p = agent("check", str(design), "--top", "TopModule", "--tb", str(ve / "Prob901_minmax_test.sv"),
              "--ref", str(ve / "Prob901_minmax_ref.sv"), "-o", str(out))
    assert p.returncode == 0, p.stdout + p.stderr
    assert "PosixPath" not in p.stderr and "Serializ" not in p.stderr, p.stderr
    result = json.loads((out / "result.json").read_text())
    assert result["vcd_path"] == str(out / "waves.vcd") and (out / "waves.vcd").exists()
    assert "Icarus Verilog" in result["simulator"]


def test_a_failing_check_leaves_no_earlier_passing_design_beside_its_result(tmp_path):
    """`check good.scala --out d; check bad.scala --out d` left good's Inv.sv beside bad's failing
    result.json. The earlier check's files go; files it did not write stay."""
    good, bad, out = tmp_path / "good.scala", tmp_path / "bad.scala", tmp_path / "d"
    good.write_text(GOOD)
    bad.write_text(GOOD.replace("io.o := ~io.a", "io.o := (~io.a"))
    out.mkdir()
    (out / "notes.txt").write_text("mine\n")
    (out / "Other.sv").write_text("module Other; endmodule\n")
    assert agent("check", str(good), "-o", str(out)).returncode == 0
    assert (out / "Inv.sv").exists()
    p = agent("check", str(bad), "-o", str(out))
    assert p.returncode == 1, p.stdout + p.stderr
    assert sorted(f.name for f in out.iterdir()) == ["Other.sv", "notes.txt", "result.json"]
    assert json.loads((out / "result.json").read_text())["ok"] is False


def test_only_what_an_earlier_check_wrote_counts_as_its_output(tmp_path):
    from agent.commands.verify_cmds import _earlier_check_outputs

    out = tmp_path / "d"
    out.mkdir()
    assert _earlier_check_outputs(out) == set()  # no result.json: nothing is a check's output
    (out / "result.json").write_text(json.dumps({"top": "Inv", "verilog": "module Inv;", "vcd_path": None}))
    (out / "Inv.sv").write_text("module Inv;")
    assert _earlier_check_outputs(out) == {out / "result.json", out / "Inv.sv"}
    (out / "Inv.sv").write_text("module Inv; // edited")  # the user's now
    assert _earlier_check_outputs(out) == {out / "result.json"}
    (tmp_path / "x.sv").write_text("v")
    (out / "result.json").write_text(json.dumps({"top": "../x", "verilog": "v"}))  # a class name, never a path
    assert _earlier_check_outputs(out) == {out / "result.json"}
    (out / "result.json").write_text("{not json")
    assert _earlier_check_outputs(out) == set()


def test_check_help_says_what_it_writes_and_how_it_picks_the_top():
    from typer.testing import CliRunner

    from agent.cli import app

    r = CliRunner().invoke(app, ["check", "--help"], env={"COLUMNS": "400"})
    text = " ".join(r.output.split())
    assert "design.sv" not in text and "<Top>.sv" in text and "result.json" in text
    assert "the one no other module instantiates" in text


# -- settings and flag mistakes, without the JVM: a stand-in verifier records what check asked for ----

class _FakeEnv:
    def __init__(self, profile):
        self.profile = profile

    def verify(self, code, top, **kw):
        from reflect_env.result import Stage, VerifyResult

        return VerifyResult(ok=True, stage=Stage.passed, top="Inv")


def _check_in(tmp_path, monkeypatch, *args, env=None):
    """`agent check` in-process from tmp_path with the verifier replaced; (result, profiles opened)."""
    from contextlib import contextmanager

    from typer.testing import CliRunner

    from agent.cli import app
    from agent.commands import verify_cmds

    opened: list = []

    @contextmanager
    def fake_open_verifier(profile, workers=None, **kw):
        opened.append(profile)
        yield _FakeEnv(profile)

    monkeypatch.setattr(verify_cmds, "open_verifier", fake_open_verifier)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CHISEL_AGENT_PROFILE", raising=False)
    for k, v in (env or {}).items():
        monkeypatch.setenv(k, v)
    (tmp_path / "Inv.scala").write_text(GOOD)
    return CliRunner().invoke(app, ["check", "Inv.scala", *args]), opened


def test_check_takes_its_profile_from_the_config_file(tmp_path, monkeypatch):
    """profile = "chisel6" in ./chisel-agent.toml: config show said chisel6, check ran chisel7."""
    (tmp_path / "chisel-agent.toml").write_text('profile = "chisel6"\n')
    r, opened = _check_in(tmp_path, monkeypatch, "--json")
    assert r.exit_code == 0, r.output
    assert opened == ["chisel6"]
    assert json.loads(r.stdout)["profile"] == "chisel6"
    # env beats the file, -p beats env; --config names another file
    assert _check_in(tmp_path, monkeypatch, env={"CHISEL_AGENT_PROFILE": "chisel7"})[1] == ["chisel7"]
    assert _check_in(tmp_path, monkeypatch, "-p", "chisel7")[1] == ["chisel7"]
    (tmp_path / "other.toml").write_text('profile = "chisel7"\n')
    assert _check_in(tmp_path, monkeypatch, "--config", "other.toml")[1] == ["chisel7"]


def test_check_flag_mistakes_are_refused_before_verifying(tmp_path, monkeypatch):
    (tmp_path / "x_test.sv").write_text("module tb; endmodule\n")
    (tmp_path / "hello.txt").write_text("print(1)\n")
    for args, said in ((["--tb", "x_test.sv"], "--ref <name>_ref.sv"),
                       (["--ref", "hello.txt"], "--ref must be a .scala, .sv or .v file"),
                       (["--cycles", "0"], "--cycles"), (["--cycles", "-5"], "--cycles")):
        r, opened = _check_in(tmp_path, monkeypatch, *args)
        assert r.exit_code == 2 and opened == [], (args, r.output)
        assert said in r.output and "Traceback" not in r.output, (args, r.output)


def test_setup_refuses_a_profile_beside_all():
    """`setup -p chisel6 --all` silently ignored -p."""
    from typer.testing import CliRunner

    from agent.cli import app

    r = CliRunner().invoke(app, ["setup", "-p", "chisel6", "--all"])
    assert r.exit_code == 2 and "not both" in r.output, r.output
