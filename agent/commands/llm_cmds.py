"""`agent llm ping`, `agent config show` and `agent bench llm`: the model server, the effective
configuration, and what the LLM client costs per request."""
from __future__ import annotations

import asyncio
from typing import Optional

import typer

from agent.cli_util import err_console, fail, load_settings, print_json, progress_bar
from agent.commands.options import ApiKey, BaseUrl, Config, Json, Model

# The commands of this module; agent.cli adds them to `agent` and `agent bench`.
commands = typer.Typer()
bench_commands = typer.Typer()

llm_app = typer.Typer(help="The model server: is it up, what does it serve.", no_args_is_help=True)
config_app = typer.Typer(help="The configuration: defaults < file < env vars < flags.", no_args_is_help=True)
commands.add_typer(llm_app, name="llm")
commands.add_typer(config_app, name="config")


@llm_app.command("ping")
def ping_cmd(
    base_url: BaseUrl = None,
    model: Model = None,
    api_key: ApiKey = None,
    timeout: Optional[float] = typer.Option(None, "--timeout", min=0.1, help="seconds per request"),
    config: Config = None,
    as_json: Json = False,
) -> None:
    """List the server's models and send one tiny chat request to the configured model."""
    from agent.llm import LLMClient, LLMRequestError, LLMUnavailable

    cfg = load_settings(config, flags={"base_url": "--base-url", "model": "--model", "api_key": "--api-key",
                               "timeout_s": "--timeout"},
                base_url=base_url, model=model, api_key=api_key, timeout_s=timeout)
    llm_cfg = cfg.llm.model_copy(update={"use_cache": False, "max_retries": 0})

    async def probe():
        import time

        import openai  # noqa: F401  imported before the clock starts: it takes seconds on a busy machine

        client = LLMClient(llm_cfg)
        try:
            t = time.perf_counter()
            models = await client.models()
            models_s = time.perf_counter() - t
            if llm_cfg.model not in models:
                raise client.not_served(models)
            reply = await client.chat([{"role": "user", "content": "Reply with the single word: ok"}],
                                      temperature=0.0, max_tokens=8)
            return models, models_s, reply
        finally:
            await client.aclose()

    try:
        models, models_s, reply = asyncio.run(probe())
    except (LLMUnavailable, LLMRequestError) as e:
        message = str(e)
        if timeout is not None:  # the timeout came from --timeout here, not from llm.timeout_s
            message = message.replace("raise llm.timeout_s", "raise --timeout")
        fail(message)
    report = {"base_url": llm_cfg.base_url, "model": llm_cfg.model, "models": models,
              "models_latency_s": round(models_s, 4), "chat_latency_s": round(reply.latency_s, 4),
              "reply": reply.text, "finish_reason": reply.finish_reason or "",
              "prompt_tokens": reply.prompt_tokens, "completion_tokens": reply.completion_tokens}
    if as_json:
        print_json(report)
    else:
        err_console.print(f"[bold green]ok[/]: {llm_cfg.base_url} serves {llm_cfg.model}; chat round trip "
                          f"{reply.latency_s * 1000:.0f} ms, reply {_short(report['reply'])!r}", highlight=False)


@config_app.command("show")
def show_cmd(
    config: Config = None,
    as_json: Json = False,
) -> None:
    """Print the effective configuration and where each value came from (API key hidden)."""
    cfg = load_settings(config)
    data = cfg.redacted()
    sources = cfg.sources
    if as_json:
        print_json({"config_file": str(cfg.config_file) if cfg.config_file else None, "config": data,
                    "sources": sources})
        return
    from rich.table import Table

    table = Table(title=f"config file: {cfg.config_file or 'none (defaults)'}", title_justify="left")
    for column in ("key", "value", "from"):
        table.add_column(column, overflow="fold")
    for key, value in _flatten(data):
        table.add_row(key, "-" if value is None else str(value), sources.get(key, "default"))
    from rich.console import Console

    Console().print(table)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _flatten(data: dict, prefix: str = ""):
    for k, v in data.items():
        if isinstance(v, dict):
            yield from _flatten(v, f"{prefix}{k}.")
        else:
            yield prefix + k, v


@bench_commands.command("llm")
def bench_llm_cmd(
    requests: int = typer.Option(200, "--requests", min=10, help="requests per phase"),
    concurrency: int = typer.Option(8, "--concurrency", min=1, help="max requests in flight (burst phase)"),
    as_json: Json = False,
) -> None:
    """LLM client overhead per request against a zero-latency stub server."""
    from agent.llm.bench import run_client_bench

    with progress_bar(quiet=as_json) as progress:
        task = progress.add_task("LLM client bench", total=4 * requests)
        report = run_client_bench(requests, concurrency, tick=lambda: progress.advance(task))
    if as_json:
        print_json(report)
        return
    raw, seq, hit, burst = (report["raw_http_round_trip"], report["client_sequential"], report["cache_hit"],
                            report["client_concurrent"])
    err_console.print(
        f"raw HTTP round trip {raw['mean_ms']:.2f} ms; through LLMClient {seq['mean_ms']:.2f} ms "
        f"(p95 {seq['p95_ms']:.2f}) -> client overhead {report['client_overhead_ms']:.2f} ms/request; "
        f"burst of {requests} at concurrency {concurrency} ({burst['stub_latency_ms']} ms per reply): "
        f"{burst['requests_per_s']} req/s of {burst['ideal_requests_per_s']} ideal, "
        f"{burst['max_in_flight_seen']} in flight at most; "
        f"cache hit {hit['mean_ms']:.2f} ms", highlight=False)
