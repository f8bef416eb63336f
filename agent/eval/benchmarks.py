"""Benchmarks behind one interface: `load_benchmark(path_or_name) -> Benchmark(name, tasks)`.

Three layouts are recognised from what is on disk:
  * the seed's eval-set JSONL (id, level, category, instruction, input, reference_code, test_config),
  * a VerilogEval v2 spec-to-rtl directory (ProbNNN_<name>_prompt.txt / _ref.sv / _test.sv),
  * our own benchmark directory of YAML problems (id, level, category, top, spec, reference, mutants, sim).
A bare name (`own`, `verilogeval_mini`) resolves to experiments/benchmarks/<name>.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from agent.resources import CHECKOUT, data_path
from agent.task import Task
from agent.errors import ChiselAgentError

BENCHMARKS_DIR = data_path("experiments/benchmarks")
VERILOGEVAL_PROMPT = re.compile(r"^(Prob\d+_\w+?)_prompt\.txt$")


class BenchmarkError(ChiselAgentError, ValueError):
    """A benchmark that cannot be loaded; the message is one line naming the file (and line)."""


@dataclass
class Benchmark:
    name: str
    tasks: list[Task]
    path: Path
    format: str  # "seed-jsonl" | "verilogeval" | "own-yaml"


def select_ids(bench: Benchmark, spec: str) -> Benchmark:
    """Only the problems `spec` names, in the benchmark's order: ids separated by commas, or
    `@FILE` with one id per line (`#` comments allowed), e.g. a subset committed next to its results."""
    if spec.startswith("@"):
        file = Path(spec[1:])
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as e:
            raise BenchmarkError(f"cannot read the id list {file}: {e.strerror or e}") from None
        wanted = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    else:
        wanted = [part.strip() for part in spec.split(",")]
    wanted = [w for w in wanted if w]
    if not wanted:
        raise BenchmarkError(f"--ids {spec!r} names no problem")
    known = {t.id for t in bench.tasks}
    unknown = [w for w in wanted if w not in known]
    if unknown:
        raise BenchmarkError(f"{bench.name} has no problem {', '.join(unknown[:5])}"
                             + (f" (and {len(unknown) - 5} more)" if len(unknown) > 5 else ""))
    keep = set(wanted)
    return Benchmark(bench.name, [t for t in bench.tasks if t.id in keep], bench.path, bench.format)


def seed_data_dir() -> Path:
    return Path(os.environ.get("CHISEL_AGENT_SEED_DATA", CHECKOUT.parent / "shared" / "seed-data"))


def resolve_benchmark_path(path_or_name: str | Path) -> Path:
    # Configs name the read-only seed data as ${CHISEL_AGENT_SEED_DATA}/...; default to ../shared/seed-data.
    text = str(path_or_name).replace("${CHISEL_AGENT_SEED_DATA}", str(seed_data_dir()))
    p = Path(os.path.expandvars(text)).expanduser()
    if p.exists():
        return p
    named = BENCHMARKS_DIR / str(path_or_name)
    if named.exists():
        return named
    known = sorted(d.name for d in BENCHMARKS_DIR.iterdir() if d.is_dir()) if BENCHMARKS_DIR.is_dir() else []
    hint = f" (known names: {', '.join(known)})" if known else ""
    raise BenchmarkError(f"benchmark not found: {path_or_name}{hint}")


def load_benchmark(path_or_name: str | Path) -> Benchmark:
    path = resolve_benchmark_path(path_or_name)
    if path.is_file():
        if path.suffix == ".jsonl":
            return Benchmark(path.stem, load_seed_jsonl(path), path, "seed-jsonl")
        raise BenchmarkError(f"unknown benchmark format: {path} (expected a .jsonl eval set or a directory)")
    if any(VERILOGEVAL_PROMPT.match(f.name) for f in path.iterdir()):
        return Benchmark(path.name, load_verilogeval_dir(path), path, "verilogeval")
    if _yaml_files(path):
        return Benchmark(path.name, load_own_dir(path), path, "own-yaml")
    raise BenchmarkError(
        f"unknown benchmark format in {path}: no ProbNNN_*_prompt.txt (VerilogEval) and no *.yaml problems")


def _dedupe(tasks: list[Task], where: Path) -> list[Task]:
    seen: set[str] = set()
    for t in tasks:
        if t.id in seen:
            raise BenchmarkError(f"{where}: duplicate problem id {t.id!r}")
        seen.add(t.id)
    if not tasks:
        raise BenchmarkError(f"{where}: benchmark has no problems")
    return tasks


# --- (a) the seed's eval-set JSONL ---------------------------------------------------------------

def load_seed_jsonl(path: Path) -> list[Task]:
    tasks = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise BenchmarkError(f"{path}:{lineno}: not valid JSON ({e.msg})") from None
        if not isinstance(row, dict):
            raise BenchmarkError(f"{path}:{lineno}: expected a JSON object per line")
        missing = [k for k in ("id", "instruction") if not row.get(k)]
        if missing:
            raise BenchmarkError(f"{path}:{lineno}: missing field(s) {', '.join(missing)}")
        tasks.append(_seed_row_to_task(row))
    return _dedupe(tasks, path)


def _seed_row_to_task(row: dict) -> Task:
    cfg = row.get("test_config") or {}
    spec = row["instruction"].strip()
    if (row.get("input") or "").strip():
        spec += "\n\n" + row["input"].strip()
    reference = row.get("reference_code") or None
    simulate = bool(cfg.get("require_simulate")) and reference is not None
    return Task(
        id=str(row["id"]), spec=spec, top=cfg.get("module_name") or None,
        level=row.get("level"), category=row.get("category"),
        # Without require_simulate the reference is only kept for information: the check stays compile+elaborate.
        reference=reference if simulate else None, require_simulate=simulate,
        meta={"reference_code": reference, "test_config": cfg, "source": "seed-jsonl"},
    )


# --- (b) VerilogEval v2 spec-to-rtl ---------------------------------------------------------------

# What the harness accepts (reflect_env.sim.adapter): a Chisel `Module` whose `io` ports carry the
# specification's names; the harness connects `io_x` to `x`, the implicit clock to `clk` and the implicit
# reset to the specification's reset (inverted for an active-low one). Measured with the 1.5B model: asked
# for a RawModule with explicit clk/reset, it put them in an io bundle and failed to compile in 9 of 15
# problems (issue 21). The worked example is our own problem, not one of VerilogEval's; it sits between
# EXAMPLE_START/EXAMPLE_END so the interface reader never takes its ports for the problem's.
EXAMPLE_START, EXAMPLE_END = "--- worked example (a different problem) ---", "--- end of worked example ---"
VERILOGEVAL_INSTRUCTIONS = f"""\
Implement this design in Chisel as `class TopModule extends Module` with its ports in
`val io = IO(new Bundle {{ ... }})`, each port with exactly the name the specification gives (one-bit
ports as `Bool()`, an N-bit port as `UInt(N.W)`). Do not declare the clock or the reset: the
specification's clock (`clk`) is the Module's implicit clock, and its reset (`reset`, `areset`,
`resetn`, ...) is the Module's implicit reset, which the test harness connects for you (an active-low
`resetn` is inverted). Give registers their reset value with `RegInit`. If the specification says the
reset is asynchronous, write `class TopModule extends Module with RequireAsyncReset`. A design without
a clock is still a `Module`: its clock and reset are simply unused.

