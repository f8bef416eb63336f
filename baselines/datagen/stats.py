"""The summary of a dataset: mix per level against the curriculum, counts per template, distinct
structures, failures by stage and category, throughput."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from baselines.datagen.mix import target_mix
from baselines.datagen.store import read_jsonl, sidecar


def summarize(out: Path, levels: list[str]) -> dict:
    meta = read_jsonl(sidecar(out, ".meta.jsonl"))
    failures = read_jsonl(sidecar(out, ".failures.jsonl"))
    total = len(meta)
    target = target_mix(levels)
    per_level = Counter(m["level"] for m in meta)
    structures = {lv: len({m["structure"] for m in meta if m["level"] == lv}) for lv in levels}
    verify_totals = [m["verify_timings"].get("total") for m in meta if (m.get("verify_timings") or {}).get("total")]
    return {
        "samples": total,
        "levels": {
            lv: {"count": per_level.get(lv, 0),
                 "share": round(per_level.get(lv, 0) / total, 4) if total else 0.0,
                 "target": round(target[lv], 4),
                 "distinct_structures": structures[lv]}
            for lv in levels
        },
        "max_share_deviation_points": round(max(
            (abs(per_level.get(lv, 0) / total - target[lv]) * 100 for lv in levels), default=0.0) if total else 0.0, 2),
        "templates": dict(sorted(Counter(m["template"] for m in meta).items())),
        "distinct_structures": len({m["structure"] for m in meta}),
        "distinct_templates": len({m["template"] for m in meta}),
        "failures": {
            "count": len(failures),
            "by_stage": dict(Counter(str(f.get("stage")) for f in failures)),
            "by_category": dict(Counter(str(f.get("category")) for f in failures)),
            "by_template": dict(Counter(f.get("template") for f in failures).most_common()),
        },
        "verify_s_mean": round(sum(verify_totals) / len(verify_totals), 3) if verify_totals else None,
    }
