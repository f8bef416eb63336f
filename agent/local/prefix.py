"""The prompt's shared prefix, evaluated once per machine instead of once per request (issue 19).

Every prompt is [system, user] and the system message (instructions, rules, the worked example) is the
same for every task and round of a profile, so the chat template renders it to the same leading tokens.
llama-server keeps a slot's tokens and KV cache between requests (`cache_prompt`, its default), so
within one server a request whose prompt starts like the slot's evaluates only the rest. Across runs of
the embedded server the slot's cache is kept on disk with `--slot-save-path` and the
`/slots/{id}?action=save|restore` API:

* the first run *primes* slot 0 with the system message alone (a one-token request) and saves it;
* every later run restores that file into slot 0 while the rest of its start-up runs, and its first
  request, sent to slot 0 (`id_slot`), reads only what follows the prefix.

The file name carries a hash of what makes the cache valid: the system text, the model file, the
llama-server binary and the slot's context size; a stale or damaged file fails to restore and is
replaced by priming again.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
import urllib.error
import urllib.request
from pathlib import Path

from reflect_env.toolchain import cache_dir

PRIME_SLOT = 0
_PER_RUN = {"--port", "--host"}  # options (with their values) that change between runs of the same server


def slot_dir() -> Path:
    d = cache_dir() / "slots"
    d.mkdir(parents=True, exist_ok=True)
    return d


def prefix_file(system: str, argv: list[str]) -> str:
    """The slot file's name for this system message on this server (binary, model, context size)."""
    h = hashlib.sha256(system.encode())
    skip = False
    for part in argv:
        if skip or part in _PER_RUN:  # a run's port is not part of what its cache holds
            skip = part in _PER_RUN
            continue
        h.update(b"\0" + part.encode())
    for path in (argv[0], _opt(argv, "--model")):
        try:
            st = os.stat(path) if path else None
        except OSError:
            st = None
        if st is not None:
            h.update(f"\0{st.st_size}:{int(st.st_mtime)}".encode())
    return f"prefix-{h.hexdigest()[:16]}.bin"


def _opt(argv: list[str], name: str) -> str | None:
    return argv[argv.index(name) + 1] if name in argv[:-1] else None


def _post(url: str, body: dict, timeout_s: float) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout_s) as reply:
        data = json.loads(reply.read())
    return data if isinstance(data, dict) else {}


def restore_or_prime(base_url: str, model: str, system: str, argv: list[str], *, timeout_s: float = 600.0) -> dict:
    """Slot PRIME_SLOT holds the system prefix when this returns (best effort: a failure is reported in
    the returned dict, never raised, and the solve simply evaluates its whole prompt)."""
    root = base_url.rstrip("/").removesuffix("/v1")
    name = prefix_file(system, argv)
    t = time.perf_counter()
    out: dict = {"file": name}
    if (slot_dir() / name).is_file():
        try:
            got = _post(f"{root}/slots/{PRIME_SLOT}?action=restore", {"filename": name}, timeout_s)
            out.update(action="restored", tokens=got.get("n_restored"), s=round(time.perf_counter() - t, 3))
            return out
        except (OSError, ValueError) as e:  # stale or damaged: prime again and overwrite it
            out["restore_error"] = _why(e)
    try:
        _post(f"{base_url.rstrip('/')}/chat/completions",
              {"model": model, "messages": [{"role": "system", "content": system}, {"role": "user", "content": ""}],
               "max_tokens": 1, "temperature": 0.0, "id_slot": PRIME_SLOT, "cache_prompt": True}, timeout_s)
        got = _post(f"{root}/slots/{PRIME_SLOT}?action=save", {"filename": name}, timeout_s)
    except (OSError, ValueError) as e:
        out.update(action="failed", error=_why(e), s=round(time.perf_counter() - t, 3))
        return out
    out.update(action="primed", tokens=got.get("n_saved"), s=round(time.perf_counter() - t, 3))
    return out


def _why(e: BaseException) -> str:
    if isinstance(e, urllib.error.HTTPError):
        try:
            return f"HTTP {e.code}: {e.read()[:200].decode(errors='replace')}"
        except OSError:
            return f"HTTP {e.code}"
    return " ".join(f"{type(e).__name__}: {e}".split())[:200]
