"""The generate-verify-repair loop: test-time compute for Chisel.

Round 0 asks for k samples in one request (n=k). Each sample starts a chain: extract the code,
apply the deterministic fixers, verify on the real toolchain. A failing chain is repaired from
its diagnostics, one LLM call per round, up to `depth` rounds; a chain that stops making progress
(same error signature, or code it already tried) escapes to a fresh sample at a higher
temperature instead. `select="first"` stops everything at the first pass (at the second when the
passing candidates will vote: no reference, k > 1, docs/oracle_free.md); `select="all"` runs every
chain until it passes or runs out of rounds (what pass@k and sweeps need). Budgets on LLM calls,
tokens and wall time end the run cleanly with whatever it has.
"""
from __future__ import annotations

import asyncio
import hashlib
import random
import re
import time
from dataclasses import dataclass, fields
from typing import Any, Callable

from pydantic import BaseModel, Field

from agent import oracle_free
from agent.extract import extract_code
from agent.fixers import FixContext, FixRecord, apply_fixers, import_hints
from agent.interfaces import ChatModel, Verifier
from agent.prompting import Prompt, PromptBuilder, distinct_errors, error_signature
from agent.task import Task
from agent.trace import NullTrace, Trace
from reflect_env.pool import PoolUnavailable
from reflect_env.interface import Interface, interface_verdict
from reflect_env.result import Category, Stage, VerifyResult, enum_value

STAGE_ORDER = {s: i for i, s in enumerate(["extract", "compile", "elaborate", "emit", "simulate", "passed"])}


@dataclass
class SolveConfig:
    k: int = 4
    depth: int = 3
    select: str = "first"  # "first" | "all"
    temperature: float = 0.2
    top_p: float = 0.95
    max_tokens: int = 2048
    seed: int | None = None
    escape_temperature: float = 0.8
    fix: bool = True
    rag: bool = True
    mode: str = "strict"
    max_llm_calls: int | None = None
    max_tokens_total: int | None = None
    max_wall_s: float | None = None
    profile: str = "chisel7"
    fewshot: bool = True
    rag_k: int = 3
    import_hints: bool = True
    # Off: a chain whose repair makes no progress keeps asking for repairs (ReChisel's loop) instead of
    # restarting from a fresh sample; only a reply with no usable code still re-samples.
    escape: bool = True
    # Oracle-free checks (docs/oracle_free.md), used only when the task has no reference and no
    # testbench: the spec's interface as a verdict, and behavioural voting among k > 1 passes.
    interface: bool = True
    vote: bool = True
    checks: bool = False  # ask the model for input->output checks that rank equal-sized vote groups

    def __post_init__(self):
        if self.k < 1:
            raise ValueError(f"k must be >= 1, got {self.k}")
        if self.depth < 0:
            raise ValueError(f"depth must be >= 0, got {self.depth}")
        if self.select not in ("first", "all"):
            raise ValueError(f"select must be 'first' or 'all', got {self.select!r}")
        if self.mode not in ("strict", "lenient"):
            raise ValueError(f"mode must be 'strict' or 'lenient', got {self.mode!r}")

    @classmethod
    def from_mapping(cls, data: Any) -> "SolveConfig":
        """Build from any object or dict with (some of) these field names; unknown names ignored."""
        names = {f.name for f in fields(cls)}
        if not isinstance(data, dict):
            data = data.model_dump() if hasattr(data, "model_dump") else vars(data)
        return cls(**{k: v for k, v in data.items() if k in names and v is not None})


class Attempt(BaseModel):
    round: int
    code: str | None
    fixes: list[FixRecord] = Field(default_factory=list)
    ok: bool = False
    stage: str | None = None  # verifier stage reached, or "extract" when there was no code
    category: str | None = None
    escaped: bool = False  # this attempt came from a fresh sample, not a repair
    tokens: int = 0  # completion tokens of the LLM reply it came from (0 for a fixer-only retry)
    verify_s: float = 0.0
    note: str = ""


class Chain(BaseModel):
    sample_index: int
    first_pass_round: int | None = None  # 0: the sample itself passed; d: after d repair rounds
    attempts: list[Attempt] = Field(default_factory=list)


