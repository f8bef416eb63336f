"""chisel-agent: the orchestrator (CLI, LLM client, prompts, fixers, search loop, RAG, eval)."""
