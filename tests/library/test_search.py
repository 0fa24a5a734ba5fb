"""Full-text search: ranking, snippets, Chinese, staying in sync, hostile input, migration."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from peewee import SqliteDatabase

from podcast_desk.library.search import MARK, build_query, search
from podcast_desk.store import db as store_db
from podcast_desk.store import fts
from podcast_desk.store.db import close_database, open_database, schema_version
from podcast_desk.store.models import Episode, Segment
from tests.library.conftest import insert_episode, load_transcript

TOPICS_SUMMARY = {
    "engine": "extractive",
    "tldr": "Coffee brewing, space probes, ocean tides, tomatoes and bicycle repair.",
    "keyPoints": [{"text": "Spring tides happen when the sun and moon line up.", "start": 100.6}],
    "chapters": [{"start": 0.0, "end": 40.0, "title": "Coffee", "summary": "Fresh beans."}],
    "keywords": ["coffee", "tides"],
    "quotes": [],
}


@pytest.fixture
def library(library_db: SqliteDatabase) -> dict[str, Episode]:
    return {
        "topics": insert_episode("topics", title="Five topics", summary=TOPICS_SUMMARY),
        "long": insert_episode("long", title="A long ramble"),
        "zh": insert_episode("zh_sample", title="中文节目：茶、熊猫和高铁"),
    }


def _count(db: SqliteDatabase, table: str) -> int:
    return int(db.execute_sql(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def test_tides_moon_ranks_the_tides_segment_first_with_a_highlighted_snippet(
    library: dict[str, Episode],
) -> None:
    hits = search("tides moon")
    assert hits
    best = hits[0]
    assert best.field == "transcript"
    text = Segment.get_by_id(best.segment_id).text.lower()
    assert "tides" in text and "moon" in text
    assert f"{MARK[0]}tides{MARK[1]}" in best.snippet.lower()
    assert f"{MARK[0]}moon{MARK[1]}" in best.snippet.lower()
    assert best.episode_id in (library["topics"].id, library["long"].id)
    assert hits == sorted(hits, key=lambda h: h.rank)  # best (lowest bm25) first
    # every hit mentions a query word; the start is the segment's own
    for hit in hits:
        segment_text = (Segment.get_by_id(hit.segment_id).text.lower() if hit.segment_id
                        else "")
        if hit.field == "transcript":
            assert "tide" in segment_text or "moon" in segment_text
            assert hit.start == Segment.get_by_id(hit.segment_id).start


def test_stemming_and_prefixes(library: dict[str, Episode]) -> None:
    assert any("tides" in h.snippet for h in search("tide"))  # porter: tide ~ tides
    assert search("brew*"), "a trailing * is a prefix search"
    assert not search("brewx")


def test_titles_and_summaries_are_searched(library: dict[str, Episode]) -> None:
    title_hits = [h for h in search("ramble") if h.field == "title"]
    assert [h.episode_id for h in title_hits] == [library["long"].id]
    assert title_hits[0].start == 0.0 and MARK[0] in title_hits[0].snippet
    summary_hits = [h for h in search("bicycle repair") if h.field == "summary"]
    assert [h.episode_id for h in summary_hits] == [library["topics"].id]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("熊猫", "大熊猫"),  # a two-character word inside unbroken text
        ("熊", "熊"),  # one character
        ("高铁", "高铁"),
        ("大熊猫 竹子", "竹子"),  # two words, both must match
    ],
)
def test_chinese_words_are_found_inside_unbroken_text(
    library: dict[str, Episode], query: str, expected: str
) -> None:
    hits = search(query)
    assert hits, query
    best = hits[0]
    assert best.episode_id == library["zh"].id
    segment = Segment.get_by_id(best.segment_id) if best.segment_id else None
    if segment is not None:
        for word in query.split():
            assert word in segment.text
        assert expected in segment.text
    assert fts.ZWSP not in best.snippet
    first = query.split()[0]
    assert f"{MARK[0]}{first}{MARK[1]}" in best.snippet  # highlighted, spacing undone


def test_a_new_segment_is_found_as_written_by_the_transcriber(
    library: dict[str, Episode],
) -> None:
    episode = library["zh"]
    assert not search("企鹅")
    Segment.insert_many([{"episode": episode.id, "start": 500.0, "end": 504.0,
                          "text": "我们今天去看大熊猫和企鹅了"}]).on_conflict_replace().execute()
    hits = search("企鹅")
    assert [(h.episode_id, h.start) for h in hits] == [(episode.id, 500.0)]
    assert hits[0].snippet == f"我们今天去看大熊猫和{MARK[0]}企鹅{MARK[1]}了"


def test_replace_update_and_delete_keep_the_index_in_sync(
    library: dict[str, Episode], library_db: SqliteDatabase
) -> None:
    episode = library["topics"]

    def found(query: str) -> list[float]:
        return [h.start for h in search(query) if h.episode_id == episode.id]

    first = Segment.select().where(Segment.episode == episode.id).order_by(Segment.start).get()
    assert found("freshly roasted") == [first.start]
    # the transcriber redoes a slice: INSERT OR REPLACE on (episode, start)
    Segment.insert_many([{"episode": episode.id, "start": first.start, "end": first.end,
                          "text": "A good cup of tea starts with zanzibar quince."}]
                        ).on_conflict_replace().execute()
    assert not found("freshly roasted")
    assert found("zanzibar quince") == [first.start]
    # an ignored insert leaves the existing row indexed
    Segment.insert(episode=episode.id, start=first.start, end=first.end,
                   text="ignored words").on_conflict_ignore().execute()
    assert not found("ignored")
    assert found("zanzibar quince") == [first.start]
    # an update
    replaced = Segment.get((Segment.episode == episode.id) & (Segment.start == first.start))
    Segment.update(text="Now about marmalade.").where(Segment.id == replaced.id).execute()
    assert not found("zanzibar quince")
    assert [h.segment_id for h in search("marmalade")] == [replaced.id]
    # the resume path deletes segments past the checkpoint
    assert found("metronome") == [183.6]
    Segment.delete().where((Segment.episode == episode.id) & (Segment.start >= 150)).execute()
    assert not found("metronome") and not found("piano")
    assert found("squeaking") == [145.6]
    # an episode title change, then deleting the episode cascades to its segments
    Episode.update(title="Renamed show about gardening").where(
        Episode.id == episode.id).execute()
    assert [h.field for h in search("gardening") if h.episode_id == episode.id] == ["title"]
    Episode.delete().where(Episode.id == episode.id).execute()
    assert not found("coffee") and not found("gardening") and not found("marmalade")
    fts.sync(library_db)
    assert _count(library_db, "segment_fts") == Segment.select().count()
    assert _count(library_db, "episode_fts") == Episode.select().count() == 2
    assert fts.pending_count(library_db) == 0


@pytest.mark.parametrize(
    "query",
    ['"', '"tides', "tides)", "(tides", "AND", "OR OR", "NOT tides", "tides NEAR moon",
     "NEAR(tides moon)", "*", "**", "tid*es", "title:tides", "-tides", "^tides", "+", "''",
     "tides AND (moon OR", "熊猫\"", "\\", "%_", "{tides}", "tides:", "🙂", "   ", ""],
)
def test_hostile_queries_are_searched_as_plain_words(
    library: dict[str, Episode], query: str
) -> None:
    hits = search(query)
    words = re.findall(r"\w+", query)
    if all(len(re.findall(r"\w+", chunk)) <= 1 for chunk in query.split()):
        # FTS5 operators, quotes and brackets mean nothing: the same hits as the bare words
        assert hits == (search(" ".join(words)) if words else [])
    else:  # "NEAR(tides moon)": a chunk of several words is one phrase
        assert all("«" in h.snippet or h.field != "transcript" for h in hits), hits
    if words == ["tides"]:  # the word itself is found, wrapped in any syntax
        assert any(h.episode_id == library["topics"].id for h in hits), hits
    if any("熊猫" in w for w in words):
        assert any(h.episode_id == library["zh"].id for h in hits), hits


def test_query_building_quotes_every_word() -> None:
    assert build_query('tides "moon') == '"tides" """moon"'
    assert build_query("coffee*") == '"coffee"*'
    assert build_query("熊猫") == f'"{fts.ZWSP}熊{fts.ZWSP}{fts.ZWSP}猫{fts.ZWSP}"'
    assert build_query("a b", any_word=True) == '"a" OR "b"'
    assert build_query("** () --") is None


