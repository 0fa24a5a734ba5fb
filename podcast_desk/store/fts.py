"""The full-text index's text form (CJK as single characters) and its sync from search_pending.

Why this shape: SQLite's built-in FTS5 tokenizers cannot split Chinese or Japanese, which
are written without spaces (``unicode61`` makes a whole sentence one token; ``trigram``
cannot match the one- and two-character words most Chinese queries are). So the indexed
copy of the text spreads every CJK character into its own token by wrapping it in
ZERO WIDTH SPACE (a separator for ``unicode61``, and removed again from snippets), and a
query for a CJK run becomes a phrase of its characters: ``熊猫`` finds "…去看大熊猫了",
exactly like a substring search, while Latin text keeps word tokens, Porter stemming and
bm25 ranking. No dictionary to load, nothing to guess.

Only Python can make that text, so triggers (migration 3) never write the index: every
insert, update, delete, REPLACE and cascade on ``segment`` and ``episode`` records the row
in ``search_pending`` in the writer's own transaction, and :func:`sync` rebuilds those
entries from the rows as they are now. ``search`` syncs before it queries, so results are
never stale whoever wrote the rows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from peewee import SqliteDatabase

from podcast_desk.text import CJK_LETTERS

__all__ = ["ZWSP", "fetch_rows", "index_text", "pending_count", "summary_text", "sync",
           "unindex_text"]

ZWSP = "\u200b"

# Han (with extensions and compatibility ideographs), kana, CJK punctuation stays out.
_CJK = re.compile(f"([{CJK_LETTERS}])")


def index_text(text: str) -> str:
    """``text`` as stored in the index: each CJK character becomes a token of its own."""
    return _CJK.sub(ZWSP + r"\1" + ZWSP, text.replace(ZWSP, ""))


def unindex_text(text: str) -> str:
    """Undo :func:`index_text` (for snippets and highlights)."""
    return text.replace(ZWSP, "")


def summary_text(summary_json: str | None) -> str:
    """The searchable words of a summary: TL;DR, key points, chapters, keywords, quotes."""
    if not summary_json:
        return ""
    try:
        summary: Any = json.loads(summary_json)
    except ValueError:
        return ""
    if not isinstance(summary, dict):
        return ""
    parts: list[str] = [str(summary.get("tldr") or "")]
    for key, fields in (("keyPoints", ("text",)), ("chapters", ("title", "summary")),
                        ("quotes", ("text",))):
        for item in summary.get(key) or []:
            if isinstance(item, dict):
                parts += [str(item.get(f) or "") for f in fields]
    parts += [str(k) for k in summary.get("keywords") or []]
    return "\n".join(p for p in parts if p)


def fetch_rows(db: SqliteDatabase, sql: str, params: Sequence[Any] = ()) -> list[Any]:
    """All rows of a raw SQL query (a typed wrapper over peewee's ``execute_sql``)."""
    rows: list[Any] = db.execute_sql(sql, params).fetchall()
    return rows


def pending_count(db: SqliteDatabase) -> int:
    """How many rows wait to be (re)indexed."""
    return int(db.execute_sql("SELECT COUNT(*) FROM search_pending").fetchone()[0])


def sync(db: SqliteDatabase, *, batch: int = 2000) -> int:
    """Bring the index up to date with every pending row; returns how many were handled.

    Each batch is one IMMEDIATE transaction (a savepoint when called inside one): a pending
    row whose segment or episode still exists is indexed afresh, one whose row is gone is
    removed from the index. Cheap when nothing is pending (one read, no write lock).
    """
    if db.execute_sql("SELECT 1 FROM search_pending LIMIT 1").fetchone() is None:
        return 0
    done = 0
    while True:
        with db.atomic("IMMEDIATE"):
            rows = db.execute_sql(
                "SELECT id, kind, ref FROM search_pending ORDER BY id LIMIT ?", (batch,)
            ).fetchall()
            if not rows:
                return done
            segments = [ref for _, kind, ref in rows if kind == "segment"]
            episodes = [ref for _, kind, ref in rows if kind == "episode"]
            _sync_segments(db, segments)
            _sync_episodes(db, episodes)
            ids = [row[0] for row in rows]
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                db.execute_sql(
                    f"DELETE FROM search_pending WHERE id IN ({','.join('?' * len(chunk))})",
                    chunk,
                )
            done += len(rows)


def _chunks(values: list[int], size: int = 500) -> list[list[int]]:
    return [values[i:i + size] for i in range(0, len(values), size)]


def _sync_segments(db: SqliteDatabase, refs: list[int]) -> None:
    for chunk in _chunks(sorted(set(refs))):
        marks = ",".join("?" * len(chunk))
        db.execute_sql(f"DELETE FROM segment_fts WHERE rowid IN ({marks})", chunk)
        rows = db.execute_sql(
            f"SELECT id, text FROM segment WHERE id IN ({marks})", chunk
        ).fetchall()
        for segment_id, text in rows:
            db.execute_sql("INSERT INTO segment_fts (rowid, text) VALUES (?, ?)",
                           (segment_id, index_text(text or "")))


def _sync_episodes(db: SqliteDatabase, refs: list[int]) -> None:
    for chunk in _chunks(sorted(set(refs))):
        marks = ",".join("?" * len(chunk))
        db.execute_sql(f"DELETE FROM episode_fts WHERE rowid IN ({marks})", chunk)
        rows = db.execute_sql(
            f"SELECT id, title, show, summary FROM episode WHERE id IN ({marks})", chunk
        ).fetchall()
        for episode_id, title, show, summary in rows:
            db.execute_sql(
                "INSERT INTO episode_fts (rowid, title, show, summary) VALUES (?, ?, ?, ?)",
                (episode_id, index_text(title or ""), index_text(show or ""),
                 index_text(summary_text(summary))),
            )
