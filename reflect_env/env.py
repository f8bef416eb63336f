"""ReflectEnv: verify Chisel candidates — compile, elaborate, emit SystemVerilog, optionally simulate.

One instance owns a pool of warm JVM workers (or, with cold=True, starts a fresh JVM per candidate).
"""
from __future__ import annotations

import asyncio
import hashlib
import itertools
import os
import re
import shutil
import threading
import time
import weakref
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from reflect_env import diagnostics as dg
from reflect_env import sandbox
from reflect_env.emit import run_firtool
from reflect_env.pool import PoolOptions, Worker, WorkerDied, WorkerPool, WorkerTimeout
from reflect_env.result import INFRA_CATEGORIES, Category, Diagnostic, Stage, VerifyResult
from reflect_env.toolchain import toolchain
from reflect_env.topmodule import ModuleInfo, choose_top, instantiations


@dataclass
class Timeouts:
    compile: float = 60.0
    elaborate: float = 30.0
    firtool: float = 30.0
    simulate: float = 30.0


_job_ids = itertools.count(1)


class ReflectEnv:
    def __init__(self, profile: str | None = None, workers: int | None = None, *, cold: bool = False,
                 timeouts: Timeouts | None = None, pool_options: PoolOptions | None = None,
                 jobs_dir: str | Path | None = None, keep_jobs: bool = False, sim_cycles: int | None = None,
                 sim_seed: int = 0, allow_blackbox: bool = False):
        self.tc = toolchain(profile).require()
        self.profile = self.tc.profile.name
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.cold = cold
        self.timeouts = timeouts or Timeouts()
        self.keep_jobs = keep_jobs
        self.sim_cycles, self.sim_seed = sim_cycles, sim_seed
        self.allow_blackbox = allow_blackbox  # verify()'s default; see _blackboxes
        self.pool_options = pool_options or PoolOptions()
        sandbox.sweep_stale_jobs_roots(jobs_dir)  # left by processes killed before they could clean up
        self.jobs_root, self._owner_fd = sandbox.claim_jobs_root(jobs_dir)
        # Removed on close(), or at interpreter exit for an env nobody closed.
        self._release_jobs = weakref.finalize(self, sandbox.release_jobs_root, self.jobs_root, self._owner_fd,
                                              keep_jobs)
        self._ref_cache: dict[str, VerifyResult] = {}
        self._ref_lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=self.workers * 2, thread_name_prefix="verify")
        self.pool: WorkerPool | None = None
        self.cold_max_rss_kb = 0
        if not cold:
            try:
                self.pool = WorkerPool(self.tc, self.workers, self.jobs_root, self.pool_options)
            except BaseException:
                self.close()
                raise

    # -- lifecycle -------------------------------------------------------------------------------
    def __enter__(self) -> "ReflectEnv":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
        if self.pool:
            self.pool.close()
        if self._release_jobs.detach():
            sandbox.release_jobs_root(self.jobs_root, self._owner_fd, self.keep_jobs)

    @property
    def max_rss_mb(self) -> float:
        kb = self.pool.max_rss_kb if self.pool else self.cold_max_rss_kb
        return kb / 1024

    # -- public API --------------------------------------------------------------------------------
    def verify(self, code: str, top: str | None = None, *, reference: str | Path | None = None,
               testbench: str | Path | None = None, mode: str = "strict", cycles: int | None = None,
               allow_blackbox: bool | None = None, ports: str = "adapt") -> VerifyResult:
        """`cycles` sets this call's differential-simulation length (a problem declares how long its
        bugs take to show); None means the env's `sim_cycles`, else the simulator's default.
        `allow_blackbox` accepts designs with BlackBox/ExtModule (hand-written Verilog); None means the
        env's setting (off: such a design fails with category `blackbox`). `ports` is for a VerilogEval
        testbench: "adapt" connects a Chisel `Module`'s clock/reset/io_* ports to the testbench's names
        (reflect_env.sim.adapter; the mapping is in `port_map`), "strict" wants the testbench's names exactly."""
        if mode not in ("strict", "lenient"):
            raise ValueError(f"mode must be 'strict' or 'lenient', not {mode!r}")
        if cycles is not None and (isinstance(cycles, bool) or not isinstance(cycles, int) or cycles < 1):
            raise ValueError(f"cycles must be a positive int or None, not {cycles!r}")
        t0 = time.perf_counter()
        allow = self.allow_blackbox if allow_blackbox is None else allow_blackbox
        if ports not in ("adapt", "strict"):
            raise ValueError(f"ports must be 'adapt' or 'strict', not {ports!r}")
        result = self._verify(code, top, reference, testbench, mode, cycles, allow, ports)
        result.timings["total"] = round(time.perf_counter() - t0, 4)
        return result

    def submit(self, code: str, top: str | None = None, **kw) -> Future[VerifyResult]:
        """verify() in the background; as many run at once as there are workers."""
        return self._executor.submit(self.verify, code, top, **kw)

    def verify_many(self, items: list[dict]) -> list[VerifyResult]:
        """Verify concurrently; each item holds verify()'s arguments. Order of results = order of items."""
        futures = [self.submit(**item) for item in items]
        return [f.result() for f in futures]

    async def averify(self, code: str, top: str | None = None, **kw) -> VerifyResult:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: self.verify(code, top, **kw))

    # -- pipeline ------------------------------------------------------------------------------------
    def _verify(self, code: str, top: str | None, reference, testbench, mode: str,
                cycles: int | None = None, allow_blackbox: bool = False, ports: str = "adapt") -> VerifyResult:
        res = VerifyResult(ok=False, stage=Stage.compile, requested_top=top)
        if not isinstance(code, str) or not code.strip():
            _fail(res, Stage.compile, Category.syntax, "empty candidate: no code to compile")
            return res
        job = self.jobs_root / f"job-{next(_job_ids)}"
        job.mkdir()
        try:
            self._compile_and_elaborate(code, top, mode, job, res)
            if res.stage != Stage.emit:
                return res
            boxes = [] if allow_blackbox else _blackboxes(job / "design.fir")
            if boxes:
                return _fail(res, Stage.elaborate, Category.blackbox,
                             f"the design contains BlackBox/ExtModule {', '.join(boxes)}: hand-written Verilog, not "
                             "Chisel. Describe that logic in Chisel (Module, Reg, Wire, when, Mux) instead of a "
                             "BlackBox with setInline/HasBlackBoxInline/HasBlackBoxResource")
            self._emit(code, job, res, len(_prefix(job)))
            if res.ok and (reference is not None or testbench is not None):
                self._simulate(job, res, reference, testbench, cycles, ports)
            return res
        finally:
            if not self.keep_jobs:
                shutil.rmtree(job, ignore_errors=True)

    def _compile_and_elaborate(self, code: str, top: str | None, mode: str, job: Path, res: VerifyResult) -> None:
        """Runs on one worker; leaves res.stage at `emit` when a .fir file is ready."""
        lines = code.splitlines()
        prefix = _prefix(job)
        src = job / "Candidate.scala"
        src.write_text(prefix + code)
        t = time.perf_counter()
        worker = self._acquire()
        # Waiting for a free worker is queueing, not verification: kept apart so latency stays honest.
        res.timings["queue"] = round(time.perf_counter() - t, 4)
        broken = False
        try:
            res.worker = "cold" if self.cold else worker.id
            t = time.perf_counter()
            try:
                reply = worker.request({"op": "compile", "dir": str(job), "src": str(src)}, self.timeouts.compile)
            except WorkerTimeout:
                broken = True
                _fail(res, Stage.compile, Category.timeout,
                      f"compilation did not finish within {self.timeouts.compile:.0f} s "
                      "(runaway implicit search or macro expansion?)")
                return
            finally:
                res.timings["compile"] = round(time.perf_counter() - t, 4)
            broken = broken or reply.get("dirty", False)
            if "diagnostics" not in reply:  # the worker itself failed on this candidate
                _fail(res, Stage.compile, dg.classify_elaboration(reply.get("error", "")),
                      reply.get("error", "compiler crashed"))
                return
            res.diagnostics = dg.compile_diagnostics(reply["diagnostics"], lines, len(prefix))
            if not reply["ok"]:
                res.category = next((d.category for d in res.diagnostics if d.severity == "error"),
                                    Category.compile_other)
                return
            modules = [ModuleInfo(m["class"], m["name"], m["constructor"]) for m in reply["modules"]]
            res.modules = [m.name for m in modules]
            refs = instantiations(job / "classes", modules)
            choice = choose_top(modules, top, mode, refs, code)
            res.notes += choice.notes
            if choice.module is None:
                assert choice.category is not None  # choose_top names the reason whenever it finds no module
                _fail(res, Stage.elaborate, choice.category, choice.message)
                return
            res.top = choice.module.name
            res.stage = Stage.elaborate
            t = time.perf_counter()
            try:
                reply = worker.request({"op": "elaborate", "dir": str(job), "class": choice.module.cls,
                                        "out": str(job / "design.fir")}, self.timeouts.elaborate)
            except WorkerTimeout:
                broken = True
                _fail(res, Stage.elaborate, Category.timeout,
                      f"elaboration did not finish within {self.timeouts.elaborate:.0f} s (infinite loop?)")
                return
            finally:
                res.timings["elaborate"] = round(time.perf_counter() - t, 4)
            broken = broken or reply.get("dirty", False)
            if not reply["ok"]:
                error = reply.get("error", "")
                res.diagnostics += dg.elaboration_diagnostics(error, reply.get("output", ""),
                                                              reply.get("frames", []), lines, len(prefix))
                res.category = next(d.category for d in res.diagnostics if d.stage == Stage.elaborate)
                return
            res.stage = Stage.emit
        except WorkerDied as e:
            broken = True
            msg = str(e)
            if "OutOfMemory" in msg or "java.lang.OutOfMemoryError" in msg:
                msg = "the candidate exhausted the worker's memory: " + msg
            _fail(res, res.stage, Category.crash, msg)
        finally:
            self._release(worker, broken)

    def _emit(self, code: str, job: Path, res: VerifyResult, prefix_len: int) -> None:
        t = time.perf_counter()
        out = run_firtool(self.tc, job / "design.fir", job / "design.sv", self.timeouts.firtool)
        res.timings["firtool"] = round(time.perf_counter() - t, 4)
        res.diagnostics += dg.firtool_diagnostics(out.stderr, code.splitlines(), prefix_len) if out.stderr.strip() else []
        if out.timed_out:
            _fail(res, Stage.emit, Category.timeout, out.stderr)
            return
        if not out.ok:
            res.category = next((d.category for d in res.diagnostics if d.stage == Stage.emit
                                 and d.severity == "error"), Category.firtool)
            return
        res.verilog = out.verilog
        res.ok, res.stage = True, Stage.passed

    # -- simulation --------------------------------------------------------------------------------
    def _simulate(self, job: Path, res: VerifyResult, reference, testbench, cycles: int | None = None,
                  ports: str = "adapt") -> None:
        from reflect_env import sim  # imported lazily: pure-compile users never need it
        from reflect_env.sim import pymodel
        from reflect_env.sim.differential import DEFAULT_CYCLES

        assert res.verilog is not None and res.top is not None  # simulation follows a passed emit
        t = time.perf_counter()
        out: sim.SimResult | None = None
        res.ok, res.stage = False, Stage.simulate
        ref_sv, ref_top = (None, None)
        if testbench is None and pymodel.is_python_model(reference):  # a Python model (docs/python_models.md)
            out = self._cosimulate(job, res, reference, cycles)
        elif reference is not None:
            ref_sv, ref_top, err = self._reference_verilog(reference, res.top)
            if err:
                res.timings["simulate"] = round(time.perf_counter() - t, 4)
                _fail(res, Stage.simulate, Category.sim_error, err)
                return
        if out is None and testbench is not None:
            tb = Path(testbench)
            if tb.suffix in (".cpp", ".cc", ".cxx"):
                out = sim.verilator_cpp(res.verilog, res.top, tb, workdir=job / "sim",
                                        timeout=max(self.timeouts.simulate, 120.0))
            else:
                if ref_sv is None:
                    res.timings["simulate"] = round(time.perf_counter() - t, 4)
                    _fail(res, Stage.simulate, Category.sim_error,
                          "a VerilogEval testbench needs its reference (_ref.sv) as `reference`")
                    return
                ref_path = job / "ref.sv"
                ref_path.write_text(ref_sv)
                out = sim.verilogeval(res.verilog, tb, ref_path, workdir=job / "sim", timeout=self.timeouts.simulate,
                                      top=res.top, ports=ports)
                res.port_map, res.ports_exact, res.strict_ok = out.port_map, out.ports_exact, out.strict_ok
                if out.port_map and not out.ports_exact:
                    res.notes.append("ports adapted to the testbench's: "
                                     + ", ".join(f"{d}->{e}" for d, e in out.port_map.items()))
        elif out is None:
            assert ref_sv is not None and ref_top is not None  # without a testbench, a reference is required
            length = cycles or self.sim_cycles or DEFAULT_CYCLES
            out = sim.differential(res.verilog, res.top, ref_sv, ref_top, workdir=job / "sim",
                                   seed=self.sim_seed, timeout=self.timeouts.simulate, cycles=length)
        assert out is not None  # every branch above simulated or returned
        res.timings["simulate"] = round(time.perf_counter() - t, 4)
        res.simulator, res.sim_output = out.simulator or None, out.output or None
        res.mismatches, res.match_rate = list(out.mismatches), out.match_rate
        res.sim_log = "\n".join(out.hints) if out.hints else (out.log or "")[-2000:]
        if out.vcd_path and Path(out.vcd_path).exists():
            # The job dir is removed after the verdict; a waveform lives until the env closes.
            keep = self.jobs_root / "vcd" / f"{job.name}.vcd"
            keep.parent.mkdir(exist_ok=True)
            shutil.move(out.vcd_path, keep)
            res.vcd_path = str(keep)
        if out.ok:
            res.ok, res.stage = True, Stage.passed
            return
        category = Category(out.category) if out.category else Category.sim_mismatch
        message = out.hints[0] if out.hints else (out.log or "simulation failed").strip().splitlines()[-1][:500]
        _fail(res, Stage.simulate, category, message)

    def _cosimulate(self, job: Path, res: VerifyResult, reference, cycles: int | None):
        """The design against a Python reference model (reflect_env.sim.cosim); a model that cannot be read is
        the reference's fault (category reference_error), like one that raises or hangs."""
        from reflect_env.sim import cosim, pymodel
        from reflect_env.sim.result import REFERENCE_ERROR, SimResult

        assert res.verilog is not None and res.top is not None
        try:
            source = pymodel.model_source(reference)
        except OSError as e:
            return SimResult(ok=False, category=REFERENCE_ERROR, hints=[f"the reference model cannot be read: {e}"])
        return cosim.check_against_model(res.verilog, res.top, source, workdir=job / "sim",
                                         cycles=cycles or self.sim_cycles or cosim.DEFAULT_CYCLES,
                                         seed=self.sim_seed, timeout=self.timeouts.simulate)

    def _reference_verilog(self, reference: str | Path,
                           dut_top: str | None) -> tuple[str | None, str | None, str | None]:
        """(sv, top, error). A Chisel reference is elaborated once per distinct source and cached."""
        if isinstance(reference, Path) or ("\n" not in reference and reference.endswith((".sv", ".v", ".scala"))):
            path = Path(reference)
            if not path.exists():
                return None, None, f"reference not found: {path}"
            text = path.read_text()
        else:
            text = reference
        if re.search(r"^\s*module\s+\w+", text, re.M) and "endmodule" in text:
            names = re.findall(r"^\s*module\s+(\w+)", text, re.M)
            top = dut_top if dut_top in names else ("RefModule" if "RefModule" in names else names[-1])
            return text, top, None
        key = hashlib.sha256(f"{dut_top}\0{text}".encode()).hexdigest()
        with self._ref_lock:
            cached = self._ref_cache.get(key)
        if cached is None:
            cached = self.verify(text, dut_top, mode="lenient", allow_blackbox=True)  # a trusted reference
            # A timeout or a dead worker says nothing about the reference: kept, it fails every later
            # candidate of the task as sim_error. A live eval beside a test run scored l3_decade_counter's
            # 4 passing samples sim_error, 2 of which a replay on a quieter machine passed (most likely such
            # a timeout: the message was not recorded then). Built again instead.
            if cached.ok or cached.category not in INFRA_CATEGORIES:
                with self._ref_lock:
                    self._ref_cache[key] = cached
        if not cached.ok:
            first = cached.first_error()
            return None, None, f"the reference itself does not build ({cached.category.value if cached.category else '?'}): " \
                               f"{first.message if first else ''}"
        return cached.verilog, cached.top, None

    # -- workers -----------------------------------------------------------------------------------
    def _acquire(self) -> Worker:
        if self.cold:
            opts = PoolOptions(heap_mb=self.pool_options.heap_mb, warmup_rounds=0)
            w = Worker(self.tc, self.jobs_root, opts)
            w.wait_ready()
            return w
        assert self.pool is not None  # a warm env starts its pool in __init__
        return self.pool.lease()

    def _release(self, w: Worker, broken: bool) -> None:
        if self.cold:
            self.cold_max_rss_kb = max(self.cold_max_rss_kb, w.max_rss_kb)
            w.close()
        else:
            assert self.pool is not None
            self.pool.release(w, broken=broken)


def _prefix(job: Path) -> str:
    """Each candidate compiles into its own package, so class names never meet across jobs. The package
    clause shares line 1 with the candidate, so every line number stays exact."""
    return f"package cand{job.name.replace('-', '')}; "


def _blackboxes(fir: Path) -> list[str]:
    """The external modules a FIRRTL circuit declares: every Chisel BlackBox/ExtModule (inline Verilog or not)
    becomes one, whatever the Scala spelling that made it."""
    try:
        text = fir.read_text()
    except OSError:
        return []
    return list(dict.fromkeys(re.findall(r"^\s*extmodule\s+(\w+)", text, re.M)))


def _fail(res: VerifyResult, stage: Stage, category: Category, message: str) -> VerifyResult:
    res.ok = False
    res.stage = stage
    res.category = category
    res.diagnostics.append(Diagnostic(stage=stage, message=message, category=category))
    return res
