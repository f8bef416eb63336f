"""The agent's configuration: one pydantic model, loaded with a fixed precedence.

    defaults  <  config file (TOML)  <  environment variables  <  explicit overrides (CLI flags)

The config file is `--config PATH` if given, else `./chisel-agent.toml`, else
`$XDG_CONFIG_HOME/chisel-agent/config.toml` (XDG_CONFIG_HOME defaults to ~/.config). Every key is
documented in docs/configuration.md. A bad file is a `ConfigError` (a ValueError) whose message is
one line naming the file and the key.
"""
from __future__ import annotations

import difflib
import os
import tomllib
from pathlib import Path
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, Field, PrivateAttr, ValidationError, field_validator

from reflect_env.toolchain import PROFILES, cache_dir
from agent.errors import ChiselAgentError

LOCAL_CONFIG_NAME = "chisel-agent.toml"


class ConfigError(ChiselAgentError, ValueError):
    """A config file or override that cannot be used; the message is one line."""


# -- [llm]: the model server (the client, agent.llm.client, takes this) --------------------------------

DEFAULT_MODEL = "Qwen/Qwen2.5-Coder-14B-Instruct"


def default_cache_path() -> Path:
    return cache_dir() / "llm_cache.sqlite"


def _http_url(v: str) -> str:
    # Without a scheme the HTTP layer fails with a misleading "connection closed" much later.
    from urllib.parse import urlparse

    u = urlparse(v.strip())
    if u.scheme not in ("http", "https") or not u.netloc:
        raise ValueError("base_url must be an http:// or https:// URL such as http://localhost:8000/v1")
    return v.strip()


# The notes every design uses (ports, module and top, registers, combinational defaults): the set
# `core_notes` was measured with; the Bundle IO note alone was retrieved for 22 of 23 own-slice specs.
CORE_NOTES = ("bundle-io", "module-hierarchy", "registers", "wire-defaults")


class LLMConfig(BaseModel):
    base_url: str = "http://localhost:8000/v1"
    # Several endpoints serving the same model: eval/sweep spread requests over them (agent.llm.router);
    # empty means base_url alone.
    base_urls: list[str] = Field(default_factory=list)
    api_key: str = Field(default="EMPTY", repr=False)
    model: str = DEFAULT_MODEL
    timeout_s: float = Field(default=180.0, gt=0, strict=True)
    max_retries: int = Field(default=4, ge=0, strict=True)         # retries after the first attempt
    # Requests in flight at once, per client; lowered to the server's parallel slots when it says
    # (llama-server's /props `total_slots`). A server that runs fewer at once queues the rest, and a
    # queued request's timeout runs while it waits: set this to its slots (1 for llama-cpp-python).
    max_concurrency: int = Field(default=8, ge=1, strict=True)
    cache_path: Path | None = Field(default_factory=default_cache_path)
    use_cache: bool = Field(default=True, strict=True)
    retry_backoff_s: float = Field(default=1.0, ge=0, strict=True)       # first backoff; doubles per retry, jittered
    retry_backoff_max_s: float = Field(default=30.0, ge=0, strict=True)  # cap for one wait, Retry-After included
    # Read replies as they are generated (llama-server's SSE stream): a sample ends at its code block's
    # end or when it repeats itself, not at max_tokens (agent/llm/stream.py). The embedded server sets it.
    stream: bool = Field(default=False, strict=True)

    model_config = {"extra": "forbid"}

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, v: str) -> str:
        return _http_url(v)

    @field_validator("base_urls")
    @classmethod
    def _http_urls(cls, v: list[str]) -> list[str]:
        return list(dict.fromkeys(_http_url(u) for u in v))  # a repeated endpoint is one endpoint

    @property
    def endpoints(self) -> list[str]:
        """Where requests go: base_urls when set, else base_url alone."""
        return self.base_urls or [self.base_url]


