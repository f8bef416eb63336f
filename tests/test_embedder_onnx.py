"""The ONNX embedder (agent.rag.onnx_model) against sentence-transformers: the same vectors for every
note, example and benchmark spec (long ones truncated alike), the same retrieval ranks, the export's
atomic write, and the fallback to sentence-transformers, said once, when the export is absent or broken."""
from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from agent.rag import embedder as emb
from agent.rag.embedder import Embedder, EmbedderMissing, ensure_onnx_export, onnx_export_dir

REPO = Path(__file__).resolve().parents[1]
QUERIES = REPO / "tests" / "data" / "rag_queries.yaml"
MIN_COSINE = 0.9999


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """A private cache holding one ONNX export (made here, as `agent rag build` makes it)."""
    pytest.importorskip("onnx", reason="the export needs the onnx package")
    root = tmp_path_factory.mktemp("onnx-cache")
    ensure_onnx_export(root)
    return root


@pytest.fixture(scope="module")
def pair(cache):
    """(sentence-transformers, ONNX) embedders over the same cache."""
    return Embedder(cache, backend="sentence-transformers"), Embedder(cache, backend="onnx")


def _benchmark_specs() -> list[str]:
    """Every spec of every benchmark present here: the own one, verilogeval_mini, eval_set_v2 (seed
    data) and VerilogEval v2 (long prompts with our Chisel instructions in front) where present."""
    from agent.eval.benchmarks import BENCHMARKS_DIR, load_benchmark, seed_data_dir

    where = [BENCHMARKS_DIR / "own", BENCHMARKS_DIR / "verilogeval_mini", seed_data_dir() / "eval_set_v2.jsonl",
             Path(os.environ.get("CHISEL_AGENT_VERILOGEVAL", REPO.parent / "ext" / "verilog-eval" / "dataset_spec-to-rtl"))]
    specs = [t.spec for w in where if w.exists() for t in load_benchmark(str(w)).tasks]
    # every third spec: all of them cut at 256 tokens alike, a third shows it at half the CPU time
    return specs[::3]


def _sources_jar() -> Path | None:
    from reflect_env.toolchain import get_profile, toolchain

    try:
        jar = toolchain(get_profile("chisel7")).sources_jar
    except Exception:  # noqa: BLE001 - no toolchain set up here: the hand-written notes only
        return None
    return jar if Path(jar).is_file() else None


def _corpus() -> dict[str, list[str]]:
    from agent.rag.bank import _as_note
    from agent.rag.examples import embed_text as example_text
    from agent.rag.examples import engine_examples, load_hand_examples
    from agent.rag.index import embed_text
    from agent.rag.notes import default_notes_dir, load_notes

    notes = load_notes(default_notes_dir())
    jar = _sources_jar()
    if jar is not None:  # the API notes generated from the Chisel sources, where `agent setup` fetched them
        from agent.rag.scaladoc import generate_notes
        from reflect_env.toolchain import get_profile

        notes += generate_notes(jar, get_profile("chisel7").chisel)
    examples = load_hand_examples(default_notes_dir()) + engine_examples()[0]
    return {
        "notes": [embed_text(n) for n in notes],
        "examples": [example_text(e) for e in examples] + [embed_text(_as_note(e)) for e in examples],
        "specs": [p.read_text() for p in sorted((REPO / "examples").glob("*.txt"))] + _benchmark_specs(),
    }


# Each of these embeds a few hundred texts twice: about 2 CPU minutes, far longer in wall time on a busy machine.
HEAVY = pytest.mark.timeout(3600)


@HEAVY
def test_onnx_vectors_equal_sentence_transformers_for_every_note_example_and_spec(pair):
    st, onnx = pair
    corpus = _corpus()
    onnx.load()
    model = onnx._model
    lengths = [len(model._fn.tokenizer.encode(t).ids) for t in corpus["specs"]]
    assert max(lengths) == model.max_seq_length == 256  # long specs are there, and cut where ST cuts
    assert sum(n == 256 for n in lengths) >= 1
    for kind, texts in corpus.items():
        assert texts, kind
        a = np.asarray(st.embed(texts), dtype=np.float32)
        b = np.asarray(onnx.embed(texts), dtype=np.float32)
        cos = np.sum(a * b, axis=1)
        worst = int(np.argmin(cos))
        assert cos[worst] >= MIN_COSINE, f"{kind}: cosine {cos[worst]:.6f} for {texts[worst][:80]!r}"
    assert st.backend == "sentence-transformers" and onnx.backend == "onnx"


