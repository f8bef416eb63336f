"""Options several commands take, declared once: one name, one meaning and one help text each.

A command writes `as_json: Json = False` or `profile: Profile = None`; typer reads the option from the
`Annotated` alias. An option whose meaning differs between commands (`datagen --out` is a file,
`serve --model` a local model) keeps its own declaration in its command.

Renamed options keep their old spelling as a hidden alias (`SamplesAlias`, `SamplesGridAlias`), so
scripts written against it still work; docs/configuration.md lists them. `-k` is one such alias and
also `agent eval`'s pass@k, so `either` warns whenever it is used as the sample count.
"""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional, TypeVar

import typer

from agent.cli_util import err_console, fail

# -- output --------------------------------------------------------------------------------------
Json = Annotated[bool, typer.Option("--json", help="print exactly one JSON object on stdout on success (no progress bar); errors are one line on stderr with a non-zero exit")]
RunDir = Annotated[Optional[Path], typer.Option(
    "--out", "-o", help="run directory (default: a new one under runs/); held by this run alone while it goes")]
Resume = Annotated[bool, typer.Option("--resume", help="finish an interrupted run in --out (it must exist)")]

# -- configuration and the model server (agent.config: defaults < config file < env vars < flags) --
Config = Annotated[Optional[Path], typer.Option(
    "--config", help="config file (TOML; default ./chisel-agent.toml, see docs/configuration.md)")]
Model = Annotated[Optional[str], typer.Option("--model", help="served model name, as the server knows it")]
BaseUrl = Annotated[Optional[str], typer.Option(
    "--base-url", help="OpenAI-compatible endpoint, ending in /v1 (or OPENAI_BASE_URL)")]
BaseUrls = Annotated[Optional[list[str]], typer.Option(
    "--base-url", help="OpenAI-compatible endpoint, ending in /v1 (or OPENAI_BASE_URL); given more than once, "
                       "requests are spread over the endpoints (the same model on each; llm.base_urls)")]
ApiKey = Annotated[Optional[str], typer.Option("--api-key", help="bearer token (or OPENAI_API_KEY)")]
NoCache = Annotated[bool, typer.Option(
    "--no-cache", help="do not answer LLM requests from the response cache (and write nothing to it)")]
Temperature = Annotated[Optional[float], typer.Option("--temperature", min=0.0, help="sampling temperature")]
MaxTokens = Annotated[Optional[int], typer.Option("--max-tokens", min=1, help="max tokens per reply")]

# -- the search ----------------------------------------------------------------------------------
Samples = Annotated[Optional[int], typer.Option(
    "-n", "--samples", min=1, help="samples per problem, drawn in round 0 (default: the config's k)")]
SamplesAlias = Annotated[Optional[int], typer.Option("-k", min=1, hidden=True, help="old name of -n/--samples")]
SamplesGrid = Annotated[Optional[str], typer.Option(
    "-n", "--samples", help="samples grid, e.g. 1,2,4,8 (one run draws the largest); "
                            "default: the grid file, else powers of two up to the config's k")]
SamplesGridAlias = Annotated[Optional[str], typer.Option("--k", hidden=True, help="old name of -n/--samples")]
Depth = Annotated[Optional[int], typer.Option(
    "--depth", min=0, help="repair rounds per sample (default: the config's depth)")]
PassAtK = Annotated[Optional[str], typer.Option(
    "-k", "--pass-at", help="pass@k values to report, e.g. 1,5,10 (each k needs k samples per problem)")]
Select = Annotated[Optional[str], typer.Option(
    "--select", help="first: stop at the first pass; all: run every sample chain to its end "
                     "(unbiased pass@k for k < samples)")]
NoFix = Annotated[bool, typer.Option("--no-fix", help="turn the deterministic fixers off")]
NoRag = Annotated[bool, typer.Option("--no-rag", help="no retrieved notes in prompts")]
NoExamples = Annotated[bool, typer.Option(
    "--no-examples", help="no retrieved worked examples: the one fixed example, as before issue 22 (the ablation; "
                          "the setting examples = false)")]
