"""The LLM side: an async client for OpenAI-compatible servers and its on-disk response cache."""
from agent.llm.client import Completion, LLMClient, LLMConfig, LLMRequestError, LLMUnavailable, ModelNotServed, Usage

__all__ = ["Completion", "LLMClient", "LLMConfig", "LLMRequestError", "LLMUnavailable", "ModelNotServed", "Usage"]
