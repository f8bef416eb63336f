"""The model's own checks with no reference (docs/oracle_free.md, section 3): a check the chosen
candidate fails is quoted in that candidate's repair prompt; a check the candidates contradict is
suspect, dropped and recorded; the oracle-free settings come from the one settings model. Stub
model over real HTTP, real verifier, real iverilog."""
from __future__ import annotations

import asyncio
import json

from agent.config import load_config
from agent.config import LLMConfig
from agent.llm import LLMClient
from agent.llm.stub_server import Reply, StubServer
from agent.oracle_free import Candidate, suspect_checks, vote
from agent.config import AgentConfig
from agent.search import solve
from agent.task import Task
from agent.trace import Trace, load_trace
from tests.helpers import json_out, require_verifier, run_agent
from tests.helpers import HEAD, SPEC  # the 8-bit adder the vote tests use

PLUS = HEAD + "  io.sum := io.a + io.b\n}\n"
WIDENED = HEAD + "  val wide = Wire(UInt(9.W))\n  wide := io.a +& io.b\n  io.sum := wide(7, 0)\n}\n"
MINUS = HEAD + "  io.sum := io.a - io.b\n}\n"
XOR = HEAD + "  io.sum := io.a ^ io.b\n}\n"
CHECK_PROMPT = "Write up to"  # prompts/checks.j2
REPAIR_PROMPT = "Your Chisel code compiles and has the ports"  # prompts/repair_checks.j2


def fenced(code: str) -> str:
    return f"```scala\n{code}```\n"


def checks_answer(*checks: tuple[int, int, int]) -> str:
    return json.dumps({"checks": [[{"inputs": {"a": a, "b": b}, "outputs": {"sum": s}}] for a, b, s in checks]})


def responder(checks: str, samples: list[str], repair: str | None = None):
    """The stub's answers by prompt: the checks, the k samples, a check repair."""
    def answer(request):
        user = request["messages"][-1]["content"]
        if user.startswith(CHECK_PROMPT):
            return Reply(checks)
        if user.startswith(REPAIR_PROMPT):
            return Reply(fenced(repair or PLUS))
        return Reply([fenced(s) for s in samples])
    return answer


def run_solve(stub, cfg, env, run_dir):
    async def main():
        llm = LLMClient(LLMConfig(base_url=stub.base_url, use_cache=False, max_retries=1, retry_backoff_s=0.01))
        try:
            with Trace(run_dir) as trace:
                return await solve(Task(id="adder", spec=SPEC, top="Adder"), cfg, llm=llm, env=env, trace=trace)
        finally:
            await llm.aclose()
    return asyncio.run(main())


def _adder_sv(expr: str) -> str:
    return ("module Adder(input clock, input reset, input [7:0] io_a, input [7:0] io_b, output [7:0] io_sum);\n"
            f"  assign io_sum = {expr};\nendmodule\n")


def test_suspect_rules():
    # (1) a strict majority of two or more fails it; (2) every candidate fails it the same way.
    assert suspect_checks([2, 1], [["step 1: io_sum expected 8, got 7"], [None]]) == {
        0: "the largest group (2 of 3 candidates) fails it: step 1: io_sum expected 8, got 7"}
    assert suspect_checks([1, 1], [["step 1: io_sum expected 8, got 7"], ["step 1: sum expected 8, got 7"]]) == {
        0: "all 2 candidates fail it the same way: step 1: io_sum expected 8, got 7"}
    # Not suspect: the candidates disagree with each other, a lone candidate, a check that did not run.
    assert suspect_checks([1, 1], [["step 1: io_sum expected 8, got 7"], ["step 1: io_sum expected 8, got 9"]]) == {}
    assert suspect_checks([1], [["step 1: io_sum expected 8, got 7"]]) == {}
    assert suspect_checks([2], [["not run: iverilog: syntax error"]]) == {}


