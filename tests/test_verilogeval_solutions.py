"""Our own Chisel solutions of VerilogEval v2 problems, written as a Chisel `Module` with an `io` bundle
(tests/data/verilogeval_module_solutions/<problem>.scala), pass the problem's real testbench and reference
through the harness's port adapter, and each one-bug mutant (<problem>.mutant.scala) fails with
`sim_mismatch`. Under strict port names (ports="strict") the same Module designs fail, and the few written
as a `RawModule` with the testbench's names (<problem>.strict.scala) pass both ways, with no adapter.

Needs the chisel7 toolchain and the dataset (CHISEL_AGENT_VERILOGEVAL, default
../ext/verilog-eval/dataset_spec-to-rtl); skips without either. Simulator: Icarus 12 when
scripts/build-iverilog12.sh built it, else the PATH's iverilog."""
from __future__ import annotations

from pathlib import Path

import pytest

SOLUTIONS = Path(__file__).parent / "data" / "verilogeval_module_solutions"
PROBLEMS = sorted(f.name.removesuffix(".scala") for f in SOLUTIONS.glob("Prob*.scala") if f.name.count(".") == 1)
STRICT = sorted(f.name.removesuffix(".strict.scala") for f in SOLUTIONS.glob("Prob*.strict.scala"))


def _item(ve: Path, stem: str, kind: str, ports: str) -> dict:
    return dict(code=(SOLUTIONS / f"{stem}{kind}.scala").read_text(), top="TopModule", ports=ports,
                testbench=ve / f"{stem}_test.sv", reference=(ve / f"{stem}_ref.sv").read_text())


def _detail(r) -> str:
    first = r.first_error()
    return f"{r.stage.value}/{r.category} {first.message[:300] if first else ''} {r.port_map}"


def test_the_solution_set_covers_what_the_adapter_must_handle():
    assert len(PROBLEMS) >= 12 and all((SOLUTIONS / f"{p}.mutant.scala").exists() for p in PROBLEMS)
    code = {p: (SOLUTIONS / f"{p}.scala").read_text() for p in PROBLEMS}
    assert all("extends Module" in c and "val io = IO(new Bundle" in c for c in code.values())
    async_reset = [p for p, c in code.items() if "RequireAsyncReset" in c]
    assert "Prob047_dff8ar" in async_reset and "Prob129_ece241_2013_q8" in async_reset  # areset, aresetn
    assert {"Prob073_dff16e", "Prob041_dff8r"} <= set(PROBLEMS)  # resetn (sync, active-low); reset (sync)
    assert len(STRICT) >= 3 and all("extends RawModule" in (SOLUTIONS / f"{s}.strict.scala").read_text()
                                    for s in STRICT)


@pytest.mark.slow
def test_module_solutions_pass_through_the_adapter_and_mutants_fail(env, verilogeval):
    items, names = [], []
    for stem in PROBLEMS:
        for kind in ("", ".mutant"):
            items.append(_item(verilogeval, stem, kind, "adapt"))
            names.append(f"{stem}{kind}")
        items.append(_item(verilogeval, stem, "", "strict"))
        names.append(f"{stem} (strict names)")
    bad = []
    for name, r in zip(names, env.verify_many(items)):
        if name.endswith(".mutant"):
            if r.ok or r.category != "sim_mismatch":
                bad.append(f"{name} should fail sim_mismatch: {_detail(r)}")
        elif name.endswith("(strict names)"):
            # A Module's clock/reset/io_* are not the testbench's names: strict mode refuses them as today.
            if r.ok or r.category != "sim_error" or "TopModule lacks port(s)" not in _detail(r):
                bad.append(f"{name} should fail on its port names: {_detail(r)}")
        elif not r.ok or r.ports_exact is not False or not r.port_map:
            bad.append(f"{name} should pass through the adapter: {_detail(r)}")
        elif "clk" in r.port_map.values() and r.port_map.get("clock") != "clk":
            bad.append(f"{name}: the implicit clock is not the testbench's clk: {r.port_map}")
    assert not bad, "\n".join(bad)


@pytest.mark.slow
def test_reset_kinds_are_mapped_by_the_testbench_names(env, verilogeval):
    maps = {stem: env.verify(**_item(verilogeval, stem, "", "adapt")).port_map
            for stem in ("Prob009_popcount3", "Prob041_dff8r", "Prob047_dff8ar", "Prob073_dff16e",
                         "Prob129_ece241_2013_q8")}
    assert maps["Prob009_popcount3"] == {"io_in": "in", "io_out": "out", "clock": "1'b0", "reset": "1'b0"}
    assert maps["Prob041_dff8r"]["reset"] == "reset"
    assert maps["Prob047_dff8ar"]["reset"] == "areset"
    assert maps["Prob073_dff16e"]["reset"] == "~resetn"
    assert maps["Prob129_ece241_2013_q8"]["reset"] == "~aresetn"


@pytest.mark.slow
def test_strict_form_solutions_pass_both_ways(env, verilogeval):
    items = [_item(verilogeval, stem, ".strict", ports) for stem in STRICT for ports in ("strict", "adapt")]
    results = env.verify_many(items)
    bad = [f"{it['testbench'].name} ports={it['ports']}: {_detail(r)}" for it, r in zip(items, results)
           if not r.ok or (it["ports"] == "adapt" and r.ports_exact is not True)]
    assert not bad, "\n".join(bad)


