"""`agent view --bundle OUT`: the viewer as a static site that opens from disk (file://) or can be
published beside a paper: index.html and the same app.js, with every page's JSON written as a small
script (data/<key>.js calling window.__viewData) because browsers refuse fetch() on file:// pages.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from agent.view import data
from agent.view.server import STATIC, STATIC_FILES, render_index

MARKER = ".agent-view-bundle"  # marks a directory this command wrote, so writing it again may replace it
MAX_PAIRS = 60  # comparisons written; beyond that only pairs against the first run given
_KEEP = re.compile(r"[A-Za-z0-9_-]")


class BundleError(ValueError):
    pass


def file_key(key: str) -> str:
    """A data key as a relative file path; the same escaping as fileKey() in app.js."""
    return "/".join("".join(ch if _KEEP.fullmatch(ch) else "".join(f"~{b:02X}" for b in ch.encode())
                            for ch in part) for part in key.split("/"))


def check_out(out: Path, runs: list[data.RunRef]) -> None:
    """OUT must be new, empty or an earlier bundle, and not inside a run directory (it would become
    part of the run it shows)."""
    target = out.resolve()
    for r in runs:
        if target == r.path or target.is_relative_to(r.path) or r.path.is_relative_to(target):
            raise BundleError(f"--bundle {out} overlaps run directory {r.label}; write the bundle elsewhere")
    if out.exists() and not out.is_dir():
        raise BundleError(f"--bundle {out} is an existing file; it names a directory")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise BundleError(f"--bundle {out} is a non-empty directory that is not an earlier bundle; "
                          f"choose a new or empty one")


def _write(out: Path, key: str, value: object) -> int:
    path = out / "data" / (file_key(key) + ".js")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = f"window.__viewData({json.dumps(key)}, {json.dumps(value, default=str)});\n"
    path.write_text(text)
    return len(text)


def write_bundle(runs: data.RunSet, out: Path) -> dict:
    """Write the site into `out`; returns what was written (for --json)."""
    refs = runs.runs()
    check_out(out, refs)
    if out.exists():
        for name in ("data", "files", "static", "index.html"):
            target = out / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
    (out / "static").mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("written by agent view --bundle\n")
    (out / "index.html").write_text(render_index("bundle"))
    for name in STATIC_FILES:
        shutil.copyfile(STATIC / name, out / "static" / name)

    listing = data.list_runs(runs)
    comparable = data.comparable(refs)
    pairs = [(a, b) for a in comparable for b in comparable[a]]
    if len(pairs) > MAX_PAIRS:
        first = refs[0].id
        pairs = [(a, b) for a, b in pairs if first in (a, b)][:MAX_PAIRS]
    listing["comparable"] = {a: [b for x, b in pairs if x == a] for a in comparable}
    size = _write(out, "runs", listing)
    problems = 0
    for ref in refs:
        size += _write(out, f"run/{ref.id}", data.run_detail(ref))
        size += _write(out, f"search/{ref.id}", data.search_index(ref))
        for pid in data.problem_ids(ref):
            detail = data.problem_detail(ref, pid)
            if detail is not None:
                size += _write(out, f"problem/{ref.id}/{pid}", detail)
                problems += 1
        for name in data.run_files(ref):
            src = data.run_file(ref, name)
            if src is not None and name.endswith(".png"):
                dest = out / "files" / file_key(ref.id) / file_key(name)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dest)
                size += dest.stat().st_size
    by_id = {r.id: r for r in refs}
    for a, b in pairs:
        size += _write(out, f"compare/{a}/{b}", data.comparison(by_id[a], by_id[b]))
    return {"out": str(out), "index": str(out / "index.html"), "runs": len(refs), "problems": problems,
            "comparisons": len(pairs), "bytes": size}
