"""One line of results.jsonl per problem, the one function that builds it from the sample chains, and
the append-only log that holds them.

results.jsonl is the source of truth of a run: every other output (results.json, report.md, grids,
plots) is regenerated from it, and --resume skips exactly the ids it already holds. The records live
below the search loop (agent/search.py builds them; agent/eval/ scores and reports them), and
`reported_fields` is how a live solve and a replay alike turn chains into a record's verdict.
"""
from __future__ import annotations

import json
import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Literal

from pydantic import BaseModel, Field, ValidationError, model_validator

from agent.errors import ChiselAgentError
from reflect_env.result import Category, Stage

if TYPE_CHECKING:
    from reflect_env.result import VerifyResult

# The two scores of a candidate. compile: the seed's metric (compiles, elaborates, emits Verilog under
# the requested top name); functional: it also matches the reference in differential simulation (or
# passes the benchmark's testbench).
METRICS = ("compile", "functional")


class Outcome(StrEnum):
    """Why there is no verifier verdict to report (the verifier's own failures are `Category`)."""

    extraction_failed = "extraction_failed"  # no Scala in the model's reply
    truncated = "truncated"  # the reply was cut off (finish_reason length, unbalanced braces)
    missing_output = "missing_output"  # a replay file holds nothing for the problem
    llm_error = "llm_error"  # the model server failed a request for good
    unknown = "unknown"  # the search ended before any candidate was judged (a budget)


# How far a candidate got: "extract" when the search found no usable code in the reply (a replay
# records None there), else the verifier's Stage. Both serialise to the same strings as before.
Reached = Literal["extract"] | Stage
Failure = Category | Outcome


def reach(stage: Reached | None) -> int:
    """Order of `Reached`: no code (None, "extract") < compile < elaborate < emit < simulate < passed."""
    return 0 if stage is None or stage == "extract" else 1 + list(Stage).index(Stage(stage))

# Seed harness stage names, so results.json stays readable by the seed's tooling.
SEED_STAGE = {"extract": "extraction", "compile": "compilation", "elaborate": "elaboration", "emit": "emission",
              "simulate": "simulation", "passed": "passed"}


class AttemptRecord(BaseModel):
    round: int
    ok: bool = False
    stage: Reached | None = None  # None / "extract" when no code reached the verifier
    category: Failure | None = None  # None when ok
    fixes: list[str] = Field(default_factory=list)
    escaped: bool = False
    tokens: int = 0
    code: str | None = None

    @property
    def compiled(self) -> bool:
        # "extract" (no code came out of the reply) and "compile" mean it never compiled.
        return self.ok or reach(self.stage) > reach(Stage.compile)


class ChainRecord(BaseModel):
    """One sample and its repair rounds. Round r passing means the sample needed r repairs."""

    sample_index: int
    first_pass_round: int | None = None  # the round the search's verifier first accepted this chain
    lenient_pass_round: int | None = None  # set only when lenient re-verification rescued a name_mismatch
    # The candidate that passed, checked against the reference: True/False; None when not checked
    # (no pass, no reference, or --compile-only).
    functional_ok: bool | None = None
    # VerilogEval: the same check with the testbench's port names required exactly (no port adapter);
    # None where no testbench has fixed names.
    functional_strict_ok: bool | None = None
    attempts: list[AttemptRecord] = Field(default_factory=list)

    @property
    def passing_code(self) -> str | None:
        """The code of the chain's latest passing attempt: the candidate scored against the reference (and
        the one a search reports when it chooses this chain). None when no attempt with code passed."""
        return next((a.code for a in reversed(self.attempts) if a.ok and a.code), None)

    def passes_within(self, depth: int | None, lenient: bool = False, metric: str | None = None) -> bool:
        """Passes within `depth` repair rounds. metric None: the search's own verdict; "compile": the
        seed's metric (any attempt got through emission); "functional": the pass also matches the
        reference (scored on strict passes only)."""
        if metric == "functional":
            return self.functional_ok is True and self.passes_within(depth)
        rounds = [self.first_pass_round]
        if metric == "compile":
            # Reaching simulation means it compiled, elaborated and emitted Verilog.
            rounds.append(next((a.round for a in self.attempts if a.ok or reach(a.stage) >= reach(Stage.simulate)),
                               None))
        if lenient:
            rounds.append(self.lenient_pass_round)
        return any(r is not None and (depth is None or r <= depth) for r in rounds)

    def tokens_within(self, depth: int | None) -> int:
        """Tokens this chain would have spent had the run stopped at `depth` repairs."""
        bounds = [x for x in (depth, self.first_pass_round) if x is not None]
        limit = min(bounds) if bounds else None
        return sum(a.tokens for a in self.attempts if limit is None or a.round <= limit)


