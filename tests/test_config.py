"""agent.config: defaults < file < env < overrides, and one-line errors for bad files."""
from __future__ import annotations

from pathlib import Path

import pytest

from agent.config import AgentConfig, ConfigError, load_config

ENV_VARS = ["OPENAI_BASE_URL", "OPENAI_API_KEY", "CHISEL_AGENT_BASE_URL", "CHISEL_AGENT_API_KEY",
            "CHISEL_AGENT_MODEL", "CHISEL_AGENT_CACHE", "CHISEL_AGENT_PROFILE"]


@pytest.fixture
def clean(tmp_path, monkeypatch):
    """No config-affecting env vars, an empty cwd and an empty XDG config dir."""
    for var in ENV_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_defaults(clean):
    cfg = load_config()
    assert cfg.config_file is None and cfg.sources == {}
    assert (cfg.k, cfg.depth, cfg.temperature, cfg.top_p, cfg.max_tokens, cfg.seed) == (4, 3, 0.2, 0.95, 2048, None)
    assert (cfg.escape_temperature, cfg.profile, cfg.workers, cfg.strict, cfg.rag, cfg.fix) == (
        0.8, "chisel7", None, True, True, True)
    assert cfg.budgets.max_llm_calls is None and cfg.budgets.max_tokens is None and cfg.budgets.max_wall_s is None
    assert cfg.llm.base_url == "http://localhost:8000/v1" and cfg.llm.model == "Qwen/Qwen2.5-Coder-14B-Instruct"
    assert cfg.llm.cache_path.name == "llm_cache.sqlite" and cfg.llm.use_cache


def test_local_file_is_read(clean):
    write(Path("chisel-agent.toml"), 'k = 8\nseed = 7\n[llm]\nmodel = "m-file"\ntimeout_s = 60\n'
                                     '[budgets]\nmax_llm_calls = 50\n')
    cfg = load_config()
    assert cfg.config_file == Path.cwd() / "chisel-agent.toml"
    assert (cfg.k, cfg.seed, cfg.llm.model, cfg.llm.timeout_s, cfg.budgets.max_llm_calls) == (8, 7, "m-file", 60, 50)
    assert cfg.depth == 3  # untouched keys keep their defaults
    assert cfg.sources["k"].startswith("file:") and "depth" not in cfg.sources


def test_xdg_file_is_the_fallback_and_local_wins(clean):
    write(clean / "xdg" / "chisel-agent" / "config.toml", "k = 2\ndepth = 5\n")
    assert (load_config().k, load_config().depth) == (2, 5)
    write(Path("chisel-agent.toml"), "k = 6\n")
    cfg = load_config()
    assert (cfg.k, cfg.depth) == (6, 3)  # the local file replaces the user file, it does not merge


def test_explicit_path_beats_discovery(clean):
    write(Path("chisel-agent.toml"), "k = 6\n")
    other = write(clean / "other.toml", "k = 9\n")
    assert load_config(other).k == 9


