"""Bundles the top-level data folders into the wheel (metadata lives in pyproject.toml).

prompts/, rag_docs/ and experiments/benchmarks/ stay at the top of the checkout, where a reader
expects them; a wheel install finds its copies under agent/_data/ (see agent/resources.py). An
editable install reads the checkout itself, so nothing is copied then.
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

BUNDLED = ["prompts", "rag_docs", "experiments/benchmarks"]


class BuildPyWithData(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for rel in BUNDLED:
            dest = Path(self.build_lib) / "agent" / "_data" / rel
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(rel, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildPyWithData})
