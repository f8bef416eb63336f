"""`agent bench view`: synthesise a run of N problems (records with chains and code, a trace each) and
time how long its problem list takes: building the JSON (cold, then cached), the HTTP request, and
the page in headless Chromium from navigation until every row is in the table."""
from __future__ import annotations

import json
import random
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from agent.eval.records import AttemptRecord, ChainRecord, ProblemRecord
from agent.view import data
from agent.view.browser import launch, missing_reason
from agent.view.server import BackgroundServer

LEVELS = ("L1-Basic", "L2-Combinational", "L3-Sequential", "L4-Advanced")
CATEGORIES = ("not_found", "type_mismatch", "sim_mismatch", "elaboration", "syntax")
TARGET_S = 1.0


def _code(i: int, variant: int) -> str:
    return (f"import chisel3._\n\nclass Top{i} extends Module {{\n  val io = IO(new Bundle {{\n"
            f"    val a = Input(UInt(8.W))\n    val out = Output(UInt(8.W))\n  }})\n"
            f"  io.out := io.a + {variant}.U\n}}\n")


def synthesize(out: Path, n: int, *, chains: int = 4, depth: int = 2, seed: int = 0) -> list[str]:
    """Write a run directory of `n` problems the way agent eval does (run.json, results.jsonl, traces)."""
    rng = random.Random(seed)
    ids = [f"{LEVELS[i % 4]}_{i:04d}" for i in range(n)]
    (out / "traces").mkdir(parents=True, exist_ok=True)
    (out / "run.json").write_text(json.dumps({
        "kind": "eval", "bench": "synthetic", "model": "synthetic", "samples": chains, "depth": depth,
        "ks": [1, chains], "mode": "strict", "fix": True, "rag": True, "created": "2026-12-01T00:00:00+00:00",
        "task_ids": ids}, indent=1))
    with open(out / "results.jsonl", "w") as log:
        for i, pid in enumerate(ids):
            ok = rng.random() < 0.6
            chain_recs = []
            for c in range(chains):
                rounds = rng.randint(0, depth)
                attempts = [AttemptRecord(round=r, ok=ok and r == rounds, stage="passed" if ok and r == rounds else "compile",
                                          category=None if ok and r == rounds else rng.choice(CATEGORIES[:2]),
                                          tokens=150, code=_code(i, c * 10 + r)) for r in range(rounds + 1)]
                chain_recs.append(ChainRecord(sample_index=c, first_pass_round=rounds if ok else None,
                                              functional_ok=ok if ok else None, attempts=attempts))
            rec = ProblemRecord(id=pid, level=LEVELS[i % 4], category="synthetic", top=f"Top{i}",
                                instruction=f"Design module Top{i}: out = a + constant (problem {i}).",
                                functional_check=True, passed=ok, passed_lenient=ok, compiled=True, functional=ok,
                                functional_category=None if ok else rng.choice(CATEGORIES), stage="passed" if ok else "compile",
                                final_code=_code(i, 0), rounds=depth, llm_calls=chains * 2, prompt_tokens=900,
                                completion_tokens=600, wall_s=rng.uniform(5, 100), chains=chain_recs)
            log.write(rec.model_dump_json() + "\n")
            with open(out / "traces" / f"{pid}.jsonl", "w") as t:
                t.write(json.dumps({"seq": 1, "t": 0.0, "kind": "start", "task_id": pid, "spec": rec.instruction}) + "\n")
                t.write(json.dumps({"seq": 2, "t": 1.0, "kind": "finish", "solved": ok}) + "\n")
    return ids


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def run_bench(problems: int, repeat: int, chromium: Path | None = None, browser: Any = None) -> dict:
    """The measurements as a dict (and `lines` to print). `browser`: a playwright browser already
    started (the tests' one: playwright's sync API runs one instance per thread), else one is launched."""
    with tempfile.TemporaryDirectory(prefix="agent-view-bench-") as tmp:
        run_dir = Path(tmp) / "bench_run"
        t0 = time.perf_counter()
        synthesize(run_dir, problems)
        synth_s = time.perf_counter() - t0
        runs = data.RunSet([run_dir])
        ref = runs.runs()[0]
        t0 = time.perf_counter()
        detail = data.run_detail(ref)
        cold_s = time.perf_counter() - t0
        warm = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            data.run_detail(ref)
            warm.append(time.perf_counter() - t0)
        result: dict = {"problems": problems, "synthesise_s": round(synth_s, 2), "json_bytes": len(json.dumps(detail)),
                        "data_cold_ms": _ms(cold_s), "data_warm_ms": _ms(statistics.median(warm)),
                        "target_s": TARGET_S}
        with BackgroundServer(runs) as url:
            http = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                with urllib.request.urlopen(f"{url}api/runs/{ref.id}") as resp:
                    resp.read()
                http.append(time.perf_counter() - t0)
            result["http_ms"] = _ms(statistics.median(http))
            why = None if browser is not None else missing_reason(chromium)
            if why is None:
                result.update(_browser(url, ref.id, problems, repeat, chromium, browser))
            else:
                result["browser_skipped"] = why
    page = result.get("page_ms")
    result["ok"] = page is not None and page / 1000 <= TARGET_S
    result["lines"] = [
        f"synthesised run: {problems} problems ({result['json_bytes'] / 1e6:.1f} MB of list JSON) in {synth_s:.1f} s",
        f"list data: {result['data_cold_ms']} ms cold (parse results.jsonl), {result['data_warm_ms']} ms cached",
        f"HTTP GET of the list: {result['http_ms']} ms (median of {repeat})",
        *([f"in the page (performance.now() from navigation start, medians): list JSON in hand at "
           f"{result['page_data_at_ms']} ms, page built in {result['page_render_ms']} ms, first frame after it at "
           f"{result['page_painted_ms']} ms, last row seen in the table at {result['page_in_page_ms']} ms"] if page is not None else []),
        (f"page in headless Chromium, navigation to all {problems} rows shown: {page} ms median, "
         f"{result['page_max_ms']} ms max of {repeat} (target <= {TARGET_S:.0f} s: {'met' if result['ok'] else 'MISSED'})")
        if page is not None else f"browser not measured: {result['browser_skipped']}",
    ]
    return result


