"""Directories a run owns: the verifier's temporary jobs directories, and the run directories of
`agent eval`, `agent sweep` and `agent solve`."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.helpers import REPO, require_verifier


def _python(code: str, **kw) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO), "REFLECT_ENV_WARMUP_ROUNDS": "0"}
    return subprocess.Popen([sys.executable, "-c", code], cwd=REPO, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


# -- reflect_env jobs directories ----------------------------------------------------------------

def test_jobs_directory_of_a_killed_process_is_swept_at_the_next_start(tmp_path):
    require_verifier()
    from reflect_env import ReflectEnv

    holder = _python("import sys, time\nfrom reflect_env import ReflectEnv\n"
                     f"env = ReflectEnv(workers=1, jobs_dir={str(tmp_path)!r})\n"
                     "(env.jobs_root / 'job-1').mkdir(); (env.jobs_root / 'job-1' / 'Candidate.scala').write_text('x')\n"
                     "print(env.jobs_root, flush=True)\ntime.sleep(600)\n")
    try:
        line = holder.stdout.readline().strip()
        assert line, holder.stderr.read()[-2000:]
        left = Path(line)
        assert (left / "job-1" / "Candidate.scala").exists()
        live = ReflectEnv(cold=True, jobs_dir=tmp_path)  # a live owner's directory is never swept
        assert left.exists()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    try:
        assert left.exists()  # kill -9: no clean-up ran
        with ReflectEnv(cold=True, jobs_dir=tmp_path) as nxt:
            assert not left.exists()  # swept: its owner is dead
            assert live.jobs_root.exists() and nxt.jobs_root.exists()
    finally:
        live.close()
    assert not list(tmp_path.glob("reflect-env-*"))


def test_jobs_directory_is_removed_at_exit_even_when_never_closed(tmp_path):
    require_verifier()
    proc = _python(f"from reflect_env import ReflectEnv\nenv = ReflectEnv(cold=True, jobs_dir={str(tmp_path)!r})\n"
                   "print(env.jobs_root)\n")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err[-2000:]
    assert out.strip().startswith(str(tmp_path)) and not Path(out.strip()).exists()


def test_kept_jobs_directories_are_never_swept(tmp_path):
    require_verifier()
    from reflect_env import ReflectEnv

    with ReflectEnv(cold=True, jobs_dir=tmp_path, keep_jobs=True) as env:
        kept = env.jobs_root
    with ReflectEnv(cold=True, jobs_dir=tmp_path):
        assert kept.exists()


# -- run directories -----------------------------------------------------------------------------

def test_a_second_claim_on_a_held_run_directory_fails_at_once(tmp_path):
    import pytest

    from agent.errors import PathError
    from agent.rundir import claim_run_dir

    with claim_run_dir(tmp_path / "run") as run:
        (run / "results.jsonl").write_text("{}\n")
        with pytest.raises(PathError, match="is in use by another run"):  # the CLI prints it as one line, exit 2
            with claim_run_dir(tmp_path / "run"):
                pass
    assert (tmp_path / "run" / "results.jsonl").exists() and not (tmp_path / "run" / ".lock").exists()
    with claim_run_dir(tmp_path / "run"):  # free again once the first run ended
        pass


def test_default_solve_names_in_the_same_second_are_distinct(tmp_path, monkeypatch):
    from agent.commands.solve_cmds import _default_out
    from agent.rundir import claim_run_dir

    monkeypatch.chdir(tmp_path)
    name = _default_out("Adder")
    with claim_run_dir(name, unique=True) as a, claim_run_dir(name, unique=True) as b:
        (a / "trace.jsonl").write_text("a\n")
        (b / "trace.jsonl").write_text("b\n")
    assert a != b and a.parent == b.parent == Path("runs") and b.name == f"{a.name}-2"
    assert (a / "trace.jsonl").read_text() == "a\n" and (b / "trace.jsonl").read_text() == "b\n"


def test_a_claim_whose_run_never_started_leaves_nothing(tmp_path):
    import pytest
    import typer

    from agent.rundir import claim_run_dir

    with pytest.raises(typer.Exit):
        with claim_run_dir(tmp_path / "runs" / "x", unique=True, setup_files=("run.json",)) as run:
            (run / "run.json").write_text("{}")
            from agent.cli_util import fail

            fail("server down")
    assert list(tmp_path.iterdir()) == []  # neither the run directory nor the runs/ it made
    (tmp_path / "mine").mkdir()
    with claim_run_dir(tmp_path / "mine"):
        pass
    assert (tmp_path / "mine").is_dir() and list((tmp_path / "mine").iterdir()) == []  # the user's own dir stays


def test_two_evals_on_one_directory_the_second_is_refused(tmp_path):
    """`agent eval --out X` started twice: the second fails at once (exit 2, one line) instead of
    adding its own records ("4 of 2 problems recorded"); the first finishes with 2 records."""
    require_verifier()
    from agent.llm.stub_server import Reply, StubServer
    from tests.helpers import agent_cmd, run_agent, seed_eval_set
    from tests.helpers import GOOD

    bench = seed_eval_set(tmp_path / "set.jsonl", [("e1", "L1", "TwoA"), ("e2", "L1", "TwoB")])
    out = tmp_path / "run"

    def reply(request):
        top = "TwoA" if "TwoA" in request["messages"][-1]["content"] else "TwoB"
        return Reply(GOOD.format(top=top), delay_s=2.0)  # keeps the first run busy while the second starts

    with StubServer(reply) as stub:
        args = ["eval", bench, "-n", "1", "--depth", "0", "--base-url", stub.base_url, "--no-rag", "--no-cache",
                "--workers", "1", "--out", out, "--json"]
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        first = subprocess.Popen(agent_cmd(*args), cwd=REPO, env=env, text=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 120
            while not (out / ".lock").exists() and first.poll() is None and time.monotonic() < deadline:
                time.sleep(0.1)
            t0 = time.monotonic()
            second = run_agent(*args, timeout=120)
            refused_in = time.monotonic() - t0
            stdout, stderr = first.communicate(timeout=600)
        finally:
            first.kill()
    assert second.returncode == 2 and "Traceback" not in second.stderr, second.stderr[-2000:]
    assert "in use by another run" in " ".join(second.stderr.split()) and second.stdout == ""
    assert refused_in < 30
    assert first.returncode == 0, stderr[-2000:]
    assert len((out / "results.jsonl").read_text().splitlines()) == 2


def test_runs_that_never_started_leave_no_directory(tmp_path):
    """Server down: `agent eval --out X` and `agent solve` (default runs/<time>-<Top>) end with one line
    and leave no run directory behind."""
    from agent.llm.stub_server import refused_url
    from tests.helpers import agent_cmd, seed_eval_set

    bench = seed_eval_set(tmp_path / "set.jsonl", [("e1", "L1", "Gone")])
    (tmp_path / "spec.txt").write_text("A module named `Gone`.\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for args in (["eval", bench, "-n", "1", "--out", tmp_path / "run"], ["solve", "spec.txt"]):
        proc = subprocess.run(agent_cmd(*args, "--base-url", refused_url(), "--no-rag"), cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode != 0 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
        assert "cannot reach an LLM server" in " ".join(proc.stderr.split())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["set.jsonl", "spec.txt"]


# -- output files (agent datagen --out) -------------------------------------------------------------

def test_an_output_file_claim_is_exclusive_and_leaves_nothing(tmp_path):
    import pytest

    from agent.errors import PathError
    from agent.rundir import claim_out_file

    out = tmp_path / "new" / "sub" / "d.jsonl"
    with claim_out_file(out):
        assert (out.parent / "d.jsonl.lock").read_text().strip() == str(os.getpid())
        with pytest.raises(PathError, match="in use by another run"):
            with claim_out_file(out):
                pass
    assert list(tmp_path.iterdir()) == []  # the lock and the directories made for it are gone
    out.parent.mkdir(parents=True)
    with claim_out_file(out):
        out.write_text("row\n")
    assert sorted(p.name for p in out.parent.iterdir()) == ["d.jsonl"]


def test_a_second_datagen_on_the_same_file_is_refused(tmp_path):
    """Two `agent datagen 5 --resume --out d.jsonl` at once both appended (7 rows, 5 distinct): the
    second is refused at once, naming the holder, and the file is left as it was."""
    from typer.testing import CliRunner

    from agent.cli import app
    from agent.rundir import claim_out_file

    out = tmp_path / "dg" / "d.jsonl"
    out.parent.mkdir()
    out.write_text('{"instruction": "x", "input": "", "output": "y"}\n')
    before = {p.name: p.read_bytes() for p in out.parent.iterdir()}
    with claim_out_file(out):  # the run in progress (same process, another open file: flock still excludes)
        # --profile nosuch: where the file were not held, this run would stop at the verifier instead
        r = CliRunner().invoke(app, ["datagen", "5", "--workers", "1", "--resume", "--out", str(out),
                                     "--profile", "nosuch"])
    lines = [line for line in r.output.splitlines() if line.strip()]
    assert r.exit_code == 2 and len(lines) == 1, r.output
    assert f"{out} is in use by another run (pid {os.getpid()})" in lines[0], r.output
    assert {p.name: p.read_bytes() for p in out.parent.iterdir()} == before
