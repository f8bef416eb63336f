"""The instruction must state the module name, and the code must define a class with exactly that
name. The seed's generator broke this (instructions never stated its `_123` suffixes) and its
fine-tuned model learned to rename modules; every sample passes `check_naming` before it is kept."""
from __future__ import annotations

import re

# "module `Foo`", "module named `Foo`", "module called `Foo`", "Name this module `Foo`"
_STATED = re.compile(r"\bmodule\s+(?:named\s+|called\s+)?`([A-Za-z_][A-Za-z0-9_]*)`", re.IGNORECASE)
_CLASS = re.compile(r"^\s*(?:final\s+|abstract\s+|case\s+)*class\s+([A-Za-z_][A-Za-z0-9_]*)", re.MULTILINE)
_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)


def stated_module_names(instruction: str) -> list[str]:
    """Module names the instruction states, in order, without repeats."""
    return list(dict.fromkeys(_STATED.findall(instruction)))


def defined_classes(code: str) -> list[str]:
    return _CLASS.findall(_COMMENT.sub("", code))


def check_naming(instruction: str, code: str, top: str | None = None) -> str | None:
    """None when fine, else the reason the sample must be rejected."""
    stated = stated_module_names(instruction)
    if not stated:
        return "instruction states no module name"
    if len(stated) > 1:
        return f"instruction states several module names: {', '.join(stated)}"
    name = stated[0]
    if top is not None and name != top:
        return f"instruction names `{name}` but the sample's top is `{top}`"
    classes = defined_classes(code)
    if name not in classes:
        found = ", ".join(classes) or "none"
        return f"instruction names `{name}` but the code defines no class of that name (classes: {found})"
    return None
