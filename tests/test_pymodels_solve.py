"""Python models in the search (stub model over real HTTP, real verifier, iverilog, sandboxed models):
dual-agreement selection, a backed pass ends the search, drawn samples join the vote, counterexample-guided
repair that must improve, and what backs "solved"."""
from __future__ import annotations

from agent.config import AgentConfig
from agent.llm.stub_server import Reply, StubServer
from agent.oracle_free import pymodels
from agent.oracle_free.backing import backing, status_text
from agent.task import Task
from agent.trace import load_trace
from tests.helpers import ADDER_TASK, BROKEN, HEAD, RIGHT_PLAIN, RIGHT_WIDENED, WRONG, run_solve
from tests.helpers import bare_fenced as fenced

MODEL = """Here is the model.
```python
class Model:
    def reset(self):
        pass

    def step(self, inputs):
        return {"sum": (inputs["a"] + inputs["b"]) & 0xFF}
```
"""
WRONG_MODEL = "```python\nclass Model:\n    def reset(self): pass\n    def step(self, inputs):\n" \
              "        return {'sum': inputs['a'] ^ inputs['b']}\n```\n"
WORSE = HEAD + "  io.sum := io.a - io.b - 1.U\n}\n"  # agrees with a + b on no cycle


def test_parse_models_keeps_runnable_shapes_only():
    kept, dropped = pymodels.parse_models([MODEL, "no code here", MODEL, "```python\nclass Model:\n  def step(self\n```"])
    assert len(kept) == 1 and "def step" in kept[0]
    assert [d.split(":")[0] for d in dropped] == ["answer 1", "answer 2", "answer 3"]


def test_a_python_model_breaks_a_one_one_tie(env, tmp_path):
    """The behavioural vote cannot separate a - b (chain 0) from a + b (chain 1): 1-1, and by simplicity it would
    take chain 0. The Python model agrees with chain 1, which is chosen (CodeT's dual agreement)."""
    cfg = AgentConfig(k=2, depth=0, rag=False, seed=1, select="all", pymodels=1)
    with StubServer([Reply([MODEL]), Reply([fenced(WRONG), fenced(RIGHT_PLAIN)])]) as stub:
        res = run_solve(stub, ADDER_TASK, cfg, env, tmp_path / "run")
    assert res.solved and res.vote["group_sizes"] == [1, 1] and res.llm_calls == 2
    models = res.vote["models"]
    assert res.vote["chosen_chain"] == 1 and "io.a + io.b" in res.final_code
    assert models["agree"] == {"0": [], "1": ["m0"]} and models["scores"] == [0, 1] or models["scores"] == [1, 0]
    assert models["how"].startswith("dual agreement: candidate #1") and models["warning"] is None
    assert res.backed_by == "python models 1/1" and res.unconfirmed is None
    trace = load_trace(tmp_path / "run")
    assert trace.of_kind("pymodels")[0]["models"] and trace.of_kind("pymodels_selection")
    # without the model the same samples tie, the vote takes chain 0, and nothing confirms it
    with StubServer([Reply([fenced(WRONG), fenced(RIGHT_PLAIN)])]) as stub:
        plain = run_solve(stub, ADDER_TASK, AgentConfig(k=2, depth=0, rag=False, seed=1, select="all"), env,
                          tmp_path / "plain")
    assert plain.vote["chosen_chain"] == 0 and plain.backed_by is None and "no majority" in plain.unconfirmed


def test_a_pass_the_models_back_ends_the_search(env, tmp_path):
    """select=first with k=2 used to wait for a second pass to vote with (repairing chain 1); a pass that the
    Python model agrees with needs none."""
    cfg = AgentConfig(k=2, depth=2, rag=False, seed=1, select="first", pymodels=1)
    with StubServer([Reply([MODEL]), Reply([fenced(RIGHT_PLAIN), fenced(BROKEN)])],
                    default=Reply(fenced(RIGHT_WIDENED))) as stub:
        res = run_solve(stub, ADDER_TASK, cfg, env, tmp_path / "run")
    assert res.solved and res.llm_calls == 2, res.llm_calls  # models + samples: no repair call
    assert res.backed_by == "python models 1/1"


def test_every_drawn_sample_joins_the_vote(env, tmp_path):
    """select=first stops at the second pass; the third sample, already drawn, is still verified and votes."""
    cfg = AgentConfig(k=3, depth=0, rag=False, seed=1, select="first")
    with StubServer([Reply([fenced(WRONG), fenced(RIGHT_PLAIN), fenced(RIGHT_WIDENED)])]) as stub:
        res = run_solve(stub, ADDER_TASK, cfg, env, tmp_path / "run")
    assert res.vote["total"] == 3 and res.vote["group_sizes"] == [2, 1] and "io.a - io.b" not in res.final_code
    assert res.backed_by == "vote 2/3"