class SolveResult(BaseModel):
    task_id: str
    solved: bool
    final_code: str | None = None
    final_verilog: str | None = None
    category: str | None = None  # of the best failing attempt when unsolved
    rounds: int = 0  # the highest repair round any chain reached
    llm_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    wall_s: float = 0.0
    verify_s: float = 0.0  # summed over verifications (concurrent ones overlap)
    verify_wall_s: float = 0.0  # wall time during which at least one verification ran
    chains: list[Chain] = Field(default_factory=list)
    stop_reason: str | None = None  # "solved" | "exhausted" | "budget: ..." | "llm_error: ..."
    raw_output: str | None = None  # the first sample's reply as the model wrote it
    error_log: str | None = None  # the reported failure's diagnostics, one per line
    run_dir: str | None = None
    sampling: dict | None = None  # how the k samples were obtained (agent.llm.client.Completion.sampling)
    interface: dict | None = None  # the interface the candidates were checked against, and its source
    vote: dict | None = None  # behaviour groups of the passing candidates and the one chosen

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class BudgetExceeded(Exception):
    pass


class VerifierUnavailable(RuntimeError):
    """The verifier could not start at all (toolchain missing, workers never came up): not a fault
    of the candidate, so it ends the solve instead of counting as a failed attempt."""


def _code_key(code: str) -> str:
    return hashlib.sha1(" ".join(code.split()).encode()).hexdigest()


