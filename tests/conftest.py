"""Shared test fixtures: a real SQLite file per test, an injectable clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from peewee import SqliteDatabase

from podcast_desk.store.db import close_database, open_database

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "fixtures" / "corpus"  # copies of ../shared/corpus (README)


class FakeClock:
    """A clock tests move by hand: ``clock()`` returns now, ``clock.advance(s)`` moves it."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db(tmp_path: Path) -> Iterator[SqliteDatabase]:
    database = open_database(tmp_path / "test.db")
    yield database
    close_database(database)
