"""The generate-verify-repair loop: test-time compute for Chisel.

Round 0 asks for k samples in one request (n=k). Each sample starts a chain: extract the code,
then the candidate pipeline that replay shares (agent/candidate.py: fixers, verification on the real
toolchain, fixers from the diagnostics, verification again). A failing chain is repaired from
its diagnostics, one LLM call per round, up to `depth` rounds; a chain that stops making progress
(same error signature, or code it already tried) escapes to a fresh sample at a higher
temperature instead. `select="first"` stops everything at the first pass (at the second when the
passing candidates will vote: no reference, k > 1, docs/oracle_free.md); `select="all"` runs every
chain until it passes or runs out of rounds (what pass@k and sweeps need). Budgets on LLM calls,
tokens and wall time end the run cleanly with whatever it has.
"""
from __future__ import annotations

import asyncio
import contextvars
import random
import re
import time
from dataclasses import dataclass
from typing import Callable, Sequence

from agent import oracle_free
from agent.candidate import Checked, check_candidate
from agent.config import AgentConfig
from agent.errors import BudgetExceeded, ReferenceFault, VerifierUnavailable
from agent.events import (BudgetStopEvent, ChecksEvent, CombinedHook, EscapeEvent, Event, ExamplesErrorEvent,
                          ExamplesEvent, ExtractionEvent, ReferenceErrorEvent, RepairRejectedEvent,
                          FixEvent, FollowUpCallEvent, InterfaceEvent, LLMErrorEvent, LoopHook, PromptEvent,
                          RagErrorEvent, ResponseEvent, RetrievalEvent, RetrievingEvent, StartEvent,
                          VerificationEvent, VoteEvent)
from agent.records import (AttemptRecord, ChainRecord, Outcome, ProblemRecord, reach, reported_attempt,
                           reported_fields)
from agent.extract import extract_code
from agent.fixers import FixRecord, import_hints
from agent.interfaces import ChatModel, Verifier
from agent.llm.stream import SAMPLE_HOOKS, SampleHooks
from agent.oracle_free import model_search
from agent.oracle_free.backing import backing
from agent.oracle_free.protocol import ChainState, Trial
from agent.prompting import Prompt, PromptBuilder, distinct_errors, error_signature
from agent.task import Task
from agent.trace import NullTrace, Trace
from reflect_env.pool import PoolUnavailable
from reflect_env.interface import Interface, interface_verdict
from reflect_env.result import Category, Stage, VerifyResult
from reflect_env.sim.cosim import is_port_problem


class SolveResult(ProblemRecord):
    """One solve: the record `agent eval` keeps in results.jsonl (`record()`), and what only the run
    itself needs (why it stopped, where its trace is, how the samples came, the oracle-free checks)."""

    verify_wall_s: float = 0.0  # wall time during which at least one verification ran
    stop_reason: str | None = None  # "solved" | "exhausted" | "budget: ..." | "llm_error: ..."
    run_dir: str | None = None
    sampling: dict | None = None  # how the k samples were obtained (agent.llm.client.Completion.sampling)
    interface: dict | None = None  # the interface the candidates were checked against, and its source
    vote: dict | None = None  # behaviour groups of the passing candidates and the one chosen
    backed_by: str | None = None  # what confirms the answer: "reference", "python models 2/2", "vote 3/4" (backing.py)
    unconfirmed: str | None = None  # why nothing does, when the answer passed unconfirmed

    @property
    def solved(self) -> bool:
        """The search's verifier accepted a candidate (the record's `passed`)."""
        return self.passed

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def record(self) -> ProblemRecord:
        """The results.jsonl record of this solve (its chain records are shared, not copied)."""
        return ProblemRecord(**{name: getattr(self, name) for name in ProblemRecord.model_fields})


def uses_examples(cfg: AgentConfig) -> bool:
    """Worked examples from the verified bank go into the generate prompt (issue 22): `rag = false` turns
    all retrieval off (the fixed example, as before), `examples = false` only the examples."""
    return cfg.rag and cfg.examples and cfg.fewshot and cfg.examples_m > 0