def test_long_text_is_truncated_like_sentence_transformers_and_does_not_raise(pair):
    st, onnx = pair
    long = "A 64-bit barrel shifter with a registered output and an enable input. " * 60
    longer = long + "Everything after the 256th token is not read. " * 40
    a, b = np.asarray(onnx.embed([long, longer]))
    assert float(a @ b) > 0.99999  # the tail past max_seq_length changes nothing
    assert float(np.asarray(st.embed([long]))[0] @ a) >= MIN_COSINE


def test_empty_and_batch_inputs(pair):
    _, onnx = pair
    assert onnx.embed([]) == []
    one = onnx.embed(["adder"])
    many = onnx.embed(["adder", "a wide multiplexer " * 30, "adder"])
    assert np.allclose(one[0], many[0], atol=1e-6) and np.allclose(many[0], many[2], atol=1e-6)
    assert abs(np.linalg.norm(many[1]) - 1.0) < 1e-5


def _ranks(retriever, queries) -> list[list[str]]:
    return [[d.id for _, _, d in retriever.scored(q["query"], code=q.get("code"), diagnostics=q.get("diagnostics"))]
            for q in queries]


@pytest.fixture(scope="module")
def built(cache, pair):
    """The notes index and the example bank built with sentence-transformers in the private cache (the
    bank's verifier passes everything), and the same opened with ONNX: (st retriever, st bank, onnx
    retriever, onnx bank)."""
    from agent.rag.bank import ExampleBank
    from agent.rag.examples import Verdict
    from agent.rag.retriever import Retriever

    st, onnx = pair
    notes = Retriever(cache_dir=cache, sources_jar=False, embedder=st)
    notes.build()
    bank = ExampleBank(cache_dir=cache, embedder=st)
    bank.build(lambda examples: [Verdict(ok=True, simulated=False) for _ in examples], benchmarks=["own"])
    return (notes, bank, Retriever(cache_dir=cache, sources_jar=False, embedder=onnx),
            ExampleBank(cache_dir=cache, embedder=onnx))


@HEAVY
def test_retrieval_ranks_unchanged_on_the_labelled_set_and_negatives(built):
    """The index built with sentence-transformers, queried with either: every note's rank is the same."""
    from agent.rag.bench import load_queries

    st_notes, _, onnx_notes, _ = built
    queries = load_queries(QUERIES)
    assert any(q["reject"] or q["reject_hints"] for q in queries) and any(q["expect"] for q in queries)
    assert _ranks(st_notes, queries) == _ranks(onnx_notes, queries)
    for q in queries:
        a = st_notes.retrieve(q["query"], code=q.get("code"), diagnostics=q.get("diagnostics"))
        b = onnx_notes.retrieve(q["query"], code=q.get("code"), diagnostics=q.get("diagnostics"))
        assert [n.id for n in a] == [n.id for n in b]
        assert all(abs(x.score - y.score) < 1e-3 for x, y in zip(a, b))


@HEAVY
def test_example_ranks_unchanged(built):
    """The example bank built with sentence-transformers: each spec's examples ranked the same with ONNX."""
    _, st_bank, _, onnx_bank = built
    specs = [p.read_text() for p in sorted((REPO / "examples").glob("*.txt"))] + _benchmark_specs()[:60]
    for spec in specs:
        assert [e.id for _, e in st_bank.scored(spec)] == [e.id for _, e in onnx_bank.scored(spec)], spec[:80]


