"""`agent bench solve`'s breakdown of a solve's trace (agent/local/solve_bench.py)."""
from __future__ import annotations

from typer.testing import CliRunner

from agent.cli import app
from agent.local.solve_bench import _union, breakdown


def test_union_counts_overlaps_once():
    assert _union([(0, 2), (1, 3), (5, 6)]) == 4
    assert _union([(0, 10), (2, 3)]) == 10
    assert _union([]) == 0


def test_breakdown_of_a_trace():
    launched = 1000.0
    startup = {"kind": "startup", "t": 0.0, "wall_clock": 1001.0, "first_request_s": 4.0, "server_ready_s": 3.5,
               "retriever_ready_s": 2.0, "prefix": {"action": "restored", "tokens": 420}}
    events = [
        startup,
        {"kind": "prompt", "t": 0.1, "chain": None, "round": 0},
        {"kind": "response", "t": 20.1, "chain": None, "round": 0, "latency_s": 20.0, "texts": ["a"] * 4,
         "prompt_tokens": 900, "cached_prompt_tokens": 420, "completion_tokens": 600,
         "stream": {"completion_tokens": [150] * 4, "first_token_s": 6.0, "done_s": [18, 19, 20, 20],
                    "closed_early": True}},
        {"kind": "verification", "t": 21.0, "wall_s": 0.8},
        {"kind": "prompt", "t": 21.1, "chain": 0, "round": 1},
        {"kind": "verification", "t": 21.5, "wall_s": 1.0},  # overlaps the repair request
        {"kind": "response", "t": 29.1, "chain": 0, "round": 1, "latency_s": 8.0, "texts": ["b"],
         "prompt_tokens": 1000, "cached_prompt_tokens": 900, "completion_tokens": 140},
        {"kind": "finish", "t": 30.0},
    ]
    # The trace's zero is launch + 1 + 4 = 1005; its last event at 1035; the process exits at 1036.
    b = breakdown(events, launched_at=launched, exited_at=1036.0)
    assert b["wall_s"] == 36.0
    assert b["startup_s"] == 5.0
    assert b["model_s"] == 28.0  # 20 s + 8 s, nothing in common
    assert b["wall_over_model"] == round(36 / 28, 3)
    assert b["exit_s"] == 1.0
    assert b["verification_s"] == 1.3  # 20.2-21.0 and 20.5-21.5 overlap
    first = b["first_request"]
    assert first["prompt_eval_s"] == 6.0 and first["generation_s"] == 14.0
    assert first["per_sample_tokens"] == [150] * 4
    assert b["prompt_tokens"] == 1900 and b["cached_prompt_tokens"] == 1320


def test_bench_solve_refuses_a_missing_spec(tmp_path):
    r = CliRunner().invoke(app, ["bench", "solve", str(tmp_path / "nope.txt")])
    assert r.exit_code != 0
    assert "does not exist" in r.output and "Traceback" not in r.output
