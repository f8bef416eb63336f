"""Map a Chisel design's ports onto a testbench's fixed port names (the VerilogEval adapter).

A VerilogEval testbench instantiates `TopModule` with the reference's port names (`clk`, `reset`, `q`).
What a person writes in Chisel is a `Module`: an implicit `clock` and `reset`, and ports in an `io` bundle
(`io_q` in Verilog). Instead of forcing a `RawModule` with exact names on the model, the harness does what
a person integrating Chisel with a Verilog testbench does: it writes a thin wrapper named as the testbench
expects around the elaborated design.

Rules (`map_ports`), for each testbench port `x`:
  * the design's port `x` or `io_x` (exactly one of them; both is ambiguous);
  * else a Chisel `Vec` flattened to `io_x_0` .. `io_x_<n-1>` (or `x_0` ..) whose elements together are
    as wide as `x`: element i is bits [i*w +: w] (element 0 the LSB, as `asUInt` orders a Vec);
  * else, for the testbench's clock (signals.is_clock: `clk`), the design's implicit `clock`;
  * else, for the testbench's reset (signals.reset_of: `reset`, `areset`, `resetn`), the design's implicit
    `reset`, inverted when the testbench's is active-low (`resetn`, `aresetn`): Chisel's reset is
    active-high. Whether the design treats it as synchronous or asynchronous is the design's own
    behaviour (`extends Module with RequireAsyncReset`), judged by the testbench.
    A design's own `io_reset` input, when the testbench's reset has another name, is connected to it too,
    as the testbench drives it (the name differs, the signal is the same).
The design's implicit `clock`/`reset`, when no testbench port took them, follow the testbench's clock and
reset all the same (a design that declares `io.clk` and still uses `RegInit` gets the clock it means), or
are tied inactive (clock 0, reset 0) when the testbench has none (a combinational problem written as a
`Module`). Every design input must be driven: one that maps to no testbench port, a testbench port with no
design port, or a direction that differs is an `AdapterError` with one line naming the ports. A width that
differs is a note (as in the strict check, the testbench then judges the behaviour).

A design whose ports are already the testbench's (a `RawModule` with exact names) maps to itself
(`PortMap.exact`): no wrapper, so strict and adapted verdicts of such a design are the same run.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from reflect_env.sim.ports import Port
from reflect_env.sim.signals import is_clock, reset_of

IMPLICIT_CLOCK, IMPLICIT_RESET = "clock", "reset"  # what `extends Module` adds to a Chisel design
INNER_SUFFIX = "__design"  # the elaborated top's new name inside the wrapper


class AdapterError(ValueError):
    """The design's ports cannot be mapped one-to-one onto the testbench's; the message is one line."""


@dataclass
class PortMap:
    """How the wrapper connects each design port: design port -> Verilog expression over the testbench's
    ports (`q`, `~resetn`, `1'b0`)."""
    connections: dict[str, str]
    exact: bool  # the design's ports are the testbench's: no wrapper is needed (the strict view passes too)
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """One line for the result: `io_q->q, clock->clk, reset->~resetn`."""
        if self.exact:
            return "identity (the design's ports are the testbench's)"
        return ", ".join(f"{d}->{e}" for d, e in self.connections.items())


def _listing(ports: list[Port]) -> str:
    return ", ".join(p.describe() for p in ports) or "none"


def map_ports(design: list[Port], wanted: list[Port]) -> PortMap:
    """The mapping of `design`'s ports onto the testbench's `wanted` ports (the reference's, in order)."""
    by_name = {p.name: p for p in design}
    if {p.name for p in design} == {p.name for p in wanted} and all(
            by_name[w.name].direction == w.direction for w in wanted):
        return PortMap({w.name: w.name for w in wanted}, exact=True,
                       notes=_width_notes([(by_name[w.name], w) for w in wanted]))
    clock = next((w for w in wanted if is_clock(w)), None)
    reset = next(((w, r) for w in wanted if w is not clock and (r := reset_of(w))), None) if clock else None
    connections: dict[str, str] = {}
    pairs: list[tuple[Port, Port]] = []
    missing: list[str] = []
    for w in wanted:
        found = [by_name[n] for n in (w.name, f"io_{w.name}") if n in by_name]
        if len(found) > 1 and w.name in (IMPLICIT_CLOCK, IMPLICIT_RESET):
            found = found[1:]  # `io.reset` is the design's own; its implicit reset follows below
        if len(found) > 1:
            raise AdapterError(f"interface: the testbench's port `{w.name}` matches both the design's `{w.name}` "
                               f"and `io_{w.name}`; keep one (design ports: {_listing(design)})")
        if not found and w is clock and IMPLICIT_CLOCK in by_name and IMPLICIT_CLOCK not in connections:
            found = [by_name[IMPLICIT_CLOCK]]
        if not found and reset and w is reset[0] and IMPLICIT_RESET in by_name and IMPLICIT_RESET not in connections:
            found = [by_name[IMPLICIT_RESET]]
        if not found and (elements := vector_elements(design, w.name, w.width)):
            # A Chisel Vec (`io_in_0` ... `io_in_7`) for the testbench's vector `in`: element 0 is the LSB,
            # as `asUInt` of a Vec orders it.
            ew = elements[0].width
            for i, d in enumerate(elements):
                if d.direction != w.direction:
                    raise AdapterError(f"interface: the testbench's `{w.name}` is an {w.direction} but the design's "
                                       f"`{d.name}` is an {d.direction}")
                connections[d.name] = f"{w.name}[{i}]" if ew == 1 else f"{w.name}[{(i + 1) * ew - 1}:{i * ew}]"
            continue
        if not found:
            missing.append(w.describe())
            continue
        d = found[0]
        if d.direction != w.direction:
            raise AdapterError(f"interface: the testbench's `{w.name}` is an {w.direction} but the design's "
                               f"`{d.name}` is an {d.direction}")
        inverted = d.name == IMPLICIT_RESET and reset is not None and w is reset[0] and reset[1].active_low
        connections[d.name] = f"~{w.name}" if inverted else w.name
        pairs.append((d, w))
    if missing:
        raise AdapterError(f"interface: the design has no port for the testbench's {', '.join(missing)} "
                           f"(looked for NAME and io_NAME; design ports: {_listing(design)})")
    # A design's own reset input (`val reset = Input(Bool())` in its io bundle) for a testbench reset named
    # otherwise (`areset`, `resetn`) is that reset under the design's name, as `io_q` is `q`: connected
    # as the testbench drives it (its polarity is the design's logic, judged by the testbench). 11 of the
    # 14 interface failures of the VerilogEval run after the nested_io fixer were this one.
    own_reset = by_name.get(f"io_{IMPLICIT_RESET}")
    if (reset is not None and own_reset is not None and own_reset.direction == "input" and own_reset.width in (None, 1)
            and own_reset.name not in connections
            and not any(w is reset[0] and d.name != IMPLICIT_RESET for d, w in pairs)):  # no port of its name
        connections[own_reset.name] = reset[0].name
        pairs.append((own_reset, reset[0]))
    # A Module's implicit clock and reset follow the testbench's even when an io port took its name.
    if IMPLICIT_CLOCK in by_name and IMPLICIT_CLOCK not in connections:
        connections[IMPLICIT_CLOCK] = clock.name if clock else "1'b0"
    if IMPLICIT_RESET in by_name and IMPLICIT_RESET not in connections:
        if reset is not None:
            connections[IMPLICIT_RESET] = f"~{reset[0].name}" if reset[1].active_low else reset[0].name
        else:
            connections[IMPLICIT_RESET] = "1'b0"  # Chisel's reset is active-high: 0 is inactive
    undriven = [p.describe() for p in design if p.direction != "output" and p.name not in connections]
    if undriven:
        raise AdapterError(f"interface: the design's {', '.join(undriven)} match no testbench port "
                           f"(testbench ports: {_listing(wanted)})")
    notes = _width_notes(pairs)
    unused = [p.name for p in design if p.direction == "output" and p.name not in connections]
    if unused:
        notes.append(f"Note: design output(s) {', '.join(unused)} have no testbench port and are left unconnected")
    return PortMap(connections, exact=False, notes=notes)


def vector_elements(ports: list[Port], name: str, width: int | None) -> list[Port]:
    """The flattened elements of a Chisel Vec standing for the vector `name` (`io_name_0`.. or `name_0`..):
    indices 0..n-1, one element width, together `width` bits (any total when `width` is None); [] if none."""
    for prefix in (f"io_{name}_", f"{name}_"):
        found = {}
        for p in ports:
            rest = p.name[len(prefix):] if p.name.startswith(prefix) else ""
            if rest.isdigit() and (rest == "0" or not rest.startswith("0")):
                found[int(rest)] = p
        if not found or sorted(found) != list(range(len(found))):
            continue
        elements = [found[i] for i in range(len(found))]
        if len({e.width for e in elements}) == 1 and (width is None or elements[0].width * len(elements) == width):
            return elements
    return []


def _width_notes(pairs: list[tuple[Port, Port]]) -> list[str]:
    return [f"Note: {w.name} is {w.width} bits wide in the reference but {d.width} in the design's `{d.name}`"
            for d, w in pairs if d.width != w.width]


def wrapper(name: str, inner: str, wanted: list[Port], pm: PortMap) -> str:
    """A Verilog module `name` with the testbench's ports that instantiates `inner` through `pm`."""
    decls = []
    for w in wanted:
        rng = f"[{w.width - 1}:0] " if w.width > 1 else ""
        decls.append(f"  {w.direction} {'signed ' if w.signed else ''}{rng}{w.name}")
    conns = ",\n".join(f"    .{d}({e})" for d, e in pm.connections.items())
    return (f"// Port adapter written by the harness (reflect_env.sim.adapter): {pm.describe()}\n"
            f"module {name}(\n" + ",\n".join(decls) + "\n);\n"
            f"  {inner} adapted (\n{conns}\n  );\nendmodule\n")
