"""Repair the vote's answer against the model's checks it fails (docs/oracle_free.md, section 3).

The vote runs every check on each behaviour group and drops the suspect ones (vote.suspect_checks).
When the chosen group still fails a trusted check, its candidate's chain gets a repair round whose
prompt (prompts/repair_checks.j2) quotes each failing check: its inputs and expected outputs per
cycle, and the value the design gave instead. The repaired code is an ordinary attempt of that
chain (extract, fix, verify, interface); when it passes, the candidates vote again, and the loop
goes on while the chosen candidate fails a trusted check and its chain has repair rounds left.
Only the chosen group is repaired: a group that lost the vote cannot change the answer by passing
a check, and every repair costs an LLM call.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from agent.events import CheckRepairEvent
from agent.oracle_free.vote import Vote
from agent.prompting import Prompt, PromptBuilder, number_lines

if TYPE_CHECKING:
    from agent.oracle_free.protocol import SolveSession

# reflect_env.sim.vectors words a failure as `step 2: io_sum expected 7, got 255`.
_VERDICT_RE = re.compile(r"step (\d+): (\S+) expected (\S+), got (\S+)")


@dataclass
class CheckFailure:
    check: int  # index into the run's checks
    steps: list[dict]  # the check, in the spec's port names
    text: str  # the verdict as the simulator words it
    step: int | None = None  # 1-based cycle after reset of the first mismatch
    signal: str | None = None  # in the spec's name
    expected: str | None = None
    got: str | None = None

    def view(self) -> dict:
        """What prompts/repair_checks.j2 quotes."""
        def values(d: dict) -> str:
            return ", ".join(f"{k}={v}" for k, v in d.items()) or "(unchanged)"
        return {"number": self.check + 1, "text": self.text, "step": self.step, "signal": self.signal,
                "expected": self.expected, "got": self.got,
                "steps": [{"inputs": values(s.get("inputs", {})), "outputs": values(s.get("outputs", {}))}
                          for s in self.steps]}


def chosen_failures(vote: Vote | None, checks: list[list[dict]]) -> list[CheckFailure]:
    """The trusted checks the chosen group fails (none when the checks did not run)."""
    report = vote.checks if vote is not None else None
    if not report or not report.get("verdicts"):
        return []
    out = []
    for i, verdict in enumerate(report["verdicts"][0]):
        if verdict is None or i in report["suspect"] or verdict.startswith("not run"):
            continue
        f = CheckFailure(check=i, steps=checks[i], text=verdict)
        m = _VERDICT_RE.fullmatch(verdict)
        if m:
            outputs = {n for s in checks[i] for n in s.get("outputs", {})}
            name = m.group(2)
            f.step, f.expected, f.got = int(m.group(1)), m.group(3), m.group(4)
            f.signal = name[3:] if name.startswith("io_") and name[3:] in outputs else name
        out.append(f)
    return out


def repair_checks_prompt(builder: PromptBuilder, spec: str, top: str | None, code: str,
                         failures: list[CheckFailure]) -> Prompt:
    return builder.chat(builder.render("repair_checks", spec=spec, top=top, numbered_code=number_lines(code),
                                       failures=[f.view() for f in failures]), "repair_checks")


async def repair_from_checks(session: SolveSession, vote: Vote | None) -> Vote | None:
    """Repair rounds for the chosen candidate while it fails a trusted check (module docstring);
    returns the last vote, whose `checks["repairs"]` lists each round (chain, round, the checks it
    quoted, whether the repaired code passed verification)."""
    from agent.errors import BudgetExceeded
    from agent.llm.client import LLMRequestError

    repairs: list[dict] = []
    while True:
        failures = chosen_failures(vote, session.checks)
        state = session.chain(vote.chosen) if vote is not None and vote.chosen is not None else None
        if not failures or state is None or state.code is None:
            break
        rnd = state.last_round + 1
        if rnd > session.cfg.depth:
            break
        code = state.code
        prompt = repair_checks_prompt(session.builder, session.task.spec, session.task.top, code, failures)
        session.report(CheckRepairEvent(chain=state.chain, round=rnd, checks=[f.check for f in failures],
                                        failures=[f.text for f in failures]))
        try:
            completion = await session.ask(prompt, chain=state.chain, round=rnd, temperature=session.cfg.temperature)
            passed = await session.attempt(state.chain, completion, rnd)
        except (BudgetExceeded, LLMRequestError) as e:  # the answer stays what the vote chose
            session.report(CheckRepairEvent(chain=state.chain, round=rnd, stopped=str(e)))
            break
        repairs.append({"chain": state.chain, "round": rnd, "checks": [f.check for f in failures], "passed": passed})
        after = session.chain(state.chain)
        if not passed or after is None or after.code == code:  # asking again with the same code would get the same reply
            break
        vote = await session.vote()
    if repairs and vote is not None and vote.checks is not None:
        vote.checks["repairs"] = repairs
    return vote
