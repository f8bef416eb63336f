"""--replay through the real CLI and the real verifier: recorded outputs re-verified, zero LLM calls."""
import json

import pytest

from tests.helpers import json_out, require_seed, require_verifier, run_agent, seed_eval_set, seed_results_file

PASSTHROUGH = "import chisel3._\n\nclass {name} extends Module {{\n  val io = IO(new Bundle {{\n" \
              "    val in  = Input(UInt(4.W))\n    val out = Output(UInt(4.W))\n  }})\n  io.out := io.in\n}}\n"


def test_renamed_module_is_a_name_mismatch_not_a_compile_failure(tmp_path):
    """The seed scored a design under another class name as a compile failure. Ours: strict fails it
    as name_mismatch, lenient accepts it, and the rename fixer repairs it."""
    require_verifier()
    bench = seed_eval_set(tmp_path / "set.jsonl", [("p1", "L1", "Wanted"), ("p2", "L1", "Right")])
    recorded = seed_results_file(tmp_path / "rec.json", [("p1", PASSTHROUGH.format(name="Other")),
                                                          ("p2", PASSTHROUGH.format(name="Right"))])
    proc = run_agent("eval", bench, "--replay", recorded, "--no-fix", "--json", "--out", tmp_path / "nofix")
    assert proc.returncode == 0, proc.stderr[-2000:]
    s = json_out(proc)
    assert (s["total"], s["passed"], s["lenient"]["passed"], s["llm_calls"]) == (2, 1, 2, 0)
    assert s["by_failure"] == {"name_mismatch": 1}
    assert s["compiled"]["passed"] == 2 and s["compile_pass"]["passed"] == 1  # scalac took it; strict name did not
    rows = [json.loads(line) for line in (tmp_path / "nofix" / "results.jsonl").read_text().splitlines()]
    p1 = next(r for r in rows if r["id"] == "p1")
    assert p1["stage"] != "compile" and p1["passed_lenient"] and not p1["passed"]

    lenient = run_agent("eval", bench, "--replay", recorded, "--no-fix", "--lenient", "--json",
                        "--out", tmp_path / "lenient")
    assert json_out(lenient)["passed"] == 2

    fixed = run_agent("eval", bench, "--replay", recorded, "--json", "--out", tmp_path / "fixed")
    s = json_out(fixed)
    assert (s["passed"], s["llm_calls"]) == (2, 0)
    rows = [json.loads(line) for line in (tmp_path / "fixed" / "results.jsonl").read_text().splitlines()]
    assert any("rename" in f for r in rows for ch in r["chains"] for a in ch["attempts"] for f in a["fixes"])


@pytest.mark.seed
@pytest.mark.slow
def test_seed_baseline_replay_without_fixers_is_34_of_37(tmp_path):
    """The done-when: the seed's recorded run compiles 34/37 without fixers (2 x Cat, 1 x Enum missing
    their import), with zero LLM calls; against the rows' reference_code 32/37 match in simulation
    (036 loses the carry, 034 reports a false edge after reset)."""
    seed = require_seed()
    require_verifier()
    bench, recorded = seed / "eval_set_v2.jsonl", seed / "baseline_results.json"
    proc = run_agent("eval", bench, "--replay", recorded, "--strict", "--no-fix", "--json", "--out", tmp_path / "a")
    assert proc.returncode == 0, proc.stderr[-2000:]
    s = json_out(proc)
    assert (s["total"], s["compile_pass"]["passed"], s["llm_calls"]) == (37, 34, 0)
    assert (s["headline_metric"], s["passed"], s["functional_pass"]["total"]) == ("functional", 32, 37)
    assert s["by_failure"] == {"missing_import": 3, "sim_mismatch": 2} and s["oracle_feedback"] is False
    logs = [json.loads(line) for line in (tmp_path / "a" / "results.jsonl").read_text().splitlines()]
    failing = {r["id"]: r["error_log"] or "" for r in logs if not r["passed"]}
    assert set(failing) == {"L3-Sequential_030", "L3-Sequential_031", "L3-Sequential_035"}
    assert {r["id"] for r in logs if r["passed"] and not r["functional"]} == {"L3-Sequential_034", "L4-Advanced_036"}
    assert sum("value Cat" in e for e in failing.values()) == 2 and "Enum" in failing["L3-Sequential_035"]
    results = json.loads((tmp_path / "a" / "results.json").read_text())
    assert results["statistics"]["compile_pass"]["passed"] == 34 and len(results["results"]) == 37
    assert results["results"][0]["verify_result"]["success"] is True
    assert "missing_import" in (tmp_path / "a" / "report.md").read_text()


@pytest.mark.seed
@pytest.mark.slow
def test_seed_baseline_replay_with_fixers_is_37_of_37(tmp_path):
    """With fixers all 37 pass: the imports fixer adds the two Cat imports and the Enum import, and
    the enum_pattern fixer binds 035's `val OFF :: ON :: Nil = Enum(2)` (a pattern match in Scala)."""
    seed = require_seed()
    require_verifier()
    bench, recorded = seed / "eval_set_v2.jsonl", seed / "baseline_results.json"
    proc = run_agent("eval", bench, "--replay", recorded, "--strict", "--json", "--out", tmp_path / "b")
    assert proc.returncode == 0, proc.stderr[-2000:]
    s = json_out(proc)
    assert s["llm_calls"] == 0
    logs = [json.loads(line) for line in (tmp_path / "b" / "results.jsonl").read_text().splitlines()]
    fixed = {r["id"] for r in logs if r["passed"] and any(a["fixes"] for ch in r["chains"] for a in ch["attempts"])}
    assert {"L3-Sequential_030", "L3-Sequential_031", "L3-Sequential_035"} <= fixed
    fsm = next(r for r in logs if r["id"] == "L3-Sequential_035")
    assert any(f.startswith("enum_pattern:") for ch in fsm["chains"] for a in ch["attempts"] for f in a["fixes"])
    assert (s["total"], s["compile_pass"]["passed"]) == (37, 37)
    # The fixed imports make 030, 031, 035 match their references too; 034 and 036 still differ.
    assert (s["functional_pass"]["passed"], s["by_failure"]) == (35, {"sim_mismatch": 2})
