"""`agent eval --ray` on a real multi-node Ray cluster on this machine (ray.cluster_utils: a head and two
worker nodes, one CPU each, small object stores): an LLM endpoint that is down, and a node lost mid-run.

The runs are real `agent eval` processes (the driver), so stdout's one JSON object is checked too; the
test process only holds the cluster, and kills a node's raylet while the driver is running."""
from __future__ import annotations

import json
import os
import subprocess
import time
from contextlib import nullcontext

import pytest

from tests.helpers import (GOOD, REPO, SEED, agent_cmd, json_out, require_verifier, run_agent, seed_eval_set,
                           seed_results_file)

pytestmark = pytest.mark.cluster

MB = 1024 * 1024
# A few seed problems to replay: L3-Sequential_034's recorded code compiles but differs from its
# reference (sim_mismatch); L3-Sequential_030/031 compile only after the import fixer.
REPLAY_IDS = ["L1-Basic_001", "L2-Combinational_013", "L3-Sequential_027", "L3-Sequential_030", "L3-Sequential_031",
              "L3-Sequential_034"]
COMPARED = ("compiled", "passed", "passed_lenient", "functional", "functional_check", "failure_category",
            "functional_category", "stage", "final_code", "rounds")


@pytest.fixture(scope="module")
def cluster():
    """Head + two worker nodes (one CPU each: three verifier actors), shut down after the module."""
    pytest.importorskip("ray", reason="Ray is not installed (pip install 'chisel-agent[ray]')")
    require_verifier()
    from ray.cluster_utils import Cluster

    # No usage report from the test cluster (this machine may have no way out anyway); the nodes and the
    # drivers started below inherit it.
    saved = os.environ.get("RAY_USAGE_STATS_ENABLED")
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    c = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "object_store_memory": 80 * MB,
                                                      "include_dashboard": False})
    try:
        c.worker_nodes_added = [c.add_node(num_cpus=1, object_store_memory=80 * MB) for _ in range(2)]
        c.wait_for_nodes()
        yield c
    finally:
        c.shutdown()
        if saved is None:
            os.environ.pop("RAY_USAGE_STATS_ENABLED", None)
        else:
            os.environ["RAY_USAGE_STATS_ENABLED"] = saved


def test_no_cluster_at_the_address_is_one_line(tmp_path):
    pytest.importorskip("ray")
    from agent.llm.stub_server import refused_url

    address = refused_url().removeprefix("http://").removesuffix("/v1")
    bench = seed_eval_set(tmp_path / "set.jsonl", [("c1", "L1", "RayA")])
    replay = seed_results_file(tmp_path / "results.json", [("c1", GOOD.format(top="RayA"))])
    proc = run_agent("eval", bench, "--replay", replay, "--ray", address, "--out", tmp_path / "run", "--json",
                     timeout=120)
    assert proc.returncode == 2
    assert proc.stdout == "" and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert f"no Ray cluster answers at {address}" in proc.stderr
    proc = run_agent("eval", bench, "--replay", replay, "--ray", "headnode", "--out", tmp_path / "run2", "--json",
                     timeout=120)
    assert proc.returncode == 2 and "expected the head's HOST:PORT" in proc.stderr, proc.stderr
    assert not (tmp_path / "run2").exists()  # nothing kept from a run that never started


def test_live_eval_with_an_endpoint_down(cluster, tmp_path):
    """Two --base-url, the first refusing connections: every request goes to the other, the run is
    complete, and the run says which endpoint failed (stderr, endpoints.json, the JSON summary)."""
    from agent.llm.stub_server import Reply, StubServer, refused_url

    tops = {"c1": "RayA", "c2": "RayB", "c3": "RayC"}
    bench = seed_eval_set(tmp_path / "set.jsonl", [(i, "L1", t) for i, t in tops.items()])

    def reply(request):
        prompt = "\n".join(m["content"] for m in request["messages"])
        return Reply(GOOD.format(top=next(t for t in tops.values() if t in prompt)))

    down, out = refused_url(), tmp_path / "run"
    with StubServer(reply) as up:
        proc = run_agent("eval", bench, "-n", "1", "--depth", "0", "-k", "1", "--base-url", down, "--base-url",
                         up.base_url, "--no-rag", "--no-cache", "--ray", cluster.address, "--out", out, "--json",
                         timeout=300)
        served = len(up.requests)
    assert proc.returncode == 0, proc.stderr[-3000:]
    s = json_out(proc)
    assert (s["total"], s["passed"]) == (3, 3) and served == 3
    endpoints = {e["url"]: e for e in s["endpoints"]["endpoints"]}
    assert endpoints[down]["answered"] == 0 and endpoints[down]["down_events"] >= 1
    assert endpoints[up.base_url]["answered"] == 3
    assert json.loads((out / "endpoints.json").read_text()) == s["endpoints"]
    assert f"LLM endpoint {down}" in proc.stderr  # said while running
    assert s["cluster"]["nodes"] == 3 and len(s["cluster"]["actors"]) == 3  # one actor per node's CPU
    assert sum(a["verified"] for a in s["cluster"]["actors"]) >= 3
    meta = json.loads((out / "run.json").read_text())
    assert meta["ray"] == cluster.address and meta["base_urls"] == [down, up.base_url]


