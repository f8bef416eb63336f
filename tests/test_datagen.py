"""The synthetic data engine: templates, naming check, dedup keys, curriculum mix, the verification
loop's determinism and resume, and (toolchain present) samples that really compile."""
from __future__ import annotations

import asyncio
import json
import os
import random
import re
from pathlib import Path

import pytest

from baselines.datagen import params
from baselines.datagen.catalog import LEVELS, all_templates, catalog
from baselines.datagen.engine import Engine, VerifierBroken, reflect_verifier
from baselines.datagen.generator import candidate
from baselines.datagen.mix import CURRICULUM, parse_levels, quotas, target_mix
from baselines.datagen.naming import check_naming, defined_classes, stated_module_names
from baselines.datagen.normalize import code_key, declared_names, name_key, structure_key
from baselines.datagen.stats import summarize
from baselines.datagen.store import read_jsonl, sidecar

SEED_DATA = Path(os.environ.get("CHISEL_AGENT_SEED_DATA", Path(__file__).resolve().parents[2] / "shared" / "seed-data"))


# ------------------------------------------------------------------------------------------ templates
@pytest.mark.parametrize("template", all_templates(), ids=lambda t: t.name)
def test_every_phrasing_states_the_class_the_code_defines(template):
    rng = random.Random(template.name)
    for _ in range(40):
        values = params.SAMPLERS[template.name](rng)
        code = template.code.render(**values)
        assert code.count("{") == code.count("}"), code
        assert code.lstrip().startswith("import chisel3._")
        assert defined_classes(code) == [values["module"]]
        assert values["module"] not in params.RESERVED_NAMES
        assert not set(declared_names(code)) & params.SCALA_KEYWORDS, code
        for phrasing in template.phrasings:
            instruction = phrasing.render(**values)
            assert check_naming(instruction, code, values["module"]) is None, instruction


def test_catalog_covers_the_curriculum_and_the_util_supplement():
    assert set(catalog()) == set(LEVELS)
    assert all(len(catalog()[lv]) >= 5 for lv in LEVELS)
    text = (Path(__file__).resolve().parents[1] / "baselines/datagen/templates/util.yaml").read_text()
    for api in ("Enum(", "switch(", "PopCount(", "Reverse(", "Fill(", "Log2(", "PriorityEncoder(", "OHToUInt(",
                "UIntToOH(", "MuxCase(", "MuxLookup(", "Mux1H(", "Cat("):
        assert api in text, api


def test_stream_is_deterministic_and_seed_dependent():
    a = [candidate(7, "L2", j) for j in range(20)]
    b = [candidate(7, "L2", j) for j in range(20)]
    c = [candidate(8, "L2", j) for j in range(20)]
    assert a == b
    assert [x.code for x in a] != [x.code for x in c]
    assert {x.level for x in a} == {"L2"}
    assert len({x.template for x in a}) > 3


def test_large_constants_use_scala_literals_that_compile():
    assert params.scala_int(5) == "5"
    assert params.scala_int(2**31) == "2147483648L"
    assert params.scala_int(2**64 - 1) == 'BigInt("18446744073709551615")'


def test_sequence_detector_transitions_detect_overlapping_matches():
    rng = random.Random(3)
    for _ in range(50):
        pattern = "".join(rng.choice("01") for _ in range(rng.randint(2, 5)))
        table = {s: (z, o) for s, z, o in params.kmp_transitions(pattern)}
        bits = "".join(rng.choice("01") for _ in range(200))
        state = 0
        for t, bit in enumerate(bits):
            state = table[state][int(bit)]
            # Moore output in the cycle after bit t: high iff bits[..t] ends with the pattern
            assert (state == len(pattern)) == bits[: t + 1].endswith(pattern), (pattern, bits[: t + 1])


# ------------------------------------------------------------------------------------------ naming
def test_naming_check_rejects_unstated_and_renamed_modules():
    code = "import chisel3._\nclass Adder8 extends Module {}\n"
    assert check_naming("Create a module named `Adder8` that adds.", code) is None
    assert "no module name" in check_naming("Create an adder.", code)
    assert "no class of that name" in check_naming("Create a module named `Adder`.", code)
    assert stated_module_names("Name this module `X1`; the port is named `out`.") == ["X1"]
    # a class mentioned only in a comment does not count
    assert "no class" in check_naming("Write a module `Foo`.", "// class Foo extends Module\nclass Bar extends Module {}")


@pytest.mark.skipif(not (SEED_DATA / "chisel_util_supplement_20251202_130105.jsonl").exists(), reason="seed data absent")
def test_naming_check_rejects_every_seed_supplement_sample():
    rows = read_jsonl(SEED_DATA / "chisel_util_supplement_20251202_130105.jsonl")
    assert len(rows) == 550
    reasons = [check_naming(r["instruction"], r["output"]) for r in rows]
    assert all(reasons), "the seed's suffixed class names are never stated, so every sample must be rejected"
    assert all(re.search(r"_\d+$", defined_classes(r["output"])[0]) for r in rows)


