"""Give every module of a design a prefix, so a reference and a DUT can share one simulation.

Both sides usually come from firtool and define the same names (the top, `Queue`, ...). Only
module declarations, `endmodule : name` labels and instantiations are rewritten, so signals that
happen to share a module's name are left alone.
"""
from __future__ import annotations

import re

from reflect_env.sim.ports import module_names

REF_PREFIX = "ref__"


def prefix_modules(sv: str, prefix: str = REF_PREFIX) -> tuple[str, dict[str, str]]:
    """Return (renamed text, {old name: new name})."""
    names = list(dict.fromkeys(module_names(sv)))
    if not names:
        return sv, {}
    mapping = {n: prefix + n for n in names}
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    declaration = re.compile(rf"(\b(?:module|macromodule)\s+(?:(?:static|automatic)\s+)?)({alternatives})\b")
    label = re.compile(rf"(\bendmodule\s*:\s*)({alternatives})\b")
    # `Name #(...) inst (` or `Name inst (` / `Name inst [3:0] (`; not `.Name(` (a named port).
    instance = re.compile(
        rf"(?<![.\w$`])({alternatives})(?=\s*(?:#|[A-Za-z_][\w$]*\s*(?:\[[^\]]*\]\s*)?\())"
    )
    out = declaration.sub(lambda m: m.group(1) + mapping[m.group(2)], sv)
    out = label.sub(lambda m: m.group(1) + mapping[m.group(2)], out)
    out = instance.sub(lambda m: mapping[m.group(1)], out)
    return out, mapping
