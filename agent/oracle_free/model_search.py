"""The search's hooks for Python models (agent/oracle_free/pymodels.py), called from narrow points of
agent/search.py:

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
from typing import TYPE_CHECKING, Awaitable, Callable

from agent.candidate import check_candidate
from agent.events import ModelRepairEvent, PyModelsCheckEvent, PyModelsEvent, PyModelsSelectionEvent
from agent.extract import extract_code
from agent.oracle_free import pymodels
from agent.oracle_free.vote import Candidate, Vote
from agent.prompting import Prompt, PromptBuilder, number_lines
from reflect_env.sim import cosim

if TYPE_CHECKING:
    from agent.search import _ChainRunner, _Run

MAX_QUOTED = 5  # counterexample cycles in a repair prompt


async def draw_models(run: "_Run") -> list[str]:
    """The m models (parsed; the rest dropped with the reason), in the trace's `pymodels` event."""
    prompt = pymodels.models_prompt(run.builder, run.task.spec, run.interface)
    completion = await run.chat(prompt, chain=None, round=0, n=run.cfg.pymodels, temperature=run.cfg.temperature,
                                seed=run.cfg.seed)
    models, dropped = pymodels.parse_models(completion.texts)
    run.report(PyModelsEvent(models=models, dropped=dropped))
    return models


def candidate_of(runner: "_ChainRunner") -> Candidate | None:
    """The chain's passing candidate (its latest passing attempt), else None."""
    best = runner.best
    if (runner.chain.first_pass_round is None or best is None or best.result is None or not best.result.verilog
            or best.attempt.code is None or best.result.top is None):
        return None
    return Candidate(chain=runner.index, code=best.attempt.code, verilog=best.result.verilog, top=best.result.top,
                     repairs=runner.chain.first_pass_round)


async def confirms_pass(run: "_Run", runner: "_ChainRunner") -> bool:
    cand = candidate_of(runner)
    if cand is None or not run.models:
        return False
    matrix = await asyncio.to_thread(pymodels.agreement, [cand], run.models)
    ok = pymodels.confirms(matrix, cand.chain)
    run.report(PyModelsCheckEvent(chain=cand.chain, confirmed=ok, agree=matrix.agreeing_models(f"#{cand.chain}"),
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


async def select_and_repair(run: "_Run", runners: "list[_ChainRunner]", vote: Vote | None,
                            revote: "Callable[[_Run, list[_ChainRunner]], Awaitable[Vote | None]]") -> Vote | None:
    """Choose by dual agreement; repair the choice against the models while none backs it (module docstring).
    The selection is `vote.models`; the chosen chain is `vote.chosen`."""
    from agent.llm.client import LLMRequestError
    from agent.errors import BudgetExceeded

    repairs: list[dict] = []
    while vote is not None:
        cands = [c for c in (candidate_of(r) for r in runners) if c is not None]
        matrix = await asyncio.to_thread(pymodels.agreement, cands, run.models)
        sel = pymodels.select(vote, cands, run.models, matrix)
        vote.chosen = sel.chosen
        vote.models = sel.to_dict() | {"repairs": repairs}
        run.report(PyModelsSelectionEvent(**vote.models, matrix=matrix.to_dict()))
        targets = [m for m in sel.valid if m not in sel.suspect]
        runner = next((r for r in runners if r.index == sel.chosen), None)
        if sel.backing or not targets or runner is None or runner.best is None or runner.best.attempt.code is None:
            return vote
        rnd = max(a.round for a in runner.chain.attempts) + 1
        if rnd > run.cfg.depth:
            return vote
        assert sel.chosen is not None
        parent_rate = _mean_rate(matrix, sel.chosen, targets)
        closest = max(targets, key=lambda m: matrix.pairs[f"#{sel.chosen}"][m].match_rate)
        code = runner.best.attempt.code
        prompt = repair_models_prompt(run.builder, run.task.spec, run.task.top, code,
                                      matrix.pairs[f"#{sel.chosen}"][closest])
        try:
            completion = await run.chat(prompt, chain=runner.index, round=rnd, n=1, temperature=run.cfg.temperature,
                                        seed=run.cfg.seed)
        except (BudgetExceeded, LLMRequestError) as e:
            run.report(ModelRepairEvent(chain=runner.index, round=rnd, stopped=str(e)))
            return vote
        entry = await _try_repair(run, runner, rnd, completion, targets, parent_rate, closest)
        repairs.append(entry)
        vote.models["repairs"] = repairs
        if not entry["accepted"]:
            return vote  # asking again from the same parent would get the same reply
        vote = await revote(run, runners)
    return vote


async def _try_repair(run: "_Run", runner: "_ChainRunner", rnd: int, completion, targets: list[str],
                      parent_rate: float, closest: str) -> dict:
    """Verify the reply as an attempt of the chain; it replaces the parent only if it passes and its mean
    match rate against the target models strictly improves. A rejected reply leaves the chain as it was."""
    t = time.perf_counter()
    text = completion.texts[0] if completion.texts else ""
    ex = extract_code(text, (completion.finish_reasons or [None])[0], run.task.top)
    entry = {"chain": runner.index, "round": rnd, "against": closest, "parent_rate": round(parent_rate, 4),
             "rate": None, "passed": False, "accepted": False}
    if ex.code is None:
        run.report(ModelRepairEvent(**entry, note=ex.note))
        return entry

    async def verify(code: str):
        return await run.verify(code, runner.index, rnd)

    checked = await check_candidate(ex.code, run.task, verify, fix=run.cfg.fix, profile=run.cfg.profile, round=rnd,
                                    escaped=False, tokens=completion.completion_tokens, seen=runner.seen_codes)
    entry["passed"] = checked.result.ok
    if checked.result.ok and checked.result.verilog and checked.result.top:
        cand = Candidate(chain=runner.index, code=checked.code, verilog=checked.result.verilog,
                         top=checked.result.top, repairs=rnd)
        matrix = await asyncio.to_thread(pymodels.agreement, [cand], run.models)
        rate = _mean_rate(matrix, runner.index, [m for m in targets if m in matrix.pairs[f"#{runner.index}"]])
        entry["rate"] = round(rate, 4)
        if rate > parent_rate:
            entry["accepted"] = True
            for step in checked.steps:
                runner._record(step.attempt, step.result)
    run.report(ModelRepairEvent(**entry, wall_s=round(time.perf_counter() - t, 3)))
    return entry
