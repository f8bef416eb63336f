"""`agent rag prompt`, `agent rag examples`, `agent rag contamination` on the command line.

`rag prompt` crashed with a TypeError (hooks passed as None) and no test ran it. Fast tests: retrieval
off (rag = false), bad input, a bank that is not built (an empty private cache). Slow tests
(`-m slow`): retrieval on against the default cache's index and example bank, skipped when they are
not built and current (these tests never build into the shared cache).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.cli import app

REPO = Path(__file__).resolve().parents[1]
COUNTER8 = REPO / "examples" / "counter8.txt"


def _cli(*args) -> object:
    return CliRunner().invoke(app, [str(a) for a in args])


def _json(res) -> dict:
    assert res.exit_code == 0, res.output
    lines = [line for line in res.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, res.stdout
    return json.loads(lines[0])


def _one_line_error(res, message: str) -> None:
    assert res.exit_code == 2, res.output
    assert message in res.output and "Traceback" not in res.output, res.output
    assert len([line for line in res.output.splitlines() if line.strip()]) == 1, res.output


@pytest.fixture
def private_cache(tmp_path, monkeypatch) -> Path:
    """An empty cache: no notes index, no example bank (whatever the machine has built)."""
    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv("CHISEL_AGENT_CACHE", str(cache))
    monkeypatch.chdir(tmp_path)  # no chisel-agent.toml of the checkout's
    return cache


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(text)
    return path


# -- retrieval off: no model, no index ----------------------------------------------------------------

def test_prompt_without_retrieval_is_the_fixed_example_prompt_and_touches_no_index(private_cache, tmp_path):
    out = _json(_cli("rag", "prompt", COUNTER8, "--config", _config(tmp_path, "rag = false\n"), "--json"))
    assert set(out) == {"messages", "hints", "notes", "examples"}
    assert out["notes"] == [] and out["examples"] == []
    assert out["hints"] == ["Counter", "RegEnable"]  # not `is` ("while `en` is high")
    system, user = out["messages"]
    assert system["role"] == "system" and "EdgeCounter" in system["content"]  # the one fixed example
    assert user["role"] == "user" and COUNTER8.read_text().strip() in user["content"]
    assert "`Counter` from `import chisel3.util._`" in user["content"]
    assert "Reference notes" not in user["content"] and "Worked examples" not in user["content"]
    assert list(private_cache.iterdir()) == []  # retrieval off: nothing opened or built


def test_prompt_prints_the_prompt_and_a_summary_line(private_cache, tmp_path):
    cfg = _config(tmp_path, "rag = false\n")
    res = _cli("rag", "prompt", COUNTER8, "--config", cfg, "--top", "Counter8")
    assert res.exit_code == 0, res.output
    assert "hints: ['Counter', 'RegEnable']; notes: []; examples: none (fixed example)" in res.output
    messages = _json(_cli("rag", "prompt", COUNTER8, "--config", cfg, "--top", "Counter8", "--json"))["messages"]
    assert messages[1]["content"] in res.stdout  # the text is the messages the JSON gives


def test_prompt_samples_share_the_prompt_without_retrieval_and_a_sample_past_k_is_refused(private_cache, tmp_path):
    cfg = _config(tmp_path, "rag = false\nk = 4\n")
    first = _json(_cli("rag", "prompt", COUNTER8, "--config", cfg, "--json"))
    last = _json(_cli("rag", "prompt", COUNTER8, "--config", cfg, "--sample", "3", "--json"))
    assert last == first
    _one_line_error(_cli("rag", "prompt", COUNTER8, "--config", cfg, "--sample", "4"),
                    "--sample 4: the settings draw k = 4 samples, numbered 0 to 3")


def test_prompt_follows_the_import_hints_setting(private_cache, tmp_path):
    cfg = _config(tmp_path, "rag = false\nimport_hints = false\n")
    out = _json(_cli("rag", "prompt", COUNTER8, "--config", cfg, "--json"))
    assert out["hints"] == [] and "Imports this design" not in out["messages"][1]["content"]


@pytest.mark.parametrize("args, message", [
    (("rag", "prompt", "/nonexistent/spec.txt"), "spec file not found"),
    (("rag", "prompt", COUNTER8, "--config", "/nonexistent/c.toml"), "config file not found"),
    (("rag", "examples", "   "), "the spec is empty"),
    (("rag", "examples", "@/nonexistent/spec.txt"), "spec file not found"),
    (("rag", "examples", "An 8-bit counter"), "example bank not built for chisel7 (run: agent rag build)"),
    (("rag", "contamination", "own"), "example bank not built for chisel7 (run: agent rag build)"),
    (("rag", "contamination", "no-such-benchmark"), "benchmark not found: no-such-benchmark"),
])
def test_bad_input_and_an_unbuilt_bank_are_one_line_errors(private_cache, args, message):
    _one_line_error(_cli(*args), message)
    assert list(private_cache.iterdir()) == []


def test_a_bad_setting_is_a_one_line_error(private_cache, tmp_path):
    _one_line_error(_cli("rag", "prompt", COUNTER8, "--config", _config(tmp_path, "rag = 3\n")), "rag")


# -- retrieval on: the default cache's index and bank (slow: the embedding model) ----------------------

def _default_index_unusable() -> str | None:
    """Why the default cache cannot serve these tests without a build (None: it can)."""
    import os

    if os.environ.get("CHISEL_AGENT_CACHE"):
        return None if (Path(os.environ["CHISEL_AGENT_CACHE"]) / "rag").is_dir() else "no rag index in the cache"
    from agent.rag.index import collection_name, content_hash
    from agent.rag.retriever import Retriever

    try:
        r = Retriever()
        docs = r.documents()
        if not (r.cache_dir / "rag").is_dir() or not r.index.complete(collection_name(r.profile.name,
                                                                                       content_hash(docs)), len(docs)):
            return "the notes index is not built for these notes (agent rag build)"
        if not r.example_bank().available():
            return "the example bank is not built (agent rag build)"
    except Exception as e:  # chromadb or the notes missing: nothing to test against
        return f"{type(e).__name__}: {e}"
    return None


@pytest.fixture(scope="module")
def built_index():
    why = _default_index_unusable()
    if why:
        pytest.skip(why)


@pytest.fixture
def in_tmp(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no chisel-agent.toml of the checkout's
    return tmp_path


@pytest.mark.slow
def test_prompt_with_retrieval_shows_the_notes_and_examples_it_names(built_index, in_tmp):
    out = _json(_cli("rag", "prompt", COUNTER8, "--json"))
    system, user = (m["content"] for m in out["messages"])
    assert "counter" in out["notes"] and "Reference notes" in user
    assert 1 <= len(out["examples"]) <= 2 and "Worked examples of other specifications" in user  # examples_m = 2
    assert "EdgeCounter" not in system  # retrieved examples replace the fixed one
    assert out["hints"] == ["Counter", "RegEnable"]
    assert user.count("[example: ") == len(out["examples"]) and user.count("[note: ") == len(out["notes"])


@pytest.mark.slow
def test_prompt_sample_shows_that_samples_example_set(built_index, in_tmp):
    cfg = _config(in_tmp, 'k = 4\nexample_diversity = "sets"\n')
    first = _json(_cli("rag", "prompt", COUNTER8, "--config", cfg, "--json"))
    second = _json(_cli("rag", "prompt", COUNTER8, "--config", cfg, "--sample", "1", "--json"))
    assert first["examples"] != second["examples"] and first["notes"] == second["notes"]
    assert first["messages"][0] == second["messages"][0]  # one system message: a shared prefix
    assert first["messages"][1] != second["messages"][1]
    res = _cli("rag", "prompt", COUNTER8, "--config", cfg, "--sample", "1")
    assert res.exit_code == 0 and f"examples: {second['examples']}" in res.output


@pytest.mark.slow
def test_examples_lists_the_bank_hits_for_a_spec(built_index, in_tmp):
    out = _json(_cli("rag", "examples", f"@{COUNTER8}", "-m", "3", "--top", "Counter8", "--json"))
    assert out["m"] == 3 and 1 <= len(out["hits"]) <= 3
    assert all({"id", "score", "source"} <= set(h) and "code" not in h for h in out["hits"])
    with_code = _json(_cli("rag", "examples", f"@{COUNTER8}", "-m", "1", "--code", "--json"))
    assert "class " in with_code["hits"][0]["code"]


@pytest.mark.slow
def test_contamination_reports_every_problem_and_writes_the_file(built_index, in_tmp):
    from agent.eval.benchmarks import load_benchmark

    out = _json(_cli("rag", "contamination", "own", "--out", in_tmp / "own.json", "--json"))
    problems = len(load_benchmark("own").tasks)
    assert out["problems"] == problems == len(out["nearest"]) and out["bank_examples"] > 0
    assert json.loads((in_tmp / "own.json").read_text()) == out
    sims = [row["similarity"] for row in out["nearest"]]
    assert sims == sorted(sims, reverse=True) and out["max_similarity"] == sims[0]
    # the build excluded what came too close to this benchmark: nothing left at the limits
    assert out["at_or_above_limit"] == 0
