"""Write the SystemVerilog testbench that runs a DUT and a reference side by side.

Timing per cycle (period 10): inputs change right after the falling edge, outputs are compared 4
time units later (settled, still before the rising edge at +5). An X bit in the reference is a
don't-care; an X in the DUT where the reference is known is a mismatch. The testbench prints
machine-readable lines into the run's private verdict file, each after the run's token (tools.Channel;
not stdout, so the design's own printf output can neither bury nor fake them), that
`differential.parse_report` reads:
    SIM-MISMATCH cycle=<n> signal=<name> expected=<hex> got=<hex>   (first few only)
    SIM-OUTPUT signal=<name> mismatches=<n> first=<cycle>           (outputs that ever differed)
    SIM-SUMMARY cycles=<n> mismatches=<cycles with any difference>
"""
from __future__ import annotations

from reflect_env.sim.ports import Port
from reflect_env.sim.signals import Roles
from reflect_env.sim.tools import Channel

TB_TOP = "sim__tb"
RESET_CYCLES = 3
HALF = 5
SETTLE = 4


def _decl(kind: str, width: int, name: str) -> str:
    rng = f"[{width - 1}:0] " if width > 1 else ""
    return f"  {kind} {rng}{name};"


def render(
    dut_top: str, ref_top: str, ports: list[Port], roles: Roles, stim_files: dict[str, str], cycles: int,
    channel: Channel, *, max_reported: int = 5, vcd: str | None = None,
) -> str:
    outputs = [p for p in ports if p.direction == "output"]
    inouts = [p for p in ports if p.direction == "inout"]
    driven = [p for p in ports if p.direction == "input" and p.name not in roles.clocks]
    lines = [f"module {TB_TOP};"]
    lines += [f"  reg {c};" for c in roles.clocks]
    lines += [_decl("reg", p.width, p.name) for p in driven]
    for p in outputs + inouts:
        lines.append(_decl("wire", p.width, f"dut__{p.name}"))
        lines.append(_decl("wire", p.width, f"ref__{p.name}"))
    for p in driven:
        rng = f"[{p.width - 1}:0] " if p.width > 1 else ""
        lines.append(f"  reg {rng}sim__stim_{p.name} [0:{cycles - 1}];")
    lines += [
        "  integer sim__cycle, sim__shown, sim__bad_cycles, sim__fd;",
        "  reg sim__bad;",
    ]
    lines += [f"  integer sim__err_{i}, sim__first_{i};" for i in range(len(outputs))]
    lines += [_instance(dut_top, "sim__dut", ports, "dut__"), _instance(ref_top, "sim__ref", ports, "ref__")]

    lines.append("  task sim__check; begin")
    lines.append("    sim__bad = 0;")
    for i, p in enumerate(outputs):
        exp, got = f"ref__{p.name}", f"dut__{p.name}"
        # XOR trick: ref's X bits become X on both sides, so they compare equal under ===.
        lines += [
            f"    if ({exp} !== ({exp} ^ {got} ^ {exp})) begin",
            "      sim__bad = 1;",
            f"      if (sim__err_{i} == 0) sim__first_{i} = sim__cycle;",
            f"      sim__err_{i} = sim__err_{i} + 1;",
            f"      if (sim__shown < {max_reported}) begin",
            f'        $fdisplay(sim__fd, "{channel.token} SIM-MISMATCH cycle=%0d signal={p.name} expected=%h got=%h", sim__cycle, {exp}, {got});',
            "        sim__shown = sim__shown + 1;",
            "      end",
            "    end",
        ]
    lines += ["    if (sim__bad) sim__bad_cycles = sim__bad_cycles + 1;", "  end endtask"]

    lines.append("  initial begin")
    lines.append(f'    sim__fd = $fopen("{channel.file}", "w");')
    if vcd:
        lines += [f'    $dumpfile("{vcd}");', f"    $dumpvars(0, {TB_TOP});"]
    for p in driven:
        lines.append(f'    $readmemh("{stim_files[p.name]}", sim__stim_{p.name});')
    lines += ["    sim__shown = 0;", "    sim__bad_cycles = 0;"]
    lines += [f"    sim__err_{i} = 0; sim__first_{i} = -1;" for i in range(len(outputs))]
    lines += [f"    {c} = 0;" for c in roles.clocks]
    resets = {r.name: r for r in roles.resets}
    for p in driven:
        value = resets[p.name].active if p.name in resets else 0
        lines.append(f"    {p.name} = {value};")
    if roles.clocks:
        lines.append(f"    repeat ({RESET_CYCLES}) begin #{HALF} {_clocks(roles, 1)} #{HALF} {_clocks(roles, 0)} end")
    lines.append(f"    for (sim__cycle = 0; sim__cycle < {cycles}; sim__cycle = sim__cycle + 1) begin")
    lines += [f"      {p.name} = sim__stim_{p.name}[sim__cycle];" for p in driven]
    lines.append(f"      #{SETTLE} sim__check;")
    if roles.clocks:
        lines.append(f"      #{HALF - SETTLE} {_clocks(roles, 1)} #{HALF} {_clocks(roles, 0)}")
    else:
        lines.append(f"      #{2 * HALF - SETTLE};")
    lines.append("    end")
    for i, p in enumerate(outputs):
        lines.append(
            f'    if (sim__err_{i} != 0) $fdisplay(sim__fd, "{channel.token} SIM-OUTPUT signal={p.name} mismatches=%0d first=%0d",'
            f" sim__err_{i}, sim__first_{i});"
        )
    lines += [
        f'    $fdisplay(sim__fd, "{channel.token} SIM-SUMMARY cycles=%0d mismatches=%0d", {cycles}, sim__bad_cycles);',
        "    $fclose(sim__fd);",
        "    $finish;",
        "  end",
        "endmodule",
    ]
    return "\n".join(lines) + "\n"


def _clocks(roles: Roles, level: int) -> str:
    return " ".join(f"{c} = {level};" for c in roles.clocks)


def _instance(module: str, inst: str, ports: list[Port], out_prefix: str) -> str:
    conns = []
    for p in ports:
        sig = p.name if p.direction == "input" else out_prefix + p.name
        conns.append(f"    .{p.name}({sig})")
    return f"  {module} {inst} (\n" + ",\n".join(conns) + "\n  );"
