"""Headless Chromium for the viewer's benchmark and browser tests: Debian's `chromium` (installed by
`make setup-system`) driven by the Python `playwright` package. Playwright's own browser download
cannot work offline, so it is pointed at the system binary with the flags below (no sandbox: tests
run as root in containers; nothing that reaches the network on start)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


def find_chromium(explicit: Path | None = None) -> str | None:
    """The browser binary: `explicit`, $CHROMIUM, Debian's path, or `chromium` on PATH; None if none."""
    for c in (str(explicit) if explicit else None, os.environ.get("CHROMIUM"), *CANDIDATES):
        if c and Path(c).is_file() and os.access(c, os.X_OK):
            return c
    return shutil.which("chromium")


def missing_reason(explicit: Path | None = None) -> str | None:
    """Why a browser cannot be driven here (None when it can)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e .[test])"
    if find_chromium(explicit) is None:
        return "no chromium binary (apt-get install chromium, or make setup-system)"
    return None


def launch(pw, explicit: Path | None = None):
    """A headless browser from a started sync_playwright() `pw`."""
    return pw.chromium.launch(executable_path=find_chromium(explicit), args=CHROMIUM_ARGS, headless=True)
