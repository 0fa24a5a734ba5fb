"""Opening the database: pragmas, frozen migrations, upgrades of older files."""

from __future__ import annotations

import types
from pathlib import Path
from typing import Any

import pytest
from peewee import SqliteDatabase, TextField
from playhouse.migrate import SqliteMigrator

from podcast_desk.store import db as store_db
from podcast_desk.store.db import close_database, latest_version, open_database, schema_version
from podcast_desk.store.models import ALL_MODELS, Task


def _schema(database: SqliteDatabase) -> dict[str, Any]:
    """Tables → columns (name, type, notnull, pk) and index definitions, for comparison."""
    result: dict[str, Any] = {}
    for (name,) in database.execute_sql(
        "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"
    ).fetchall():
        columns = [
            (row[1], row[2], row[3], row[5])
            for row in database.execute_sql(f'PRAGMA table_info("{name}")').fetchall()
        ]
        indexes = sorted(
            (row[1], row[2])
            for row in database.execute_sql(f'PRAGMA index_list("{name}")').fetchall()
            if not row[1].startswith("sqlite_autoindex")
        )
        fks = database.execute_sql(f'PRAGMA foreign_key_list("{name}")').fetchall()
        result[name] = (columns, indexes, sorted(tuple(fk[2:7]) for fk in fks))
    return result


def test_pragmas_are_set(db: SqliteDatabase) -> None:
    def pragma(name: str) -> Any:
        return db.execute_sql(f"PRAGMA {name}").fetchone()[0]

    assert pragma("journal_mode") == "wal"
    assert pragma("synchronous") == 2  # FULL
    assert pragma("foreign_keys") == 1
    assert pragma("busy_timeout") >= 5000


def test_migrations_build_exactly_what_the_models_describe(tmp_path: Path) -> None:
    migrated = open_database(tmp_path / "migrated.db")
    from_migrations = _schema(migrated)
    close_database(migrated)
    fresh = SqliteDatabase(str(tmp_path / "models.db"))
    fresh.bind(ALL_MODELS)
    fresh.create_tables(ALL_MODELS)
    from_models = _schema(fresh)
    fresh.close()
    open_database(tmp_path / "migrated.db")  # rebind models for other tests in this process
    assert from_migrations == from_models


def test_reopening_keeps_data_and_version(tmp_path: Path) -> None:
    path = tmp_path / "keep.db"
    first = open_database(path)
    assert schema_version(first) == latest_version() >= 1
    first.execute_sql(
        "INSERT INTO task (id, type, status, stage, progress, detail, title, priority, data,"
        " attempts, max_attempts, next_run_at, lease_token, cancel_requested, created_at,"
        " updated_at) VALUES ('task_1','t','PENDING','',0,'','',0,'{}',0,5,0,0,0,0,0)"
    )
    close_database(first)
    second = open_database(path)
    assert schema_version(second) == latest_version()
    assert Task.get_by_id("task_1").status == "PENDING"
    close_database(second)


def test_an_older_database_is_upgraded_by_a_new_migration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    old = open_database(path)
    old.execute_sql(
        "INSERT INTO task (id, type, status, stage, progress, detail, title, priority, data,"
        " attempts, max_attempts, next_run_at, lease_token, cancel_requested, created_at,"
        " updated_at) VALUES ('task_old','t','COMPLETED','',100,'','',0,'{}',1,5,0,1,0,0,0)"
    )
    close_database(old)
    version = latest_version()

    def add_column(database: SqliteDatabase, migrator: SqliteMigrator) -> None:
        from playhouse.migrate import migrate

        migrate(migrator.add_column("task", "note", TextField(default="")))

    future = types.ModuleType("m_future")
    future.migrate = add_column  # type: ignore[attr-defined]
    real = store_db._migrations
    monkeypatch.setattr(store_db, "_migrations", lambda: [*real(), (version + 1, future)])
    upgraded = open_database(path)
    assert schema_version(upgraded) == version + 1
    row = upgraded.execute_sql("SELECT status, note FROM task WHERE id='task_old'").fetchone()
    assert row == ("COMPLETED", "")
    close_database(upgraded)


def test_a_database_from_a_newer_version_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    database = open_database(path)
    database.execute_sql(f"PRAGMA user_version = {latest_version() + 5}")
    close_database(database)
    with pytest.raises(RuntimeError, match="newer Podcast Desk"):
        open_database(path)
