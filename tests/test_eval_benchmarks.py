"""Benchmark loaders: the three layouts, name resolution, and one-line errors for bad input."""
import json
import os
from pathlib import Path

import pytest

from agent.eval.benchmarks import BenchmarkError, load_benchmark

SEED = Path(os.environ.get("CHISEL_AGENT_SEED_DATA", Path(__file__).resolve().parents[2] / "shared" / "seed-data"))


def seed_row(i, **over):
    row = {"id": f"L1-Basic_{i:03d}", "level": "L1-Basic", "category": "adder",
           "instruction": f"Build `Adder{i}`.", "input": "", "reference_code": f"class Adder{i} extends Module {{}}",
           "test_config": {"require_compile": True, "require_elaborate": True, "require_simulate": False,
                           "module_name": f"Adder{i}"}}
    row.update(over)
    return json.dumps(row)


def test_seed_jsonl(tmp_path):
    f = tmp_path / "set.jsonl"
    sim_cfg = {"require_simulate": True, "module_name": "Adder2"}
    f.write_text("\n".join([seed_row(1), "", seed_row(2, input="Ports: a, b.", test_config=sim_cfg)]) + "\n")
    b = load_benchmark(f)
    assert (b.name, b.format, len(b.tasks)) == ("set", "seed-jsonl", 2)
    t1, t2 = b.tasks
    assert t1.top == "Adder1" and t1.reference is None and not t1.require_simulate
    assert t1.meta["reference_code"].startswith("class Adder1")
    # spec = instruction + input; simulation requested and a reference exists -> differential check
    assert t2.spec == "Build `Adder2`.\n\nPorts: a, b."
    assert t2.require_simulate and t2.reference.startswith("class Adder2")


def test_seed_jsonl_bad_line_names_line_number(tmp_path):
    f = tmp_path / "set.jsonl"
    f.write_text(seed_row(1) + "\n{not json\n")
    with pytest.raises(BenchmarkError, match=r"set\.jsonl:2: not valid JSON"):
        load_benchmark(f)
    f.write_text(seed_row(1) + "\n" + json.dumps({"id": "x"}) + "\n")
    with pytest.raises(BenchmarkError, match=r":2: missing field\(s\) instruction"):
        load_benchmark(f)
    f.write_text(seed_row(1) + "\n" + seed_row(1) + "\n")
    with pytest.raises(BenchmarkError, match="duplicate problem id"):
        load_benchmark(f)


def test_verilogeval_dir(tmp_path):
    d = tmp_path / "ve"
    d.mkdir()
    (d / "Prob001_zero_prompt.txt").write_text("I would like you to implement a module named TopModule\n - output zero\n")
    (d / "Prob001_zero_ref.sv").write_text("module RefModule(output zero); assign zero = 1'b0; endmodule\n")
    (d / "Prob001_zero_test.sv").write_text("module tb(); endmodule\n")
    b = load_benchmark(d)
    assert b.format == "verilogeval" and [t.id for t in b.tasks] == ["Prob001_zero"]
    t = b.tasks[0]
    assert t.top == "TopModule" and t.testbench == d / "Prob001_zero_test.sv"
    assert "module RefModule" in t.reference and t.require_simulate
    assert "class TopModule extends Module" in t.spec and "val io = IO(new Bundle" in t.spec and "- output zero" in t.spec
    # The worked example's ports are not the problem's: the interface reader skips it.
    from agent.oracle_free.interface import parse_interface
    assert [p.name for p in parse_interface(t.spec).ports] == ["zero"]
    (d / "Prob002_one_prompt.txt").write_text("x")
    with pytest.raises(BenchmarkError, match="Prob002_one_prompt.txt has no matching Prob002_one_ref.sv"):
        load_benchmark(d)


