"""agent.rag: notes, generated API notes, hybrid retrieval quality, rebuild-on-change, budget, CLI."""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from agent.rag.lexical import LexicalScorer
from agent.rag.notes import NoteDoc, NoteError, load_notes, parse_note
from agent.rag.scaladoc import generate_notes

REPO = Path(__file__).resolve().parents[1]
QUERIES = REPO / "tests" / "data" / "rag_queries.yaml"
VERIFIER_CATEGORIES = [
    "missing_import", "not_found", "type_mismatch", "syntax", "no_top_module", "name_mismatch",
    "no_default_constructor", "elaboration", "not_fully_initialized", "uninferred_width", "comb_cycle",
    "firtool", "sim_mismatch", "timeout",
]


def _real_sources_jar() -> Path | None:
    """The chisel7 sources jar fetched by `agent setup` (or by hand into /tmp/src7), if any."""
    name = "chisel_2.13-7.14.0-sources.jar"
    for base in (os.environ.get("CHISEL_AGENT_CACHE"), str(Path.home() / ".cache" / "chisel-agent")):
        if base and (p := Path(base) / "toolchains" / "chisel7" / "sources" / name).is_file():
            return p
    p = Path("/tmp/src7") / name
    return p if p.is_file() else None


REAL_JAR = _real_sources_jar()


def _note(id_: str, body: str, keys: str = "[]", kind: str = "api", extra: str = "") -> str:
    return f"---\nid: {id_}\ntitle: {id_} title\nkind: {kind}\nkeys: {keys}\n{extra}---\n{body}\n"


# ---------------------------------------------------------------- hand-written notes (no model)


def test_shipped_notes_cover_the_required_topics_and_every_error_category():
    notes = load_notes(REPO / "rag_docs")
    assert len(notes) >= 40
    ids = {n.id for n in notes}
    for required in ("cat", "fill-reverse", "bit-slicing", "mux", "muxlookup", "mux1h", "enum-switch",
                     "chiselenum", "popcount", "log2", "priority", "onehot", "valid-decoupled", "queue",
                     "counter", "shiftregister", "registers", "vec", "bundle-io", "rawmodule-clock",
                     "async-reset", "sint-arithmetic", "bitpat", "migration-api", "migration-emit"):
        assert required in ids, required
    covered = {n.category for n in notes if n.kind == "error"}
    assert set(VERIFIER_CATEGORIES) <= covered, set(VERIFIER_CATEGORIES) - covered
    for n in notes:
        assert n.keys, f"{n.source} has no keys"
        assert n.text.startswith(f"## {n.title}")


def test_api_notes_state_their_import():
    for n in load_notes(REPO / "rag_docs"):
        if n.kind == "api":
            assert "import chisel3" in n.text, f"{n.source} does not say which import it needs"


@pytest.mark.parametrize("text, problem", [
    ("no front matter\n", "missing YAML front matter"),
    ("---\nid: x\ntitle: t\nkind: api\nkeys: []\n", "not closed"),
    ("---\ntitle: t\nkind: api\n---\nbody\n", "lacks 'id'"),
    ("---\nid: x\ntitle: t\nkind: recipe\n---\nbody\n", "kind must be one of"),
    ("---\nid: x\ntitle: t\nkind: api\nkeys: Cat\n---\nbody\n", "keys must be a list"),
    ("---\nid: x\ntitle: t\nkind: api\n---\n\n", "no body"),
])
def test_malformed_notes_are_rejected_with_the_file_name(text, problem):
    with pytest.raises(NoteError, match=problem) as e:
        parse_note(text, "rag_docs/bad.md")
    assert "rag_docs/bad.md" in str(e.value)


def test_duplicate_ids_are_an_error(tmp_path):
    (tmp_path / "a.md").write_text(_note("same", "one"))
    (tmp_path / "b.md").write_text(_note("same", "two"))
    with pytest.raises(NoteError, match="duplicate note id"):
        load_notes(tmp_path)


# ---------------------------------------------------------------- generated notes


