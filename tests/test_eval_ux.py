"""What `agent eval` / `sweep` / `report` tell a user when things go wrong: a grid without `bench:`, a
run where nothing was recorded, a replay that does not fit the benchmark, Ctrl-C, notes after the
checks, a refused resume naming what changed, --api-key, and run.json's config_file."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from agent.eval.records import AttemptRecord, ChainRecord, ProblemRecord
from tests.helpers import REPO, agent_cmd, json_out, require_verifier, run_agent, seed_eval_set
from tests.helpers import GOOD

SECRET = "sk-test-7c1d2e"


def _top_of(request: dict, tops) -> str:
    prompt = "\n".join(m["content"] for m in request["messages"])
    return next(t for t in tops if t in prompt)


# -- 1. a sweep grid without `bench:` ------------------------------------------------------------------

def test_a_sweep_grid_may_leave_the_benchmark_to_the_command_line(tmp_path):
    from agent.eval.sweep import load_sweep_config
    from agent.llm.stub_server import refused_url

    grid = tmp_path / "g.yaml"
    grid.write_text("k: [1, 2]\ndepth: [0]\n")
    cfg = load_sweep_config(grid)
    assert cfg.bench is None and cfg.k == [1, 2]

    bench = seed_eval_set(tmp_path / "set.jsonl", [("g1", "L1", "GridTop")])
    # The grid is accepted: the run gets as far as asking the (absent) server, and runs nothing.
    proc = run_agent("sweep", bench, "--grid", grid, "--base-url", refused_url(), "--no-rag", "--out", tmp_path / "sw")
    assert proc.returncode == 2 and "nothing was run" in proc.stderr, proc.stderr
    assert "Field required" not in proc.stderr and not (tmp_path / "sw").exists()

    proc = run_agent("sweep", "--grid", grid)  # neither names one
    assert proc.returncode == 2 and "name a benchmark" in proc.stderr and "Traceback" not in proc.stderr


def test_a_sweep_grid_given_as_config_points_at_grid(tmp_path):
    grid = tmp_path / "own_functional.yaml"
    grid.write_text("bench: own\nk: [1, 2]\n")
    for args in (("sweep", "--config", grid), ("sweep", "own", "--config", grid)):
        proc = run_agent(*args)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr
        assert "--grid" in proc.stderr and "TOML settings" in proc.stderr, proc.stderr
        assert len(proc.stderr.strip().splitlines()) <= 3  # one line (rich wraps it at 80 columns)


# -- 3. a replay that does not fit the benchmark --------------------------------------------------------

def _run_dir_with(path: Path, ids: list[str]) -> Path:
    path.mkdir()
    rows = [ProblemRecord(id=i, chains=[ChainRecord(sample_index=0, attempts=[AttemptRecord(round=0, code="class X")])])
            for i in ids]
    (path / "results.jsonl").write_text("".join(r.model_dump_json() + "\n" for r in rows))
    return path


def test_a_replay_that_is_no_results_of_this_benchmark_is_refused_before_verifying(tmp_path):
    bench = seed_eval_set(tmp_path / "set.jsonl", [("r1", "L1", "ReTop"), ("r2", "L1", "ReTop2")])
    # The eval set itself read as results: its lines have ids, but no model output.
    proc = run_agent("eval", bench, "--replay", bench, "-k", "1", "--workers", "1", "--out", tmp_path / "a")
    assert proc.returncode == 2 and "not a results file" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "a").exists()
    # Another benchmark's run: no id in common.
    other = _run_dir_with(tmp_path / "other", ["x1", "x2", "x3"])
    proc = run_agent("eval", bench, "--replay", other, "-k", "1", "--workers", "1", "--out", tmp_path / "b")
    assert proc.returncode == 2 and "none of its 3 record id(s)" in proc.stderr and not (tmp_path / "b").exists()


def test_a_replay_missing_some_ids_warns_once_with_the_count(tmp_path):
    from agent.eval.runner import RunOptions, check_replay

    recorded = _run_dir_with(tmp_path / "rec", ["p1", "p2"])
    opts = RunOptions(out=tmp_path / "run", replay=recorded)
    warning = check_replay(opts, ["p1", "p2", "p3", "p4"])
    assert warning is not None and "no record for 2 of 4 problem(s)" in warning and "missing_output" in warning
    assert opts.recorded is not None and set(opts.recorded) == {"p1", "p2"}  # loaded once, for the run
    assert check_replay(RunOptions(out=tmp_path / "run", replay=recorded), ["p1", "p2"]) is None


# -- 5. notes after the checks ---------------------------------------------------------------------------

def test_the_pass_at_k_note_waits_for_the_checks(tmp_path):
    bench = seed_eval_set(tmp_path / "set.jsonl", [("n1", "L1", "NoteTop")])
    afile = tmp_path / "afile"
    afile.write_text("x")
    proc = run_agent("eval", bench, "-n", "1", "--base-url", "http://127.0.0.1:9/v1", "--out", afile / "run")
    assert proc.returncode == 2 and "is a file" in proc.stderr
    assert "note:" not in proc.stderr, "the note of a run that does not start"


# -- 7. `agent report FILE` ------------------------------------------------------------------------------

def test_report_on_a_file_says_it_is_a_file(tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("x")
    proc = run_agent("report", afile)
    assert proc.returncode == 2 and "is a file, not a run directory" in proc.stderr
    assert "not found" not in proc.stderr


# -- 6, 8, 9: run.json, resume, the API key (in-process, no verifier) -----------------------------------

def _opts(out: Path, **kw):
    from agent.eval.runner import RunOptions

    return RunOptions(out=out, ks=[1, 5, 10], rag=False, base_url="http://127.0.0.1:9/v1", **kw)


def test_resume_names_only_what_changed_with_both_values(tmp_path, monkeypatch):
    from agent.eval.benchmarks import load_benchmark
    from agent.eval.runner import RunError, prepare_run_dir

    monkeypatch.chdir(tmp_path)  # no chisel-agent.toml of the checkout's
    bench = load_benchmark(str(seed_eval_set(tmp_path / "set.jsonl", [("s1", "L1", "ResTop")])))
    prepare_run_dir(bench, _opts(tmp_path / "run", samples=2))  # select chosen: all (pass@1 of 2)
    with pytest.raises(RunError) as info:  # -n 1 alone: select would follow it to first
        prepare_run_dir(bench, _opts(tmp_path / "run", samples=1, resume=True))
    assert str(info.value).endswith("settings differ from the original run: samples was 2, now 1")
    with pytest.raises(RunError, match=r"select was all, now first$"):  # asked for explicitly: named
        prepare_run_dir(bench, _opts(tmp_path / "run", samples=2, select="first", resume=True))


def test_run_json_holds_the_config_file_resolved_and_never_the_api_key(tmp_path, monkeypatch):
    from agent.eval.benchmarks import load_benchmark
    from agent.eval.runner import prepare_run_dir

    monkeypatch.chdir(tmp_path)
    (tmp_path / "my.toml").write_text("depth = 0\n")
    bench = load_benchmark(str(seed_eval_set(tmp_path / "set.jsonl", [("s1", "L1", "KeyTop")])))
    opts = _opts(tmp_path / "run", samples=1, config_file=Path("my.toml"), api_key=SECRET)
    meta, _ = prepare_run_dir(bench, opts)
    assert opts.settings is not None and opts.settings.llm.api_key == SECRET  # it reaches the client
    assert SECRET not in (tmp_path / "run" / "run.json").read_text() and SECRET not in repr(opts)
    assert meta["config_file"] == str((tmp_path / "my.toml").resolve())

    # A run directory written before (config_file as given, relative) still resumes.
    old = json.loads((tmp_path / "run" / "run.json").read_text())
    (tmp_path / "run" / "run.json").write_text(json.dumps({**old, "config_file": "my.toml"}))
    meta, _ = prepare_run_dir(bench, _opts(tmp_path / "run", samples=1, config_file=Path("my.toml"), resume=True))
    assert meta["config_file"] == str((tmp_path / "my.toml").resolve())


# -- 2, 5, 6, 8 through the CLI and the verifier ---------------------------------------------------------

def test_a_run_where_every_request_fails_says_so(tmp_path):
    from agent.llm.stub_server import Reply, StubServer, http_error

    require_verifier()
    tops = ("FailA", "FailB")
    bench = seed_eval_set(tmp_path / "set.jsonl", [("f1", "L1", tops[0]), ("f2", "L1", tops[1])])
    toml = tmp_path / "k3.toml"
    toml.write_text("k = 3\ndepth = 0\n")
    out = tmp_path / "run"
    args = ["eval", bench, "--config", toml, "--no-rag", "--no-cache", "--workers", "1", "--out", out,
            "--api-key", SECRET]
    with StubServer(default=http_error(500)) as stub:
        proc = run_agent(*args, "--base-url", stub.base_url)
        headers = list(stub.headers)
    assert proc.returncode == 1, proc.stderr[-3000:]
    err = " ".join(proc.stderr.split())  # rich wraps at 80 columns
    # the sample count came from the config file: the dropped pass@k values are still noted
    assert "note: pass@k needs k <= samples (n = 3); not reporting k = [5, 10]" in err
    assert "no problem recorded: 2 problem(s) failed to run (first: f" in err and "HTTP 500" in err
    assert f"rerun with --resume --out {out}" in err
    assert "LLM calls 0" not in err and "0/0" not in err and "pass@k {}" not in err
    report = (out / "report.md").read_text()
    assert "no problem has a reference" not in report and "nothing scored yet" in report
    assert "0.0%" not in report and "| compile (compiles, elaborates, emits; strict name) — headline | 0/0 | n/a |" in report
    assert headers and all(h.get("authorization") == f"Bearer {SECRET}" for h in headers)
    assert not any(SECRET in p.read_text(errors="replace") for p in out.rglob("*") if p.is_file())

    # The server answers f1 now: a resumed run records it; f2's calls are nowhere to count.
    def half(request):
        return Reply(GOOD.format(top=tops[0])) if _top_of(request, tops) == tops[0] else http_error(500)

    with StubServer(half) as stub:
        proc = run_agent(*args, "--base-url", stub.base_url, "--resume")
    assert proc.returncode == 1, proc.stderr[-3000:]
    err = " ".join(proc.stderr.split())
    assert "compile 1/1 (100.0%, strict)" in err and "LLM calls 1 (recorded problems only)" in err
    assert "1 problem(s) failed to run" in err
    assert "LLM calls (recorded problems only): 1," in (out / "report.md").read_text()

    proc = run_agent(*args, "-n", "2", "--base-url", "http://127.0.0.1:9/v1", "--resume")
    assert proc.returncode == 2 and "samples was 3, now 2" in proc.stderr and "select" not in proc.stderr


# -- 4. Ctrl-C ----------------------------------------------------------------------------------------------

def _interrupt_after(args, ready, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `agent ARGS`, send SIGINT to its process group (as a terminal's Ctrl-C does, the verifier's
    JVMs included) once ready() holds, and return what it printed."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    # A test runner started in the background of a script (`cmd &`) ignores SIGINT, its children
    # inherit that, and Python then installs no KeyboardInterrupt handler: the SIGINT below would do
    # nothing and the test would time out (it did, session 9). A terminal's child has the default.
    proc = subprocess.Popen(agent_cmd(*args), cwd=REPO, env=env, start_new_session=True, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + timeout
        while not ready():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "never got ready"
            time.sleep(0.1)
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def test_ctrl_c_says_what_was_kept_and_a_resumed_run_finishes(tmp_path):
    from agent.llm.stub_server import Reply, StubServer

    require_verifier()
    tops = ("IntA", "IntB", "IntC")
    bench = seed_eval_set(tmp_path / "set.jsonl", [(f"i{n}", "L1", t) for n, t in enumerate(tops)])
    out = tmp_path / "run"
    args = ["eval", bench, "-n", "1", "--depth", "0", "-k", "1", "--no-rag", "--no-cache", "--workers", "1",
            "--concurrency", "1", "--out", out]

    def first_only(request):  # i0 is answered; the others wait (the user gives up and presses Ctrl-C)
        return Reply(GOOD.format(top=tops[0])) if _top_of(request, tops) == tops[0] else Reply("late", delay_s=120)

    log = out / "results.jsonl"
    with StubServer(first_only) as stub:
        proc = _interrupt_after([*args, "--base-url", stub.base_url],
                                lambda: log.exists() and log.read_text().count("\n") == 1 and len(stub.requests) == 2)
    err = " ".join(proc.stderr.split())
    assert proc.returncode == 130, proc.stderr[-3000:]
    assert f"interrupted: 1 of 3 problems recorded in {out}; rerun with --resume --out {out} to finish" in err
    assert "Traceback" not in proc.stderr and [json.loads(x)["id"] for x in log.read_text().splitlines()] == ["i0"]

    with StubServer(lambda request: Reply(GOOD.format(top=_top_of(request, tops)))) as stub:
        again = run_agent(*args, "--base-url", stub.base_url, "--resume", "--json")
    assert again.returncode == 0, again.stderr[-3000:]
    s = json_out(again)
    assert (s["total"], s["passed"], s["new_records"]) == (3, 3, 2)


def test_ctrl_c_during_a_sweep_says_what_was_kept(tmp_path):
    from agent.llm.stub_server import Reply, StubServer

    require_verifier()
    bench = seed_eval_set(tmp_path / "set.jsonl", [("w1", "L1", "SwA"), ("w2", "L1", "SwB")])
    out = tmp_path / "sweep"
    with StubServer(default=Reply("late", delay_s=120)) as stub:
        proc = _interrupt_after(["sweep", bench, "-n", "1,2", "--depth", "0", "--no-rag", "--no-cache",
                                 "--workers", "1", "--base-url", stub.base_url, "--api-key", SECRET, "--out", out],
                                lambda: len(stub.requests) >= 1)
        headers = list(stub.headers)
    err = " ".join(proc.stderr.split())
    assert proc.returncode == 130, proc.stderr[-3000:]
    assert f"interrupted: 0 of 2 problems recorded in {out}; rerun with --resume --out {out} to finish" in err
    assert headers[0].get("authorization") == f"Bearer {SECRET}"  # sweep takes --api-key too
    assert SECRET not in (out / "run.json").read_text()


def _report_run(path: Path, lines: list[str]) -> Path:
    path.mkdir()
    (path / "run.json").write_text(json.dumps({"bench": "own", "kind": "eval", "ks": [1]}))
    if lines:
        (path / "results.jsonl").write_text("".join(lines))
    return path


def test_report_refuses_a_problem_recorded_twice(tmp_path):
    a, b = (ProblemRecord(id=i, level="L1", passed=True).model_dump_json() + "\n" for i in ("a", "b"))
    run = _report_run(tmp_path / "dup", [a, b, a])
    proc = run_agent("report", run)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "results.jsonl:3: problem a is recorded twice (first at line 1)" in proc.stderr


def test_report_warns_of_a_torn_last_line_and_says_when_results_are_missing(tmp_path):
    a, b = (ProblemRecord(id=i, level="L1", passed=True).model_dump_json() + "\n" for i in ("a", "b"))
    run = _report_run(tmp_path / "torn", [a, b[:30]])
    before = (run / "results.jsonl").read_bytes()
    proc = run_agent("report", run)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("torn last line") == 1 and "results.jsonl:2:" in proc.stderr
    assert (run / "results.jsonl").read_bytes() == before  # a report reads; only resume repairs
    proc = run_agent("report", _report_run(tmp_path / "empty", []))
    assert proc.returncode == 2 and "results.jsonl not found" in proc.stderr