# ------------------------------------------------------------------------------------------ dedup
def test_dedup_keys():
    a = "import chisel3._\nclass A extends Module {\n  val io = IO(new Bundle { val x = Input(UInt(8.W)); val y = Output(UInt(8.W)) })\n  io.y := io.x\n}\n"
    renamed = ("import chisel3._\nclass B extends Module {\n  val io = IO(new Bundle { val inp = Input(UInt(8.W)); "
               "val out = Output(UInt(8.W)) })\n  io.out := io.inp\n}\n")
    reformatted = "// header\n" + a.replace("  ", "    ").replace("\n", "\n\n")
    wider = a.replace("8.W", "16.W")
    assert code_key(a) == code_key(reformatted)
    assert code_key(a) != code_key(renamed)
    assert name_key(a) == name_key(renamed)
    assert name_key(a) != name_key(wider)
    assert structure_key(a) == structure_key(wider)
    assert structure_key(a) != structure_key(a.replace("io.y := io.x", "io.y := ~io.x"))


# ------------------------------------------------------------------------------------------ mix
def test_quotas_follow_the_curriculum():
    for levels in (["L1", "L2", "L3", "L4"], list(LEVELS)):
        for n in (1, 7, 200, 10550):
            q = quotas(n, levels)
            assert sum(q.values()) == n
            if n >= 200:
                for lv, share in (("L1", 0.60), ("L2", 0.30), ("L3", 0.10)):
                    assert abs(q[lv] / n - share) <= 0.05, (lv, q)
                assert all(abs(q[lv] / n - target_mix(levels)[lv]) < 0.01 for lv in levels)
    assert quotas(200, ["L1", "L2", "L3", "L4"]) == {"L1": 116, "L2": 58, "L3": 20, "L4": 6}
    assert set(CURRICULUM) == set(LEVELS)


def test_parse_levels():
    assert parse_levels(None) == ["L1", "L2", "L3", "L4"]
    assert parse_levels("util, l1") == ["L1", "util"]
    with pytest.raises(ValueError, match="unknown level 'L9'"):
        parse_levels("L1,L9")


# ------------------------------------------------------------------------------------------ engine
class RuleVerifier:
    """A stand-in for the JVM pool in the scheduling tests: rejects a fixed, content-determined
    subset of candidates and finishes them in a scrambled order, so the tests can check that the
    written set does not depend on timing. (Real verification is tested below.)"""

    def __init__(self, crash_after: int | None = None):
        self.calls = 0
        self.crash_after = crash_after

    async def __call__(self, code: str, top: str):
        self.calls += 1
        if self.crash_after is not None and self.calls > self.crash_after:
            raise RuntimeError("worker exited")
        digest = int(name_key(code), 16)
        await asyncio.sleep((digest % 7) / 1000)
        ok = digest % 4 != 0
        return _Result(ok)


class _Result:
    def __init__(self, ok: bool):
        self.ok = ok
        self.stage = "passed" if ok else "compile"
        self.category = None if ok else "type_mismatch"
        self.timings = {"total": 0.001}
        self.worker = "rule"
        self.diagnostics = []


def _run(out: Path, n: int, levels=("L1", "L2", "L3", "L4"), seed=0, verifier=None, concurrency=4):
    engine = Engine(out, n, list(levels), seed, verifier or RuleVerifier(), concurrency)
    return asyncio.run(engine.run())


def _written(out: Path) -> set[str]:
    return {json.dumps(r, sort_keys=True) for r in read_jsonl(out)}


def test_engine_writes_exact_quotas_logs_failures_and_is_deterministic(tmp_path):
    report = _run(tmp_path / "a.jsonl", 60, concurrency=6)
    _run(tmp_path / "b.jsonl", 60, concurrency=2)
    assert report.new_samples == 60 and report.failures > 0
    samples = read_jsonl(tmp_path / "a.jsonl")
    meta = read_jsonl(sidecar(tmp_path / "a.jsonl", ".meta.jsonl"))
    failures = read_jsonl(sidecar(tmp_path / "a.jsonl", ".failures.jsonl"))
    assert len(samples) == len(meta) == 60
    assert set(samples[0]) == {"instruction", "input", "output"}
    assert {lv: sum(m["level"] == lv for m in meta) for lv in quotas(60, ["L1", "L2", "L3", "L4"])} == quotas(60, ["L1", "L2", "L3", "L4"])
    assert len({name_key(s["output"]) for s in samples}) == 60  # deduplicated
    failed_codes = {f["code"] for f in failures if "code" in f}
    assert not failed_codes & {s["output"] for s in samples}
    assert all(int(name_key(s["output"]), 16) % 4 != 0 for s in samples)
    assert _written(tmp_path / "a.jsonl") == _written(tmp_path / "b.jsonl")  # concurrency does not matter
    for s in samples:
        assert check_naming(s["instruction"], s["output"]) is None
    stats = summarize(tmp_path / "a.jsonl", ["L1", "L2", "L3", "L4"])
    assert stats["samples"] == 60 and stats["max_share_deviation_points"] < 5
    assert stats["failures"]["count"] == len(failures)