def test_counterexample_repair_is_kept_only_when_it_improves(env, tmp_path):
    cfg = AgentConfig(k=1, depth=2, rag=False, seed=1, select="first", pymodels=1)
    # Round 1 makes it worse (rejected: the chain keeps a - b), so the search stops; then a run whose repair fixes it.
    with StubServer([Reply([MODEL]), Reply([fenced(WRONG)]), Reply(fenced(WORSE))]) as stub:
        worse = run_solve(stub, ADDER_TASK, cfg, env, tmp_path / "worse")
    repairs = worse.vote["models"]["repairs"]
    assert len(repairs) == 1 and repairs[0]["passed"] and not repairs[0]["accepted"]
    assert repairs[0]["rate"] < repairs[0]["parent_rate"]
    assert "io.a - io.b\n" in worse.final_code and worse.backed_by is None
    assert "no Python model agrees" in worse.unconfirmed
    prompt = [e for e in load_trace(tmp_path / "worse").of_kind("prompt") if e["template"] == "repair_models"][0]
    assert "expected" in prompt["text"] and "inputs a=" in prompt["text"]

    with StubServer([Reply([MODEL]), Reply([fenced(WRONG)]), Reply(fenced(RIGHT_PLAIN))]) as stub:
        fixed = run_solve(stub, ADDER_TASK, cfg, env, tmp_path / "fixed")
    assert fixed.vote["models"]["repairs"][0]["accepted"] and "io.a + io.b" in fixed.final_code
    assert fixed.backed_by == "python models 1/1"


def test_a_model_the_agreeing_candidates_contradict_is_suspect(env, tmp_path):
    cfg = AgentConfig(k=2, depth=1, rag=False, seed=1, select="all", pymodels=1)
    with StubServer([Reply([WRONG_MODEL]), Reply([fenced(RIGHT_PLAIN), fenced(RIGHT_WIDENED)])]) as stub:
        res = run_solve(stub, ADDER_TASK, cfg, env, tmp_path / "run")
    models = res.vote["models"]
    assert models["suspect"] == ["m0"] and not models["repairs"] and res.llm_calls == 2
    # the vote's answer stands, but a model that contradicts it withdraws the vote's confirmation
    assert res.solved and res.backed_by is None
    assert res.unconfirmed == "2 of 2 candidates agree, but the Python model contradicts it"


def test_backing_words():
    assert backing(False, None, None) == (None, None)
    assert backing(True, "reference", None) == ("reference", None)
    assert backing(True, None, None)[1].startswith("nothing compared it")
    assert status_text(True, "vote 3/4", None) == "solved (confirmed: vote 3/4)"
    vote = {"agree": 4, "total": 4, "confirmed": True}
    assert backing(True, None, vote) == ("vote 4/4", None)
    models = {"valid": ["m0", "m1"], "suspect": ["m0", "m1"], "backing": 0}
    assert backing(True, None, vote | {"models": models}) == (
        None, "4 of 4 candidates agree, but all 2 Python models contradict it")
    assert backing(True, None, vote | {"models": models | {"suspect": [], "backing": 2}}) == ("python models 2/2", None)
    assert backing(True, None, vote | {"models": {"valid": [], "errors": {"m0": "x"}}}) == ("vote 4/4", None)
    assert status_text(True, None, "x") == "solved (unconfirmed: x)"


def test_a_reference_repair_must_improve_its_match_rate(env, tmp_path):
    """With a Python model as the given reference, a repair that simulates worse than its parent is not what
    the next round repairs: the parent is."""
    ref = MODEL.split("```python\n")[1].split("```")[0]
    task = Task(id="adder", spec=ADDER_TASK.spec, top="Adder", reference=ref)
    cfg = AgentConfig(k=1, depth=2, rag=False, seed=1, select="first", escape=False)
    with StubServer([Reply([fenced(WRONG)]), Reply(fenced(WORSE)), Reply(fenced(RIGHT_PLAIN))]) as stub:
        res = run_solve(stub, task, cfg, env, tmp_path / "run")
    assert res.solved and res.backed_by == "reference"
    trace = load_trace(tmp_path / "run")
    assert [e["round"] for e in trace.of_kind("repair_rejected")] == [1]
    last = [e for e in trace.of_kind("prompt") if e["round"] == 2][0]["text"]
    assert "io.sum := io.a - io.b" in last and "io.a - io.b - 1.U" not in last  # the parent, not the worse child