class _Run:
    """State of one solve: counters, budgets, the trace and the shared pieces of each chain."""

    def __init__(self, task: Task, cfg: SolveConfig, llm: ChatModel, env: Verifier, trace: Trace, retriever, on_event):
        self.task, self.cfg, self.llm, self.env, self.trace = task, cfg, llm, env, trace
        self.retriever = retriever if cfg.rag else None
        self.on_event = on_event or (lambda kind, data: None)
        self.builder = PromptBuilder(cfg.profile, fewshot=cfg.fewshot)
        self.hints = import_hints(task.spec) if cfg.import_hints else []
        self.t0 = time.perf_counter()
        self.llm_calls = self.prompt_tokens = self.completion_tokens = 0
        self.verify_s = 0.0
        self.verify_wall_s = 0.0
        self._verifying = 0
        self._busy_since = 0.0
        self.stop_reason: str | None = None
        self.solved = asyncio.Event()
        self.escape_seed_base = cfg.seed if cfg.seed is not None else random.randrange(1 << 30)
        self.generate_prompt: Prompt | None = None
        self.sampling: dict | None = None
        self.oracle_free = task.reference is None and task.testbench is None
        self.interface: Interface | None = None  # set by solve() before round 0
        self.voting = cfg.vote and self.oracle_free and cfg.k > 1
        # select=first stops at the first pass; when voting it waits for a second one to vote with.
        self.needed_passes = 2 if self.voting else 1
        self.passes = 0
        self.checks: list[list[dict]] = []  # the model's checks, in the spec's port names

    # -- budgets ------------------------------------------------------------------------------
    def elapsed(self) -> float:
        return time.perf_counter() - self.t0

    def check_budget(self, pending_tokens: int = 0) -> None:
        """pending_tokens: spent by a request still collecting its samples, not yet counted."""
        c = self.cfg
        reason = None
        tokens = self.prompt_tokens + self.completion_tokens + pending_tokens
        if c.max_llm_calls is not None and self.llm_calls >= c.max_llm_calls:
            reason = f"budget: {self.llm_calls} LLM calls (max {c.max_llm_calls})"
        elif c.max_tokens_total is not None and tokens >= c.max_tokens_total:
            reason = f"budget: {tokens} tokens (max {c.max_tokens_total})"
        elif c.max_wall_s is not None and self.elapsed() >= c.max_wall_s:
            reason = f"budget: {self.elapsed():.1f}s wall time (max {c.max_wall_s:g}s)"
        if reason:
            if self.stop_reason is None:
                self.stop_reason = reason
                self.trace.event("budget_stop", reason=reason)
                self.on_event("budget_stop", {"reason": reason})
            raise BudgetExceeded(reason)

    # -- LLM ----------------------------------------------------------------------------------
    async def notes(self, query: str, *, code: str | None = None, diagnostics: str | None = None) -> list:
        if self.retriever is None:
            return []
        self.on_event("retrieving", {})  # the first query may build the index: say so on the display
        try:
            notes = await asyncio.to_thread(self.retriever.retrieve, query, code=code, diagnostics=diagnostics,
                                            k=self.cfg.rag_k)
        except Exception as e:  # retrieval helps but must never sink a solve
            self.trace.event("rag_error", error=f"{type(e).__name__}: {e}")
            return []
        self.trace.event("retrieval", query=query[:500], notes=[
            {"id": n.id, "title": n.title, "score": round(float(n.score), 4), "source": n.source} for n in notes])
        return notes

    async def chat(self, prompt: Prompt, *, chain: int | None, round: int, n: int, temperature: float,
                   seed: int | None):
        self.check_budget()
        self.trace.event("prompt", chain=chain, round=round, template=prompt.template, text=prompt.text,
                         n=n, temperature=temperature, top_p=self.cfg.top_p, max_tokens=self.cfg.max_tokens, seed=seed)
        self.llm_calls += 1
        self.on_event("llm_call", {"chain": chain, "round": round})

        def follow_up(so_far) -> str | None:  # the server returned fewer than n: budgets still apply
            try:
                self.check_budget(so_far.prompt_tokens + so_far.completion_tokens)
            except BudgetExceeded as e:
                return str(e)
            self.llm_calls += 1
            self.on_event("llm_call", {"chain": chain, "round": round})
            return None

        completion = await self.llm.chat(prompt.messages, n=n, temperature=temperature, top_p=self.cfg.top_p,
                                         max_tokens=self.cfg.max_tokens, seed=seed, before_follow_up=follow_up)
        self.prompt_tokens += completion.prompt_tokens
        self.completion_tokens += completion.completion_tokens
        self.trace.event("response", chain=chain, round=round, texts=completion.texts,
                         finish_reasons=completion.finish_reasons, prompt_tokens=completion.prompt_tokens,
                         cached_prompt_tokens=completion.cached_prompt_tokens,
                         completion_tokens=completion.completion_tokens, latency_s=round_(completion.latency_s),
                         cached=completion.cached, sampling=getattr(completion, "sampling", None))
        return completion

    # -- verification -------------------------------------------------------------------------
    async def verify(self, code: str, chain: int, round: int) -> tuple[VerifyResult, float]:
        t = time.perf_counter()
        if self._verifying == 0:
            self._busy_since = t
        self._verifying += 1
        try:
            result = await self.env.averify(code, top=self.task.top, reference=self.task.reference,
                                            testbench=self.task.testbench, mode=self.cfg.mode,
                                            cycles=self.task.meta.get("sim_cycles"))
        except VerifierUnavailable:
            raise
        except PoolUnavailable as e:  # no worker is left to verify anything: not this candidate's fault
            raise VerifierUnavailable(str(e)) from e
        except Exception as e:  # a verifier bug must cost one attempt, not the run
            result = VerifyResult(ok=False, stage=Stage.compile, top=self.task.top, requested_top=self.task.top,
                                  category=Category.crash, notes=[f"verifier raised {type(e).__name__}: {e}"])
        finally:
            self._verifying -= 1
            if self._verifying == 0:
                self.verify_wall_s += time.perf_counter() - self._busy_since
        dt = time.perf_counter() - t
        self.verify_s += dt
        result = interface_verdict(result, self.interface)
        first = result.first_error()
        self.trace.event("verification", chain=chain, round=round, ok=result.ok, stage=enum_value(result.stage),
                         category=enum_value(result.category), top=result.top,
                         diagnostics=[d.model_dump(mode="json") for d in result.diagnostics[:8]],
                         mismatches=[m.model_dump(mode="json") for m in result.mismatches[:8]],
                         first_error=first.message if first else None, timings=result.timings,
                         worker=result.worker, notes=result.notes, wall_s=round_(dt))
        self.on_event("verified", {"chain": chain, "round": round, "ok": result.ok,
                                   "stage": enum_value(result.stage), "category": enum_value(result.category)})
        return result, dt


def round_(x: float) -> float:
    return round(x, 4)


