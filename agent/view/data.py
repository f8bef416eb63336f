"""Run directories as the viewer's JSON: the only code of the viewer that reads files.

Everything here reads and nothing writes, so the viewer is safe beside a run that is still going: a
results.jsonl or trace whose last line is being written (torn) is read up to its last whole line.
Trace events are read as plain JSON dicts; a kind or key this module does not know is kept and shown
as it is, so traces written by older or newer code still open.

What may be read is decided here, not by the URL: a run is named by an id this module gave it (never
a path), a problem by an id found in that run's records or traces, a file by a name in that run
directory's own listing; every path is resolved and checked to lie inside its run directory (a
symlink pointing out is refused).
"""
from __future__ import annotations

import csv
import difflib
import io
import json
import os
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from agent.eval.compare import compare_runs
from agent.eval.harness import apply_labels
from agent.eval.records import ProblemRecord, ResultsLogError, read_results

RUN_META = "run.json"
RESULTS = "results.jsonl"
TRACES = "traces"
# Files of a run directory the viewer shows besides the JSON it builds (plots, the report, the grid).
SHOWN_SUFFIXES = (".png", ".md", ".csv")
# Settings shown in the run list, in this order (run.json holds more; the run page shows all of it).
SETTINGS = ("samples", "depth", "ks", "depths", "select", "mode", "fix", "rag", "fewshot", "import_hints",
            "escape", "oracle_feedback", "profile", "temperature", "replay", "limit")
_SLUG = re.compile(r"[^A-Za-z0-9_.-]+")
_MAX_DEPTH = 4  # how deep below a given directory runs are looked for (ablations_1p5b/full is 1)
_SKIP_DIRS = {TRACES, ".git", "__pycache__", "node_modules"}


class ViewError(ValueError):
    """A run directory argument the viewer cannot use (one line for the command to print)."""


# -- which runs ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RunRef:
    id: str  # the only name of the run a client ever sends back
    path: Path  # resolved
    label: str  # as the user would recognise it (relative to the argument given)


def _is_run_dir(path: Path) -> bool:
    return (path / RUN_META).is_file()


def _find_runs(root: Path, depth: int = 0) -> list[Path]:
    if _is_run_dir(root):
        return [root]
    if depth >= _MAX_DEPTH:
        return []
    try:
        children = sorted(p for p in root.iterdir() if p.is_dir() and p.name not in _SKIP_DIRS
                          and not p.name.startswith("."))
    except OSError:
        return []
    return [run for child in children for run in _find_runs(child, depth + 1)]


class RunSet:
    """The runs under the given paths. Rescanned (at most once a second) so a run started after the
    viewer appears; an id, once given to a directory, stays its id."""

    def __init__(self, paths: list[Path], *, rescan_s: float = 1.0):
        self.roots = [p.resolve() for p in paths]
        self._ids: dict[Path, RunRef] = {}
        self._lock = threading.Lock()
        self._scanned = 0.0
        self._rescan_s = rescan_s
        self.refresh(force=True)

    @classmethod
    def from_args(cls, paths: list[Path], default_roots: list[Path]) -> "RunSet":
        """Check the user's arguments (one-line ViewError) and build the set; no argument: the default
        roots that exist (runs/, experiments/results/)."""
        if paths:
            for p in paths:
                if not p.exists():
                    raise ViewError(f"run directory not found: {p}")
                if not p.is_dir():
                    raise ViewError(f"{p} is a file, not a run directory (give the directory agent eval / sweep wrote)")
                if not _find_runs(p.resolve()):
                    raise ViewError(f"{p} holds no run directory (no {RUN_META} in it or below it)")
            return cls(paths)
        roots = [p for p in default_roots if p.is_dir()]
        runs = cls(roots)
        if not runs.runs():
            raise ViewError("no runs found under " + " or ".join(str(p) for p in default_roots)
                            + "; give run directories: agent view RUN_DIR ...")
        return runs

    def _new_id(self, root: Path, run: Path) -> str:
        parts = run.relative_to(root).parts if run != root else (run.name,)
        base = _SLUG.sub("-", "__".join(parts)) or "run"
        taken = {r.id for r in self._ids.values()}
        rid, n = base, 2
        while rid in taken:
            rid, n = f"{base}-{n}", n + 1
        return rid

    def refresh(self, force: bool = False) -> None:
        with self._lock:
            if not force and time.monotonic() - self._scanned < self._rescan_s:
                return
            found: dict[Path, tuple[Path, Path]] = {}
            for root in self.roots:
                for run in _find_runs(root):
                    found.setdefault(run.resolve(), (root, run))
            for path in list(self._ids):
                if path not in found:
                    del self._ids[path]  # deleted directory: its id is not served any more
            for path, (root, run) in found.items():
                if path not in self._ids:
                    label = _label(run)
                    self._ids[path] = RunRef(self._new_id(root, run), path, label)
            self._scanned = time.monotonic()

    def runs(self) -> list[RunRef]:
        self.refresh()
        return list(self._ids.values())

    def get(self, run_id: str) -> RunRef | None:
        self.refresh()
        return next((r for r in self._ids.values() if r.id == run_id), None)


