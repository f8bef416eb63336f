"""Which module to elaborate. The score must never depend on guessing: strict mode fails with
`name_mismatch` when the requested name is not defined; lenient mode takes the single top-level module
(one no other module instantiates) and records the mismatch."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from reflect_env.result import Category


@dataclass
class ModuleInfo:
    cls: str  # fully qualified JVM class name
    name: str  # simple name
    constructor: str  # "default" | "defaults" | "required"


@dataclass
class TopChoice:
    module: ModuleInfo | None
    category: Category | None = None
    message: str = ""
    notes: list[str] = field(default_factory=list)


def instantiations(classes_dir: Path, modules: list[ModuleInfo]) -> dict[str, set[str]]:
    """For each module class, the other module classes its bytecode refers to. A `Module(new Sub)` thunk
    compiles into the enclosing class (or a nested `Outer$...` class), so the class files of a module
    and its nested classes name every module it instantiates."""
    internal = {m.cls: m.cls.replace(".", "/") for m in modules}
    refs: dict[str, set[str]] = {}
    for m in modules:
        base = internal[m.cls]
        blobs = b"".join(p.read_bytes() for p in classes_dir.glob(base + "*.class")
                         if p.stem == base.rsplit("/", 1)[-1] or p.stem.startswith(base.rsplit("/", 1)[-1] + "$"))
        found = set()
        for other, iname in internal.items():
            if other == m.cls:
                continue
            enc = iname.encode()
            # A CONSTANT_Utf8 entry is length-prefixed; a descriptor wraps the name in L...;
            if len(enc).to_bytes(2, "big") + enc in blobs or b"L" + enc + b";" in blobs:
                found.add(other)
        refs[m.cls] = found
    return refs


def roots(modules: list[ModuleInfo], refs: dict[str, set[str]]) -> list[ModuleInfo]:
    used = set().union(*refs.values()) if refs else set()
    return [m for m in modules if m.cls not in used]


def _source_order(code: str, m: ModuleInfo) -> int:
    hit = re.search(rf"\bclass\s+{re.escape(m.name)}\b", code)
    return hit.start() if hit else -1


def choose_top(modules: list[ModuleInfo], requested: str | None, mode: str, refs: dict[str, set[str]],
               code: str) -> TopChoice:
    if not modules:
        return TopChoice(None, Category.no_top_module,
                         "no class extends Module or RawModule (is the design inside a trait or abstract class?)")
    names = ", ".join(sorted({m.name for m in modules}))
    tops = roots(modules, refs) or modules
    if requested:
        exact = [m for m in modules if m.name == requested]
        if exact:
            # Prefer a top-level class over one nested in an object of the same simple name.
            return _constructible(min(exact, key=lambda m: m.cls.count("$")))
        if mode == "strict":
            return TopChoice(None, Category.name_mismatch,
                             f"module `{requested}` is not defined (defined: {names})")
        if len(tops) == 1:
            choice = _constructible(tops[0])
            choice.notes.append(f"lenient: `{requested}` is not defined; elaborated `{tops[0].name}` instead")
            return choice
        return TopChoice(None, Category.name_mismatch,
                         f"module `{requested}` is not defined and the top is ambiguous (top-level: "
                         f"{', '.join(m.name for m in tops)})")
    if len(tops) == 1:
        return _constructible(tops[0])
    # No name asked for and several roots: the one defined last is the usual top in model output.
    pick = max(tops, key=lambda m: _source_order(code, m))
    choice = _constructible(pick)
    choice.notes.append(f"several top-level modules ({', '.join(m.name for m in tops)}); elaborated `{pick.name}`")
    return choice


def _constructible(m: ModuleInfo) -> TopChoice:
    if m.constructor == "required":
        return TopChoice(None, Category.no_default_constructor,
                         f"module `{m.name}` has constructor parameters without default values, so it cannot be "
                         f"elaborated on its own; give every parameter a default")
    return TopChoice(m)
