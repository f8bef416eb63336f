"""The commands' side of `--ray ADDRESS`: open the cluster verifier or fail in one line, tell the user
what happened on the cluster, and keep its account in the run's output."""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from agent.cluster.verifier import ClusterError, ClusterVerifier


@contextmanager
def open_cluster_verifier(address: str, profile: str | None, workers: int | None = None, *,
                          record: Path | None = None, **options: Any) -> Iterator[ClusterVerifier]:
    """cli_util.open_verifier's twin: a started ClusterVerifier for the block (`workers` actors, None:
    one per CPU of the cluster), or a one-line failure (exit 2). At the end the cluster's account
    (actors, nodes, actors lost, calls rerouted) is written to `record` (a JSON file), and lost
    actors are summed up in one line."""
    from agent.cli_util import err_console, fail
    from reflect_env.pool import PoolOptions

    def note(line: str) -> None:
        err_console.print(line, highlight=False, soft_wrap=True)

    # The driver's pool settings (heap, warm-up rounds...) apply on every node, so a run means the same
    # wherever its actors landed.
    options.setdefault("pool_options", PoolOptions())
    try:
        verifier = ClusterVerifier(address, profile, workers, on_note=note, **options)
    except (ClusterError, ValueError) as e:
        fail(" ".join(str(e).split()))
    try:
        yield verifier
    finally:
        stats = verifier.stats()
        verifier.close()
        if record is not None and record.parent.is_dir():
            record.write_text(json.dumps(stats, indent=1) + "\n")
        if stats["lost"]:
            note(f"cluster: {len(stats['lost'])} verifier actor(s) lost, {stats['rerouted']} verification(s) "
                 f"run again on other actors; nothing was lost or counted twice")
