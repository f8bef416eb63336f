"""Render the prompts in prompts/*.j2 into chat messages.

Templates are the only place prompt wording lives. Rendering is strict (an undefined variable is
an error, not an empty string), so a template and its caller cannot silently drift apart.
"""
from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from agent.resources import data_path
from reflect_env.result import Diagnostic, VerifyResult
from reflect_env.toolchain import get_profile

PROMPTS_DIR = Path(os.environ.get("CHISEL_AGENT_PROMPTS", data_path("prompts")))
MAX_DIAGNOSTICS = 4  # a repair prompt shows the first few distinct errors; the rest are usually knock-on
MAX_MISMATCHES = 6
MAX_SIM_LOG_LINES = 20


@dataclass
class Prompt:
    messages: list[dict]
    template: str  # "generate" | "repair"
    # An OpenAI `response_format` the reply must follow (a JSON schema: llama-server and vLLM turn it into
    # a grammar the sampler cannot leave), or None for free text.
    response_format: dict | None = None

    def extra(self) -> dict | None:
        """The request's extra body fields for this prompt."""
        return {"response_format": self.response_format} if self.response_format else None

    @property
    def text(self) -> str:
        """All messages as one text, as the trace records it."""
        return "\n\n".join(f"[{m['role']}]\n{m['content']}" for m in self.messages)


def _env(prompts_dir: Path) -> jinja2.Environment:
    if not (prompts_dir / "system.j2").exists():
        raise FileNotFoundError(f"prompt templates not found in {prompts_dir} (set CHISEL_AGENT_PROMPTS)")
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(prompts_dir)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
        trim_blocks=False,
        autoescape=False,
    )


def normalize_message(message: str) -> str:
    """A diagnostic message without the parts that change between otherwise identical errors."""
    text = re.sub(r"/\S+\.scala:\d+(:\d+)?", "<file>", message)
    text = re.sub(r"\b\d+\b", "N", text)
    return " ".join(text.split())


def distinct_errors(result: VerifyResult) -> list[Diagnostic]:
    """Error diagnostics with duplicates (same line and normalized message) removed, in order."""
    seen, out = set(), []
    for d in result.diagnostics:
        if d.severity != "error":
            continue
        key = (d.line, normalize_message(d.message))
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def error_signature(result: VerifyResult) -> str:
    """What 'the same error again' means for escape: category plus the first normalized messages."""
    errs = distinct_errors(result)[:2]
    cat = result.category.value if result.category else "none"
    if errs:
        return cat + "|" + "|".join(normalize_message(d.message) for d in errs)
    mism = ",".join(sorted({m.signal for m in result.mismatches}))
    return f"{cat}|{mism}"


def number_lines(code: str) -> str:
    lines = code.rstrip("\n").split("\n")
    width = len(str(len(lines)))
    return "\n".join(f"{i:>{width}}| {line}" for i, line in enumerate(lines, 1))


def _with_context(d: Diagnostic, code: str) -> dict:
    """A diagnostic for the template. Parse errors ("')' expected but '.' found") point at the token
    after the mistake, often on the next line, so those also show the previous non-blank line."""
    item: dict[str, object] = {"line": d.line, "column": d.column, "message": d.message, "code_line": d.code_line, "prev_line": None}
    if d.line and d.line > 1 and re.search(r"expected but|illegal start", d.message):
        lines = code.split("\n")
        for j in range(min(d.line - 1, len(lines)) - 1, -1, -1):
            if lines[j].strip():
                item["prev_line"] = (j + 1, lines[j])
                break
    return item


_STAGE_TEXT = {
    "compile": "compilation",
    "elaborate": "elaboration",
    "emit": "SystemVerilog emission (firtool)",
    "simulate": "simulation against the reference",
}


FENCED_BLOCK = re.compile(r"\n?```[^\n]*\n.*?```[ \t]*", re.DOTALL)


