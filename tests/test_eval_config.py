"""`agent eval` and `agent sweep` send what chisel-agent.toml says (k, depth, temperature, fewshot),
through the same settings model as `agent solve`."""
from __future__ import annotations

import json

from tests.helpers import json_out, require_verifier, run_agent, seed_eval_set

TOML = "k = 8\ndepth = 1\ntemperature = 0.7\nfewshot = false\nrag = false\n"


def _no_code(request):
    from agent.llm.stub_server import Reply

    # No code block: every attempt fails at extraction, so no candidate needs the verifier, and each
    # chain spends its repair rounds on fresh samples (escapes) until `depth` runs out.
    return Reply("I cannot write this design.")


def _check_requests(requests: list[dict]) -> None:
    first, rest = requests[0], requests[1:]
    assert (first["n"], first["temperature"]) == (8, 0.7)
    assert "Example of the expected answer format" not in json.dumps(first["messages"])  # fewshot = false
    # depth = 1: exactly one more request per sample chain, none beyond
    assert len(rest) == 8 and all(r["n"] == 1 for r in rest)


def test_eval_sends_what_the_config_file_says(tmp_path):
    from agent.llm.stub_server import StubServer

    require_verifier()
    bench = seed_eval_set(tmp_path / "set.jsonl", [("c1", "L1", "CfgTop")])
    toml = tmp_path / "chisel-agent.toml"
    toml.write_text(TOML)
    with StubServer(_no_code) as stub:
        proc = run_agent("eval", bench, "--config", toml, "--base-url", stub.base_url, "-k", "8", "--no-cache",
                         "--workers", "1", "--out", tmp_path / "run", "--json")
        requests = list(stub.requests)
    assert proc.returncode == 0, proc.stderr[-3000:]
    _check_requests(requests)
    meta = json.loads((tmp_path / "run" / "run.json").read_text())
    assert (meta["samples"], meta["depth"], meta["temperature"], meta["fewshot"], meta["rag"]) == (8, 1, 0.7, False, False)
    assert meta["config_file"] == str(toml)
    record = json.loads((tmp_path / "run" / "results.jsonl").read_text().splitlines()[0])
    assert len(record["chains"]) == 8 and max(a["round"] for c in record["chains"] for a in c["attempts"]) == 1
    assert json_out(proc)["llm_calls"] == 9


def test_sweep_sends_what_the_config_file_says_and_takes_its_grid_from_grid(tmp_path):
    from agent.llm.stub_server import StubServer

    require_verifier()
    bench = seed_eval_set(tmp_path / "set.jsonl", [("c1", "L1", "CfgTop")])
    toml = tmp_path / "chisel-agent.toml"
    toml.write_text(TOML)
    with StubServer(_no_code) as stub:
        proc = run_agent("sweep", bench, "--config", toml, "--base-url", stub.base_url, "--no-cache",
                         "--workers", "1", "--out", tmp_path / "sweep", "--json")
        requests = list(stub.requests)
    assert proc.returncode == 0, proc.stderr[-3000:]
    _check_requests(requests)
    grid = {(c["k"], c["depth"]) for c in json_out(proc)["grid"]}
    assert grid == {(k, d) for k in (1, 2, 4, 8) for d in (0, 1)}  # up to the config's k and depth

    yaml = tmp_path / "grid.yaml"
    yaml.write_text(f"bench: {bench}\nk: [1, 2]\ndepth: [0]\n")
    with StubServer(_no_code) as stub:
        proc = run_agent("sweep", "--grid", yaml, "--config", toml, "--base-url", stub.base_url, "--no-cache",
                         "--workers", "1", "--out", tmp_path / "sweep2", "--json")
        requests = list(stub.requests)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert [(r["n"], r["temperature"]) for r in requests] == [(2, 0.7)]  # the grid's max k, depth 0
    assert {(c["k"], c["depth"]) for c in json_out(proc)["grid"]} == {(1, 0), (2, 0)}


def test_bad_config_paths_are_one_line_errors(tmp_path):
    bench = seed_eval_set(tmp_path / "set.jsonl", [("c1", "L1", "CfgTop")])
    proc = run_agent("eval", bench, "--config", tmp_path / "missing.toml")
    assert proc.returncode == 2 and "config file not found" in proc.stderr and "Traceback" not in proc.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("k = 0\n")
    proc = run_agent("eval", bench, "--config", bad, "--base-url", "http://127.0.0.1:9/v1", "--out", tmp_path / "r")
    assert proc.returncode == 2 and "k" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_agent("sweep", bench, "--grid", tmp_path / "missing.yaml")
    assert proc.returncode == 2 and "sweep grid file not found" in proc.stderr