def test_checks_the_candidates_agree_against_are_suspect_on_real_designs(tmp_path):
    # `+` and `|` differ in general (two groups) but agree at a=3, b=4: both give 7, the check says 8.
    cands = [Candidate(0, "x", _adder_sv("io_a + io_b"), "Adder"), Candidate(1, "x\ny", _adder_sv("io_a | io_b"), "Adder")]
    result = vote(cands, checks=[[{"inputs": {"a": 3, "b": 4}, "outputs": {"sum": 8}}],
                                 [{"inputs": {"a": 1, "b": 1}, "outputs": {"sum": 2}}]])
    assert [len(g) for g in result.groups] == [1, 1]
    c = result.checks
    assert c["suspect"] == [0] and c["suspect_why"] == ["all 2 candidates fail it the same way: "
                                                        "step 1: io_sum expected 8, got 7"]
    assert c["trusted_passed"] == [1, 0] and result.chosen == 0
    assert c["verdicts"] == [["step 1: io_sum expected 8, got 7", None],
                             ["step 1: io_sum expected 8, got 7", "step 1: io_sum expected 2, got 1"]]
    assert result.line().endswith("; it passes 1 of 1 trusted model check (1 suspect)")


def test_a_failing_check_is_quoted_in_the_chosen_candidates_repair_prompt(verifier, tmp_path):
    # Two samples that disagree with each other and with the check a=200, b=100 -> sum=44 (the
    # check is trusted): the chosen one (#0, `-`, gives 100) is repaired with the check quoted.
    with StubServer(responder(checks_answer((200, 100, 44)), [MINUS, XOR], PLUS)) as stub:
        res = run_solve(stub, AgentConfig(k=2, depth=1, rag=False, seed=1, select="all", checks=True), verifier,
                        tmp_path / "run")
        repairs = [r for r in stub.requests if r["messages"][-1]["content"].startswith(REPAIR_PROMPT)]
    assert len(repairs) == 1 and res.llm_calls == 3
    prompt = repairs[0]["messages"][-1]["content"]
    assert "io.sum := io.a - io.b" in prompt
    assert "- cycle 1: inputs a=200, b=100; expected sum=44" in prompt
    assert "Your design: in cycle 1, output `sum` is 100, not 44." in prompt
    # The repaired design passes the check: the vote, taken again, chooses it.
    assert res.solved and "io.sum := io.a + io.b" in res.final_code
    v = res.vote
    assert v["chosen_chain"] == 0 and v["checks"]["trusted_passed"] == [1, 0] and v["checks"]["suspect"] == []
    assert v["checks"]["repairs"] == [{"chain": 0, "round": 1, "checks": [0], "passed": True}]
    trace = load_trace(tmp_path / "run")
    assert trace.of_kind("check_repair")[0]["failures"] == ["step 1: io_sum expected 44, got 100"]
    assert [a.round for a in res.chains[0].attempts] == [0, 1] and res.chains[0].attempts[1].ok
    assert trace.summary["vote"]["checks"]["repairs"][0]["passed"]


def test_a_suspect_check_is_dropped_not_used_for_repair(verifier, tmp_path):
    # Two of three samples add; the check a=3, b=4 -> sum=8 is the model's mistake. The majority
    # fails it, so it is suspect: no repair is asked for, and the summary says why.
    with StubServer(responder(checks_answer((3, 4, 8)), [MINUS, WIDENED, PLUS])) as stub:
        res = run_solve(stub, AgentConfig(k=3, depth=2, rag=False, seed=1, select="all", checks=True), verifier,
                        tmp_path / "run")
        asked = [r["messages"][-1]["content"][:40] for r in stub.requests]
    assert res.llm_calls == 2 and not any(a.startswith(REPAIR_PROMPT) for a in asked)
    v = res.vote
    assert v["group_sizes"] == [2, 1] and v["chosen_chain"] == 2 and "io.a + io.b" in res.final_code
    assert v["checks"]["suspect"] == [0] and "repairs" not in v["checks"]
    assert v["checks"]["suspect_why"] == ["the largest group (2 of 3 candidates) fails it: "
                                          "step 1: io_sum expected 8, got 7"]
    trace = load_trace(tmp_path / "run")
    assert not trace.of_kind("check_repair")
    assert trace.summary["vote"]["checks"]["suspect_why"] == v["checks"]["suspect_why"]