def _label(path: Path) -> str:
    """The run as the user would type it: relative to the working directory when below it."""
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _inside(base: Path, path: Path) -> Path | None:
    """`path` resolved, if it lies inside `base` (symlinks followed), else None."""
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):
        return None
    return resolved if resolved.is_relative_to(base) and resolved != base else None


def _stamp(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (0, -1)
    return (st.st_mtime_ns, st.st_size)


# -- reading a run ------------------------------------------------------------------------------------
@dataclass
class LoadedRun:
    ref: RunRef
    meta: dict
    records: list[ProblemRecord]
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    stamp: tuple = ()

    _derived: dict = field(default_factory=dict)  # computed once per version of the files

    @property
    def by_id(self) -> dict[str, ProblemRecord]:
        if "by_id" not in self._derived:
            self._derived["by_id"] = {r.id: r for r in self.records}
        return self._derived["by_id"]

    def derived(self, name: str, compute: Callable[["LoadedRun"], Any]) -> Any:
        if name not in self._derived:
            self._derived[name] = compute(self)
        return self._derived[name]


_cache: dict[Path, LoadedRun] = {}
_cache_lock = threading.Lock()


def _read_meta(path: Path) -> tuple[dict, str | None]:
    try:
        meta = json.loads(path.read_text())
    except OSError as e:
        return {}, f"{path.name}: {e.strerror or e}"
    except ValueError as e:
        return {}, f"{path.name}: not valid JSON ({e})"  # being rewritten right now: the next poll reads it
    return (meta, None) if isinstance(meta, dict) else ({}, f"{path.name}: not a JSON object")


def load(ref: RunRef) -> LoadedRun:
    """The run's metadata and records, re-read only when run.json or results.jsonl changed."""
    stamp = (_stamp(ref.path / RUN_META), _stamp(ref.path / RESULTS))
    cached = _cache.get(ref.path)
    if cached is not None and cached.stamp == stamp:
        return cached
    meta, error = _read_meta(ref.path / RUN_META)
    warnings: list[str] = []
    records: list[ProblemRecord] = []
    try:
        records = read_results(ref.path / RESULTS, warn=lambda line: warnings.append(
            "the last line of results.jsonl is incomplete (being written, or the run stopped mid-write)"))
    except ResultsLogError as e:
        error = str(e).replace(str(ref.path), ref.label)
    except OSError as e:
        error = f"{RESULTS}: {e.strerror or e}"
    order = {pid: n for n, pid in enumerate(meta.get("task_ids") or [])}
    records.sort(key=lambda r: (order.get(r.id, len(order)), r.id))
    run = LoadedRun(ref, meta, records, warnings, error, stamp)
    with _cache_lock:
        _cache[ref.path] = run
    return run


ACTIVE_S = 600  # a run whose files changed this recently is shown as in progress, else as incomplete


def _recently_written(ref: RunRef) -> bool:
    newest = max(_stamp(ref.path / RESULTS)[0], _stamp(ref.path / TRACES)[0], _stamp(ref.path / RUN_META)[0])
    return time.time() - newest / 1e9 < ACTIVE_S


def run_version(ref: RunRef) -> str:
    """Changes whenever something the run pages show changes (a record, run.json, a trace started)."""
    parts = (_stamp(ref.path / RUN_META), _stamp(ref.path / RESULTS), _stamp(ref.path / TRACES))
    return "-".join(f"{a}.{b}" for a, b in parts)


_trace_cache: dict[Path, tuple[tuple[int, int], dict[str, Path]]] = {}


def _trace_ids(ref: RunRef) -> dict[str, Path]:
    """Problem id -> its trace file, for traces/<id>.jsonl inside the run directory (re-listed only when
    the traces directory changed: a new trace)."""
    tdir = _inside(ref.path, ref.path / TRACES)
    if tdir is None:
        return {}
    stamp = _stamp(tdir)
    cached = _trace_cache.get(tdir)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    out = {}
    try:
        with os.scandir(tdir) as entries:
            for e in entries:
                if not e.name.endswith(".jsonl"):
                    continue
                if e.is_symlink():  # only a link that stays inside the run directory
                    inside = _inside(ref.path, Path(e.path))
                    if inside is None or not inside.is_file():
                        continue
                    out[e.name[: -len(".jsonl")]] = inside
                elif e.is_file(follow_symlinks=False):
                    out[e.name[: -len(".jsonl")]] = Path(e.path)
    except OSError:
        return {}
    _trace_cache[tdir] = (stamp, out)
    return out


def _pct(passed: int, total: int) -> float | None:
    return passed / total if total else None


def _tables(run: LoadedRun) -> dict:
    """What the run list and run page show of the records, computed once per version of the run:
    the problem rows, and over the problems the report counts (harness-labelled problems left out
    unless the run included them, as agent report does) the headline, levels and failures."""
    lenient = run.meta.get("mode") == "lenient"
    rows = {r.id: problem_row(r, lenient) for r in run.records}
    counted, harness = apply_labels(run.meta, run.records)
    levels: dict[str, dict] = {}
    for r in counted:
        row = rows[r.id]
        lvl = levels.setdefault(r.level or "unknown", {"level": r.level or "unknown", "total": 0, "functional": 0,
                                                       "checked": 0, "compile": 0})
        lvl["total"] += 1
        lvl["checked"] += r.functional is not None
        lvl["functional"] += bool(r.functional)
        lvl["compile"] += row["compile"]
    checked = sum(lvl["checked"] for lvl in levels.values())
    func = sum(lvl["functional"] for lvl in levels.values())
    comp = sum(lvl["compile"] for lvl in levels.values())
    failures = Counter(rows[r.id]["failure"] for r in counted if rows[r.id]["failure"])
    return {
        "rows": list(rows.values()),
        "headline": {
            "functional": {"passed": func, "total": checked, "rate": _pct(func, checked)},
            "compile": {"passed": comp, "total": len(counted), "rate": _pct(comp, len(counted))},
            "harness": sorted(harness.get("harness") or {}),
        },
        "levels": sorted(levels.values(), key=lambda r: r["level"]),
        "failures": [{"category": c, "count": n} for c, n in failures.most_common()],
    }


def headline(run: LoadedRun) -> dict:
    return run.derived("tables", _tables)["headline"]


def run_summary(ref: RunRef) -> dict:
    """One row of the run list."""
    run = load(ref)
    meta = run.meta
    expected = len(meta.get("task_ids") or []) or None
    return {
        "id": ref.id, "label": ref.label, "name": ref.path.name,
        "bench": meta.get("bench"), "model": meta.get("model") or ("replay" if meta.get("replay") else None),
        "kind": meta.get("kind"), "created": meta.get("created"), "elapsed_s": meta.get("elapsed_s"),
        "settings": {k: meta[k] for k in SETTINGS if k in meta},
        "recorded": len(run.records), "expected": expected,
        "complete": expected is not None and len(run.records) >= expected,
        "active": _recently_written(ref),
        "headline": headline(run), "error": run.error, "warnings": run.warnings, "version": run_version(ref),
    }


def list_runs(runs: RunSet) -> dict:
    rows = [run_summary(r) for r in runs.runs()]
    rows.sort(key=lambda r: (str(r["created"] or ""), r["label"]), reverse=True)  # newest first
    return {"runs": rows}


def _failure(r: ProblemRecord, lenient: bool) -> str | None:
    """Why the problem failed its headline score (None when it passed)."""
    if r.functional is not None:
        return None if r.functional else str(r.functional_category or r.failure(lenient) or "unknown")
    return None if r.score(lenient, "compile") else str(r.failure(lenient) or "unknown")


def problem_row(r: ProblemRecord, lenient: bool) -> dict:
    return {
        "id": r.id, "level": r.level, "category": r.category, "top": r.top,
        "functional": r.functional, "compile": r.score(lenient, "compile"), "passed": r.passed,
        "failure": _failure(r, lenient), "rounds": r.rounds, "chains": len(r.chains),
        "passing_chains": sum(ch.first_pass_round is not None for ch in r.chains),
        "llm_calls": r.llm_calls, "tokens": r.prompt_tokens + r.completion_tokens, "wall_s": round(r.wall_s, 1),
        "status": "done",
    }


def _grid(ref: RunRef) -> list[dict] | None:
    path = _inside(ref.path, ref.path / "grid.csv")
    if path is None or not path.is_file():
        return None
    try:
        rows = list(csv.DictReader(io.StringIO(path.read_text())))
    except (OSError, csv.Error, UnicodeDecodeError):
        return None
    out = []
    for row in rows:
        try:
            out.append({k: (float(v) if v not in ("", None) else None) for k, v in row.items() if k})
        except ValueError:
            continue  # a half-written grid: show the whole rows
    return out


def run_files(ref: RunRef) -> list[str]:
    """The names of the run directory's own shown files (plots, report, grid): the only files served."""
    try:
        entries = sorted(ref.path.iterdir())
    except OSError:
        return []
    return [p.name for p in entries if p.suffix in SHOWN_SUFFIXES and (_inside(ref.path, p) or Path()).is_file()]


def run_file(ref: RunRef, name: str) -> Path | None:
    """The path of a shown file by its name, or None (not in the listing, or it points outside)."""
    if name not in run_files(ref):
        return None
    return _inside(ref.path, ref.path / name)


def run_detail(ref: RunRef) -> dict:
    """The run page: summary, settings, grid, plots, per-level table, failure categories, problem list."""
    run = load(ref)
    summary = run_summary(ref)
    tables = run.derived("tables", _tables)
    problems = list(tables["rows"])
    # Problems being solved now: a trace but no record yet (or a torn record).
    recorded = run.by_id
    for pid in sorted(pid for pid in _trace_ids(ref) if pid not in recorded):
        problems.append({"id": pid, "level": None, "category": None, "top": None, "functional": None,
                         "compile": None, "passed": None, "failure": None, "rounds": None, "chains": None,
                         "passing_chains": None, "llm_calls": None, "tokens": None, "wall_s": None,
                         "status": "running"})
    files = run_files(ref)
    report = None
    if "report.md" in files:
        path = run_file(ref, "report.md")
        report = path.read_text(errors="replace") if path else None
    return {
        **summary, "meta": {k: v for k, v in run.meta.items() if k != "task_ids"},
        "grid": _grid(ref), "plots": [f for f in files if f.endswith(".png")], "report": report,
        "levels": tables["levels"], "failures": tables["failures"], "problems": problems,
    }


def search_index(ref: RunRef) -> dict:
    """Per problem, the text searched: its spec and every code its chains produced (lower case)."""
    out = {}
    for r in load(ref).records:
        codes = dict.fromkeys(a.code for ch in r.chains for a in ch.attempts if a.code)
        if r.final_code:
            codes.setdefault(r.final_code, None)
        out[r.id] = "\n".join([r.instruction, *codes]).lower()
    return {"texts": out}


# -- one problem: its trace, chain by chain -------------------------------------------------------
def read_events(path: Path) -> tuple[list[dict], list[str]]:
    """The trace's events as dicts, and notes on lines that could not be read. A torn last line is
    the line being written: it is left out with a note, as is any other line that is not a JSON object."""
    try:
        data = path.read_bytes()
    except OSError as e:
        return [], [f"trace not readable: {e.strerror or e}"]
    lines = data.split(b"\n")
    events, notes = [], []
    for n, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            event = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            last = n == len(lines) or (n == len(lines) - 1 and not lines[-1].strip())
            notes.append("the last line of the trace is incomplete (being written)" if last
                         else f"trace line {n} is not JSON; skipped")
            continue
        if isinstance(event, dict):
            events.append(event)
        else:
            notes.append(f"trace line {n} is not an event object; skipped")
    return events, notes


# Events that belong to one chain's round; every other kind is shown at the problem level.
ROUND_KINDS = ("prompt", "response", "extraction", "fix", "verification", "escape", "check_repair")


def _int(x: Any) -> int | None:
    return x if isinstance(x, int) and not isinstance(x, bool) else None


def _pick(event: dict | None, *keys: str) -> dict | None:
    if not isinstance(event, dict):
        return None
    return {k: event.get(k) for k in keys if k in event}


def _diff(before: str | None, after: str | None) -> list[str] | None:
    if before is None or after is None or before == after:
        return None
    return list(difflib.unified_diff(before.splitlines(), after.splitlines(), "previous round", "this round",
                                     lineterm="", n=2))


def _text_at(texts: Any, i: int) -> str | None:
    return texts[i] if isinstance(texts, list) and 0 <= i < len(texts) and isinstance(texts[i], str) else None


def _round_view(chain: int, rnd: int, slot: dict, shared: dict, attempt: Any, prev_code: str | None) -> dict:
    """One round of one chain: prompt, reply, code with its diagnostics, diff, fixes, verdict, cost."""
    own_prompt, shared_prompt = slot.get("prompt"), shared.get(("prompt", rnd))
    prompt = own_prompt or shared_prompt
    own_resp, shared_resp = slot.get("response"), shared.get(("response", rnd))
    resp: dict | None
    if own_resp is not None:
        reply, finish = _text_at(own_resp.get("texts"), 0), _text_at(own_resp.get("finish_reasons"), 0)
        resp = own_resp
    elif shared_resp is not None:
        # One request drew all k samples of round 0: reply i is chain i's.
        reply, finish = _text_at(shared_resp.get("texts"), chain), _text_at(shared_resp.get("finish_reasons"), chain)
        resp = shared_resp
    else:
        reply = finish = None
        resp = None
    extraction, fix, verification = slot.get("extraction"), slot.get("fix"), slot.get("verification")
    code = ((fix or {}).get("code") or (extraction or {}).get("code")
            or (attempt.code if attempt is not None else None))
    latency = own_resp.get("latency_s") if own_resp is not None else None
    wall = (verification or {}).get("wall_s")
    seconds = sum(x for x in (latency, wall) if isinstance(x, (int, float))) or None
    return {
        "round": rnd,
        "prompt": ({**(_pick(prompt, "template", "text", "n", "temperature", "top_p", "max_tokens", "seed") or {}),
                    "shared": own_prompt is None} if prompt else None),
        "retrieved": (prompt or {}).get("_retrieved"),
        "reply": reply, "finish_reason": finish,
        "response": _pick(resp, "prompt_tokens", "cached_prompt_tokens", "completion_tokens", "latency_s", "cached")
        if resp is not None else None,
        "response_shared": resp is not None and resp is not own_resp,
        "extraction": _pick(extraction, "category", "note", "dropped"),
        "fixes": (fix or {}).get("records") or (attempt.fixes if attempt is not None else []),
        "code": code, "diff": _diff(prev_code, code),
        "verification": _pick(verification, "ok", "stage", "category", "top", "diagnostics", "mismatches",
                              "first_error", "timings", "notes", "wall_s"),
        "escape": _pick(slot.get("escape"), "reason"),
        "check_repair": _pick(slot.get("check_repair"), "checks", "failures", "stopped"),
        "attempt": attempt.model_dump(exclude={"code"}) if attempt is not None else None,
        "tokens": attempt.tokens if attempt is not None else (own_resp or {}).get("completion_tokens"),
        "seconds": round(seconds, 3) if seconds else None,
    }


def build_chains(events: list[dict], record: ProblemRecord | None) -> tuple[list[dict], list[dict]]:
    """(chains with their rounds, the problem-level events) from the trace, filled in from the record."""
    slots: dict[int, dict[int, dict]] = {}
    shared: dict[tuple[str, int], dict] = {}
    problem_events: list[dict] = []
    pending_retrieval: list[dict] = []
    for e in events:
        kind, chain, rnd = e.get("kind"), _int(e.get("chain")), _int(e.get("round"))
        if kind == "retrieval":  # notes retrieved for the next prompt
            pending_retrieval.append(e)
            continue
        if kind == "prompt" and pending_retrieval:
            e = {**e, "_retrieved": [n for r in pending_retrieval for n in (r.get("notes") or [])
                                     if isinstance(n, dict)]}
            pending_retrieval = []
        if kind in ("prompt", "response") and chain is None and "chain" in e:
            shared[(kind, rnd or 0)] = e
        elif kind in ROUND_KINDS and chain is not None:
            slot = slots.setdefault(chain, {}).setdefault(rnd or 0, {})
            slot.setdefault(kind, e)  # the first of a kind in a round (a round has one of each)
        else:
            problem_events.append(e)
    record_chains = {ch.sample_index: ch for ch in (record.chains if record else [])}
    chains = []
    for idx in sorted(set(slots) | set(record_chains)):
        rec = record_chains.get(idx)
        attempts = {a.round: a for a in (rec.attempts if rec else [])}
        rounds_seen = set(slots.get(idx, {})) | set(attempts)
        rounds, prev = [], None
        for rnd in sorted(rounds_seen):
            view = _round_view(idx, rnd, slots.get(idx, {}).get(rnd, {}), shared, attempts.get(rnd), prev)
            rounds.append(view)
            prev = view["code"] or prev
        chains.append({
            "index": idx, "rounds": rounds,
            "first_pass_round": rec.first_pass_round if rec else None,
            "lenient_pass_round": rec.lenient_pass_round if rec else None,
            "functional_ok": rec.functional_ok if rec else None,
        })
    return chains, problem_events


def problem_version(ref: RunRef, pid: str) -> str:
    """Changes when the problem's trace grows or its record is written (what a running problem's page polls)."""
    trace = _trace_ids(ref).get(pid)
    parts = (_stamp(trace) if trace else (0, -1), _stamp(ref.path / RESULTS))
    return "-".join(f"{a}.{b}" for a, b in parts)


def problem_ids(ref: RunRef) -> list[str]:
    run = load(ref)
    return [r.id for r in run.records] + sorted(set(_trace_ids(ref)) - {r.id for r in run.records})


def problem_detail(ref: RunRef, pid: str) -> dict | None:
    """The problem page, or None when the run has no such problem."""
    run = load(ref)
    record = run.by_id.get(pid)
    traces = _trace_ids(ref)
    if record is None and pid not in traces:
        return None
    events, notes = read_events(traces[pid]) if pid in traces else ([], [])
    chains, others = build_chains(events, record)
    start = next((e for e in others if e.get("kind") == "start"), {})
    by_kind = {"start", "interface", "vote", "checks", "finish"}
    lenient = run.meta.get("mode") == "lenient"
    order = problem_ids(ref)
    pos = order.index(pid)
    return {
        "run": ref.id, "run_label": ref.label, "id": pid,
        "prev": order[pos - 1] if pos > 0 else None, "next": order[pos + 1] if pos + 1 < len(order) else None,
        "status": "done" if record is not None else "running",
        "spec": (record.instruction if record else None) or start.get("spec"),
        "top": (record.top if record else None) or start.get("top"),
        "config": start.get("config"),
        "record": ({**problem_row(record, lenient), **record.model_dump(
            include={"instruction", "error_log", "notes", "final_code", "final_verilog", "stage",
                     "failure_category", "functional_category", "passed_lenient", "prompt_tokens",
                     "completion_tokens", "verify_s"})} if record else None),
        "interface": next((e for e in others if e.get("kind") == "interface"), None),
        "checks": next((e for e in others if e.get("kind") == "checks"), None),
        "vote": next((e for e in reversed(others) if e.get("kind") == "vote"), None),
        "finish": next((e for e in others if e.get("kind") == "finish"), None),
        "chains": chains,
        "events": [e for e in others if e.get("kind") not in by_kind],  # errors, budget stops, unknown kinds
        "trace_notes": notes, "has_trace": pid in traces,
        "version": problem_version(ref, pid),
    }


# -- two runs -------------------------------------------------------------------------------------
def comparison(ref_a: RunRef, ref_b: RunRef) -> dict:
    """agent compare's paired statistics (agent.eval.compare) plus each common problem's outcome."""
    a, b = load(ref_a), load(ref_b)
    cmp = compare_runs(a.records, b.records)
    lenient = False
    metric = cmp["metric"]
    by_b = b.by_id
    rows = []
    for ra in a.records:
        rb = by_b.get(ra.id)
        if rb is None:
            continue
        pa, pb = ra.score(lenient, metric), rb.score(lenient, metric)
        rows.append({"id": ra.id, "level": ra.level, "a": pa, "b": pb,
                     "outcome": "win" if pb and not pa else "loss" if pa and not pb else "both" if pa else "neither",
                     "a_failure": _failure(ra, lenient), "b_failure": _failure(rb, lenient),
                     "a_compile": ra.score(lenient, "compile"), "b_compile": rb.score(lenient, "compile")})
    return {"a": run_summary(ref_a), "b": run_summary(ref_b), "stats": cmp, "problems": rows,
            "same_bench": a.meta.get("bench") == b.meta.get("bench")}


def comparable(runs: list[RunRef], load_fn: Callable[[RunRef], LoadedRun] = load) -> dict[str, list[str]]:
    """For each run, the runs sharing at least one problem id with it (what compare can pair)."""
    ids = {r.id: {p.id for p in load_fn(r).records} for r in runs}
    return {a: [b for b in ids if b != a and ids[a] & ids[b]] for a in ids}
