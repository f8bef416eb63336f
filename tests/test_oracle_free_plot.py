"""experiments/oracle_free_plot.py: one bar per selection rule and bench output, (e) where rows have it."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _plot_module():
    spec = importlib.util.spec_from_file_location("oracle_free_plot", REPO / "experiments" / "oracle_free_plot.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rows(folder: Path, values: list[float], checks: bool) -> None:
    folder.mkdir()
    for i, v in enumerate(values):
        row = {"id": f"p{i}", "first_compiling": v, "random_compiling": v, "interface_checked": v, "voted": 1.0,
               "llm_calls": 0, "wall_s": 1.0, "vote": None}
        if checks:
            row["checks_voted"] = 0.0
        (folder / f"p{i}.json").write_text(json.dumps(row))


def test_draws_each_group_and_refuses_what_is_not_a_bench_output(tmp_path, capsys):
    plot = _plot_module()
    _rows(tmp_path / "k4", [0.0, 1.0], checks=False)
    _rows(tmp_path / "k8", [1.0, 1.0, 0.0], checks=True)
    png = tmp_path / "of.png"
    assert plot.main([f"k = 4={tmp_path / 'k4'}", f"k = 8={tmp_path / 'k8'}", "--png", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
    assert plot.main([f"k={tmp_path / 'missing'}", "--png", str(png)]) == 2
    (tmp_path / "empty").mkdir()
    assert plot.main([f"k={tmp_path / 'empty'}", "--png", str(png)]) == 2
    assert "holds no rows" in capsys.readouterr().err