class ProblemRecord(BaseModel):
    id: str
    level: str | None = None
    category: str | None = None
    instruction: str = ""
    top: str | None = None
    functional_check: bool = False  # a reference or testbench was simulated against
    passed: bool = False  # the search's verifier accepted a candidate (strict: the requested top exists)
    passed_lenient: bool = False
    compiled: bool = False  # some candidate got through the Scala compiler
    failure_category: Failure | None = None
    # The lenient re-check's own cause when it failed too (e.g. elaboration after a name_mismatch):
    # lenient views report this, not the strict check's name_mismatch.
    lenient_failure_category: Failure | None = None
    # Functional score, separate from what the search saw: some passing candidate matches the
    # reference (None: nothing to check against, or --compile-only); why the reported one did not.
    functional: bool | None = None
    functional_category: Failure | None = None
    # VerilogEval: the functional score had the testbench's port names been required exactly (strict),
    # next to `functional`, which connects a Chisel Module's ports through the harness's adapter.
    functional_strict: bool | None = None
    stage: Reached | None = None  # of the reported candidate
    raw_output: str | None = None
    extracted_code: str | None = None
    final_code: str | None = None
    final_verilog: str | None = None
    error_log: str | None = None
    rounds: int = 0  # repair rounds of the reported candidate (its attempt's round; reported_fields)
    llm_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    wall_s: float = 0.0
    verify_s: float = 0.0  # summed over verifications (concurrent ones overlap)
    chains: list[ChainRecord] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _functional_from_older_records(self) -> "ProblemRecord":
        # Records written before functional scoring had a reference only where the search simulated
        # against it: there the search's pass was the functional pass.
        if self.functional is None and self.functional_check:
            self.functional = self.passed
            for ch in self.chains:
                if ch.first_pass_round is not None and ch.functional_ok is None:
                    ch.functional_ok = True
        return self

    @property
    def compile_passed(self) -> bool:
        """The seed's metric: some candidate compiled, elaborated and emitted under the requested name."""
        return self.passed or any(ch.passes_within(None, metric="compile") for ch in self.chains)

    def score(self, lenient: bool, metric: str | None = None) -> bool:
        """Pass or fail under `metric` ("compile", "functional"; None: the search's own verdict)."""
        if metric == "functional":
            return bool(self.functional)
        if metric == "compile":
            return self.compile_passed or (lenient and self.passed_lenient)
        return self.passed_lenient if lenient else self.passed

    def failure(self, lenient: bool) -> str | None:
        """The failure category found by the check that scored this record in that mode."""
        return (self.lenient_failure_category or self.failure_category) if lenient else self.failure_category

    def sample_counts(self, depth: int | None = None, lenient: bool = False,
                      metric: str | None = None) -> tuple[int, int]:
        """(n, c) for pass@k: samples drawn and samples passing within `depth` repair rounds."""
        return len(self.chains), sum(ch.passes_within(depth, lenient, metric) for ch in self.chains)

    def seed_failed_stage(self) -> str:
        return SEED_STAGE.get(self.stage or "", self.failure_category or "unknown")

    def to_seed_result(self) -> dict:
        """The seed's per-result layout (baseline_results.json), with our fields added after it."""
        ours = self.model_dump(exclude={"id", "level", "category", "instruction", "raw_output",
                                        "extracted_code", "passed"})
        seed_stage = "passed" if self.passed else SEED_STAGE.get(self.stage or "", self.stage)
        return {
            "id": self.id, "level": self.level, "category": self.category,
            "instruction": self.instruction, "raw_output": self.raw_output or "",
            "extracted_code": self.extracted_code or "",
            "verify_result": {
                "success": self.passed, "compiled": self.compiled,
                "elaborated": self.passed or reach(self.stage) > reach(Stage.elaborate),
                "stage": seed_stage, "error_log": self.error_log, "verilog": self.final_verilog or "",
            },
            "passed": self.passed,
            "failed_stage": None if self.passed else self.seed_failed_stage(),
            **ours,
        }


# What the verifier said about an attempt, for the record: its result (None when no code reached the
# verifier) and, then, why not (the extraction's note).
Evidence = Callable[[AttemptRecord], "tuple[VerifyResult | None, str]"]


