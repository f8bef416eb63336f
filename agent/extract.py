"""Pull the Chisel source out of a model reply.

Replies come in many shapes: one fenced block, several (design + test + "how to emit Verilog"),
fences with or without a language, no fence at all, prose around the code, reasoning sections,
or a reply cut off by max_tokens. The extractor is pure: it never touches the toolchain.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from agent.fixers.scala_lex import IDENT, defined_names, mask, module_classes, unclosed_delimiters

_FENCE_RE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*([\w+#.-]*)[^\n]*$", re.MULTILINE)
_SCALA_LANGS = {"", "scala", "chisel", "chisel3", "sc", "scala2", "scala3", "java", "code", "text", "plaintext"}
_THINK_RE = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
# A line that starts Scala code when there is no fence.
_CODE_START_RE = re.compile(
    r"^[ \t]*(import\s+[\w.{]|package\s+\w|(?:abstract\s+|case\s+|sealed\s+)*class\s+\w|object\s+\w|trait\s+\w|//|/\*)",
    re.MULTILINE,
)
_TEST_MARKERS = re.compile(
    r"\b(ChiselScalatestTester|PeekPokeTester|AnyFlatSpec|AnyFreeSpec|FlatSpec|FreeSpec|chiseltest|"
    r"iotesters|org\.scalatest|simulator\.EphemeralSimulator|ChiselSim|svsim)\b"
)
_MAIN_OBJECT_RE = re.compile(r"\bobject\s+" + IDENT + r"\s+extends\s+App\b|\bdef\s+main\s*\(")


@dataclass
class Extraction:
    code: str | None
    category: str | None = None  # None | "extraction_failed" | "truncated"
    note: str = ""
    blocks: int = 0  # how many candidate code blocks the reply had
    dropped: list[str] = field(default_factory=list)  # why blocks were left out


@dataclass
class _Block:
    text: str
    lang: str
    closed: bool


def _fenced_blocks(reply: str) -> list[_Block]:
    blocks: list[_Block] = []
    fences = list(_FENCE_RE.finditer(reply))
    i = 0
    while i < len(fences):
        opening = fences[i]
        marker = opening.group(1)
        lang = opening.group(2).lower()
        # The closing fence: the next fence line of the same kind with no language after it.
        close = None
        for j in range(i + 1, len(fences)):
            f = fences[j]
            if f.group(1)[0] == marker[0] and len(f.group(1)) >= len(marker) and not f.group(2):
                close = j
                break
        body_start = opening.end() + 1
        if close is None:
            blocks.append(_Block(reply[body_start:], lang, closed=False))
            break
        blocks.append(_Block(reply[body_start:fences[close].start()], lang, closed=True))
        i = close + 1
    return blocks


def _unfenced_code(reply: str) -> str | None:
    """Code in a reply without fences: from the first code-looking line to the last closing brace."""
    start = _CODE_START_RE.search(reply)
    if not start:
        return None
    text = reply[start.start():]
    masked = mask(text)
    last_brace = masked.rfind("}")
    if last_brace < 0:
        return text.strip() or None
    # Keep a cut-off tail (no closing brace yet) so truncation is detected, else stop at the last brace.
    if masked.count("{") > masked.count("}"):
        return text.rstrip()
    return text[: last_brace + 1]


def _is_harness_only(text: str) -> bool:
    """A block with only a test or a Verilog-emitting main: nothing the design needs."""
    if module_classes(text):
        return False  # design and harness in one block: keep it, the harness fixer trims the rest
    m = mask(text)
    return bool(_TEST_MARKERS.search(m) or _MAIN_OBJECT_RE.search(m))


def _looks_like_scala(text: str) -> bool:
    m = mask(text)
    verilog = re.search(r"^\s*(endmodule\b|module\s+\w+\s*[(#;])", m, re.MULTILINE)
    return bool(re.search(r"\b(class|object|import|val|def|trait)\b", m)) and not verilog


def _join(blocks: list[str]) -> str:
    """Join blocks, hoisting and de-duplicating imports so the result is one compilation unit."""
    if len(blocks) == 1:
        return blocks[0].strip("\n") + "\n"  # one block: exactly as the model wrote it
    imports: list[str] = []
    bodies: list[str] = []
    for b in blocks:
        body_lines = []
        for line in b.splitlines():
            if re.match(r"^\s*import\s", line):
                if line.strip() not in imports:
                    imports.append(line.strip())
            else:
                body_lines.append(line)
        bodies.append("\n".join(body_lines).strip("\n"))
    head = "\n".join(imports)
    return (head + "\n\n" if head else "") + "\n\n".join(b for b in bodies if b.strip()) + "\n"


def _select(blocks: list[str], top: str | None) -> tuple[list[str], list[str]]:
    """Keep the design: the last block that defines the top (or any module) plus helper blocks
    that define names it does not. Drop harness-only blocks and stale earlier versions."""
    dropped: list[str] = []
    design = []
    for i, b in enumerate(blocks):
        if _is_harness_only(b):
            dropped.append(f"block {i + 1}: test/main harness only")
        else:
            design.append(b)
    if not design:
        return [], dropped

    def defines_top(b: str) -> bool:
        if top:
            return any(d.name == top for d in module_classes(b))
        return bool(module_classes(b))

    anchors = [b for b in design if defines_top(b)]
    if not anchors:
        anchors = [b for b in design if module_classes(b)] or design[-1:]
    main = anchors[-1]
    keep_names = defined_names(main)
    kept = [main]
    # Walk the other blocks newest first so a later helper version wins over an earlier one.
    for b in reversed(design):
        if b is main:
            continue
        names = defined_names(b)
        type_names = {d.name for d in module_classes(b)} | set(re.findall(r"\b(?:class|object|trait)\s+(" + IDENT + ")", mask(b)))
        if not type_names:
            dropped.append("a block with no definitions")
            continue
        if type_names & keep_names:
            dropped.append("an earlier version of " + ", ".join(sorted(type_names & keep_names)))
            continue
        keep_names |= names
        kept.insert(0 if design.index(b) < design.index(main) else len(kept), b)
    return kept, dropped


def extract_code(reply: str, finish_reason: str | None = None, top: str | None = None) -> Extraction:
    """Return the Chisel code in `reply`, or a category saying why there is none usable."""
    cut_off = finish_reason == "length"
    text = reply or ""
    if re.search(r"<think>", text, re.IGNORECASE) and not re.search(r"</think>", text, re.IGNORECASE):
        # Still reasoning when it stopped: whatever code is there is a draft.
        if cut_off:
            return Extraction(None, "truncated", "reply ended inside its <think> section")
        text = re.sub(r"<think>", "", text, flags=re.IGNORECASE)
    text = _THINK_RE.sub("", text)

    fenced = _fenced_blocks(text)
    if fenced:
        usable = [b for b in fenced if b.lang in _SCALA_LANGS and _looks_like_scala(b.text)]
        other = len(fenced) - len(usable)
        if not usable:
            return Extraction(None, "extraction_failed", f"{len(fenced)} code block(s), none in Scala", blocks=len(fenced))
        kept, dropped = _select([b.text for b in usable], top)
        if other:
            dropped.append(f"{other} non-Scala block(s)")
        if not kept:
            return Extraction(None, "extraction_failed", "only test/main harness code, no design", len(fenced), dropped)
        code = _join(kept)
        unclosed_fence = not usable[-1].closed and usable[-1].text in kept
        # A closed fence means the reply ended on purpose: unbalanced braces inside it are a syntax
        # error the compiler explains better than we can; without the closing fence they mean a cut.
        truncated = cut_off or (unclosed_fence and unclosed_delimiters(code))
        note = f"{len(kept)} of {len(fenced)} block(s) kept"
        if truncated:
            why = "finish_reason=length" if cut_off else "unbalanced braces/parens"
            return Extraction(code, "truncated", f"{note}; cut off ({why})", len(fenced), dropped)
        if unclosed_fence:
            note += "; closing fence missing"
        return Extraction(code, None, note, len(fenced), dropped)

    unfenced = _unfenced_code(text)
    if unfenced is None or not _looks_like_scala(unfenced):
        if cut_off:
            return Extraction(None, "truncated", "cut off before any code")
        return Extraction(None, "extraction_failed", "no code block and no Scala code in the reply")
    kept, dropped = _select([unfenced], top)
    if not kept:
        return Extraction(None, "extraction_failed", "only test/main harness code, no design", 1, dropped)
    code = _join(kept)
    if cut_off or unclosed_delimiters(code):
        why = "finish_reason=length" if cut_off else "unbalanced braces/parens"
        return Extraction(code, "truncated", f"unfenced code, cut off ({why})", 1, dropped)
    return Extraction(code, None, "unfenced code", 1, dropped)
