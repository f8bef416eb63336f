"""Solving without an oracle: the spec's interface as a check, and the candidates' own agreement.

`agent solve` on a spec with no reference and no testbench (docs/oracle_free.md):
  * `derive_interface`: the interface the spec states (explicit, parsed, or asked of the model),
    which reflect_env.interface checks every candidate against (`interface_mismatch`);
  * `vote`: candidates that pass are grouped by simulated behaviour; the answer comes from the
    largest group and the user sees how many agree;
  * `parse_checks` (opt-in, `--checks`): the model's own input->output vectors, which rank
    equal-sized groups unless the candidates contradict them (then they are suspect), and
    `repair_from_checks` repairs the chosen candidate against the trusted checks it fails.
"""
from __future__ import annotations

import re
from typing import Awaitable, Callable

from agent.oracle_free.checks import MAX_CHECKS, checks_schema, parse_checks
from agent.oracle_free.interface import (InterfaceError, from_model_answer, parse_interface, parse_port_entry,
                                         parse_ports_flag)
from agent.oracle_free.repair import CheckFailure, chosen_failures, repair_checks_prompt, repair_from_checks
from agent.oracle_free.state import StateClaim, state_claim, state_verdict
from agent.oracle_free.vote import Candidate, Vote, suspect_checks, vote
from agent.prompting import Prompt, PromptBuilder, number_lines
from agent.task import Task
from reflect_env.interface import Interface
from reflect_env.result import VerifyResult

__all__ = ["Candidate", "CheckFailure", "Interface", "InterfaceError", "Vote", "checks_prompt", "chosen_failures",
           "derive_interface", "from_model_answer", "interface_prompt", "parse_checks", "parse_interface",
           "parse_port_entry", "parse_ports_flag", "repair_checks_prompt", "repair_from_checks", "repair_prompt",
           "StateClaim", "state_claim", "state_verdict", "suspect_checks", "vote"]


def interface_prompt(builder: PromptBuilder, spec: str) -> Prompt:
    return builder.chat(builder.render("interface", spec=spec), "interface", system=False)


def checks_prompt(builder: PromptBuilder, spec: str, interface: Interface) -> Prompt:
    """The checks question. Names outside the interface make parse_checks drop the whole check, so the
    prompt says so: without it, the 1.5B invented an input (`in`, `reg`) in every check for 5 of the first
    6 eval_set_v2 specs it was asked about (L1-Basic_006-012, output-only modules): all dropped."""
    ports = ", ".join(p.describe() for p in interface.ports)
    has_inputs = any(p.direction != "output" for p in interface.ports)
    user = builder.render("checks", spec=spec, ports=ports, has_inputs=has_inputs, max_checks=MAX_CHECKS)
    return builder.chat(user, "checks", system=False, response_format=checks_schema(interface))


def repair_prompt(builder: PromptBuilder, spec: str, top: str | None, code: str, result: VerifyResult) -> Prompt:
    """The repair prompt for an `interface_mismatch`: the spec, the code, each contradiction with the
    spec's own words (repair.j2 speaks of compiler stages, which is not what failed here)."""
    problems = [d.message.removeprefix("interface: ") for d in result.diagnostics
                if d.category is not None and getattr(d.category, "value", d.category) == "interface_mismatch"]
    user = builder.render("repair_interface", spec=spec, top=top, numbered_code=number_lines(code), problems=problems)
    return builder.chat(user, "repair_interface")


def names_a_port(spec: str, top: str | None) -> bool:
    return any(name != top for name in re.findall(r"[`'\"]([A-Za-z_]\w*)[`'\"]", spec))


async def derive_interface(task: Task, builder: PromptBuilder,
                           ask: Callable[[Prompt], Awaitable[str]] | None) -> Interface | None:
    """The interface to check: the task's explicit one (`task.meta["interface"]`, from --ports),
    else what the spec's text states, else (when `ask` is given) the model's answer filtered by the
    spec's text. None when there is nothing to check. The model is asked only when the spec quotes
    a name other than the module's (`en`, "count"): its answer keeps only names the spec writes, so
    for a spec that quotes none the call would cost tens of seconds for nothing."""
    given = task.meta.get("interface")
    if given:
        return given if isinstance(given, Interface) else Interface.from_dict(given)
    found = parse_interface(task.spec)
    if found is not None or ask is None or not names_a_port(task.spec, task.top):
        return found
    return from_model_answer(task.spec, await ask(interface_prompt(builder, task.spec)))