class _ChainRunner:
    """One chain: a sample, then repairs (or escapes) until it passes or runs out of rounds."""

    def __init__(self, run: _Run, index: int):
        self.run, self.index = run, index
        self.chain = Chain(sample_index=index)
        self.seen_codes: set[str] = set()
        self.last_signature: str | None = None
        self.best: tuple[int, Attempt, VerifyResult | None] | None = None

    def _record(self, attempt: Attempt, result: VerifyResult | None) -> None:
        self.chain.attempts.append(attempt)
        rank = STAGE_ORDER.get(attempt.stage or "extract", 0)
        if self.best is None or rank >= self.best[0]:
            self.best = (rank, attempt, result)

    async def drive(self, text: str, finish_reason: str | None, tokens: int) -> None:
        run, cfg, task = self.run, self.run.cfg, self.run.task
        rnd, escaped = 0, False
        while True:
            passed, stalled, code, result = await self._attempt(text, finish_reason, tokens, rnd, escaped)
            if passed:
                self.chain.first_pass_round = rnd
                run.passes += 1
                if cfg.select == "first" and run.passes >= run.needed_passes:
                    run.solved.set()
                return
            if rnd >= cfg.depth or (cfg.select == "first" and run.solved.is_set()):
                return
            rnd += 1
            if (stalled and cfg.escape) or code is None or result is None:
                escaped = True
                prompt = run.generate_prompt
                assert prompt is not None  # solve() sets it before any chain starts
                seed: int | None = run.escape_seed_base + 1000 * rnd + self.index + 1
                run.trace.event("escape", chain=self.index, round=rnd,
                                reason="no usable code" if code is None else "no progress (same error or same code)")
                run.on_event("escape", {"chain": self.index, "round": rnd})
                temperature = cfg.escape_temperature
            else:
                escaped = False
                diag_text = "\n".join(d.message for d in distinct_errors(result)[:4]) or result.error_log()
                notes = await run.notes(diag_text + "\n" + task.spec, code=code, diagnostics=diag_text)
                if result.category == Category.interface_mismatch:
                    prompt = oracle_free.repair_prompt(run.builder, task.spec, task.top, code, result)
                else:
                    prompt = run.builder.repair(task.spec, task.top, code, result, hints=run.hints, notes=notes)
                seed = cfg.seed
                temperature = cfg.temperature
            completion = await run.chat(prompt, chain=self.index, round=rnd, n=1, temperature=temperature, seed=seed)
            text, finish_reason = completion.texts[0] if completion.texts else "", (completion.finish_reasons or [None])[0]
            tokens = completion.completion_tokens

    async def _attempt(self, text: str, finish_reason: str | None, tokens: int, rnd: int, escaped: bool):
        """Extract, fix, verify (and once more after diagnostic-driven fixes). Returns
        (passed, stalled, code, result) where stalled means no progress over the last attempt."""
        run, cfg, task = self.run, self.run.cfg, self.run.task
        ex = extract_code(text, finish_reason, task.top)
        run.trace.event("extraction", chain=self.index, round=rnd, category=ex.category, note=ex.note,
                        dropped=ex.dropped, code=ex.code)
        if ex.code is None or ex.category == "truncated":
            self._record(Attempt(round=rnd, code=ex.code, stage="extract", category=ex.category, escaped=escaped,
                                 tokens=tokens, note=ex.note), None)
            return False, True, None, None
        ctx = FixContext(top=task.top, profile=cfg.profile, spec=task.spec)
        code, fixes = apply_fixers(ex.code, ctx, enabled=cfg.fix)
        if fixes:
            run.trace.event("fix", chain=self.index, round=rnd, records=[f.model_dump() for f in fixes], code=code)
        key = _code_key(code)
        repeated = key in self.seen_codes
        self.seen_codes.add(key)
        result, dt = await run.verify(code, self.index, rnd)
        attempt = Attempt(round=rnd, code=code, fixes=fixes, ok=result.ok, stage=enum_value(result.stage),
                          category=enum_value(result.category), escaped=escaped, tokens=tokens, verify_s=round_(dt))
        self._record(attempt, result)
        if not result.ok and cfg.fix:
            # The compiler may name what the code-only pass could not see (e.g. `not found: value X`).
            ctx.diagnostics = result.diagnostics
            fixed, more = apply_fixers(code, ctx)
            if more and fixed != code and _code_key(fixed) not in self.seen_codes:
                run.trace.event("fix", chain=self.index, round=rnd, records=[f.model_dump() for f in more],
                                code=fixed, driven_by="diagnostics")
                code = fixed
                self.seen_codes.add(_code_key(code))
                result, dt = await run.verify(code, self.index, rnd)
                attempt = Attempt(round=rnd, code=code, fixes=more, ok=result.ok, stage=enum_value(result.stage),
                                  category=enum_value(result.category), escaped=escaped, tokens=0, verify_s=round_(dt),
                                  note="re-verified after diagnostic-driven fixes")
                self._record(attempt, result)
        signature = error_signature(result)
        stalled = repeated or (signature == self.last_signature and not result.ok)
        self.last_signature = signature
        return result.ok, stalled, code, result


