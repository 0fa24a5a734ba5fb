"""SQLite errors are told apart by code, also through peewee's wrapping."""

from __future__ import annotations

from pathlib import Path

import pytest
from peewee import OperationalError, SqliteDatabase

from podcast_desk.store.errors import is_busy, is_corrupt, is_disk_full, sqlite_code


def test_a_lock_held_elsewhere_is_busy(tmp_path: Path) -> None:
    path = str(tmp_path / "x.db")
    first = SqliteDatabase(path, pragmas={"busy_timeout": 50})
    second = SqliteDatabase(path, pragmas={"busy_timeout": 50})
    first.execute_sql("CREATE TABLE t (x)")
    first.execute_sql("BEGIN IMMEDIATE")
    with pytest.raises(OperationalError) as info:
        second.execute_sql("BEGIN IMMEDIATE")
    assert is_busy(info.value) and not is_corrupt(info.value) and not is_disk_full(info.value)
    first.execute_sql("ROLLBACK")


def test_a_damaged_file_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "bad.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4096)
    db = SqliteDatabase(str(path))
    with pytest.raises(Exception) as info:
        db.execute_sql("SELECT * FROM sqlite_master")
    assert is_corrupt(info.value) and not is_busy(info.value)


def test_other_errors_have_no_sqlite_code() -> None:
    assert sqlite_code(ValueError("locked database")) is None
    assert not is_busy(OSError("database is locked"))  # the words are not the code