def test_select_first_at_a_budget_says_the_answer_is_unconfirmed(verifier, tmp_path):
    # Chain 0 passes; chain 1 would need a repair, but the budget allows one LLM call: the answer
    # stands, unconfirmed, and the trace says the budget stopped the wait for a second pass.
    broken = HEAD + "  io.sum := (io.a + io.b\n}\n"
    with StubServer([Reply([fenced(PLUS), fenced(broken)])], default=Reply(fenced(PLUS))) as stub:
        res = run_solve(stub, AgentConfig(k=2, depth=3, rag=False, seed=1, select="first", budgets={"max_llm_calls": 1}),
                        verifier, tmp_path / "run")
    assert res.solved and res.llm_calls == 1 and res.vote["total"] == 1 and not res.vote["confirmed"]
    assert load_trace(tmp_path / "run").of_kind("budget_stop")


def test_config_file_keys_reach_the_search(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    toml = tmp_path / "chisel-agent.toml"
    toml.write_text("interface = false\nvote = false\nchecks = true\n")
    cfg = load_config(toml)
    assert (cfg.interface, cfg.vote, cfg.checks) == (False, False, True)
    assert cfg.sources["checks"] == f"file:{toml}"
    flags = load_config(toml, interface=True, checks=False)
    assert (flags.interface, flags.vote, flags.checks) == (True, False, False)


def test_cli_flags_override_the_files_oracle_free_keys(verifier, tmp_path):
    require_verifier()
    spec = tmp_path / "adder.txt"
    spec.write_text(SPEC + "\n")
    toml = tmp_path / "chisel-agent.toml"
    toml.write_text("interface = false\nchecks = true\n")  # the flag --interface wins; checks come from the file
    with StubServer(responder(checks_answer((3, 4, 7)), [PLUS, WIDENED])) as stub:
        proc = run_agent("solve", spec, "--config", toml, "--base-url", stub.base_url, "-n", "2", "--depth", "0",
                         "--no-rag", "--no-cache", "--select", "all", "--interface", "--out", tmp_path / "run", "--json")
        asked = [r["messages"][-1]["content"] for r in stub.requests]
        formats = [r.get("response_format") for r in stub.requests]
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json_out(proc)
    assert data["interface"]["source"] == "prose" and asked[0].startswith(CHECK_PROMPT)
    assert data["vote"]["agree"] == 2 and data["vote"]["checks"]["trusted_passed"] == [1]
    # the checks question is schema-constrained to the interface's ports; the generation is free text
    step = formats[0]["json_schema"]["schema"]["properties"]["checks"]["items"]["items"]["properties"]
    assert sorted(step["inputs"]["properties"]) == ["a", "b"] and list(step["outputs"]["properties"]) == ["sum"]
    assert formats[1:] == [None] * (len(formats) - 1)


def test_the_checks_schema_admits_only_the_interfaces_ports_and_widths():
    from agent.oracle_free.checks import MAX_CHECKS, MAX_STEPS, checks_schema
    from reflect_env.interface import Interface, SpecPort

    iface = Interface(ports=[SpecPort(name="en", direction="input", width=1),
                             SpecPort(name="count", direction="output", width=4),
                             SpecPort(name="x", direction=None, width=None)], source="prose")
    schema = checks_schema(iface)["json_schema"]["schema"]
    checks = schema["properties"]["checks"]
    step = checks["items"]["items"]
    assert checks["maxItems"] == MAX_CHECKS and checks["items"]["maxItems"] == MAX_STEPS
    inputs, outputs = step["properties"]["inputs"], step["properties"]["outputs"]
    assert inputs["properties"] == {"en": {"type": "integer", "minimum": 0, "maximum": 1},
                                    "x": {"type": "integer", "minimum": 0}}  # no direction stated: either side
    assert outputs["properties"]["count"]["maximum"] == 15 and set(outputs["properties"]) == {"count", "x"}
    assert inputs["additionalProperties"] is False and outputs["additionalProperties"] is False


def _adder_bench(path):
    path.write_text(json.dumps({"id": "add", "level": "L1", "category": "test", "instruction": SPEC, "input": "",
                                "reference_code": PLUS, "test_config": {"require_simulate": True,
                                                                        "module_name": "Adder"}}) + "\n")
    return path


def test_eval_takes_the_oracle_free_keys_from_the_file_and_records_them(tmp_path):
    # `checks = true` in the file reaches the search of `agent eval` (the checks are asked for,
    # before the samples) and run.json records the three keys.
    require_verifier()
    bench = _adder_bench(tmp_path / "set.jsonl")
    toml = tmp_path / "chisel-agent.toml"
    toml.write_text("k = 2\ndepth = 0\nrag = false\nchecks = true\n")
    with StubServer(responder(checks_answer((3, 4, 7)), [PLUS, WIDENED])) as stub:
        proc = run_agent("eval", bench, "--config", toml, "--base-url", stub.base_url, "--no-cache", "--workers", "1",
                         "--out", tmp_path / "run", "--json")
        asked = [r["messages"][-1]["content"] for r in stub.requests]
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert len(asked) == 2 and asked[0].startswith(CHECK_PROMPT)
    meta = json.loads((tmp_path / "run" / "run.json").read_text())
    assert (meta["interface"], meta["vote"], meta["checks"]) == (True, True, True)


def test_bench_with_checks_scores_the_repaired_answer(tmp_path):
    # The bench's (e): with --checks the voted candidate is the one repaired against the check; it
    # matches the hidden reference, while the first compiling sample (`-`) does not.
    from agent.oracle_free.bench import main, summarize

    require_verifier()
    bench = _adder_bench(tmp_path / "set.jsonl")
    toml = tmp_path / "chisel-agent.toml"
    toml.write_text("[llm]\nuse_cache = false\n")  # never write stub replies into the user's cache
    with StubServer(responder(checks_answer((200, 100, 44)), [MINUS, XOR], PLUS)) as stub:
        rc = main(["--bench", str(bench), "-k", "2", "--depth", "1", "--base-url", stub.base_url, "--checks",
                   "--config", str(toml), "--out", str(tmp_path / "out")])
    assert rc == 0
    row = json.loads((tmp_path / "out" / "add.json").read_text())
    assert (row["first_compiling"], row["random_compiling"], row["voted"], row["llm_calls"]) == (0.0, 0.0, 1.0, 3)
    summary = summarize(tmp_path / "out")
    assert (summary["checks_run"], summary["checks_suspect"], summary["check_repairs"]) == (1, 0, 1)


def test_the_checks_prompt_names_the_only_ports_a_check_may_use():
    from agent import oracle_free
    from agent.prompting import PromptBuilder
    from reflect_env.interface import Interface, SpecPort

    builder = PromptBuilder("chisel7")
    only_out = Interface(ports=[SpecPort(name="out", direction="output", width=8)], source="prose")
    text = oracle_free.checks_prompt(builder, "A constant 0 on `out`.", only_out).messages[0]["content"]
    assert "8-bit output `out`" in text and 'every "inputs" is {}' in text and "no others" in text
    adder = Interface(ports=[SpecPort(name="a", direction="input", width=8),
                             SpecPort(name="sum", direction="output", width=8)], source="prose")
    text = oracle_free.checks_prompt(builder, "sum = a + 1", adder).messages[0]["content"]
    assert "no others" in text and 'every "inputs" is {}' not in text
