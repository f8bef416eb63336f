"""Small run directories for the viewer's tests: written the way agent eval writes them, with one
problem whose spec, reply, code and diagnostics hold HTML and script, a trace event of a kind the
viewer does not know, and a torn last trace line (a writer mid-line)."""
from __future__ import annotations

import json
from pathlib import Path

from agent.eval.records import AttemptRecord, ChainRecord, ProblemRecord

REPO = Path(__file__).resolve().parents[1]
COMMITTED = REPO / "experiments" / "results"
HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
HOSTILE_CODE = ("import chisel3._\n// " + HOSTILE + "\nclass Evil extends Module {\n"
                "  val io = IO(new Bundle { val a = Output(Bool()) })\n  io.a := true.B\n}\n")


def record(pid: str, *, ok: bool, level: str = "L1-Basic", code: str = "class X\n", instruction: str = "",
           chains: int = 1) -> ProblemRecord:
    return ProblemRecord(
        id=pid, level=level, category="test", top="X", instruction=instruction or f"spec of {pid}",
        functional_check=True, passed=ok, passed_lenient=ok, compiled=True, functional=ok,
        functional_category=None if ok else "sim_mismatch", stage="passed", final_code=code, llm_calls=chains,
        chains=[ChainRecord(sample_index=c, first_pass_round=0 if ok else None, functional_ok=ok if ok else None,
                            attempts=[AttemptRecord(round=0, ok=ok, stage="passed" if ok else "compile", tokens=10,
                                                    code=code)]) for c in range(chains)])


def write_run(run_dir: Path, records: list[ProblemRecord], *, bench: str = "test_bench",
              expected: list[str] | None = None) -> Path:
    (run_dir / "traces").mkdir(parents=True, exist_ok=True)
    (run_dir / "run.json").write_text(json.dumps({
        "kind": "eval", "bench": bench, "model": "test-model", "samples": 1, "depth": 1, "ks": [1],
        "mode": "strict", "created": "2026-12-01T10:00:00+00:00",
        "task_ids": expected or [r.id for r in records]}))
    with open(run_dir / "results.jsonl", "w") as f:
        for r in records:
            f.write(r.model_dump_json() + "\n")
    return run_dir


def append_record(run_dir: Path, rec: ProblemRecord) -> None:
    with open(run_dir / "results.jsonl", "a") as f:
        f.write(rec.model_dump_json() + "\n")


def hostile_run(run_dir: Path) -> Path:
    """A finished run of two problems; `evil` holds HTML/script everywhere text is shown."""
    evil = record("evil", ok=False, code=HOSTILE_CODE, instruction="Make <b>Evil</b> & " + HOSTILE)
    write_run(run_dir, [evil, record("good", ok=True, code="import chisel3._\nclass Good extends Module\n")])
    events = [
        {"seq": 1, "t": 0.0, "kind": "start", "task_id": "evil", "top": "Evil", "spec": evil.instruction},
        {"seq": 2, "t": 0.1, "kind": "prompt", "chain": None, "round": 0, "template": "generate",
         "text": "[user]\n" + HOSTILE, "n": 1, "temperature": 0.6},
        {"seq": 3, "t": 1.0, "kind": "response", "chain": None, "round": 0,
         "texts": [HOSTILE + "\n```scala\n" + HOSTILE_CODE + "```"], "finish_reasons": ["stop"],
         "completion_tokens": 10, "latency_s": 0.9},
        {"seq": 4, "t": 1.1, "kind": "extraction", "chain": 0, "round": 0, "category": None, "note": "1 of 1 block(s) kept",
         "code": HOSTILE_CODE},
        {"seq": 5, "t": 2.0, "kind": "verification", "chain": 0, "round": 0, "ok": False, "stage": "compile",
         "category": "not_found", "diagnostics": [{"stage": "compile", "severity": "error", "line": 2, "column": 4,
                                                   "message": "not found: " + HOSTILE}],
         "mismatches": [], "first_error": "not found: " + HOSTILE, "wall_s": 0.5},
        {"seq": 6, "t": 2.1, "kind": "future_kind", "version": 2, "payload": {"note": HOSTILE}},
        {"seq": 7, "t": 2.2, "kind": "finish", "solved": False},
    ]
    text = "".join(json.dumps(e) + "\n" for e in events)
    (run_dir / "traces" / "evil.jsonl").write_text(text + '{"seq": 8, "t": 2.3, "kind": "verif')  # torn
    return run_dir
