"""The files a datagen run writes, and reading them back for --resume.

<out>                 Alpaca JSONL {instruction, input, output}, verified samples only
<out>.meta.jsonl      one line per sample, same order: level, template, seed, index, keys, timings
<out>.failures.jsonl  candidates that failed the naming check or verification (never in <out>)
<out>.stats.json      the summary of the last run
dataset_info.json     LLaMA-Factory entry for <out>, merged into the file next to it
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path


def sidecar(out: Path, suffix: str) -> Path:
    return out.with_name(out.name + suffix)


def read_jsonl(path: Path) -> list[dict]:
    """Lines of a JSONL file; a torn last line (a killed run) is dropped, anything else is an error."""
    if not path.exists():
        return []
    rows = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            if n == len(lines):
                break
            raise ValueError(f"{path}: line {n} is not JSON") from None
    return rows


@dataclass
class Existing:
    """What earlier runs already wrote to the same output."""

    samples: list[dict] = field(default_factory=list)
    meta: list[dict] = field(default_factory=list)
    failures: list[dict] = field(default_factory=list)

    def next_index(self, level: str) -> int:
        seen = [m["index"] for m in self.meta + self.failures if m.get("level") == level]
        return max(seen) + 1 if seen else 0

    def accepted(self, level: str) -> int:
        return sum(1 for m in self.meta if m["level"] == level)


def load_existing(out: Path) -> Existing:
    samples = read_jsonl(out)
    meta = read_jsonl(sidecar(out, ".meta.jsonl"))
    failures = read_jsonl(sidecar(out, ".failures.jsonl"))
    # A run killed between the two writes leaves one sample without its meta line (or the reverse):
    # keep only the aligned prefix and rewrite both files so they stay line-for-line.
    n = min(len(samples), len(meta))
    if len(samples) != n or len(meta) != n:
        samples, meta = samples[:n], meta[:n]
        _rewrite(out, samples)
        _rewrite(sidecar(out, ".meta.jsonl"), meta)
    return Existing(samples=samples, meta=meta, failures=failures)


def _rewrite(path: Path, rows: list[dict]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    tmp.replace(path)


class Writer:
    """Appends and flushes every line at once: a killed run loses nothing it verified."""

    def __init__(self, out: Path):
        out.parent.mkdir(parents=True, exist_ok=True)
        self._samples = out.open("a", encoding="utf-8")
        self._meta = sidecar(out, ".meta.jsonl").open("a", encoding="utf-8")
        self._failures = sidecar(out, ".failures.jsonl").open("a", encoding="utf-8")

    @staticmethod
    def _put(fh, row: dict) -> None:
        fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        fh.flush()

    def sample(self, alpaca: dict, meta: dict) -> None:
        self._put(self._samples, alpaca)
        self._put(self._meta, meta)

    def failure(self, row: dict) -> None:
        self._put(self._failures, row)

    def close(self) -> None:
        for fh in (self._samples, self._meta, self._failures):
            fh.close()


def write_dataset_info(out: Path, name: str | None = None) -> Path:
    """Merge a LLaMA-Factory alpaca-format entry for `out` into dataset_info.json beside it."""
    path = out.parent / "dataset_info.json"
    info = json.loads(path.read_text()) if path.exists() else {}
    info[name or out.stem] = {
        "file_name": out.name,
        "formatting": "alpaca",
        "columns": {"prompt": "instruction", "query": "input", "response": "output"},
    }
    path.write_text(json.dumps(info, indent=2) + "\n")
    return path
