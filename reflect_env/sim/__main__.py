"""Command line for the simulators, on SystemVerilog files (no Chisel toolchain needed):

    python -m reflect_env.sim diff DUT.sv --top Adder --ref REF.sv [--cycles N --seed S --vcd --json]
    python -m reflect_env.sim verilogeval DUT.sv --test ProbNNN_test.sv --ref ProbNNN_ref.sv [--top T] [--strict-ports] [--json]
    python -m reflect_env.sim verilator DUT.sv --top Adder --tb tb.cpp [--json]
    python -m reflect_env.sim cosim DUT.sv [DUT2.sv ...] --top Adder --model m.py [--model m2.py] [--cycles N --seed S --json]

Exit status: 0 pass, 1 the design failed, 2 bad input.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import sys
import tempfile
from pathlib import Path

from reflect_env.sim.differential import DEFAULT_CYCLES, differential
from reflect_env.sim.result import SimResult
from reflect_env.sim.verilator_tb import verilator_cpp
from reflect_env.sim.verilogeval import verilogeval


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m reflect_env.sim", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="protocol", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("dut", type=Path, help="the design under test (SystemVerilog)")
    common.add_argument("--workdir", type=Path, help="keep the testbench, logs and waveforms here")
    common.add_argument("--timeout", type=float, help="wall-clock limit in seconds")
    common.add_argument("--json", action="store_true", help="print exactly one JSON object")
    d = sub.add_parser("diff", parents=[common], help="differential simulation against a reference")
    d.add_argument("--top", required=True)
    d.add_argument("--ref", type=Path, required=True)
    d.add_argument("--ref-top", help="reference top module (default: --top)")
    d.add_argument("--cycles", type=int, default=DEFAULT_CYCLES)
    d.add_argument("--seed", type=int, default=0)
    d.add_argument("--vcd", action="store_true", help="write diff.vcd into the workdir")
    v = sub.add_parser("verilogeval", parents=[common], help="VerilogEval v2 testbench (TopModule vs RefModule)")
    v.add_argument("--test", type=Path, required=True)
    v.add_argument("--ref", type=Path, required=True)
    v.add_argument("--top", default="TopModule", help="the design's top module (default TopModule)")
    v.add_argument("--strict-ports", action="store_true",
                   help="require the testbench's port names exactly (default: adapt a Chisel Module's ports)")
    c = sub.add_parser("verilator", parents=[common], help="seed-style Verilator C++ testbench")
    c.add_argument("--top", required=True)
    c.add_argument("--tb", type=Path, required=True)
    return p


def _fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(2)


def _run(args: argparse.Namespace, workdir: Path) -> SimResult:
    dut = args.dut.read_text()
    limit = {"timeout": args.timeout} if args.timeout else {}
    if args.protocol == "diff":
        if args.cycles < 1:
            _fail("--cycles must be at least 1")
        return differential(dut, args.top, args.ref, args.ref_top or args.top, workdir=workdir, cycles=args.cycles,
                            seed=args.seed, vcd=args.vcd, **limit)
    if args.protocol == "verilogeval":
        return verilogeval(dut, args.test, args.ref, workdir=workdir, top=args.top,
                           ports="strict" if args.strict_ports else "adapt", **limit)
    return verilator_cpp(dut, args.top, args.tb, workdir=workdir, **limit)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["cosim"]:  # designs against Python models: its own arguments (reflect_env/sim/cosim_cli.py)
        from reflect_env.sim.cosim_cli import main as cosim_main

        return cosim_main(argv[1:])
    args = _parser().parse_args(argv)
    for name in ("dut", "ref", "test", "tb"):
        path = getattr(args, name, None)
        if path is not None and not path.is_file():
            _fail(f"{name} file not found: {path}")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="sim-"))
    try:
        result = _run(args, workdir)
    finally:
        if args.workdir is None and not getattr(args, "vcd", False):
            shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        print(json.dumps(dataclasses.asdict(result) | {
            "mismatches": [m.model_dump() for m in result.mismatches]}))
    else:
        verdict = "PASS" if result.ok else f"FAIL ({result.category})"
        print(f"{verdict} in {result.seconds:.2f} s ({result.simulator})")
        for hint in result.hints:
            print(f"  {hint}")
        if result.output:
            print("  design output (not the verdict):\n    " + result.output[-1500:].replace("\n", "\n    "))
        if result.vcd_path:
            print(f"  waveform: {result.vcd_path}")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