def test_the_readme_adder_never_ends_solved_with_an_accumulator(env, tmp_path):
    """Issue 20's first run: examples/adder8.txt ("purely combinational") ended "solved" with a registered
    accumulator. The spec's word on state now fails it; the combinational sample is the answer, and with no
    second opinion it is reported unconfirmed, not plainly solved."""
    from pathlib import Path

    data = Path(__file__).parent / "data" / "pymodel"
    spec = (Path(__file__).parents[1] / "examples" / "adder8.txt").read_text()
    task = Task(id="adder8", spec=spec, top="Adder8")
    acc, comb = (data / "Adder8Registered.scala").read_text(), (data / "Adder8.scala").read_text()
    cfg = AgentConfig(k=2, depth=0, rag=False, seed=1, select="first")
    with StubServer([Reply([fenced(acc), fenced(comb)])]) as stub:
        res = run_solve(stub, task, cfg, env, tmp_path / "run")
    assert res.solved and "RegInit" not in res.final_code and res.vote["total"] == 1
    assert res.backed_by is None and res.unconfirmed.startswith("one candidate passed")
    failed = [a for c in res.chains for a in c.attempts if not a.ok]
    assert [a.category for a in failed] == ["interface_mismatch"]
    # With only the accumulator drawn there is nothing to answer with: not solved.
    with StubServer([Reply([fenced(acc)])]) as stub:
        res = run_solve(stub, task, AgentConfig(k=1, depth=0, rag=False, seed=1), env, tmp_path / "acc")
    assert not res.solved and res.failure_category == "interface_mismatch"


def test_cli_says_how_the_models_chose_and_what_backs_it(env, tmp_path):
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    spec = tmp_path / "adder.txt"
    spec.write_text(ADDER_TASK.spec + "\n")
    base = [sys.executable, "-m", "agent", "solve", str(spec), "-k", "2", "--depth", "0", "--no-rag", "--no-cache",
            "--select", "all", "--seed", "1"]
    env_vars = {**os.environ, "PYTHONPATH": str(repo), "COLUMNS": "300"}
    with StubServer([Reply([MODEL]), Reply([fenced(WRONG), fenced(RIGHT_PLAIN)]),
                     Reply([fenced(WRONG), fenced(RIGHT_PLAIN)])]) as stub:
        shown = subprocess.run(base + ["--pymodels", "1", "--base-url", stub.base_url, "--out", str(tmp_path / "a")],
                               capture_output=True, text=True, cwd=repo, env=env_vars, timeout=600)
        plain = subprocess.run(base + ["--base-url", stub.base_url, "--out", str(tmp_path / "b"), "--json"],
                               capture_output=True, text=True, cwd=repo, env=env_vars, timeout=600)
    err = " ".join(shown.stderr.split())
    assert shown.returncode == 0, shown.stderr
    assert "solved (confirmed: python models 1/1)" in err and "python models: dual agreement: candidate #1" in err
    out = json.loads(plain.stdout)
    assert plain.returncode == 3 and out["solved"] and out["confirmed"] is False and out["backed_by"] is None
    assert "no majority" in out["unconfirmed"]


def test_model_accuracy_scores_each_model_against_the_hidden_reference(toolchain_ready, tmp_path, capsys):
    import json
    from pathlib import Path

    from agent.oracle_free.model_accuracy import main

    ref = (Path(__file__).parent / "data" / "pymodel" / "Adder8.scala").read_text()
    bench = tmp_path / "bench"
    bench.mkdir()
    (bench / "adder8.yaml").write_text("id: adder8\ntop: Adder8\nspec: |\n  An 8-bit wrapping adder: inputs a, b "
                                       "(8 bits), output sum = a + b (8 bits).\nreference: |\n"
                                       + "".join(f"  {line}\n" for line in ref.splitlines()))
    with StubServer([Reply([MODEL, WRONG_MODEL])]) as stub:
        rc = main(["--bench", str(bench), "-m", "2", "--base-url", stub.base_url, "--out", str(tmp_path / "out")])
    summary = json.loads(capsys.readouterr().out)
    assert rc == 0 and (summary["drawn"], summary["parsed"], summary["ran"], summary["right"]) == (2, 2, 2, 1)
    row = json.loads((tmp_path / "out" / "adder8.json").read_text())
    assert [m["right"] for m in row["models"]] == [True, False] and row["models"][1]["first"].startswith("cycle ")


def test_ports_the_reference_model_names_differently_do_not_stop_the_solve(env, tmp_path):
    """A model that names `total` where the candidate has `sum` cannot judge that candidate (reference_error),
    but another candidate could match it: the chain goes on to its repair instead of the solve ending."""
    from pathlib import Path

    model = (Path(__file__).parent / "data" / "pymodel" / "wrong_port_model.py").read_text()
    task = Task(id="adder", spec=ADDER_TASK.spec, top="Adder", reference=model)
    cfg = AgentConfig(k=1, depth=1, rag=False, seed=1, select="first")
    with StubServer([Reply([fenced(RIGHT_PLAIN)])], default=Reply(fenced(RIGHT_WIDENED))) as stub:
        res = run_solve(stub, task, cfg, env, tmp_path / "run")
    assert not res.solved and res.llm_calls == 2 and res.failure_category == "reference_error"
    assert not (res.stop_reason or "").startswith("reference_error")
    assert "name different ports" in res.error_log
