"""A wheel install (not only the editable one) finds its prompts, notes and benchmarks.

The data folders live at the top of the checkout; setup.py copies them into the wheel under
agent/_data/. This builds the wheel from the tracked files, installs it into a fresh venv (sharing
this interpreter's dependencies) and uses it from an unrelated directory.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

PROBE = r"""
import json, agent
from agent.resources import data_path
from agent.prompting import PromptBuilder
from agent.rag.notes import load_notes
from agent.eval.benchmarks import load_benchmark
p = PromptBuilder().generate("An 8-bit adder named Adder.", "Adder", hints=[("Cat", "chisel3.util._")])
print(json.dumps({"agent": agent.__file__, "prompts": str(data_path("prompts")),
                  "generate": p.messages[-1]["content"], "notes": len(load_notes()),
                  "own": len(load_benchmark("own").tasks)}))
"""


@pytest.mark.slow
def test_wheel_install_carries_the_data_folders(tmp_path):
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=REPO, check=True,
                           capture_output=True, text=True).stdout.split()
    src = tmp_path / "src"
    for f in files:
        if (REPO / f).is_file():
            (src / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / f, src / f)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "-w", str(tmp_path / "dist"), str(src)], check=True, capture_output=True, text=True)
    wheel = next((tmp_path / "dist").glob("chisel_agent-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "agent/_data/prompts/generate.j2" in names
    assert any(n.startswith("agent/_data/rag_docs/") and n.endswith(".md") for n in names)
    assert any(n.startswith("agent/_data/experiments/benchmarks/own/") for n in names)
    # agent view's page and assets (package data, not Python modules)
    assert {"agent/view/templates/index.html", "agent/view/static/app.js", "agent/view/static/app.css"} <= set(names)

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    py = venv / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True, text=True)
    run = subprocess.run([str(py), "-c", PROBE], cwd=tmp_path, capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "HF_HUB_OFFLINE": "1"})
    assert run.returncode == 0, run.stderr[-2000:]
    got = json.loads(run.stdout.strip().splitlines()[-1])
    site = str(venv)
    assert got["agent"].startswith(site) and got["prompts"].startswith(site)
    assert "Adder" in got["generate"] and "`Cat` from `import chisel3.util._`" in got["generate"]
    from agent.eval.benchmarks import load_benchmark
    from agent.rag.notes import load_notes
    assert got["notes"] == len(load_notes()) and got["own"] == len(load_benchmark("own").tasks)
    # The console script is installed and answers --help.
    helped = subprocess.run([str(venv / "bin" / "agent"), "--help"], cwd=tmp_path, capture_output=True, text=True)
    assert helped.returncode == 0 and "solve" in helped.stdout
