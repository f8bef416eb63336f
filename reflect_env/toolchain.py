"""Pinned toolchain profiles, fetched once from Maven Central into the cache, then used offline.

A profile is a Chisel version, the Scala compiler its plugin is published for, and the firtool
that Chisel version pins. `setup()` resolves the jars with Maven, unpacks firtool from the
llvm-firtool jar and compiles the JVM worker with the profile's own Scala compiler.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from reflect_env.errors import ReflectEnvError

HERE = Path(__file__).resolve().parent
POM = HERE / "toolchain" / "pom.xml"
WORKER_SOURCES = sorted((HERE / "worker").glob("*.scala"))


@dataclass(frozen=True)
class Profile:
    name: str
    chisel: str
    scala: str
    firtool: str
    note: str = ""

    @property
    def major(self) -> int:
        return int(self.chisel.split(".")[0])


# Maven Central (as reachable here) has Chisel 7.14.0 as its newest 7.x, with chisel-plugin only for
# Scala 2.13.16 and llvm-firtool 1.155.0 (the version Chisel 7.14.0's BuildInfo pins). The seed used
# Chisel 6.0.0 + firtool 1.62.0, but neither chisel-plugin_2.13.12:6.0.0 nor llvm-firtool 1.62.0 is
# published there; 6.7.0 (plugin for 2.13.15) with firtool 1.62.1 is the nearest seed-compatible set.
PROFILES: dict[str, Profile] = {
    "chisel7": Profile("chisel7", chisel="7.14.0", scala="2.13.16", firtool="1.155.0"),
    "chisel6": Profile(
        "chisel6", chisel="6.7.0", scala="2.13.15", firtool="1.62.1",
        note="seed-compatible: seed used 6.0.0/2.13.12/1.62.0, not all on Maven Central",
    ),
}
DEFAULT_PROFILE = "chisel7"


class ToolchainMissing(ReflectEnvError, RuntimeError):
    """Raised when a profile has not been set up; the message says which command fixes it."""


def cache_dir() -> Path:
    return Path(os.environ.get("CHISEL_AGENT_CACHE", Path.home() / ".cache" / "chisel-agent")).expanduser()


def get_profile(name: str | None) -> Profile:
    name = name or os.environ.get("CHISEL_AGENT_PROFILE") or DEFAULT_PROFILE
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown profile {name!r}; choose one of: {', '.join(PROFILES)}") from None


@dataclass(frozen=True)
class Toolchain:
    """Paths of one set-up profile."""

    profile: Profile
    root: Path

    @property
    def jars_dir(self) -> Path:
        return self.root / "jars"

    @property
    def firtool(self) -> Path:
        return self.root / "firtool" / "bin" / "firtool"

    @property
    def worker_dir(self) -> Path:
        return self.root / "worker"

    @property
    def sources_jar(self) -> Path:
        return self.root / "sources" / f"chisel_2.13-{self.profile.chisel}-sources.jar"

    def jars(self) -> list[Path]:
        return sorted(p for p in self.jars_dir.glob("*.jar") if not p.name.startswith("llvm-firtool"))

    def plugin_jar(self) -> Path:
        return next(self.jars_dir.glob("chisel-plugin_*.jar"))

    def compiler_jars(self) -> list[Path]:
        """Scala compiler + library + reflect: what a JVM needs to run scalac."""
        return [p for p in self.jars() if p.name.startswith(("scala-compiler", "scala-library", "scala-reflect"))]

    def library_classpath(self) -> list[Path]:
        """What candidate code compiles against: Chisel and its dependencies (no plugin)."""
        return [p for p in self.jars() if not p.name.startswith("chisel-plugin")]

    def worker_classpath(self) -> str:
        return os.pathsep.join([str(self.worker_dir / "classes"), *map(str, self.jars())])

    def is_ready(self) -> bool:
        return (self.root / "READY").exists() and self.firtool.exists()

    def require(self) -> "Toolchain":
        if not self.is_ready():
            raise ToolchainMissing(
                f"toolchain profile '{self.profile.name}' is not set up; run: agent setup --profile {self.profile.name}"
            )
        stamp = (self.root / "READY").read_text().strip()
        if stamp != worker_source_hash():
            raise ToolchainMissing(
                f"the JVM worker of profile '{self.profile.name}' is out of date; run: agent setup --profile {self.profile.name}"
            )
        return self


def toolchain(profile: str | Profile | None = None) -> Toolchain:
    p = profile if isinstance(profile, Profile) else get_profile(profile)
    return Toolchain(p, cache_dir() / "toolchains" / p.name)


def worker_source_hash() -> str:
    h = hashlib.sha256()
    for src in WORKER_SOURCES:
        h.update(src.name.encode())
        h.update(src.read_bytes())
    return h.hexdigest()[:16]


def _run(cmd: list[str], what: str, **kw) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-25:])
        raise RuntimeError(f"{what} failed (exit {proc.returncode}):\n{tail}")


def setup(profile: str | None = None, *, force: bool = False, log: Callable[[str], None] = print) -> Toolchain:
    """Fetch jars, unpack firtool, build the worker. Idempotent: finished steps are skipped."""
    tc = toolchain(profile)
    p = tc.profile
    if tc.is_ready() and not force and (tc.root / "READY").read_text().strip() == worker_source_hash():
        log(f"profile {p.name} is ready at {tc.root}")
        return tc
    if shutil.which("mvn") is None:
        raise RuntimeError("Maven (mvn) is needed for setup: apt-get install maven")
    if shutil.which("java") is None:
        raise RuntimeError("a JDK (java 17+) is needed: apt-get install openjdk-17-jdk-headless")
    tc.root.mkdir(parents=True, exist_ok=True)
    props = [f"-Dchisel.version={p.chisel}", f"-Dscala.version={p.scala}", f"-Dfirtool.version={p.firtool}"]

    if force or not any(tc.jars_dir.glob("chisel_2.13-*.jar")):
        log(f"[1/4] resolving Chisel {p.chisel}, Scala {p.scala}, firtool {p.firtool} from Maven Central")
        _run(["mvn", "-q", "-B", "-f", str(POM), "dependency:copy-dependencies",
              f"-DoutputDirectory={tc.jars_dir}", *props], "maven dependency resolution")
    if force or not tc.sources_jar.exists():
        log("[2/4] fetching the Chisel sources jar (for RAG API notes)")
        _run(["mvn", "-q", "-B", "-f", str(POM), "dependency:copy",
              f"-Dartifact=org.chipsalliance:chisel_2.13:{p.chisel}:jar:sources",
              f"-DoutputDirectory={tc.sources_jar.parent}"], "maven sources fetch")
    if force or not tc.firtool.exists():
        log(f"[3/4] unpacking firtool {p.firtool}")
        _extract_firtool(tc)
    log("[4/4] compiling the JVM worker")
    _build_worker(tc)
    (tc.root / "READY").write_text(worker_source_hash() + "\n")
    log(f"profile {p.name} is ready at {tc.root}")
    return tc


def _extract_firtool(tc: Toolchain) -> None:
    jar = next(tc.jars_dir.glob("llvm-firtool-*.jar"))
    member = "org.chipsalliance/llvm-firtool/linux-x64/bin/firtool"
    tc.firtool.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(jar) as z, z.open(member) as src, open(tc.firtool, "wb") as dst:
        shutil.copyfileobj(src, dst)
    tc.firtool.chmod(0o755)
    # The jar is only a carrier for the binary; keep the cache small.
    jar.unlink()


def _build_worker(tc: Toolchain) -> None:
    out = tc.worker_dir / "classes"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    cp = os.pathsep.join(map(str, tc.library_classpath()))
    _run(["java", "-Xss8m", "-cp", os.pathsep.join(map(str, tc.compiler_jars())),
          "scala.tools.nsc.Main", "-nowarn", "-usejavacp", "-cp", cp, "-d", str(out),
          *map(str, WORKER_SOURCES)], "worker compilation")
