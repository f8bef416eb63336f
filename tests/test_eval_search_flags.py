"""`agent eval` / `agent sweep` --pymodels M and --no-examples: settings like --temperature or --no-rag
(defaults < config file < env vars < flags), recorded in run.json, and a --resume with another value
refused in one line. No verifier and no model: the runs stop at the refused resume or the absent server."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run_agent, seed_eval_set


def _bench(tmp_path: Path) -> Path:
    return seed_eval_set(tmp_path / "set.jsonl", [("p1", "L1", "FlagTop")])


def _captured_settings(monkeypatch, tmp_path, *args: str):
    """Run `agent ARGS` in-process up to run_benchmark and return the settings the run would use
    (RunOptions resolved the way the runner resolves them)."""
    from typer.testing import CliRunner

    import agent.eval.runner as runner
    from agent.cli import app

    seen = {}

    def fake_run_benchmark(bench, opts, **_kw):
        runner.resolve_settings(opts)
        seen["opts"] = opts
        raise runner.RunError("stopped by the test")

    monkeypatch.chdir(tmp_path)  # no chisel-agent.toml of the checkout's
    monkeypatch.setattr(runner, "run_benchmark", fake_run_benchmark)
    res = CliRunner().invoke(app, [str(a) for a in args])
    assert "stopped by the test" in res.output, res.output
    return seen["opts"]


@pytest.mark.parametrize("command", ["eval", "sweep"])
def test_the_flags_land_in_the_settings_and_run_json(monkeypatch, tmp_path, command):
    from agent.eval.runner import run_meta

    bench = _bench(tmp_path)
    common = [command, bench, "--out", tmp_path / "run", "--base-url", "http://127.0.0.1:9/v1", "-n", "1"]
    opts = _captured_settings(monkeypatch, tmp_path, *common, "--pymodels", "3", "--no-examples")
    assert (opts.settings.pymodels, opts.settings.examples) == (3, False)
    assert opts.settings.sources["pymodels"] == "override" and opts.settings.sources["examples"] == "override"
    from agent.eval.benchmarks import load_benchmark

    meta = run_meta(load_benchmark(str(bench)), opts, ["p1"])
    assert (meta.pymodels, meta.examples) == (3, False)

    plain = _captured_settings(monkeypatch, tmp_path, *common)
    assert (plain.settings.pymodels, plain.settings.examples) == (0, True)  # the defaults


def test_a_flag_overrides_the_config_file(monkeypatch, tmp_path):
    toml = tmp_path / "pm.toml"
    toml.write_text("pymodels = 2\nexamples = true\n")
    common = ["eval", _bench(tmp_path), "--config", toml, "--out", tmp_path / "run", "-n", "1",
              "--base-url", "http://127.0.0.1:9/v1"]
    from_file = _captured_settings(monkeypatch, tmp_path, *common)
    assert (from_file.settings.pymodels, from_file.settings.examples) == (2, True)
    flagged = _captured_settings(monkeypatch, tmp_path, *common, "--pymodels", "0", "--no-examples")
    assert (flagged.settings.pymodels, flagged.settings.examples) == (0, False)


def _started_run(tmp_path: Path, **settings) -> tuple[Path, Path]:
    """A run directory as `agent eval` leaves it when it starts (run.json written, nothing recorded)."""
    from agent.eval.benchmarks import load_benchmark
    from agent.eval.runner import RunOptions, prepare_run_dir

    bench = _bench(tmp_path)
    out = tmp_path / "run"
    prepare_run_dir(load_benchmark(str(bench)),
                    RunOptions(out=out, ks=[1], samples=1, base_url="http://127.0.0.1:9/v1", **settings))
    return bench, out


@pytest.mark.parametrize("flags, change", [
    (("--pymodels", "3"), "pymodels was 2, now 3"),
    (("--pymodels", "2", "--no-examples"), "examples was True, now False"),
])
def test_resume_with_another_value_is_refused_in_one_line(monkeypatch, tmp_path, flags, change):
    from agent.llm.stub_server import refused_url

    monkeypatch.chdir(tmp_path)
    bench, out = _started_run(tmp_path, pymodels=2)
    meta = json.loads((out / "run.json").read_text())
    assert (meta["pymodels"], meta["examples"]) == (2, True)
    proc = run_agent("eval", bench, "-n", "1", "--out", out, "--resume", "--base-url", refused_url(), *flags)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].endswith(change), proc.stderr
    assert "cannot resume" in lines[0] and "Traceback" not in proc.stderr


def test_resume_with_the_same_values_goes_on_to_the_server(monkeypatch, tmp_path):
    from agent.llm.stub_server import refused_url

    monkeypatch.chdir(tmp_path)
    bench, out = _started_run(tmp_path, pymodels=2, examples=False)
    proc = run_agent("eval", bench, "-n", "1", "--out", out, "--resume", "--base-url", refused_url(),
                     "--pymodels", "2", "--no-examples")
    assert proc.returncode == 2
    assert "settings differ" not in proc.stderr and "nothing was run" in proc.stderr, proc.stderr


@pytest.mark.parametrize("flag", [("--pymodels", "2"), ("--no-examples",)])
def test_the_flags_do_not_apply_to_a_replay(tmp_path, flag):
    proc = run_agent("eval", _bench(tmp_path), "--replay", tmp_path / "r.json", *flag)
    assert proc.returncode == 2 and f"{flag[0]} does not apply to --replay" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_run_records_its_core_notes_and_resume_with_others_is_refused(monkeypatch, tmp_path):
    """Issue 19: the core notes change every prompt, so a run cannot be finished with another list."""
    from agent.config import CORE_NOTES
    from agent.llm.stub_server import refused_url

    monkeypatch.chdir(tmp_path)
    bench, out = _started_run(tmp_path, pymodels=2)
    assert json.loads((out / "run.json").read_text())["core_notes"] == []
    toml = tmp_path / "core.toml"
    toml.write_text(f"pymodels = 2\ncore_notes = {json.dumps(list(CORE_NOTES))}\n")
    proc = run_agent("eval", bench, "-n", "1", "--out", out, "--resume", "--base-url", refused_url(), "--config", toml)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].endswith(f"core_notes was [], now {list(CORE_NOTES)}"), proc.stderr