def _browser(url: str, rid: str, problems: int, repeat: int, chromium: Path | None, browser: Any) -> dict:
    from playwright.sync_api import sync_playwright

    if browser is not None:
        return _page_loads(browser, url, rid, problems, repeat)
    with sync_playwright() as pw:
        own = launch(pw, chromium)
        try:
            return _page_loads(own, url, rid, problems, repeat)
        finally:
            own.close()


def _page_loads(browser: Any, url: str, rid: str, problems: int, repeat: int) -> dict:
    times, in_page, data_at, render, painted = [], [], [], [], []
    for _ in range(repeat):
        page = browser.new_page(bypass_csp=True)  # wait_for_function evaluates a string: CSP forbids that
        t0 = time.perf_counter()
        page.goto(f"{url}#/run/{rid}")
        # performance.now() counts from the navigation's start, in the page itself.
        shown = page.wait_for_function(
            f"document.querySelectorAll('#problems tbody tr').length === {problems} && performance.now()",
            timeout=60_000, polling="raf")
        times.append(time.perf_counter() - t0)
        in_page.append(shown.json_value() / 1000)
        page.wait_for_function("performance.getEntriesByName('view:run-painted').length > 0", timeout=60_000)
        marks = page.evaluate("""() => Object.fromEntries(performance.getEntriesByType('mark')
                                 .map(m => [m.name, m.startTime]))""")
        data_at.append(marks["view:run-data"] / 1000)
        render.append((marks["view:run-rendered"] - marks["view:run-data"]) / 1000)
        painted.append(marks["view:run-painted"] / 1000)
        page.close()
    return {"page_ms": _ms(statistics.median(times)), "page_max_ms": _ms(max(times)),
            "page_in_page_ms": _ms(statistics.median(in_page)), "page_data_at_ms": _ms(statistics.median(data_at)),
            "page_render_ms": _ms(statistics.median(render)), "page_painted_ms": _ms(statistics.median(painted))}
