"""The search loop end to end: a real HTTP stub model, the real verifier (compiles for real), traces
and the `agent solve` CLI. One ReflectEnv is shared by the module; each test compiles only a few
designs."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agent.prompting import PromptBuilder
from agent.config import AgentConfig
from agent.search import infer_top
from agent.task import Task
from agent.trace import Trace, load_trace
from tests.helpers import ADDER, ADDER_SPEC, ADDER_SYNTAX, fenced, run_solve, solve_scripted
from agent.llm.stub_server import Reply, StubServer, http_error, refused_url

REPO = Path(__file__).resolve().parents[1]

SHIFT_NO_UTIL = """import chisel3._

class ShiftReg4 extends Module {
  val io = IO(new Bundle {
    val in = Input(Bool())
    val out = Output(Bool())
  })
  val r = RegInit(0.U(4.W))
  r := Cat(r(2, 0), io.in)
  io.out := r(3)
}
"""
SHIFT_SPEC = "Implement a 4-stage shift register called `ShiftReg4` with 1-bit input `in` and output `out`."

def cfg(**kw):
    return AgentConfig(**{"k": 1, "depth": 2, "rag": False, "seed": 7, **kw})


# ---- with the real verifier -------------------------------------------------------------------

def test_missing_util_import_fixed_without_a_repair_call(env, tmp_path):
    with StubServer([Reply(fenced(SHIFT_NO_UTIL))]) as stub:
        res = run_solve(stub, Task(id="shift", spec=SHIFT_SPEC, top="ShiftReg4"), cfg(k=2), env, tmp_path / "run")
        assert stub.requests[0]["n"] == 2
    assert res.solved and res.llm_calls == 1
    assert res.chains[0].first_pass_round == 0
    assert any(f.startswith("imports: ") and "chisel3.util" in f for f in res.chains[0].attempts[0].fixes)
    assert "import chisel3.util._" in res.final_code
    assert res.final_verilog and "module ShiftReg4" in res.final_verilog
    tr = load_trace(tmp_path / "run")
    assert tr.of_kind("fix") and tr.summary["solved"] is True
    assert (tmp_path / "run" / "final.scala").read_text() == res.final_code
    assert "module ShiftReg4" in (tmp_path / "run" / "final.sv").read_text()


def test_no_fix_leaves_the_import_error_to_the_model(env, tmp_path):
    with StubServer([Reply(fenced(SHIFT_NO_UTIL))]) as stub:
        res = run_solve(stub, Task(id="shift", spec=SHIFT_SPEC, top="ShiftReg4"), cfg(depth=0, fix=False), env,
                        tmp_path / "run")
    assert not res.solved and res.llm_calls == 1
    assert res.chains[0].attempts[0].fixes == []
    assert res.failure_category in ("missing_import", "not_found")
    assert "Cat" in res.error_log


def test_syntax_error_repaired_in_round_one_with_diagnostics_in_prompt(env, tmp_path):
    res, chat = solve_scripted(Task(id="adder", spec=ADDER_SPEC, top="Adder"), cfg(),
                               [fenced(ADDER_SYNTAX), fenced(ADDER)], env, tmp_path / "run")
    requests = chat.requests
    assert res.solved and res.llm_calls == 2 and res.chains[0].first_pass_round == 1
    first = res.chains[0].attempts[0]
    assert first.stage == "compile" and first.category == "syntax"
    # The repair prompt carries the compiler's own message and the offending line.
    ver = load_trace(tmp_path / "run").of_kind("verification")[0]
    message = ver["diagnostics"][0]["message"]
    repair_text = requests[1]["messages"][-1]["content"]
    assert message.splitlines()[0] in repair_text
    assert "io.sum := (io.a + io.b" in repair_text
    assert requests[1]["n"] == 1 and requests[1]["temperature"] == 0.2 and requests[1]["seed"] == 7


def test_repeating_the_same_error_escapes_to_a_fresh_sample(env, tmp_path):
    res, chat = solve_scripted(Task(id="adder", spec=ADDER_SPEC, top="Adder"), cfg(depth=3),
                               [fenced(ADDER_SYNTAX), fenced(ADDER_SYNTAX), fenced(ADDER)], env, tmp_path / "run")
    requests = chat.requests
    assert res.solved and res.chains[0].first_pass_round == 2
    attempts = res.chains[0].attempts
    assert [a.escaped for a in attempts] == [False, False, True]
    # Request 3 is the generate prompt again, at the escape temperature, with a fresh seed.
    assert requests[2]["messages"] == requests[0]["messages"]
    assert requests[2]["temperature"] == 0.8 and requests[2]["seed"] != requests[0]["seed"]
    assert load_trace(tmp_path / "run").of_kind("escape")


def test_escape_off_keeps_repairing_a_stalled_chain(env, tmp_path):
    # The ablation "without escape": the same error twice does not restart from the generate prompt.
    res, chat = solve_scripted(Task(id="adder", spec=ADDER_SPEC, top="Adder"), cfg(depth=3, escape=False),
                               [fenced(ADDER_SYNTAX), fenced(ADDER_SYNTAX), fenced(ADDER)], env, tmp_path / "run")
    requests = chat.requests
    assert res.solved and res.chains[0].first_pass_round == 2
    assert [a.escaped for a in res.chains[0].attempts] == [False, False, False]
    assert requests[2]["messages"] != requests[0]["messages"] and requests[2]["temperature"] == 0.2
    assert not load_trace(tmp_path / "run").of_kind("escape")


def test_import_hints_off_leaves_them_out_of_the_prompt(env, tmp_path):
    spec = ADDER_SPEC + " Count with a Counter."
    with StubServer([Reply(fenced(ADDER))] * 2) as stub:
        run_solve(stub, Task(id="a", spec=spec, top="Adder"), cfg(), env, tmp_path / "on")
        run_solve(stub, Task(id="a", spec=spec, top="Adder"), cfg(import_hints=False), env, tmp_path / "off")
        on, off = (json.dumps(r["messages"]) for r in stub.requests[:2])
    assert "Imports this design is likely to need" in on and "Imports this design is likely to need" not in off


def test_select_all_records_every_chain(env, tmp_path):
    # Chain 0 passes at once, chain 1 (syntax error) after one repair.
    res, _ = solve_scripted(Task(id="adder", spec=ADDER_SPEC, top="Adder"), cfg(k=2, select="all"),
                            [[fenced(ADDER), fenced(ADDER_SYNTAX)], fenced(ADDER)], env, tmp_path / "run")
    assert [c.first_pass_round for c in res.chains] == [0, 1]
    assert res.llm_calls == 2
    assert res.rounds == 0  # the reported candidate's repairs (chain 0's), not the most any chain used


def test_each_fact_reaches_the_trace_and_a_display_hook_once(env, tmp_path):
    """One report per fact (agent.events): the trace writes it, a hook sees the same event, and the
    display-only events (a follow-up request, retrieving) never reach the trace."""
    seen = []

    class Recorder:
        def on_event(self, event):
            seen.append(event)

    res, _ = solve_scripted(Task(id="adder", spec=ADDER_SPEC, top="Adder"), cfg(),
                            [fenced(ADDER_SYNTAX), fenced(ADDER)], env, tmp_path / "run", hooks=[Recorder()])
    traced = load_trace(tmp_path / "run").events
    assert res.solved
    assert [e.kind for e in seen if not e.transient] == [e["kind"] for e in traced][:-1]  # all but finish
    verifications = [e for e in seen if e.kind == "verification"]
    assert [(v.round, v.ok) for v in verifications] == [(0, False), (1, True)]
    assert traced[0]["kind"] == "start" and traced[0]["v"] == 1


def test_transient_server_error_is_retried(env, tmp_path):
    with StubServer([http_error(500), Reply(fenced(ADDER))]) as stub:
        res = run_solve(stub, Task(id="adder", spec=ADDER_SPEC, top="Adder"), cfg(), env, tmp_path / "run")
        assert len(stub.requests) == 2
    assert res.solved and res.llm_calls == 1


def test_llm_call_budget_stops_cleanly(env, tmp_path):
    with StubServer([Reply(fenced(ADDER_SYNTAX))], default=Reply(fenced(ADDER))) as stub:
        res = run_solve(stub, Task(id="adder", spec=ADDER_SPEC, top="Adder"), cfg(budgets={"max_llm_calls": 1}), env, tmp_path / "run")
        assert len(stub.requests) == 1
    assert not res.solved and res.stop_reason.startswith("budget") and res.failure_category == "syntax"
    assert load_trace(tmp_path / "run").of_kind("budget_stop")


DRIFT = """import chisel3._
import chisel3.experimental.ChiselEnum
import chisel3.stage.ChiselStage

