"""Atomic private writes and private folders, whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from podcast_desk.files import TargetExists, atomic_write, make_private, private_dir


@pytest.fixture
def open_umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_atomic_write_is_private_and_replaces(tmp_path: Path, open_umask: None) -> None:
    target = tmp_path / "sub" / "settings.json"
    atomic_write(target, "one")
    assert target.read_text() == "one" and mode(target) == 0o600
    atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["settings.json"]  # no temp left


def test_no_overwrite_refuses_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "export.md"
    target.write_text("mine")
    with pytest.raises(TargetExists):
        atomic_write(target, "theirs", overwrite=False)
    assert target.read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.md"]


def test_a_parent_that_is_a_file_is_not_called_an_existing_target(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(OSError) as info:
        atomic_write(blocker / "x.json", "{}", overwrite=False)
    assert not isinstance(info.value, TargetExists)


def test_private_dir_and_make_private(tmp_path: Path, open_umask: None) -> None:
    folder = private_dir(tmp_path / "data")
    assert mode(folder) == 0o700
    loose = folder / "loose.db"
    loose.write_text("")
    os.chmod(loose, 0o644)
    make_private(loose)
    assert mode(loose) == 0o600
    outside = tmp_path / "outside"
    outside.mkdir(mode=0o755)
    os.chmod(outside, 0o755)
    link = folder / "link"
    link.symlink_to(outside)
    make_private(link)  # a symlink is not followed
    assert mode(outside) == 0o755
