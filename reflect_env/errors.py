"""The base of the errors reflect_env raises on purpose (toolchain missing, worker died, a port that
cannot be read). reflect_env imports nothing from the agent, so its base is its own; the agent's CLI
catches it alongside agent.errors.ChiselAgentError and prints the message on one line."""
from __future__ import annotations


class ReflectEnvError(Exception):
    """An error of the verifier whose message is meant for the user."""
