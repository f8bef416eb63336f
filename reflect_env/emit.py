"""firtool: CHIRRTL from the worker -> one SystemVerilog file that iverilog 11 and yosys accept."""
from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from reflect_env.toolchain import Toolchain

LOWERING = "disallowLocalVariables,disallowPackedArrays,locationInfoStyle=none"


def firtool_args(tc: Toolchain) -> list[str]:
    # Register initializers stay in the output, inert unless a simulation defines RANDOMIZE_REG_INIT (the
    # VerilogEval protocol does, with RANDOM=0, for references that give registers a start value without
    # a reset: Prob053/074/104); memories are never randomized.
    args = ["--disable-mem-randomization", "--strip-debug-info", f"--lowering-options={LOWERING}"]
    if tc.profile.major >= 7:
        # Without this, Chisel 7 layers become separate bind files; we want one self-contained file.
        args.append("-default-layer-specialization=enable")
    return args


@dataclass
class EmitOutput:
    ok: bool
    verilog: str | None
    stderr: str
    timed_out: bool = False


def run_firtool(tc: Toolchain, fir: Path, sv: Path, timeout: float) -> EmitOutput:
    cmd = [str(tc.firtool), str(fir), *firtool_args(tc), "-o", str(sv)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=fir.parent.parent)
    except subprocess.TimeoutExpired:
        return EmitOutput(False, None, f"firtool did not finish within {timeout:.0f} s", timed_out=True)
    if proc.returncode != 0 or not sv.exists():
        return EmitOutput(False, None, proc.stderr)
    return EmitOutput(True, sv.read_text(), proc.stderr)