@HEAVY
def test_a_solves_start_up_retrieval_with_onnx_never_imports_torch(built, cache):
    """What `agent bench rag-startup` runs per process: the spec's notes and examples, with the ONNX
    export, and torch never loaded (its import was the seconds this saves)."""
    import json
    import subprocess
    import sys

    env = {**os.environ, "CHISEL_AGENT_CACHE": str(cache), "CHISEL_AGENT_EMBEDDER": "onnx",
           "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-m", "agent.rag.startup_bench", str(REPO / "examples" / "adder8.txt")],
                          env=env, capture_output=True, text=True, timeout=600, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got["embedder"]["backend"] == "onnx" and got["torch_imported"] is False
    assert got["examples"] and got["ready"] >= got["notes_ready"] >= got["imported"]


def test_startup_bench_refuses_an_onnx_run_that_fell_back(monkeypatch, tmp_path):
    from agent.rag import startup_bench

    def fake_run(spec, backend, timeout_s):
        used = "sentence-transformers"  # as if the ONNX process found no export
        return {"backend": backend, "ready_s": 1.0, "cpu_s": 1.0, "interpreter_s": 0.1, "imports_s": 0.2,
                "retrieval_s": 0.7, "notes_s": 0.6, "notes": ["a"], "examples": ["b"], "torch_imported": True,
                "embedder": {"backend": used, "fallback": "no ONNX export at X"}}

    monkeypatch.setattr(startup_bench, "_run_one", fake_run)
    with pytest.raises(RuntimeError, match="asked for onnx.*no ONNX export at X"):
        startup_bench.run_startup_bench(tmp_path / "spec.txt", repeats=1)


def test_startup_bench_medians_and_agreement(monkeypatch, tmp_path):
    from agent.rag import startup_bench

    times = iter([9.0, 2.0, 3.0, 8.0, 7.0, 1.0])  # st, onnx; onnx, st; st, onnx (the order alternates)

    def fake_run(spec, backend, timeout_s):
        t = next(times)
        return {"backend": backend, "ready_s": t, "cpu_s": t / 2, "interpreter_s": 0.1, "imports_s": 0.2,
                "retrieval_s": t - 0.3, "notes_s": t - 0.4, "notes": ["a"], "examples": ["b"],
                "torch_imported": backend != "onnx", "embedder": {"backend": backend, "fallback": None}}

    monkeypatch.setattr(startup_bench, "_run_one", fake_run)
    out = startup_bench.run_startup_bench(tmp_path / "spec.txt", repeats=3)
    assert out["sentence-transformers"]["ready_s_all"] == [9.0, 8.0, 7.0]
    assert out["onnx"]["ready_s_all"] == [2.0, 3.0, 1.0]
    assert out["saved_s"] == 6.0 and out["saved_cpu_s"] == 3.0
    assert out["same_results"] is True and out["onnx_imported_torch"] is False


# ---------------------------------------------------------------- the export and the fallback


def test_export_is_atomic_and_made_once(cache):
    folder = onnx_export_dir(cache)
    assert (folder / "export.json").exists() and (folder / "model.onnx").stat().st_size > 10_000_000
    assert not [p for p in folder.parent.iterdir() if ".tmp-" in p.name]
    stamp = (folder / "model.onnx").stat().st_mtime_ns
    assert ensure_onnx_export(cache) == folder
    assert (folder / "model.onnx").stat().st_mtime_ns == stamp  # kept, not made again


def test_an_export_that_differs_is_refused_and_leaves_nothing(tmp_path, monkeypatch):
    pytest.importorskip("onnx")
    from agent.rag import onnx_model

    monkeypatch.setattr(onnx_model, "MIN_COSINE", 1.5)  # no export can pass: as if it computed other vectors
    with pytest.raises(EmbedderMissing, match="differs from sentence-transformers"):
        ensure_onnx_export(tmp_path)
    assert not list((tmp_path / "rag").iterdir())


