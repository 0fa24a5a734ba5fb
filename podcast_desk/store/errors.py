"""SQLite errors told apart by their error code (never by their message text)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

__all__ = ["is_busy", "is_corrupt", "is_disk_full", "sqlite_code"]


def _chain(exc: BaseException) -> Iterator[object]:
    seen: set[int] = set()
    stack: list[object] = [exc]
    while stack:
        item = stack.pop()
        if id(item) in seen or len(seen) > 20:
            continue
        seen.add(id(item))
        yield item
        if isinstance(item, BaseException):
            stack += [item.__cause__, item.__context__, *item.args]


def sqlite_code(exc: BaseException) -> int | None:
    """The primary SQLite result code behind ``exc`` (peewee wraps sqlite3's errors), or None.

    peewee re-raises ``sqlite3.Error`` as its own class with the original as the first
    argument (and as the context); Python 3.11's sqlite3 errors carry ``sqlite_errorcode``.
    """
    for item in _chain(exc):
        code = getattr(item, "sqlite_errorcode", None)
        if isinstance(code, int):
            return code & 0xFF
    return None


def is_busy(exc: BaseException) -> bool:
    """Another connection holds the database longer than the busy timeout (BUSY/LOCKED)."""
    return sqlite_code(exc) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def is_disk_full(exc: BaseException) -> bool:
    """The database cannot grow: the disk (or its quota) is full (SQLITE_FULL)."""
    return sqlite_code(exc) == sqlite3.SQLITE_FULL


def is_corrupt(exc: BaseException) -> bool:
    """The database file is damaged or not a database (SQLITE_CORRUPT, SQLITE_NOTADB)."""
    return sqlite_code(exc) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
