"""agent view in a real browser: headless Debian chromium driven by playwright (one browser for the
module). Clicks run -> problem -> compare on the committed runs and checks what is shown; model text
holding <script> shows as text; a run being written updates; the bundle opens from file://.
Skipped only where chromium (or the playwright package) is absent; CI installs both."""
from __future__ import annotations

import re

import pytest

from agent.view.browser import launch, missing_reason

_why = missing_reason()
if _why:
    pytest.skip(f"no browser: {_why}", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from agent.eval.compare import compare_runs  # noqa: E402
from agent.eval.report import load_run  # noqa: E402
from agent.view import data  # noqa: E402
from agent.view.bundle import write_bundle  # noqa: E402
from agent.view.server import BackgroundServer  # noqa: E402
from tests.view_runs import COMMITTED, HOSTILE, append_record, hostile_run, record, write_run  # noqa: E402

GRID = COMMITTED / "eval_v2_grid_1p5b"
FULL, NO_RAG = COMMITTED / "ablations_1p5b" / "full", COMMITTED / "ablations_1p5b" / "no_rag"
TIMEOUT = 15_000


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as pw:
        b = launch(pw)
        yield b
        b.close()


@pytest.fixture(scope="module")
def extra_runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("view_runs")
    hostile_run(base / "evilrun")
    write_run(base / "liverun", [record("p1", ok=True)], expected=["p1", "p2", "p3"])
    return base


@pytest.fixture(scope="module")
def url(extra_runs):
    with BackgroundServer(data.RunSet([COMMITTED, extra_runs], rescan_s=0)) as u:
        yield u


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    p = ctx.new_page()
    p.set_default_timeout(TIMEOUT)
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    yield p
    ctx.close()
    assert not errors, errors  # no script error on any page visited


def _rows(page, table: str):
    return page.locator(f"#{table} tbody tr")


def _wait_plots_decoded(page):
    """The <img> elements exist before their PNGs arrive: wait until every one has decoded (CI once read
    the first while it was still loading, on a busy machine) instead of reading it at once."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('.plots img')].every(i => i.complete && i.naturalWidth > 0)",
        timeout=TIMEOUT)


def test_run_then_problem_shows_every_chain_with_its_code(page, url):
    page.goto(url)
    page.locator('#runs tr[data-run="eval_v2_grid_1p5b"] a').click()
    expect(_rows(page, "problems")).to_have_count(37)
    expect(page.locator("#levels")).to_contain_text("L3-Sequential")
    expect(page.locator(".plots img")).to_have_count(4)
    _wait_plots_decoded(page)
    page.locator('#problems tr[data-problem="L3-Sequential_030"] a').click()
    expect(page).to_have_url(re.compile(r"#/run/eval_v2_grid_1p5b/p/L3-Sequential_030$"))
    expect(page.locator(".chain")).to_have_count(4)
    for chain in range(4):
        expect(page.locator(f"#chain-{chain} .code").first).to_contain_text("class ShiftReg4stage")
    failing = page.locator('#chain-1 .round[data-round="0"]')
    # The diagnostic sits under the line it names (line 14), in the code listing.
    expect(failing.locator(".line.has-diag .ln")).to_have_text("14")
    expect(failing.locator(".diag")).to_contain_text("value unary_! is not a member of Int")
    prompt = failing.locator("details").first
    expect(prompt.locator("summary")).to_contain_text("prompt")
    assert prompt.get_attribute("open") is None  # prompts start collapsed
    expect(page.locator('#chain-1 .round[data-round="2"] h4')).to_contain_text("escape: no progress")
    expect(page.locator('#chain-1 .round[data-round="1"] summary', has_text="diff")).to_have_count(1)
    expect(page.locator("#vote")).to_contain_text("chosen chain 0")


def test_filters_search_and_keyboard(page, url):
    page.goto(url + "#/run/eval_v2_grid_1p5b")
    expect(_rows(page, "problems")).to_have_count(37)
    page.select_option("#filter-level", "L3-Sequential")
    expect(_rows(page, "problems")).to_have_count(9)
    page.select_option("#filter-status", "failed")
    expect(_rows(page, "problems")).to_have_count(4)
    page.select_option("#filter-level", "")
    page.select_option("#filter-status", "")
    page.fill("#search", "shift register")  # spec text
    expect(_rows(page, "problems")).to_have_count(3)
    page.fill("#search", "RegNext(")  # only in code the chains wrote
    expect(page.locator('#problems tr[data-problem="L3-Sequential_028"]')).to_have_count(1)
    page.fill("#search", "")
    page.locator("#failures a", has_text="sim_mismatch").click()
    expect(_rows(page, "problems")).to_have_count(5)
    expect(page.locator("#problems tbody")).not_to_contain_text("elaboration")
    page.goto(url + "#/run/eval_v2_grid_1p5b/p/L3-Sequential_030")
    expect(page.locator(".chain")).to_have_count(4)
    page.keyboard.press("n")
    expect(page).to_have_url(re.compile(r"/p/L3-Sequential_031$"))
    expect(page.locator("h1")).to_contain_text("L3-Sequential_031")
    page.keyboard.press("p")
    expect(page).to_have_url(re.compile(r"/p/L3-Sequential_030$"))
    expect(page.locator("h1")).to_contain_text("L3-Sequential_030")
    page.keyboard.press("u")
    expect(page).to_have_url(re.compile(r"#/run/eval_v2_grid_1p5b$"))


def test_compare_two_committed_runs(page, url):
    expected = compare_runs(load_run(FULL)[1], load_run(NO_RAG)[1])
    page.goto(url)
    page.select_option("#compare-a", "ablations_1p5b__full")
    page.select_option("#compare-b", "ablations_1p5b__no_rag")
    page.click("#compare-go")
    expect(page).to_have_url(re.compile(r"#/compare/ablations_1p5b__full/ablations_1p5b__no_rag$"))
    h = expected["pass"]
    expect(page.locator("#mcnemar")).to_contain_text(
        f"only A {h['a_only']}, only B {h['b_only']}, neither {h['neither']}; exact McNemar p = ")
    delta = f"{100 * expected['functional']['delta']:+.1f}"
    expect(page.locator("#compare-stats tr", has_text="functional pass (headline)")).to_contain_text(delta)
    expect(_rows(page, "compare-problems")).to_have_count(37)
    page.select_option("#filter-outcome", "changed")
    expect(_rows(page, "compare-problems")).to_have_count(h["a_only"] + h["b_only"])
    first = sorted(expected["broken_by_b"])[0]
    row = page.locator(f'#compare-problems tr[data-problem="{first}"]')
    expect(row.locator(".outcome")).to_have_text("B loses")
    row.locator("a", has_text="B chains").click()
    expect(page).to_have_url(re.compile(rf"#/run/ablations_1p5b__no_rag/p/{first}$"))
    expect(page.locator(".chain")).to_have_count(1)
    # The run page's "changed vs" filter uses the same comparison.
    page.goto(url + "#/run/ablations_1p5b__no_rag")
    expect(_rows(page, "problems")).to_have_count(37)
    page.select_option("#filter-changed", "ablations_1p5b__full")
    expect(_rows(page, "problems")).to_have_count(h["a_only"] + h["b_only"])


def test_model_text_with_script_shows_as_text(page, url):
    page.goto(url + "#/run/evilrun/p/evil")
    expect(page.locator(".chain")).to_have_count(1)
    expect(page.locator("pre.spec")).to_contain_text(HOSTILE)
    expect(page.locator(".code")).to_contain_text(HOSTILE)
    expect(page.locator(".diag")).to_contain_text("not found: " + HOSTILE)
    expect(page.locator("pre.reply")).to_have_count(1)
    assert HOSTILE in page.locator("pre.reply").text_content()
    expect(page.locator(".warning", has_text="incomplete")).to_have_count(1)  # the torn last trace line
    expect(page.locator("details", has_text="other events")).to_contain_text("future_kind")
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#app img, #app script").count() == 0


def test_a_run_being_written_updates(page, url, extra_runs):
    run_dir = extra_runs / "liverun"
    page.goto(url + "#/run/liverun")
    expect(_rows(page, "problems")).to_have_count(1)
    expect(page.locator(".headline .badge")).to_have_text("in progress")
    (run_dir / "traces" / "p2.jsonl").write_text('{"seq": 1, "kind": "start", "spec": "second problem"}\n')
    expect(page.locator('#problems tr[data-problem="p2"] .badge')).to_have_text("running", timeout=TIMEOUT)
    append_record(run_dir, record("p2", ok=False))
    with open(run_dir / "results.jsonl", "a") as f:
        f.write('{"id": "p3", "lev')  # the writer is mid-line: the page keeps what is whole
    expect(page.locator('#problems tr[data-problem="p2"] td').nth(3)).to_have_text("fail", timeout=TIMEOUT)
    expect(page.locator(".warning", has_text="incomplete")).to_have_count(1)
    expect(_rows(page, "problems")).to_have_count(2)
    with open(run_dir / "results.jsonl", "a") as f:
        f.write(record("p3", ok=True).model_dump_json()[len('{"id": "p3", "lev'):] + "\n")
    expect(_rows(page, "problems")).to_have_count(3, timeout=TIMEOUT)
    expect(page.locator(".headline .badge")).to_have_count(0)


def test_bundle_opens_from_disk(page, tmp_path, extra_runs):
    site = tmp_path / "site"
    write_bundle(data.RunSet([GRID, FULL, NO_RAG, extra_runs / "evilrun"]), site)
    index = (site / "index.html").as_uri()
    page.goto(index)
    expect(_rows(page, "runs")).to_have_count(4)
    page.locator('#runs tr[data-run="eval_v2_grid_1p5b"] a').click()
    expect(_rows(page, "problems")).to_have_count(37)
    _wait_plots_decoded(page)
    page.fill("#search", "shift register")
    expect(_rows(page, "problems")).to_have_count(3)
    page.goto(index + "#/run/eval_v2_grid_1p5b/p/L3-Sequential_030")
    expect(page.locator(".chain")).to_have_count(4)
    expect(page.locator("#chain-0 .code")).to_contain_text("class ShiftReg4stage")
    page.goto(index)
    page.select_option("#compare-a", "full")
    page.select_option("#compare-b", "no_rag")
    page.click("#compare-go")
    expect(_rows(page, "compare-problems")).to_have_count(37)
    page.goto(index + "#/run/evilrun/p/evil")
    expect(page.locator("pre.spec")).to_contain_text(HOSTILE)
    assert page.evaluate("window.__pwned") is None


def test_bench_view_measures_the_page(browser):
    from agent.view.bench import run_bench

    result = run_bench(60, 1, browser=browser)
    assert "browser_skipped" not in result
    assert 0 < result["page_data_at_ms"] <= result["page_in_page_ms"] and result["page_render_ms"] > 0
    assert result["page_ms"] >= result["page_in_page_ms"] * 0.5 and result["ok"] == (result["page_ms"] <= 1000)
