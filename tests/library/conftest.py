"""Episodes made from the fixture transcripts, inserted straight into a real database."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from peewee import SqliteDatabase

from podcast_desk.store.db import close_database, open_database
from podcast_desk.store.models import Episode, Segment
from tests.conftest import REPO

TRANSCRIPTS = REPO / "tests" / "fixtures" / "transcripts"


def load_transcript(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((TRANSCRIPTS / f"{name}.json").read_text("utf-8"))
    return data


def insert_episode(
    name: str,
    *,
    title: str,
    summary: dict[str, Any] | None = None,
    **fields: Any,
) -> Episode:
    """An Episode with the segments of fixture ``name`` (as the transcriber writes them)."""
    data = load_transcript(name)
    now = time.time()
    episode: Episode = Episode.create(
        title=title,
        source_url=f"https://example.org/{name}.mp3",
        duration=data.get("duration"),
        language=data.get("language", ""),
        transcript_done=True,
        transcribed_until=data["segments"][-1]["end"],
        summary=json.dumps(summary, ensure_ascii=False) if summary else None,
        summary_engine="extractive" if summary else "",
        created_at=now,
        updated_at=now,
        **fields,
    )
    rows = [{"episode": episode.id, "start": s["start"], "end": s["end"], "text": s["text"]}
            for s in data["segments"]]
    Segment.insert_many(rows).on_conflict_replace().execute()
    return episode


@pytest.fixture
def library_db(tmp_path: Path) -> Iterator[SqliteDatabase]:
    database = open_database(tmp_path / "library.db")
    yield database
    close_database(database)
