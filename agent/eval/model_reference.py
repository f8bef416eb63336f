"""`agent bench selfcheck` for a problem whose reference is a Python model (docs/python_models.md).

There is no design to build, so the model runs alone on co-simulation stimulus for the inputs the spec's
interface states: it passes when it runs in its sandbox and returns exactly the interface's outputs
(every cycle). Without an interface the stimulus cannot be built and the problem is labelled, with that
reason, like a reference that cannot be checked.
"""
from __future__ import annotations

from pathlib import Path

from agent.oracle_free.interface import InterfaceError, parse_interface
from agent.task import Task
from reflect_env.sim import cosim, pymodel
from reflect_env.sim.signals import reset_of, is_clock
from reflect_env.sim.ports import Port

SELFCHECK_CYCLES = 200


def check_model_reference(task: Task, source: str, workdir: Path) -> dict:
    try:
        iface = parse_interface(task.spec)
    except InterfaceError as e:
        iface, why = None, str(e)
    else:
        why = "the spec states no interface to drive it with"
    if iface is None or not iface.ports or any(p.width is None for p in iface.ports):
        return {"ok": False, "category": "reference_error", "simulator": None,
                "reason": f"reference_error: a Python reference cannot be checked alone: {why if iface is None else 'the spec leaves a port width open'}"}
    ports = [Port(p.name, p.direction or "input", p.width or 1) for p in iface.ports]
    sequential = any(is_clock(p) for p in ports)
    inputs = {p.name: p.width for p in ports if p.direction == "input" and not is_clock(p)
              and not (sequential and reset_of(p))}
    outputs = {p.name for p in ports if p.direction == "output"}
    stim = cosim.make_cosim_stimulus(inputs, SELFCHECK_CYCLES, seed=0)
    run = pymodel.run_model(source, stim.inputs, workdir=workdir / "model")
    if not run.ok:
        return {"ok": False, "category": "reference_error", "simulator": None, "reason": f"reference_error: {run.error}"}
    bad = next(((c, sorted(row)) for c, row in enumerate(run.outputs) if set(row) != outputs), None)
    if bad is not None:
        return {"ok": False, "category": "reference_error", "simulator": None,
                "reason": f"reference_error: at cycle {bad[0]} the model returns {bad[1]}, the spec's outputs are "
                          f"{sorted(outputs)}"}
    return {"ok": True, "category": None, "simulator": "python model (alone)", "reason": ""}
