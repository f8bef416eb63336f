"""How the eval harness talks to reflect_env: check one candidate against a task, re-check
name_mismatch failures leniently, and score passing candidates against the reference."""
from __future__ import annotations

from agent.candidate import Verify, first_error_line, verify_with_retry
from agent.records import ProblemRecord
from agent.task import Task
from reflect_env.result import Category, VerifyResult


def verifier(env, task: Task, *, mode: str = "strict") -> Verify:
    """`env.averify` bound to `task` (top, reference or testbench, the simulation length it declares)."""
    async def verify(code: str) -> VerifyResult:
        # An own-benchmark problem declares how long its bugs take to show (`sim.cycles`); None: env default.
        return await env.averify(code, top=task.top, reference=task.reference, testbench=task.testbench, mode=mode,
                                 cycles=task.meta.get("sim_cycles"))
    return verify


async def check(env, task: Task, code: str, *, mode: str = "strict") -> VerifyResult:
    """Verify `code` for `task` on the shared warm pool (runs in a thread, so many can be in flight),
    a crash or timeout checked once more before it counts."""
    return await verify_with_retry(verifier(env, task, mode=mode), code)


async def rescue_name_mismatches(env, task: Task, record: ProblemRecord) -> None:
    """Lenient score: a failing chain whose last candidate only failed on the module's name is
    re-verified in lenient mode (elaborate the single top it does define). Updates `record` in place."""
    for chain in record.chains:
        if chain.first_pass_round is not None or not chain.attempts:
            continue
        last = chain.attempts[-1]
        if last.category != Category.name_mismatch or not last.code:
            continue
        result = await check(env, task, last.code, mode="lenient")
        if result.ok:
            chain.lenient_pass_round = last.round
            record.notes.append(f"lenient: sample {chain.sample_index} passes under another module name")
        elif record.lenient_failure_category is None:  # the lenient check's own cause, not name_mismatch
            record.lenient_failure_category = result.category
            record.notes.append(f"lenient: sample {chain.sample_index} fails "
                                f"{result.category}: {first_error_line(result)}")
    record.passed_lenient = record.passed or any(ch.lenient_pass_round is not None for ch in record.chains)
    if record.passed_lenient:
        record.lenient_failure_category = None


def with_reference(task: Task) -> Task | None:
    """The task as scoring sees it: with its reference (a seed eval-set row keeps its
    `reference_code` even when the row asks for compile only) or testbench; None when it has neither."""
    reference = task.reference or task.meta.get("reference_code")
    if reference is None and task.testbench is None:
        return None
    return task.model_copy(update={"reference": reference, "require_simulate": True})


def without_oracle(task: Task) -> Task:
    """The task as a search without oracle feedback sees it: no reference, no testbench, so its
    verifier stops at compile, elaborate and emit, as it would for a user who has neither."""
    return task.model_copy(update={"reference": None, "testbench": None, "require_simulate": False})


async def score_functional(env, task: Task, record: ProblemRecord, *, oracle_feedback: bool) -> None:
    """Set the record's functional score (in place). With oracle feedback the search already
    simulated against the reference, so its pass is the functional pass. Without, each chain's
    passing candidate is simulated against the reference now, for the score only."""
    scoring = with_reference(task)
    if scoring is None:
        return
    record.functional_check = True
    if oracle_feedback:
        for chain in record.chains:
            chain.functional_ok = True if chain.first_pass_round is not None else None
        record.functional = record.passed
        record.functional_category = None if record.passed else record.failure_category
        if fixed_port_names(task):
            await _score_strict_ports(env, scoring, record)
        return
    verdicts: dict[str, VerifyResult | None] = {}  # the same code in several chains is simulated once
    for chain in record.chains:
        code = chain.passing_code
        if chain.first_pass_round is None or code is None:
            continue
        if code not in verdicts:
            try:
                verdicts[code] = await check(env, scoring, code)
            except Exception as e:  # a verifier fault must not lose the search's record
                record.notes.append(f"functional check of sample {chain.sample_index} raised "
                                    f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"[:300])
                verdicts[code] = None
            _note_unjudged(record, chain.sample_index, verdicts[code])
        result = verdicts[code]
        if result is None:
            record.functional_category = record.functional_category or Category.crash
            continue
        chain.functional_ok = bool(result.ok)
        if result.strict_ok is not None:
            chain.functional_strict_ok = bool(result.strict_ok)
        if not result.ok and record.functional_category is None:
            record.functional_category = result.category
    record.functional = any(ch.functional_ok for ch in record.chains)
    if record.functional:
        record.functional_category = None
    if fixed_port_names(task):
        record.functional_strict = any(ch.functional_strict_ok for ch in record.chains)


def _note_unjudged(record: ProblemRecord, sample: int, result: VerifyResult | None) -> None:
    """A functional check that failed without simulating the design against the reference (the reference
    did not build, the simulator failed, a timeout) says why in the record: its category alone hid that
    a whole task's samples were failed by one reference build that timed out under load."""
    if result is None or result.ok or result.category == Category.sim_mismatch:
        return
    first = result.first_error()
    why = " ".join((first.message if first else "").split())
    record.notes.append(f"functional check of sample {sample}: {result.category}: {why}"[:300])


def fixed_port_names(task: Task) -> bool:
    """A VerilogEval testbench: it connects fixed port names, which the harness adapts a Chisel Module to
    (reflect_env.sim.adapter); the strict view (exact names) is reported next to the adapted one."""
    return task.testbench is not None and str(task.testbench).endswith((".sv", ".v"))


async def _score_strict_ports(env, scoring: Task, record: ProblemRecord) -> None:
    """The strict view of a search that simulated against the testbench itself (oracle feedback): each
    distinct passing candidate checked once more, for its verdict under exact port names."""
    strict: dict[str, bool | None] = {}
    for chain in record.chains:
        code = chain.passing_code
        if chain.first_pass_round is None or code is None:
            continue
        if code not in strict:
            try:
                strict[code] = (await check(env, scoring, code)).strict_ok
            except Exception as e:  # a verifier fault must not lose the search's record
                record.notes.append(f"strict-ports check of sample {chain.sample_index} raised {type(e).__name__}")
                strict[code] = None
        if strict[code] is not None:
            chain.functional_strict_ok = bool(strict[code])
    record.functional_strict = any(ch.functional_strict_ok for ch in record.chains)

