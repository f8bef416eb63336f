"""Re-verify an Alpaca JSONL dataset: every row's instruction must name its class, and the code must
pass strict verification with that class as top. Works on any Alpaca file, the seed's included."""
from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from baselines.datagen.engine import Verifier
from baselines.datagen.naming import check_naming, stated_module_names


@dataclass
class RecheckReport:
    rows: int = 0
    passed: int = 0
    naming_failed: int = 0
    verify_failed: int = 0
    categories: Counter = field(default_factory=Counter)
    examples: list[dict] = field(default_factory=list)  # the first few failures

    def as_dict(self) -> dict:
        return {"rows": self.rows, "passed": self.passed, "naming_failed": self.naming_failed,
                "verify_failed": self.verify_failed, "categories": dict(self.categories), "examples": self.examples}


async def recheck(rows: list[dict], verify: Verifier, concurrency: int,
                  on_row: Callable[[], None] | None = None) -> RecheckReport:
    report = RecheckReport(rows=len(rows))
    gate = asyncio.Semaphore(max(1, concurrency))

    def note(i: int, what: str, detail: str) -> None:
        if len(report.examples) < 5:
            report.examples.append({"row": i + 1, "failure": what, "detail": detail[:300]})

    async def one(i: int, row: dict) -> None:
        try:
            reason = check_naming(row.get("instruction", ""), row.get("output", ""))
            if reason:
                report.naming_failed += 1
                report.categories["naming"] += 1
                note(i, "naming", reason)
                return
            async with gate:
                result = await verify(row["output"], stated_module_names(row["instruction"])[0])
            if result.ok:
                report.passed += 1
            else:
                report.verify_failed += 1
                cat = getattr(result.category, "value", result.category)
                report.categories[str(cat)] += 1
                diags = [d.message for d in getattr(result, "diagnostics", []) if d.severity == "error"]
                note(i, str(cat), diags[0] if diags else "")
        finally:
            if on_row:
                on_row()

    await asyncio.gather(*(one(i, r) for i, r in enumerate(rows)))
    return report
