"""Atomic, private file writes and the library's private permissions (no Qt)."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

__all__ = ["PRIVATE_DIR", "PRIVATE_FILE", "TargetExists", "atomic_write", "make_private",
           "private_dir"]

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


class TargetExists(FileExistsError):
    """``atomic_write(..., overwrite=False)`` found the target file already there."""


def atomic_write(path: Path | str, data: str | bytes, *, overwrite: bool = True,
                 mode: int = PRIVATE_FILE) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    The data goes to a temporary file beside ``path`` (created with ``mode``, whatever the
    umask), is flushed and fsynced, then renamed over ``path``; the folder is fsynced too so
    the rename survives a power cut. With ``overwrite=False`` an existing file is never
    replaced: :class:`TargetExists` is raised, also when another process created it
    meanwhile (the temp file is hard-linked into place, which fails if the name exists).
    Other errors (a parent that is a file, no permission, a full disk) are raised as they
    are.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not overwrite and target.exists():
        raise TargetExists(f"{target} already exists.")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        if overwrite:
            os.replace(tmp, target)
        else:
            try:
                os.link(tmp, target)
            except FileExistsError as exc:
                raise TargetExists(f"{target} already exists.") from exc
            os.unlink(tmp)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)
    return target


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform or file system allows it
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def private_dir(path: Path | str) -> Path:
    """Create ``path`` (and parents) if needed and make it readable by its owner only."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    make_private(folder)
    return folder


def make_private(path: Path | str) -> None:
    """Owner-only permissions for a file (0600) or folder (0700) this app owns.

    Files that belong to someone else (a user's own audio) are never changed.
    """
    p = Path(path)
    with contextlib.suppress(OSError):
        info = p.lstat()
        if info.st_uid != os.getuid() or stat.S_ISLNK(info.st_mode):
            return
        wanted = PRIVATE_DIR if stat.S_ISDIR(info.st_mode) else PRIVATE_FILE
        if stat.S_IMODE(info.st_mode) != wanted:
            os.chmod(p, wanted)