def system_prompt(cfg: AgentConfig, *, examples_available: bool = True) -> str:
    """The system message every prompt of a solve with these settings starts with (the shared prefix the
    embedded server keeps cached, agent.local.prefix). examples_available: a retriever will be there."""
    examples = examples_available and uses_examples(cfg)
    return PromptBuilder(cfg.profile, fewshot=cfg.fewshot, examples=examples, core_notes=cfg.core_notes).system()


class _Run:
    """State of one solve: counters, budgets, the trace and the shared pieces of each chain."""

    def __init__(self, task: Task, cfg: AgentConfig, llm: ChatModel, env: Verifier, trace: Trace, retriever,
                 hooks: Sequence[LoopHook] = ()):
        self.task, self.cfg, self.llm, self.env, self.trace = task, cfg, llm, env, trace
        self.retriever = retriever if cfg.rag else None
        # worked examples from the verified bank (issue 22), retrieved like the notes: `rag = false`
        # turns all retrieval off (the fixed example, as before); `examples = false` only the examples
        self.example_source = retriever if retriever is not None and uses_examples(cfg) else None
        self.hook = CombinedHook(trace, *hooks)  # the trace first: a display that raises must not lose a line
        self.builder = PromptBuilder(cfg.profile, fewshot=cfg.fewshot, examples=self.example_source is not None,
                                     core_notes=cfg.core_notes)
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
        self.generate_prompts: list[Prompt] = []  # one per sample when the samples see different examples
        self.sampling: dict | None = None
        self.oracle_free = task.reference is None and task.testbench is None
        self.interface: Interface | None = None  # set by solve() before round 0
        # "purely combinational" / "on each rising clock edge": checked against each design like its ports
        self.state_claim = oracle_free.state_claim(task.spec) if self.oracle_free and cfg.interface else None
        self.voting = cfg.vote and self.oracle_free and cfg.k > 1
        # select=first stops at the first pass; when voting it waits for a second one to vote with.
        self.needed_passes = 2 if self.voting else 1
        self.passes = 0
        self.holding: set[int] = set()  # chains with a drawn reply not yet verified (_wait_chains lets them finish)
        self.held = asyncio.Condition()
        self.checks: list[list[dict]] = []  # the model's checks, in the spec's port names
        self.models: list[str] = []  # Python models of the spec (cfg.pymodels; agent/oracle_free/model_search.py)

    # -- drawn samples ----------------------------------------------------------------------
    async def hold(self, chain: int, holding: bool) -> None:
        async with self.held:
            (self.holding.add if holding else self.holding.discard)(chain)
            self.held.notify_all()

    async def others_verified(self, chain: int) -> None:
        """Cheap evidence first: a repair (an LLM call) waits until every reply already drawn is verified."""
        async with self.held:
            await self.held.wait_for(lambda: not (self.holding - {chain}))

    def report(self, event: Event) -> None:
        """State one fact of the solve: to the trace and every other hook (agent.events)."""
        self.hook.on_event(event)

    # -- budgets ------------------------------------------------------------------------------
    def elapsed(self) -> float:
        return time.perf_counter() - self.t0

    def check_budget(self, pending_tokens: int = 0) -> None:
        """pending_tokens: spent by a request still collecting its samples, not yet counted."""
        c = self.cfg.budgets
        reason = None
        tokens = self.prompt_tokens + self.completion_tokens + pending_tokens
        if c.max_llm_calls is not None and self.llm_calls >= c.max_llm_calls:
            reason = f"budget: {self.llm_calls} LLM calls (max {c.max_llm_calls})"
        elif c.max_tokens is not None and tokens >= c.max_tokens:
            reason = f"budget: {tokens} tokens (max {c.max_tokens})"
        elif c.max_wall_s is not None and self.elapsed() >= c.max_wall_s:
            reason = f"budget: {self.elapsed():.1f}s wall time (max {c.max_wall_s:g}s)"
        if reason:
            if self.stop_reason is None:
                self.stop_reason = reason
                self.report(BudgetStopEvent(reason=reason))
            raise BudgetExceeded(reason)

    # -- LLM ----------------------------------------------------------------------------------
    async def notes(self, query: str, *, code: str | None = None, diagnostics: str | None = None) -> list:
        if self.retriever is None or self.cfg.rag_k <= 0:  # rag_k = 0: examples only, no notes
            return []
        self.report(RetrievingEvent())  # the first query may build the index: say so on the display
        try:
            notes = await asyncio.to_thread(self.retriever.retrieve, query, code=code, diagnostics=diagnostics,
                                            k=self.cfg.rag_k)
        except Exception as e:  # retrieval helps but must never sink a solve
            self.report(RagErrorEvent(error=f"{type(e).__name__}: {e}"))
            return []
        self.report(RetrievalEvent(query=query[:500], notes=[
            {"id": n.id, "title": n.title, "score": round(float(n.score), 4), "source": n.source} for n in notes]))
        return notes

    async def example_sets(self, spec: str) -> list[list]:
        """The worked examples each sample's generate prompt shows (agent.rag.bank.sample_sets): one
        list for all when they see the same ones. [[]] without a bank: the fixed example then."""
        if self.example_source is None:
            return [[]]
        from agent.rag.bank import sample_sets

        cfg = self.cfg
        pool = cfg.examples_m + (cfg.k - 1 if cfg.example_diversity == "sets" else 0)
        try:
            hits = await asyncio.to_thread(self.example_source.examples, spec, pool, exclude_top=self.task.top,
                                           twins=self.task.user_spec)
        except Exception as e:  # examples help but must never sink a solve: the fixed example stands in
            self.report(ExamplesErrorEvent(error=f"{type(e).__name__}: {e}"))
            return [[]]
        sets = sample_sets(hits, cfg.k, cfg.examples_m, cfg.example_diversity, cfg.seed)
        distinct = list(dict.fromkeys(tuple(h.id for h in s) for s in sets))
        self.report(ExamplesEvent(mode=cfg.example_diversity, pool=[
            {"id": h.id, "score": h.score, "source": h.source} for h in hits], sets=[list(d) for d in distinct]))
        return sets if len(distinct) > 1 else sets[:1]

    async def chat(self, prompt: Prompt, *, chain: int | None, round: int, n: int, temperature: float,
                   seed: int | None):
        self.check_budget()
        self.report(PromptEvent(chain=chain, round=round, template=prompt.template, text=prompt.text, n=n,
                                temperature=temperature, top_p=self.cfg.top_p, max_tokens=self.cfg.max_tokens,
                                seed=seed))
        self.llm_calls += 1

        def follow_up(so_far) -> str | None:  # the server returned fewer than n: budgets still apply
            try:
                self.check_budget(so_far.prompt_tokens + so_far.completion_tokens)
            except BudgetExceeded as e:
                return str(e)
            self.llm_calls += 1
            self.report(FollowUpCallEvent(chain=chain, round=round))
            return None

        completion = await self.llm.chat(prompt.messages, n=n, temperature=temperature, top_p=self.cfg.top_p,
                                         max_tokens=self.cfg.max_tokens, seed=seed, extra=prompt.extra(),
                                         before_follow_up=follow_up)
        self.prompt_tokens += completion.prompt_tokens
        self.completion_tokens += completion.completion_tokens
        self.report(ResponseEvent(chain=chain, round=round, texts=completion.texts,
                                  finish_reasons=completion.finish_reasons, prompt_tokens=completion.prompt_tokens,
                                  cached_prompt_tokens=completion.cached_prompt_tokens,
                                  completion_tokens=completion.completion_tokens,
                                  latency_s=round_(completion.latency_s), cached=completion.cached,
                                  sampling=getattr(completion, "sampling", None),
                                  stream=getattr(completion, "stream", None)))
        return completion

    # -- verification -------------------------------------------------------------------------
    async def verify(self, code: str, chain: int, round: int) -> VerifyResult:
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
        result = oracle_free.state_verdict(result, self.state_claim)
        first = result.first_error()
        self.report(VerificationEvent(chain=chain, round=round, ok=result.ok, stage=result.stage,
                                      category=result.category, top=result.top,
                                      diagnostics=[d.model_dump(mode="json") for d in result.diagnostics[:8]],
                                      mismatches=[m.model_dump(mode="json") for m in result.mismatches[:8]],
                                      first_error=first.message if first else None, timings=result.timings,
                                      worker=result.worker, notes=result.notes, wall_s=round_(dt)))
        # A model that raised or hung judges nothing: stop. Ports the model names differently from this design
        # are this pair's problem: the chain goes on, and its repair prompt names both port sets.
        if result.category == Category.reference_error and not is_port_problem(first.message if first else None):
            raise ReferenceFault(first.message if first else "the reference model failed")
        return result

    def trace_fix(self, chain: int, round: int, records: list[FixRecord], code: str, driven_by: str | None) -> None:
        extra = {"driven_by": driven_by} if driven_by else {}  # set only when given: the trace line has it only then
        self.report(FixEvent(chain=chain, round=round, records=[f.model_dump() for f in records], code=code, **extra))


