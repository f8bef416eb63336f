"""Which simulator runs, how it runs, and the private channel a testbench reports through.

Icarus Verilog 12 is VerilogEval v2's simulator of record; Debian 12 ships 11.0, which cannot compile the
enum casts of two references (Prob151, Prob156: "sorry: This cast operation is not yet supported").
`make setup-system` builds 12 into IVERILOG12_PREFIX (scripts/build-iverilog12.sh); without it the PATH's
iverilog runs and every verdict names it as a fallback.

Verdict channel: a testbench writes its verdict lines into a file whose name and per-line token are fresh
random strings of one run. A design's own output (Chisel printf, $display) goes to stdout/stderr, which are
shown to the user and never parsed as a verdict; a design can neither know the file name nor forge the token.
"""
from __future__ import annotations

import functools
import os
import re
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from reflect_env import sandbox
from reflect_env.sim.runner import Outcome, run_bounded

IVERILOG12_PREFIX = Path(os.environ.get("IVERILOG12_PREFIX", Path.home() / ".cache" / "chisel-agent" / "iverilog-12"))


@dataclass(frozen=True)
class Icarus:
    iverilog: str
    vvp: str
    version: str  # e.g. "Icarus Verilog 12.0 (stable)"
    major: int

    def describe(self) -> str:
        """The version every verdict names; 11 is marked as the fallback it is."""
        if self.major >= 12:
            return self.version
        return f"{self.version} (fallback: VerilogEval v2 expects Icarus Verilog 12; run `make setup-system`)"


@functools.lru_cache(maxsize=1)
def icarus() -> Icarus:
    """The cached Icarus 12 when it is installed, else the PATH's iverilog."""
    built = IVERILOG12_PREFIX / "bin" / "iverilog"
    if built.exists():
        iverilog, vvp = str(built), str(IVERILOG12_PREFIX / "bin" / "vvp")
    else:
        iverilog, vvp = shutil.which("iverilog") or "iverilog", shutil.which("vvp") or "vvp"
    try:
        out = subprocess.run([iverilog, "-V"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        out = ""
    first = out.splitlines()[0].strip() if out.strip() else "iverilog (version unknown)"
    m = re.search(r"version (\d+)", first)
    return Icarus(iverilog, vvp, first, int(m.group(1)) if m else 0)


# The simulator's own progress lines; a `$finish` in the design (dut.sv) stays: it tells why a run ended early.
_NOISE_RE = re.compile(r"^(VCD info: .*|VCD warning: .*|(?!dut\.sv:)\S+:\d+: \$finish called at .*)\n?", re.M)


def design_output(output: str) -> str:
    """What the design printed: the simulator's own progress lines (VCD info, a testbench's `$finish called
    at`) removed."""
    return _NOISE_RE.sub("", output).strip()


def tool_limitation(output: str) -> str | None:
    """A simulator's own limitation (Icarus `sorry:` lines, internal assertions): the design is not at fault."""
    lines = [ln.strip() for ln in output.splitlines()
             if re.search(r"\bsorry:|internal error|Assertion .* failed|failed assertion", ln)]
    return " | ".join(dict.fromkeys(lines[:3])) or None


@dataclass(frozen=True)
class Channel:
    """The private verdict channel of one run: a random file name and a random line token."""

    file: str
    token: str

    @classmethod
    def fresh(cls) -> "Channel":
        return cls(file=f"verdict-{secrets.token_hex(8)}.txt", token=f"V{secrets.token_hex(12)}")

    def records(self, workdir: Path) -> list[str]:
        """The lines the testbench wrote (token stripped); anything else in the file is ignored."""
        path = Path(workdir) / self.file
        if not path.exists():
            return []
        head = self.token + " "
        return [ln[len(head):].rstrip("\r") for ln in path.read_text(errors="replace").splitlines()
                if ln.startswith(head)]


def run_sandboxed(cmd: list[str], workdir: Path, timeout: float, *, readable: tuple[Path, ...] | list[Path] = (),
                  split_stderr: bool = False) -> Outcome:
    """Run a simulation binary that executes design code: only `workdir` is writable (bubblewrap, when it
    works here), so a design's $fopen/$fwrite cannot reach files outside its own job."""
    roots = [p for p in readable if Path(p).exists() and str(Path.home()) in str(Path(p).resolve())]
    wrapped = sandbox.wrap(cmd, writable=[Path(workdir).resolve()], readable=roots)
    return run_bounded(wrapped, workdir, timeout, split_stderr=split_stderr)
