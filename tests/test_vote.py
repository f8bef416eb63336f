"""Behavioural voting with no reference: candidates that pass are grouped by simulated behaviour
(stub model over real HTTP, real verifier, real iverilog), the answer comes from the largest group."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


from agent.llm.stub_server import Reply, StubServer
from agent.oracle_free import Candidate, Vote, vote
from agent.config import AgentConfig
from agent.task import Task
from agent.trace import load_trace
from tests.helpers import ADDER_TASK, BROKEN, RIGHT_PLAIN, RIGHT_WIDENED, SPEC, WRONG, run_solve
from tests.helpers import bare_fenced as fenced

REPO = Path(__file__).resolve().parents[1]


def test_two_correct_variants_outvote_one_wrong(env, tmp_path):
    replies = [fenced(WRONG), fenced(RIGHT_WIDENED), fenced(RIGHT_PLAIN)]
    with StubServer([Reply(replies)]) as stub:
        res = run_solve(stub, ADDER_TASK, AgentConfig(k=3, depth=0, rag=False, seed=1, select="all"), env, tmp_path / "run")
    assert res.solved and res.llm_calls == 1
    v = res.vote
    assert (v["agree"], v["total"], v["group_sizes"], v["confirmed"]) == (2, 3, [2, 1], True)
    assert sorted(v["groups"][0]) == [1, 2] and v["groups"][1] == [0]
    # Ties inside the group go to the simpler design: the plain `+` (fewer lines) of chain 2.
    assert v["chosen_chain"] == 2 and "io.sum := io.a + io.b" in res.final_code
    assert "io.a - io.b" not in res.final_code
    trace = load_trace(tmp_path / "run")
    assert trace.of_kind("vote")[0]["group_sizes"] == [2, 1] and trace.summary["vote"]["chosen_chain"] == 2


def test_select_first_keeps_going_until_two_can_vote(env, tmp_path):
    # Chain 0 passes at once; chain 1 needs a repair. select=first alone would stop after chain 0:
    # with voting it waits for chain 1, whose repaired design agrees.
    with StubServer([Reply([fenced(RIGHT_PLAIN), fenced(BROKEN)]), Reply(fenced(RIGHT_WIDENED))]) as stub:
        res = run_solve(stub, ADDER_TASK, AgentConfig(k=2, depth=1, rag=False, seed=1, select="first"), env, tmp_path / "run")
    assert [c.first_pass_round for c in res.chains] == [0, 1] and res.llm_calls == 2
    assert res.vote["agree"] == 2 and res.vote["confirmed"] and res.vote["chosen_chain"] == 0


def test_single_pass_is_unconfirmed(env, tmp_path):
    with StubServer([Reply([fenced(RIGHT_PLAIN), fenced(BROKEN)])], default=Reply(fenced(BROKEN))) as stub:
        res = run_solve(stub, ADDER_TASK, AgentConfig(k=2, depth=1, rag=False, seed=1), env, tmp_path / "run")
    assert res.solved and res.vote["agree"] == 1 and res.vote["total"] == 1 and not res.vote["confirmed"]
    line = Vote(groups=res.vote["groups"], chosen=res.vote["chosen_chain"], total=res.vote["total"]).line()
    assert line == "only candidate #0 passed (unconfirmed: no other candidate to compare it with)"


def test_no_vote_with_a_reference_or_when_off(env, tmp_path):
    with StubServer([Reply([fenced(RIGHT_PLAIN), fenced(RIGHT_PLAIN)])]) as stub:
        res = run_solve(stub, ADDER_TASK, AgentConfig(k=2, depth=0, rag=False, vote=False), env, tmp_path / "a")
    assert res.solved and res.vote is None
    task = Task(id="adder", spec=SPEC, top="Adder", reference=RIGHT_PLAIN)
    with StubServer([Reply([fenced(WRONG), fenced(RIGHT_PLAIN)])]) as stub:
        res = run_solve(stub, task, AgentConfig(k=2, depth=0, rag=False), env, tmp_path / "b")
    # With a reference the simulation against it is the judge: no interface check, no vote.
    assert res.solved and res.vote is None and res.interface is None and "io.a + io.b" in res.final_code


def test_vote_groups_sequential_designs_by_reset_behaviour(tmp_path):
    """The grouping itself on SystemVerilog: two counters that agree and one that resets to 1."""
    def counter(init: int, name: str = "Counter") -> str:
        return (f"module {name}(input clock, input reset, input io_en, output [3:0] io_count);\n"
                f"  reg [3:0] c;\n  always @(posedge clock) if (reset) c <= 4'd{init}; else if (io_en) c <= c + 4'd1;\n"
                "  assign io_count = c;\nendmodule\n")
    alt = ("module Counter(input clock, input reset, input io_en, output [3:0] io_count);\n"
           "  reg [3:0] c;\n  always @(posedge clock) c <= reset ? 4'd0 : c + {3'd0, io_en};\n"
           "  assign io_count = c;\nendmodule\n")
    cands = [Candidate(0, "a", counter(1), "Counter"), Candidate(1, "b\nb", counter(0), "Counter"),
             Candidate(2, "c\nc\nc", alt, "Counter")]
    result = vote(cands)
    assert result.groups == [[1, 2], [0]] and result.chosen == 1 and result.confirmed
    assert result.line() == "2 of 3 candidates agree; chose candidate #1 (behaviour groups 2+1)"


def test_cli_prints_how_many_agree(env, tmp_path):
    spec = tmp_path / "adder.txt"
    spec.write_text(SPEC + "\n")
    replies = [fenced(WRONG), fenced(RIGHT_WIDENED), fenced(RIGHT_PLAIN)]
    base = [sys.executable, "-m", "agent", "solve", str(spec), "-k", "3", "--depth", "0", "--no-rag", "--no-cache",
            "--select", "all"]
    with StubServer([Reply(replies), Reply(replies)]) as stub:
        shown = subprocess.run(base + ["--base-url", stub.base_url, "--out", str(tmp_path / "r1")], capture_output=True,
                               text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=600)
        js = subprocess.run(base + ["--base-url", stub.base_url, "--out", str(tmp_path / "r2"), "--json"],
                            capture_output=True, text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
                            timeout=600)
    assert shown.returncode == 0, shown.stderr
    assert "2 of 3 candidates agree; chose candidate #2" in shown.stderr
    assert "interface (prose): input a[8], input b[8], output sum[8]" in shown.stderr
    data = json.loads(js.stdout)
    assert data["vote"]["group_sizes"] == [2, 1] and data["vote"]["chosen_chain"] == 2


# ---- the model's own checks -------------------------------------------------------------------------

def _adder_sv(expr: str) -> str:
    return ("module Adder(input clock, input reset, input [7:0] io_a, input [7:0] io_b, output [7:0] io_sum);\n"
            f"  assign io_sum = {expr};\nendmodule\n")


def test_parse_checks_keeps_only_what_fits_the_interface():
    from agent.oracle_free import parse_checks
    from agent.oracle_free.interface import parse_interface

    iface = parse_interface(SPEC)
    answer = json.dumps({"checks": [
        [{"inputs": {"a": 3, "b": 4}, "outputs": {"sum": 7}}],
        {"inputs": {"a": "0xff", "b": 1}, "outputs": {"sum": 0}},      # one step may be written bare
        [{"inputs": {"a": 1, "b": 1}, "outputs": {"sum": 256}}],       # does not fit 8 bits
        [{"inputs": {"a": 1, "carry": 1}, "outputs": {"sum": 2}}],     # no such input
    ]})
    checks, dropped = parse_checks("Here you go:\n" + answer, iface)
    assert checks == [[{"inputs": {"a": 3, "b": 4}, "outputs": {"sum": 7}}],
                      [{"inputs": {"a": 255, "b": 1}, "outputs": {"sum": 0}}]]
    assert len(dropped) == 2 and "256" in dropped[0] and "carry" in dropped[1]


def test_a_repeated_check_counts_once():
    from agent.oracle_free import parse_checks
    from agent.oracle_free.interface import parse_interface

    same = [{"inputs": {"a": 3, "b": 4}, "outputs": {"sum": 7}}]
    answer = json.dumps({"checks": [same, same, {"inputs": {"a": 3, "b": 4}, "outputs": {"sum": 7}}]})
    checks, dropped = parse_checks(answer, parse_interface(SPEC))
    assert checks == [same] and dropped == ["check 1: a repeat of an earlier one", "check 2: a repeat of an earlier one"]


def test_an_answer_cut_off_mid_json_keeps_its_whole_cycles():
    from agent.oracle_free import parse_checks
    from agent.oracle_free.interface import parse_interface

    iface = parse_interface(SPEC)
    cut = ('```json\n{"checks": [\n  [{"inputs": {"a": 1, "b": 2}, "outputs": {"sum": 3}},\n'
           '   {"inputs": {"a": 2, "b": 2}, "outputs": {"sum": 4}}],\n'
           '  [{"inputs": {"a": 9, "b": 1}, "outputs": {"sum": 10}},\n   {"inputs": {"a": 7, "b"')
    checks, dropped = parse_checks(cut, iface)
    assert checks == [[{"inputs": {"a": 1, "b": 2}, "outputs": {"sum": 3}},
                       {"inputs": {"a": 2, "b": 2}, "outputs": {"sum": 4}}],
                      [{"inputs": {"a": 9, "b": 1}, "outputs": {"sum": 10}}]]
    assert dropped == ["the answer was cut off: kept its 2 check(s) up to the last whole cycle"]
    assert parse_checks('{"checks": [[{"inputs": {"a"', iface) == ([], ['no JSON {"checks": [...]} in the answer'])


def test_checks_break_a_tie_between_groups(tmp_path):
    wrong, right = _adder_sv("io_a - io_b"), _adder_sv("io_a + io_b")
    checks = [[{"inputs": {"a": 3, "b": 4}, "outputs": {"sum": 7}}]]
    # Without checks the tie goes to the simpler (fewer lines) wrong design; the check picks the right one.
    cands = [Candidate(0, "x", wrong, "Adder"), Candidate(1, "x\ny", right, "Adder")]
    assert vote(cands).chosen == 0
    result = vote(cands, checks=checks)
    assert result.chosen == 1 and result.checks["suspect"] == [] and result.checks["trusted_passed"] == [1, 0]
    assert result.checks["verdicts"] == [[None], ["step 1: io_sum expected 7, got 255"]]


def test_a_check_the_majority_contradicts_is_suspect(tmp_path):
    wrong, right = _adder_sv("io_a - io_b"), _adder_sv("io_a + io_b")
    bad_check = [[{"inputs": {"a": 3, "b": 4}, "outputs": {"sum": 255}}]]  # the model's expectation is wrong
    cands = [Candidate(0, "x", right, "Adder"), Candidate(1, "x", _adder_sv("io_b + io_a"), "Adder"),
             Candidate(2, "x", wrong, "Adder")]
    result = vote(cands, checks=bad_check)
    assert result.groups == [[0, 1], [2]] and result.chosen == 0
    assert result.checks["suspect"] == [0] and result.checks["trusted_passed"] == [0, 0]


def test_sequential_check_counts_cycles_after_reset(tmp_path):
    from reflect_env.sim.vectors import run_vectors

    counter = ("module C(input clock, input reset, input io_en, output [3:0] io_count);\n  reg [3:0] c;\n"
               "  always @(posedge clock) if (reset) c <= 0; else if (io_en) c <= c + 1;\n"
               "  assign io_count = c;\nendmodule\n")
    steps = [{"inputs": {"io_en": 1}, "outputs": {"io_count": 0}}, {"inputs": {}, "outputs": {"io_count": 1}},
             {"inputs": {"io_en": 0}, "outputs": {"io_count": 2}}, {"inputs": {}, "outputs": {"io_count": 2}}]
    wrong = [{"inputs": {"io_en": 1}, "outputs": {"io_count": 1}}]
    verdicts, error = run_vectors(counter, "C", [steps, wrong], workdir=tmp_path)
    assert error is None and verdicts == [None, "step 1: io_count expected 1, got 0"]
    _, error = run_vectors(counter, "C", [[{"inputs": {"io_en": 2}, "outputs": {}}]], workdir=tmp_path)
    assert "io_en=2" in error


def test_solve_with_model_checks_breaks_a_one_one_tie(env, tmp_path):
    answer = json.dumps({"checks": [[{"inputs": {"a": 200, "b": 100}, "outputs": {"sum": 44}}]]})

    def responder(request):
        user = request["messages"][-1]["content"]
        if user.startswith("Write up to"):
            return Reply(answer)
        return Reply([fenced(WRONG), fenced(RIGHT_WIDENED)])

    with StubServer(responder) as stub:
        res = run_solve(stub, ADDER_TASK, AgentConfig(k=2, depth=0, rag=False, seed=1, select="all", checks=True), env,
                        tmp_path / "run")
        asked = stub.requests[0]
    assert asked["temperature"] == 0.0 and "8-bit output `sum`" in asked["messages"][-1]["content"]
    assert res.llm_calls == 2 and res.vote["group_sizes"] == [1, 1]
    assert res.vote["chosen_chain"] == 1 and "wide(7, 0)" in res.final_code
    assert res.vote["checks"]["trusted_passed"] == [1, 0]
    assert load_trace(tmp_path / "run").of_kind("checks")[0]["checks"][0][0]["outputs"] == {"sum": 44}
