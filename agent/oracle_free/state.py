"""Whether the spec says the design holds state, checked against the elaborated design like its ports.

A spec that says "purely combinational" (or "no registers") rules out registers and memories; one that
says "registered output", "on each rising clock edge", "synchronous reset", "flip-flop" or "sequential
circuit" rules out a design without any. The elaborated SystemVerilog decides: firtool writes every
register and memory write port as an `always @(posedge ...)` block. A contradiction fails verification
like an interface contradiction (category `interface_mismatch`, so its repair prompt quotes it), e.g. the
accumulator a 1.5B model wrote for "It is purely combinational: no clock-dependent state" (issue 20).
Phrases err towards saying nothing: both kinds in one spec, or neither, is no claim.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from reflect_env.result import Category, Diagnostic, Stage, VerifyResult

_COMBINATIONAL = [
    r"\b(?:purely|entirely|fully|strictly|completely|only|pure)\s+combinational\b",
    r"\bcombinational\s+only\b",
    r"\b(?:module|design|circuit|block|logic)\s+is\s+combinational\b",
    r"\bno\s+(?:clock-dependent\s+|internal\s+)?(?:state|registers?|flip-?flops?|memory)\b",
    r"\bwithout\s+(?:any\s+)?(?:state|registers?|flip-?flops?|a\s+clock)\b",
]
_SEQUENTIAL = [
    r"\bregistered\s+(?:outputs?|results?|values?|versions?)\b",
    r"\b(?:on|at)\s+(?:each|every|the)\s+(?:rising\s+|positive\s+|falling\s+)?(?:clock\s+)?edge\b",
    r"\b(?:synchronous|asynchronous)\s+reset\b",
    r"\bsequential\s+(?:circuit|logic|design|module)\b",
    r"(?<!no )(?<!without )\bflip-?flops?\b",
    r"\bone[- ]cycle\s+(?:delay|latency)\b",
]
_STATE_RE = re.compile(r"\balways(?:_ff)?\s*@\s*\(\s*(?:posedge|negedge)\b")
_REG_RE = re.compile(r"^\s*reg\s+(?:\[[^\]]*\]\s*)?([A-Za-z_]\w*)\s*(?:\[[^\]]*\]\s*)?;", re.M)


@dataclass(frozen=True)
class StateClaim:
    kind: str  # "combinational" | "sequential"
    quote: str  # the spec's own words


def _first(patterns: list[str], spec: str) -> str | None:
    for pattern in patterns:
        m = re.search(pattern, spec, re.IGNORECASE)
        if m:
            return m.group(0)
    return None


def state_claim(spec: str) -> StateClaim | None:
    comb, seq = _first(_COMBINATIONAL, spec), _first(_SEQUENTIAL, spec)
    if comb and not seq:
        return StateClaim("combinational", comb)
    if seq and not comb:
        return StateClaim("sequential", seq)
    return None


def state_elements(verilog: str) -> list[str] | None:
    """None for a design without clocked blocks, else the registers it declares (names; may be empty)."""
    if not _STATE_RE.search(verilog):
        return None
    return [n for n in _REG_RE.findall(verilog) if not n.startswith("_RANDOM")]


def state_verdict(result: VerifyResult, claim: StateClaim | None) -> VerifyResult:
    """`result`, failed with `interface_mismatch` when the design contradicts the claim."""
    if claim is None or not result.ok or not result.verilog:
        return result
    regs = state_elements(result.verilog)
    if claim.kind == "combinational" and regs is not None:
        names = ", ".join(regs[:4]) or "a clocked block"
        message = (f"interface: the spec says the design holds no state (\"{claim.quote}\"), but the design has "
                   f"registers ({names}): compute the outputs from the current inputs with wires only")
    elif claim.kind == "sequential" and regs is None:
        message = (f"interface: the spec describes state (\"{claim.quote}\"), but the design has no register: "
                   "it is purely combinational")
    else:
        return result
    failed = result.model_copy(deep=True)
    failed.ok, failed.stage, failed.category = False, Stage.simulate, Category.interface_mismatch
    failed.diagnostics.append(Diagnostic(stage=Stage.simulate, message=message, category=Category.interface_mismatch))
    return failed
