"""The README's first command, `agent solve examples/adder8.txt`, with the embedded model and N seeds:
what each run ended with (exit status, what backs the answer) and whether the final design is purely
combinational and correct, judged afterwards by co-simulation against a Python model of the adder
(issues 20 and 22: "never ends solved with a registered or otherwise wrong adder", "its samples are
combinational"). Usage: python scripts/adder8_seeds.py OUT_DIR [--seeds 1,2,3,4,5] [-- extra solve flags]"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from agent.extract import extract_code  # noqa: E402
from agent.trace import load_trace  # noqa: E402
MODEL = '''class Model:
    def reset(self):
        pass

    def step(self, inputs):
        return {"sum": (inputs["a"] + inputs["b"]) & 0xFF}
'''


REGISTER = re.compile(r"\bReg(Init|Next|Enable)?\s*[\[(]")  # RegInit(...), RegNext(...), Reg(...)


def samples_state(run_dir: Path) -> list[str]:
    """For each sample of round 0: 'comb' (no register), 'reg' (RegInit/RegNext/Reg(...)), or 'no code'."""
    out = []
    for text in load_trace(run_dir).generate_replies() or ():
        code = extract_code(text, top="Adder8").code or ""  # what the agent itself would keep
        out.append("no code" if not code else "reg" if REGISTER.search(code)
                   else "comb")
    return out


def main() -> int:
    args = sys.argv[1:]
    extra = args[args.index("--") + 1:] if "--" in args else []
    args = args[: args.index("--")] if "--" in args else args
    out = Path(args[0])
    seeds = [int(s) for s in (args[args.index("--seeds") + 1] if "--seeds" in args else "1,2,3,4,5").split(",")]
    out.mkdir(parents=True, exist_ok=True)
    model = out / "adder8_model.py"
    model.write_text(MODEL)
    rows = []
    for seed in seeds:
        run_dir = out / f"seed{seed}"
        t = time.time()
        proc = subprocess.run([sys.executable, "-m", "agent", "solve", str(REPO / "examples/adder8.txt"), "--seed",
                               str(seed), "--out", str(run_dir), "--json", *extra], capture_output=True, text=True,
                              cwd=REPO)
        wall = round(time.time() - t, 1)
        try:
            res = json.loads(proc.stdout)
        except json.JSONDecodeError:
            rows.append({"seed": seed, "exit": proc.returncode, "error": proc.stderr.strip()[-300:], "wall_s": wall})
            continue
        final = run_dir / "final.scala"
        row = {"seed": seed, "exit": proc.returncode, "solved": res.get("solved"), "backed_by": res.get("backed_by"),
               "unconfirmed": res.get("unconfirmed"), "wall_s": wall, "llm_calls": res.get("llm_calls"),
               "samples_round0": samples_state(run_dir)}
        if final.exists():
            check = subprocess.run([sys.executable, "-m", "agent", "check", str(final), "--top", "Adder8", "--ref",
                                    str(model), "--json"], capture_output=True, text=True, cwd=REPO)
            verdict = json.loads(check.stdout) if check.stdout.strip() else {}
            row["final_correct"] = bool(verdict.get("ok"))
            row["final_registered"] = bool(REGISTER.search(final.read_text()))
        rows.append(row)
        print(json.dumps(row), flush=True)
    (out / "summary.json").write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