def round_(x: float) -> float:
    return round(x, 4)


@dataclass
class _Best:
    """A chain's furthest attempt so far (the later one on a tie) and what to report for it."""

    attempt: AttemptRecord
    result: VerifyResult | None  # None: no code reached the verifier
    note: str = ""  # why not, then (the extraction's note)


class _ChainRunner:
    """One chain: a sample, then repairs (or escapes) until it passes or runs out of rounds."""

    def __init__(self, run: _Run, index: int):
        self.run, self.index = run, index
        self.chain = ChainRecord(sample_index=index)
        self.seen_codes: set[str] = set()
        self.last_signature: str | None = None
        self.best: _Best | None = None
        self.evidence: dict[int, tuple[VerifyResult | None, str]] = {}  # id(attempt) -> its result, or why none
        self.parent: tuple[str, VerifyResult] | None = None  # the attempt repairs start from (_keep_better)

    def candidate(self) -> oracle_free.Candidate | None:
        """The chain's passing candidate (its furthest passing attempt), else None."""
        best = self.best
        if (self.chain.first_pass_round is None or best is None or best.result is None or not best.result.verilog
                or best.attempt.code is None or best.result.top is None):
            return None
        return oracle_free.Candidate(chain=self.index, code=best.attempt.code, verilog=best.result.verilog,
                                     top=best.result.top, repairs=self.chain.first_pass_round)

    def _record(self, attempt: AttemptRecord, result: VerifyResult | None, note: str = "") -> None:
        self.chain.attempts.append(attempt)
        self.evidence[id(attempt)] = (result, note)
        if self.best is None or reach(attempt.stage) >= reach(self.best.attempt.stage):
            self.best = _Best(attempt, result, note)

    async def drive(self, text: str, finish_reason: str | None, tokens: int) -> None:
        rnd, escaped = 0, False
        await self.run.hold(self.index, True)  # a drawn sample: verified even after the search is solved (no call)
        try:
            await self._drive(text, finish_reason, tokens, rnd, escaped)
        finally:
            self.run.holding.discard(self.index)  # no await: this may run while the chain is being cancelled

    async def _drive(self, text: str, finish_reason: str | None, tokens: int, rnd: int, escaped: bool) -> None:
        run, cfg, task = self.run, self.run.cfg, self.run.task
        while True:
            passed, stalled, code, result = await self._attempt(text, finish_reason, tokens, rnd, escaped)
            if passed:
                self.chain.first_pass_round = rnd
                run.passes += 1
                # a pass the Python models back needs no second pass to vote with
                backed = bool(run.models) and await model_search.confirms_pass(run.models, self.candidate(), run.report)
                if cfg.select == "first" and (run.passes >= run.needed_passes or backed):
                    run.solved.set()
                await run.hold(self.index, False)  # settled: chains waiting to repair may go on (or stop)
                return
            await run.hold(self.index, False)
            if rnd >= cfg.depth or (cfg.select == "first" and run.solved.is_set()):
                return
            await run.others_verified(self.index)
            if cfg.select == "first" and run.solved.is_set():  # another drawn sample settled it meanwhile
                return
            if escaped:
                self.parent = None  # a fresh sample starts a new line of repairs
            if code is not None and result is not None:
                code, result = self._keep_better(code, result, rnd)
            rnd += 1
            if (stalled and cfg.escape) or code is None or result is None:
                escaped = True
                prompt = run.generate_prompts[self.index % len(run.generate_prompts)]  # this sample's own
                seed: int | None = run.escape_seed_base + 1000 * rnd + self.index + 1
                run.report(EscapeEvent(chain=self.index, round=rnd,
                                       reason="no usable code" if code is None else "no progress (same error or same code)"))
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
            await run.hold(self.index, True)
            text, finish_reason = completion.text, completion.finish_reason
            tokens = completion.completion_tokens

    def _keep_better(self, code: str, result: VerifyResult, rnd: int) -> tuple[str, VerifyResult]:
        """Counterexample-guided repair: once an attempt was simulated against the reference, a repair replaces
        it (as what the next round repairs) only if its match rate strictly improves."""
        rate = result.match_rate
        if self.parent is not None and (rate is None or rate <= (self.parent[1].match_rate or 0.0)):
            self.run.report(RepairRejectedEvent(chain=self.index, round=rnd, rate=rate,
                                                parent_rate=self.parent[1].match_rate))
            return self.parent
        if rate is not None:
            self.parent = (code, result)
        return code, result

    async def check(self, code: str, tokens: int, rnd: int, escaped: bool, on_fix=None) -> Checked:
        """The candidate pipeline on this chain's code of round `rnd` (agent/candidate.py), not yet recorded."""
        run = self.run

        async def verify(code: str) -> VerifyResult:
            return await run.verify(code, self.index, rnd)

        return await check_candidate(code, run.task, verify, fix=run.cfg.fix, profile=run.cfg.profile, round=rnd,
                                     escaped=escaped, tokens=tokens, seen=self.seen_codes, on_fix=on_fix)

    async def _attempt(self, text: str, finish_reason: str | None, tokens: int, rnd: int, escaped: bool):
        """Extract, then the candidate pipeline (fix, verify, fix from diagnostics, verify). Returns
        (passed, stalled, code, result) where stalled means no progress over the last attempt."""
        run, task = self.run, self.run.task
        ex = extract_code(text, finish_reason, task.top)
        run.report(ExtractionEvent(chain=self.index, round=rnd, category=ex.category, note=ex.note,
                                   dropped=ex.dropped, code=ex.code))
        if ex.code is None or ex.category == Outcome.truncated:
            self._record(AttemptRecord(round=rnd, code=ex.code, stage="extract",
                                       category=Outcome(ex.category or Outcome.extraction_failed), escaped=escaped,
                                       tokens=tokens), None, ex.note)
            return False, True, None, None

        checked = await self.check(ex.code, tokens, rnd, escaped,
                                   on_fix=lambda records, code, by: run.trace_fix(self.index, rnd, records, code, by))
        for step in checked.steps:
            self._record(step.attempt, step.result)
        result = checked.result
        signature = error_signature(result)
        stalled = checked.repeated or (signature == self.last_signature and not result.ok)
        self.last_signature = signature
        return result.ok, stalled, checked.code, result


