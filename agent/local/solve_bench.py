"""`agent bench solve`: the README solve with the embedded model, timed the way a user sees it (issue 19).

Each solve is a fresh `python -m agent solve SPEC --json --no-cache` process (the embedded server, the
embedding model and the JVMs start in it, as for a user); its wall time runs from launch to exit. Its
trace says where the time went:

* start-up: launch until the first model request is sent (the `startup` event: server ready, prefix
  restored or primed, retrieval ready);
* model: the time at least one model request was in flight (from `prompt` to `response` events), split
  for the first request into prompt evaluation (until its first token) and generation;
* cached tokens: prompt tokens the server took from its cache, per request;
* verification: the time at least one verification ran; exit: the trace's last event until the
  process was gone.

The Done-when numbers: wall / model (goal <= 1.25), the second solve's share of prompt tokens read from
the cache (goal >= 50 %), and with --under-load the generation speed beside a busy verifier (`agent
bench verify` on the eval set, in its own process) against alone (goal >= 70 %).
"""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def loadavg() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except (OSError, ValueError):
        return []


def _union(intervals: list[tuple[float, float]]) -> float:
    total, end = 0.0, float("-inf")
    for a, b in sorted(intervals):
        if b <= end:
            continue
        total += b - max(a, end)
        end = b
    return total


def read_trace(run_dir: Path) -> list[dict]:
    path = run_dir / "trace.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if path.is_file() else []


def breakdown(events: list[dict], *, launched_at: float, exited_at: float) -> dict:
    """The phases of one solve from its trace (times in seconds; see the module doc)."""
    startup = next((e for e in events if e["kind"] == "startup"), None)
    # The trace's clock starts right after the startup event's stamps were taken.
    trace_zero = (startup["wall_clock"] + startup["first_request_s"]) if startup else launched_at
    opened: dict[tuple, list[float]] = {}
    requests: list[dict] = []
    intervals = []
    for e in events:
        key = (e.get("chain"), e.get("round"))
        if e["kind"] == "prompt":
            opened.setdefault(key, []).append(e["t"])
        elif e["kind"] == "response" and opened.get(key):
            start = opened[key].pop(0)
            end = start + float(e.get("latency_s") or (e["t"] - start))
            intervals.append((start, end))
            stream = e.get("stream") or {}
            requests.append({"chain": e.get("chain"), "round": e.get("round"), "n": len(e.get("texts") or []),
                             "latency_s": round(end - start, 3), "prompt_tokens": e.get("prompt_tokens"),
                             "cached_prompt_tokens": e.get("cached_prompt_tokens"),
                             "completion_tokens": e.get("completion_tokens"),
                             "per_sample_tokens": stream.get("completion_tokens"),
                             "finish_reasons": e.get("finish_reasons"), "first_token_s": stream.get("first_token_s"),
                             "samples_done_s": stream.get("done_s"), "closed_early": stream.get("closed_early")})
    verify = [(e["t"] - float(e.get("wall_s") or 0), e["t"]) for e in events if e["kind"] == "verification"]
    last_t = max((e["t"] for e in events), default=0.0)
    wall = exited_at - launched_at
    model = _union(intervals)
    first = requests[0] if requests else {}
    prompt_eval = first.get("first_token_s")
    out = {
        "wall_s": round(wall, 2),
        "startup_s": round(trace_zero - launched_at, 2),
        "server_ready_s": startup.get("server_ready_s") if startup else None,
        "retrieval_ready_s": startup.get("retriever_ready_s") if startup else None,
        "prefix": startup.get("prefix") if startup else None,
        "server": startup.get("server") if startup else None,
        "model_s": round(model, 2),
        "first_request": {"prompt_eval_s": prompt_eval,
                          "generation_s": round(first["latency_s"] - prompt_eval, 2) if prompt_eval is not None else None,
                          **first},
        "requests": requests,
        "prompt_tokens": sum(r["prompt_tokens"] or 0 for r in requests),
        "cached_prompt_tokens": sum(r["cached_prompt_tokens"] or 0 for r in requests),
        "verification_s": round(_union(verify), 2),
        "exit_s": round(exited_at - (trace_zero + last_t), 2),
        "wall_over_model": round(wall / model, 3) if model else None,
    }
    return out


def run_solve(spec: Path, out: Path, extra: list[str]) -> dict:
    """One `agent solve` in a fresh process; its JSON summary and breakdown."""
    cmd = [sys.executable, "-m", "agent", "solve", str(spec), "--json", "--no-cache", "--out", str(out), *extra]
    load = loadavg()
    launched = time.time()
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    exited = time.time()
    try:
        summary = json.loads(proc.stdout)
    except json.JSONDecodeError:
        summary = {}
    result = {"spec": str(spec), "command": " ".join(["agent", *cmd[3:]]), "exit_code": proc.returncode,
              "solved": summary.get("solved"), "loadavg_before": load, "loadavg_after": loadavg(),
              **breakdown(read_trace(out), launched_at=launched, exited_at=exited)}
    try:  # the solve's own stamps of its way out (agent/commands/solve_cmds.py)
        stamps = json.loads((out / "exit.json").read_text())
        result["exit_steps_s"] = {k: round(v - stamps.get("solved", v), 2) for k, v in stamps.items()}
        result["exit_steps_s"]["process_gone"] = round(exited - stamps.get("solved", exited), 2)
    except (OSError, ValueError, AttributeError):
        pass
    if not summary:
        result["error"] = (proc.stderr.strip().splitlines() or ["no output"])[-1][:300]
    return result