def _note_view(note, *, examples: bool) -> dict:
    """A retrieved note for _notes.j2: its title once (the note text starts with a `## title` line that
    the template's own delimiter line replaces) and its body, without its fenced code examples unless
    `examples`. Qwen2.5-Coder-1.5B pasted a note's example block into its answer whatever its names:
    the registers note's `RegNext(io.in, 0.U)` as the answer to a register that outputs zero, and, after
    the examples became placeholder fragments, `val prev = RegNext(x)` with the undefined `x`. A
    generation prompt therefore gets the prose (what, import, signatures, mistakes); a repair prompt,
    where the model already has its own code, gets the examples too."""
    text = note.text.strip()
    first, _, rest = text.partition("\n")
    body = rest.strip() if first.startswith("#") and note.title in first else text
    if not examples:
        body = FENCED_BLOCK.sub("", body).strip()
    return {"title": note.title, "body": body}


class PromptBuilder:
    """Every prompt is [system, user]. The system message is the same for every task and round of a
    run (role, rules, the few-shot example), so a server's prefix cache reuses it; the user message
    starts with the specification, so a repair also reuses the cached prefix of its task, and ends
    with the task-specific instruction (the top module's name)."""

    def __init__(self, profile: str = "chisel7", *, fewshot: bool = True, prompts_dir: Path | None = None,
                 examples: bool = False, core_notes: Sequence[str] = ()):
        """examples: worked examples are retrieved per spec (issue 22). Then the fixed example leaves
        the system message for every task of the run (it stays byte-identical across specs, so a
        server's prefix cache still holds it) and a generate prompt's user message carries the
        retrieved examples after the spec, or the fixed example when none was retrieved.
        core_notes: note ids shown (prose only) in the system message, so in the cached prefix; a
        generate prompt does not show them again among its retrieved notes (issue 19)."""
        from agent.rag.notes import note_texts

        prof = get_profile(profile)
        self.env = _env(prompts_dir or PROMPTS_DIR)
        self.fewshot = fewshot
        self.examples = examples and fewshot
        self.core = note_texts(tuple(core_notes))
        self.base = {"chisel_major": prof.major, "scala_version": prof.scala}

    def render(self, name: str, **kw) -> str:
        """prompts/<name>.j2 with the base variables (chisel_major, scala_version) and `kw`, stripped,
        one newline at the end. Every prompt of the agent renders through here."""
        return self.env.get_template(f"{name}.j2").render(**self.base, **kw).strip() + "\n"

    _render = render

    def system(self) -> str:
        return self._render("system", fewshot=self.fewshot and not self.examples,
                            core_notes=[_note_view(n, examples=False) for n in self.core])

    def chat(self, user: str, template: str, *, system: bool = True, response_format: dict | None = None) -> Prompt:
        """The prompt [system, user] (or [user] alone when not `system`), named `template` in the trace."""
        messages = [{"role": "system", "content": self.system()}] if system else []
        return Prompt(messages + [{"role": "user", "content": user}], template, response_format=response_format)

    def _prompt(self, user: str, template: str) -> Prompt:
        return self.chat(user, template)

    def generate(self, spec: str, top: str | None, *, hints=(), notes=(), examples=()) -> Prompt:
        """examples: retrieved worked examples (objects with title, spec, code), shown after the spec
        and notes when the builder retrieves examples; none retrieved means the fixed example there."""
        shown = [{"title": e.title, "spec": e.spec, "code": e.code} for e in examples] if self.examples else None
        core = {n.id for n in self.core}
        user = self._render("generate", spec=spec, top=top, hints=list(hints),
                            notes=[_note_view(n, examples=False) for n in notes if n.id not in core], examples=shown)
        return self._prompt(user, "generate")

    def repair(self, spec: str, top: str | None, code: str, result: VerifyResult, *, hints=(), notes=()) -> Prompt:
        errs = distinct_errors(result)
        shown = [_with_context(d, code) for d in errs[:MAX_DIAGNOSTICS]]
        log_lines = (result.sim_log or "").strip().splitlines()[:MAX_SIM_LOG_LINES]
        stage = result.stage.value
        user = self._render(
            "repair", spec=spec, top=top, numbered_code=number_lines(code), stage=stage,
            stage_text=_STAGE_TEXT.get(stage, stage), category=result.category.value if result.category else "unknown",
            diagnostics=shown, more_diagnostics=len(errs) - len(shown),
            mismatches=result.mismatches[:MAX_MISMATCHES], sim_log="\n".join(log_lines) if not result.mismatches else "",
            hints=list(hints), notes=[_note_view(n, examples=True) for n in notes],
        )
        return self._prompt(user, "repair")