def test_absent_export_falls_back_to_sentence_transformers_and_says_so_once(tmp_path, caplog, monkeypatch):
    monkeypatch.setattr(emb, "_FALLBACK_SAID", set())
    with caplog.at_level(logging.WARNING, logger="agent.rag"):
        first, second = Embedder(tmp_path), Embedder(tmp_path)
        v = first.embed(["adder"])
        second.embed(["adder"])
    assert first.backend == second.backend == "sentence-transformers"
    assert "no ONNX export" in (first.fallback or "") and len(v[0]) == 384
    said = [r for r in caplog.records if "sentence-transformers" in r.getMessage()]
    assert len(said) == 1 and "\n" not in said[0].getMessage() and said[0].exc_info is None


def test_absent_export_is_an_error_when_onnx_is_asked(tmp_path, monkeypatch):
    monkeypatch.setenv("CHISEL_AGENT_EMBEDDER", "onnx")
    with pytest.raises(EmbedderMissing, match="no ONNX export .*agent rag build"):
        Embedder(tmp_path).load()


def test_unknown_backend_is_one_line(monkeypatch):
    monkeypatch.setenv("CHISEL_AGENT_EMBEDDER", "torch")
    with pytest.raises(EmbedderMissing, match="expected one of auto, onnx, sentence-transformers"):
        Embedder()


@pytest.mark.parametrize("damage", ["garbage model", "no tokenizer"])
def test_broken_export_falls_back_and_never_downloads(cache, tmp_path, monkeypatch, damage):
    from chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2 import ONNXMiniLM_L6_V2

    def no_download(*a, **kw):
        raise AssertionError("chromadb's download was called")

    monkeypatch.setattr(ONNXMiniLM_L6_V2, "_download", no_download)
    monkeypatch.setattr(emb, "_FALLBACK_SAID", set())
    folder = onnx_export_dir(tmp_path)
    folder.parent.mkdir(parents=True)
    shutil.copytree(onnx_export_dir(cache), folder)
    if damage == "garbage model":
        (folder / "model.onnx").write_bytes(b"not an onnx model")
    else:
        (folder / "tokenizer.json").unlink()
    e = Embedder(tmp_path)
    assert len(e.embed(["adder"])[0]) == 384
    assert e.backend == "sentence-transformers"
    assert e.fallback and ("onnxruntime cannot load" in e.fallback or "lacks tokenizer.json" in e.fallback)
    with pytest.raises(EmbedderMissing):
        Embedder(tmp_path, backend="onnx").load()


def test_retriever_and_bank_look_for_the_export_in_their_cache(cache):
    from agent.rag.bank import ExampleBank
    from agent.rag.retriever import Retriever

    assert Retriever(cache_dir=cache, sources_jar=False).embedder.cache_root == cache
    assert ExampleBank(cache_dir=cache).embedder.cache_root == cache


def test_startup_bench_cli_missing_spec_is_one_line(tmp_path):
    from typer.testing import CliRunner

    from agent.cli import app

    result = CliRunner().invoke(app, ["bench", "rag-startup", "--spec", str(tmp_path / "nope.txt")])
    assert result.exit_code != 0 and "nope.txt" in result.output and "Traceback" not in result.output


def test_startup_bench_process_over_its_time_is_one_line(monkeypatch, tmp_path):
    import subprocess

    from agent.rag import startup_bench

    def slow(*a, **kw):
        raise subprocess.TimeoutExpired(a[0], kw.get("timeout"))

    monkeypatch.setattr(subprocess, "run", slow)
    with pytest.raises(RuntimeError, match="took more than 5 s"):
        startup_bench._run_one(tmp_path / "spec.txt", "onnx", 5.0)


@HEAVY
def test_a_fallback_embedder_makes_the_missing_export_then_a_fresh_one_uses_it(tmp_path, monkeypatch):
    """The lazy path (Retriever.build after it embedded notes): torch is loaded, so the export is made."""
    pytest.importorskip("onnx")
    monkeypatch.setattr(emb, "_FALLBACK_SAID", set())
    first = Embedder(tmp_path)
    first.load()
    assert first.backend == "sentence-transformers" and first.export_if_missing() is None
    assert (onnx_export_dir(tmp_path) / "export.json").exists()
    again = Embedder(tmp_path)
    again.load()
    assert again.backend == "onnx" and again.fallback is None
