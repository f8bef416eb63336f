"""The spec's word on state ("purely combinational", "on each rising clock edge") against the elaborated design."""
from __future__ import annotations

from pathlib import Path

import pytest

from agent.oracle_free.state import state_claim, state_verdict
from reflect_env.result import Category

DATA = Path(__file__).parent / "data" / "pymodel"
SPEC = (Path(__file__).parents[1] / "examples" / "adder8.txt").read_text()


@pytest.mark.parametrize("spec, kind", [
    (SPEC, "combinational"),
    ("A 4-bit mux. Purely combinational.", "combinational"),
    ("The output has no registers.", "combinational"),
    ("On each rising clock edge the counter increments.", "sequential"),
    ("An 8-bit register with a synchronous reset.", "sequential"),
    ("A registered output q.", "sequential"),
    ("An adder.", None),
    ("Purely combinational next-state logic; the state updates on each rising clock edge.", None),  # both: no claim
])
def test_claims(spec, kind):
    claim = state_claim(spec)
    assert (claim.kind if claim else None) == kind


def test_a_registered_design_fails_a_combinational_spec(env):
    comb = env.verify((DATA / "Adder8.scala").read_text(), "Adder8")
    reg = env.verify((DATA / "Adder8Registered.scala").read_text(), "Adder8")
    assert comb.ok and reg.ok
    claim = state_claim(SPEC)
    assert state_verdict(comb, claim) is comb
    failed = state_verdict(reg, claim)
    assert not failed.ok and failed.category == Category.interface_mismatch and reg.ok  # the original is untouched
    assert "sumReg" in failed.diagnostics[-1].message and "purely combinational" in failed.diagnostics[-1].message
    # and the other way round: a sequential spec refuses a design without state
    seq = state_claim("On each rising clock edge, sum takes a + b.")
    assert not state_verdict(comb, seq).ok and state_verdict(reg, seq).ok


@pytest.mark.slow
def test_every_benchmark_reference_meets_its_spec_s_word_on_state(env, seed_data):
    """No false contradiction: each reference whose spec claims (no) state passes the check."""
    from agent.eval.benchmarks import load_benchmark

    items = []
    for bench in ("own", seed_data / "eval_set_v2.jsonl", "verilogeval_mini"):
        for t in load_benchmark(bench).tasks:
            claim, ref = state_claim(t.spec), t.reference or t.meta.get("reference_code")
            if claim and ref and "endmodule" not in ref:
                items.append((t.id, t.top, ref, claim))
    assert len(items) >= 60
    results = env.verify_many([dict(code=code, top=top) for _, top, code, _ in items])
    wrong = {tid: state_verdict(r, claim).error_log() for (tid, _, _, claim), r in zip(items, results)
             if r.ok and not state_verdict(r, claim).ok}
    assert all(r.ok for r in results) and wrong == {}