{EXAMPLE_START}
Specification:
 - input  clk
 - input  resetn
 - input  in (4 bits)
 - output odd
The output odd is 1 when the 4-bit values seen on in since the last reset hold an odd number of 1 bits
in total; it changes on the rising edge of clk. resetn is an active-low synchronous reset that sets odd
to 0.

Answer:
```scala
import chisel3._
import chisel3.util._

class TopModule extends Module {{
  val io = IO(new Bundle {{
    val in  = Input(UInt(4.W))
    val odd = Output(Bool())
  }})
  val odd = RegInit(false.B) // resetn is the implicit reset: the harness inverts it
  odd := odd ^ io.in.xorR
  io.odd := odd
}}
```
{EXAMPLE_END}
"""


def load_verilogeval_dir(path: Path) -> list[Task]:
    tasks = []
    for prompt in sorted(path.iterdir()):
        m = VERILOGEVAL_PROMPT.match(prompt.name)
        if not m:
            continue
        stem = m.group(1)
        ref, test = path / f"{stem}_ref.sv", path / f"{stem}_test.sv"
        for needed in (ref, test):
            if not needed.exists():
                raise BenchmarkError(f"{path}: {prompt.name} has no matching {needed.name}")
        spec_text = prompt.read_text(encoding="utf-8").strip()
        tasks.append(Task(
            id=stem, spec=f"{VERILOGEVAL_INSTRUCTIONS}\nSpecification:\n\n{spec_text}",
            top="TopModule", level="verilogeval", category=stem.split("_", 1)[1],
            reference=ref.read_text(encoding="utf-8"), testbench=test, require_simulate=True,
            meta={"source": "verilogeval", "prompt": spec_text},
        ))
    return _dedupe(tasks, path)


# --- (c) our own YAML problems ----------------------------------------------------------------------

def _yaml_files(path: Path) -> list[Path]:
    """Problems may be grouped in sub-directories (by level); order is by relative path."""
    return sorted([*path.rglob("*.yaml"), *path.rglob("*.yml")], key=lambda f: f.relative_to(path).as_posix())


def load_own_dir(path: Path) -> list[Task]:
    return _dedupe([load_own_problem(f) for f in _yaml_files(path)], path)


def load_own_problem(file: Path) -> Task:
    try:
        doc = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{file}:{mark.line + 1}" if mark else str(file)
        raise BenchmarkError(f"{where}: not valid YAML ({getattr(e, 'problem', e)})") from None
    if not isinstance(doc, dict):
        raise BenchmarkError(f"{file}: expected a mapping with id, top, spec, reference")
    missing = [k for k in ("id", "top", "spec") if not doc.get(k)]
    if missing:
        raise BenchmarkError(f"{file}: missing field(s) {', '.join(missing)}")
    mutants = doc.get("mutants") or []
    if not isinstance(mutants, list) or not all(isinstance(m, str) for m in mutants):
        raise BenchmarkError(f"{file}: mutants must be a list of Chisel sources")
    sim = doc.get("sim") or {}
    cycles = sim.get("cycles") if isinstance(sim, dict) else None
    if cycles is not None and (isinstance(cycles, bool) or not isinstance(cycles, int) or cycles < 1):
        raise BenchmarkError(f"{file}: sim.cycles must be a positive integer, not {cycles!r}")
    reference = doc.get("reference") or None
    return Task(
        id=str(doc["id"]), spec=str(doc["spec"]).strip(), top=str(doc["top"]),
        level=doc.get("level"), category=doc.get("category"),
        reference=reference, require_simulate=reference is not None,
        meta={"source": "own-yaml", "file": str(file), "mutants": mutants,
              "sim_cycles": cycles},
    )
