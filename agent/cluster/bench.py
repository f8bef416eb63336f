"""Measurements for docs/BENCHMARKS.md: `python -m agent.cluster.bench overhead --ray ADDRESS` says what Ray
costs against the local pool; `... references own --out refs.json` writes a benchmark's references as a
results file, so `agent eval own --replay refs.json` (with and without --ray) checks them on both.

overhead:

1. start: a local ReflectEnv with one worker vs a ClusterVerifier with one actor (connect, ship the
   code, start the actor and its JVM), both until ready;
2. per verification: the same small design verified in turns on each (one at a time, after a warm-up),
   median latency each; the difference is Ray's per-task overhead;
3. the driver's bound: empty actor calls (`ping`) from this one driver, one at a time (round-trip
   latency) and many in flight (calls per second), which is what limits one driver however many
   nodes verify.
The numbers go to docs/BENCHMARKS.md with the command; the machine's load matters (say it).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time

DESIGN = """import chisel3._
import chisel3.util._

class Acc extends Module {
  val io = IO(new Bundle { val in = Input(UInt(8.W)); val en = Input(Bool()); val out = Output(UInt(16.W)) })
  val acc = RegInit(0.U(16.W))
  when(io.en) { acc := acc + io.in }
  io.out := acc
}"""


def measure(address: str, rounds: int, pings: int, profile: str | None) -> dict:
    from agent.cluster import ClusterVerifier
    from reflect_env import ReflectEnv

    t = time.perf_counter()
    local = ReflectEnv(profile, workers=1)
    local_start = time.perf_counter() - t
    t = time.perf_counter()
    cluster = ClusterVerifier(address, profile, actors=1)
    cluster_start = time.perf_counter() - t
    try:
        for _ in range(3):  # warm-up: JIT and the caches of both
            assert local.verify(DESIGN, "Acc").ok and cluster.verify(DESIGN, "Acc").ok
        lat: dict[str, list[float]] = {"local": [], "cluster": []}
        for _ in range(rounds):  # in turns, so a change in the machine's load hits both alike
            for name, v in (("local", local), ("cluster", cluster)):
                t = time.perf_counter()
                assert v.verify(DESIGN, "Acc").ok
                lat[name].append(time.perf_counter() - t)
        import ray

        actor = cluster.ready_actors()[0]
        ray.get(actor.ping.remote())
        one = []
        for _ in range(pings):
            t = time.perf_counter()
            ray.get(actor.ping.remote())
            one.append(time.perf_counter() - t)

        async def burst() -> float:
            t0 = time.perf_counter()
            await asyncio.gather(*(actor.ping.remote() for _ in range(pings)))
            return time.perf_counter() - t0
        burst_s = asyncio.run(burst())
    finally:
        cluster.close()
        local.close()
    med = {k: statistics.median(v) for k, v in lat.items()}
    return {
        "rounds": rounds, "start_s": {"local": round(local_start, 2), "cluster": round(cluster_start, 2)},
        "verify_median_s": {k: round(v, 4) for k, v in med.items()},
        "overhead_per_verification_ms": round(1000 * (med["cluster"] - med["local"]), 1),
        "ping_round_trip_ms": round(1000 * statistics.median(one), 2),
        "driver_calls_per_s": round(pings / burst_s),
    }


def references_as_results(bench: str, out: str) -> dict:
    """A results file in the seed's format whose recorded code is each problem's own Chisel reference:
    `agent eval BENCH --replay OUT` then checks the references on whichever verifier runs it (the
    local pool or a cluster), and two such runs must agree record for record."""
    from agent.eval.benchmarks import load_benchmark

    tasks = [t for t in load_benchmark(bench).tasks if t.reference and "extends Module" in str(t.reference)]
    rows = [{"id": t.id, "raw_output": f"```scala\n{t.reference}\n```", "extracted_code": t.reference}
            for t in tasks]
    with open(out, "w") as f:
        json.dump({"metadata": {"what": f"the references of {bench}"}, "statistics": {}, "results": rows}, f)
    return {"bench": bench, "problems": len(rows), "out": out}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="what", required=True)
    over = sub.add_parser("overhead", help="start, per-verification and per-call costs of Ray vs the local pool")
    over.add_argument("--ray", required=True, metavar="ADDRESS", help="the cluster's head, host:port")
    over.add_argument("--rounds", type=int, default=20, help="verifications on each side")
    over.add_argument("--pings", type=int, default=2000, help="empty calls for the driver's bound")
    over.add_argument("--profile", default=None)
    refs = sub.add_parser("references", help="write a benchmark's Chisel references as a results file to --replay")
    refs.add_argument("bench", help="benchmark name or path (e.g. own)")
    refs.add_argument("--out", required=True, help="the results JSON to write")
    args = ap.parse_args()
    if args.what == "overhead":
        result = measure(args.ray, args.rounds, args.pings, args.profile)
    else:
        result = references_as_results(args.bench, args.out)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