def reported_attempt(chains: list[ChainRecord], chosen: int | None = None) -> tuple[ChainRecord, AttemptRecord] | None:
    """The candidate a problem is reported by. Some chain passed: the vote's `chosen` chain, else the one
    that passed in the fewest rounds (the lowest sample index on a tie), with its passing attempt. None
    passed: the attempt that got furthest (`reach`), a chain's later attempt on a tie, the first chain
    among the furthest. None when no chain has an attempt."""
    passing = [c for c in chains if c.first_pass_round is not None]
    if passing:
        chain = min(passing, key=lambda c: (c.sample_index != chosen, c.first_pass_round, c.sample_index))
        return chain, next(a for a in reversed(chain.attempts) if a.ok)
    best: tuple[ChainRecord, AttemptRecord] | None = None
    for chain in chains:
        furthest = None
        for attempt in chain.attempts:
            if furthest is None or reach(attempt.stage) >= reach(furthest.stage):
                furthest = attempt
        if furthest is not None and (best is None or reach(furthest.stage) > reach(best[1].stage)):
            best = chain, furthest
    return best


def reported_fields(chains: list[ChainRecord], evidence: Evidence, *, chosen: int | None = None,
                    llm_failed: bool = False) -> dict[str, Any]:
    """A ProblemRecord's verdict from its chains, for a live solve (agent/search.py) and a replay
    (agent/eval/replay.py) alike: passed, compiled, and of the reported candidate (reported_attempt)
    its stage, code, Verilog, error log, failure category and round (`rounds`). llm_failed: the model
    server failed a request for good (the failure when no attempt was made at all)."""
    reported = reported_attempt(chains, chosen)
    fields: dict[str, Any] = {
        "passed": any(c.first_pass_round is not None for c in chains),
        "compiled": any(a.compiled for c in chains for a in c.attempts),
        "stage": None, "final_code": None, "final_verilog": None, "error_log": None, "failure_category": None,
        "rounds": 0,
    }
    if reported is None:
        fields["failure_category"] = Outcome.llm_error if llm_failed else Outcome.unknown
        return fields
    attempt = reported[1]
    result, note = evidence(attempt)
    fields.update(final_code=attempt.code, rounds=attempt.round,
                  stage=attempt.stage if attempt.code is not None else None)  # no code: no stage to report
    if fields["passed"]:  # the Verilog of the accepted design (a failing one's is not an answer)
        fields["final_verilog"] = result.verilog if result is not None and result.verilog else None
    else:
        fields["failure_category"] = attempt.category or Outcome.unknown
        fields["error_log"] = (result.error_log() if result is not None else note) or None
    return fields


class ResultsLogError(ChiselAgentError, ValueError):
    pass


def read_results(path: Path, *, repair: bool = False,
                 warn: Callable[[str], None] | None = None) -> list[ProblemRecord]:
    """Records of a results.jsonl. A torn last line (the run was killed mid-write) is ignored (and
    passed to `warn` as one line naming it), and cut off the file when `repair` is set so appends
    start on a clean line; a bad line anywhere else is an error naming its line number. A problem
    recorded twice is an error too: resume never writes one, and counting it twice would put a
    report's totals above the benchmark's (compare, keyed by id, would count it once)."""
    if not path.exists():
        return []
    data = path.read_bytes()
    lines = data.split(b"\n")
    records: list[ProblemRecord] = []
    first_line: dict[str, int] = {}
    good_end = 0  # byte offset just past the last good line
    offset = 0
    for lineno, raw in enumerate(lines, start=1):
        end = offset + len(raw) + 1
        is_last = lineno == len(lines) or (lineno == len(lines) - 1 and lines[-1] == b"")
        if raw.strip():
            try:
                record = ProblemRecord.model_validate(json.loads(raw))
            except (json.JSONDecodeError, UnicodeDecodeError, ValidationError) as e:
                if not is_last:
                    raise ResultsLogError(f"{path}:{lineno}: not a result record ({type(e).__name__})") from None
                if warn is not None:
                    warn(f"{path}:{lineno}: torn last line ignored (the run stopped mid-write; "
                         f"agent eval --resume reruns that problem)")
                break
            if record.id in first_line:
                raise ResultsLogError(f"{path}:{lineno}: problem {record.id} is recorded twice "
                                      f"(first at line {first_line[record.id]})")
            first_line[record.id] = lineno
            records.append(record)
            good_end = min(end, len(data))
        else:
            good_end = min(end, len(data))
        offset = end
    if repair and good_end < len(data):
        with open(path, "r+b") as f:
            f.truncate(good_end)
            if good_end and data[good_end - 1:good_end] != b"\n":
                f.seek(good_end)
                f.write(b"\n")
    return records


class ResultsLog:
    """Append-only results.jsonl: one flushed line per finished problem, so kill -9 loses at most
    the problem being written."""

    def __init__(self, path: Path):
        self.path = path
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._f = open(self.path, "a", encoding="utf-8")

    def append(self, record: ProblemRecord) -> None:
        self._f.write(record.model_dump_json() + "\n")
        self._f.flush()
        os.fsync(self._f.fileno())

    def close(self) -> None:
        self._f.close()

    def __enter__(self) -> "ResultsLog":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
