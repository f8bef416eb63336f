"""What the tests share, in one module (test modules import from here, not from each other):

* the `agent` CLI in a subprocess and skips for a missing verifier or seed data (was test_eval_support);
* the designs and specs several test modules use (the 8-bit adder, the sweep's good and bad replies,
  the fixers' FSM);
* `ScriptedChat`, an in-process ChatModel that answers from a script, and `solve_scripted`, the search
  loop on it: the loop tests need no HTTP server. `run_solve` drives the loop through the stub OpenAI
  server instead (agent/llm/stub_server.py), for what needs the real client (retries, faults, n handling).
"""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from agent.config import AgentConfig, LLMConfig
from agent.llm import LLMClient
from agent.llm.client import Completion
from agent.search import SolveResult, solve
from agent.task import Task
from agent.trace import Trace
from reflect_env.result import Diagnostic, Stage

# -- the CLI, the verifier, the seed data ----------------------------------------------------------------

REPO = Path(__file__).resolve().parents[1]
SEED = Path(os.environ.get("CHISEL_AGENT_SEED_DATA", REPO.parent / "shared" / "seed-data"))
CLI = [sys.executable, "-c", "import sys; from agent.cli import app; sys.argv[0] = 'agent'; app()"]


def agent_cmd(*args: str) -> list[str]:
    return [*CLI, *map(str, args)]


