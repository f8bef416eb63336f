"""Behavioural voting: with no reference, let the candidates that pass judge each other.

Every candidate that compiled, lowered and matched the spec's interface is simulated against each
group's first member on the same seeded stimulus (reflect_env.sim.differential: random, corner and
held inputs, reset pulses, every output compared every cycle). A candidate joins the first group
whose representative it matches on every output on every cycle, else it starts a new group. The
answer comes from the largest group; ties go to the group with the simplest member (fewest repair
rounds, then fewest code lines), and within a group to that simplest member. Two independent
samples that behave identically are evidence no single sample gives: `confirmed` means the chosen
group has at least two members and is strictly larger than every other group.
"""
from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from reflect_env.sim import differential
from reflect_env.sim.ports import PortError, parse_ports
from reflect_env.sim.vectors import run_vectors

VOTE_CYCLES = 500  # the simulator's default is 1000; a vote compares up to k*(groups) pairs
VOTE_SEED = 7


@dataclass
class Candidate:
    chain: int  # the chain (sample) it came from
    code: str
    verilog: str
    top: str
    repairs: int = 0  # repair rounds the chain needed

    @property
    def lines(self) -> int:
        return sum(1 for ln in self.code.splitlines() if ln.strip())


@dataclass
class Vote:
    groups: list[list[int]]  # chain indices, largest group first
    chosen: int | None  # chain index of the answer
    total: int
    sim_s: float = 0.0
    notes: list[str] = field(default_factory=list)
    checks: dict | None = None  # the model's checks: per group which passed, which are suspect
    models: dict | None = None  # the Python models' say (oracle_free.pymodels.Selection.to_dict), when drawn

    @property
    def agree(self) -> int:
        return len(self.groups[0]) if self.groups else 0

    @property
    def confirmed(self) -> bool:
        return self.agree >= 2 and (len(self.groups) == 1 or len(self.groups[1]) < self.agree)

    def to_dict(self) -> dict:
        return {"agree": self.agree, "total": self.total, "confirmed": self.confirmed, "chosen_chain": self.chosen,
                "group_sizes": [len(g) for g in self.groups], "groups": self.groups, "sim_s": round(self.sim_s, 3),
                "notes": self.notes, "checks": self.checks, "models": self.models}

    def line(self) -> str:
        """What the user reads: `3 of 4 candidates agree; chose candidate #2 (groups 3+1)`."""
        if self.total == 1:
            return (f"only candidate #{self.chosen} passed (unconfirmed: no other candidate to compare it with)"
                    + self._checks_text())
        sizes = "+".join(str(len(g)) for g in self.groups)
        verdict = "" if self.confirmed else " (unconfirmed: no majority of two or more)"
        return (f"{self.agree} of {self.total} candidate{'s' if self.total != 1 else ''} agree; chose candidate "
                f"#{self.chosen} (behaviour groups {sizes}){verdict}{self._checks_text()}")

    def _checks_text(self) -> str:
        """`; it passes 2 of 3 trusted model checks (1 suspect, 1 repair)`."""
        c = self.checks
        if not c or not c.get("total"):
            return ""
        trusted = c["total"] - len(c["suspect"])
        extra = [f"{len(c['suspect'])} suspect"] if c["suspect"] else []
        extra += [f"{len(c['repairs'])} repair{'s' if len(c['repairs']) != 1 else ''}"] if c.get("repairs") else []
        return (f"; it passes {c['trusted_passed'][0]} of {trusted} trusted model check{'s' if trusted != 1 else ''}"
                + (f" ({', '.join(extra)})" if extra else ""))


def _simplicity(c: Candidate) -> tuple[int, int, int]:
    return (c.repairs, c.lines, c.chain)


def same_behaviour(a: Candidate, b: Candidate, workdir: Path, cycles: int = VOTE_CYCLES,
                   seed: int = VOTE_SEED) -> tuple[bool, str]:
    """(equal, why not): `a` simulated against `b` as the reference on shared stimulus."""
    out = differential(a.verilog, a.top, b.verilog, b.top, workdir=workdir, cycles=cycles, seed=seed)
    return out.ok, "" if out.ok else (out.hints[0] if out.hints else out.category or "differs")


def _design_names(cand: Candidate, checks: list[list[dict]]) -> list[list[dict]]:
    """The checks in the candidate's port names: spec `sum` is `io_sum` in a Chisel io bundle."""
    names = {p.name for p in parse_ports(cand.verilog, cand.top)}

    def rename(values: dict) -> dict:
        return {(f"io_{n}" if f"io_{n}" in names and n not in names else n): v for n, v in values.items()}
    return [[{k: rename(v) for k, v in step.items()} for step in steps] for steps in checks]


