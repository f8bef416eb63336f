"""The VerilogEval v2 spec-to-rtl protocol: the problem's own testbench (`tb`, with a stimulus
generator) runs the reference `RefModule` and the candidate `TopModule` and reports
`Mismatches: N in M samples`; a candidate passes iff N is 0 and the testbench itself ended the run.

The testbench is instrumented before it is compiled (`instrument`): each of its `$display`s writes into
the run's private verdict file with the run's token (tools.Channel), and each of its `$finish`es first
records `END`. The design's own printf/$display output stays on stdout and is shown, never parsed: a
design that prints `Mismatches: 0 in 400 samples` or `TIMEOUT`, or ends the run with `$finish`, is
graded by its behaviour alone."""
from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

from reflect_env.result import Mismatch
from reflect_env.sim.differential import compile_error_summary
from reflect_env.sim.ports import PortError, parse_ports
from reflect_env.sim.adapter import AdapterError, PortMap, map_ports, wrapper
from reflect_env.sim.rename import prefix_modules
from reflect_env.sim.result import HARNESS, INTERFACE, SIM_MISMATCH, TIMEOUT, SimResult
from reflect_env.sim.runner import Deadline, run_bounded, trim
from reflect_env.sim.tools import Channel, design_output, icarus, run_sandboxed, tool_limitation

DUT_TOP = "TopModule"
REF_TOP = "RefModule"
TB_TOP = "tb"
FLAGS = ["-Wall", "-Winfloop", "-Wno-timescale", "-g2012", "-s", TB_TOP, "-o", "test", "test.sv", "ref.sv", "dut.sv"]

_RESULT_RE = re.compile(r"^Mismatches:\s*(\d+)\s+in\s+(\d+)\s+samples")
_OUTPUT_HINT_RE = re.compile(r"Hint: Output '([^']+)' has (\d+) mismatches\. First mismatch occurred at time (\d+)")
_DISPLAY_RE = re.compile(r'\$display\s*\(\s*"')
_FINISH_RE = re.compile(r"\$finish\s*(?:\(\s*\d*\s*\))?\s*;")
_TB_HEADER_RE = re.compile(rf"^\s*module\s+{TB_TOP}\s*(?:\(\s*\))?\s*;", re.M)
# A reference that gives a register its start value without a reset (`initial q = 0;`, `reg [2:0] s = 0;`).
_START_VALUE_RE = re.compile(r"^\s*initial\b(?!\s*begin\s*\$)|^\s*(?:reg|logic)\b[^;=()]*\w\s*=\s*[^=;]+;", re.M)
# firtool's register initializers (emit.py keeps them), switched on to start every register at 0.
ZERO_START = ["-DRANDOMIZE_REG_INIT", "-DRANDOM=32'h0", "-DRANDOMIZE_DELAY=0"]
START_NOTE = ("Note: the reference gives its registers a start value without a reset (Verilog `initial q = 0` / "
              "`reg q = 0`); Chisel cannot declare one, so this check starts every Chisel register at 0 "
              "(firtool's register initializers with RANDOM=0)")


RACE_NOTE = ("Note: the testbench's per-output counts contradict its total (they sample at the clock edge and race "
             "with outputs that change on it, e.g. dual-edge logic); the total is the verdict")


def declares_start_values(ref_sv: str) -> bool:
    return bool(_START_VALUE_RE.search(ref_sv))


def instrument(test_sv: str, channel: Channel) -> str:
    """Route the testbench's own verdict lines into `channel` (see the module docstring)."""
    header = _TB_HEADER_RE.search(test_sv)
    if not header:
        raise ValueError(f"the testbench has no `module {TB_TOP}`")
    fd = f"{TB_TOP}.sim__verdict_fd"
    text = _DISPLAY_RE.sub(lambda m: f'$fdisplay({fd}, "{channel.token} ', test_sv)
    text = _FINISH_RE.sub(lambda m: f'begin $fdisplay({fd}, "{channel.token} END"); $finish; end', text)
    header = _TB_HEADER_RE.search(text)
    if header is None:
        raise ValueError(f"the testbench has no `module {TB_TOP}` header to add the verdict file to")
    return (text[:header.end()] + f'\n\tinteger sim__verdict_fd = $fopen("{channel.file}", "w");'
            + text[header.end():])


PORT_MODES = ("adapt", "strict")
DESIGN_PREFIX = "design__"  # the adapted design's modules, so the wrapper can take the testbench's name


