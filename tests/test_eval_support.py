"""Shared by the eval tests: run the real `agent` CLI in a subprocess, and skip when the verifier
toolchain is not set up on this machine."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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