def test_limit_and_or_fallback(library: dict[str, Episode]) -> None:
    assert len(search("the", limit=3)) == 3
    hits = search("tides xylophone")  # no segment has both: any word will do
    assert hits and all("tide" in h.snippet.lower() for h in hits)


def test_migration_indexes_episodes_that_existed_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = store_db._migrations
    monkeypatch.setattr(store_db, "_migrations", lambda: real()[:2])
    path = tmp_path / "v2.db"
    old = open_database(path)
    assert schema_version(old) == 2
    data = load_transcript("zh_sample")
    now = time.time()
    old.execute_sql(
        "INSERT INTO episode (id, source_url, media_url, guid, title, show, author,"
        " description, image, chapters, transcripts, audio_path, audio_hash, language, model,"
        " transcribed_until, transcript_done, summary, summary_engine, created_at, updated_at)"
        " VALUES (7, '', '', '', 'Old episode about pandas', '', '', '', '', '[]', '[]', '',"
        " '', 'zh', 'tiny', 231.0, 1, ?, 'extractive', ?, ?)",
        (json.dumps({"tldr": "关于大熊猫的节目"}, ensure_ascii=False), now, now),
    )
    for seg in data["segments"]:
        old.execute_sql("INSERT INTO segment (episode_id, start, end, text) VALUES (7, ?, ?, ?)",
                        (seg["start"], seg["end"], seg["text"]))
    close_database(old)
    monkeypatch.setattr(store_db, "_migrations", real)

    upgraded = open_database(path)
    try:
        assert schema_version(upgraded) == store_db.latest_version()
        # indexed by the migration itself, not lazily by the first search
        assert fts.pending_count(upgraded) == 0
        assert _count(upgraded, "segment_fts") == len(data["segments"])
        assert _count(upgraded, "episode_fts") == 1
        hits = search("熊猫")
        assert hits and {h.episode_id for h in hits} == {7}
        assert any(h.field == "summary" for h in hits)
        assert any(h.field == "title" for h in search("pandas"))
        source = upgraded.execute_sql("SELECT transcript_source FROM episode").fetchone()[0]
        assert source == "whisper:tiny"
    finally:
        close_database(upgraded)