def run_agent(*args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run(agent_cmd(*args), cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)


def json_out(proc: subprocess.CompletedProcess) -> dict:
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, f"--json must print exactly one line, got {proc.stdout!r}\nstderr: {proc.stderr[-2000:]}"
    return json.loads(lines[0])


def require_verifier() -> None:
    """Skip unless reflect_env's warm pool can run here (toolchain set up with `agent setup`)."""
    try:
        from reflect_env import ReflectEnv  # noqa: F401
        from reflect_env.toolchain import ToolchainMissing, toolchain
    except ImportError as e:
        pytest.skip(f"reflect_env not available: {e}")
    try:
        toolchain().require()
    except ToolchainMissing as e:
        pytest.skip(str(e))


def require_seed() -> Path:
    if not (SEED / "eval_set_v2.jsonl").exists():
        pytest.skip("seed data not present")
    return SEED


def seed_results_file(path: Path, rows: list[tuple[str, str]]) -> Path:
    """A results file in the seed's format: (id, extracted_code) per problem."""
    doc = {"metadata": {}, "statistics": {},
           "results": [{"id": i, "raw_output": f"```scala\n{code}\n```", "extracted_code": code} for i, code in rows]}
    path.write_text(json.dumps(doc))
    return path


def seed_eval_set(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    """An eval set in the seed's JSONL format: (id, level, top) per problem."""
    lines = [json.dumps({"id": i, "level": lvl, "category": "test", "instruction": f"Build `{top}`.", "input": "",
                         "reference_code": "", "test_config": {"require_compile": True, "require_elaborate": True,
                                                                "require_simulate": False, "module_name": top}})
             for i, lvl, top in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


# -- designs and specs ------------------------------------------------------------------------------------

ADDER = """import chisel3._

class Adder extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(8.W))
    val b = Input(UInt(8.W))
    val sum = Output(UInt(8.W))
  })
  io.sum := io.a + io.b
}
"""
# A missing closing paren: a syntax error on the `io.sum` line.
ADDER_SYNTAX = ADDER.replace("io.sum := io.a + io.b", "io.sum := (io.a + io.b")
ADDER_SPEC = "An 8-bit adder module named `Adder` with inputs `a`, `b` and output `sum`."

# The vote's adder: the same interface, behaviours appended to HEAD.
SPEC = "A module named `Adder`: two 8-bit inputs a, b and an 8-bit output sum = a + b (wrapping)."
HEAD = """import chisel3._

class Adder extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(8.W))
    val b = Input(UInt(8.W))
    val sum = Output(UInt(8.W))
  })
"""


def fenced(code: str) -> str:
    """A reply that wraps `code` in prose and a scala fence, as the models write it."""
    return f"Here is the design.\n\n```scala\n{code}```\n"


ADDER_TASK = Task(id="adder", spec=SPEC, top="Adder")
WRONG = HEAD + "  io.sum := io.a - io.b\n}\n"  # same interface, other behaviour
RIGHT_PLAIN = ADDER  # HEAD with sum = a + b: the same text
RIGHT_WIDENED = HEAD + "  val wide = Wire(UInt(9.W))\n  wide := io.a +& io.b\n  io.sum := wide(7, 0)\n}\n"
BROKEN = HEAD + "  io.sum := (io.a + io.b\n}\n"  # a syntax error


def bare_fenced(code: str) -> str:
    """A reply that is only the scala fence (the vote's and the Python models' tests)."""
    return f"```scala\n{code}```\n"


# The sweep's replies for a module named {top}: one that passes, one with a type error no fixer mends
# (`tag` keeps the chains' repair prompts distinct: no shared cache entry).
GOOD = "```scala\nimport chisel3._\n\nclass {top} extends Module {{\n  val io = IO(new Bundle {{\n" \
       "    val in  = Input(UInt(4.W))\n    val out = Output(UInt(4.W))\n  }})\n  io.out := io.in\n}}\n```"
BAD = "```scala\nimport chisel3._\n\nclass {top} extends Module {{\n  val io = IO(new Bundle {{\n" \
      "    val in  = Input(UInt(4.W))\n    val out = Output(UInt(4.W))\n  }})\n  io.out := io.in + \"{tag}\"\n}}\n```"

FSM = """import chisel3._
import chisel3.util._

class Toggle extends Module {
  val io = IO(new Bundle {
    val toggle = Input(Bool())
    val on = Output(Bool())
  })
  // states
  STATES
  val state = RegInit(OFF)
  when(io.toggle) { state := Mux(state === OFF, ON, OFF) }
  io.on := state === ON
}
"""


def not_found(name, line=10):
    return Diagnostic(stage=Stage.compile, severity="error", line=line, message=f"not found: value {name}")


# -- the search loop without a server -------------------------------------------------------------------

Script = str | list[str] | Callable[[list[dict], int], list[str]]


@dataclass
class ScriptedChat:
    """An in-process ChatModel (agent.interfaces) that answers each request with the next entry of
    `script`: a text (every one of the n samples), a list of texts (one per sample), or a function of
    (messages, n) returning the texts. A request past the end of the script fails the test. `requests`
    records each one (messages, n, temperature, seed, extra) for the test to check."""

    script: list[Script]
    requests: list[dict] = field(default_factory=list)

    async def chat(self, messages: list[dict], *, n: int, temperature: float, top_p: float, max_tokens: int,
                   seed: int | None, extra: dict | None = None, before_follow_up=None) -> Completion:
        self.requests.append({"messages": messages, "n": n, "temperature": temperature, "seed": seed, "extra": extra})
        if len(self.requests) > len(self.script):
            pytest.fail(f"request {len(self.requests)} is past the end of the script ({len(self.script)} replies)")
        entry = self.script[len(self.requests) - 1]
        texts = entry(messages, n) if callable(entry) else [entry] * n if isinstance(entry, str) else list(entry)
        prompt = sum(len(m["content"].split()) for m in messages)
        return Completion(texts=texts, finish_reasons=["stop"] * len(texts), prompt_tokens=prompt,
                          completion_tokens=sum(len(t.split()) for t in texts), latency_s=0.0, cached=False,
                          request={"messages": messages, "n": n})

    def prompts(self) -> list[str]:
        """The user message of each request, in order."""
        return [r["messages"][-1]["content"] for r in self.requests]


def solve_scripted(task: Task, cfg: AgentConfig, script: list[Script], env, run_dir: Path | None = None,
                   **kw) -> tuple[SolveResult, ScriptedChat]:
    """agent.search.solve on `task` with a ScriptedChat as the model, verified by `env`, traced into
    `run_dir` (none: untraced); `kw` goes to solve (hooks, a retriever). Returns the result and the chat."""
    chat = ScriptedChat(list(script))

    async def main() -> SolveResult:
        if run_dir is None:
            return await solve(task, cfg, llm=chat, env=env, **kw)
        with Trace(run_dir) as trace:
            return await solve(task, cfg, llm=chat, env=env, trace=trace, **kw)
    return asyncio.run(main()), chat


def run_solve(stub, task: Task, cfg, env, run_dir: Path, *, max_retries: int = 1, **kw):
    """agent.search.solve on `task` against the stub server `stub` (no response cache, fast retries),
    verified by `env`, traced into `run_dir`; `kw` goes to solve (e.g. a retriever)."""
    async def main():
        llm = LLMClient(LLMConfig(base_url=stub.base_url, use_cache=False, max_retries=max_retries,
                                  retry_backoff_s=0.01))
        try:
            with Trace(run_dir) as trace:
                return await solve(task, cfg, llm=llm, env=env, trace=trace, **kw)
        finally:
            await llm.aclose()
    return asyncio.run(main())
