"""A Python model as the reference, end to end with real compiles: ReflectEnv.verify, `agent check --ref
model.py`, and a benchmark problem whose reference is a model (docs/python_models.md)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from agent.eval.benchmarks import load_own_problem
from reflect_env.result import Category, Stage

DATA = Path(__file__).parent / "data" / "pymodel"
ADDER = (DATA / "Adder8.scala").read_text()
REGISTERED = (DATA / "Adder8Registered.scala").read_text()


def test_verify_against_a_python_model(env):
    ok = env.verify(ADDER, "Adder8", reference=DATA / "adder8_model.py")
    assert ok.ok and ok.stage == Stage.passed and ok.match_rate == 1.0, ok.error_log()
    bad = env.verify(REGISTERED, "Adder8", reference=(DATA / "adder8_model.py").read_text())  # text works too
    assert not bad.ok and bad.category == Category.sim_mismatch and bad.stage == Stage.simulate
    first = bad.mismatches[0]
    assert first.signal == "sum" and first.cycle is not None and first.expected != first.got
    assert bad.match_rate is not None and bad.match_rate < 0.1
    assert "inputs a=" in (bad.sim_log or "")  # the counterexample quotes the inputs of that cycle


@pytest.mark.parametrize("model, words", [("raising_model.py", "ZeroDivisionError"),
                                          ("wrong_port_model.py", "total"),
                                          ("hanging_model.py", "did not finish")])
def test_a_broken_model_is_the_reference_s_fault(env, model, words):
    res = env.verify(ADDER, "Adder8", reference=DATA / model)
    assert not res.ok and res.category == Category.reference_error, res.error_log()
    assert words in res.error_log() and "reference model is at fault" in res.error_log()


def agent(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "agent", *args], capture_output=True, text=True, timeout=600)


def test_check_cli_with_a_python_reference(toolchain_ready, tmp_path):
    good = agent("check", str(DATA / "Adder8.scala"), "--top", "Adder8", "--ref", str(DATA / "adder8_model.py"))
    assert good.returncode == 0, good.stdout + good.stderr
    bad = agent("check", str(DATA / "Adder8Registered.scala"), "--top", "Adder8",
                "--ref", str(DATA / "adder8_model.py"))
    assert bad.returncode == 1 and "sim_mismatch" in bad.stdout
    assert "mismatch: sum at cycle" in bad.stdout and "inputs a=" in bad.stdout, bad.stdout
    broken = agent("check", str(DATA / "Adder8.scala"), "--top", "Adder8", "--ref", str(DATA / "raising_model.py"),
                   "--json")
    assert broken.returncode == 3, broken.stdout + broken.stderr
    assert json.loads(broken.stdout)["category"] == "reference_error"


def test_a_benchmark_problem_may_have_a_python_reference(env, tmp_path):
    model = (DATA / "adder8_model.py").read_text()
    problem = tmp_path / "adder8.yaml"
    problem.write_text("id: adder8_py\ntop: Adder8\nspec: |\n  An 8-bit wrapping adder.\nreference: |\n"
                       + "".join(f"  {line}\n" for line in model.splitlines()))
    task = load_own_problem(problem)
    assert task.require_simulate and task.reference is not None
    assert env.verify(ADDER, task.top, reference=task.reference).ok
    res = env.verify(REGISTERED, task.top, reference=task.reference)
    assert not res.ok and res.category == Category.sim_mismatch


def test_selfcheck_runs_a_python_reference_alone(tmp_path):
    """`agent bench selfcheck` on a problem whose reference is a model: no design to build, so the model runs
    on stimulus for the spec's inputs and must return the spec's outputs."""
    from agent.eval.benchmarks import load_benchmark
    from agent.eval.harness import selfcheck

    spec = "  An 8-bit wrapping adder.\n  ports:\n    a: input 8\n    b: input 8\n    sum: output 8\n"
    for name, model in (("good", "adder8_model.py"), ("bad", "wrong_port_model.py")):
        source = (DATA / model).read_text()
        (tmp_path / f"{name}.yaml").write_text(f"id: {name}\ntop: Adder8\nspec: |\n{spec}reference: |\n"
                                               + "".join(f"  {line}\n" for line in source.splitlines()))

    def no_jvm():
        raise AssertionError("a Python reference needs no JVM")

    report = selfcheck(load_benchmark(str(tmp_path)), no_jvm, save=False)
    assert report["problems"]["good"]["ok"], report
    assert not report["problems"]["bad"]["ok"] and "total" in report["problems"]["bad"]["reason"]


def test_solve_cli_with_a_python_reference(toolchain_ready, tmp_path):
    """`agent solve --ref model.py`: the accumulator sample fails against the model with a cycle-level mismatch,
    its repair passes; `solved (confirmed: reference)`, exit 0. A broken model ends the solve at once: exit 1,
    category reference_error, and no repair call."""
    from agent.llm.stub_server import Reply, StubServer

    spec = tmp_path / "adder8.txt"
    spec.write_text((Path(__file__).parents[1] / "examples" / "adder8.txt").read_text())
    fenced = "```scala\n{}```\n".format
    base = ["solve", str(spec), "-k", "1", "--depth", "1", "--no-rag", "--no-cache", "--top", "Adder8"]
    with StubServer([Reply(fenced(REGISTERED)), Reply(fenced(ADDER))]) as stub:
        ok = agent(*base, "--base-url", stub.base_url, "--ref", str(DATA / "adder8_model.py"),
                   "--out", str(tmp_path / "ok"))
    assert ok.returncode == 0, ok.stderr
    assert "solved (confirmed: reference)" in " ".join(ok.stderr.split())
    trace = [json.loads(line) for line in (tmp_path / "ok" / "trace.jsonl").read_text().splitlines()]
    first = next(e for e in trace if e["kind"] == "verification")
    assert first["category"] == "sim_mismatch" and first["mismatches"][0]["cycle"] is not None
    with StubServer([Reply(fenced(ADDER))], default=Reply(fenced(ADDER))) as stub:
        bad = agent(*base, "--base-url", stub.base_url, "--ref", str(DATA / "raising_model.py"), "--json",
                    "--out", str(tmp_path / "bad"))
        calls = len(stub.requests)
    out = json.loads(bad.stdout)
    assert bad.returncode == 1 and out["category"] == "reference_error" and calls == 1
    assert out["stop_reason"].startswith("reference_error: the reference model is at fault")
