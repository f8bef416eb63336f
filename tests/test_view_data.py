"""agent view without a browser: what the JSON holds, what the server refuses to serve (traversal,
symlinks out, writes), live reading beside a writer, the bundle's files, and the command's errors."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from agent.eval.compare import compare_runs
from agent.eval.report import load_run
from agent.view import data
from agent.view.bundle import BundleError, check_out, file_key, write_bundle
from agent.view.server import BackgroundServer
from tests.view_runs import COMMITTED, HOSTILE, HOSTILE_CODE, append_record, hostile_run, record, write_run

GRID = COMMITTED / "eval_v2_grid_1p5b"


def _ref(path: Path) -> data.RunRef:
    return data.RunSet([path]).runs()[0]


def test_committed_grid_problem_has_four_chains_with_code_and_diagnostics():
    ref = _ref(GRID)
    p = data.problem_detail(ref, "L3-Sequential_030")
    assert p is not None and p["status"] == "done" and "ShiftReg4stage" in p["spec"]
    assert [c["index"] for c in p["chains"]] == [0, 1, 2, 3]
    assert [len(c["rounds"]) for c in p["chains"]] == [1, 3, 1, 3]
    assert all(r["code"] for c in p["chains"] for r in c["rounds"])
    assert all("class ShiftReg4stage" in c["rounds"][0]["code"] for c in p["chains"])
    assert p["chains"][3]["rounds"][1]["extraction"]["category"] == "truncated"
    r0 = p["chains"][1]["rounds"][0]
    assert r0["prompt"]["template"] == "generate" and r0["prompt"]["shared"] is True  # one request drew all 4
    assert r0["verification"]["category"] == "not_found"
    assert r0["verification"]["diagnostics"][0]["line"] == 14
    r1 = p["chains"][1]["rounds"][1]
    assert r1["prompt"]["template"] == "repair" and r1["diff"]  # the repair changed the code
    assert p["chains"][1]["rounds"][2]["escape"]["reason"].startswith("no progress")
    assert p["vote"]["chosen_chain"] == 0 and p["vote"]["groups"] == [[0, 1], [2], [3]]
    assert p["chains"][0]["functional_ok"] is True and p["chains"][2]["functional_ok"] is False
    assert p["next"] == "L3-Sequential_031" and p["prev"] == "L3-Sequential_029"


def test_run_detail_matches_the_report():
    ref = _ref(GRID)
    d = data.run_detail(ref)
    stats = json.loads((GRID / "results.json").read_text())["statistics"]
    assert d["headline"]["functional"]["passed"] == stats["functional_pass"]["passed"] == 25
    assert d["headline"]["compile"]["passed"] == stats["compile_pass"]["passed"] == 32
    assert {lv["level"]: lv["functional"] for lv in d["levels"]} == {
        k: v["passed"] for k, v in stats["by_level"].items()}
    assert len(d["problems"]) == 37 and d["complete"] and d["grid"] and len(d["grid"]) == 9
    assert "pass_at_k.png" in d["plots"] and d["report"].startswith("# sweep report")
    assert sum(f["count"] for f in d["failures"]) == 37 - 25


def test_comparison_is_agent_compare_plus_rows():
    a, b = COMMITTED / "ablations_1p5b" / "full", COMMITTED / "ablations_1p5b" / "no_rag"
    c = data.comparison(_ref(a), _ref(b))
    expected = compare_runs(load_run(a)[1], load_run(b)[1])
    assert c["stats"]["pass"] == expected["pass"] and c["stats"]["functional"] == expected["functional"]
    wins = sorted(r["id"] for r in c["problems"] if r["outcome"] == "win")
    losses = sorted(r["id"] for r in c["problems"] if r["outcome"] == "loss")
    assert wins == sorted(expected["fixed_by_b"]) and losses == sorted(expected["broken_by_b"])
    assert len(c["problems"]) == 37


def test_hostile_text_is_kept_verbatim_and_unknown_kinds_and_torn_lines_survive(tmp_path):
    ref = _ref(hostile_run(tmp_path / "run"))
    p = data.problem_detail(ref, "evil")
    assert HOSTILE in p["spec"]  # escaping is the page's job: the data keeps the text exactly
    rnd = p["chains"][0]["rounds"][0]
    assert rnd["reply"].startswith(HOSTILE) and rnd["code"] == HOSTILE_CODE
    assert [e["kind"] for e in p["events"]] == ["future_kind"] and p["events"][0]["payload"]["note"] == HOSTILE
    assert p["trace_notes"] == ["the last line of the trace is incomplete (being written)"]
    assert data.problem_detail(ref, "nope") is None


def test_read_events_skips_bad_middle_lines_and_non_objects(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text('{"kind": "start"}\nnot json\n[1, 2]\n{"kind": "finish"}\n')
    events, notes = data.read_events(path)
    assert [e["kind"] for e in events] == ["start", "finish"]
    assert notes == ["trace line 2 is not JSON; skipped", "trace line 3 is not an event object; skipped"]


def test_live_run_shows_new_records_running_problems_and_a_torn_results_line(tmp_path):
    run_dir = write_run(tmp_path / "live", [record("p1", ok=True)], expected=["p1", "p2", "p3"])
    runs = data.RunSet([tmp_path], rescan_s=0)
    ref = runs.get("live")
    first = data.run_detail(ref)
    assert first["recorded"] == 1 and not first["complete"] and first["active"]
    (run_dir / "traces" / "p2.jsonl").write_text('{"seq": 1, "kind": "start", "spec": "second"}\n')
    with open(run_dir / "results.jsonl", "a") as f:
        f.write('{"id": "p2", "level": "L1')  # the writer is mid-line
    second = data.run_detail(ref)
    assert second["version"] != first["version"]
    assert [(p["id"], p["status"]) for p in second["problems"]] == [("p1", "done"), ("p2", "running")]
    assert second["warnings"] and "incomplete" in second["warnings"][0] and second["error"] is None
    assert data.problem_detail(ref, "p2")["status"] == "running"
    with open(run_dir / "results.jsonl", "w") as f:  # the writer finished the line
        f.write(record("p1", ok=True).model_dump_json() + "\n")
    append_record(run_dir, record("p2", ok=False))
    third = data.run_detail(ref)
    assert third["recorded"] == 2 and not third["warnings"]
    assert [p["status"] for p in third["problems"]] == ["done", "done"]
    write_run(tmp_path / "later", [record("q", ok=True)])  # a run started after the viewer appears
    assert runs.get("later") is not None
    for path in (run_dir / "results.jsonl", run_dir / "traces", run_dir / "run.json"):
        os.utime(path, (1e9, 1e9))  # a run that stopped long ago is incomplete, not in progress
    assert not data.run_summary(ref)["active"]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    base = tmp_path_factory.mktemp("served")
    run_dir = hostile_run(base / "runs" / "evilrun")
    secret = base / "secret.png"
    secret.write_bytes(b"\x89PNG secret")
    (run_dir / "plot.png").write_bytes(b"\x89PNG plot")
    os.symlink(secret, run_dir / "leak.png")  # a link out of the run directory
    os.symlink(base / "secret_trace.jsonl", run_dir / "traces" / "outside.jsonl")
    (base / "secret_trace.jsonl").write_text('{"kind": "start", "spec": "SECRET"}\n')
    with BackgroundServer(data.RunSet([base / "runs"])) as url:
        yield url


@pytest.mark.parametrize("path", [
    "api/runs/evilrun/files/..%2F..%2Fsecret.png", "api/runs/evilrun/files/..%2Frun.json",
    "api/runs/evilrun/files/leak.png", "api/runs/evilrun/files/run.json", "api/runs/evilrun/files/results.jsonl",
    "api/runs/evilrun/problems/..%2F..%2Fsecret_trace", "api/runs/evilrun/problems/outside",
    "api/runs/..%2F..%2Fetc/problems/passwd", "api/runs/%2Fetc/files/passwd", "static/..%2Fdata.py",
    "static/%2E%2E%2F%2E%2E%2Fcli.py", "api/runs/nope", "api/compare/evilrun/nope",
])
def test_nothing_outside_the_run_directories_is_served(served, path):
    status, body = _get(served + path)
    assert status == 404, (path, body[:200])
    assert b"secret" not in body.lower() and b"SECRET" not in body


def test_served_pages_and_headers(served):
    status, body = _get(served + "api/runs/evilrun/files/plot.png")
    assert status == 200 and body == b"\x89PNG plot"
    with urllib.request.urlopen(served) as r:
        csp = r.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert b'data-mode="server"' in r.read()
    status, body = _get(served + "api/runs/evilrun/problems/evil")
    assert status == 200 and json.loads(body)["id"] == "evil"
    runs = json.loads(_get(served + "api/runs")[1])
    assert [r["id"] for r in runs["runs"]] == ["evilrun"]
    req = urllib.request.Request(served + "api/runs", method="POST", data=b"{}")
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req)
    assert e.value.code == 405


def test_bundle_writes_every_page_as_a_script(tmp_path):
    hostile_run(tmp_path / "runs" / "a")
    write_run(tmp_path / "runs" / "b", [record("evil", ok=True), record("good", ok=False)])
    out = tmp_path / "site"
    written = write_bundle(data.RunSet([tmp_path / "runs"]), out)
    assert written["runs"] == 2 and written["problems"] == 4 and written["comparisons"] == 2
    assert (out / "index.html").read_text().count('data-mode="bundle"') == 1
    js = (out / "data" / "problem" / "a" / "evil.js").read_text()
    prefix = 'window.__viewData("problem/a/evil", '
    assert js.startswith(prefix) and js.rstrip().endswith(");")
    assert json.loads(js.strip()[len(prefix):-2])["chains"][0]["rounds"][0]["code"] == HOSTILE_CODE
    assert (out / "data" / "compare" / "a" / "b.js").exists() and (out / "data" / "compare" / "b" / "a.js").exists()
    write_bundle(data.RunSet([tmp_path / "runs"]), out)  # an earlier bundle may be rewritten


def test_bundle_file_names_escape_everything_but_safe_characters():
    assert file_key("problem/run.1/L3-Seq_030") == "problem/run~2E1/L3-Seq_030"
    assert file_key("problem/r/../x") == "problem/r/~2E~2E/x"
    assert file_key("run/é") == "run/~C3~A9"


def test_bundle_refuses_run_dirs_and_foreign_directories(tmp_path):
    run_dir = write_run(tmp_path / "r", [record("p", ok=True)])
    refs = data.RunSet([run_dir]).runs()
    with pytest.raises(BundleError, match="overlaps run directory"):
        check_out(run_dir / "site", refs)
    with pytest.raises(BundleError, match="overlaps run directory"):
        check_out(tmp_path, refs)
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    with pytest.raises(BundleError, match="not an earlier bundle"):
        check_out(other, refs)


def _agent(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "agent", "view", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})


def test_view_command_errors_are_one_line(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from agent.cli import app

    cases = [
        ([str(tmp_path / "missing")], "run directory not found"),
        ([str(tmp_path)], "holds no run directory"),
        ([str(GRID / "run.json")], "is a file, not a run directory"),
        (["--bundle", str(GRID / "site"), str(GRID)], "overlaps run directory"),
    ]
    for args, message in cases:
        r = CliRunner().invoke(app, ["view", *args], env={"COLUMNS": "400"})
        assert r.exit_code == 2 and message in r.output and len(r.output.strip().splitlines()) == 1, (args, r.output)
    assert not (GRID / "site").exists()
    monkeypatch.chdir(tmp_path)  # no argument, and no runs/ or experiments/results/ here
    r = CliRunner().invoke(app, ["view"], env={"COLUMNS": "400"})
    assert r.exit_code == 2 and "no runs found" in r.output


def test_view_refuses_a_busy_port_in_one_line():
    from typer.testing import CliRunner

    from agent.cli import app
    from agent.view.server import bind

    sock = bind("127.0.0.1", 0)
    try:
        r = CliRunner().invoke(app, ["view", "--port", str(sock.getsockname()[1]), str(GRID)], env={"COLUMNS": "400"})
    finally:
        sock.close()
    assert r.exit_code == 2 and "cannot listen on 127.0.0.1" in r.output and len(r.output.strip().splitlines()) == 1


def test_view_bundle_command_json(tmp_path):
    run_dir = write_run(tmp_path / "r", [record("p", ok=True)])
    p = _agent("--bundle", str(tmp_path / "site"), str(run_dir), "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["runs"] == 1 and out["problems"] == 1 and Path(out["index"]).is_file()


def test_bench_synthesises_a_run_agent_report_can_read(tmp_path):
    from agent.view.bench import synthesize

    ids = synthesize(tmp_path / "r", 40)
    meta, records = load_run(tmp_path / "r")  # the eval loader accepts it: the same format as a real run
    assert [r.id for r in records] == ids == meta["task_ids"]
    d = data.run_detail(_ref(tmp_path / "r"))
    assert len(d["problems"]) == 40 and d["complete"]
    assert all(p["status"] == "done" and p["chains"] == 4 for p in d["problems"])
