"""Python reference models (reflect_env.sim.pymodel) and random co-simulation (reflect_env.sim.cosim),
on hand-written SystemVerilog: no Chisel toolchain needed, only iverilog."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reflect_env.sim import cosim, pymodel
from reflect_env.sim.cosim_cli import main as cosim_main

pytestmark = pytest.mark.skipif(not (shutil.which("iverilog") and shutil.which("vvp")), reason="iverilog not installed")

ADDER = """module Adder8(input clock, input reset, input [7:0] io_a, input [7:0] io_b, output [7:0] io_sum);
  assign io_sum = io_a + io_b;
endmodule
"""
# The accumulator the 1.5B wrote for a "purely combinational" adder spec (issue 20).
ACCUMULATOR = """module Adder8(input clock, input reset, input [7:0] io_a, input [7:0] io_b, output [7:0] io_sum);
  reg [7:0] r;
  always @(posedge clock) if (reset) r <= 8'h0; else r <= r + io_a + io_b;
  assign io_sum = r;
endmodule
"""
ADDER_MODEL = """
class Model:
    def reset(self):
        pass

    def step(self, inputs):
        return {"sum": inputs["a"] + inputs["b"]}   # the harness masks to 8 bits
"""
ACC_MODEL = """
class Model:
    def reset(self):
        self.r = 0

    def step(self, inputs):
        out = {"sum": self.r}
        self.r = (self.r + inputs["a"] + inputs["b"]) & 0xFF
        return out