class Budgets(BaseModel):
    """Per-task limits for the search loop; None means unlimited."""
    max_llm_calls: int | None = Field(default=None, ge=1, strict=True)
    max_tokens: int | None = Field(default=None, ge=1, strict=True)   # prompt + completion tokens, all calls of a task
    max_wall_s: float | None = Field(default=None, gt=0, strict=True)

    model_config = {"extra": "forbid"}


class AgentConfig(BaseModel):
    llm: LLMConfig = Field(default_factory=LLMConfig)
    # generation
    k: int = Field(default=4, ge=1, strict=True)                    # samples per task: one request with n=k
    depth: int = Field(default=3, ge=0, strict=True)                # repair rounds per sample
    temperature: float = Field(default=0.2, ge=0, le=2, strict=True)
    top_p: float = Field(default=0.95, gt=0, le=1, strict=True)
    max_tokens: int = Field(default=2048, ge=1, strict=True)        # per completion
    seed: int | None = Field(default=None, strict=True)
    escape_temperature: float = Field(default=0.8, ge=0, le=2, strict=True)  # fresh sample when repair goes in circles
    select: Literal["first", "all"] = "first"
    fewshot: bool = Field(default=True, strict=True)
    import_hints: bool = Field(default=True, strict=True)  # import lines for what the spec names, in every prompt
    escape: bool = Field(default=True, strict=True)  # a stalled repair chain restarts from a fresh sample
    rag_k: int = Field(default=3, ge=0, strict=True)
    # Notes (rag_docs ids) in the system message of every prompt, prose only, instead of retrieved after
    # each spec (issue 19): a longer shared prefix for the server's cache. Off by default: CORE_NOTES
    # (the four fundamentals) took a README solve's cached share from 24 % to 58 % but saved no time (the
    # uncached part is the same, evaluated against a longer context) and cost answers on both benchmarks
    # (eval_set_v2 pass@4 0.70 -> 0.59, own slice pass@1 0.21 -> 0.16; BENCHMARKS.md "Session 12").
    core_notes: list[str] = Field(default_factory=list)
    # Worked examples retrieved per spec from the verified example bank (docs/examples.md): m of them
    # in the generate prompt instead of the one fixed example, which stays the fallback when none
    # qualifies. `example_diversity`: what the k samples see (same | order | sets).
    examples: bool = Field(default=True, strict=True)
    examples_m: int = Field(default=2, ge=0, strict=True)
    example_diversity: Literal["same", "order", "sets"] = "same"
    # Solving with no reference and no testbench (docs/oracle_free.md): the spec's interface as a
    # verdict, behavioural voting among k > 1 passes, the model's own checks (one more LLM call).
    interface: bool = Field(default=True, strict=True)
    vote: bool = Field(default=True, strict=True)
    checks: bool = Field(default=False, strict=True)
    # Python reference models the model writes from the spec (docs/python_models.md): candidates are scored by
    # co-simulated agreement with them and with each other. 0 = off (no extra LLM call); off by default until
    # measured live (issue 20).
    pymodels: int = Field(default=0, ge=0, le=8, strict=True)
    # verification
    profile: str = "chisel7"
    workers: int | None = Field(default=None, ge=1, strict=True)    # None: one JVM worker per core
    strict: bool = Field(default=True, strict=True)  # requested top module must exist
    rag: bool = Field(default=True, strict=True)
    fix: bool = Field(default=True, strict=True)  # rule-based fixers before asking the LLM to repair
    budgets: Budgets = Field(default_factory=Budgets)
    local: bool = Field(default=True, strict=True)  # `agent solve` serves the local model when nothing is served
    # eval/sweep/datagen verify on a Ray cluster at this address (agent.cluster, docs/cluster.md); None: locally
    ray_address: str | None = Field(default=None, min_length=1)

    model_config = {"extra": "forbid"}

    @field_validator("core_notes")
    @classmethod
    def _known_notes(cls, v: list[str]) -> list[str]:
        from agent.rag.notes import note_texts

        note_texts(tuple(v))  # an unknown id fails here, not when the first prompt is rendered
        return list(dict.fromkeys(v))

    @field_validator("profile")
    @classmethod
    def _known_profile(cls, v: str) -> str:
        # Checked here, not only when a command starts the verifier: `config show` displayed an
        # unknown profile as if it were usable.
        if v not in PROFILES:
            raise ValueError(f"unknown profile; choose one of: {', '.join(PROFILES)}")
        return v

    _sources: dict[str, str] = PrivateAttr(default_factory=dict)
    _file: Path | None = PrivateAttr(default=None)

    @property
    def config_file(self) -> Path | None:
        """The file that was read, if any."""
        return self._file

    @property
    def sources(self) -> dict[str, str]:
        """Dotted key -> where its value came from ("file:PATH", "env:NAME", "override"); absent = default."""
        return dict(self._sources)

    @property
    def mode(self) -> Literal["strict", "lenient"]:
        """The verifier's mode: strict needs the requested top module to exist."""
        return "strict" if self.strict else "lenient"

    def redacted(self) -> dict:
        """A JSON-ready dump with the API key hidden (for `--json` output and run records)."""
        data = self.model_dump(mode="json")
        if data["llm"].get("api_key") not in (None, "", "EMPTY"):
            data["llm"]["api_key"] = "***"
        return data