def test_env_beats_file_and_overrides_beat_env(clean, monkeypatch):
    write(Path("chisel-agent.toml"), '[llm]\nbase_url = "http://file:1/v1"\nmodel = "m-file"\napi_key = "k-file"\n')
    monkeypatch.setenv("OPENAI_BASE_URL", "http://openai-env:2/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "k-openai")
    monkeypatch.setenv("CHISEL_AGENT_MODEL", "m-env")
    cfg = load_config()
    assert (cfg.llm.base_url, cfg.llm.api_key, cfg.llm.model) == ("http://openai-env:2/v1", "k-openai", "m-env")
    assert cfg.sources["llm.model"] == "env:CHISEL_AGENT_MODEL"

    monkeypatch.setenv("CHISEL_AGENT_BASE_URL", "http://agent-env:3/v1")  # more specific than OPENAI_*
    monkeypatch.setenv("CHISEL_AGENT_API_KEY", "k-agent")
    cfg = load_config()
    assert (cfg.llm.base_url, cfg.llm.api_key) == ("http://agent-env:3/v1", "k-agent")

    cfg = load_config(base_url="http://flag:4/v1", model="m-flag", k=16, temperature=None)
    assert (cfg.llm.base_url, cfg.llm.model, cfg.k) == ("http://flag:4/v1", "m-flag", 16)
    assert cfg.temperature == 0.2  # None overrides are ignored
    assert cfg.sources["llm.base_url"] == "override"


def test_empty_env_var_is_unset(clean, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "")
    assert load_config().llm.base_url == "http://localhost:8000/v1"


def test_cache_env_is_a_directory(clean, monkeypatch):
    monkeypatch.setenv("CHISEL_AGENT_CACHE", str(clean / "c"))
    assert load_config().llm.cache_path == clean / "c" / "llm_cache.sqlite"
    assert load_config(use_cache=False).llm.use_cache is False


def test_relative_cache_path_in_file_is_relative_to_the_file(clean):
    f = write(clean / "proj" / "chisel-agent.toml", '[llm]\ncache_path = "cache/llm.sqlite"\n')
    assert load_config(f).llm.cache_path == (clean / "proj" / "cache" / "llm.sqlite").resolve()


def test_budget_and_llm_overrides(clean):
    cfg = load_config(max_llm_calls=10, max_tokens_total=5000, max_wall_s=60, max_tokens=256,
                      max_concurrency=2, timeout_s=5, cache_path=clean / "x.sqlite")
    assert (cfg.budgets.max_llm_calls, cfg.budgets.max_tokens, cfg.budgets.max_wall_s) == (10, 5000, 60)
    assert cfg.max_tokens == 256  # plain max_tokens is the per-completion limit
    assert (cfg.llm.max_concurrency, cfg.llm.timeout_s, cfg.llm.cache_path) == (2, 5, clean / "x.sqlite")


def test_the_search_reads_the_settings_model_itself(clean):
    # No second settings type between the file and the search: agent.search.solve takes AgentConfig.
    import inspect

    from agent.search import solve

    assert inspect.signature(solve).parameters["cfg"].annotation in (AgentConfig, "AgentConfig")
    cfg = load_config(k=3, depth=1, strict=False, max_tokens_total=999, seed=5)
    assert (cfg.k, cfg.depth, cfg.mode, cfg.budgets.max_tokens, cfg.seed) == (3, 1, "lenient", 999, 5)
    assert load_config().mode == "strict"


def test_redacted_hides_the_api_key(clean):
    cfg = load_config(api_key="sk-secret")
    assert "sk-secret" not in str(cfg.redacted()) and "sk-secret" not in repr(cfg)
    assert load_config().redacted()["llm"]["api_key"] == "EMPTY"


@pytest.mark.parametrize("text, expect", [
    ("k = \n", r"chisel-agent.toml: invalid TOML: .*line 1"),
    ("kk = 4\n", r"chisel-agent.toml: unknown key 'kk' \(did you mean 'k'\?\)"),
    ('[llm]\nmodle = "x"\n', r"unknown key 'llm.modle' \(did you mean 'model'\?\)"),
    ('model = "x"\n', r"unknown key 'model' \(it belongs in the llm table\)"),
    ('llm = "x"\n', r"'llm' must be a table"),
    ('k = "four"\n', r"chisel-agent.toml: k: Input should be a valid integer.*'four'"),
    ("k = 0\n", r"k: Input should be greater than or equal to 1"),
    ('select = "best"\n', r"select: Input should be 'first' or 'all'"),
    ("[llm]\ntimeout_s = -1\n", r"llm.timeout_s: Input should be greater than 0"),
    ("[budgets]\nmax_wall_s = 0\n", r"budgets.max_wall_s: Input should be greater than 0"),
    # a bool where a number or a bool belongs was coerced (k = true -> 1; fewshot = 1 -> True)
    ("k = true\n", r"k: Input should be a valid integer.*True"),
    ("[llm]\ntimeout_s = true\n", r"llm.timeout_s: Input should be a valid number"),
    ("fewshot = 1\n", r"fewshot: Input should be a valid boolean"),
    # an unknown profile was shown by config show and refused only by the commands that used it
    ('profile = "chisel9"\n', r"profile: unknown profile; choose one of: chisel7, chisel6 \(got 'chisel9'"),
    # a core note that is not in rag_docs would have failed only when the first prompt was rendered
    ('core_notes = ["bundle-io", "no-such-note"]\n', r"core_notes: .*unknown note id\(s\) 'no-such-note'; the notes are: .*bundle-io"),
])
def test_bad_file_is_one_line_naming_file_and_key(clean, text, expect):
    write(Path("chisel-agent.toml"), text)
    with pytest.raises(ConfigError, match=expect) as info:
        load_config()
    assert "\n" not in str(info.value)


def test_missing_explicit_file_and_directory(clean):
    with pytest.raises(ConfigError, match="config file not found: .*nope.toml"):
        load_config(clean / "nope.toml")
    with pytest.raises(ConfigError, match="is a directory"):
        load_config(clean)


def test_bad_override_and_bad_env_value(clean, monkeypatch):
    with pytest.raises(ConfigError, match="unknown config override 'kay'"):
        load_config(kay=3)
    with pytest.raises(ConfigError, match=r"k: .*greater than or equal to 1"):
        load_config(k=0)
    monkeypatch.setenv("CHISEL_AGENT_PROFILE", "")
    assert load_config().profile == "chisel7"


def test_every_key_is_documented():
    doc = (Path(__file__).resolve().parents[1] / "docs" / "configuration.md").read_text()
    from agent.config import Budgets
    from agent.config import LLMConfig
    names = [k for k in AgentConfig.model_fields if k not in ("llm", "budgets")]
    names += [f"llm.{k}" for k in LLMConfig.model_fields] + [f"budgets.{k}" for k in Budgets.model_fields]
    missing = [n for n in names if f"`{n}`" not in doc]
    assert not missing, f"undocumented config keys: {missing}"


def test_documented_defaults_are_the_models_defaults():
    # docs/configuration.md is the one place the settings are described: its defaults must be the
    # model's, not a copy that drifts (a second settings type once kept its own).
    import re
    import tomllib

    from agent.config import Budgets, LLMConfig

    doc = (Path(__file__).resolve().parents[1] / "docs" / "configuration.md").read_text()
    rows = re.findall(r"^\| `([a-z_.]+)` \| (none|`[^`]*`) \|", doc, re.M)
    models = {"": AgentConfig(), "llm.": LLMConfig(), "budgets.": Budgets()}
    checked = 0
    for key, shown in rows:
        prefix = key[: key.index(".") + 1] if "." in key else ""
        value = getattr(models[prefix], key[len(prefix):])
        if shown.startswith("`<"):  # a path under a directory chosen at run time
            continue
        expected = None if shown == "none" else tomllib.loads(f"x = {shown.strip('`')}")["x"]
        assert value == expected, f"docs/configuration.md says {key} = {shown}, the model says {value!r}"
        checked += 1
    assert checked >= 30, f"only {checked} documented defaults found: did the table format change?"


@pytest.mark.parametrize("url", ["localhost:8000/v1", "ftp://x/v1", "http://", ""])
def test_base_url_needs_a_scheme_and_host(clean, url):
    with pytest.raises(ConfigError, match=r"llm.base_url: .*http:// or https:// URL"):
        load_config(base_url=url or " ")



def test_numbers_still_accept_ints_for_floats(clean):
    write(Path("chisel-agent.toml"), "temperature = 1\n[llm]\ntimeout_s = 60\n")
    cfg = load_config()
    assert cfg.temperature == 1.0 and cfg.llm.timeout_s == 60.0


def test_unknown_profile_from_env_is_refused(clean, monkeypatch):
    monkeypatch.setenv("CHISEL_AGENT_PROFILE", "chisel9")
    with pytest.raises(ConfigError, match=r"profile: unknown profile.*from env:CHISEL_AGENT_PROFILE"):
        load_config()


def test_every_problem_is_listed_and_a_non_table_names_its_key(clean):
    write(Path("chisel-agent.toml"), "k = 0\ndepth = -1\n")
    with pytest.raises(ConfigError) as info:
        load_config()
    msg = str(info.value)
    assert "k: Input should be greater than or equal to 1" in msg and "; depth: Input should be" in msg
    assert "more problem" not in msg and "\n" not in msg


def test_config_show_names_the_key_of_a_non_table(clean):
    """`llm = 3` printed `llm3.toml:  must be a table`: the console took "[llm]" for markup."""
    from typer.testing import CliRunner

    from agent.cli import app

    write(Path("llm3.toml"), "llm = 3\n")
    r = CliRunner().invoke(app, ["config", "show", "--config", "llm3.toml"], env={"COLUMNS": "300"})
    assert r.exit_code == 2 and "'llm' must be a table" in r.output, r.output