async def solve(task: Task, cfg: AgentConfig, *, llm: ChatModel, env: Verifier, trace: Trace | None = None,
                retriever=None, hooks: Sequence[LoopHook] = ()) -> SolveResult:
    """Solve one task. Raises LLMUnavailable when no server answers; every other failure (a request
    that fails for good, budgets, a verifier crash) ends in a SolveResult that says what happened.
    Every event (agent.events) goes to the trace, then to each of `hooks` (e.g. a live display)."""
    from agent.llm.client import LLMRequestError

    trace = trace or NullTrace()
    run = _Run(task, cfg, llm, env, trace, retriever, hooks)
    run.report(StartEvent(task_id=task.id, top=task.top, spec=task.spec, config=cfg.redacted(),
                          has_reference=task.reference is not None,
                          testbench=str(task.testbench) if task.testbench else None))
    runners: list[_ChainRunner] = []
    raw_output = None
    vote = None
    try:
        if cfg.interface and (run.oracle_free or task.meta.get("interface")):
            await _derive_interface(run)
        if cfg.checks and run.voting and run.interface is not None:
            await _model_checks(run)
        if cfg.pymodels and run.oracle_free:
            run.models = await model_search.draw_models(_Session(run, []))
        notes = await run.notes(task.spec)
        run.generate_prompts = [run.builder.generate(task.spec, task.top, hints=run.hints, notes=notes, examples=ex)
                                for ex in await run.example_sets(task.spec)]
        run.generate_prompt = run.generate_prompts[0]
        started: dict[int, tuple[_ChainRunner, asyncio.Task]] = {}

        def start(i: int, text: str, finish_reason: str | None, tokens: int) -> None:
            """A chain per sample, as soon as the sample is done (a streamed reply tells each one)."""
            if i in started or finish_reason == "cancelled":
                return
            runner = _ChainRunner(run, i)
            # The chain's own requests must not report to this request's hooks: a fresh context.
            context = contextvars.copy_context()
            context.run(SAMPLE_HOOKS.set, None)
            started[i] = (runner, asyncio.create_task(runner.drive(text, finish_reason, tokens), context=context))

        try:
            raw_output = await _first_samples(run, start)
        except BaseException:  # the request failed for good: the chains it started end with it
            for _, job in started.values():
                job.cancel()
            await asyncio.gather(*(job for _, job in started.values()), return_exceptions=True)
            raise
        runners = [started[i][0] for i in sorted(started)]
        await _wait_chains(run, [started[i][1] for i in sorted(started)])
    except BudgetExceeded:
        pass
    except ReferenceFault as e:  # the reference, not a candidate, is at fault: no point drawing more
        run.stop_reason = f"reference_error: {e}"
        run.report(ReferenceErrorEvent(error=str(e)))
    except LLMRequestError as e:
        run.stop_reason = f"llm_error: {e}"
        run.report(LLMErrorEvent(error=str(e)))
    if run.voting or run.models:  # the vote, then repairs of its answer against the model's checks it fails
        vote = await oracle_free.repair_from_checks(_Session(run, runners), await _vote(run, runners))
    if run.models:  # dual agreement with the Python models, then repairs from their counterexamples
        vote = await model_search.select_and_repair(_Session(run, runners), vote)
    return _finish(run, runners, raw_output, vote)


