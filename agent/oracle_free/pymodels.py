"""Python models written by the model from the spec, as evidence for choosing among candidates (issue 20).

With `pymodels = m` (AgentConfig, `--pymodels M`) and no reference, one request (n = m, prompts/pymodel.j2)
asks for m Python reference models of the spec (docs/python_models.md). Every passing candidate is then
co-simulated against every model (reflect_env.sim.cosim: each candidate compiled once, each model run once,
1,000 random cycles) and the answer is chosen by dual agreement, as CodeT does for code and tests: each
behaviour group g of the vote scores |g| x |models that agree with g's representative|; the highest score
wins, the vote's order breaks ties, and when no model agrees with any candidate the vote's choice stands and
the summary warns. A model that raises, hangs or names other ports is the reference's fault and is left out
(`errors`); one that every candidate contradicts while all candidates agree with each other (one behaviour
group of two or more) is `suspect`: more likely wrong than k samples wrong the same way, so it drives no repair.
"""
from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from agent.oracle_free.vote import Candidate, Vote
from agent.prompting import Prompt, PromptBuilder
from reflect_env.interface import Interface
from reflect_env.sim import cosim

MODEL_CYCLES = 1000
MODEL_SEED = 11
_BLOCK_RE = re.compile(r"```(?:python|py)?[^\n]*\n(.*?)```", re.S)


def models_prompt(builder: PromptBuilder, spec: str, interface: Interface | None) -> Prompt:
    ports = ", ".join(p.describe() for p in interface.ports) if interface and interface.ports else ""
    return builder.chat(builder.render("pymodel", spec=spec, ports=ports), "pymodel", system=False)


def parse_models(texts: list[str]) -> tuple[list[str], list[str]]:
    """(model sources, why each other answer was dropped). A source must define `class Model` with `step`
    and parse as Python; whether it runs is found out in its sandbox."""
    kept: list[str] = []
    dropped: list[str] = []
    for i, text in enumerate(texts):
        blocks = [b for b in _BLOCK_RE.findall(text or "") if "class Model" in b] or [text or ""]
        source = blocks[0].strip() + "\n"
        if not re.search(r"^class\s+Model\b", source, re.M) or "def step" not in source:
            dropped.append(f"answer {i}: no `class Model` with a `step` method")
            continue
        try:
            compile(source, "model.py", "exec")
        except SyntaxError as e:
            dropped.append(f"answer {i}: syntax error at line {e.lineno}: {e.msg}")
            continue
        if source in kept:
            dropped.append(f"answer {i}: a repeat of an earlier model")
            continue
        kept.append(source)
    return kept, dropped


def agreement(cands: list[Candidate], models: list[str], workdir: Path | None = None) -> cosim.Agreement:
    """Every candidate against every model (names `#<chain>` and `m<i>`). Blocking: iverilog and python."""
    designs = {f"#{c.chain}": (c.verilog, c.top) for c in cands}
    named = {f"m{i}": src for i, src in enumerate(models)}
    if workdir is not None:
        return cosim.agreement(designs, named, workdir=workdir, cycles=MODEL_CYCLES, seed=MODEL_SEED)
    with tempfile.TemporaryDirectory(prefix="pymodels-") as tmp:
        return cosim.agreement(designs, named, workdir=Path(tmp), cycles=MODEL_CYCLES, seed=MODEL_SEED)


def confirms(matrix: cosim.Agreement, chain: int) -> bool:
    """The models back this candidate: at least one valid model agrees, and at least half of them do."""
    valid = matrix.valid_models()
    agreeing = [m for m in matrix.agreeing_models(f"#{chain}") if m in valid]
    return bool(agreeing) and 2 * len(agreeing) >= len(valid)


@dataclass
class Selection:
    """How the models chose (the trace's `pymodels_selection` event, SolveResult.vote["models"])."""

    chosen: int | None  # chain index
    models: int  # models drawn (after parsing)
    valid: list[str]  # ran, and fit the candidates' ports
    agree: dict[int, list[str]]  # chain -> valid models that agree with it
    scores: list[int]  # per vote group, in the vote's order
    suspect: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # model -> why it is the reference's fault
    match_rate: dict[int, dict[str, float]] = field(default_factory=dict)
    how: str = ""
    warning: str | None = None
    sim_s: float = 0.0

    @property
    def backing(self) -> int:
        """How many valid, non-suspect models agree with the chosen candidate."""
        return len([m for m in self.agree.get(self.chosen, []) if m not in self.suspect]) if self.chosen is not None else 0

    def to_dict(self) -> dict:
        return {"chosen_chain": self.chosen, "models": self.models, "valid": self.valid,
                "agree": {str(k): v for k, v in self.agree.items()}, "scores": self.scores, "suspect": self.suspect,
                "errors": self.errors, "match_rate": {str(k): v for k, v in self.match_rate.items()},
                "how": self.how, "warning": self.warning, "backing": self.backing, "sim_s": round(self.sim_s, 3)}


def select(vote: Vote, cands: list[Candidate], models: list[str], matrix: cosim.Agreement | None = None) -> Selection:
    """Dual agreement over the vote's behaviour groups (module docstring); `vote.chosen` is left to the caller."""
    matrix = matrix or agreement(cands, models)
    valid = matrix.valid_models()
    errors = {m: (r.error or "") for m, r in matrix.models.items() if not r.ok}
    errors |= {m: next(p.error or "" for p in (row[m] for row in matrix.pairs.values()))
               for m in matrix.models if m not in valid and m not in errors}
    agree = {c.chain: [m for m in matrix.agreeing_models(f"#{c.chain}") if m in valid] for c in cands}
    rates = {c.chain: {m: round(matrix.pairs[f"#{c.chain}"][m].match_rate, 4) for m in valid} for c in cands}
    one_group = len(vote.groups) == 1 and len(vote.groups[0]) >= 2
    suspect = [m for m in valid if one_group and not any(m in agree[c] for c in vote.groups[0])]
    counted = [m for m in valid if m not in suspect]
    scores = [len(g) * len([m for m in agree.get(g[0], []) if m in counted]) for g in vote.groups]
    sel = Selection(chosen=vote.chosen, models=len(models), valid=valid, agree=agree, scores=scores, suspect=suspect,
                    errors=errors, match_rate=rates, sim_s=matrix.seconds)
    if not counted:
        sel.how = (f"no usable Python model ({len(models)} drawn, {len(errors)} at fault, {len(suspect)} suspect): "
                   "the vote chose")
        sel.warning = "no Python model agrees with the chosen design" if models else None
        return sel
    best = max(range(len(scores)), key=lambda g: (scores[g], -g)) if scores else None
    if best is None or scores[best] == 0:
        sel.how = f"none of {len(counted)} Python model(s) agrees with any candidate: the vote chose"
        sel.warning = "no Python model agrees with the chosen design"
        return sel
    group = vote.groups[best]
    sel.chosen = group[0]
    n = len(agree[group[0]])
    sel.how = (f"dual agreement: candidate #{group[0]}'s behaviour group ({len(group)} of {vote.total} candidates) "
               f"agrees with {n} of {len(counted)} Python model{'s' if len(counted) != 1 else ''} (score {scores[best]})")
    return sel