def suspect_checks(sizes: list[int], verdicts: list[list[str | None]]) -> dict[int, str]:
    """Check index -> why it is suspect, from each group's verdicts (None: passed). A check is
    suspect when (1) the largest group has two or more members, is strictly larger than every other
    group, and fails it, or (2) no group passes it and every group fails it the same way (the same
    first mismatch: step, output and value) while two or more candidates passed. Independent samples
    that agree with each other (and with the spec's interface, which every candidate matched)
    outweigh one model-written expectation: the check is more likely wrong than they all are, in the
    same way. A check that could not run says nothing and is never suspect."""
    strict = bool(sizes) and sizes[0] >= 2 and (len(sizes) == 1 or sizes[1] < sizes[0])
    out: dict[int, str] = {}
    for i in range(len(verdicts[0]) if verdicts else 0):
        first = verdicts[0][i]
        seen = [None if v[i] is None else str(v[i]).replace(": io_", ": ", 1) for v in verdicts]  # `io_sum` is `sum`
        if first is None or any(v is not None and v.startswith("not run") for v in seen):
            continue
        if strict:
            out[i] = f"the largest group ({sizes[0]} of {sum(sizes)} candidates) fails it: {first}"
        elif sum(sizes) >= 2 and all(v == seen[0] for v in seen):
            out[i] = f"all {sum(sizes)} candidates fail it the same way: {first}"
    return out


def run_checks(groups: list[list[Candidate]], checks: list[list[dict]], workdir: Path) -> dict:
    """Each check on each group's representative (a group behaves alike on the vote's stimulus).
    Suspect checks (`suspect_checks`) are dropped: only trusted ones rank groups and drive repairs."""
    results, errors = [], []
    for g, group in enumerate(groups):
        try:
            verdicts, error = run_vectors(group[0].verilog, group[0].top, _design_names(group[0], checks),
                                          workdir=workdir / f"checks-{g}")
        except PortError as e:
            verdicts, error = [], str(e)
        if error:
            errors.append(f"group of #{group[0].chain}: {error}"[:300])
            verdicts = [f"not run: {error}"[:200]] * len(checks)
        results.append(verdicts)
    why = suspect_checks([len(g) for g in groups], results)
    passed = [sum(1 for i, v in enumerate(r) if v is None and i not in why) for r in results]
    return {"total": len(checks), "suspect": sorted(why), "suspect_why": [why[i] for i in sorted(why)],
            "trusted_passed": passed, "verdicts": results, "errors": errors}


def vote(candidates: list[Candidate], *, cycles: int = VOTE_CYCLES, seed: int = VOTE_SEED,
         checks: list[list[dict]] | None = None) -> Vote:
    """Group `candidates` by behaviour and choose one; with `checks` (the model's vectors, in spec
    port names) equal-sized groups are ordered by the trusted checks they pass. Blocking (iverilog)."""
    t0 = time.perf_counter()
    groups: list[list[Candidate]] = []
    notes: list[str] = []
    ordered = sorted(candidates, key=_simplicity)  # representatives are the simplest members
    with tempfile.TemporaryDirectory(prefix="vote-") as tmp:
        for n, cand in enumerate(ordered):
            for g, group in enumerate(groups):
                equal, why = same_behaviour(cand, group[0], Path(tmp) / f"{n}-{g}", cycles, seed)
                if equal:
                    group.append(cand)
                    break
                notes.append(f"candidate #{cand.chain} vs #{group[0].chain}: {why}"[:300])
            else:
                groups.append([cand])
        groups.sort(key=lambda g: (-len(g), _simplicity(g[0])))
        report = None
        if checks and groups:
            report = run_checks(groups, checks, Path(tmp))
            order = sorted(range(len(groups)), key=lambda g: (-len(groups[g]), -report["trusted_passed"][g],
                                                              _simplicity(groups[g][0])))
            groups = [groups[g] for g in order]
            report["trusted_passed"] = [report["trusted_passed"][g] for g in order]
            report["verdicts"] = [report["verdicts"][g] for g in order]
    chosen = groups[0][0].chain if groups else None
    return Vote(groups=[[c.chain for c in g] for g in groups], chosen=chosen, total=len(candidates),
                sim_s=time.perf_counter() - t0, notes=notes[:8], checks=report)
