"""On-disk SQLite cache of chat completions, keyed by a hash of the full request.

The key covers everything that changes the reply: base_url and the exact request body (model,
messages, n, temperature, top_p, max_tokens, seed and any extra parameters). `n` is part of the key
on purpose: a cached n=8 reply is never sliced to answer an n=4 request, because the first 4 of 8
samples are not what an n=4 request would have produced under a seed, and silently mixing the two
would make runs irreproducible. A sampled reply (temperature > 0, seed None) is replayed as-is: to
get fresh samples for the same prompt, pass a different seed or run with `use_cache=False`.

Concurrency: every operation runs in a worker thread (asyncio.to_thread) with one SQLite connection
per thread; WAL mode lets several processes share one cache file. A cache that cannot be opened or
written never loses a completion: the error is logged once and the cache steps aside.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS completions (
    key TEXT PRIMARY KEY,
    request TEXT NOT NULL,
    response TEXT NOT NULL,
    created REAL NOT NULL
)
"""


def request_key(base_url: str, body: dict[str, Any]) -> str:
    """A stable hash of where the request goes and what it asks (canonical JSON, sorted keys)."""
    canonical = json.dumps({"base_url": base_url.rstrip("/"), "body": body},
                           sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class ResponseCache:
    def __init__(self, path: Path):
        self.path = Path(path).expanduser()
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._ready = False  # schema and WAL mode set up (once per cache object)
        self._broken: str | None = None  # set once the cache failed; then every call is a miss/no-op

    # -- connections --------------------------------------------------------------------------
    def _conn(self) -> sqlite3.Connection | None:
        if self._broken:
            return None
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=10.0, check_same_thread=False)
            conn.execute("PRAGMA synchronous=NORMAL")
            with self._lock:  # one thread sets the file up; the others wait instead of racing it
                if not self._ready:
                    self._initialise(conn)
                    self._ready = True
                self._connections.append(conn)
        except (sqlite3.Error, OSError) as e:
            self._give_up(f"cannot open {self.path}: {e}")
            return None
        self._local.conn = conn
        return conn

    @staticmethod
    def _initialise(conn: sqlite3.Connection, patience_s: float = 10.0) -> None:
        # Switching to WAL needs a moment of exclusive access, and SQLite answers "database is
        # locked" at once (no busy wait) while another process holds the file: retry for a while.
        deadline = time.monotonic() + patience_s
        while True:
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute(_SCHEMA)
                conn.commit()
                return
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) and "busy" not in str(e) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _give_up(self, why: str) -> None:
        if not self._broken:
            self._broken = why
            log.warning("LLM response cache disabled: %s", why)

    # -- sync API -----------------------------------------------------------------------------
    def get(self, key: str) -> dict | None:
        conn = self._conn()
        if conn is None:
            return None
        try:
            row = conn.execute("SELECT response FROM completions WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as e:
            self._give_up(f"cannot read {self.path}: {e}")
            return None
        if row is None:
            return None
        try:
            return json.loads(row[0])
        except json.JSONDecodeError:  # a damaged row is a miss; the next put overwrites it
            return None

    def put(self, key: str, request: dict, response: dict) -> None:
        conn = self._conn()
        if conn is None:
            return
        try:
            conn.execute(
                "INSERT OR REPLACE INTO completions (key, request, response, created) VALUES (?, ?, ?, ?)",
                (key, json.dumps(request, ensure_ascii=False), json.dumps(response, ensure_ascii=False),
                 time.time()),
            )
            conn.commit()
        except sqlite3.Error as e:
            self._give_up(f"cannot write {self.path}: {e}")

    def __len__(self) -> int:
        conn = self._conn()
        if conn is None:
            return 0
        return conn.execute("SELECT COUNT(*) FROM completions").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            conns, self._connections = self._connections, []
        for c in conns:
            try:
                c.close()
            except sqlite3.Error:
                pass
        self._local = threading.local()

    # -- async API (never blocks the event loop on disk I/O) ----------------------------------
    async def aget(self, key: str) -> dict | None:
        return await asyncio.to_thread(self.get, key)

    async def aput(self, key: str, request: dict, response: dict) -> None:
        await asyncio.to_thread(self.put, key, request, response)
