"""`agent bench engine`: k samples of one problem from a local engine, the way the search asks for them.

Two ways to get k samples: one request with n = k (what the search sends), and k concurrent requests
with n = 1 and distinct seeds (what a client must do when the server ignores n). Each is timed
end to end through the project's LLMClient; tokens/s is completion tokens over that wall time. The
client asks again when a server returns fewer than n choices, so the n = k step reports how many
requests it took and the choices each returned (`requests`, `choices_per_request`).
"""
from __future__ import annotations

import asyncio
import time
from pathlib import Path

from agent.local.server import free_port, make_server
from reflect_env.toolchain import cache_dir


def _prompt(spec_file: Path):
    from agent.prompting import PromptBuilder
    from agent.search import infer_top

    spec = spec_file.read_text()
    # The real generate prompt (system + few-shot), without RAG notes: the same for every engine.
    return PromptBuilder("chisel7").generate(spec, infer_top(spec)).messages


async def _measure(base_url: str, model: str, messages: list[dict], *, k: int, temperature: float,
                   max_tokens: int) -> dict:
    from agent.config import LLMConfig
    from agent.llm import LLMClient
    from agent.llm.client import LLMRequestError

    out: dict[str, object] = {}
    async with LLMClient(LLMConfig(base_url=base_url, model=model, use_cache=False, timeout_s=3600,
                                   max_concurrency=k, max_retries=0)) as llm:
        # Warm-up: the first request pays for loading pages of the model into the cache.
        await llm.chat(messages, n=1, temperature=0.0, max_tokens=8)
        t = time.perf_counter()
        try:
            one = await llm.chat(messages, n=k, temperature=temperature, max_tokens=max_tokens, seed=1)
        except LLMRequestError as e:  # e.g. n above the server's slots
            out["one_request_n_k"] = {"error": str(e)}
        else:
            wall = time.perf_counter() - t
            # Every choice counted: the client recounts llama-server's n > 1 replies with its /tokenize.
            comp = one.completion_tokens
            # The client makes k mean k: a server that ignores n (llama-cpp-python) or caps it at its
            # slots (llama-server) is asked again. Without these two fields "n = k" would look like one
            # request that returned k samples when it was k requests that returned one each.
            sampling = one.sampling or {}
            out["one_request_n_k"] = {"samples": len(one.texts), "wall_s": round(wall, 2),
                                      "prompt_tokens": one.prompt_tokens, "completion_tokens": comp,
                                      "tok_s": round(comp / wall, 2), "requests": sampling.get("requests", 1),
                                      "choices_per_request": sampling.get("choices_per_request", [len(one.texts)])}
        t = time.perf_counter()
        many = await asyncio.gather(*(llm.chat(messages, n=1, temperature=temperature, max_tokens=max_tokens,
                                               seed=100 + i) for i in range(k)))
        wall = time.perf_counter() - t
        comp = sum(c.completion_tokens for c in many)
        out["k_requests_n_1"] = {"samples": sum(len(c.texts) for c in many), "wall_s": round(wall, 2),
                                 "prompt_tokens": sum(c.prompt_tokens for c in many), "completion_tokens": comp,
                                 "tok_s": round(comp / wall, 2)}
    return out


def run_engine_bench(engine: str, *, spec_file: Path, k: int, temperature: float, max_tokens: int,
                     parallel: int, model: str | None = None) -> dict:
    messages = _prompt(spec_file)
    server = make_server(engine, model, port=free_port(), parallel=parallel, ctx=4096, start_timeout_s=600)
    server.log_path = cache_dir() / "logs" / f"bench-{engine}.log"
    t = time.perf_counter()
    with server:
        start_s = time.perf_counter() - t
        result = asyncio.run(_measure(server.base_url, server.served_name, messages, k=k,
                                      temperature=temperature, max_tokens=max_tokens))
    return {"engine": engine, "model": server.served_name, "k": k, "temperature": temperature,
            "max_tokens": max_tokens, "parallel": parallel, "start_s": round(start_s, 2), **result}
