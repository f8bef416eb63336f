"""reflect_env on the real toolchain: verdicts, categories, exact line numbers, top-module rules."""
from __future__ import annotations

import textwrap

import pytest

from reflect_env import Category, Stage


def src(s: str) -> str:
    return textwrap.dedent(s).lstrip("\n")


ADDER = src("""
    import chisel3._
    import chisel3.util._
    class Adder extends Module {
      val io = IO(new Bundle { val a = Input(UInt(8.W)); val b = Input(UInt(8.W)); val out = Output(UInt(8.W)) })
      io.out := io.a + io.b
    }
""")


def test_good_design_passes_with_verilog(verifier):
    r = verifier.verify(ADDER, "Adder")
    assert r.ok and r.stage == Stage.passed and r.category is None
    assert r.top == "Adder" and r.modules == ["Adder"]
    assert "module Adder(" in r.verilog and "io_a + io_b" in r.verilog
    assert {"compile", "elaborate", "firtool", "total"} <= set(r.timings)


def test_missing_util_import_is_categorized_on_the_candidates_own_line(verifier):
    code = ADDER.replace("import chisel3.util._\n", "").replace("io.a + io.b", "Cat(io.a, io.b)")
    r = verifier.verify(code, "Adder")
    assert not r.ok and r.stage == Stage.compile and r.category == Category.missing_import
    d = r.first_error()
    assert d.message == "not found: value Cat"
    assert d.line == 4 and d.code_line == "  io.out := Cat(io.a, io.b)"
    assert d.code_line[d.column - 1:].startswith("Cat")
    assert not r.compiled


def test_enum_without_util_resolves_to_java_enum_and_counts_as_missing_import(verifier):
    code = src("""
        import chisel3._
        class Fsm extends Module {
          val io = IO(new Bundle { val go = Input(Bool()); val busy = Output(Bool()) })
          val sIdle :: sRun :: Nil = Enum(2)
          val state = RegInit(sIdle)
          io.busy := state === sRun
        }
    """)
    r = verifier.verify(code, "Fsm")
    assert r.category == Category.missing_import
    assert r.first_error().line == 4 and "java.lang.Enum" in r.first_error().message


def test_column_on_line_one_ignores_the_harness_package_prefix(verifier):
    code = "import chisel3._; class One extends Module { val io = IO(new Bundle { val o = Output(UInt(4.W)) }); io.o := Fill(4, 1.U) }\n"
    r = verifier.verify(code, "One")
    d = r.first_error()
    assert d.line == 1 and code[d.column - 1:].startswith("Fill")


def test_syntax_and_type_errors(verifier):
    syntax = src("""
        import chisel3._
        class S extends Module {
          val io = IO(new Bundle { val o = Output(Bool()) }
          io.o := true.B
        }
    """)
    typed = src("""
        import chisel3._
        class T extends Module {
          val io = IO(new Bundle { val a = Input(UInt(4.W)); val o = Output(Bool()) })
          val b: Bool = io.a
          io.o := b
        }
    """)
    rs, rt = verifier.verify_many([dict(code=syntax, top="S"), dict(code=typed, top="T")])
    assert rs.category == Category.syntax and rs.stage == Stage.compile and rs.first_error().line is not None
    assert rt.category == Category.type_mismatch and rt.first_error().line == 4
    assert "UInt" in rt.first_error().message and "Bool" in rt.first_error().message


def test_renamed_module_strict_is_name_mismatch_not_compile_error(verifier):
    r = verifier.verify(ADDER, "Adder8")
    assert not r.ok and r.category == Category.name_mismatch and r.stage == Stage.elaborate
    assert r.compiled and "Adder8" in r.first_error().message and "Adder" in r.first_error().message


def test_renamed_module_lenient_elaborates_the_single_top_and_says_so(verifier):
    r = verifier.verify(ADDER, "Adder8", mode="lenient")
    assert r.ok and r.top == "Adder" and r.requested_top == "Adder8"
    assert any("Adder8" in n for n in r.notes)


HIER = src("""
    import chisel3._
    class Half extends Module {
      val io = IO(new Bundle { val a = Input(Bool()); val b = Input(Bool()); val s = Output(Bool()) })
      io.s := io.a ^ io.b
    }
    class Pair(val n: Int = 2) extends Module {
      val io = IO(new Bundle { val a = Input(UInt(n.W)); val s = Output(UInt(n.W)) })
      val hs = Seq.fill(n)(Module(new Half))
      hs.zipWithIndex.foreach { case (h, i) => h.io.a := io.a(i); h.io.b := true.B }
      io.s := VecInit(hs.map(_.io.s)).asUInt
    }
""")