"""
BROKEN = {
    "raises": ("class Model:\n    def reset(self): pass\n    def step(self, inputs):\n"
               "        return {'sum': inputs['a'] // 0}\n", "ZeroDivisionError"),
    "wrong_port": ("class Model:\n    def reset(self): pass\n    def step(self, inputs):\n"
                   "        return {'total': 0}\n", "returns output(s) total"),
    "missing_input": ("class Model:\n    def reset(self): pass\n    def step(self, inputs):\n"
                      "        return {'sum': inputs['carry_in']}\n", "KeyError"),
    "not_int": ("class Model:\n    def reset(self): pass\n    def step(self, inputs):\n"
                "        return {'sum': 1.5}\n", "not an int"),
    "not_dict": ("class Model:\n    def reset(self): pass\n    def step(self, inputs):\n        return 3\n",
                 "not a dict"),
    "no_class": ("def step(inputs):\n    return {}\n", "no class Model"),
    "syntax": ("class Model:\n    def step(self, inputs)\n        return {}\n", "syntax error"),
    "reset_raises": ("class Model:\n    def reset(self): raise RuntimeError('no')\n"
                     "    def step(self, inputs): return {'sum': 0}\n", "in reset()"),
}


def test_stimulus_is_seeded_and_walks_the_corners():
    a = cosim.make_cosim_stimulus({"a": 8, "b": 4}, 200, seed=3)
    assert a.inputs == cosim.make_cosim_stimulus({"a": 8, "b": 4}, 200, seed=3).inputs
    assert a.inputs != cosim.make_cosim_stimulus({"a": 8, "b": 4}, 200, seed=4).inputs
    assert a.inputs[0] == {"a": 0, "b": 0} and a.inputs[1] == {"a": 255, "b": 15}
    assert {"a": 1, "b": 0} in a.inputs[:20] and {"a": 0, "b": 8} in a.inputs[:20]  # one-hot walk
    values = [row["a"] for row in a.inputs[30:]]
    assert any(x == y for x, y in zip(values, values[1:]))  # held values
    assert len(set(values)) > 50  # and random ones
    assert all(0 <= row["a"] < 256 and 0 <= row["b"] < 16 for row in a.inputs)


def test_matrix_compiles_each_design_once_and_finds_cycle_level_counterexamples(tmp_path):
    m = cosim.agreement({"comb": (ADDER, "Adder8"), "acc": (ACCUMULATOR, "Adder8")},
                        {"adder": ADDER_MODEL, "acc": ACC_MODEL}, workdir=tmp_path, cycles=1000, seed=1)
    assert m.agreeing_models("comb") == ["adder"] and m.agreeing_models("acc") == ["acc"]
    pair = m.pairs["acc"]["adder"]
    assert not pair.agree and pair.category == "sim_mismatch" and pair.match_rate < 0.1
    cx = pair.counterexamples[0]
    assert cx.signal == "sum" and cx.expected == (cx.inputs["a"] + cx.inputs["b"]) & 0xFF and cx.got != cx.expected
    assert len(list(tmp_path.glob("design-*/cos.vvp"))) == 2  # one compile per design, not per pair
    recorded = json.loads((tmp_path / "stimulus.json").read_text())
    assert recorded["seed"] == 1 and recorded["inputs"][5] == m.stimulus.inputs[5]
    d = m.to_dict()
    assert d["match_rate"]["comb"]["adder"] == 1.0 and d["agree"]["acc"] == ["acc"]


def test_check_against_model_verdicts(tmp_path):
    ok = cosim.check_against_model(ADDER, "Adder8", ADDER_MODEL, workdir=tmp_path / "ok")
    assert ok.ok and ok.match_rate == 1.0
    bad = cosim.check_against_model(ACCUMULATOR, "Adder8", ADDER_MODEL, workdir=tmp_path / "bad")
    assert not bad.ok and bad.category == "sim_mismatch" and bad.mismatches[0].cycle is not None
    assert any(h.startswith("cycle ") and "expected" in h for h in bad.hints)


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_model_is_the_reference_s_fault(tmp_path, name):
    source, words = BROKEN[name]
    out = cosim.check_against_model(ADDER, "Adder8", source, workdir=tmp_path, cycles=50)
    assert not out.ok and out.category == "reference_error", out
    assert words in out.hints[0], out.hints


def test_a_hanging_model_is_killed_and_blamed(tmp_path):
    source = "class Model:\n    def reset(self): pass\n    def step(self, inputs):\n        while True: pass\n"
    run = pymodel.run_model(source, [{"a": 1}], workdir=tmp_path, timeout=2, cpu_s=1)
    assert not run.ok and run.seconds < 8 and ("did not finish" in run.error or "limit" in run.error)


def test_a_model_cannot_write_outside_its_job_dir(tmp_path):
    target = tmp_path.parent / f"escaped-{tmp_path.name}.txt"
    source = (f"class Model:\n    def reset(self):\n        open({str(target)!r}, 'w').write('x')\n"
              "    def step(self, inputs): return {'sum': 0}\n")
    run = pymodel.run_model(source, [{"a": 1}], workdir=tmp_path / "job")
    from reflect_env import sandbox
    if not sandbox.bwrap_works():
        pytest.skip("bubblewrap does not work here")
    # The sandbox's /tmp is a private tmpfs: the write lands there (or fails), never in the host's /tmp.
    assert not target.exists(), run


def test_is_python_model():
    assert pymodel.is_python_model(ADDER_MODEL) and pymodel.is_python_model(Path("m.py"))
    assert pymodel.is_python_model("model.py")
    assert not pymodel.is_python_model(ADDER) and not pymodel.is_python_model("class Adder extends Module {}")
    assert not pymodel.is_python_model(None)


def test_cli_exit_codes_and_json(tmp_path, capsys):
    (tmp_path / "a.sv").write_text(ADDER)
    (tmp_path / "r.sv").write_text(ACCUMULATOR)
    (tmp_path / "m.py").write_text(ADDER_MODEL)
    (tmp_path / "bad.py").write_text(BROKEN["raises"][0])
    assert cosim_main([str(tmp_path / "a.sv"), "--top", "Adder8", "--model", str(tmp_path / "m.py")]) == 0
    assert cosim_main([str(tmp_path / "a.sv"), str(tmp_path / "r.sv"), "--top", "Adder8", "--model",
                       str(tmp_path / "m.py"), "--json", "--cycles", "100"]) == 1
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["pairs"][1]["counterexamples"][0]["signal"] == "sum" and out["stimulus"]["cycles"] == 100
    assert cosim_main([str(tmp_path / "a.sv"), "--top", "Adder8", "--model", str(tmp_path / "bad.py")]) == 3
    assert cosim_main([str(tmp_path / "nope.sv"), "--top", "Adder8", "--model", str(tmp_path / "m.py")]) == 2


def test_bench_runs_and_each_design_agrees_with_its_own_model_only(capsys):
    from reflect_env.sim.cosim_bench import main as bench_main

    assert bench_main(["--designs", "2", "--models", "2", "--repeat", "1", "--cycles", "200", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["pairs"] == 4 and out["agree"] == {"adder": ["adder"], "accumulator": ["accumulator"]}