def test_own_yaml_dir(tmp_path):
    d = tmp_path / "own"
    d.mkdir()
    (d / "adder.yaml").write_text(
        "id: own_adder\nlevel: L2\ncategory: arith\ntop: Adder\nspec: Add a and b.\n"
        "reference: |\n  class Adder extends Module {}\nmutants:\n  - class Adder extends Module { }\nsim: {cycles: 50}\n")
    b = load_benchmark(d)
    t = b.tasks[0]
    assert b.format == "own-yaml" and t.id == "own_adder" and t.top == "Adder" and t.require_simulate
    assert t.meta["sim_cycles"] == 50 and len(t.meta["mutants"]) == 1
    (d / "broken.yaml").write_text("id: x\ntop: [unclosed\n")
    with pytest.raises(BenchmarkError, match=r"broken\.yaml:\d+: not valid YAML"):
        load_benchmark(d)
    (d / "broken.yaml").write_text("id: x\nspec: y\n")
    with pytest.raises(BenchmarkError, match=r"broken\.yaml: missing field\(s\) top"):
        load_benchmark(d)
    (d / "broken.yaml").write_text("id: x\ntop: X\nspec: y\nsim: {cycles: 0}\n")
    with pytest.raises(BenchmarkError, match=r"broken\.yaml: sim\.cycles must be a positive integer, not 0"):
        load_benchmark(d)


def test_eval_check_passes_the_problems_cycles():
    """The eval harness verifies an own-benchmark task for its declared `sim.cycles`, others with the
    verifier's default (None)."""
    import asyncio

    from agent.eval.verification import check
    from agent.task import Task
    from reflect_env.result import Stage, VerifyResult

    calls = []

    class RecordingEnv:
        async def averify(self, code, **kw):
            calls.append(kw)
            return VerifyResult(ok=True, stage=Stage.passed, top="Adder")

    own = Task(id="a", spec="s", top="Adder", reference="ref", meta={"sim_cycles": 50})
    plain = Task(id="b", spec="s", top="Adder")
    asyncio.run(check(RecordingEnv(), own, "code"))
    asyncio.run(check(RecordingEnv(), plain, "code"))
    assert [c["cycles"] for c in calls] == [50, None] and calls[0]["reference"] == "ref"


def test_unknown_format_and_missing(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(BenchmarkError, match="unknown benchmark format"):
        load_benchmark(tmp_path / "notes.txt")
    with pytest.raises(BenchmarkError, match="unknown benchmark format in"):
        load_benchmark(tmp_path)
    with pytest.raises(BenchmarkError, match="benchmark not found: no_such_bench"):
        load_benchmark("no_such_bench")


def test_named_benchmarks_resolve():
    repo = Path(__file__).resolve().parents[1] / "experiments" / "benchmarks"
    for name in ("own", "verilogeval_mini"):
        if not (repo / name).is_dir() or not any((repo / name).iterdir()):
            continue
        b = load_benchmark(name)
        assert b.path == repo / name and b.tasks


@pytest.mark.seed
def test_seed_eval_set_v2():
    path = SEED / "eval_set_v2.jsonl"
    if not path.exists():
        pytest.skip("seed data not present")
    b = load_benchmark(path)
    levels = {}
    for t in b.tasks:
        levels[t.level] = levels.get(t.level, 0) + 1
    assert len(b.tasks) == 37
    assert levels == {"L1-Basic": 12, "L2-Combinational": 14, "L3-Sequential": 9, "L4-Advanced": 2}
    assert all(t.top and not t.require_simulate for t in b.tasks)


def test_ids_select_problems_in_benchmark_order_and_refuse_unknown_ones(tmp_path):
    from agent.eval.benchmarks import BenchmarkError, load_benchmark, select_ids

    bench = load_benchmark("own")
    first, second, third = (t.id for t in bench.tasks[:3])
    assert [t.id for t in select_ids(bench, f"{third}, {first}").tasks] == [first, third]
    listing = tmp_path / "ids.txt"
    listing.write_text(f"# a subset\n{second}  # why\n\n{first}\n")
    assert [t.id for t in select_ids(bench, f"@{listing}").tasks] == [first, second]
    with pytest.raises(BenchmarkError, match="has no problem nosuch"):
        select_ids(bench, f"{first},nosuch")
    with pytest.raises(BenchmarkError, match="cannot read the id list"):
        select_ids(bench, f"@{tmp_path / 'missing.txt'}")


def test_the_committed_own_subset_names_real_problems():
    from agent.eval.benchmarks import load_benchmark, select_ids

    listing = Path(__file__).resolve().parents[1] / "experiments" / "benchmarks" / "own_every3rd.txt"
    subset = select_ids(load_benchmark("own"), f"@{listing}")
    assert len(subset.tasks) == 23 and len({t.level for t in subset.tasks}) >= 4
