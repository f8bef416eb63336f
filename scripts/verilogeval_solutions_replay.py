"""Write a replay file (the seed's results layout: {"results": [{"id", "extracted_code"}]}) of our own
VerilogEval solutions in tests/data/verilogeval_module_solutions, for `agent eval DATASET --replay FILE`.

    python scripts/verilogeval_solutions_replay.py module  OUT.json   # the Module/io-bundle solutions
    python scripts/verilogeval_solutions_replay.py mutant  OUT.json   # their one-bug mutants
    python scripts/verilogeval_solutions_replay.py strict  OUT.json   # the RawModule exact-name solutions
Prints the problem ids, comma-separated, for `--ids`."""
from __future__ import annotations

import json
import sys
from pathlib import Path

SOLUTIONS = Path(__file__).resolve().parents[1] / "tests" / "data" / "verilogeval_module_solutions"
SUFFIX = {"module": ".scala", "mutant": ".mutant.scala", "strict": ".strict.scala"}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in SUFFIX:
        print(f"usage: verilogeval_solutions_replay.py {{{'|'.join(SUFFIX)}}} OUT.json", file=sys.stderr)
        return 2
    suffix = SUFFIX[argv[0]]
    files = sorted(f for f in SOLUTIONS.glob(f"Prob*{suffix}") if f.name.count(".") == suffix.count("."))
    rows = [{"id": f.name.removesuffix(suffix), "extracted_code": f.read_text()} for f in files]
    Path(argv[1]).write_text(json.dumps({"results": rows}, indent=1))
    print(",".join(r["id"] for r in rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