SYNTHETIC_SCALA = '''package chisel3.util

import chisel3._

/** Doubles things. See [[chisel3.util.Cat Cat]] for joining.
  *
  * @example {{{
  * val y = Twice(x)
  * }}}
  */
object Twice extends TwiceIntf {
  protected def _applyImpl(x: UInt): UInt = Cat(x, x)
  private def secret(x: Int): Int = x
}

private[chisel3] trait TwiceIntf { self: Twice.type =>

  /** Returns x concatenated with itself. */
  def apply(x: UInt): UInt = macro SourceInfoTransform.xArg

  /** @group SourceInfoTransformMacro */
  def do_apply(x: UInt)(implicit sourceInfo: SourceInfo): UInt = _applyImpl(x)

  def apply(x: UInt,
            times: Int = 2): UInt = macro SourceInfoTransform.xArg
}

private[util] object Hidden { def apply(): Int = 1 }
'''


def test_generated_notes_merge_object_and_intf_and_drop_private_members(tmp_path):
    jar = tmp_path / "fake-sources.jar"
    with zipfile.ZipFile(jar, "w") as z:
        z.writestr("chisel3/util/Twice.scala", SYNTHETIC_SCALA)
        z.writestr("chisel3/util/experimental/Deep.scala", "package chisel3.util.experimental\nobject Deep\n")
        z.writestr("chisel3/Other.scala", "package chisel3\nobject Other { def apply(): Int = 1 }\n")
    notes = {n.id: n for n in generate_notes(jar, "7.14.0")}
    assert set(notes) == {"gen:Twice"}  # private object, subpackages and core files are not util API
    text = notes["gen:Twice"].text
    assert "def apply(x: UInt): UInt  -- Returns x concatenated with itself." in text
    assert "def apply(x: UInt, times: Int = 2): UInt" in text  # multi-line signature joined, macro tail cut
    assert "do_apply" not in text and "secret" not in text and "_applyImpl" not in text
    assert "Doubles things. See Cat for joining." in text
    assert "val y = Twice(x)" in text and "Chisel 7.14.0" in text
    assert notes["gen:Twice"].keys == ["Twice"]
    assert notes["gen:Twice"].source == "generated:Twice.scala"


@pytest.mark.skipif(REAL_JAR is None, reason="Chisel 7.14.0 sources jar not fetched (agent setup)")
def test_generated_notes_match_the_real_chisel7_api():
    notes = {n.id: n for n in generate_notes(REAL_JAR, "7.14.0")}
    assert len(notes) > 40
    cat = notes["gen:Cat"]
    assert "def apply[T <: Bits](a: T, r: T*): UInt" in cat.text
    assert "Cat.scala" in cat.source and "CatIntf.scala" in cat.source  # object and its Intf trait merged
    # Chisel 6/7 MuxLookup is curried: the note must say so, not the Chisel 3 three-argument form
    assert "def apply[T <: Data](key: UInt, default: T)(mapping: Seq[(UInt, T)]): T" in notes["gen:MuxLookup"].text
    assert "def apply(cond: Bool, n: Int): (UInt, Bool)" in notes["gen:Counter"].text
    assert all("do_apply" not in n.text for n in notes.values())


def test_missing_sources_jar_is_skipped_with_a_logged_warning(tmp_path, caplog):
    from agent.rag.retriever import Retriever

    notes_dir = tmp_path / "notes"
    notes_dir.mkdir()
    (notes_dir / "a.md").write_text(_note("a", "alpha"))
    r = Retriever(cache_dir=tmp_path / "cache", notes_dir=notes_dir, sources_jar=tmp_path / "absent.jar")
    with caplog.at_level(logging.WARNING, logger="agent.rag"):
        docs = r.documents()
    assert [d.id for d in docs] == ["a"]
    assert any("sources jar not found" in rec.message for rec in caplog.records)


def test_unknown_profile_is_a_clear_error(tmp_path):
    from agent.rag.retriever import Retriever

    with pytest.raises(ValueError, match="unknown profile 'chisel9'"):
        Retriever("chisel9", cache_dir=tmp_path)


# ---------------------------------------------------------------- scoring, dedup, budget (no model)


def test_unresolved_util_name_means_missing_import_and_other_names_not_found():
    notes = load_notes(REPO / "rag_docs")
    lex = LexicalScorer(notes, VERIFIER_CATEGORIES)
    ev = lex.evidence("fix it", None, "Foo.scala:3:9: not found: value Cat")
    assert ev.unresolved == {"Cat"} and "missing_import" in ev.categories
    ev = lex.evidence("fix it", None, "Foo.scala:3:9: not found: value dataReg")
    assert "not_found" in ev.categories and "missing_import" not in ev.categories
    ev = lex.evidence("fix it", None, "class java.lang.Enum is not a value")
    assert ev.unresolved == {"Enum"}
    by_id = {n.id: n for n in notes}
    ev = lex.evidence("fix it", None, "not found: value Cat")
    assert lex.score(by_id["cat"], ev) > lex.score(by_id["fill-reverse"], ev) + 1.0


