"""Where the project's data folders are: prompts/, rag_docs/, experiments/benchmarks/.

From a checkout (or an editable install) they are the checkout's own folders; a wheel install
carries copies under agent/_data/ (setup.py puts them there). The checkout is recognised by its
pyproject.toml, so a stray "prompts" folder in site-packages is never mistaken for ours.
"""
from __future__ import annotations

from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]
BUNDLED = Path(__file__).resolve().parent / "_data"


def data_path(rel: str) -> Path:
    """The folder `rel` (e.g. "prompts") of this installation; it may not exist, callers say so."""
    root = CHECKOUT if (CHECKOUT / "pyproject.toml").is_file() else BUNDLED
    return root / rel
