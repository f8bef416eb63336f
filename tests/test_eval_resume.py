"""--resume after kill -9: the real CLI in replay mode, killed mid-run, finished by a second run."""
import json
import os
import signal
import subprocess
import time

from tests.helpers import REPO, agent_cmd, json_out, require_verifier, run_agent, seed_eval_set, seed_results_file

DESIGN = "import chisel3._\n\nclass {name} extends Module {{\n  val io = IO(new Bundle {{\n" \
         "    val a = Input(UInt(8.W))\n    val y = Output(UInt(8.W))\n  }})\n  io.y := RegNext(io.a + {i}.U)\n}}\n"
N = 10


def test_kill_9_then_resume(tmp_path):
    require_verifier()
    rows = [(f"p{i:02d}", "L1", f"Design{i}") for i in range(N)]
    bench = seed_eval_set(tmp_path / "set.jsonl", rows)
    recorded = seed_results_file(tmp_path / "rec.json", [(i, DESIGN.format(name=top, i=n))
                                                         for n, (i, _, top) in enumerate(rows)])
    out = tmp_path / "run"
    args = ["eval", bench, "--replay", recorded, "--no-fix", "--concurrency", "1", "--out", out]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    # Own session: kill -9 the whole group, the JVM workers included, as a crash would.
    proc = subprocess.Popen(agent_cmd(*args), cwd=REPO, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = out / "results.jsonl"
    deadline = time.monotonic() + 600
    try:
        while time.monotonic() < deadline:
            if log.exists() and len(log.read_text().splitlines()) >= 3:
                break
            assert proc.poll() is None, "the run ended before it could be killed"
            time.sleep(0.2)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    done_before = [json.loads(line)["id"] for line in log.read_text().splitlines()]
    assert 3 <= len(done_before) < N, "kill must land mid-run"
    with open(log, "a") as f:  # a write torn by the kill
        f.write('{"id": "p99", "passed": tr')

    again = run_agent(*args[:-2], "--out", out, "--resume", "--json")
    assert again.returncode == 0, again.stderr[-2000:]
    summary = json_out(again)
    ids = [json.loads(line)["id"] for line in log.read_text().splitlines()]
    assert len(ids) == len(set(ids)) == N, "no problem lost, none counted twice"
    assert set(ids) == {r[0] for r in rows} and ids[: len(done_before)] == done_before
    assert summary["total"] == N and summary["passed"] == N and summary["new_records"] == N - len(done_before)

    # A finished run resumed again does no work; without --resume it refuses to overwrite.
    assert json_out(run_agent(*args[:-2], "--out", out, "--resume", "--json"))["new_records"] == 0
    refused = run_agent(*args)
    assert refused.returncode != 0 and "--resume" in refused.stderr
