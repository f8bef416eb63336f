"""The two text transforms the harness borrows from the agent: pulling code out of a model reply,
and the deterministic fixers. Kept in one place so replay and live runs treat candidates the same."""
from __future__ import annotations

from agent.task import Task


def extract(raw_output: str, top: str | None, finish_reason: str | None = None) -> tuple[str | None, str | None]:
    """(code, failure category). The category is extraction_failed / truncated when no code came out."""
    from agent.extract import extract_code

    got = extract_code(raw_output, finish_reason, top)
    if got.code and got.code.strip():
        return got.code, None
    return None, got.category or "extraction_failed"


def fix_candidate(code: str, task: Task, profile: str | None = None, diagnostics=None) -> tuple[str, list[str]]:
    """Run every deterministic fixer; returns the new code and one `fixer: rule (detail)` per edit.
    With a failed verification's diagnostics the fixers also act on what the compiler named
    (as the search loop does between verifications)."""
    from agent.fixers import FixContext, apply_fixers

    ctx = FixContext(top=task.top, profile=profile or "chisel7", spec=task.spec, diagnostics=list(diagnostics or []))
    new_code, records = apply_fixers(code, ctx)
    return new_code, [f"{r.fixer}: {r.rule}" + (f" ({r.detail})" if r.detail else "") for r in records]
