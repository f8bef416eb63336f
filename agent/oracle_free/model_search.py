"""The search's steps for Python models (agent/oracle_free/pymodels.py), on the SolveSession protocol
(agent/oracle_free/protocol.py) like the other oracle-free steps:

  * `draw_models` before round 0: one request, n = `pymodels`, for the models (trace `pymodels`);
  * `confirms_pass` when a chain passes: co-simulate it against the models; a pass they back ends the
    search at once (select=first), with no second pass to wait for;
  * `select_and_repair` after the vote: dual agreement chooses (pymodels.select), then, while no model
    backs the chosen candidate, counterexample-guided repair of its chain (prompts/repair_models.j2 quotes
    the cycles where it differs from the model it matches best); a repair replaces its parent only if its
    mean match rate against the models strictly improves, and every accepted repair re-runs the vote.
"""
from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Callable

from agent.events import Event, ModelRepairEvent, PyModelsCheckEvent, PyModelsEvent, PyModelsSelectionEvent
from agent.oracle_free import pymodels
from agent.oracle_free.vote import Candidate, Vote
from agent.prompting import Prompt, PromptBuilder, number_lines
from reflect_env.sim import cosim

if TYPE_CHECKING:
    from agent.oracle_free.protocol import SolveSession

MAX_QUOTED = 5  # counterexample cycles in a repair prompt


async def draw_models(session: SolveSession) -> list[str]:
    """The m models (parsed; the rest dropped with the reason), in the trace's `pymodels` event."""
    prompt = pymodels.models_prompt(session.builder, session.task.spec, session.interface)
    completion = await session.ask(prompt, chain=None, round=0, temperature=session.cfg.temperature,
                                   n=session.cfg.pymodels)
    models, dropped = pymodels.parse_models(completion.texts)
    session.report(PyModelsEvent(models=models, dropped=dropped))
    return models


async def confirms_pass(models: list[str], cand: Candidate | None, report: Callable[[Event], None]) -> bool:
    """Whether the models back a chain's passing candidate (co-simulated; the trace's `pymodels_check`)."""
    if cand is None or not models:
        return False
    matrix = await asyncio.to_thread(pymodels.agreement, [cand], models)
    ok = pymodels.confirms(matrix, cand.chain)
    report(PyModelsCheckEvent(chain=cand.chain, confirmed=ok, agree=matrix.agreeing_models(f"#{cand.chain}"),
                              valid=matrix.valid_models(), sim_s=round(matrix.seconds, 3)))
    return ok


def repair_models_prompt(builder: PromptBuilder, spec: str, top: str | None, code: str,
                         pair: cosim.PairResult) -> Prompt:
    lines = [cx.line() for cx in pair.counterexamples[:MAX_QUOTED]]
    user = builder.render("repair_models", spec=spec, top=top, numbered_code=number_lines(code),
                          counterexamples=lines, matched=pair.matched, cycles=pair.cycles)
    return builder.chat(user, "repair_models")


def _mean_rate(matrix: cosim.Agreement, chain: int, models: list[str]) -> float:
    row = matrix.pairs[f"#{chain}"]
    return sum(row[m].match_rate for m in models) / len(models) if models else 0.0


async def select_and_repair(session: SolveSession, vote: Vote | None) -> Vote | None:
    """Choose by dual agreement; repair the choice against the models while none backs it (module docstring).
    The selection is `vote.models`; the chosen chain is `vote.chosen`."""
    from agent.llm.client import LLMRequestError
    from agent.errors import BudgetExceeded

    repairs: list[dict] = []
    while vote is not None:
        cands = session.candidates()
        matrix = await asyncio.to_thread(pymodels.agreement, cands, session.models)
        sel = pymodels.select(vote, cands, session.models, matrix)
        vote.chosen = sel.chosen
        vote.models = sel.to_dict() | {"repairs": repairs}
        session.report(PyModelsSelectionEvent(**vote.models, matrix=matrix.to_dict()))
        targets = [m for m in sel.valid if m not in sel.suspect]
        state = session.chain(sel.chosen) if sel.chosen is not None else None
        if sel.backing or not targets or state is None or state.code is None:
            return vote
        rnd = state.last_round + 1
        if rnd > session.cfg.depth:
            return vote
        parent_rate = _mean_rate(matrix, state.chain, targets)
        closest = max(targets, key=lambda m: matrix.pairs[f"#{state.chain}"][m].match_rate)
        prompt = repair_models_prompt(session.builder, session.task.spec, session.task.top, state.code,
                                      matrix.pairs[f"#{state.chain}"][closest])
        try:
            completion = await session.ask(prompt, chain=state.chain, round=rnd, temperature=session.cfg.temperature)
        except (BudgetExceeded, LLMRequestError) as e:
            session.report(ModelRepairEvent(chain=state.chain, round=rnd, stopped=str(e)))
            return vote
        entry = await _try_repair(session, state.chain, rnd, completion, targets, parent_rate, closest)
        repairs.append(entry)
        vote.models["repairs"] = repairs
        if not entry["accepted"]:
            return vote  # asking again from the same parent would get the same reply
        vote = await session.vote()
    return vote


async def _try_repair(session: SolveSession, chain: int, rnd: int, completion, targets: list[str],
                      parent_rate: float, closest: str) -> dict:
    """Verify the reply as an attempt of the chain; it replaces the parent only if it passes and its mean
    match rate against the target models strictly improves. A rejected reply leaves the chain as it was."""
    t = time.perf_counter()
    entry = {"chain": chain, "round": rnd, "against": closest, "parent_rate": round(parent_rate, 4),
             "rate": None, "passed": False, "accepted": False}
    trial = await session.trial(chain, completion, rnd)
    if trial.note:  # no code reached the verifier
        session.report(ModelRepairEvent(**entry, note=trial.note))
        return entry
    entry["passed"] = trial.passed
    if trial.candidate is not None:
        matrix = await asyncio.to_thread(pymodels.agreement, [trial.candidate], session.models)
        rate = _mean_rate(matrix, chain, [m for m in targets if m in matrix.pairs[f"#{chain}"]])
        entry["rate"] = round(rate, 4)
        if rate > parent_rate:
            entry["accepted"] = True
            session.keep(trial)
    session.report(ModelRepairEvent(**entry, wall_s=round(time.perf_counter() - t, 3)))
    return entry