async def _first_samples(run: _Run, start: Callable[[int, str, str | None, int], None]) -> str | None:
    """Round 0: draw the k samples and `start` a chain for each (index, text, finish reason, completion
    tokens); returns the first sample's text. One request with n=k when every sample sees the same
    prompt, streamed where the server can, so each chain starts as soon as its sample is done (and a
    solved task ends the request); one request per sample (n=1, seed + i) when they see different
    example sets or orders (example_diversity), which costs k prompt reads instead of one."""
    cfg = run.cfg
    if len(run.generate_prompts) == 1:
        hooks = SAMPLE_HOOKS.set(SampleHooks(on_sample=start,
                                             stop=lambda: cfg.select == "first" and run.solved.is_set()))
        try:
            completion = await run.chat(run.generate_prompts[0], chain=None, round=0, n=cfg.k,
                                        temperature=cfg.temperature, seed=cfg.seed)
        finally:
            SAMPLE_HOOKS.reset(hooks)
        run.sampling = getattr(completion, "sampling", None)
        per_sample = _tokens_per_sample(completion)
        for i, (text, reason) in enumerate(zip(completion.texts, completion.finish_reasons)):
            start(i, text, reason, per_sample[i])  # those a stream did not tell (or no stream at all)
        return completion.texts[0] if completion.texts else None
    completions = await asyncio.gather(*(
        run.chat(prompt, chain=i, round=0, n=1, temperature=cfg.temperature,
                 seed=None if cfg.seed is None else cfg.seed + i)
        for i, prompt in enumerate(run.generate_prompts)))
    # the keys Completion.sampling has, so the record says how the k samples came
    run.sampling = {"requested_n": cfg.k, "samples": sum(1 for c in completions if c.texts),
                    "requests": len(completions), "choices_per_request": [len(c.texts) for c in completions],
                    "seeds": [None if cfg.seed is None else cfg.seed + i for i in range(len(completions))],
                    "per_sample_prompts": cfg.example_diversity}
    texts = [c.text for c in completions]
    for i, c in enumerate(completions):  # n = 1 each: a request's completion tokens are its sample's
        start(i, texts[i], c.finish_reason or "stop", c.completion_tokens)
    return texts[0] if texts else None