def _scored(*items):
    return [(s, NoteDoc(id=i, title=i, kind="api", keys=[], text=t, source="x")) for i, s, t in items]


def test_fit_keeps_one_note_per_id_and_respects_k(tmp_path):
    from agent.rag.retriever import Retriever

    r = Retriever(cache_dir=tmp_path, sources_jar=False, token_budget=1000)
    out = r._fit(_scored(("a", 3.0, "x" * 100), ("a", 2.5, "y" * 100), ("b", 2.0, "z" * 100), ("c", 1.0, "w")), k=2)
    assert [n.id for n in out] == ["a", "b"]
    assert out[0].text == "x" * 100  # the best-scored copy wins


def test_fit_respects_the_token_budget(tmp_path):
    from agent.rag.retriever import Retriever

    r = Retriever(cache_dir=tmp_path, sources_jar=False, token_budget=300)  # 1200 characters
    lines = "\n".join(f"line {i} " + "x" * 40 for i in range(60))  # ~2900 characters
    out = r._fit(_scored(("big", 3.0, lines), ("small", 2.0, "s" * 100)), k=4)
    assert [n.id for n in out] == ["big"]  # the top note is cut to fit; nothing else fits after it
    assert len(out[0].text) <= 1200 and out[0].text.endswith("[...]")
    out = r._fit(_scored(("a", 3.0, "a" * 700), ("b", 2.0, "b" * 700), ("c", 1.0, "c" * 300)), k=4)
    assert sum(len(n.text) for n in out) <= 1200
    assert [n.id for n in out][:1] == ["a"]


def test_importing_agent_rag_loads_neither_torch_nor_chromadb():
    code = ("import sys, agent.rag; from agent.rag import Retriever, format_hits_for_trace, Note; "
            "assert 'torch' not in sys.modules, 'torch'; assert 'chromadb' not in sys.modules, 'chromadb'; "
            "assert 'sentence_transformers' not in sys.modules")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


# ---------------------------------------------------------------- real index (loads the model once)


@pytest.fixture(scope="module")
def rag_env(tmp_path_factory):
    """A built index of the shipped notes in a private cache (CHISEL_AGENT_CACHE), shared by the tests below."""
    from agent.rag.retriever import Retriever

    cache = tmp_path_factory.mktemp("rag-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CHISEL_AGENT_CACHE", str(cache))
        mp.setenv("HF_HUB_OFFLINE", "1")
        r = Retriever()  # default profile; its sources jar is absent in this fresh cache
        stats = r.build()
        yield r, stats, cache


def test_build_indexes_the_hand_written_notes(rag_env):
    r, stats, cache = rag_env
    assert stats.notes >= 40 and stats.generated == 0 and not stats.reused
    assert stats.embedded == stats.notes
    assert any("sources jar not found" in w for w in stats.warnings)
    assert (cache / "rag").is_dir()


def test_labelled_queries_find_the_expected_note_in_the_top_3(rag_env):
    from agent.rag.bench import load_queries

    r, _, _ = rag_env
    queries = load_queries(QUERIES)
    assert len(queries) >= 30
    failures = []
    for q in queries:
        if not q["expect"]:
            continue  # a negative: test_labelled_negatives_retrieve_nothing_they_reject
        got = [n.id for n in r.retrieve(q["query"], code=q.get("code"), diagnostics=q.get("diagnostics"), k=3)]
        if not any(e in got for e in q["expect"]):
            failures.append(f"{q['query'][:60]!r} diag={str(q.get('diagnostics'))[:50]!r}: want {q['expect']} got {got}")
    for f in failures:
        print("MISS", f)
    assert len(failures) <= 0.1 * len(queries), "\n".join(failures)