def test_top_is_the_module_nobody_instantiates(verifier):
    # Pair is defined last here, but Half first would also have to lose: only Pair is a root.
    reordered = HIER.split("class Pair")[0]
    pair = "class Pair" + HIER.split("class Pair")[1]
    r1 = verifier.verify(HIER, None)
    r2 = verifier.verify("import chisel3._\n" + pair + reordered.replace("import chisel3._\n", ""), "Wrong", mode="lenient")
    assert r1.ok and r1.top == "Pair" and set(r1.modules) == {"Half", "Pair"}
    assert r2.ok and r2.top == "Pair"
    assert "module Half(" in r1.verilog and "module Pair(" in r1.verilog


def test_parameters_without_defaults_are_reported_as_such(verifier):
    code = HIER.replace("(val n: Int = 2)", "(val n: Int)")
    r = verifier.verify(code, "Pair")
    assert r.category == Category.no_default_constructor and r.compiled


def test_no_module_at_all(verifier):
    r = verifier.verify("import chisel3._\nobject Util { def twice(x: Int) = 2 * x }\n", "Foo")
    assert r.category == Category.no_top_module and r.stage == Stage.elaborate


def test_firtool_not_fully_initialized_and_comb_cycle(verifier):
    uninit = src("""
        import chisel3._
        class Uninit extends Module {
          val io = IO(new Bundle { val a = Input(UInt(4.W)); val o = Output(UInt(4.W)) })
          val w = Wire(UInt(4.W))
          io.o := w
        }
    """)
    cycle = src("""
        import chisel3._
        class Cyc extends Module {
          val io = IO(new Bundle { val a = Input(UInt(4.W)); val o = Output(UInt(4.W)) })
          val w = Wire(UInt(4.W))
          val v = Wire(UInt(4.W))
          w := v + io.a
          v := w
          io.o := v
        }
    """)
    ru, rc = verifier.verify_many([dict(code=uninit, top="Uninit"), dict(code=cycle, top="Cyc")])
    assert ru.stage == Stage.emit and ru.category == Category.not_fully_initialized
    assert ru.first_error().line == 4 and "Wire" in ru.first_error().code_line
    assert rc.stage == Stage.emit and rc.category == Category.comb_cycle


def test_widths_firtool_cannot_infer_are_uninferred_width(verifier):
    # firtool's own words (1.155 and 1.62): a top port without a width, a reg nothing constrains,
    # a wire driven only by DontCare, a register whose feedback grows it.
    def module(name, body, out="UInt(8.W)"):
        return src(f"""
            import chisel3._
            class {name} extends Module {{
              val io = IO(new Bundle {{ val in = Input(UInt(1.W)); val out = Output({out}) }})
              {body}
            }}
        """)
    cases = {
        "PortW": module("PortW", "val r = RegNext(io.in)\n  io.out := r", out="UInt()"),
        "RegW": module("RegW", "val r = Reg(UInt())\n  r := r\n  io.out := r"),
        "WireW": module("WireW", "val w = Wire(UInt())\n  w := DontCare\n  io.out := w"),
        "GrowW": module("GrowW", "val r = Reg(UInt())\n  r := (r << 1) | io.in\n  io.out := r"),
    }
    results = verifier.verify_many([dict(code=c, top=t) for t, c in cases.items()])
    for top, r in zip(cases, results):
        assert (top, r.stage, r.category) == (top, Stage.emit, Category.uninferred_width), r.error_log()
    # firtool gives the top-port case no location; the diagnostic points at the width-less port.
    assert "Output(UInt())" in results[0].first_error().code_line and results[0].first_error().line == 3


def test_chisel_elaboration_error_points_at_the_line(verifier):
    code = src("""
        import chisel3._
        class E extends Module {
          val io = IO(new Bundle { val a = Input(UInt(4.W)); val o = Output(UInt(4.W)) })
          val x = io.a + 1.U
          io.o := io.a(7, 0)
        }
    """)
    r = verifier.verify(code, "E")
    assert r.stage == Stage.elaborate and r.category == Category.elaboration
    d = r.first_error()
    assert d.line == 5 and "out of range" in d.message
    assert all(x.message not in ("^", "io.o := io.a(7, 0)") for x in r.diagnostics)


def test_each_candidate_gets_a_fresh_compiler(verifier):
    """A helper defined by an earlier candidate must not leak into a later one."""
    defines = ADDER + "object Helper { def width = 8 }\n"
    uses = ADDER.replace("UInt(8.W)); val out", "UInt(Helper.width.W)); val out")
    assert verifier.verify(defines, "Adder").ok
    r = verifier.verify(uses, "Adder")
    assert r.category == Category.not_found and "Helper" in r.first_error().message


def test_same_class_name_in_concurrent_candidates(verifier):
    variants = [ADDER.replace("io.a + io.b", op) for op in ("io.a + io.b", "io.a - io.b", "io.a & io.b", "io.a | io.b")]
    rs = verifier.verify_many([dict(code=c, top="Adder") for c in variants])
    assert all(r.ok for r in rs)
    for r, op in zip(rs, ["+", "-", "&", "|"]):
        assert f"io_a {op} io_b" in r.verilog


