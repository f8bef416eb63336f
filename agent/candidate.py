"""One candidate's way through the pipeline, the same for live search and replay: the deterministic
fixers, verification (checked once more when the worker crashed or timed out), and when it fails,
the fixers again with the compiler's diagnostics and one more verification, without an LLM call.

The search loop (agent/search.py) feeds it extracted model replies and decides what comes next
(repair, escape, stop); `--replay` (agent/eval/replay.py) feeds it recorded code.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Awaitable, Callable

from agent.records import AttemptRecord
from agent.fixers import FixContext, FixRecord, apply_fixers
from agent.task import Task
from reflect_env.result import INFRA_CATEGORIES, VerifyResult

# One verdict for one piece of code, the task and mode already bound (the search's traced verify,
# or `ReflectEnv.averify` with the task's top/reference/testbench for replay and scoring).
Verify = Callable[[str], Awaitable[VerifyResult]]
# Called before each verification that fixers changed the code for: (records, new code, driven_by),
# driven_by "diagnostics" for the pass that read the failed verification's diagnostics, else None.
OnFix = Callable[[list[FixRecord], str, str | None], None]



def code_key(code: str) -> str:
    """Code identity up to whitespace: what "the same code again" means for stall detection."""
    return hashlib.sha1(" ".join(code.split()).encode()).hexdigest()


def describe_fix(record: FixRecord) -> str:
    """A fixer's edit as results.jsonl keeps it: `fixer: rule (detail)`."""
    return record.name + (f" ({record.detail})" if record.detail else "")


def first_error_line(result: VerifyResult) -> str:
    first = result.first_error()
    return first.message.splitlines()[0][:200] if first and first.message else "-"


async def verify_with_retry(verify: Verify, code: str) -> VerifyResult:
    """One verdict; a crash or timeout is checked once more (on a fresh worker) before it counts."""
    result = await verify(code)
    if not result.ok and result.category in INFRA_CATEGORIES:
        again = await verify(code)
        again.notes.append(f"re-checked after {result.category}: {first_error_line(result)}")
        return again
    return result


def fix_code(code: str, task: Task, profile: str, diagnostics=None) -> tuple[str, list[FixRecord]]:
    """Every deterministic fixer over `code`; with a failed verification's diagnostics the fixers also
    act on what the compiler named (`not found: value Cat`)."""
    ctx = FixContext(top=task.top, profile=profile, spec=task.spec, diagnostics=list(diagnostics or []))
    return apply_fixers(code, ctx)


@dataclass
class Step:
    """One verification of the candidate: its record and the verifier's full verdict."""

    attempt: AttemptRecord
    result: VerifyResult


@dataclass
class Checked:
    steps: list[Step] = field(default_factory=list)  # one, or two after diagnostic-driven fixes
    repeated: bool = False  # the (fixed) code was in `seen` already: the chain made no progress

    @property
    def result(self) -> VerifyResult:
        return self.steps[-1].result

    @property
    def code(self) -> str:
        code = self.steps[-1].attempt.code
        assert code is not None  # every step verified some code
        return code


async def check_candidate(code: str, task: Task, verify: Verify, *, fix: bool, profile: str, round: int = 0,
                          escaped: bool = False, tokens: int = 0, seen: set[str] | None = None,
                          on_fix: OnFix | None = None) -> Checked:
    """Take `code` through the fixers (when `fix`), verification, and on failure the fixers driven by
    the diagnostics and one more verification. `seen` (code keys, updated in place) holds the code a
    chain already verified: a diagnostic-driven fix that leads back to it is not verified again.
    `round`, `escaped` and `tokens` go into the attempt records (`tokens` on the first only: the
    re-verification cost no LLM call)."""
    seen = set() if seen is None else seen
    code, fixes = apply_fixers(code, FixContext(top=task.top, profile=profile, spec=task.spec), enabled=fix)
    if fixes and on_fix is not None:
        on_fix(fixes, code, None)
    checked = Checked(repeated=code_key(code) in seen)
    seen.add(code_key(code))
    result = await verify_with_retry(verify, code)
    checked.steps.append(Step(_attempt(round, code, result, fixes, escaped, tokens), result))
    if fix and not result.ok:
        fixed, more = fix_code(code, task, profile, result.diagnostics)
        if more and code_key(fixed) not in seen:
            if on_fix is not None:
                on_fix(more, fixed, "diagnostics")
            seen.add(code_key(fixed))
            result = await verify_with_retry(verify, fixed)
            checked.steps.append(Step(_attempt(round, fixed, result, more, escaped, 0), result))
    return checked


def _attempt(round: int, code: str, result: VerifyResult, fixes: list[FixRecord], escaped: bool,
             tokens: int) -> AttemptRecord:
    return AttemptRecord(round=round, ok=result.ok, stage=result.stage, category=None if result.ok else result.category,
                         fixes=[describe_fix(f) for f in fixes], escaped=escaped, tokens=tokens, code=code)