def test_labelled_negatives_retrieve_nothing_they_reject(rag_env):
    """Issue 22: a word under a negation ("no clock-dependent state") or a spec that says it has no
    state must not bring the FSM/register notes or switch/Enum hints; with the old word matching
    (read_spec=False) most of these specs did."""
    from agent.fixers import import_hints
    from agent.rag.bench import label_scores, load_queries
    from agent.rag.retriever import Retriever

    r, _, cache = rag_env
    queries = [q for q in load_queries(QUERIES) if q["reject"] or q["reject_hints"]]
    assert len(queries) >= 15
    old = Retriever(cache_dir=cache, sources_jar=False, embedder=r.embedder, read_spec=False)

    def scores(retriever, read_spec):
        got = [[n.id for n in retriever.retrieve(q["query"], k=4)] for q in queries]
        hints = [[n for n, _ in import_hints(q["query"], read_spec=read_spec)] for q in queries]
        return label_scores(queries, got, hints)

    now = scores(r, True)
    assert now["negatives_clean"] == 1.0, now["violations"]
    before = scores(old, False)
    assert before["negatives_clean"] < 0.5  # the set does test something


def test_readme_adder_gets_no_fsm_note_and_no_switch_hint(rag_env):
    from agent.fixers import import_hints

    r, _, _ = rag_env
    spec = (REPO / "examples" / "adder8.txt").read_text()
    ids = [n.id for n in r.retrieve(spec, k=4)]
    assert not {"fsm", "enum-switch", "chiselenum", "registers"} & set(ids), ids
    assert not {"switch", "is", "Enum", "ChiselEnum"} & {n for n, _ in import_hints(spec)}


def test_not_found_cat_ranks_the_cat_note_and_import_guide_first(rag_env):
    r, _, _ = rag_env
    got = [n.id for n in r.retrieve("Shift register", diagnostics="X.scala:5:10: not found: value Cat", k=4)]
    assert set(got[:2]) == {"cat", "error-missing-import"}


def test_generation_retrieval_keeps_only_notes_above_the_floor_and_no_error_guides(rag_env):
    """Spec-only retrieval (generation) gets no error guide and nothing below the score floor: a plain
    pass-through or comparator spec gets no notes at all (eval_set_v2 wording), a register spec the
    registers note; with code or diagnostics (repair) the error guides come back."""
    from agent.rag.retriever import Retriever

    r, _, _ = rag_env
    passthrough = ("I need a simple pass-through circuit. It should take a 8-bit input signal and directly "
                   "forward it to the output without any modification. Name this module `PassthroughByte`.")
    comparator = ("I need a comparator module `ComparatorEq8` that checks if one 8-bit value is equal to another. "
                  "Inputs should be named `a` and `b`, and the boolean output `result` indicates whether the "
                  "comparison is true.")
    register = ("Implement a module `RegZero` containing a 8-bit register. The register should be initialized "
                "to 0 at reset and its value should be continuously output on a port named `out`.")
    assert r.retrieve(passthrough, k=3) == [] and r.retrieve(comparator, k=3) == []
    assert [n.id for n in r.retrieve(register, k=3)] == ["registers"]
    assert all(n.score >= r.min_score for n in r.retrieve("finite state machine with a counter", k=5))
    unfloored = Retriever(cache_dir=r.cache_dir, min_score=0.0, embedder=r.embedder)
    loose = unfloored.retrieve(passthrough, k=3)
    assert len(loose) == 3 and all(n.kind != "error" for n in loose)  # the floor, not k, emptied the list
    # a spec that reads like an error message still gets no error guide before there is an error
    assert all(n.kind != "error" for n in r.retrieve("not found: value Cat", k=4))
    assert any(n.kind == "error" for n in r.retrieve("x", diagnostics="X.scala:5:10: not found: value Cat", k=4))


def test_retrieve_respects_budget_and_k(rag_env):
    from agent.rag.retriever import Retriever, format_hits_for_trace

    r, _, _ = rag_env
    small = Retriever(cache_dir=r.cache_dir, token_budget=150, embedder=r.embedder)
    notes = small.retrieve("finite state machine with a counter and a FIFO", k=5)
    assert notes and sum(len(n.text) for n in notes) <= 600
    assert len(r.retrieve("finite state machine", k=2)) == 2
    assert r.retrieve("anything", k=0) == []
    trace = format_hits_for_trace(notes)
    assert trace and set(trace[0]) == {"id", "title", "score", "source"}
    assert json.dumps(trace)


