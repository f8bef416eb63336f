"""The CLI's shared options: one name, one meaning and one help text across commands; old spellings
still accepted as hidden aliases."""
from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from agent.cli import app

runner = CliRunner()


def _commands(group, prefix: str = ""):
    """(name, command) for every leaf command; typer vendors its own click, hence the duck typing."""
    ctx = typer.Context(group)
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        if hasattr(cmd, "list_commands"):
            yield from _commands(cmd, f"{prefix}{name} ")
        elif cmd is not None:
            yield f"{prefix}{name}", cmd


def _is_option(param) -> bool:
    return param.param_type_name == "option"


COMMANDS = dict(_commands(typer.main.get_command(app)))


def test_every_command_answers_help():
    assert {"solve", "eval", "sweep", "check", "datagen", "bench overhead", "llm ping"} <= set(COMMANDS)
    for name in COMMANDS:
        r = runner.invoke(app, [*name.split(), "--help"])
        assert r.exit_code == 0, (name, r.output)


# Same name, another meaning, so their own declaration: serve's and bench engine's --model name a local
# model, bench verify's --limit counts candidates, bench llm's --concurrency requests, sweep's --samples
# and --depth are grids.
OWN_MEANING = {("--model", "serve"), ("--model", "bench engine"), ("--limit", "bench verify"),
               ("--samples", "sweep"), ("--depth", "sweep"), ("--concurrency", "bench llm")}


@pytest.mark.parametrize("flag", ["--json", "--profile", "--workers", "--model", "--base-url", "--api-key",
                                  "--config", "--resume", "--no-cache", "--no-fix", "--no-rag", "--temperature",
                                  "--samples", "--depth", "--select", "--limit", "--strict", "--oracle-feedback",
                                  "--compile-only", "--allow-blackbox", "--top", "--ref", "--tb", "--concurrency"])
def test_a_shared_option_has_one_meaning(flag):
    """Every command that takes the flag declares it with the same names and help text."""
    seen = {}
    for name, cmd in COMMANDS.items():
        if (flag, name) in OWN_MEANING:
            continue
        for p in cmd.params:
            if _is_option(p) and flag in p.opts:
                seen[name] = (tuple(p.opts), tuple(p.secondary_opts), p.help)
    assert len(seen) >= 2, seen
    assert len(set(seen.values())) == 1, seen


def test_samples_is_n_everywhere_and_k_is_pass_at_k():
    """-n/--samples is the sample count in solve, eval, sweep and the benches; a visible -k is pass@k."""
    for name in ("solve", "eval", "sweep", "bench overhead", "bench engine"):
        opts = {o for p in COMMANDS[name].params if _is_option(p) and not p.hidden for o in p.opts}
        assert {"-n", "--samples"} <= opts, name
    for name in ("eval", "compare"):
        k = next(p for p in COMMANDS[name].params if "-k" in getattr(p, "opts", ()))
        assert "--pass-at" in k.opts and "pass@k" in (k.help or "")
    hidden = {name: [o for p in COMMANDS[name].params if getattr(p, "hidden", False) for o in p.opts]
              for name in ("solve", "sweep")}
    assert hidden == {"solve": ["-k"], "sweep": ["--k"]}


@pytest.mark.parametrize("args,message", [
    (["solve", "spec.txt", "-n", "1", "-k", "2"], "-n/--samples and -k are the same option"),
    (["sweep", "own", "--samples", "1,2", "--k", "4"], "-n/--samples and --k are the same option"),
])
def test_old_and_new_spelling_together_is_one_line_error(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "spec.txt").write_text("An 8-bit adder named `Adder` with inputs `a`, `b` and output `sum`.\n")
    r = runner.invoke(app, args)
    assert r.exit_code == 2 and message in r.output, r.output


@pytest.mark.parametrize("args", [["check", "Adder.scala"], ["datagen", "1", "--out", "new.jsonl"],
                                  ["datagen-check", "d.jsonl"], ["bench", "overhead", "-n", "1"]])
def test_every_command_opens_the_verifier_the_same_way(args, tmp_path, monkeypatch):
    """agent.cli_util.open_verifier: a verifier that cannot start (here: an unknown profile, found by
    ReflectEnv itself) is one line and exit 2 in every command, never a traceback."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Adder.scala").write_text("class Adder extends Module {}\n")
    (tmp_path / "d.jsonl").write_text('{"instruction": "x", "input": "", "output": "y"}\n')
    r = runner.invoke(app, [*args, "--profile", "nosuch"])
    assert r.exit_code == 2 and (r.exception is None or isinstance(r.exception, SystemExit)), r.exception
    lines = [line for line in r.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "nosuch" in lines[0] and lines[0].startswith("error:"), r.output
