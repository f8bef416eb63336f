"""The CLI's shared options: one name, one meaning and one help text across commands; old spellings
still accepted as hidden aliases."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from agent.cli import app

REPO = Path(__file__).resolve().parents[1]
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
# and --depth are grids; eval's and sweep's --base-url may be given more than once (several endpoints).
OWN_MEANING = {("--model", "serve"), ("--model", "bench engine"), ("--limit", "bench verify"),
               ("--samples", "sweep"), ("--depth", "sweep"), ("--concurrency", "bench llm"),
               ("--base-url", "eval"), ("--base-url", "sweep"),
               ("--no-examples", "rag build")}  # rag build --no-examples: build no example bank


@pytest.mark.parametrize("flag", ["--json", "--profile", "--workers", "--model", "--base-url", "--api-key",
                                  "--config", "--resume", "--no-cache", "--no-fix", "--no-rag", "--temperature",
                                  "--samples", "--depth", "--select", "--limit", "--strict", "--oracle-feedback",
                                  "--compile-only", "--allow-blackbox", "--top", "--ref", "--tb", "--concurrency", "--ray",
                                  "--pymodels", "--no-examples"])
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
    assert hidden == {"solve": ["-k"], "sweep": ["--k", "-k"]}


@pytest.mark.parametrize("args,message", [
    (["solve", "spec.txt", "-n", "1", "-k", "2"], "-k here is the old name of -n/--samples, not pass@k"),
    # Equal values too: whoever wrote -k beside -n most likely meant pass@k, as in agent eval.
    (["solve", "spec.txt", "-n", "3", "-k", "3"], "-k here is the old name of -n/--samples, not pass@k"),
    (["bench", "overhead", "-n", "1", "-k", "1"], "-k here is the old name of -n/--samples, not pass@k"),
    (["bench", "engine", "-n", "2", "-k", "2"], "-k here is the old name of -n/--samples, not pass@k"),
    (["sweep", "own", "--samples", "1,2", "--k", "4"], "-n/--samples and --k are the same option"),
    (["sweep", "own", "-k", "2"], "agent sweep has no -k: it reports pass@k for every k of its samples grid"),
])
def test_old_and_new_spelling_together_is_one_line_error(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "spec.txt").write_text("An 8-bit adder named `Adder` with inputs `a`, `b` and output `sum`.\n")
    r = runner.invoke(app, args)
    lines = [line for line in r.output.splitlines() if line.strip()]
    assert r.exit_code == 2 and len(lines) == 1 and message in lines[0], r.output


K_WARNING = "warning: -k is the old name of -n/--samples here (in agent eval, -k is pass@k); use -n"


@pytest.mark.parametrize("args", [["solve", "spec.txt", "-k", "3"], ["bench", "overhead", "-k", "1"]])
def test_the_old_k_still_counts_samples_and_says_so_every_time(args, tmp_path, monkeypatch):
    """`agent solve spec.txt -k 3` draws 3 samples as it always did, but -k is pass@k in agent eval:
    each use says which meaning it has here (the run then stops at the unknown profile)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "spec.txt").write_text("An 8-bit adder named `Adder` with inputs `a`, `b` and output `sum`.\n")
    r = runner.invoke(app, [*args, "--profile", "nosuch"])
    lines = [line for line in r.output.splitlines() if line.strip()]
    assert r.exit_code == 2 and lines[0] == K_WARNING and "nosuch" in lines[1], r.output
    r = runner.invoke(app, [*args[:-2], "-n", args[-1], "--profile", "nosuch"])
    assert "warning" not in r.output, r.output


def test_the_old_k_reaches_the_settings_as_the_sample_count(tmp_path, monkeypatch):
    import agent.commands.solve_cmds as solve_cmds

    seen = []
    monkeypatch.setattr(solve_cmds, "_run_solve_served", lambda cfg, *a, **kw: seen.append(cfg) or sys.exit(3))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "spec.txt").write_text("An 8-bit adder named `Adder` with inputs `a`, `b` and output `sum`.\n")
    runner.invoke(app, ["solve", "spec.txt", "-k", "3", "--no-rag"])
    assert [cfg.k for cfg in seen] == [3]


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


COMMAND_MODULES = sorted(p.stem for p in (REPO / "agent" / "commands").glob("*.py") if p.stem != "__init__")


def test_no_command_module_imports_the_cli():
    """agent.cli imports the command modules and registers their commands; none imports agent.cli back
    (anywhere in the file, function-level imports included), so there is no import circle."""
    assert {"solve_cmds", "eval_cmds", "verify_cmds", "options"} <= set(COMMAND_MODULES)
    for name in COMMAND_MODULES:
        tree = ast.parse((REPO / "agent" / "commands" / f"{name}.py").read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                targets = [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
            else:
                continue
            assert not [t for t in targets if t == "agent.cli" or t.startswith("agent.cli.")], (name, node.lineno)


@pytest.mark.parametrize("name", COMMAND_MODULES)
def test_each_command_module_imports_alone(name):
    """In a fresh interpreter, a command module imports on its own and does not pull agent.cli in."""
    code = (f"import sys, agent.commands.{name}; "
            "sys.exit('agent.cli was imported' if 'agent.cli' in sys.modules else 0)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_json_help_says_errors_go_to_stderr():
    # An error under --json prints nothing on stdout; the help must not promise an object then.
    r = runner.invoke(app, ["report", "--help"], terminal_width=400)
    assert "on success" in r.output and "errors are one line on stderr" in " ".join(r.output.split())