object State extends ChiselEnum { val idle, busy = Value }

class Drift extends MultiIOModule {
  val io = new Bundle {
    val in = Input(UInt(8))
    val en = Input(Bool())
    val out = Output(UInt(8.W))
    val bits = Output(UInt(4.W))
    val busy = Output(Bool())
  }
  val r = Reg(init = UInt(0, width = 8))
  val st = RegInit(State.idle)
  when(io.en.toBool) { r := io.in; st := State.busy }
  io.out := r.asUInt()
  io.bits := Cat(r(1, 0), r(7, 6))
  io.busy := st === State.busy
}

object Main extends App {
  (new ChiselStage).emitVerilog(new Drift)
}
"""


def test_chisel3_era_sample_is_fixed_for_chisel7(env, tmp_path):
    """Old-API idioms from model output (ChiselEnum location, ChiselStage main, MultiIOModule, io without
    IO(...), UInt(8), Reg(init=), UInt(v, width=), .toBool, .asUInt(), missing util import) all pass
    after the fixers alone: one LLM call, round 0."""
    with StubServer([Reply(fenced(DRIFT))]) as stub:
        res = run_solve(stub, Task(id="drift", spec="A module named `Drift`.", top="Drift"), cfg(depth=0), env,
                        tmp_path / "run")
    assert res.solved and res.llm_calls == 1, res.error_log
    fixers = {f.split(":")[0] for f in res.chains[0].attempts[0].fixes}
    assert fixers == {"harness", "api_drift", "imports"}


ADDER_REF_SV = """module Adder(input clock, input reset, input [7:0] io_a, input [7:0] io_b, output [7:0] io_sum);
  assign io_sum = io_a + io_b;