@pytest.mark.slow
def test_eval_scores_adapted_and_strict_port_names(env, verilogeval, tmp_path):
    """`agent eval` on VerilogEval (replay, references hidden from the search): the functional score goes
    through the adapter, and the strict-names view is recorded and reported next to it."""
    import json
    import shutil
    from contextlib import nullcontext

    from agent.eval.benchmarks import load_benchmark
    from agent.eval.runner import RunOptions, run_benchmark

    bench_dir = tmp_path / "ve"
    bench_dir.mkdir()
    chosen = {"Prob009_popcount3": ".strict", "Prob041_dff8r": "", "Prob073_dff16e": ".mutant"}
    for stem in chosen:
        for part in ("prompt.txt", "ref.sv", "test.sv"):
            shutil.copy(verilogeval / f"{stem}_{part}", bench_dir / f"{stem}_{part}")
    replay = tmp_path / "replay.json"
    replay.write_text(json.dumps({"results": [
        {"id": stem, "extracted_code": (SOLUTIONS / f"{stem}{kind}.scala").read_text()}
        for stem, kind in chosen.items()]}))
    opts = RunOptions(out=tmp_path / "run", replay=replay, fix=False)
    outcome = run_benchmark(load_benchmark(bench_dir), opts, env_factory=lambda: nullcontext(env))
    got = {r.id: (r.functional, r.functional_strict) for r in outcome.records}
    assert got == {"Prob009_popcount3": (True, True), "Prob041_dff8r": (True, False),
                   "Prob073_dff16e": (False, False)}
    assert outcome.summary["functional_pass"]["passed"] == 2
    assert outcome.summary["functional_strict_ports"]["passed"] == 1
    report = (tmp_path / "run" / "report.md").read_text()
    assert "| functional, strict port names (no adapter: `TopModule` with the testbench's names) | 1/3 |" in report


@pytest.mark.slow
def test_the_prompts_worked_example_passes_through_the_adapter(env):
    """The worked example the VerilogEval instructions show the model (our own problem, Prob906 in
    tests/data/sim/verilogeval with a testbench in VerilogEval's layout) is right: it passes through the
    adapter, with its active-low resetn inverted onto the implicit reset."""
    import re

    from agent.eval.benchmarks import VERILOGEVAL_INSTRUCTIONS

    code = re.search(r"```scala\n(.*?)```", VERILOGEVAL_INSTRUCTIONS, re.S).group(1)
    ve = Path(__file__).parent / "data" / "sim" / "verilogeval"
    r = env.verify(code, "TopModule", testbench=ve / "Prob906_parity_resetn_test.sv",
                   reference=(ve / "Prob906_parity_resetn_ref.sv").read_text())
    assert r.ok, r.error_log()
    assert r.port_map == {"clock": "clk", "reset": "~resetn", "io_in": "in", "io_odd": "odd"}
    bug = env.verify(code.replace("odd ^ io.in.xorR", "odd ^ io.in(0)"), "TopModule",
                     testbench=ve / "Prob906_parity_resetn_test.sv",
                     reference=(ve / "Prob906_parity_resetn_ref.sv").read_text())
    assert bug.category == "sim_mismatch"


@pytest.mark.slow
def test_a_vec_port_passes_through_the_adapter(env, verilogeval):
    """The 1.5B's other habit: a Vec for a vector port. Prob009 with `in` as Vec(3, Bool())."""
    code = (SOLUTIONS / "Prob009_popcount3.scala").read_text().replace("Input(UInt(3.W))", "Input(Vec(3, Bool()))")
    item = _item(verilogeval, "Prob009_popcount3", "", "adapt") | {"code": code}
    r = env.verify(**item)
    assert r.ok, _detail(r)
    assert r.port_map["io_in_0"] == "in[0]" and r.port_map["io_in_2"] == "in[2]" and r.strict_ok is False
    bug = env.verify(**(item | {"code": code.replace("PopCount(io.in)", "PopCount(io.in.take(2))")}))
    assert bug.category == "sim_mismatch"


@pytest.mark.slow
def test_an_unmappable_design_gets_the_interface_repair_prompt(env, verilogeval):
    """A port named otherwise than the spec (`io.data` for `d`) fails `interface_mismatch` in one line, and
    the search's interface repair prompt (oracle_free.repair_prompt) quotes it to the model."""
    from agent import oracle_free
    from agent.prompting import PromptBuilder

    item = _item(verilogeval, "Prob041_dff8r", "", "adapt")
    code = item["code"].replace("io.d", "io.data").replace("val d =", "val data =")
    r = env.verify(**(item | {"code": code}))
    assert r.category == "interface_mismatch" and r.strict_ok is False
    message = r.first_error().message
    assert message.startswith("interface: the design has no port for the testbench's input [7:0] d")
    prompt = oracle_free.repair_prompt(PromptBuilder("chisel7"), "spec", "TopModule", code, r)
    assert "the design has no port for the testbench's input [7:0] d" in prompt.messages[-1]["content"]
