"""Full-text search over every transcript segment and every episode's title and summary.

The index (FTS5, see ``store/fts.py`` for how Chinese is made searchable) is brought up to
date before each query, so a search always sees what was written, by any process.
User text never reaches FTS5's query language: each word becomes a quoted phrase (a
trailing ``*`` makes it a prefix), so quotes, operators and brackets are just words.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from peewee import SqliteDatabase

from podcast_desk.store import fts
from podcast_desk.store.models import Segment

log = logging.getLogger(__name__)

#: Default highlight markers around each match in a snippet.
MARK = ("«", "»")
SNIPPET_TOKENS = 32  # a CJK character is one token, an English word is one
_WORDY = re.compile(r"[^\W_]")


@dataclass(frozen=True)
class Hit:
    """One search result. ``start``/``end`` are seconds into the episode (0 for a title or
    summary match); ``snippet`` has each match between the markers; ``rank`` is FTS5's
    bm25 (lower is better); ``field`` is "transcript", "title", "show" or "summary".
    """

    episode_id: int
    title: str
    start: float
    end: float
    snippet: str
    rank: float
    field: str = "transcript"
    segment_id: int | None = None

    def to_api(self) -> dict[str, Any]:
        """The CLI's ``--json`` shape."""
        return {
            "episodeId": self.episode_id,
            "title": self.title,
            "start": self.start,
            "end": self.end,
            "snippet": self.snippet,
            "field": self.field,
            "rank": round(self.rank, 4),
        }


def build_query(text: str, *, any_word: bool = False) -> str | None:
    """An FTS5 query for ``text``: every word (all of them, or ``any_word``) as a phrase.

    A CJK run is a phrase of its characters, so it matches anywhere inside unbroken text.
    Returns None when ``text`` has nothing searchable.
    """
    phrases = []
    for chunk in text.split():
        prefix = chunk.endswith("*")
        word = chunk.rstrip("*")
        if not _WORDY.search(word):
            continue
        phrase = '"' + fts.index_text(word).replace('"', '""') + '"'
        phrases.append(phrase + ("*" if prefix else ""))
    if not phrases:
        return None
    return (" OR " if any_word else " ").join(phrases)


def search(
    query: str,
    limit: int = 20,
    *,
    db: SqliteDatabase | None = None,
    mark: tuple[str, str] = MARK,
) -> list[Hit]:
    """The best ``limit`` matches for ``query`` across all episodes, best first.

    Every word must match; when that finds nothing, any word may. Hostile input (FTS5
    syntax, unbalanced quotes or brackets) is searched as plain words and never raises.
    The markers are inserted as they are: a caller rendering HTML should pass markers
    that cannot occur in text (e.g. control characters), escape, then replace them.
    """
    database: SqliteDatabase = db or Segment._meta.database
    fts.sync(database)
    limit = max(1, int(limit))
    hits: list[Hit] = []
    for any_word in (False, True):
        match = build_query(query, any_word=any_word)
        if match is None:
            return []
        # build_query quotes every word, so FTS5 syntax in the query is never parsed as such;
        # a database error here is a real one and is raised, not hidden as "no results".
        hits = _segments(database, match, limit, mark) + _episodes(database, match, limit, mark)
        if hits or len(query.split()) < 2:
            break
    hits.sort(key=lambda h: (h.rank, h.episode_id, h.start))
    return hits[:limit]


def _segments(db: SqliteDatabase, match: str, limit: int, mark: tuple[str, str]) -> list[Hit]:
    rows = fts.fetch_rows(
        db,
        "SELECT s.episode_id, e.title, s.start, s.end,"
        " snippet(segment_fts, 0, ?, ?, '…', ?), bm25(segment_fts), s.id"
        " FROM segment_fts JOIN segment s ON s.id = segment_fts.rowid"
        " JOIN episode e ON e.id = s.episode_id"
        " WHERE segment_fts MATCH ? ORDER BY bm25(segment_fts) LIMIT ?",
        (mark[0], mark[1], SNIPPET_TOKENS, match, limit),
    )
    return [
        Hit(episode_id=row[0], title=row[1], start=row[2], end=row[3],
            snippet=fts.unindex_text(row[4]), rank=row[5], segment_id=row[6])
        for row in rows
    ]


def _field(title_marked: str | None, show_marked: str | None) -> str:
    if "\x02" in (title_marked or ""):
        return "title"
    return "show" if "\x02" in (show_marked or "") else "summary"


def _episodes(db: SqliteDatabase, match: str, limit: int, mark: tuple[str, str]) -> list[Hit]:
    # A title match weighs most: it names what the whole episode is about.
    rows = fts.fetch_rows(
        db,
        "SELECT e.id, e.title, snippet(episode_fts, -1, ?, ?, '…', ?),"
        " bm25(episode_fts, 5.0, 2.0, 1.0), highlight(episode_fts, 0, ?, ?),"
        " highlight(episode_fts, 1, ?, ?)"
        " FROM episode_fts JOIN episode e ON e.id = episode_fts.rowid"
        " WHERE episode_fts MATCH ? ORDER BY bm25(episode_fts, 5.0, 2.0, 1.0) LIMIT ?",
        (mark[0], mark[1], SNIPPET_TOKENS, "\x02", "\x03", "\x02", "\x03", match, limit),
    )
    return [
        Hit(episode_id=row[0], title=row[1], start=0.0, end=0.0,
            snippet=fts.unindex_text(row[2]), rank=row[3],
            field=_field(row[4], row[5]))
        for row in rows
    ]
