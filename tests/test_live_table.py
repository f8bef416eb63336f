"""Issue 20's live table (agent.oracle_free.live_table): the rules read from recorded runs, on made-up
records whose right answers are known."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.oracle_free import live_table
from agent.oracle_free.model_accuracy import recorded_models

RIGHT, WRONG = "class A // right", "class A // wrong"


def chain(i: int, code: str | None, right: bool | None, round_: int | None = 0) -> dict:
    attempts = [{"round": 0, "ok": code is not None, "code": code or "broken"}]
    return {"sample_index": i, "first_pass_round": round_ if code else None, "functional_ok": right if code else None,
            "attempts": attempts}


def write_run(tmp: Path, name: str, problems: list[tuple[str, list[dict], str | None, list[dict]]]) -> Path:
    run = tmp / name
    (run / "traces").mkdir(parents=True)
    with (run / "results.jsonl").open("w") as f:
        for pid, chains, final, events in problems:
            rec = {"id": pid, "chains": chains, "final_code": final, "functional": any(c["functional_ok"] for c in chains),
                   "llm_calls": 2, "prompt_tokens": 100, "completion_tokens": 50, "verify_s": 1.0, "wall_s": 10.0}
            f.write(json.dumps(rec) + "\n")
            (run / "traces" / f"{pid}.jsonl").write_text("".join(json.dumps(e) + "\n" for e in events))
    return run


def generate_events(texts: list[str], *, vote: int | None = None, cached: bool = False) -> list[dict]:
    events = [{"kind": "prompt", "chain": None, "round": 0, "template": "pymodel"},
              {"kind": "response", "chain": None, "round": 0, "texts": ["m"], "latency_s": 3.0, "cached": cached},
              {"kind": "prompt", "chain": None, "round": 0, "template": "generate"},
              {"kind": "response", "chain": None, "round": 0, "texts": texts, "latency_s": 5.0, "cached": cached}]
    if vote is not None:
        events.append({"kind": "vote", "chosen_chain": vote, "sim_s": 0.5})
    return events


@pytest.fixture
def runs(tmp_path: Path) -> tuple[Path, Path, Path]:
    # p1: the first sample is wrong, the vote picks the right one, the models too
    # p2: the vote picks the wrong one, the models the right one; the record's `functional` (any chain) is True
    # p3: nothing right at round 0; the model-guided repair fixes it at depth 2, the oracle repair too
    p1 = [chain(0, WRONG, False), chain(1, RIGHT, True), chain(2, RIGHT, True), chain(3, None, None)]
    p2 = [chain(0, RIGHT, True), chain(1, WRONG, False), chain(2, None, None), chain(3, WRONG, False)]
    p3 = [chain(0, WRONG, False), chain(1, None, None), chain(2, None, None), chain(3, None, None)]
    d0 = write_run(tmp_path, "d0", [("p1", p1, RIGHT, generate_events(["s1"], vote=1)),
                                    ("p2", p2, RIGHT, generate_events(["s2"], vote=1)),
                                    ("p3", p3, WRONG, generate_events(["s3"]))])
    p3_repaired = [chain(0, WRONG, False), chain(1, RIGHT, True, round_=2), chain(2, None, None), chain(3, None, None)]
    d2 = write_run(tmp_path, "d2", [("p1", p1, RIGHT, generate_events(["s1"], vote=1, cached=True)),
                                    ("p2", p2, WRONG, generate_events(["s2"], vote=1, cached=True)),
                                    ("p3", p3_repaired, RIGHT, generate_events(["s3"], cached=True))])
    oracle = write_run(tmp_path, "oracle", [("p1", p1, RIGHT, generate_events(["s1"], cached=True)),
                                            ("p2", p2, RIGHT, generate_events(["s2"], cached=True)),
                                            ("p3", p3_repaired, RIGHT, generate_events(["other"], cached=True))])
    return d0, d2, oracle


def test_rules_score_the_reported_candidate_not_any_chain(runs):
    d0, d2, oracle = runs
    result = live_table.table(live_table.load_run(d0), live_table.load_run(d2), live_table.load_run(oracle))
    rules = {name.split(")")[0] + ")" if name.startswith("(") else name.split(":")[0]: r["pass"]
             for name, r in result["rules"].items()}
    assert rules == {"(a)": 1, "(d)": 1, "(f)": 2, "ceiling": 2, "(g)": 2, "(h)": 3}
    per = {p["id"]: p for p in result["per_problem"]}
    assert per["p1"]["a"] is False and per["p1"]["d"] is True  # the first sample is wrong, the vote right
    assert per["p2"]["d"] is False and per["p2"]["f"] is True  # the vote wrong, the models right
    assert per["p2"]["g"] is False  # the d2 run reported the wrong one, although one chain is right
    # p3's oracle run drew other round-0 samples: not paired
    assert result["paired"] == 2 and result["unpaired"] == ["p3"]


def test_cost_counts_llm_seconds_only_for_replies_not_from_the_cache(runs):
    d0, d2, _ = runs
    result = live_table.table(live_table.load_run(d0), live_table.load_run(d2))
    assert result["cost_per_problem"]["d0"]["llm_s"] == 8.0
    assert result["cost_per_problem"]["d2"]["llm_s"] == 0.0
    assert result["cost_per_problem"]["d0"]["sim_s"] == pytest.approx((1.5 + 1.5 + 1.0) / 3, abs=0.1)
    assert "| (h)" not in live_table.markdown(result)


def test_cli_errors_are_one_line(tmp_path: Path, capsys):
    assert live_table.main(["--d0", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1


def test_cli_writes_markdown(runs, tmp_path: Path, capsys):
    d0, _, _ = runs
    md = tmp_path / "table.md"
    assert live_table.main(["--d0", str(d0), "--md", str(md)]) == 0
    assert "| (f) Python models, depth 0 | 0.67 (2/3) |" in md.read_text()


def test_model_accuracy_reads_the_models_a_run_drew(tmp_path: Path):
    run = tmp_path / "run"
    (run / "traces").mkdir(parents=True)
    (run / "traces" / "p.jsonl").write_text(json.dumps({"kind": "pymodels", "models": ["class Model: ..."],
                                                         "dropped": ["answer 1: syntax error"]}) + "\n")
    row = recorded_models(run, "p")
    assert row is not None and row["drawn"] == 2 and row["parsed"] == 1 and row["llm_calls"] == 0
    assert row["_models"] == ["class Model: ..."]
    assert recorded_models(run, "absent") is None


def test_after_round0_says_which_kind_of_attempt_turned_a_chain_right(tmp_path):
    # q1: round 0 right already; q2: a compile error repaired, then right; q3: wrong behaviour repaired to
    # wrong behaviour, then an escape (a fresh sample) right; q4: ports unlike the reference's, repaired to
    # a compile error.
    def att(r, stage, category=None, ok=False, escaped=False):
        return {"round": r, "ok": ok, "stage": stage, "category": category, "escaped": escaped, "code": f"c{r}"}

    def chained(i, attempts, right):
        passes = [a["round"] for a in attempts if a["ok"]]
        return {"sample_index": i, "first_pass_round": passes[0] if passes else None,
                "functional_ok": right if passes else None, "attempts": attempts}

    d0 = write_run(tmp_path, "d0", [
        ("q1", [chain(0, RIGHT, True)], RIGHT, generate_events(["s1"])),
        ("q2", [chain(0, None, None)], None, generate_events(["s2"])),
        ("q3", [chain(0, None, None)], None, generate_events(["s3"])),
        ("q4", [chain(0, None, None)], None, generate_events(["s4"]))])
    oracle = write_run(tmp_path, "oracle", [
        ("q1", [chain(0, RIGHT, True)], RIGHT, generate_events(["s1"])),
        ("q2", [chained(0, [att(0, "compile", "not_found"), att(1, "passed", ok=True)], True)], "c1",
         generate_events(["s2"])),
        ("q3", [chained(0, [att(0, "simulate", "sim_mismatch"), att(1, "simulate", "sim_mismatch"),
                            att(2, "passed", ok=True, escaped=True)], True)], "c2", generate_events(["s3"])),
        ("q4", [chained(0, [att(0, "simulate", "sim_error"), att(1, "compile", "syntax")], None)], None,
         generate_events(["s4"]))])
    b = live_table.table(live_table.load_run(d0), oracle=live_table.load_run(oracle))["after_round0"]["oracle"]
    assert b["attempts"] == {"repair": 3, "escape": 1}
    assert b["outcomes"] == {"passed": 2, "simulated wrong": 1, "did not compile": 1}
    # the one repair of wrong behaviour simulated wrong again; the sim_error (ports) is not behaviour
    assert b["repairs_of_wrong_behaviour"] == {"simulated wrong": 1}
    assert [(t["id"], t["by"], t["from"], t["new_problem"]) for t in b["turned_right"]] == [
        ("q2", "repair", "did not compile", True), ("q3", "escape", "simulated wrong", True)]
    assert b["new_problems"] == ["q2", "q3"]
    md = live_table.markdown(live_table.table(live_table.load_run(d0), oracle=live_table.load_run(oracle)))
    assert "q3#0 by escape from simulated wrong" in md and "new problems: q2, q3." in md