PyModels = Annotated[Optional[int], typer.Option(
    "--pymodels", min=0, max=8, help="Python models of the spec to draw (one more LLM call) and choose candidates "
                                     "by agreement with (docs/python_models.md; the setting pymodels; default 0: off)")]

# -- benchmark runs --------------------------------------------------------------------------------
Limit = Annotated[Optional[int], typer.Option("--limit", min=1, help="only the first N problems")]
Ids = Annotated[Optional[str], typer.Option("--ids", help="only these problems: ID,ID,... or @FILE (one id per line)")]
Concurrency = Annotated[Optional[int], typer.Option("--concurrency", min=1, help="problems in flight")]
OracleFeedback = Annotated[bool, typer.Option(
    "--oracle-feedback/--no-oracle-feedback",
    help="let the search verify against the reference/testbench and repair from its mismatches "
         "(default: no; the reference only scores)")]
CompileOnly = Annotated[bool, typer.Option(
    "--compile-only", help="score compile + elaborate only (the seed's metric); no functional check")]

# -- the verifier ------------------------------------------------------------------------------------
Profile = Annotated[Optional[str], typer.Option("--profile", "-p", help="toolchain profile: chisel7 (the default) or chisel6")]
Workers = Annotated[Optional[int], typer.Option(
    "--workers", "-w", min=1,
    help="verifier JVM workers (default: one per core; solve: one per sample, at most one per two cores)")]
RayAddress = Annotated[Optional[str], typer.Option(
    "--ray", metavar="ADDRESS", help="verify on the Ray cluster at ADDRESS (its head's host:port, or auto), one "
                                     "actor per CPU, or --workers of them (the setting ray_address; docs/cluster.md)")]
Strict = Annotated[bool, typer.Option(
    "--strict/--lenient", help="strict: the requested top module must exist (else name_mismatch); "
                               "lenient: a renamed single top is accepted")]
AllowBlackbox = Annotated[bool, typer.Option(
    "--allow-blackbox", help="accept BlackBox/inline Verilog in candidates (default: category blackbox)")]
Top = Annotated[Optional[str], typer.Option(
    "--top", "-t", help="module to define and elaborate (default: solve takes the name the spec gives; "
                        "otherwise the file's top-level module, the one no other module instantiates, "
                        "the last defined if there are several)")]
Ref = Annotated[Optional[Path], typer.Option("--ref", help="reference: a design (.scala or .sv) for differential simulation, or a Python model (.py, docs/python_models.md) for co-simulation")]
Testbench = Annotated[Optional[Path], typer.Option(
    "--tb", help="testbench: VerilogEval _test.sv (with --ref _ref.sv) or Verilator .cpp")]


T = TypeVar("T")


# Old aliases that mean something else in another command: a user may have meant that, so using one
# is said on stderr every time, and giving it beside the new name is refused even with equal values.
_AMBIGUOUS_ALIASES = {"-k": ("pass@k", "agent eval")}


def either(new: T | None, old: T | None, name: str, alias: str) -> T | None:
    """The value of an option given under its name or under its hidden old alias (not both)."""
    short = name.split("/")[0]
    if alias in _AMBIGUOUS_ALIASES and old is not None:
        meaning, where = _AMBIGUOUS_ALIASES[alias]
        if new is not None:
            fail(f"{alias} here is the old name of {name}, not {meaning} (that is {alias} in {where}); "
                 f"give {short} alone")
        err_console.print(f"[yellow]warning:[/] {alias} is the old name of {name} here "
                          f"(in {where}, {alias} is {meaning}); use {short}", highlight=False, soft_wrap=True)
    elif new is not None and old is not None and new != old:
        fail(f"{name} and {alias} are the same option; give one")
    return new if new is not None else old