async def solve(task: Task, cfg: SolveConfig, *, llm: ChatModel, env: Verifier, trace: Trace | None = None,
                retriever=None, on_event: Callable[[str, dict], None] | None = None) -> SolveResult:
    """Solve one task. Raises LLMUnavailable when no server answers; every other failure (a request
    that fails for good, budgets, a verifier crash) ends in a SolveResult that says what happened."""
    from agent.llm.client import LLMRequestError

    trace = trace or NullTrace()
    run = _Run(task, cfg, llm, env, trace, retriever, on_event)
    trace.event("start", task_id=task.id, top=task.top, spec=task.spec, config=vars(cfg).copy(),
                has_reference=task.reference is not None, testbench=str(task.testbench) if task.testbench else None)
    runners: list[_ChainRunner] = []
    raw_output = None
    vote = None
    try:
        if cfg.interface and (run.oracle_free or task.meta.get("interface")):
            await _derive_interface(run)
        if cfg.checks and run.voting and run.interface is not None:
            await _model_checks(run)
        notes = await run.notes(task.spec)
        run.generate_prompt = run.builder.generate(task.spec, task.top, hints=run.hints, notes=notes)
        completion = await run.chat(run.generate_prompt, chain=None, round=0, n=cfg.k,
                                    temperature=cfg.temperature, seed=cfg.seed)
        raw_output = completion.texts[0] if completion.texts else None
        run.sampling = getattr(completion, "sampling", None)
        per_sample = completion.completion_tokens // max(1, len(completion.texts))
        runners = [_ChainRunner(run, i) for i in range(len(completion.texts))]
        jobs = [asyncio.create_task(r.drive(t, f, per_sample))
                for r, t, f in zip(runners, completion.texts, completion.finish_reasons)]
        await _wait_chains(run, jobs)
    except BudgetExceeded:
        pass
    except LLMRequestError as e:
        run.stop_reason = f"llm_error: {e}"
        trace.event("llm_error", error=str(e))
    if run.voting:  # the vote, then repairs of its answer against the model's checks it fails
        vote = await oracle_free.repair_from_checks(run, runners, await _vote(run, runners), _vote)
    return _finish(run, runners, raw_output, vote)


async def _derive_interface(run: _Run) -> None:
    """The interface every candidate is checked against (none when the spec states none we can read)."""
    async def ask(prompt: Prompt) -> str:
        completion = await run.chat(prompt, chain=None, round=0, n=1, temperature=0.0, seed=run.cfg.seed)
        return completion.texts[0] if completion.texts else ""

    try:
        run.interface = await oracle_free.derive_interface(run.task, run.builder, ask)
    except oracle_free.InterfaceError as e:  # a malformed ports block: solve unchecked, say why
        run.trace.event("interface", error=str(e))
        return
    run.trace.event("interface", **(run.interface.to_dict() if run.interface else {"source": None, "ports": []}))


async def _model_checks(run: _Run) -> None:
    """One temperature-0 call for the model's checks; those that do not fit the interface are dropped."""
    assert run.interface is not None  # asked for only once the interface is known
    completion = await run.chat(oracle_free.checks_prompt(run.builder, run.task.spec, run.interface), chain=None,
                                round=0, n=1, temperature=0.0, seed=run.cfg.seed)
    run.checks, dropped = oracle_free.parse_checks(completion.texts[0] if completion.texts else "", run.interface)
    run.trace.event("checks", checks=run.checks, dropped=dropped)


async def _vote(run: _Run, runners: list[_ChainRunner]) -> "oracle_free.Vote | None":
    """Group the passing candidates by simulated behaviour (off the event loop: iverilog blocks)."""
    cands = []
    for r in runners:
        if (r.chain.first_pass_round is None or r.best is None or r.best[2] is None or not r.best[2].verilog
                or r.best[1].code is None or r.best[2].top is None):
            continue
        cands.append(oracle_free.Candidate(chain=r.index, code=r.best[1].code, verilog=r.best[2].verilog,
                                           top=r.best[2].top, repairs=r.chain.first_pass_round))
    if not cands:
        return None
    result = await asyncio.to_thread(oracle_free.vote, cands, checks=run.checks or None)
    run.trace.event("vote", **result.to_dict())
    run.on_event("vote", result.to_dict())
    return result


