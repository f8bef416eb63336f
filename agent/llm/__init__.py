"""The LLM side: an async client for OpenAI-compatible servers and its on-disk response cache."""
from agent.llm.client import Completion, LLMClient, LLMRequestError, LLMUnavailable, ModelNotServed, Usage

__all__ = ["Completion", "LLMClient", "LLMRequestError", "LLMUnavailable", "ModelNotServed", "Usage"]
