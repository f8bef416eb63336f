"""reflect_env: a fast, sandboxed Chisel verifier on the real toolchain, usable without the agent."""
from reflect_env.result import Category, Diagnostic, Mismatch, Stage, VerifyResult
from reflect_env.toolchain import PROFILES, ToolchainMissing, setup, toolchain

__all__ = [
    "Category", "Diagnostic", "Mismatch", "Stage", "VerifyResult", "PROFILES", "ToolchainMissing",
    "setup", "toolchain", "ReflectEnv", "PoolUnavailable", "reflect",
]


def __getattr__(name):  # lazy: importing the package must not start a JVM or pull in the pool
    if name == "ReflectEnv":
        from reflect_env.env import ReflectEnv
        return ReflectEnv
    if name == "PoolUnavailable":
        from reflect_env.pool import PoolUnavailable
        return PoolUnavailable
    if name == "reflect":
        from reflect_env.seed_compat import reflect
        return reflect
    raise AttributeError(name)