# -- generation alone and beside a busy verifier --------------------------------------------------------

async def _generate(base_url: str, model: str, messages: list[dict], *, n: int, tokens: int) -> dict:
    """One n-sample request of exactly `tokens` tokens per sample (ignore_eos); tok/s over generation
    (first token to last), so the prompt's evaluation does not count."""
    from agent.llm.stream import http_module

    httpx = http_module()
    body = {"model": model, "messages": messages, "n": n, "max_tokens": tokens, "temperature": 0.8, "seed": 1,
            "ignore_eos": True, "stream": True}
    count, first, last = 0, None, None
    t0 = time.perf_counter()
    async with httpx.AsyncClient(timeout=httpx.Timeout(1800.0)) as http:
        async with http.stream("POST", f"{base_url}/chat/completions", json=body) as reply:
            reply.raise_for_status()
            async for line in reply.aiter_lines():
                if not line.startswith("data:") or line.strip() == "data: [DONE]":
                    continue
                chunk = json.loads(line[5:])
                for c in chunk.get("choices") or []:
                    if (c.get("delta") or {}).get("content"):
                        now = time.perf_counter()
                        first = first if first is not None else now
                        last = now
                        count += 1
    gen = (last - first) if first is not None and last is not None else 0.0
    return {"tokens": count, "prompt_s": round((first or t0) - t0, 2), "generation_s": round(gen, 2),
            "tok_s": round((count - n) / gen, 2) if gen > 0 else None}


def under_load(spec: Path, *, evalset: Path, k: int, tokens: int, warm_s: float) -> dict:
    """tok/s of the embedded server's n = k generation alone, then beside `agent bench verify` (its own
    process, its JVM workers as reflect_env starts them), same server, same request."""
    from agent.local.embedded import EMBEDDED_NICE, EMBEDDED_THREADS, _env_int
    from agent.local.models import resolve_model
    from agent.local.server import DEFAULT_CTX, free_port, make_server, priority_of
    from agent.prompting import PromptBuilder
    from agent.search import infer_top
    from reflect_env.toolchain import cache_dir

    text = spec.read_text()
    messages = PromptBuilder("chisel7").generate(text, infer_top(text)).messages
    model = resolve_model(None)
    server = make_server("llama-server", str(model.path), port=free_port(), parallel=max(4, k), ctx=DEFAULT_CTX,
                         served_name=model.served_name,
                         threads=_env_int("CHISEL_AGENT_SERVER_THREADS", EMBEDDED_THREADS))
    server.nice = _env_int("CHISEL_AGENT_SERVER_NICE", EMBEDDED_NICE)
    server.log_path = cache_dir() / "logs" / "bench-solve-under-load.log"
    out: dict = {"k": k, "tokens_per_sample": tokens, "evalset": str(evalset)}
    with server:
        assert server.proc is not None
        out["server"] = {"argv": server.argv[1:], "priority": priority_of(server.proc.pid)}
        asyncio.run(_generate(server.base_url, server.served_name, messages, n=1, tokens=4))  # warm the pages
        out["loadavg_alone"] = loadavg()
        out["alone"] = asyncio.run(_generate(server.base_url, server.served_name, messages, n=k, tokens=tokens))
        busy = subprocess.Popen([sys.executable, "-m", "agent", "bench", "verify", "--evalset", str(evalset),
                                 "--cold-samples", "0", "--json"], cwd=REPO, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            time.sleep(warm_s)  # its JVMs started and verifying
            out["verifier_running"] = busy.poll() is None
            out["loadavg_loaded"] = loadavg()
            out["loaded"] = asyncio.run(_generate(server.base_url, server.served_name, messages, n=k, tokens=tokens))
            out["verifier_still_running"] = busy.poll() is None
        finally:
            try:
                os.killpg(busy.pid, 9)
            except ProcessLookupError:
                pass
            busy.wait()
    alone, loaded = out["alone"].get("tok_s"), out["loaded"].get("tok_s")
    out["kept"] = round(loaded / alone, 3) if alone and loaded else None
    return out


def run_solve_bench(spec: Path, second: Path | None, *, extra: list[str], keep: Path | None) -> dict:
    tmp = None
    if keep is None:
        tmp = tempfile.TemporaryDirectory(prefix="bench-solve-")
        root = Path(tmp.name)
    else:
        root = keep
        root.mkdir(parents=True, exist_ok=True)
    try:
        report: dict = {"first": run_solve(spec, root / "first", extra)}
        if second is not None:
            s = run_solve(second, root / "second", extra)
            first_req = s["requests"][0] if s["requests"] else {}
            s["first_request_cached_share"] = (round(first_req["cached_prompt_tokens"] / first_req["prompt_tokens"], 3)
                                               if first_req.get("prompt_tokens") else None)
            s["cached_share"] = round(s["cached_prompt_tokens"] / s["prompt_tokens"], 3) if s["prompt_tokens"] else None
            report["second"] = s
        return report
    finally:
        if tmp is not None:
            tmp.cleanup()