# Override keys that are not top-level fields: LLM settings by their own names, and the budgets.
_LLM_KEYS = set(LLMConfig.model_fields)
_BUDGET_OVERRIDES = {"max_llm_calls": "max_llm_calls", "max_tokens_total": "max_tokens", "max_wall_s": "max_wall_s"}

# Environment variables, weakest first: a later one for the same key wins.
_ENV_VARS: list[tuple[str, str]] = [
    ("OPENAI_BASE_URL", "llm.base_url"),
    ("OPENAI_API_KEY", "llm.api_key"),
    ("CHISEL_AGENT_BASE_URL", "llm.base_url"),
    ("CHISEL_AGENT_API_KEY", "llm.api_key"),
    ("CHISEL_AGENT_MODEL", "llm.model"),
    ("CHISEL_AGENT_CACHE", "llm.cache_path"),   # a directory: the cache file is llm_cache.sqlite in it
    ("CHISEL_AGENT_PROFILE", "profile"),
    ("CHISEL_AGENT_RAY", "ray_address"),
]


def find_config_file(cwd: Path | None = None) -> Path | None:
    """The config file used when no --config is given, or None."""
    local = (cwd or Path.cwd()) / LOCAL_CONFIG_NAME
    if local.is_file():
        return local
    xdg = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    user = Path(xdg).expanduser() / "chisel-agent" / "config.toml"
    return user if user.is_file() else None


def load_config(path: Path | str | None = None, *, flags: dict[str, str] | None = None,
                layers: Sequence[tuple[str, dict[str, Any]]] = (), **overrides: Any) -> AgentConfig:
    """Defaults < config file < env vars < layers < overrides (None values are ignored). flags:
    override name -> the command-line flag it came from, so an error says `from --base-url`, not
    `from override` (sources still say "override"). layers: (source, {override name: value}) in
    rising precedence, e.g. `agent sweep`'s grid file ("grid:FILE"), which a flag still overrides."""
    file = Path(path).expanduser() if path is not None else find_config_file()
    data: dict[str, Any] = {}
    sources: dict[str, str] = {}
    if file is not None:
        data = _read_file(file, explicit=path is not None)
        for key in _dotted_keys(data):
            sources[key] = f"file:{file}"

    for var, key in _ENV_VARS:
        value = os.environ.get(var, "").strip()
        if not value:
            continue
        if key == "llm.cache_path":
            value = str(Path(value).expanduser() / "llm_cache.sqlite")
        _set(data, key, value)
        sources[key] = f"env:{var}"

    for source, values in [*layers, ("override", overrides)]:
        for name, value in values.items():
            if value is None:
                continue
            key = _override_key(name)
            _set(data, key, Path(value).expanduser() if key == "llm.cache_path" else value)
            sources[key] = source

    labels = dict(sources)
    for name, flag in (flags or {}).items():
        key = _override_key(name)
        if sources.get(key) == "override":
            labels[key] = flag
    try:
        cfg = AgentConfig.model_validate(data)
    except ValidationError as e:
        raise ConfigError(_describe(e, labels)) from None
    cfg._sources = sources
    cfg._file = file
    return cfg


