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


def checks_schema(interface: Interface) -> dict:
    """The JSON schema of an answer to prompts/checks.j2 for this interface, sent as `response_format`:
    only the interface's port names (inputs under "inputs", outputs under "outputs"), values that fit
    their stated widths, at most MAX_CHECKS checks of MAX_STEPS cycles. Why: asked in free text (k = 8
    eval_set_v2 run, session 5), 22 of the 27 problems with an interface and a vote got no usable check:
    17 answers held no parseable JSON (14 of the 15 inspected ran into max_tokens, 1,024 tokens of a
    list of cycles that never closed, ~50 s each on this CPU), the rest named ports the spec does not
    have or nested the lists one level too deep. Constrained decoding (llama-server and vLLM turn the
    schema into a grammar) cannot produce any of those; parse_checks still filters what a server
    without grammars returns."""
    def values(direction: str) -> dict:
        props = {}
        for p in interface.ports:
            if (p.direction or direction) != direction or p.aggregate:
                continue
            props[p.name] = {"type": "integer", "minimum": 0, **({"maximum": (1 << p.width) - 1} if p.width else {})}
        return {"type": "object", "properties": props, "additionalProperties": False}

    step = {"type": "object", "properties": {"inputs": values("input"), "outputs": values("output")},
            "required": ["inputs", "outputs"], "additionalProperties": False}
    check = {"type": "array", "items": step, "minItems": 1, "maxItems": MAX_STEPS}
    return {"type": "json_schema", "json_schema": {"name": "checks", "schema": {
        "type": "object", "properties": {"checks": {"type": "array", "items": check, "minItems": 1,
                                                    "maxItems": MAX_CHECKS}},
        "required": ["checks"], "additionalProperties": False}}}


def _salvage(answer: str) -> list:
    """The whole cycles of an answer cut off inside its JSON (the reply ran into max_tokens): each
    check up to its last complete `{"inputs": ..., "outputs": ...}`. Even schema-constrained, the 1.5B
    fills all 4 checks x 8 cycles, which for a 6-port spec (l1_bool_logic, l2_alu4) is more than 1,024
    tokens: 3 of 10 answers on the own slice (l1_bool_logic, l2_alu4, l3_oneshot_timer) were cut off
    that way. A prefix of a check's cycles is itself a check (each cycle states its own expected outputs)."""
    m = re.search(r'"checks"\s*:\s*\[', answer)
    if m is None:
        return []
    decoder, pos = json.JSONDecoder(), m.end()
    items: list[list] = []

    def skip(p: int) -> int:
        while p < len(answer) and answer[p] in " \t\r\n,":
            p += 1
        return p
    while len(items) < MAX_CHECKS:
        pos = skip(pos)
        if pos >= len(answer) or answer[pos] not in "[{":
            break
        if answer[pos] == "{":  # a one-cycle check written bare
            try:
                step, pos = decoder.raw_decode(answer, pos)
            except json.JSONDecodeError:
                break
            items.append([step])
            continue
        pos += 1
        steps: list = []
        while True:
            pos = skip(pos)
            if pos < len(answer) and answer[pos] == "]":
                pos += 1
                break
            try:
                step, pos = decoder.raw_decode(answer, pos)
            except json.JSONDecodeError:
                return items + [steps] if steps else items
            steps.append(step)
        items.append(steps)
    return items


def parse_checks(answer: str, interface: Interface) -> tuple[list[list[dict]], list[str]]:
    """(checks, dropped): a check survives only if every port it names is in the interface with
    that direction and every value is a non-negative integer that fits the stated width."""
    m = re.search(r"\{.*\}", answer, re.S)
    try:
        data = json.loads(m.group(0)) if m else None
    except json.JSONDecodeError:
        data = None
    items = data.get("checks") if isinstance(data, dict) else None
    dropped: list[str] = []
    if not isinstance(items, list):
        items = _salvage(answer)
        if not items:
            return [], ["no JSON {\"checks\": [...]} in the answer"]
        dropped.append(f"the answer was cut off: kept its {len(items)} check(s) up to the last whole cycle")
    ports = {p.name: p for p in interface.ports}
    checks: list[list[dict]] = []
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
