"""The model's own checks: input->expected-output vectors it writes from the spec (prompts/checks.j2),
in the spec's port names, kept only where they fit the spec's interface."""
from __future__ import annotations

import json
import re

from reflect_env.interface import Interface

MAX_CHECKS = 4
MAX_STEPS = 8


def _int(value) -> int | None:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.replace("_", ""), 0)
        except ValueError:
            return None
    return None


def parse_checks(answer: str, interface: Interface) -> tuple[list[list[dict]], list[str]]:
    """(checks, dropped): a check survives only if every port it names is in the interface with
    that direction and every value is a non-negative integer that fits the stated width."""
    m = re.search(r"\{.*\}", answer, re.S)
    try:
        data = json.loads(m.group(0)) if m else None
    except json.JSONDecodeError:
        data = None
    items = data.get("checks") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return [], ["no JSON {\"checks\": [...]} in the answer"]
    ports = {p.name: p for p in interface.ports}
    checks, dropped = [], []
    for i, steps in enumerate(items[:MAX_CHECKS]):
        steps = [steps] if isinstance(steps, dict) else steps
        clean, why = [], None
        for step in steps[:MAX_STEPS] if isinstance(steps, list) else []:
            out_step: dict[str, dict] = {}
            for kind, direction in (("inputs", "input"), ("outputs", "output")):
                values = step.get(kind, {}) if isinstance(step, dict) else None
                if not isinstance(values, dict):
                    why = f"{kind} is not an object"
                    break
                out_step[kind] = {}
                for name, raw in values.items():
                    p, v = ports.get(name), _int(raw)
                    if p is None or (p.direction and p.direction != direction):
                        why = f"{direction} {name} is not in the spec's interface"
                    elif v is None or v < 0 or (p.width and v >= 1 << p.width):
                        why = f"{name}={raw!r} does not fit {p.width or '?'} bits"
                    else:
                        out_step[kind][name] = v
            if why:
                break
            clean.append(out_step)
        if why or not clean or not any(s["outputs"] for s in clean):
            dropped.append(f"check {i}: {why or 'no expected output'}")
        elif clean in checks:  # the 1.5B repeats one check four times: counted once, it ranks alike
            dropped.append(f"check {i}: a repeat of an earlier one")
        else:
            checks.append(clean)
    return checks, dropped
