"""The template catalog: jinja code + phrasings from templates/<level>.yaml, parameters from params.py."""
from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jinja2
import yaml

from baselines.datagen import params

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
LEVELS = ("L1", "L2", "L3", "L4", "util")


@dataclass(frozen=True)
class Template:
    name: str
    level: str
    phrasings: tuple[jinja2.Template, ...]
    code: jinja2.Template

    def render(self, rng: random.Random) -> tuple[str, str, dict]:
        """(instruction, code, parameters) for one random draw."""
        values = params.SAMPLERS[self.name](rng)
        phrasing = rng.randrange(len(self.phrasings))
        instruction = self.phrasings[phrasing].render(**values).strip()
        code = self.code.render(**values).strip() + "\n"
        return instruction, code, {**values, "_phrasing": phrasing}


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        undefined=jinja2.StrictUndefined,  # a typo in a template must fail loudly, not render ""
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False,
    )
    env.filters["scala_int"] = params.scala_int
    return env


@lru_cache(maxsize=1)
def catalog() -> dict[str, list[Template]]:
    """level -> templates, in file order (stable, so seeds reproduce)."""
    env = _environment()
    out: dict[str, list[Template]] = {}
    for level in LEVELS:
        path = TEMPLATE_DIR / f"{level}.yaml"
        entries = yaml.safe_load(path.read_text())
        templates = []
        for name, entry in entries.items():
            if name not in params.SAMPLERS:
                raise ValueError(f"{path.name}: template {name!r} has no parameter sampler in params.py")
            templates.append(Template(
                name=name, level=level,
                phrasings=tuple(env.from_string(p) for p in entry["phrasings"]),
                code=env.from_string(entry["code"]),
            ))
        out[level] = templates
    return out


def all_templates() -> list[Template]:
    return [t for level in LEVELS for t in catalog()[level]]
