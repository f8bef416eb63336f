"""Prompt cost and note copying of the first LLM call of each problem in `agent eval` run directories.

    python experiments/prompt_usage.py BENCH.jsonl RUN_DIR [RUN_DIR ...] [--json]

Per problem (from traces/<id>.jsonl): the notes retrieved for the spec, prompt tokens, prompt tokens the
server answered from its prefix cache (`cached_prompt_tokens` of the response event), completion tokens,
LLM seconds, and what the answer took from the notes the prompt showed: ports the reference does not have
but a note names, `//` comments found verbatim in the notes, and code lines found verbatim in the notes but
not in the system message (so `val io = IO(new Bundle {` of the few-shot example does not count).
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

PORT = re.compile(r"val\s+(\w+)\s*=\s*(?:IO\()?\s*(?:Input|Output|Flipped|Decoupled|Valid)\b")
FENCE = re.compile(r"```(?:scala)?\n(.*?)```", re.DOTALL)
NOTES = re.compile(r"Reference notes.*?(?=\n\n(?:Write|The top module|Answer|Fix)|\Z)", re.DOTALL)


def _norm(text: str) -> str:
    return " ".join(text.split())


def problem_row(trace: Path, reference: str) -> dict:
    events = [json.loads(line) for line in trace.read_text().splitlines() if line.strip()]
    def first(kind: str) -> dict:
        return next((e for e in events if e.get("kind") == kind), {})

    prompt, response, retrieval = first("prompt"), first("response"), first("retrieval")
    text = prompt.get("text", "")
    notes = _norm(m.group(0)) if (m := NOTES.search(text)) else ""
    system = _norm(text.split("[user]")[0])
    answer = (response.get("texts") or [""])[0]
    code = m.group(1) if (m := FENCE.search(answer)) else answer
    ref_ports, ports = set(PORT.findall(reference)), set(PORT.findall(code))
    comments = [c.strip() for c in re.findall(r"//([^\n]*)", code) if len(c.strip()) >= 8]
    lines = [_norm(ln.split("//")[0]) for ln in code.splitlines()]
    return {
        "id": trace.stem,
        "notes": [n["id"] for n in retrieval.get("notes", [])],
        "prompt_tokens": response.get("prompt_tokens"),
        "cached_prompt_tokens": response.get("cached_prompt_tokens"),
        "completion_tokens": response.get("completion_tokens"),
        "llm_s": response.get("latency_s"),
        "ports_from_notes": sorted(p for p in ports - ref_ports if re.search(rf"(?:val {p}\b|io\.{p}\b)", notes)),
        "comments_from_notes": [c for c in comments if notes and _norm(c) in notes],
        "code_lines_from_notes": [ln for ln in lines if len(ln) >= 16 and not ln.startswith("import ")
                                  and notes and ln in notes and ln not in system],
    }


def summarize(run: Path, bench: dict[str, str]) -> dict:
    rows = [problem_row(t, bench[t.stem]) for t in sorted((run / "traces").glob("*.jsonl")) if t.stem in bench]
    answered = [r for r in rows if r["prompt_tokens"] is not None]
    n = max(1, len(answered))

    def total(key: str) -> int:
        return sum(r[key] or 0 for r in answered)

    copied = [r["id"] for r in rows if r["ports_from_notes"] or r["comments_from_notes"] or r["code_lines_from_notes"]]
    return {
        "run": str(run), "problems": len(rows), "answered": len(answered),
        "prompt_tokens_per_call": round(total("prompt_tokens") / n, 1),
        "cached_prompt_tokens_per_call": round(total("cached_prompt_tokens") / n, 1),
        "prompt_tokens_read_per_call": round((total("prompt_tokens") - total("cached_prompt_tokens")) / n, 1),
        "completion_tokens_per_call": round(total("completion_tokens") / n, 1),
        "llm_s_per_call": round(total("llm_s") / n, 2),
        "notes_per_prompt": round(sum(len(r["notes"]) for r in rows) / max(1, len(rows)), 2),
        "answers_copying_from_notes": copied,
        "problems_detail": rows,
    }


def main(argv: list[str]) -> int:
    as_json = "--json" in argv
    args = [a for a in argv if a != "--json"]
    if len(args) < 2:
        print("usage: prompt_usage.py BENCH.jsonl RUN_DIR [RUN_DIR ...] [--json]", file=sys.stderr)
        return 2
    bench_path, runs = Path(args[0]), [Path(a) for a in args[1:]]
    for p in (bench_path, *[r / "traces" for r in runs]):
        if not p.exists():
            print(f"error: not found: {p}", file=sys.stderr)
            return 2
    bench = {(d := json.loads(line))["id"]: d.get("reference_code", "")
             for line in bench_path.read_text().splitlines() if line.strip()}
    results = [summarize(r, bench) for r in runs]
    if as_json:
        print(json.dumps(results))
        return 0
    print("| run | answered | prompt tok/call | cached tok/call | read tok/call | completion tok/call | LLM s/call "
          "| notes/prompt | answers copying notes |")
    print("|---|---|---|---|---|---|---|---|---|")
    for s in results:
        print(f"| {Path(s['run']).name} | {s['answered']}/{s['problems']} | {s['prompt_tokens_per_call']} "
              f"| {s['cached_prompt_tokens_per_call']} | {s['prompt_tokens_read_per_call']} "
              f"| {s['completion_tokens_per_call']} | {s['llm_s_per_call']} | {s['notes_per_prompt']} "
              f"| {len(s['answers_copying_from_notes'])} {s['answers_copying_from_notes']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
