"""Run settings: run.json as a model (agent/eval/run_meta.py) that every committed run's file reads into
and that resume compares field by field; the sweep grid file as a layer of agent.config.load_config."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.config import ConfigError, load_config
from agent.eval.run_meta import RunMeta
from agent.eval.sweep import SweepConfig

REPO = Path(__file__).resolve().parents[1]


def test_every_committed_run_json_reads_back_and_writes_the_same_keys():
    files = sorted((REPO / "experiments").rglob("run.json"))
    assert len(files) >= 5
    for path in files:
        raw = json.loads(path.read_text())
        meta = RunMeta.read(path)
        assert json.loads(meta.to_json()) == raw, path  # same keys, same values, nothing added
        assert meta.identity_changes(meta) == {}
        assert meta.samples == raw["samples"] and meta.task_ids == raw["task_ids"]


def test_resume_compares_the_identity_fields_in_order_and_skips_what_the_old_run_lacks():
    old = RunMeta.model_validate({"kind": "eval", "samples": 4, "depth": 2, "model": None, "mode": "strict"})
    new = RunMeta(kind="eval", samples=8, depth=3, model="m", mode="lenient", fewshot=True)
    changes = new.identity_changes(old, unresolved_before=("model",))
    # mode is not an identity field; fewshot is not in the old file; model was recorded before it was resolved
    assert changes == {"samples": (4, 8), "depth": (2, 3)} and list(changes) == ["samples", "depth"]
    assert RunMeta(kind="eval", samples=4, depth=2, model="m").identity_changes(old) == {"model": (None, "m")}


def test_an_unknown_field_of_a_newer_run_json_is_kept():
    meta = RunMeta.model_validate({"kind": "sweep", "new_thing": [1, 2]})
    assert json.loads(meta.to_json()) == {"kind": "sweep", "new_thing": [1, 2]}


def test_the_sweep_grid_is_a_settings_layer_between_env_and_flags(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no chisel-agent.toml of the checkout's
    monkeypatch.delenv("CHISEL_AGENT_MODEL", raising=False)
    (tmp_path / "c.toml").write_text('temperature = 0.5\n[llm]\nmodel = "from-file"\n')
    grid = SweepConfig(model="from-grid", temperature=0.9).settings_layer("grid:g.yaml")
    cfg = load_config(tmp_path / "c.toml", layers=[grid])
    assert cfg.llm.model == "from-grid" and cfg.temperature == 0.9
    assert cfg.sources["llm.model"] == "grid:g.yaml"
    flagged = load_config(tmp_path / "c.toml", layers=[grid], model="from-flag")
    assert flagged.llm.model == "from-flag" and flagged.temperature == 0.9
    plain = load_config(tmp_path / "c.toml", layers=[SweepConfig().settings_layer("grid:g.yaml")])
    assert plain.llm.model == "from-file" and plain.temperature == 0.5  # a grid that sets nothing changes nothing
    with pytest.raises(ConfigError, match="from grid:bad.yaml"):
        load_config(tmp_path / "c.toml", layers=[SweepConfig(temperature=-1).settings_layer("grid:bad.yaml")])