def verilogeval(dut_sv: str, test_sv: Path, ref_sv: Path, *, workdir: Path, timeout: float = 30.0,
                top: str = DUT_TOP, ports: str = "adapt") -> SimResult:
    """Run the problem's testbench on the design `top` in `dut_sv`. ports="adapt": a Chisel `Module`'s
    ports (`clock`, `reset`, `io_x`) are connected to the testbench's through a wrapper (sim.adapter);
    "strict": the design must be `TopModule` with the testbench's port names exactly."""
    if ports not in PORT_MODES:
        raise ValueError(f"ports must be one of {', '.join(PORT_MODES)}, not {ports!r}")
    deadline = Deadline(timeout)
    res = _judge(dut_sv, test_sv, ref_sv, workdir=Path(workdir), timeout=timeout, top=top, ports=ports)
    if ports == "adapt" and res.category != HARNESS:
        res.strict_ok = _strict_view(res, dut_sv, test_sv, ref_sv, Path(workdir), top, deadline)
    return res


def _judge(dut_sv: str, test_sv: Path, ref_sv: Path, *, workdir: Path, timeout: float, top: str,
           ports: str) -> SimResult:
    start = time.monotonic()
    deadline = Deadline(timeout)
    sim = icarus()
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    channel = Channel.fresh()
    try:
        (workdir / "test.sv").write_text(instrument(Path(test_sv).read_text(), channel))
    except ValueError as e:
        return _named(SimResult.harness(f"testbench {Path(test_sv).name}: {e}"), sim, start)
    shutil.copyfile(ref_sv, workdir / "ref.sv")

    ref_text = Path(ref_sv).read_text()
    port_map = None
    if ports == "adapt":
        adapted = _adapt(dut_sv, top, ref_text)
        if isinstance(adapted, SimResult):
            return _named(adapted, sim, start)
        dut_sv, port_map, port_notes = adapted
    else:
        port_notes = _port_notes(dut_sv, ref_text)
        if port_notes and port_notes[0].startswith("!"):
            return _named(SimResult.error(port_notes[0][1:]), sim, start)
    (workdir / "dut.sv").write_text(dut_sv)
    zero_start = declares_start_values(ref_text)
    if zero_start:
        port_notes.append(START_NOTE)

    compiled = run_bounded([sim.iverilog, *(ZERO_START if zero_start else []), *FLAGS], workdir, deadline.left())
    if compiled.timed_out:
        return _named(SimResult.timed_out(timeout, trim(compiled.output)), sim, start, port_map)
    if compiled.returncode != 0:
        limitation = tool_limitation(compiled.output)
        if limitation:
            return _named(SimResult.harness(f"{sim.version} cannot compile this testbench/reference "
                                            f"(a simulator limitation, not a design fault): {limitation}",
                                            trim(compiled.output)), sim, start, port_map)
        return _named(SimResult.error(compile_error_summary(compiled.output), trim(compiled.output)), sim, start,
                      port_map)
    ran = run_sandboxed([sim.vvp, "-n", "test"], workdir, deadline.left(), readable=[Path(sim.vvp).parent.parent])
    vcd = workdir / "wave.vcd"
    vcd_path = str(vcd) if vcd.exists() else None
    if ran.timed_out:
        res = SimResult.timed_out(timeout, trim(ran.output))
    else:
        res = read_verdict(channel.records(workdir), ran.output)
        res.hints = res.hints + port_notes  # the testbench's own verdict first
    res.vcd_path = vcd_path
    return _named(res, sim, start, port_map)


def _strict_view(adapted: SimResult, dut_sv: str, test_sv: Path, ref_sv: Path, workdir: Path, top: str,
                 deadline: Deadline) -> bool:
    """The verdict under strict names, for reporting both views: the adapted verdict when no adapter was
    needed, False when the strict port check refuses the design, else a second run of the testbench with
    the design as it is (a Module whose other ports are exact: its clock/reset are left undriven then)."""
    if adapted.ports_exact:
        return adapted.ok
    notes = _port_notes(dut_sv, Path(ref_sv).read_text())
    if top != DUT_TOP or (notes and notes[0].startswith("!")):
        return False
    return verilogeval(dut_sv, test_sv, ref_sv, workdir=workdir / "strict", timeout=max(deadline.left(), 1.0),
                       top=top, ports="strict").ok


def _adapt(dut_sv: str, top: str, ref_text: str) -> tuple[str, PortMap, list[str]] | SimResult:
    """(the design as the testbench will see it, the mapping, notes), or the failed result."""
    try:
        design = parse_ports(dut_sv, top)
    except PortError as e:
        return SimResult.error(f"the design's ports cannot be read: {e}")
    try:
        wanted = parse_ports(ref_text, REF_TOP)
    except PortError as e:  # the reference is the benchmark's: let the testbench judge, as the strict check does
        return dut_sv, PortMap({}, exact=top == DUT_TOP), [f"Note: ports not adapted: {e}"]
    try:
        pm = map_ports(design, wanted)
    except AdapterError as e:
        res = SimResult(ok=False, category=INTERFACE, hints=[str(e)], log=str(e))
        res.port_map, res.ports_exact = {}, False
        return res  # the caller adds the strict view
    if pm.exact and top == DUT_TOP:
        return dut_sv, pm, list(pm.notes)
    pm.exact = False  # a renamed top is adapted too: under strict names it is not TopModule
    renamed, mapping = prefix_modules(dut_sv, DESIGN_PREFIX)
    note = f"Note: ports adapted to the testbench's: {pm.describe()}"
    return renamed + "\n" + wrapper(DUT_TOP, mapping[top], wanted, pm), pm, [*pm.notes, note]


