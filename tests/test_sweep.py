"""The (k, depth) grid read off one run, the sweep config files, and a real sweep against the stub server."""
from pathlib import Path

import pytest

from agent.eval.metrics import pass_at_k
from agent.eval.records import AttemptRecord, ChainRecord, ProblemRecord
from agent.eval.sweep import compute_grid, load_sweep_config
from tests.helpers import BAD, GOOD

REPO = Path(__file__).resolve().parents[1]


def chain(i, first_pass, rounds_run, tokens=100):
    return ChainRecord(sample_index=i, first_pass_round=first_pass,
                       attempts=[AttemptRecord(round=r, ok=r == first_pass, tokens=tokens) for r in range(rounds_run)])


def problem(pid, chains):
    return ProblemRecord(id=pid, chains=chains, passed=any(c.first_pass_round is not None for c in chains))


def test_grid_truncates_chains_by_depth():
    # 4 samples each; chains pass at round 0, 2, never (ran 4 rounds: 0..3), 1.
    p1 = problem("p1", [chain(0, 0, 1), chain(1, 2, 3), chain(2, None, 4), chain(3, 1, 2)])
    p2 = problem("p2", [chain(i, None, 4) for i in range(4)])
    cells = {(c.k, c.depth): c for c in compute_grid([p1, p2], [1, 2, 4, 8], [0, 1, 2, 3])}
    assert (8, 0) not in cells  # k above the samples drawn is left out
    # depth 0: only chain 0 of p1 passes -> c=1 of 4
    assert cells[1, 0].pass_at_k == pytest.approx((pass_at_k(4, 1, 1) + 0) / 2)
    # depth 1: chains 0 and 3; depth 2 adds chain 1
    assert cells[2, 1].pass_at_k == pytest.approx(pass_at_k(4, 2, 2) / 2)
    assert cells[2, 2].pass_at_k == pytest.approx(pass_at_k(4, 3, 2) / 2)
    assert cells[4, 3].pass_at_k == pytest.approx(0.5)
    # The largest cell is the run itself: per problem one request for all samples (n=k) plus one
    # per repair round: p1 1 + (0 + 2 + 3 + 1), p2 1 + 4 * 3.
    assert cells[4, 3].llm_calls == 7 + 13
    # k=1, depth 0: the sampling request only; tokens: each chain's round-0 tokens, weighted 1/4
    assert cells[1, 0].llm_calls == 2 and cells[1, 0].tokens == pytest.approx(200)
    # k=2, depth 1: a chain is in the pair with probability 1/2; repair rounds within depth 1:
    # p1 0 + 1 + 1 + 1, p2 1 + 1 + 1 + 1
    assert cells[2, 1].llm_calls == pytest.approx((1 + 3 / 2) + (1 + 4 / 2))
    # tokens within depth 1: p1 100 + 200 + 200 + 200, p2 4 * 200; halved
    assert cells[2, 1].tokens_per_problem == pytest.approx((700 + 800) / 2 / 2)


def test_grid_cells_carry_bootstrap_intervals_over_problems():
    # p1 always passes, p2 never: the mean is 0.5 and a resample of problems can give 0 or 1.
    both = [problem("p1", [chain(i, 0, 1) for i in range(2)]), problem("p2", [chain(i, None, 1) for i in range(2)])]
    cell = compute_grid(both, [1], [0])[0]
    assert cell.compile_pass_at_k == 0.5 and (cell.compile_ci_low, cell.compile_ci_high) == (0.0, 1.0)
    assert cell.functional_ci_low is None  # nothing had a reference
    solved = compute_grid([problem(f"p{i}", [chain(0, 0, 1)]) for i in range(3)], [1], [0])[0]
    assert (solved.compile_ci_low, solved.compile_ci_high) == (1.0, 1.0)


def test_sweep_configs_in_repo_are_valid():
    files = sorted((REPO / "experiments" / "sweeps").glob("*.yaml"))
    assert files, "experiments/sweeps/ should hold at least one sweep config"
    for f in files:
        cfg = load_sweep_config(f)
        assert cfg.bench and cfg.k and cfg.depth


