"""--replay: re-verify recorded model outputs with the current verifier, calling no model.

Accepts the seed's results file (`results[].extracted_code` / `raw_output` per id), our results.json,
or a run directory of ours (its results.jsonl, every sample chain and repair round).
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from agent.candidate import check_candidate
from agent.eval.verification import rescue_name_mismatches, verifier
from agent.records import (AttemptRecord, ChainRecord, Outcome, ProblemRecord, read_results, reported_attempt,
                           reported_fields)
from agent.extract import extract_code
from agent.task import Task
from reflect_env.result import VerifyResult
from agent.errors import ChiselAgentError


class ReplayError(ChiselAgentError, ValueError):
    pass


@dataclass
class RecordedProblem:
    id: str
    raw_output: str | None = None
    extracted_code: str | None = None
    # Our own runs: the code of every attempt, per sample chain, in round order.
    chains: list[list[tuple[int, str | None]]] = field(default_factory=list)

    @property
    def has_output(self) -> bool:
        """The record carries a model output field at all (an empty one included: a reply with no
        code is still a result); an eval set read as results has none."""
        return self.raw_output is not None or self.extracted_code is not None or bool(self.chains)


def load_recorded(path: Path) -> dict[str, RecordedProblem]:
    if path.is_dir():
        log = path / "results.jsonl"
        if not log.exists():
            raise ReplayError(f"{path} is not a run directory (no results.jsonl)")
        return {r.id: _from_record(r) for r in read_results(log)}
    if not path.exists():
        raise ReplayError(f"replay file not found: {path}")
    if path.suffix == ".jsonl":
        return {r.id: _from_record(r) for r in read_results(path)}
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ReplayError(f"{path}: not a JSON results file ({e})") from None
    results = doc.get("results") if isinstance(doc, dict) else None
    if not isinstance(results, list):
        raise ReplayError(f"{path}: expected an object with a `results` list (the seed's results format)")
    out = {}
    for i, row in enumerate(results):
        if not isinstance(row, dict) or "id" not in row:
            raise ReplayError(f"{path}: results[{i}] has no id")
        if row.get("chains"):
            out[row["id"]] = _from_record(ProblemRecord.model_validate(row))
        else:
            out[row["id"]] = RecordedProblem(row["id"], row.get("raw_output"), row.get("extracted_code"))
    return out


def _from_record(r: ProblemRecord) -> RecordedProblem:
    chains = [[(a.round, a.code) for a in sorted(ch.attempts, key=lambda a: a.round)]
              for ch in sorted(r.chains, key=lambda c: c.sample_index)]
    return RecordedProblem(r.id, r.raw_output, r.extracted_code, chains)


def extract_recorded(raw_output: str, top: str | None) -> str | None:
    """The code in a recorded reply (its finish reason was not recorded: a cut-off reply is tried as it is)."""
    code = extract_code(raw_output, None, top).code
    return code if code and code.strip() else None


async def replay_problem(env, task: Task, recorded: RecordedProblem | None, *, fix: bool,
                         depth: int | None = None, profile: str | None = None) -> ProblemRecord:
    start = time.monotonic()
    rec = ProblemRecord(id=task.id, level=task.level, category=task.category, instruction=task.spec,
                        top=task.top, functional_check=task.require_simulate,
                        raw_output=recorded.raw_output if recorded else None,
                        extracted_code=recorded.extracted_code if recorded else None)
    if recorded is None:
        rec.failure_category = Outcome.missing_output
        rec.notes.append("no recorded output for this id")
        rec.chains = [ChainRecord(sample_index=0, attempts=[AttemptRecord(round=0, category=Outcome.missing_output)])]
        return rec
    chains_code = recorded.chains or [[(0, recorded.extracted_code or None)]]
    verify = verifier(env, task)
    verify_s = 0.0
    results: dict[int, VerifyResult] = {}  # id(attempt) -> what the verifier said of it
    for idx, attempts in enumerate(chains_code):
        chain = ChainRecord(sample_index=idx)
        for round_, code in attempts:
            if depth is not None and round_ > depth:
                break
            if not (code or "").strip() and round_ == 0 and recorded.raw_output:
                code = extract_recorded(recorded.raw_output, task.top)
            if not code or not code.strip():
                chain.attempts.append(AttemptRecord(round=round_, category=Outcome.extraction_failed))
                continue
            checked = await check_candidate(code, task, verify, fix=fix, profile=profile or "chisel7", round=round_)
            for step in checked.steps:
                verify_s += step.result.timings.get("total", 0.0)
                chain.attempts.append(step.attempt)
                results[id(step.attempt)] = step.result
            if checked.result.ok:
                chain.first_pass_round = round_
                break
        rec.chains.append(chain)

    await rescue_name_mismatches(env, task, rec)
    for name, value in reported_fields(rec.chains, lambda a: (results.get(id(a)), "")).items():
        setattr(rec, name, value)
    rec.passed_lenient = rec.passed_lenient or rec.passed
    reported = reported_attempt(rec.chains)
    result = results.get(id(reported[1])) if reported is not None else None
    if result is not None:
        rec.notes += [n for n in result.notes if n not in rec.notes]
    rec.verify_s = verify_s
    rec.wall_s = time.monotonic() - start
    return rec
