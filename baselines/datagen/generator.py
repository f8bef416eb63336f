"""The deterministic candidate stream: candidate j of a level depends only on (seed, level, j)."""
from __future__ import annotations

import random
from dataclasses import dataclass

from baselines.datagen.catalog import catalog
from baselines.datagen.normalize import name_key, structure_key


@dataclass(frozen=True)
class Candidate:
    level: str
    template: str
    index: int  # position in this level's stream
    seed: int  # the run's seed
    phrasing: int
    instruction: str
    code: str
    top: str
    key: str  # dedup key (names normalised)
    structure: str

    def alpaca(self) -> dict:
        return {"instruction": self.instruction, "input": "", "output": self.code}


def candidate(seed: int, level: str, index: int) -> Candidate:
    # String seeds hash with SHA-512 inside random.Random: stable across runs and Python versions.
    rng = random.Random(f"chisel-datagen/{seed}/{level}/{index}")
    template = rng.choice(catalog()[level])
    instruction, code, values = template.render(rng)
    return Candidate(
        level=level, template=template.name, index=index, seed=seed, phrasing=values["_phrasing"],
        instruction=instruction, code=code, top=values["module"], key=name_key(code),
        structure=structure_key(code),
    )