def _named(res: SimResult, sim, start: float, port_map: PortMap | None = None) -> SimResult:
    res.simulator = sim.describe()
    res.seconds = time.monotonic() - start
    if port_map is not None:
        res.port_map, res.ports_exact = dict(port_map.connections), port_map.exact
    return res


def read_verdict(records: list[str], output: str = "") -> SimResult:
    """Judge a finished VerilogEval run from the testbench's own records (tools.Channel.records);
    `output` is what the design and the simulator printed, kept as the design's output only."""
    shown = trim(design_output(output))
    log = trim("\n".join(records))
    if shown:
        log = trim(log + "\n--- design/simulator output (not the verdict) ---\n" + shown)
    hints = [r.strip() for r in records if r.strip().startswith("Hint:")]
    # Outputs that differ first: they are what a repair prompt needs.
    hints.sort(key=lambda h: "no mismatches" in h)
    if "TIMEOUT" in (r.strip() for r in records):  # the testbench's own simulated-time guard fired
        return SimResult(ok=False, category=TIMEOUT, log=log, output=shown, hints=[
            "testbench reported TIMEOUT: its simulated-time guard ended the run before the stimulus did"] + hints)
    if "END" not in (r.strip() for r in records):
        limitation = tool_limitation(output)
        if limitation:
            return SimResult.harness(f"the simulator failed (not a design fault): {limitation}", log)
        res = SimResult.error("simulation stopped before the testbench finished (a $finish/$stop/$fatal in the "
                              "design, e.g. Chisel stop() or a failed assert, or a simulator crash); "
                              "design output: " + (trim(shown, 300).replace("\n", " | ") or "(none)"), log)
        res.output = shown
        return res
    result = next((m for m in (_RESULT_RE.match(r.strip()) for r in reversed(records)) if m), None)
    if not result:
        return SimResult.error("testbench ended without a 'Mismatches: N in M samples' line", log)
    mismatched, samples = int(result.group(1)), int(result.group(2))
    mismatches = [Mismatch(signal=m.group(1), cycle=None, expected=None, got=None)
                  for m in (_OUTPUT_HINT_RE.search(r) for r in records) if m]
    if (mismatched == 0) != (not mismatches):
        # The per-output counters sample at the clock edge itself, the total through a continuous compare:
        # on dual-edge designs (Prob078) they race and contradict each other. The total is the verdict.
        hints = [h for h in hints if not h.startswith("Hint: Output '")] + [RACE_NOTE]
        mismatches = []
    if mismatched == 0 and samples > 0:
        return SimResult(ok=True, category=None, hints=hints, log=log, output=shown)
    if samples == 0:
        return SimResult.error("testbench ran 0 samples", log)
    return SimResult(ok=False, category=SIM_MISMATCH, mismatches=mismatches,
                     hints=hints or [f"{mismatched} of {samples} samples mismatched"], log=log, output=shown)


def _port_notes(dut_sv: str, ref_text: str) -> list[str]:
    """Port problems the testbench would report obscurely. A leading '!' marks a fatal one."""
    try:
        dut = {p.name: p for p in parse_ports(dut_sv, DUT_TOP)}
        ref = {p.name: p for p in parse_ports(ref_text, REF_TOP)}
    except PortError as e:
        return [f"!{e}"] if "not found" in str(e) and DUT_TOP in str(e) else []
    missing = [ref[n].describe() for n in ref if n not in dut]
    if missing:
        return [f"!TopModule lacks port(s) the testbench connects: {', '.join(missing)} "
                f"(TopModule has: {', '.join(p.describe() for p in dut.values())})"]
    notes = [f"Note: {n} is {ref[n].width} bits wide in the reference but {dut[n].width} in TopModule"
             for n in ref if dut[n].width != ref[n].width]
    notes += [f"Note: {n} is an {ref[n].direction} in the reference but an {dut[n].direction} in TopModule"
              for n in ref if dut[n].direction != ref[n].direction]
    extra = [d.describe() for n, d in dut.items() if n not in ref and d.direction == "input"]
    if extra:
        notes.append(f"Note: TopModule input(s) not driven by the testbench: {', '.join(extra)}")
    return notes