async def _wait_chains(run: _Run, jobs: list[asyncio.Task]) -> None:
    """Wait for the chains; cancel the rest at the first pass (select=first) or at the wall budget."""
    from agent.llm.client import LLMRequestError

    pending = set(jobs)
    deadline = run.t0 + run.cfg.max_wall_s if run.cfg.max_wall_s is not None else None
    try:
        while pending:
            timeout = None if deadline is None else max(0.0, deadline - time.perf_counter())
            done, pending = await asyncio.wait(pending, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            for job in done:
                exc = job.exception()
                if isinstance(exc, LLMRequestError):
                    run.trace.event("llm_error", error=str(exc))  # that chain ends; the others go on
                    run.stop_reason = run.stop_reason or f"llm_error: {exc}"
                elif exc is not None and not isinstance(exc, BudgetExceeded):
                    raise exc
            if not done and deadline is not None:  # wall budget hit while chains were still busy
                try:
                    run.check_budget()
                except BudgetExceeded:
                    break
            if run.cfg.select == "first" and run.solved.is_set():
                break
    finally:
        for job in pending:
            job.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)


def _finish(run: _Run, runners: list[_ChainRunner], raw_output: str | None, vote=None) -> SolveResult:
    chains = [r.chain for r in runners]
    passing = [r for r in runners if r.chain.first_pass_round is not None]
    final_code = final_verilog = category = error_log = None
    if passing:
        best = min(passing, key=lambda r: (r.index != (vote.chosen if vote else None), r.chain.first_pass_round,
                                           r.index))
        attempt = next(a for a in reversed(best.chain.attempts) if a.ok)
        final_code = attempt.code
        final_verilog = best.best[2].verilog if best.best and best.best[2] is not None else None
        stop = "solved"
    else:
        bests = [r.best for r in runners if r.best is not None]
        if bests:
            rank, attempt, result = max(bests, key=lambda b: b[0])
            final_code, category = attempt.code, attempt.category
            error_log = result.error_log() if result is not None else attempt.note
        else:
            category = "llm_error" if (run.stop_reason or "").startswith("llm_error") else None
        stop = run.stop_reason or "exhausted"
    res = SolveResult(
        task_id=run.task.id, solved=bool(passing), final_code=final_code, final_verilog=final_verilog,
        category=category, rounds=max((a.round for c in chains for a in c.attempts), default=0),
        llm_calls=run.llm_calls, prompt_tokens=run.prompt_tokens, completion_tokens=run.completion_tokens,
        wall_s=round_(run.elapsed()), verify_s=round_(run.verify_s),
        verify_wall_s=round_(run.verify_wall_s), chains=chains, stop_reason=stop,
        raw_output=raw_output, error_log=error_log, sampling=run.sampling,
        run_dir=str(run.trace.run_dir) if getattr(run.trace, "run_dir", None) else None,
        interface=run.interface.to_dict() if run.interface else None, vote=vote.to_dict() if vote else None,
    )
    run.trace.finish(code=final_code, verilog=final_verilog, summary=res.model_dump(mode="json", exclude={"chains"})
                     | {"chains": [{"sample_index": c.sample_index, "first_pass_round": c.first_pass_round,
                                    "attempts": len(c.attempts)} for c in chains]})
    return res


_TOP_PATTERNS = [
    r"(?:module|class|component|design|circuit)\s+(?:should\s+be\s+|must\s+be\s+|is\s+)?(?:named|called)\s+`?([A-Za-z_]\w*)`?",
    r"(?:name|call)\s+(?:this|the|your|it)\s*(?:module|class|design|circuit)?\s+(?:as\s+)?`([A-Za-z_]\w*)`",
    r"\bmodule\s+`([A-Za-z_]\w*)`",
    r"`([A-Z]\w*)`\s+(?:module|class)\b",
    r"\bclass\s+`?([A-Z]\w*)`?",
    r"(?<!port )(?<!signal )(?<!input )(?<!output )(?<!wire )(?<!field )\b(?:named|called)\s+`([A-Za-z_]\w*)`",
]


def infer_top(spec: str) -> str | None:
    """The module name a spec asks for ("a module named Foo", "called `Foo`", "class Foo"), if any."""
    for pattern in _TOP_PATTERNS:
        m = re.search(pattern, spec, re.IGNORECASE if "class" not in pattern[:12] else 0)
        if m and m.group(1).lower() not in {"a", "the", "this", "it", "module", "class"}:
            return m.group(1)
    return None