def _read_file(file: Path, explicit: bool) -> dict[str, Any]:
    if not file.exists():
        raise ConfigError(f"config file not found: {file}")
    if file.is_dir():
        raise ConfigError(f"config file is a directory: {file}")
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{file}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{file}: invalid TOML: {e}") from None
    except OSError as e:
        raise ConfigError(f"{file}: cannot read: {e.strerror or e}") from None
    _check_keys(file, data)
    cache_path = data.get("llm", {}).get("cache_path") if isinstance(data.get("llm"), dict) else None
    if isinstance(cache_path, str) and cache_path:
        # Relative to the file, so a project's chisel-agent.toml means the same from any directory.
        p = Path(cache_path).expanduser()
        data["llm"]["cache_path"] = str(p if p.is_absolute() else file.parent.resolve() / p)
    try:
        AgentConfig.model_validate(data)
    except ValidationError as e:
        raise ConfigError(f"{file}: {_describe(e, {})}") from None
    return data


def _check_keys(file: Path, data: dict[str, Any]) -> None:
    """Unknown keys are errors (a typo must not silently fall back to a default)."""
    sections: dict[str, type[BaseModel]] = {"llm": LLMConfig, "budgets": Budgets}
    for key, value in data.items():
        if key in sections:
            if not isinstance(value, dict):
                # No "[llm]" here: the console reads brackets as markup and printed an empty key name.
                raise ConfigError(f"{file}: '{key}' must be a table (a section of its own), got {type(value).__name__}")
            known = set(sections[key].model_fields)
            for sub in value:
                if sub not in known:
                    raise ConfigError(f"{file}: unknown key '{key}.{sub}'{_suggest(sub, known)}")
        elif key not in AgentConfig.model_fields:
            # A key of another table is named as such before a near miss (`model` is not `pymodels`).
            if key in LLMConfig.model_fields:
                hint = " (it belongs in the llm table)"
            elif key in Budgets.model_fields:
                hint = " (it belongs in the budgets table)"
            else:
                hint = _suggest(key, set(AgentConfig.model_fields))
            raise ConfigError(f"{file}: unknown key '{key}'{hint}")


def _suggest(word: str, known: set[str]) -> str:
    close = difflib.get_close_matches(word, sorted(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _override_key(name: str) -> str:
    if name in AgentConfig.model_fields and name not in ("llm", "budgets"):
        return name
    if name in _LLM_KEYS:
        return f"llm.{name}"
    if name in _BUDGET_OVERRIDES:
        return f"budgets.{_BUDGET_OVERRIDES[name]}"
    raise ConfigError(f"unknown config override '{name}'")


def _set(data: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, leaf = dotted.split(".")
    node = data
    for p in parents:
        node = node.setdefault(p, {})
    node[leaf] = value


def _dotted_keys(data: dict[str, Any], prefix: str = "") -> list[str]:
    out = []
    for k, v in data.items():
        if isinstance(v, dict):
            out += _dotted_keys(v, f"{prefix}{k}.")
        else:
            out.append(prefix + k)
    return out


def _describe(err: ValidationError, sources: dict[str, str]) -> str:
    """Every validation error as `key: problem (got X, from SOURCE)`, `; `-separated on one line (a
    count of the others hid what else to fix)."""
    parts = []
    for e in err.errors():
        key = ".".join(str(p) for p in e["loc"])
        got = e.get("input")
        where = sources.get(key)
        where_txt = f", from {where}" if where else ""
        got_txt = f" (got {got!r}{where_txt})" if not isinstance(got, dict) else ""
        msg = e["msg"].removeprefix("Value error, ")
        parts.append(f"{key}: {msg}{got_txt}")
    return "; ".join(parts)
