"""Scale-out on a Ray cluster (docs/cluster.md): a verifier whose warm JVM workers are Ray actors spread
over the cluster's nodes, behind the same `averify` protocol as the local pool (reflect_env.ReflectEnv).

The driver (the machine running `agent eval/sweep/datagen --ray ADDRESS`) keeps the problem loop, the
LLM requests and the one writer of results.jsonl; only verification, the CPU-bound part, goes to the
cluster. Ray is an optional extra: `pip install 'chisel-agent[ray]'`.
"""
from agent.cluster.verifier import ClusterError, ClusterUnavailable, ClusterVerifier

__all__ = ["ClusterError", "ClusterUnavailable", "ClusterVerifier"]