def test_index_is_rebuilt_when_a_note_changes(rag_env, tmp_path):
    from agent.rag.retriever import Retriever

    r, _, _ = rag_env
    notes_dir = tmp_path / "notes"
    notes_dir.mkdir()
    (notes_dir / "a.md").write_text(_note("alpha", "Counters count clock cycles.", "[Counter]"))
    (notes_dir / "b.md").write_text(_note("beta", "Queues buffer data between producer and consumer.", "[Queue]"))
    cache = tmp_path / "cache"

    def make():
        # no score floor: this test is about which text is indexed, not about relevance
        return Retriever(cache_dir=cache, notes_dir=notes_dir, sources_jar=False, embedder=r.embedder, min_score=0.0)

    first = make().build()
    assert not first.reused and first.embedded == 2
    again = make().build()
    assert again.reused and again.collection == first.collection and again.embedded == 0

    (notes_dir / "b.md").write_text(_note("beta", "A FIFO buffers data; see also the Queue object.", "[Queue]"))
    changed = make()
    stats = changed.build()
    assert not stats.reused and stats.collection != first.collection
    assert stats.embedded == 1  # the unchanged note's vector is reused
    assert stats.dropped == [first.collection]
    assert "FIFO buffers" in changed.retrieve("FIFO buffer", k=1)[0].text


# ---------------------------------------------------------------- CLI


@pytest.fixture()
def cli(rag_env, monkeypatch):
    from typer.testing import CliRunner

    from agent.cli import app

    _, _, cache = rag_env
    monkeypatch.setenv("CHISEL_AGENT_CACHE", str(cache))
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


def test_cli_query_json_shape(cli, tmp_path):
    code = tmp_path / "Shift.scala"
    code.write_text("import chisel3._\nclass Shift extends Module { val r = RegInit(0.U(4.W)); r := Cat(r(2,0), 1.U) }\n")
    res = cli("rag", "query", "not found: value Cat", "-k", "3", "--code", str(code), "--json")
    assert res.exit_code == 0, res.output
    lines = [ln for ln in res.stdout.splitlines() if ln.strip()]
    assert len(lines) == 1
    obj = json.loads(lines[0])
    assert obj["k"] == 3 and len(obj["hits"]) == 3
    for hit in obj["hits"]:
        assert set(hit) == {"id", "title", "score", "source"}
        assert isinstance(hit["score"], float)
    assert {"cat", "error-missing-import"} <= {h["id"] for h in obj["hits"]}


def test_cli_build_json_reports_a_reused_index(cli):
    res = cli("rag", "build", "--json")
    assert res.exit_code == 0, res.output
    stats = json.loads(res.stdout.strip().splitlines()[-1])
    assert stats["reused"] is True and stats["notes"] >= 40


@pytest.mark.parametrize("args, message", [
    (("rag", "query", "   "), "query is empty"),
    (("rag", "query", "x", "--profile", "chisel9"), "unknown profile"),
    (("rag", "query", "x", "--code", "/nonexistent/Foo.scala"), "code file not found"),
    (("bench", "rag", "--queries", "/nonexistent/q.yaml"), "labelled query set not found"),
])
def test_cli_bad_input_is_one_line_error(cli, args, message):
    res = cli(*args)
    assert res.exit_code == 2
    assert message in res.output
    assert "Traceback" not in res.output


def test_text_that_looks_like_a_compiler_error_is_read_as_diagnostics():
    from agent.commands.rag_cmds import looks_like_compiler_error

    assert looks_like_compiler_error("error: type mismatch; found: UInt required: Bool")
    assert looks_like_compiler_error("[error] x.scala:5: type mismatch;\n found   : chisel3.UInt\n required: chisel3.Bool")
    assert not looks_like_compiler_error("A 4-bit counter that wraps around; reset value 0.")


def test_cli_query_given_an_error_message_finds_its_error_guide(cli):
    # As TEXT it found nothing (error guides are repair-mode only); via --diagnostics it found this note.
    res = cli("rag", "query", "error: type mismatch; found: UInt required: Bool", "--json")
    assert res.exit_code == 0, res.output
    obj = json.loads([ln for ln in res.stdout.splitlines() if ln.strip()][-1])
    assert "error-type-mismatch" in {h["id"] for h in obj["hits"]}


def test_cli_query_says_when_the_floor_left_fewer_than_k_and_shows_a_status(cli):
    res = cli("rag", "query", "A 4-bit counter that wraps around", "-k", "50")
    assert res.exit_code == 0, res.output
    assert "searching the notes" in res.output  # not a terminal: one status line instead of a spinner
    assert "scored under the floor" in res.output and "of -k 50 notes" in res.output