def test_bad_mode_is_rejected(verifier):
    with pytest.raises(ValueError):
        verifier.verify(ADDER, "Adder", mode="loose")


def test_empty_candidate(verifier):
    r = verifier.verify("   \n", "Adder")
    assert not r.ok and r.stage == Stage.compile and "empty" in r.first_error().message


COUNTER = src("""
    import chisel3._
    class Counter4 extends Module {
      val io = IO(new Bundle { val en = Input(Bool()); val count = Output(UInt(4.W)) })
      val c = RegInit(0.U(4.W))
      when(io.en) { c := c + 1.U }
      io.count := c
    }
""")


def test_differential_simulation_passes_a_correct_design_and_catches_a_mutant(verifier):
    # The candidate is written differently from the reference but behaves the same.
    same = COUNTER.replace("when(io.en) { c := c + 1.U }", "c := Mux(io.en, c + 1.U, c)")
    mutant = COUNTER.replace("c + 1.U", "c - 1.U")
    ok, bad = verifier.verify_many([dict(code=same, top="Counter4", reference=COUNTER),
                                    dict(code=mutant, top="Counter4", reference=COUNTER)])
    assert ok.ok and ok.stage == Stage.passed, ok.diagnostics
    assert not bad.ok and bad.stage == Stage.simulate and bad.category == Category.sim_mismatch
    first = bad.mismatches[0]
    assert first.signal == "io_count" and first.cycle is not None and first.expected != first.got
    assert bad.sim_log


def test_reference_that_does_not_build_is_a_sim_error_not_a_candidate_failure(verifier):
    r = verifier.verify(COUNTER, "Counter4", reference=COUNTER.replace("RegInit", "RegInitt"))
    assert r.category == Category.sim_error and "reference" in r.first_error().message


def test_cycles_per_call_override_the_simulation_length(verifier):
    """A mutant that only diverges once the counter reaches 12 survives 5 cycles and is caught in the
    default run; the per-call length leaves the env's default alone."""
    late = COUNTER.replace("c := c + 1.U", "c := Mux(c === 12.U, 0.U, c + 1.U)")
    short, default, short_again = verifier.verify_many([
        dict(code=late, top="Counter4", reference=COUNTER, cycles=5),
        dict(code=late, top="Counter4", reference=COUNTER),
        dict(code=late, top="Counter4", reference=COUNTER, cycles=5),
    ])
    assert short.ok and short_again.ok, short.sim_log
    assert not default.ok and default.category == Category.sim_mismatch
    assert verifier.sim_cycles is None
    for bad in (0, -3, 2.5, True):
        with pytest.raises(ValueError):
            verifier.verify(COUNTER, "Counter4", reference=COUNTER, cycles=bad)


def test_workers_warm_up_in_idle_time_without_disturbing_candidates(verifier):  # verifier: toolchain is set up
    """A worker is ready before its warm-up rounds and runs them while no request waits, but never in
    the gap between a candidate's compile and elaborate requests: every candidate gets its own classes
    elaborated (an early version ran a round there and elaborated the warm-up design's loader)."""
    from reflect_env import ReflectEnv
    from reflect_env.pool import PoolOptions

    designs = {f"Add{w}": ADDER.replace("class Adder", f"class Add{w}").replace("8.W", f"{w}.W") for w in range(3, 11)}
    with ReflectEnv(workers=1, pool_options=PoolOptions(warmup_rounds=40, warmup_seconds=300)) as env:
        results = {top: env.verify(code, top=top) for top, code in designs.items()}
        worker = env.pool.lease(timeout=60)
        rounds = worker.warmup_rounds
        env.pool.release(worker)
    assert {top: (r.ok, r.top) for top, r in results.items()} == {top: (True, top) for top in designs}
    assert all(f"module {top}(" in r.verilog for top, r in results.items())
    assert rounds >= 1  # warm-up did run, interleaved with the candidates


def test_bench_verify_reports_both_passes_and_the_cold_path(verifier):  # verifier: toolchain is set up
    from reflect_env.bench import run_bench

    corpus = [{"id": "a", "code": ADDER, "top": "Adder"},
              {"id": "b", "code": ADDER.replace("class Adder", "class Adder2"), "top": "Adder2"}]
    report = run_bench(corpus, profile="chisel7", workers=1, cold_samples=1, progress=False)
    assert (report["n"], report["passed"], report["passed_first_pass"], report["failed_ids"]) == (2, 2, 2, [])
    assert report["cold_n"] == 1 and report["cold_passed"] == 1 and report["cold_median_s"] > 0 and report["warm_median_s"] > 0
    assert report["total_s"] >= report["pool_start_s"] and report["first_pass_median_s"] > 0
    assert report["ratio"] == pytest.approx(report["cold_median_s"] / report["warm_median_s"], rel=0.01)
