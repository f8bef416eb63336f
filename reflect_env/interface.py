"""Check a design's ports against the interface its specification states.

Without a reference, the spec's own words are the only oracle for the ports: a spec that asks for
"an 8-bit output `sum`" is not met by a design whose `sum` is 9 bits wide, however cleanly it
compiles. `Interface` is what a spec states (every field optional: a spec that names a port but not
its width leaves the width unchecked); `check_ports` compares it with the ports of the emitted
SystemVerilog (`reflect_env.sim.ports`) and `interface_verdict` turns a contradiction into a
failed verification with category `interface_mismatch`. Pure: no LLM, no toolchain.

A spec port `x` matches the design port `x` or `io_x` (a Chisel `io` bundle); an aggregate (a Chisel
`Valid`, `Decoupled`, `Vec` or `Bundle`, width None) matches the flattened ports `x_*` / `io_x_*`.
`clock` and `reset` of a Chisel `Module` are implicit: never extra, and they stand for the spec's own
clock (`clk`) and reset (`reset`, `areset`, `resetn`), as the VerilogEval adapter connects them
(reflect_env.sim.adapter).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from reflect_env.result import Category, Diagnostic, Stage, VerifyResult
from reflect_env.sim.adapter import vector_elements
from reflect_env.sim.ports import Port, PortError, parse_ports
from reflect_env.sim.signals import is_clock, reset_of

DIRECTIONS = ("input", "output", "inout")
IMPLICIT = ("clock", "reset")  # what `extends Module` adds by itself


@dataclass(frozen=True)
class SpecPort:
    name: str
    direction: str | None = None  # "input" | "output" | "inout"; None: the spec does not say
    width: int | None = None  # None: not stated, or an aggregate (see `aggregate`)
    aggregate: bool = False  # Valid/Decoupled/Vec/Bundle: flattened into name_* ports
    quote: str = ""  # the spec's own words for this port, quoted in the repair message

    def __post_init__(self):
        if self.direction is not None and self.direction not in DIRECTIONS:
            raise ValueError(f"port {self.name}: direction must be one of {', '.join(DIRECTIONS)}, "
                             f"not {self.direction!r}")
        if self.width is not None and (isinstance(self.width, bool) or not isinstance(self.width, int)
                                       or self.width < 1):
            raise ValueError(f"port {self.name}: width must be a positive integer, not {self.width!r}")

    def describe(self) -> str:
        width = f"{self.width}-bit " if self.width else ""
        return f"{width}{self.direction or 'port'} `{self.name}`"


@dataclass
class Interface:
    ports: list[SpecPort]
    source: str  # where it came from: "flag", "ports-block", "chisel-io", "port-list", "verilog-header", "prose", "model"
    exhaustive: bool = False  # the spec lists every port: a design port it does not name is a contradiction
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"source": self.source, "exhaustive": self.exhaustive, "notes": list(self.notes),
                "ports": [{k: v for k, v in asdict(p).items() if v not in (None, "", False)} for p in self.ports]}

    @classmethod
    def from_dict(cls, data: dict) -> "Interface":
        return cls(ports=[SpecPort(**p) for p in data.get("ports", [])], source=data.get("source", "given"),
                   exhaustive=bool(data.get("exhaustive", False)), notes=list(data.get("notes", [])))

    def summary(self) -> str:
        return ", ".join(p.describe() for p in self.ports) or "(no ports)"


@dataclass(frozen=True)
class Problem:
    port: str
    message: str  # one line, quoting the spec where it has words for the port


def _matches(spec: SpecPort, ports: list[Port], clocked: bool = False) -> list[Port]:
    by_name = {p.name: p for p in ports}
    for name in (spec.name, f"io_{spec.name}"):
        if name in by_name:
            return [by_name[name]]
    # A Module's implicit clock and reset stand for the spec's own (`clk`, `areset`, `resetn`): the harness
    # connects them so (reflect_env.sim.adapter), and so does a person wrapping Chisel for a Verilog testbench.
    if spec.direction != "output" and spec.width in (None, 1):
        as_input = Port(spec.name, "input", 1)
        if is_clock(as_input) and "clock" in by_name:
            return [by_name["clock"]]
        if clocked and reset_of(as_input) and "reset" in by_name:
            return [by_name["reset"]]
    if spec.aggregate or spec.width is None:
        return [p for p in ports if p.name.startswith((f"{spec.name}_", f"io_{spec.name}_"))]
    # A Vec as wide as the spec's vector (`input [7:0] in` as `Vec(8, Bool())`): the adapter connects it bitwise.
    return vector_elements(ports, spec.name, spec.width)


def _said(spec: SpecPort) -> str:
    return f' (the spec: "{spec.quote}")' if spec.quote else ""


def check_ports(interface: Interface, ports: list[Port]) -> list[Problem]:
    """Every contradiction between the stated interface and the design's ports; [] when none."""
    problems: list[Problem] = []
    used: set[str] = set()
    clocked = any(is_clock(Port(s.name, "input", 1)) for s in interface.ports if s.direction != "output")
    for spec in interface.ports:
        found = _matches(spec, ports, clocked)
        if not found:
            have = ", ".join(p.describe() for p in ports) or "none"
            problems.append(Problem(spec.name, f"the spec asks for {spec.describe()}{_said(spec)}, but the design "
                                               f"has no port `{spec.name}` or `io_{spec.name}` (its ports: {have})"))
            continue
        used.update(p.name for p in found)
        if len(found) == 1 and not spec.aggregate:
            port = found[0]
            if spec.direction and port.direction != spec.direction:
                problems.append(Problem(spec.name, f"`{spec.name}` must be an {spec.direction}{_said(spec)}, but the "
                                                   f"design's `{port.name}` is an {port.direction}"))
            elif spec.width and port.width != spec.width:
                problems.append(Problem(spec.name, f"`{spec.name}` must be {spec.width} bit(s) wide{_said(spec)}, "
                                                   f"but the design's `{port.name}` is {port.width} bits wide"))
        elif spec.direction in ("input", "output"):
            wrong = [p.name for p in found if p.direction != spec.direction]
            if wrong:
                problems.append(Problem(spec.name, f"`{spec.name}` must be an {spec.direction}{_said(spec)}, but "
                                                   f"{', '.join(wrong)} are not"))
    if interface.exhaustive:
        # A Module's implicit clock/reset are never extra: they stand for the spec's clock and reset, or
        # are tied inactive where it has none (the VerilogEval adapter, reflect_env.sim.adapter).
        extra = [p for p in ports if p.name not in used and p.name not in IMPLICIT]
        for p in extra:
            problems.append(Problem(p.name, f"the design has a port `{p.name}` ({p.describe()}) that the spec's "
                                            f"interface does not have (the spec's ports: {interface.summary()})"))
    return problems


def interface_verdict(result: VerifyResult, interface: Interface | None) -> VerifyResult:
    """`result` unchanged unless it passed and its ports contradict `interface`: then a failed copy
    with category `interface_mismatch`, one diagnostic per problem. It keeps stage `simulate` (the
    design lowered to SystemVerilog; what failed is a check on that SystemVerilog)."""
    if interface is None or not result.ok or not result.verilog or not result.top:
        return result
    try:
        ports = parse_ports(result.verilog, result.top)
    except PortError as e:  # firtool output we cannot read is not the candidate's fault
        return result.model_copy(update={"notes": result.notes + [f"interface not checked: {e}"]})
    problems = check_ports(interface, ports)
    if not problems:
        return result
    diags = [Diagnostic(stage=Stage.simulate, message=f"interface: {p.message}", category=Category.interface_mismatch)
             for p in problems]
    return result.model_copy(update={"ok": False, "stage": Stage.simulate, "category": Category.interface_mismatch,
                                     "diagnostics": result.diagnostics + diags})
