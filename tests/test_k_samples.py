"""k means k: `agent solve -k 4` against a server that ignores `n` still verifies 4 candidates."""
import json

from tests.helpers import require_verifier, run_agent
from tests.helpers import ADDER, ADDER_SPEC, fenced


def test_solve_k4_against_a_server_that_ignores_n_verifies_4_candidates(tmp_path):
    from agent.llm.stub_server import Reply, StubServer

    require_verifier()
    spec = tmp_path / "adder.txt"
    spec.write_text(ADDER_SPEC)
    out = tmp_path / "run"
    with StubServer(default=Reply(fenced(ADDER)), ignore_n=True) as stub:
        p = run_agent("solve", str(spec), "--base-url", stub.base_url, "-n", "4", "--depth", "0", "--select", "all",
                      "--seed", "11", "--no-rag", "--no-cache", "--json", "--out", str(out))
        sent = [(r["n"], r.get("seed")) for r in stub.requests]
    assert p.returncode == 0, p.stderr[-2000:]
    assert sent == [(4, 11), (3, 12), (2, 13), (1, 14)]
    events = [json.loads(line) for line in (out / "trace.jsonl").read_text().splitlines()]
    response = next(e for e in events if e["kind"] == "response")
    assert len(response["texts"]) == 4
    assert response["sampling"] == {"requested_n": 4, "choices_per_request": [1, 1, 1, 1], "requests": 4,
                                    "seeds": [11, 12, 13, 14], "samples": 4, "stopped": None,
                                    "cached_per_request": [False] * 4}
    verified = sorted(e["chain"] for e in events if e["kind"] == "verification")
    assert verified == [0, 1, 2, 3]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["sampling"]["requests"] == 4 and len(summary["chains"]) == 4
    assert summary["llm_calls"] == 4  # each follow-up request is an LLM call against the budgets


def test_the_llm_call_budget_stops_follow_ups(tmp_path):
    from agent.llm.stub_server import Reply, StubServer

    require_verifier()
    spec = tmp_path / "adder.txt"
    spec.write_text(ADDER_SPEC)
    toml = tmp_path / "chisel-agent.toml"
    toml.write_text("[budgets]\nmax_llm_calls = 2\n")
    out = tmp_path / "run"
    with StubServer(default=Reply(fenced(ADDER)), ignore_n=True) as stub:
        p = run_agent("solve", str(spec), "--config", str(toml), "--base-url", stub.base_url, "-n", "4",
                      "--depth", "0", "--select", "all", "--no-rag", "--no-cache", "--json", "--out", str(out))
        requests = len(stub.requests)
    assert p.returncode == 0, p.stderr[-2000:]
    summary = json.loads((out / "summary.json").read_text())
    assert requests == 2 and summary["llm_calls"] == 2 and len(summary["chains"]) == 2
    assert summary["sampling"]["stopped"].startswith("budget: 2 LLM calls")