def _tokens_per_sample(completion) -> list[int]:
    """Each sample's completion tokens: counted per sample when the reply was streamed, else the
    request's total shared evenly (llama-server's usage counts one of n; the client recounts all)."""
    stream = getattr(completion, "stream", None) or {}
    counted = stream.get("completion_tokens")
    if isinstance(counted, list) and len(counted) == len(completion.texts):
        return [int(t) for t in counted]
    return [completion.completion_tokens // max(1, len(completion.texts))] * len(completion.texts)


class _Session:
    """The running solve as oracle-free steps see it (agent.oracle_free.protocol.SolveSession)."""

    def __init__(self, run: _Run, runners: list[_ChainRunner]):
        self._run, self._runners = run, {r.index: r for r in runners}
        self.task, self.cfg, self.builder = run.task, run.cfg, run.builder

    @property
    def checks(self) -> list[list[dict]]:
        return self._run.checks

    @property
    def models(self) -> list[str]:
        return self._run.models

    @property
    def interface(self) -> Interface | None:
        return self._run.interface

    def report(self, event: Event) -> None:
        self._run.report(event)

    async def ask(self, prompt: Prompt, *, chain: int | None, round: int, temperature: float, n: int = 1):
        return await self._run.chat(prompt, chain=chain, round=round, n=n, temperature=temperature,
                                    seed=self.cfg.seed)

    def candidates(self) -> list[oracle_free.Candidate]:
        return [c for c in (r.candidate() for r in self._runners.values()) if c is not None]

    def chain(self, index: int) -> ChainState | None:
        runner = self._runners.get(index)
        if runner is None or runner.best is None or not runner.chain.attempts:
            return None
        return ChainState(index, runner.best.attempt.code, max(a.round for a in runner.chain.attempts))

    async def attempt(self, index: int, completion, round: int) -> bool:
        passed, *_ = await self._runners[index]._attempt(completion.text, completion.finish_reason,
                                                         completion.completion_tokens, round, False)
        return passed

    async def trial(self, index: int, completion, round: int) -> Trial:
        ex = extract_code(completion.text, completion.finish_reason, self.task.top)
        if ex.code is None:
            return Trial(index, round, passed=False, candidate=None, note=ex.note or "no code in the reply")
        checked = await self._runners[index].check(ex.code, completion.completion_tokens, round, escaped=False)
        result = checked.result
        cand = (oracle_free.Candidate(chain=index, code=checked.code, verilog=result.verilog, top=result.top,
                                      repairs=round)
                if result.ok and result.verilog and result.top else None)
        return Trial(index, round, passed=result.ok, candidate=cand, steps=tuple(checked.steps))

    def keep(self, trial: Trial) -> None:
        runner = self._runners[trial.chain]
        for step in trial.steps:
            runner._record(step.attempt, step.result)

    async def vote(self) -> "oracle_free.Vote | None":
        return await _vote(self._run, list(self._runners.values()))


async def _derive_interface(run: _Run) -> None:
    """The interface every candidate is checked against (none when the spec states none we can read)."""
    async def ask(prompt: Prompt) -> str:
        completion = await run.chat(prompt, chain=None, round=0, n=1, temperature=0.0, seed=run.cfg.seed)
        return completion.text

    try:
        run.interface = await oracle_free.derive_interface(run.task, run.builder, ask)
    except oracle_free.InterfaceError as e:  # a malformed ports block: solve unchecked, say why
        run.report(InterfaceEvent(error=str(e)))
        return
    run.report(InterfaceEvent(**(run.interface.to_dict() if run.interface else {"source": None, "ports": []})))


async def _model_checks(run: _Run) -> None:
    """One temperature-0 call for the model's checks; those that do not fit the interface are dropped."""
    assert run.interface is not None  # asked for only once the interface is known
    completion = await run.chat(oracle_free.checks_prompt(run.builder, run.task.spec, run.interface), chain=None,
                                round=0, n=1, temperature=0.0, seed=run.cfg.seed)
    run.checks, dropped = oracle_free.parse_checks(completion.text, run.interface)
    run.report(ChecksEvent(checks=run.checks, dropped=dropped))


async def _vote(run: _Run, runners: list[_ChainRunner]) -> "oracle_free.Vote | None":
    """Group the passing candidates by simulated behaviour (off the event loop: iverilog blocks)."""
    cands = [c for c in (r.candidate() for r in runners) if c is not None]
    if not cands:
        return None
    result = await asyncio.to_thread(oracle_free.vote, cands, checks=run.checks or None)
    run.report(VoteEvent(**result.to_dict()))
    return result


async def _wait_chains(run: _Run, jobs: list[asyncio.Task]) -> None:
    """Wait for the chains; cancel the rest at the first pass (select=first) or at the wall budget."""
    from agent.llm.client import LLMRequestError

    pending = set(jobs)
    deadline = run.t0 + run.cfg.budgets.max_wall_s if run.cfg.budgets.max_wall_s is not None else None
    try:
        while pending:
            timeout = None if deadline is None else max(0.0, deadline - time.perf_counter())
            done, pending = await asyncio.wait(pending, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            for job in done:
                exc = job.exception()
                if isinstance(exc, LLMRequestError):
                    run.report(LLMErrorEvent(error=str(exc)))  # that chain ends; the others go on
                    run.stop_reason = run.stop_reason or f"llm_error: {exc}"
                elif exc is not None and not isinstance(exc, BudgetExceeded):
                    raise exc
            if not done and deadline is not None:  # wall budget hit while chains were still busy
                try:
                    run.check_budget()
                except BudgetExceeded:
                    break
            if run.cfg.select == "first" and run.solved.is_set():
                # Every sample already drawn is verified and joins the vote before anything is chosen.
                held = {jobs[i] for i in run.holding if i < len(jobs) and jobs[i] in pending}
                if held:
                    timeout = None if deadline is None else max(0.0, deadline - time.perf_counter())
                    await asyncio.wait(held, timeout=timeout)
                    pending -= {j for j in held if j.done()}
                    for job in held:
                        exc = job.exception() if job.done() else None
                        if exc is not None and not isinstance(exc, (BudgetExceeded, LLMRequestError)):
                            raise exc
                break
    finally:
        for job in pending:
            job.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)


def _finish(run: _Run, runners: list[_ChainRunner], raw_output: str | None, vote=None) -> SolveResult:
    task, chains = run.task, [r.chain for r in runners]
    evidence = {key: value for r in runners for key, value in r.evidence.items()}

    def of(attempt: AttemptRecord) -> tuple[VerifyResult | None, str]:
        return evidence.get(id(attempt), (None, ""))

    fields = reported_fields(chains, of, chosen=vote.chosen if vote else None,
                             llm_failed=(run.stop_reason or "").startswith("llm_error"))
    if not fields["passed"] and (run.stop_reason or "").startswith("reference_error"):
        fields["failure_category"] = Category.reference_error  # the reference's fault, not a candidate's
    stop = "solved" if fields["passed"] else run.stop_reason or "exhausted"
    notes = [f"stop: {stop}"] if stop not in ("solved", "exhausted") else []
    sampling = run.sampling or {}
    if sampling.get("requests", 1) > 1:  # the server returned fewer choices than n: say how the k came
        notes.append(f"samples: {sampling['samples']} of n={sampling['requested_n']} in {sampling['requests']} "
                     f"requests (choices per request {sampling['choices_per_request']}, seeds {sampling['seeds']})"
                     + (f"; stopped: {sampling['stopped']}" if sampling.get("stopped") else ""))
    first = chains[0].attempts[0] if chains and chains[0].attempts else None
    top = task.top
    reported = reported_attempt(chains, vote.chosen if vote else None)
    accepted = of(reported[1])[0] if fields["passed"] and reported is not None else None
    if top is None and accepted is not None:
        top = accepted.top  # none was asked for: record the module elaborated (final.sv's), not null
    res = SolveResult(
        id=task.id, level=task.level, category=task.category, instruction=task.spec, top=top,
        functional_check=task.require_simulate, passed_lenient=fields["passed"], raw_output=raw_output,
        extracted_code=first.code if first else None, **fields, llm_calls=run.llm_calls,
        prompt_tokens=run.prompt_tokens, completion_tokens=run.completion_tokens,
        wall_s=round_(run.elapsed()), verify_s=round_(run.verify_s), chains=chains, notes=notes,
        verify_wall_s=round_(run.verify_wall_s), stop_reason=stop, sampling=run.sampling,
        run_dir=str(run.trace.run_dir) if getattr(run.trace, "run_dir", None) else None,
        interface=run.interface.to_dict() if run.interface else None, vote=vote.to_dict() if vote else None,
    )
    oracle = None if run.oracle_free else ("testbench" if task.testbench is not None else "reference")
    res.backed_by, res.unconfirmed = backing(res.solved, oracle, res.vote)
    run.trace.finish(code=res.final_code, verilog=res.final_verilog,
                     summary=res.model_dump(mode="json", exclude={"chains"})
                     | {"solved": res.solved, "chains": [{"sample_index": c.sample_index,
                                                          "first_pass_round": c.first_pass_round,
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
