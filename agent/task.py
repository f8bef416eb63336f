"""A design task as every part of the agent sees it: the spec, the module it must define, and how to check it."""
from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel


class Task(BaseModel):
    id: str
    spec: str  # the natural-language specification given to the model
    top: str | None = None  # module name the solution must define (None: any single top)
    level: str | None = None  # e.g. "L1-Basic"
    category: str | None = None
    # Functional check, optional: a reference design (Chisel or SystemVerilog source text) for
    # differential simulation, or a testbench file (VerilogEval .sv with `reference`, Verilator .cpp).
    reference: str | None = None
    testbench: Path | None = None
    require_simulate: bool = False
    # A user's own spec (`agent solve`, `agent rag prompt`), not a benchmark problem: its prompt may show
    # worked examples that are twins of some benchmark problem (agent.rag.bank). False by default, so
    # every measured task is kept clear of them.
    user_spec: bool = False
    meta: dict = {}
