"""Fixtures for queue and runner tests."""

from __future__ import annotations

import random

import pytest
from peewee import SqliteDatabase

from podcast_desk.tasks.queue import Backoff, TaskQueue
from tests.conftest import FakeClock


@pytest.fixture
def queue(db: SqliteDatabase, clock: FakeClock) -> TaskQueue:
    return TaskQueue(
        db, clock=clock, lease_seconds=30.0, backoff=Backoff(base=10.0, cap=300.0),
        max_attempts=3, rng=random.Random(7),
    )