def test_sweep_config_errors(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text("bench: own\nk: [1, 0]\n")
    with pytest.raises(ValueError, match=r"s\.yaml: k: .*>= 1"):
        load_sweep_config(f)
    f.write_text("bench: own\ndepths: [0, 1]\n")
    with pytest.raises(ValueError, match="depths"):
        load_sweep_config(f)




def test_sweep_against_stub_server(tmp_path):
    """One sweep run (n = 4 samples, depth 1) through the real CLI, search loop and verifier: the
    grid is read off it, and the run's LLM requests are exactly those of the largest cell."""
    from agent.llm.stub_server import Reply, StubServer
    from tests.helpers import json_out, require_verifier, run_agent, seed_eval_set

    require_verifier()
    tops = {"s1": "Pass4a", "s2": "Pass4b"}
    bench = seed_eval_set(tmp_path / "set.jsonl", [(i, "L1", t) for i, t in tops.items()])

    def reply(request):
        prompt = "\n".join(m["content"] for m in request["messages"])
        top = next(t for t in tops.values() if t in prompt)
        if request["n"] > 1:  # the sampling request: samples 0 and 3 pass, 1 and 2 need a repair
            return Reply([GOOD.format(top=top), BAD.format(top=top, tag="a"), BAD.format(top=top, tag="b"),
                          GOOD.format(top=top)], completion_tokens=400)
        return Reply(GOOD.format(top=top), completion_tokens=100)

    out = tmp_path / "sweep"
    with StubServer(reply, model="stub-model") as stub:
        proc = run_agent("sweep", bench, "--k", "1,2,4", "--depth", "0,1", "--base-url", stub.base_url,
                         "--model", "stub-model", "--no-rag", "--no-cache", "--out", out, "--json")
        requests = len(stub.requests)
    assert proc.returncode == 0, proc.stderr[-3000:]
    s = json_out(proc)
    grid = {(c["k"], c["depth"]): c for c in s["grid"]}
    assert set(grid) == {(k, d) for k in (1, 2, 4) for d in (0, 1)}
    assert requests == s["llm_calls"] == grid[4, 1]["llm_calls"] == 2 * (1 + 2)
    assert grid[1, 0]["pass_at_k"] == pytest.approx(0.5)  # 2 of 4 samples pass unrepaired
    assert grid[4, 0]["pass_at_k"] == pytest.approx(1.0)
    assert grid[1, 1]["pass_at_k"] == pytest.approx(1.0)  # with one repair every chain passes
    assert grid[1, 0]["llm_calls"] == 2
    for name in ("grid.csv", "grid.md", "pass_at_k.png", "pass_vs_tokens.png", "pass_vs_requests.png", "report.md",
                 "results.json"):
        assert (out / name).stat().st_size > 0, name
    assert (out / "pass_at_k.png").read_bytes()[:4] == b"\x89PNG"
    assert len((out / "grid.csv").read_text().splitlines()) == 1 + 6

    # `agent report` rebuilds the outputs from results.jsonl alone.
    for name in ("report.md", "grid.csv", "pass_at_k.png"):
        (out / name).unlink()
    rep = run_agent("report", out, "--json")
    assert rep.returncode == 0, rep.stderr[-2000:]
    assert json_out(rep)["total"] == 2
    assert (out / "report.md").exists() and (out / "grid.csv").exists() and (out / "pass_at_k.png").exists()

    # Replaying the run directory re-verifies every recorded chain, here truncated at depth 0:
    # the same numbers as the grid's depth-0 row, without a model.
    rep = run_agent("eval", bench, "--replay", out, "--depth", "0", "-k", "1,4", "--out", tmp_path / "replay",
                    "--workers", "1", "--json")
    assert rep.returncode == 0, rep.stderr[-2000:]
    r = json_out(rep)
    assert r["llm_calls"] == 0
    assert r["pass_at_k"] == pytest.approx({"1": grid[1, 0]["pass_at_k"], "4": grid[4, 0]["pass_at_k"]})
