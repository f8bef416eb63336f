"""A live `agent eval` through the real CLI, search loop and verifier, against the stub server."""
import json

from tests.helpers import json_out, require_verifier, run_agent, seed_eval_set
from tests.helpers import BAD, GOOD


def test_live_eval_select_first(tmp_path):
    from agent.llm.stub_server import Reply, StubServer

    require_verifier()
    tops = {"e1": "LiveA", "e2": "LiveB"}
    bench = seed_eval_set(tmp_path / "set.jsonl", [(i, "L1", t) for i, t in tops.items()])

    def reply(request):
        prompt = "\n".join(m["content"] for m in request["messages"])
        top = next(t for t in tops.values() if t in prompt)
        if request["n"] > 1:  # e1: the second sample passes as drawn; e2: both samples need a repair
            if top == "LiveA":
                return Reply([BAD.format(top=top, tag="a"), GOOD.format(top=top)])
            return Reply([BAD.format(top=top, tag="b"), BAD.format(top=top, tag="c")])
        return Reply(GOOD.format(top=top))

    out = tmp_path / "run"
    with StubServer(reply) as stub:
        proc = run_agent("eval", bench, "-n", "2", "--depth", "1", "-k", "2", "--select", "first",
                         "--base-url", stub.base_url, "--no-rag", "--no-cache", "--workers", "1",
                         "--out", out, "--json")
        requests = len(stub.requests)
    assert proc.returncode == 0, proc.stderr[-3000:]
    s = json_out(proc)
    assert (s["total"], s["passed"], s["compile_pass"]["passed"]) == (2, 2, 2)
    assert s["pass_at_k"] == {"2": 1.0}  # select=first: only pass@n is unbiased
    assert s["llm_calls"] == requests >= 3  # e1: 1 (+1 if chain 0's repair left before the pass); e2: 1 + >= 1
    rows = {r["id"]: r for r in map(json.loads, (out / "results.jsonl").read_text().splitlines())}
    assert rows["e1"]["rounds"] in (0, 1) and any(c["first_pass_round"] == 0 for c in rows["e1"]["chains"])
    assert min(c["first_pass_round"] for c in rows["e2"]["chains"] if c["first_pass_round"] is not None) == 1
    assert rows["e2"]["extracted_code"] and "LiveB" in rows["e2"]["final_code"]
    meta = json.loads((out / "run.json").read_text())
    assert (meta["samples"], meta["depth"], meta["select"]) == (2, 1, "first")
    results = json.loads((out / "results.json").read_text())
    assert results["statistics"]["passed"] == 2 and results["results"][1]["verify_result"]["success"]
    assert (out / "traces" / "e2.jsonl").stat().st_size > 0


def test_live_eval_stops_before_starting_when_the_model_is_not_served(tmp_path):
    from agent.llm.stub_server import Reply, StubServer

    bench = seed_eval_set(tmp_path / "set.jsonl", [("e1", "L1", "NoTop")])
    with StubServer(default=Reply("unused"), model="served/model") as stub:
        proc = run_agent("eval", bench, "-n", "1", "--base-url", stub.base_url, "--model", "other/model",
                         "--no-rag", "--no-cache", "--out", tmp_path / "run")
        chats = len(stub.requests)
    assert proc.returncode != 0 and chats == 0 and "Traceback" not in proc.stderr
    assert "serves served/model, not 'other/model'" in proc.stderr and "nothing was run" in proc.stderr


def test_live_eval_reads_the_server_from_the_environment(tmp_path, monkeypatch):
    """`agent eval` resolves the LLM settings like `agent solve`: OPENAI_BASE_URL reaches the client."""
    from agent.llm.stub_server import Reply, StubServer

    require_verifier()
    bench = seed_eval_set(tmp_path / "set.jsonl", [("e1", "L1", "EnvTop")])
    with StubServer(lambda request: Reply(GOOD.format(top="EnvTop"))) as stub:
        monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
        proc = run_agent("eval", bench, "-n", "1", "--depth", "0", "--no-rag", "--no-cache", "--workers", "1",
                         "--out", tmp_path / "run", "--json")
        requests = len(stub.requests)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert requests == 1 and json_out(proc)["passed"] == 1


def test_live_eval_puts_retrieved_notes_into_prompts(tmp_path):
    """RAG is on by default in `agent eval`: the notes retrieved for the problem reach the prompt the
    server receives, and the problem's trace records the retrieval."""
    from agent.llm.stub_server import Reply, StubServer

    require_verifier()
    bench = seed_eval_set(tmp_path / "set.jsonl", [("e1", "L2", "RagTop")])
    # a spec that names an API: retrieval keeps only notes above its score floor ("Build `RagTop`." gets none)
    bench.write_text(bench.read_text().replace("Build `RagTop`.", "Build `RagTop`: count the set bits of `in` with PopCount."))
    with StubServer(lambda request: Reply(GOOD.format(top="RagTop"))) as stub:
        proc = run_agent("eval", bench, "-n", "1", "--depth", "0", "--base-url", stub.base_url, "--no-cache",
                         "--workers", "1", "--out", tmp_path / "run", "--json")
        prompts = [json.dumps(r["messages"]) for r in stub.requests]
    assert proc.returncode == 0, proc.stderr[-3000:]
    # the spec quotes a port name (`in`), so the model is also asked for the interface once (temperature 0)
    interface_asks = [p for p in prompts if "List the ports" in p]
    prompts = [p for p in prompts if "List the ports" not in p]
    assert json_out(proc)["passed"] == 1 and len(prompts) == 1 and len(interface_asks) == 1
    events = [json.loads(line) for line in (tmp_path / "run" / "traces" / "e1.jsonl").read_text().splitlines()]
    retrievals = [e for e in events if e.get("kind") == "retrieval"]
    assert retrievals and retrievals[0]["notes"], [e.get("kind") for e in events]
    assert "Reference notes" in prompts[0]
    assert all(json.dumps(n["title"])[1:-1] in prompts[0] for n in retrievals[0]["notes"])
