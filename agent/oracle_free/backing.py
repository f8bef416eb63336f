"""What backs a solve's answer, in the words `agent solve` prints (docs/solve.md, "What backs "solved"").

A candidate that compiles, elaborates and matches the spec's interface may still be wrong (issue 20: an
accumulator for a "purely combinational" adder, chosen 1-1 by line count). So `solved` says what else
agrees with it: the reference or testbench it was simulated against, the Python models that agree with
it (co-simulated), or a vote majority of two or more. Nothing of these: `unconfirmed`, with the reason.
"""
from __future__ import annotations


def backing(passed: bool, oracle: str | None, vote: dict | None) -> tuple[str | None, str | None]:
    """(backed_by, why unconfirmed); both None when nothing passed. `oracle`: "reference"/"testbench"/None."""
    if not passed:
        return None, None
    if oracle:
        return oracle, None
    models = (vote or {}).get("models") or {}
    if models.get("backing"):
        counted = len([m for m in models.get("valid", []) if m not in models.get("suspect", [])])
        return f"python models {models['backing']}/{counted}", None
    if vote and vote.get("confirmed"):
        valid = len(models.get("valid") or [])  # usable models ran, and none backs the answer: contradicted
        if not valid:
            return f"vote {vote['agree']}/{vote['total']}", None
        return None, (f"{vote['agree']} of {vote['total']} candidates agree, but "
                      f"{'the Python model contradicts' if valid == 1 else f'all {valid} Python models contradict'} it")
    why = []
    if vote and vote.get("total", 0) > 1:
        why.append(f"{vote['agree']} of {vote['total']} candidates agree, no majority of two or more")
    elif vote:
        why.append("one candidate passed, none to compare it with")
    else:
        why.append("nothing compared it (no vote, no Python model)")
    if models:
        why.append(models.get("warning") or "no Python model agrees with it")
    return None, "; ".join(why)


def status_text(solved: bool, backed_by: str | None, unconfirmed: str | None) -> str:
    """`solved (confirmed: python models 2/2)`, `solved (unconfirmed: ...)`, or `not solved`."""
    if not solved:
        return "not solved"
    return f"solved (confirmed: {backed_by})" if backed_by else f"solved (unconfirmed: {unconfirmed or 'nothing backs it'})"