endmodule
"""


def test_sim_mismatch_repair_prompt_carries_mismatches(env, tmp_path):
    wrong = ADDER.replace("io.a + io.b", "io.a - io.b")
    with StubServer([Reply(fenced(wrong)), Reply(fenced(ADDER))]) as stub:
        res = run_solve(stub, Task(id="adder", spec=ADDER_SPEC, top="Adder", reference=ADDER_REF_SV), cfg(), env,
                        tmp_path / "run")
        repair_text = stub.requests[1]["messages"][-1]["content"]
    first = res.chains[0].attempts[0]
    assert first.stage == "simulate" and first.category == "sim_mismatch"
    assert res.solved and res.chains[0].first_pass_round == 1
    assert "simulation" in repair_text.lower() and "io_sum" in repair_text


# ---- without compiling ------------------------------------------------------------------------

class _NoVerify:
    """For tests where nothing reaches verification; fails loudly if something does."""

    async def averify(self, *a, **kw):  # pragma: no cover - reaching it is the failure
        raise AssertionError("nothing should be verified in this test")


def test_request_failing_for_good_is_reported_not_raised(tmp_path):
    with StubServer([http_error(400, "bad request: context too long")]) as stub:
        res = run_solve(stub, Task(id="a", spec=ADDER_SPEC, top="Adder"), cfg(), _NoVerify(), tmp_path / "run")
    assert not res.solved and res.failure_category == "llm_error"
    assert "context too long" in res.stop_reason
    assert load_trace(tmp_path / "run").of_kind("llm_error")


def test_request_parameters_and_rendered_prompt(tmp_path):
    # No code in the reply: extraction fails, the chain escapes (no verification needed).
    with StubServer([Reply("I am not sure.")], default=Reply("Still no code.")) as stub:
        res = run_solve(stub, Task(id="a", spec=ADDER_SPEC, top="Adder"),
                        cfg(k=3, depth=1, max_tokens=321, temperature=0.3), _NoVerify(), tmp_path / "run")
        first, escape = stub.requests[0], stub.requests[1]
    assert (first["n"], first["temperature"], first["max_tokens"], first["seed"], first["top_p"]) == (3, 0.3, 321, 7, 0.95)
    expected = PromptBuilder("chisel7").generate(ADDER_SPEC, "Adder").messages
    assert first["messages"] == expected
    assert escape["n"] == 1 and escape["temperature"] == 0.8
    assert not res.solved and res.failure_category == "extraction_failed" and res.llm_calls == 4
    tr = load_trace(tmp_path / "run")
    assert tr.prompts[0]["text"].count("`Adder`") >= 1 and len(tr.responses) == 4


def test_truncated_reply_is_categorized(tmp_path):
    cut = fenced(ADDER)[:120]
    with StubServer([Reply(cut, finish_reasons="length")]) as stub:
        res = run_solve(stub, Task(id="a", spec=ADDER_SPEC, top="Adder"), cfg(depth=0), _NoVerify(), tmp_path / "run")
    assert res.failure_category == "truncated" and res.chains[0].attempts[0].stage == "extract"


def test_verification_uses_the_problems_sim_cycles(tmp_path):
    """An own-benchmark task declares its simulation length (`sim.cycles` -> meta["sim_cycles"]); the
    search loop passes it with every verification, and None for a task that declares none."""
    from reflect_env.result import Stage, VerifyResult

    class RecordingEnv:
        def __init__(self):
            self.calls = []

        async def averify(self, code, top=None, **kw):
            self.calls.append(kw)
            return VerifyResult(ok=True, stage=Stage.passed, top=top, requested_top=top)

    for meta, want in (({"sim_cycles": 75}, 75), ({}, None)):
        env = RecordingEnv()
        with StubServer([Reply(fenced(ADDER))]) as stub:
            res = run_solve(stub, Task(id="a", spec=ADDER_SPEC, top="Adder", reference=ADDER, meta=meta),
                            cfg(depth=0), env, tmp_path / str(want))
        assert res.solved and [c["cycles"] for c in env.calls] == [want] and env.calls[0]["reference"] == ADDER


def test_repair_prompt_dedups_caps_and_shows_offending_lines():
    from reflect_env.result import Category, Diagnostic, Stage, VerifyResult

    diags = [Diagnostic(stage=Stage.compile, line=i, column=3, message=f"not found: value x{i}",
                        code_line=f"  val y{i} = x{i}") for i in range(1, 7)]
    diags.insert(1, diags[0].model_copy())  # the same error twice counts once
    result = VerifyResult(ok=False, stage=Stage.compile, category=Category.not_found, diagnostics=diags)
    prompt = PromptBuilder("chisel7").repair(ADDER_SPEC, "Adder", ADDER, result, notes=[])
    text = prompt.messages[-1]["content"]
    assert "first 4 of 6" in text and text.count("not found: value x1") == 1
    assert "offending line: `val y4 = x4`" in text and "x5" not in text
    assert " 9| " in text  # the code is shown with line numbers
    assert prompt.template == "repair" and "`Adder`" in prompt.messages[-1]["content"]


def test_parse_error_shows_the_line_before():
    from reflect_env.result import Category, Diagnostic, Stage, VerifyResult

    d = Diagnostic(stage=Stage.compile, line=10, column=1, message="')' expected but '}' found.", code_line="}")
    result = VerifyResult(ok=False, stage=Stage.compile, category=Category.syntax, diagnostics=[d])
    text = PromptBuilder("chisel7").repair(ADDER_SPEC, "Adder", ADDER_SYNTAX, result).messages[-1]["content"]
    assert "line 9 before it: `io.sum := (io.a + io.b`" in text


def test_templates_are_strict():
    import jinja2

    with pytest.raises(jinja2.UndefinedError):
        PromptBuilder("chisel7")._render("generate", spec="x")  # top, hints, notes, fewshot missing


def test_trace_survives_a_cut_off_last_line(tmp_path):
    with Trace(tmp_path / "t") as trace:
        trace.event("prompt", text="hello")
        trace.event("response", texts=["x"])
    with open(tmp_path / "t" / "trace.jsonl", "a") as fh:
        fh.write('{"seq": 3, "kind": "verif')  # what a kill -9 mid-write leaves
    tr = load_trace(tmp_path / "t")
    assert [e["kind"] for e in tr.events] == ["prompt", "response"] and tr.partial_lines == 1


def test_trace_file_form_puts_artifacts_beside_it(tmp_path):
    with Trace(tmp_path / "L1_001.jsonl") as trace:
        trace.finish(code="class A", verilog="module A; endmodule", summary={"solved": True})
    assert (tmp_path / "L1_001.final.scala").read_text() == "class A"
    assert load_trace(tmp_path / "L1_001.jsonl").summary == {"solved": True}


def test_infer_top():
    assert infer_top("Name this module `PassthroughBit`.") == "PassthroughBit"
    assert infer_top("Implement a module `RegZero`; output on a port named `out`.") == "RegZero"
    assert infer_top("Write a module named Foo that adds.") == "Foo"
    assert infer_top("A shift register called `Shift4`.") == "Shift4"
    assert infer_top("Implement class Bar extends Module") == "Bar"
    assert infer_top("an adder of two numbers") is None


def test_solve_config_validation():
    with pytest.raises(ValueError):
        AgentConfig(select="best")
    with pytest.raises(ValueError):
        AgentConfig(k=0)
    with pytest.raises(ValueError):
        AgentConfig(depth=-1)


# ---- CLI ----------------------------------------------------------------------------------------

def agent_cli(*args, env_vars=None, timeout=300):
    code = "from agent.cli import app; app(prog_name='agent')"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=REPO, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "PYTHONPATH": str(REPO), **(env_vars or {})})


@pytest.fixture(scope="module")
def cli_ok():
    probe = agent_cli("--help", timeout=120)
    if probe.returncode != 0:
        pytest.skip(f"agent CLI not importable yet: {probe.stderr.strip().splitlines()[-1:]}")


def test_cli_unreachable_server_one_line(cli_ok, tmp_path):
    spec = tmp_path / "spec.txt"
    spec.write_text(ADDER_SPEC)
    url = refused_url()
    p = agent_cli("solve", str(spec), "--base-url", url, "--model", "my/model", "--no-rag", "--out", str(tmp_path / "o"))
    assert p.returncode != 0 and "Traceback" not in p.stderr
    assert url in p.stderr and "vllm serve my/model" in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1


def test_cli_model_not_served_one_line(cli_ok, tmp_path):
    spec = tmp_path / "spec.txt"
    spec.write_text(ADDER_SPEC)
    with StubServer(default=Reply(fenced(ADDER)), model="served/model") as stub:
        p = agent_cli("solve", str(spec), "--base-url", stub.base_url, "--model", "other/model", "--no-rag",
                      "--out", str(tmp_path / "o"))
        chats = len(stub.requests)
    assert p.returncode != 0 and "Traceback" not in p.stderr and chats == 0
    assert "serves served/model, not 'other/model'" in p.stderr and len(p.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("content, message", [(b"", "empty"), (b"\x00\x01binary", "binary")])
def test_cli_bad_spec(cli_ok, tmp_path, content, message):
    spec = tmp_path / "spec.txt"
    spec.write_bytes(content)
    p = agent_cli("solve", str(spec), "--no-rag")
    assert p.returncode == 2 and message in p.stderr and "Traceback" not in p.stderr


def test_cli_json_solved_and_unsolved(cli_ok, toolchain_ready, tmp_path):
    spec = tmp_path / "adder.txt"
    spec.write_text(ADDER_SPEC)
    with StubServer([Reply(fenced(ADDER)), Reply(fenced(ADDER_SYNTAX))]) as stub:
        ok = agent_cli("solve", str(spec), "--base-url", stub.base_url, "-k", "1", "--no-rag", "--no-cache",
                       "--json", "--out", str(tmp_path / "ok"))
        bad = agent_cli("solve", str(spec), "--base-url", stub.base_url, "-k", "1", "--depth", "0", "--no-rag",
                        "--no-cache", "--json", "--out", str(tmp_path / "bad"))
    # One sample, no reference: it passed, but nothing confirms it (docs/solve.md): exit 3, said in --json too.
    assert ok.returncode == 3, ok.stderr
    out = json.loads(ok.stdout)
    assert out["solved"] is True and out["llm_calls"] == 1 and out["top"] == "Adder"
    assert out["confirmed"] is False and out["backed_by"] is None and out["unconfirmed"]
    assert {"rounds", "tokens", "final_code", "category", "run_dir"} <= set(out)
    assert (tmp_path / "ok" / "final.scala").exists()
    assert bad.returncode == 1
    lines = bad.stdout.strip().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["category"] == "syntax"


def test_retrieved_notes_reach_the_generate_and_repair_prompts(env, tmp_path):
    """With RAG on (the real index and embedding model), the notes retrieved for the spec are in the
    generate prompt and those retrieved for the compiler's error are in the repair prompt, as the trace
    records them."""
    from agent.rag import Retriever

    shift_ok = "import chisel3.util._\n" + SHIFT_NO_UTIL
    spec = SHIFT_SPEC + " Build the next state by concatenating with Cat."
    with StubServer([Reply(fenced(SHIFT_NO_UTIL)), Reply(fenced(shift_ok))]) as stub:
        res = run_solve(stub, Task(id="shift", spec=spec, top="ShiftReg4"), cfg(rag=True, fix=False), env,
                        tmp_path / "run", retriever=Retriever("chisel7"))
        prompts = [json.dumps(r["messages"]) for r in stub.requests]
    assert res.solved and res.llm_calls == 2
    retrievals = load_trace(tmp_path / "run").of_kind("retrieval")
    assert len(retrievals) >= 2 and all(r["notes"] for r in retrievals[:2])
    generate_notes, repair_notes = retrievals[0]["notes"], retrievals[1]["notes"]
    assert "not found: value Cat" in retrievals[1]["query"]
    for prompt, notes in ((prompts[0], generate_notes), (prompts[1], repair_notes)):
        assert "Reference notes" in prompt
        assert any(json.dumps(n["title"])[1:-1] in prompt for n in notes), [n["title"] for n in notes]
    # The repair query names Cat: an imports/Cat note ranks first.
    assert "cat" in repair_notes[0]["id"].lower() or "import" in repair_notes[0]["id"].lower(), repair_notes


def test_overhead_bench_measures_what_it_says(toolchain_ready):
    # `agent bench overhead` claims "k broken samples, one repair" per task. When the repair prompt's
    # wording changed, its stub kept answering broken code: 0 of n solved, 3 calls each, and the
    # overhead it reported was of a different run. Each task must pass after exactly one repair.
    from agent.commands.solve_cmds import run_overhead_bench

    report = run_overhead_bench(n_tasks=2, k=1, profile=None, progress=False)
    assert report["solved"] == 2 and report["llm_calls"] == 4
    assert all(row["solved"] and row["llm_calls"] == 2 for row in report["rows"])
    # k = 1: nothing to vote on, so all that is not verification is orchestration
    assert report["vote_sim_s"] == 0 and report["overhead_s"] == pytest.approx(report["wall_s"] - report["verify_s"],
                                                                              abs=2e-3)
    two = run_overhead_bench(n_tasks=1, k=2, profile=None, progress=False)
    # k = 2 with no reference: the two passing candidates are voted on, and that simulation is not overhead
    assert two["solved"] == 1 and two["vote_sim_s"] > 0
    assert two["overhead_s"] == pytest.approx(two["wall_s"] - two["verify_s"] - two["vote_sim_s"], abs=2e-3)


# ---- the CLI's settings, summary and shutdown (in-process: the solve itself is replaced) ----------------

def _solve_cli_capturing(tmp_path, monkeypatch, args, result=None):
    """`agent solve spec.txt ARGS` in-process with the solve replaced: (the settings it got, the output)."""
    from typer.testing import CliRunner

    import agent.commands.solve_cmds as solve_cmds
    from agent.cli import app
    from agent.search import SolveResult

    seen = []

    def fake(cfg, task, run_dir, *, show_progress):
        seen.append(cfg)
        return result or SolveResult(id=task.id, top=task.top)

    monkeypatch.setattr(solve_cmds, "_run_solve_served", fake)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "spec.txt").write_text(ADDER_SPEC + "\n")
    r = CliRunner().invoke(app, ["solve", "spec.txt", "--no-rag", "--out", "run", *args], env={"COLUMNS": "300"})
    return seen, r


def test_solve_takes_workers_and_defaults_to_one_per_sample_and_two_cores(tmp_path, monkeypatch):
    from agent.commands import solve_cmds
    from agent.commands.solve_cmds import solve_workers

    seen, _ = _solve_cli_capturing(tmp_path, monkeypatch, ["--workers", "1", "-n", "4"])
    assert seen[0].workers == 1 and solve_workers(seen[0]) == 1
    assert solve_workers(cfg(k=1, workers=3)) == 3  # a setting is a setting
    for cores, k, workers in [(2, 4, 1), (1, 4, 1), (4, 4, 2), (16, 4, 4), (16, 1, 1), (None, 4, 1)]:
        monkeypatch.setattr(solve_cmds.os, "cpu_count", lambda cores=cores: cores)
        assert solve_workers(cfg(k=k)) == workers, (cores, k)  # -n 1 started one JVM per core


def test_solve_summary_shows_the_wall_time_spent_verifying(tmp_path, monkeypatch):
    """`-n 3` printed `5.5s (9.8s verifying)`: the sum over concurrent verifications. The line shows
    the wall time during which some verification ran; --json has both."""
    from agent.search import SolveResult

    res = SolveResult(id="spec", top="Adder", passed=True, final_code="x", wall_s=5.5, verify_s=9.8,
                      verify_wall_s=4.2, llm_calls=1, backed_by="vote 3/3")
    _, r = _solve_cli_capturing(tmp_path, monkeypatch, ["-n", "3"], res)
    assert r.exit_code == 0 and "5.5s (4.2s verifying)" in r.output, r.output
    _, r = _solve_cli_capturing(tmp_path, monkeypatch, ["-n", "3", "--json", "--out", "run2"], res)
    out = json.loads(r.stdout)
    assert (out["wall_s"], out["verify_s"], out["verify_wall_s"]) == (5.5, 9.8, 4.2)


def test_solve_help_says_where_the_final_code_goes():
    from typer.testing import CliRunner

    from agent.cli import app

    text = " ".join(CliRunner().invoke(app, ["solve", "--help"], env={"COLUMNS": "300"}).output.split())
    assert "final.scala" in text and "stderr" in text and "final_code" in text


def _processes_naming(marker: str) -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if proc.name.isdigit() and marker in cmdline:
            found.append(f"{proc.name}: {cmdline[:200]}")
    return found


def test_an_llm_failure_at_once_does_not_wait_for_the_verifier_to_start(toolchain_ready, tmp_path):
    """The LLM fails for good at once (HTTP 500, no retries): `agent solve` used to wait for its JVM
    workers to start (seconds; here: never, they never get ready) only to shut them down. It kills them
    instead, and none is left behind."""
    import shutil
    import signal
    import tempfile
    import time

    # A `java` that never says it is ready (and ends at EOF on its stdin); outside /tmp and $HOME, which
    # the worker sandbox hides.
    fake_bin = Path(tempfile.mkdtemp(prefix="fake-java-", dir="/var/tmp"))
    (fake_bin / "java").write_text("#!/bin/sh\nread never\n")
    (fake_bin / "java").chmod(0o755)
    (tmp_path / "tmp").mkdir()  # the workers' jobs directories go here: their command lines name it
    (tmp_path / "spec.txt").write_text(ADDER_SPEC + "\n")
    (tmp_path / "c.toml").write_text("[llm]\nmax_retries = 0\n")
    env = {"PATH": f"{fake_bin}:{os.environ['PATH']}", "TMPDIR": str(tmp_path / "tmp")}
    try:
        with StubServer(default=http_error(500)) as stub:
            t0 = time.monotonic()
            p = agent_cli("solve", str(tmp_path / "spec.txt"), "--config", str(tmp_path / "c.toml"), "-n", "2",
                          "--base-url", stub.base_url, "--no-rag", "--no-cache", "--out", str(tmp_path / "run"),
                          env_vars=env, timeout=120)
            took = time.monotonic() - t0
        assert p.returncode == 1 and "llm_error" in p.stderr and "Traceback" not in p.stderr, p.stderr[-2000:]
        assert took < 60, took  # the workers' start timeout is 300 s
        assert _processes_naming(str(tmp_path)) == []
        assert list((tmp_path / "tmp").iterdir()) == []  # and their jobs directories are gone
    finally:
        for line in _processes_naming(str(tmp_path)):
            os.kill(int(line.split(":")[0]), signal.SIGKILL)
        shutil.rmtree(fake_bin, ignore_errors=True)


def test_stub_server_runs_from_the_command_line(tmp_path):
    """`python -m agent.llm.stub_server` printed nothing and exited: it now serves until SIGTERM."""
    import signal
    import urllib.request

    help_ = subprocess.run([sys.executable, "-m", "agent.llm.stub_server", "--help"], cwd=REPO, capture_output=True,
                           text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert help_.returncode == 0 and "--reply-file" in help_.stdout and "--status" in help_.stdout
    (tmp_path / "reply.txt").write_text(fenced(ADDER))
    server = subprocess.Popen([sys.executable, "-m", "agent.llm.stub_server", "--reply-file", str(tmp_path / "reply.txt")],
                              cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        url = server.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and url.endswith("/v1"), url
        body = json.dumps({"model": "m", "n": 2, "messages": [{"role": "user", "content": "an adder"}]}).encode()
        req = urllib.request.Request(f"{url}/chat/completions", data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as reply:
            answer = json.loads(reply.read())
        assert [c["message"]["content"] for c in answer["choices"]] == [fenced(ADDER)] * 2
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
        assert "served 1 request(s)" in server.stderr.read()
    finally:
        server.kill()
        server.wait()


def test_solve_refuses_an_eval_run_directory_as_out(tmp_path):
    # Solve files mixed into an eval run sit beside the results its report is regenerated from.
    spec = tmp_path / "adder.txt"
    spec.write_text("A module named `Adder8` that adds two 8-bit inputs a and b into sum.\n")
    for held in ("results.jsonl", "run.json"):
        run = tmp_path / f"eval-{held}"
        run.mkdir()
        (run / held).write_text("{}\n")
        proc = subprocess.run([sys.executable, "-m", "agent", "solve", str(spec), "--no-rag", "--no-cache",
                               "--base-url", refused_url(), "--out", str(run)], capture_output=True, text=True,
                              cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=120)
        assert proc.returncode == 2 and f"is an agent eval run directory ({held})" in proc.stderr, proc.stderr
        assert sorted(p.name for p in run.iterdir()) == [held]


def test_a_solve_with_no_top_asked_for_records_the_elaborated_one(tmp_path):
    # summary.json said "top": null although final.sv held Adder.
    from reflect_env.result import Stage, VerifyResult

    class ElaboratingEnv:
        async def averify(self, code, top=None, **kw):
            return VerifyResult(ok=True, stage=Stage.passed, top="Adder", requested_top=top,
                                verilog="module Adder();\nendmodule\n")

    with StubServer([Reply(fenced(ADDER))]) as stub:
        res = run_solve(stub, Task(id="a", spec="An 8-bit adder of two inputs.", top=None), cfg(depth=0),
                        ElaboratingEnv(), tmp_path / "run")
    assert res.solved and res.top == "Adder"
    assert json.loads((tmp_path / "run" / "summary.json").read_text())["top"] == "Adder"
