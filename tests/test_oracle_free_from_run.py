"""Oracle-free selections read off a recorded run (`python -m agent.oracle_free.bench --from-run`):
the k chains a grid scored are the candidates; the reference only scores."""
from __future__ import annotations

import json

import pytest

from agent.eval.records import AttemptRecord, ChainRecord, ProblemRecord
from tests.helpers import require_verifier

IO = """import chisel3._

class Mux2Byte extends Module {
  val io = IO(new Bundle {
    val sel = Input(Bool())
    val a   = Input(UInt(8.W))
    val b   = Input(UInt(8.W))
    val out = Output(UInt(8.W))
  })
  %s
}
"""
RIGHT = IO % "io.out := Mux(io.sel, io.b, io.a)"
RIGHT_TOO = IO % "when(io.sel) { io.out := io.b } .otherwise { io.out := io.a }"
WRONG = IO % "io.out := Mux(io.sel, io.a, io.b)"  # compiles, has the spec's ports, inputs swapped


def _run_dir(tmp_path, oracle_feedback=False):
    # Chain 0 passes first (round 0) with the wrong design; chains 1 and 2 pass later with two
    # different spellings of the right one; chain 3 never builds.
    chains = [
        ChainRecord(sample_index=0, first_pass_round=0, attempts=[AttemptRecord(round=0, code=WRONG, ok=True)]),
        ChainRecord(sample_index=1, first_pass_round=1, attempts=[
            AttemptRecord(round=0, code="class Broken {", ok=False, category="syntax"),
            AttemptRecord(round=1, code=RIGHT, ok=True)]),
        ChainRecord(sample_index=2, first_pass_round=0, attempts=[AttemptRecord(round=0, code=RIGHT_TOO, ok=True)]),
        ChainRecord(sample_index=3, attempts=[AttemptRecord(round=0, code="class Broken {", ok=False)]),
    ]
    run = tmp_path / "run"
    run.mkdir(parents=True)
    (run / "run.json").write_text(json.dumps({"kind": "sweep", "oracle_feedback": oracle_feedback,
                                              "profile": "chisel7"}))
    rec = ProblemRecord(id="l1_mux2", top="Mux2Byte", chains=chains, passed=True, llm_calls=5)
    (run / "results.jsonl").write_text(rec.model_dump_json() + "\n")
    return run


def test_votes_and_first_compiling_are_scored_on_the_recorded_chains(tmp_path):
    from agent.oracle_free.bench import from_run, summarize

    require_verifier()
    out = tmp_path / "of"
    from_run(_run_dir(tmp_path), "own", out)
    row = json.loads((out / "l1_mux2.json").read_text())
    assert row["first_compiling"] == 0.0  # round 0 of sample 0: the swapped mux
    assert row["random_compiling"] == pytest.approx(2 / 3)  # one chain of three that built is wrong
    assert row["interface_checked"] == 0.0  # the wrong one has the spec's ports: the check cannot tell
    assert row["voted"] == 1.0 and row["vote"]["group_sizes"] == [2, 1] and row["vote"]["confirmed"]
    assert row["voted_group_functional"] == [True, True] and row["llm_calls"] == 0
    summary = summarize(out)
    assert summary["confirmed_votes_right"] == "1/1" and summary["selectors"]["voted"]["pass@1"] == 1.0
    # Depth 0: chain 1's pass came in round 1, so only the wrong design and one right one remain: a tie.
    from_run(_run_dir(tmp_path / "d0"), "own", tmp_path / "of0", depth=0)
    tie = json.loads((tmp_path / "of0" / "l1_mux2.json").read_text())
    assert tie["vote"]["group_sizes"] == [1, 1] and not tie["vote"]["confirmed"]


def test_a_run_whose_search_saw_the_reference_is_refused(tmp_path):
    from agent.oracle_free.bench import from_run

    with pytest.raises(SystemExit, match="oracle-feedback"):
        from_run(_run_dir(tmp_path, oracle_feedback=True), "own", tmp_path / "of")


def test_k_keeps_the_first_k_chains(tmp_path):
    from agent.oracle_free.bench import from_run

    require_verifier()
    from_run(_run_dir(tmp_path), "own", tmp_path / "of", k=2)
    row = json.loads((tmp_path / "of" / "l1_mux2.json").read_text())
    # chains 0 (wrong, round 0) and 1 (right, round 1): one each, a tie broken toward no repairs
    assert row["k"] == 2 and row["passing_chains"] == 2 and row["vote"]["group_sizes"] == [1, 1]
    assert row["voted"] == 0.0 and row["random_compiling"] == 0.5
    with pytest.raises(SystemExit, match="drew 4 samples"):
        (tmp_path / "run2").mkdir()
        run = _run_dir(tmp_path / "run2")
        meta = json.loads((run / "run.json").read_text())
        (run / "run.json").write_text(json.dumps({**meta, "samples": 4}))
        from_run(run, "own", tmp_path / "of8", k=8)


def test_the_models_checks_break_the_tie_the_vote_alone_gets_wrong(tmp_path):
    """Depth 0: the wrong mux and one right one tie 1-1 and simplicity picks the wrong (chain 0). The
    model's check (sel=1, a=1, b=2 -> out=2) is passed by the right one only: (e) picks it."""
    from agent.oracle_free.bench import from_run, summarize

    require_verifier()
    asked = []

    async def ask(prompt):
        asked.append(prompt.template)
        return '{"checks": [[{"inputs": {"sel": 1, "a": 1, "b": 2}, "outputs": {"out": 2}}]]}'
    from_run(_run_dir(tmp_path), "own", tmp_path / "of", depth=0, ask=ask)
    row = json.loads((tmp_path / "of" / "l1_mux2.json").read_text())
    assert asked == ["checks"]  # the spec states its IO: no interface question
    assert row["voted"] == 0.0 and row["checks_voted"] == 1.0 and row["llm_calls"] == 1
    assert row["checks"] == {"kept": 1, "dropped": []}
    assert row["checks_vote"]["checks"]["trusted_passed"] == [1, 0] and row["checks_vote"]["chosen_chain"] == 2
    summary = summarize(tmp_path / "of")
    assert summary["selectors"]["checks_voted"]["pass@1"] == 1.0 and summary["checks_run"] == 1
    paired = summary["paired"]["checks_voted-voted"]
    assert paired["delta"] == 1.0 and paired["checks_voted_wins"] == ["l1_mux2"] and paired["voted_wins"] == []
    assert summary["paired"]["voted-first_compiling"]["delta"] == 0.0


def test_the_command_asks_the_served_model_for_checks(tmp_path):
    from agent.llm.stub_server import Reply, StubServer
    from agent.oracle_free.bench import main

    require_verifier()
    check = '{"checks": [[{"inputs": {"sel": 1, "a": 1, "b": 2}, "outputs": {"out": 2}}]]}'
    with StubServer(default=Reply(check)) as stub:
        rc = main(["--bench", "own", "--from-run", str(_run_dir(tmp_path)), "--checks", "--depth", "0", "-k", "4",
                   "--base-url", stub.base_url, "--model", stub.model, "--out", str(tmp_path / "of")])
        sent = list(stub.requests)
    row = json.loads((tmp_path / "of" / "l1_mux2.json").read_text())
    assert rc == 0 and len(sent) == 1 and sent[0]["temperature"] == 0.0 and sent[0]["n"] == 1
    assert row["voted"] == 0.0 and row["checks_voted"] == 1.0