def test_resume_after_a_crash_gives_the_same_dataset(tmp_path):
    full = tmp_path / "full.jsonl"
    _run(full, 50)
    part = tmp_path / "part.jsonl"
    with pytest.raises(VerifierBroken, match="in a row"):
        _run(part, 50, verifier=RuleVerifier(crash_after=20), concurrency=3)
    assert 0 < len(read_jsonl(part)) < 50
    # simulate a torn write: a sample line whose meta line never made it
    with part.open("a") as fh:
        fh.write(json.dumps({"instruction": "x", "input": "", "output": "y"}) + "\n")
    report = _run(part, 50)
    assert len(read_jsonl(part)) == len(read_jsonl(sidecar(part, ".meta.jsonl"))) == 50
    assert report.accepted == quotas(50, ["L1", "L2", "L3", "L4"])
    assert _written(part) == _written(full)
    # growing a finished dataset continues the same streams
    _run(part, 80)
    _run(tmp_path / "direct80.jsonl", 80)
    assert _written(part) == _written(tmp_path / "direct80.jsonl")


def test_resume_refuses_a_different_seed(tmp_path):
    out = tmp_path / "a.jsonl"
    _run(out, 10)
    with pytest.raises(ValueError, match="seed"):
        _run(out, 20, seed=1)


def test_recheck_passes_engine_output_and_rejects_the_seed_supplement(tmp_path):
    from baselines.datagen.recheck import recheck

    out = tmp_path / "a.jsonl"
    _run(out, 20)
    report = asyncio.run(recheck(read_jsonl(out), RuleVerifier(), 4))
    assert (report.rows, report.passed) == (20, 20)
    tampered = read_jsonl(out)
    tampered[0]["instruction"] = "Write an adder."
    tampered[1]["output"] = tampered[1]["output"].replace("class ", "class X", 1)
    report = asyncio.run(recheck(tampered, RuleVerifier(), 4))
    assert (report.passed, report.naming_failed) == (18, 2)
    supplement = SEED_DATA / "chisel_util_supplement_20251202_130105.jsonl"
    if supplement.exists():
        never = RuleVerifier(crash_after=0)  # raises if called: naming fails first for every seed row
        report = asyncio.run(recheck(read_jsonl(supplement), never, 4))
        assert (report.passed, report.naming_failed, never.calls) == (0, 550, 0)


# ------------------------------------------------------------------------------------------ CLI
def test_cli_rejects_bad_input(tmp_path):
    from typer.testing import CliRunner

    from agent.cli import app

    runner = CliRunner()
    r = runner.invoke(app, ["datagen", "0", "--out", str(tmp_path / "x.jsonl")])
    assert r.exit_code != 0 and "N must be positive" in r.output
    r = runner.invoke(app, ["datagen", "5", "--levels", "L1,L7", "--out", str(tmp_path / "x.jsonl")])
    assert r.exit_code != 0 and "unknown level" in r.output
    (tmp_path / "y.jsonl").write_text("")
    r = runner.invoke(app, ["datagen", "5", "--out", str(tmp_path / "y.jsonl")])
    assert r.exit_code != 0 and "--resume" in r.output


# ------------------------------------------------------------------------------------------ real toolchain
def _toolchain_ready() -> bool:
    try:
        from reflect_env import toolchain
        toolchain(None).require()
        return True
    except Exception:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not _toolchain_ready(), reason="toolchain not set up (agent setup)")
def test_generated_samples_compile_for_real_and_reverify(tmp_path):
    from reflect_env import ReflectEnv

    out = tmp_path / "real.jsonl"
    with ReflectEnv(workers=2) as env:
        report = asyncio.run(Engine(out, 6, ["L1", "L3", "L4", "util"], 11, reflect_verifier(env), 4).run())
        assert report.new_samples == 6
        samples = read_jsonl(out)
        meta = read_jsonl(sidecar(out, ".meta.jsonl"))
        again = env.verify_many([dict(code=s["output"], top=m["top"], mode="strict") for s, m in zip(samples, meta)])
        assert all(r.ok for r in again), [r.diagnostics for r in again if not r.ok]
        # a broken sample is caught: the same code with the instruction's class renamed fails strict mode
        broken = samples[0]["output"].replace(f"class {meta[0]['top']}", f"class {meta[0]['top']}_0")
        r = env.verify(broken, top=meta[0]["top"], mode="strict")
        assert not r.ok


@pytest.mark.slow
@pytest.mark.skipif(not _toolchain_ready(), reason="toolchain not set up (agent setup)")
def test_every_template_compiles_and_elaborates(tmp_path):
    """One random instance of each of the templates through the real verifier (strict mode)."""
    from reflect_env import ReflectEnv

    rng = random.Random(2024)
    items, names = [], []
    for template in all_templates():
        instruction, code, values = template.render(rng)
        items.append(dict(code=code, top=values["module"], mode="strict"))
        names.append(template.name)
    with ReflectEnv(workers=2) as env:
        results = env.verify_many(items)
    failed = {n: (r.category, r.first_error().message if r.first_error() else None)
              for n, r in zip(names, results) if not r.ok}
    assert not failed, failed
