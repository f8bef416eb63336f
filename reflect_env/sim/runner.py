"""Run one simulator command with a hard wall-clock limit and bounded output.

The whole process group is killed on timeout because vvp/verilated binaries may fork, and a
runaway `$display` loop must not fill memory: only the head and tail of the output are kept.
"""
from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

HEAD_BYTES = 256 * 1024
TAIL_BYTES = 64 * 1024


@dataclass
class Outcome:
    returncode: int | None  # None when killed for the timeout
    output: str  # stdout and stderr interleaved (stdout only with split_stderr), middle dropped if huge
    timed_out: bool
    seconds: float
    stderr: str = ""  # with split_stderr only


class _BoundedSink:
    """Keeps the first HEAD_BYTES and the last TAIL_BYTES of a stream, counts what it drops."""

    def __init__(self):
        self.head = bytearray()
        self.tail: deque[bytes] = deque()
        self.tail_len = 0
        self.dropped = 0

    def feed(self, chunk: bytes) -> None:
        room = HEAD_BYTES - len(self.head)
        if room > 0:
            self.head += chunk[:room]
            chunk = chunk[room:]
        if not chunk:
            return
        self.tail.append(chunk)
        self.tail_len += len(chunk)
        while self.tail_len > TAIL_BYTES:
            excess = self.tail_len - TAIL_BYTES
            first = self.tail[0]
            if len(first) <= excess:
                self.tail.popleft()
                cut = len(first)
            else:
                self.tail[0] = first[excess:]
                cut = excess
            self.tail_len -= cut
            self.dropped += cut

    def text(self) -> str:
        head = self.head.decode(errors="replace")
        if not self.tail:
            return head
        gap = f"\n... [{self.dropped} bytes of output dropped] ...\n" if self.dropped else ""
        return head + gap + b"".join(self.tail).decode(errors="replace")


def run_bounded(cmd: list[str], cwd: Path, timeout: float, env: dict | None = None, *,
                split_stderr: bool = False) -> Outcome:
    """Run `cmd` in `cwd`; kill its process group if it runs longer than `timeout` seconds.
    `split_stderr` keeps stderr apart (a testbench's stdout must not carry a design's printf)."""
    start = time.monotonic()
    try:
        proc = subprocess.Popen(
            cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE if split_stderr else subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True, env=env,
        )
    except FileNotFoundError:
        message = f"{cmd[0]} not found on PATH (Debian: apt-get install iverilog verilator)"
        return Outcome(returncode=127, output=message, timed_out=False, seconds=time.monotonic() - start)
    sinks = [(proc.stdout, _BoundedSink())] + ([(proc.stderr, _BoundedSink())] if split_stderr else [])

    def pump(stream, sink):
        for chunk in iter(lambda: stream.read1(65536), b""):
            sink.feed(chunk)

    readers = [threading.Thread(target=pump, args=pair, daemon=True) for pair in sinks]
    for reader in readers:
        reader.start()
    timed_out = False
    try:
        proc.wait(timeout=max(0.01, timeout))
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill_group(proc)
        proc.wait()
    for reader in readers:
        reader.join(timeout=5)
    return Outcome(
        returncode=None if timed_out else proc.returncode,
        output=sinks[0][1].text(),
        timed_out=timed_out,
        seconds=time.monotonic() - start,
        stderr=sinks[1][1].text() if split_stderr else "",
    )


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def trim(text: str, limit: int = 4000) -> str:
    """Shorten a log for storage in results: keep its start and its end."""
    text = text.strip()
    if len(text) <= limit:
        return text
    keep = limit // 2
    return f"{text[:keep]}\n... [{len(text) - 2 * keep} chars omitted] ...\n{text[-keep:]}"


class Deadline:
    """One time budget shared by the steps of a run (compile, then simulate)."""

    def __init__(self, seconds: float):
        self.limit = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return self.end - time.monotonic()

    def expired(self) -> bool:
        return self.left() <= 0
