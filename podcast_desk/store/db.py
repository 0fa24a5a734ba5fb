"""Opening the SQLite database: late binding, pragmas, and schema migrations."""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from peewee import SqliteDatabase
from playhouse.migrate import SqliteMigrator

from podcast_desk.store.models import ALL_MODELS

log = logging.getLogger(__name__)

BUSY_TIMEOUT_SECONDS = 10.0
PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "full",  # a committed task survives a power cut
    "foreign_keys": 1,
    "busy_timeout": int(BUSY_TIMEOUT_SECONDS * 1000),
    "cache_size": -16_000,  # 16 MB page cache per connection
}

Migration = Callable[[SqliteDatabase, SqliteMigrator], None]


def _migrations() -> list[tuple[int, ModuleType]]:
    """Numbered migration modules `mNNNN_name.py` in store/migrations, in order."""
    from podcast_desk.store import migrations

    found = []
    for info in pkgutil.iter_modules(migrations.__path__):
        if info.name.startswith("m") and info.name[1:5].isdigit():
            module = importlib.import_module(f"{migrations.__name__}.{info.name}")
            found.append((int(info.name[1:5]), module))
    found.sort(key=lambda item: item[0])
    numbers = [number for number, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise RuntimeError(f"migration numbers must be 1..n without gaps, got {numbers}")
    return found


def schema_version(db: SqliteDatabase) -> int:
    """The number of the last migration applied to this database (PRAGMA user_version)."""
    row = db.execute_sql("PRAGMA user_version").fetchone()
    return int(row[0])


def latest_version() -> int:
    """The schema version this code writes."""
    return len(_migrations())


def migrate(db: SqliteDatabase) -> int:
    """Apply every migration newer than the database's version; returns the new version.

    Each migration runs in its own IMMEDIATE transaction together with the version bump,
    so two processes opening an old database at once apply it exactly once.
    """
    migrator = SqliteMigrator(db)
    for number, module in _migrations():
        with db.atomic("IMMEDIATE"):
            if schema_version(db) >= number:
                continue
            log.info("applying migration %04d (%s)", number, module.__name__)
            apply: Migration = module.migrate
            apply(db, migrator)
            db.execute_sql(f"PRAGMA user_version = {number:d}")
    version = schema_version(db)
    if version > latest_version():
        raise RuntimeError(
            f"This database was written by a newer Podcast Desk (schema {version}, "
            f"this version knows {latest_version()}). Update the app."
        )
    return version


def open_database(path: Path | str) -> SqliteDatabase:
    """Open (creating if needed) and upgrade the database at ``path``; bind the models to it.

    Connections are per thread (peewee's default), so worker threads never share one.
    Only one database is bound at a time per process; call ``close_database`` first to
    switch.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = SqliteDatabase(None)
    db.init(str(path), pragmas=PRAGMAS, timeout=int(BUSY_TIMEOUT_SECONDS))
    db.bind(ALL_MODELS, bind_refs=False, bind_backrefs=False)
    db.connect(reuse_if_open=True)
    migrate(db)
    return db


def close_database(db: SqliteDatabase) -> None:
    """Close this thread's connection (other threads close theirs when they end)."""
    if not db.is_closed():
        db.close()
