"""Shared fixtures. One warm verifier pool serves the whole session: starting JVMs is the slow part."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

# The stub OpenAI server fixture, for every module whose tests take `stub_server`.
from agent.llm.stub_server import stub_server  # noqa: F401

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# Pools in tests verify a handful of designs each: a JIT warm-up at start would cost more than it saves.
os.environ.setdefault("REFLECT_ENV_WARMUP_ROUNDS", "0")

REPO = Path(__file__).resolve().parents[1]


def seed_data_dir() -> Path:
    return Path(os.environ.get("CHISEL_AGENT_SEED_DATA", REPO.parent / "shared" / "seed-data"))


@pytest.fixture(scope="session")
def seed_data() -> Path:
    d = seed_data_dir()
    if not (d / "eval_set_v2.jsonl").exists():
        pytest.skip(f"seed data not found at {d} (set CHISEL_AGENT_SEED_DATA)")
    return d


def verilogeval_dir() -> Path:
    """VerilogEval v2's `dataset_spec-to-rtl/` (NVlabs/verilog-eval, kept outside the repo)."""
    return Path(os.environ.get("CHISEL_AGENT_VERILOGEVAL",
                               REPO.parent / "ext" / "verilog-eval" / "dataset_spec-to-rtl"))


@pytest.fixture(scope="session")
def verilogeval() -> Path:
    d = verilogeval_dir()
    if not (d / "Prob001_zero_prompt.txt").exists():
        pytest.skip(f"VerilogEval v2 dataset_spec-to-rtl not found at {d} (set CHISEL_AGENT_VERILOGEVAL)")
    return d


@pytest.fixture(scope="session")
def toolchain_ready():
    """Skips the test where the chisel7 toolchain is not set up (`agent setup`)."""
    try:
        from reflect_env import ToolchainMissing, toolchain

        toolchain("chisel7")
    except (ImportError, ToolchainMissing) as e:
        pytest.skip(f"chisel7 toolchain not set up: {e}")


@pytest.fixture
def env(toolchain_ready, verifier):
    """The verifier of the solve tests (test_solve, test_vote, test_interface): the session's pool,
    skipped rather than failed where the toolchain is not set up."""
    return verifier


@pytest.fixture(scope="session")
def verifier():
    """The session's ReflectEnv (profile chisel7, two warm workers). Tests must not close it."""
    from reflect_env import ReflectEnv, ToolchainMissing

    try:
        env = ReflectEnv("chisel7", workers=2)
    except ToolchainMissing as e:
        pytest.fail(f"{e} (the README's `make setup` does this)")
    yield env
    env.close()
