"""Screenshots of `agent view` on the committed runs, for docs/img/ (README and docs/viewer.md).

    python scripts/view_screenshots.py [OUT_DIR]     # default docs/img; needs chromium + playwright
"""
from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # this checkout's agent/, not an installed one

from playwright.sync_api import sync_playwright  # noqa: E402

from agent.view.browser import launch, missing_reason  # noqa: E402
from agent.view.data import RunSet  # noqa: E402
from agent.view.server import BackgroundServer  # noqa: E402
SHOTS = [  # (file, page, what must be on screen first)
    ("view_runs.png", "#/", "#runs tbody tr"),
    ("view_run.png", "#/run/eval_v2_grid_1p5b", "#problems tbody tr"),
    ("view_problem.png", "#/run/eval_v2_grid_1p5b/p/L3-Sequential_030", "#chain-1"),
    ("view_compare.png", "#/compare/ablations_1p5b__full/ablations_1p5b__no_rag", "#compare-problems tbody tr"),
]


def main(out: Path) -> None:
    why = missing_reason()
    if why:
        sys.exit(f"error: {why}")
    out.mkdir(parents=True, exist_ok=True)
    with BackgroundServer(RunSet([REPO / "experiments" / "results"])) as url, sync_playwright() as pw:
        browser = launch(pw)
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        for name, route, ready in SHOTS:
            page.goto(url + route)
            page.wait_for_selector(ready)
            if name == "view_problem.png":  # open chain 1's failing round and scroll to it
                page.locator('#chain-1 .round[data-round="1"] summary', has_text="diff to the previous round").click()
                page.evaluate("window.scrollTo(0, document.getElementById('chain-1').offsetTop - 44)")
            page.screenshot(path=str(out / name))
            print(out / name)
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "img")
