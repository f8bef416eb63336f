"""Every path option is checked before work starts: one line on stderr, exit 2, no traceback, and
nothing created or verified first (issue 12: bad --out, --resume into nothing, --profile nosuch, -n < k)."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.helpers import CLI, REPO, seed_eval_set

ADDER = """import chisel3._
class Adder extends Module {
  val io = IO(new Bundle { val a = Input(UInt(4.W)); val s = Output(UInt(4.W)) })
  io.s := io.a
}
"""


def agent(cwd: Path, *args) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([*CLI, *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def one_line_error(proc: subprocess.CompletedProcess, *needles: str) -> str:
    err = " ".join(proc.stderr.split())  # rich wraps long lines on narrow terminals
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr and proc.stderr.count("error:") == 1, proc.stderr
    for needle in needles:
        assert needle in err, err
    return err


@pytest.fixture
def ws(tmp_path):
    """A scratch working directory with a spec, a Chisel file, an eval set and a plain file."""
    (tmp_path / "spec.txt").write_text("A module named `Adder` that passes `a` to `s`.\n")
    (tmp_path / "x.scala").write_text(ADDER)
    (tmp_path / "afile").write_text("not a directory\n")
    seed_eval_set(tmp_path / "set.jsonl", [("e1", "L1", "Adder")])
    return tmp_path


def _entries(ws: Path) -> set[str]:
    return {p.name for p in ws.iterdir()}


BEFORE = {"spec.txt", "x.scala", "afile", "set.jsonl"}


NOWHERE = ["--base-url", "http://127.0.0.1:9/v1"]  # never reached: the path check comes first
RUNS = [["eval", "set.jsonl", "-n", "1", *NOWHERE], ["sweep", "set.jsonl", "--k", "1", *NOWHERE],
        ["solve", "spec.txt", *NOWHERE]]


@pytest.mark.parametrize("command", RUNS)
def test_out_that_is_an_existing_file(ws, command):
    one_line_error(agent(ws, *command, "--out", "afile"), "--out afile is an existing file")
    assert (ws / "afile").read_text() == "not a directory\n" and _entries(ws) == BEFORE


@pytest.mark.parametrize("command", [*RUNS, ["check", "x.scala"]])
@pytest.mark.parametrize("out, why", [("afile/run", "afile is a file"),
                                      ("/proc/run", "/proc/run cannot be created in /proc"),
                                      # the first missing component is what cannot be made, not /proc
                                      ("/proc/x/y", "/proc/x cannot be made in /proc (No such file or directory; "
                                                    "/proc takes no new entries)")])
def test_out_that_cannot_be_written(ws, command, out, why):
    one_line_error(agent(ws, *command, "--out", out), why)
    assert _entries(ws) == BEFORE


def test_check_refuses_its_own_input_as_out_before_verifying(ws):
    proc = agent(ws, "check", "x.scala", "--out", "x.scala")
    one_line_error(proc, "--out x.scala is an existing file")
    assert "PASS" not in proc.stdout and (ws / "x.scala").read_text() == ADDER


def test_datagen_out_checks(ws):
    one_line_error(agent(ws, "datagen", "1", "--out", "."), "is a directory")
    one_line_error(agent(ws, "datagen", "1", "--out", "afile/data.jsonl"), "afile is a file")
    one_line_error(agent(ws, "datagen", "1", "--out", "/proc/data.jsonl"), "cannot be created in /proc")
    one_line_error(agent(ws, "datagen", "1", "--out", "/proc/x/data.jsonl"), "/proc/x cannot be made in /proc")
    assert _entries(ws) == BEFORE


@pytest.mark.parametrize("command", [["eval", "set.jsonl", "-n", "1"], ["sweep", "set.jsonl", "--k", "1"]])
def test_resume_into_a_missing_directory(ws, command):
    one_line_error(agent(ws, *command, "--out", "nowhere", "--resume"), "no run to finish in nowhere")
    assert _entries(ws) == BEFORE


def test_solve_with_an_unknown_profile(ws):
    one_line_error(agent(ws, "solve", "spec.txt", "--profile", "nosuch"), "unknown profile 'nosuch'")
    assert _entries(ws) == BEFORE  # no runs/<timestamp>-Adder left behind


def test_eval_pass_at_k_above_the_samples_is_refused(ws):
    one_line_error(agent(ws, "eval", "set.jsonl", "-n", "2", "-k", "5"), "pass@5 needs at least 5 samples", "-n 2")
    assert _entries(ws) == BEFORE


# -- what the terminal says ------------------------------------------------------------------------

def test_solve_says_why_an_llm_request_failed(ws):
    """A request that fails for good shows its reason on the terminal, not only `(llm_error)`."""
    from agent.llm.stub_server import StubServer, malformed
    from tests.helpers import require_verifier

    require_verifier()  # the verifier starts while round 0 waits for the model
    (ws / "c.toml").write_text("[llm]\nmax_retries = 0\n")
    with StubServer(default=malformed()) as stub:
        proc = agent(ws, "solve", "spec.txt", "--config", "c.toml", "--base-url", stub.base_url, "--no-rag",
                     "--no-cache", "--out", "run")
    err = " ".join(proc.stderr.split())
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert "not solved (llm_error: " in err and "malformed reply" in err, err


def test_eval_progress_reads_done_and_passed(ws):
    from tests.helpers import require_verifier, seed_results_file

    require_verifier()
    recorded = seed_results_file(ws / "recorded.json", [("e1", ADDER)])
    proc = agent(ws, "eval", "set.jsonl", "--replay", recorded, "-k", "1", "--workers", "1", "--out", "run")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "1/1 done, compile pass 1" in proc.stderr, proc.stderr
    assert "functional pass" not in proc.stderr.splitlines()[0]  # no reference: nothing scored functionally
