"""Live runs: solve each task with the search loop against a served model, and record what happened."""
from __future__ import annotations

import asyncio
import inspect
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.eval.records import AttemptRecord, ChainRecord, ProblemRecord
from agent.eval.verification import enum_value, reported_chain, rescue_name_mismatches
from agent.task import Task


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def record_from_solve(task: Task, res: Any) -> ProblemRecord:
    """A ProblemRecord from an agent.search SolveResult (object or dict)."""
    chains = []
    for ch in _get(res, "chains", []) or []:
        attempts = [
            AttemptRecord(
                round=int(_get(a, "round", 0)), ok=bool(_get(a, "ok", False)),
                stage=enum_value(_get(a, "stage")), category=enum_value(_get(a, "category")),
                fixes=[getattr(f, "name", str(f)) for f in (_get(a, "fixes") or [])],
                escaped=bool(_get(a, "escaped", False)), tokens=int(_get(a, "tokens", 0) or 0),
                code=_get(a, "code"),
            )
            for a in _get(ch, "attempts", []) or []
        ]
        chains.append(ChainRecord(sample_index=int(_get(ch, "sample_index", len(chains))),
                                  first_pass_round=_get(ch, "first_pass_round"), attempts=attempts))
    solved = bool(_get(res, "solved", False))
    best = reported_chain(chains)
    last = best.attempts[-1] if best and best.attempts else None
    first = chains[0].attempts[0] if chains and chains[0].attempts else None
    category = enum_value(_get(res, "category")) or (last.category if last else None)
    return ProblemRecord(
        id=task.id, level=task.level, category=task.category, instruction=task.spec, top=task.top,
        functional_check=task.require_simulate,
        passed=solved, passed_lenient=solved,
        compiled=any(a.compiled for c in chains for a in c.attempts),
        failure_category=None if solved else (category or "unknown"),
        stage="passed" if solved else (last.stage if last else None),
        raw_output=_get(res, "raw_output"), extracted_code=first.code if first else None,
        final_code=_get(res, "final_code"), final_verilog=_get(res, "final_verilog"),
        error_log=_get(res, "error_log"),
        rounds=int(_get(res, "rounds", 0) or 0), llm_calls=int(_get(res, "llm_calls", 0) or 0),
        prompt_tokens=int(_get(res, "prompt_tokens", 0) or 0),
        completion_tokens=int(_get(res, "completion_tokens", 0) or 0),
        wall_s=float(_get(res, "wall_s", 0.0) or 0.0), verify_s=float(_get(res, "verify_s", 0.0) or 0.0),
        chains=chains,
    )


@dataclass
class LiveSettings:
    samples: int | None = None  # None: the search config's default
    depth: int | None = None
    select_all: bool = False  # sweep: run every sample chain to the end instead of stopping at a pass
    fix: bool = True
    rag: bool = True
    model: str | None = None
    base_url: str | None = None
    temperature: float | None = None
    config_path: Path | None = None
    trace_dir: Path | None = None
    extra: dict = field(default_factory=dict)


class LiveSolver:
    """Owns the LLM client, the search config and the retriever for a run; solves one task at a time
    (many concurrently: each solve runs in its own thread, sharing the client and the verifier pool)."""

    def __init__(self, env, settings: LiveSettings):
        from agent.config import load_config
        from agent.llm.client import LLMClient
        import agent.search as search

        self.env, self.settings, self._search = env, settings, search
        overrides = {"samples": settings.samples, "depth": settings.depth, "fix": settings.fix,
                     "rag": settings.rag, "model": settings.model, "base_url": settings.base_url,
                     "temperature": settings.temperature, "select": "all" if settings.select_all else None,
                     **settings.extra}
        self.config = load_config(settings.config_path, **{k: v for k, v in overrides.items() if v is not None})
        self.cfg = self._solve_config(self.config)
        self.llm = LLMClient(_get(self.config, "llm", self.config))
        self.retriever = self._retriever() if settings.rag else None

    def _solve_config(self, config: Any):
        from agent.search import SolveConfig

        given = _get(self.config, "solve")
        if isinstance(given, SolveConfig):
            return given
        fields = {"samples": self.settings.samples, "depth": self.settings.depth,
                  "fix": self.settings.fix, "select": "all" if self.settings.select_all else None}
        known = getattr(SolveConfig, "model_fields", None) or getattr(SolveConfig, "__dataclass_fields__", {})
        return SolveConfig(**{k: v for k, v in fields.items() if v is not None and k in known})

    def _retriever(self):
        try:
            from agent.rag import load_retriever
        except ImportError:
            return None
        return load_retriever(self.config)

    def _trace(self, task: Task):
        if self.settings.trace_dir is None:
            return None
        from agent.trace import Trace

        self.settings.trace_dir.mkdir(parents=True, exist_ok=True)
        return Trace(self.settings.trace_dir / f"{task.id}.jsonl")

    async def solve(self, task: Task) -> ProblemRecord:
        trace = self._trace(task)
        kwargs = dict(llm=self.llm, env=self.env, trace=trace, retriever=self.retriever)
        asolve = getattr(self._search, "asolve", None)
        if asolve is not None and inspect.iscoroutinefunction(asolve):
            res = await asolve(task, self.cfg, **kwargs)
        else:
            res = await asyncio.to_thread(self._search.solve, task, self.cfg, **kwargs)
        if trace is not None and hasattr(trace, "close"):
            trace.close()
        record = record_from_solve(task, res)
        await rescue_name_mismatches(self.env, task, record)
        return record