def test_replay_survives_a_lost_node_and_matches_the_local_pool(cluster, tmp_path, verifier):
    """A worker node's raylet is killed once the first problem is recorded: its actor's verifications
    run again elsewhere, every problem is recorded exactly once, and each record says what the
    local pool says for the same replay."""
    from agent.eval.benchmarks import load_benchmark, select_ids
    from agent.eval.runner import RunOptions, run_benchmark

    if not (SEED / "eval_set_v2.jsonl").exists():
        pytest.skip("seed data not present")
    eval_set, baseline = SEED / "eval_set_v2.jsonl", SEED / "baseline_results.json"
    out = tmp_path / "cluster"
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    # --concurrency 4 of 6: problems still to start when the first is recorded, so the lost node's
    # actor is called again (and found gone) even on a machine fast enough to finish the rest at once.
    cmd = agent_cmd("eval", eval_set, "--replay", baseline, "--ids", ",".join(REPLAY_IDS), "--ray", cluster.address,
                    "--concurrency", "4", "--out", out, "--json")
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        log = out / "results.jsonl"
        deadline = time.monotonic() + 240
        while not (log.exists() and log.read_text().strip()) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert proc.poll() is None, "the run ended before a node could be lost"
        cluster.remove_node(cluster.worker_nodes_added[-1], allow_graceful=False)  # kills its raylet
        stdout, stderr = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, stderr[-3000:]
    s = json_out(subprocess.CompletedProcess(cmd, 0, stdout, stderr))
    ids = [json.loads(line)["id"] for line in (out / "results.jsonl").read_text().splitlines()]
    assert sorted(ids) == sorted(REPLAY_IDS)  # nothing lost, nothing recorded twice
    assert s["cluster"]["lost"] and s["cluster"]["rerouted"] >= 1, s["cluster"]
    assert "lost" in stderr

    bench = select_ids(load_benchmark(eval_set), ",".join(REPLAY_IDS))
    local = run_benchmark(bench, RunOptions(out=tmp_path / "local", replay=baseline),
                          env_factory=lambda: nullcontext(verifier))
    on_cluster = {r["id"]: r for r in map(json.loads, (out / "results.jsonl").read_text().splitlines())}
    for record in local.records:
        mine = record.model_dump(mode="json")
        assert {k: on_cluster[record.id][k] for k in COMPARED} == {k: mine[k] for k in COMPARED}, record.id
    assert (s["compile_pass"], s["functional_pass"]) == (local.summary["compile_pass"],
                                                         local.summary["functional_pass"])
    assert s["functional_pass"]["passed"] == len(REPLAY_IDS) - 1  # L3-Sequential_034 differs from its reference


def test_library_verifier_on_the_cluster(cluster):
    """ClusterVerifier used directly: the blocking and the async call give ReflectEnv's verdicts."""
    import asyncio

    from agent.cluster import ClusterVerifier

    adder = GOOD.removeprefix("```scala\n").removesuffix("\n```").format(top="Pass4")
    broken = adder.replace("io.out := io.in", "io.out := io.nope")
    with ClusterVerifier(cluster.address, "chisel7", actors=1) as v:  # one JVM more: the machine has 2 cores
        assert v.workers == 1
        ok = v.verify(adder, "Pass4")
        assert ok.ok and "module Pass4" in (ok.verilog or "")

        async def both():
            return await asyncio.gather(v.averify(adder, top="Pass4"), v.averify(broken, top="Pass4"))
        good, bad = asyncio.run(both())
        assert good.ok and not bad.ok and bad.category == "not_found"
        assert sum(a["verified"] for a in v.stats()["actors"]) == 3
    import ray

    assert not ray.is_initialized()  # it connected, so it disconnected


def test_an_actor_that_cannot_verify_is_reported_and_retried(cluster):
    """A node that cannot verify (here: a jobs directory that cannot be made, as a node without the
    toolchain would fail) is tried start_attempts times, then the verifier refuses in one line."""
    from agent.cluster import ClusterError, ClusterVerifier

    notes: list[str] = []
    with pytest.raises(ClusterError, match="no verifier actor started on the Ray cluster") as err:
        ClusterVerifier(cluster.address, "chisel7", actors=1, start_attempts=2, on_note=notes.append,
                        jobs_dir="/dev/null/jobs")
    assert "\n" not in str(err.value) and "/dev/null/jobs" in str(err.value)  # one line, saying why
    assert any("did not start" in n and "trying again" in n for n in notes), notes
    assert any("gave up a verifier actor after 2 failed starts" in n for n in notes), notes
    import ray

    assert not ray.is_initialized()
