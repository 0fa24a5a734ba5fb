"""Full-text search: FTS5 tables, change-recording triggers, and indexing what exists."""

from __future__ import annotations

from peewee import SqliteDatabase
from playhouse.migrate import SqliteMigrator

# Frozen like m0001: the tables match SearchPending, SegmentSearch and EpisodeSearch.
# Triggers only record *which* rows changed (see store/fts.py for why); they fire for
# plain writes, for the REPLACE the transcriber's segment upsert does (BEFORE INSERT sees
# the row about to be replaced, which needs no recursive_triggers), and for cascades.
SCHEMA = """
CREATE TABLE IF NOT EXISTS "search_pending" (
    "id" INTEGER NOT NULL PRIMARY KEY,
    "kind" VARCHAR(16) NOT NULL,
    "ref" INTEGER NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS "search_pending_kind_ref" ON "search_pending" ("kind", "ref");
CREATE VIRTUAL TABLE IF NOT EXISTS "segment_fts" USING fts5 (
    "text", tokenize="porter unicode61 remove_diacritics 2");
CREATE VIRTUAL TABLE IF NOT EXISTS "episode_fts" USING fts5 (
    "title", "show", "summary", tokenize="porter unicode61 remove_diacritics 2");
CREATE TRIGGER IF NOT EXISTS "segment_search_before_insert" BEFORE INSERT ON "segment" BEGIN
    INSERT OR IGNORE INTO "search_pending" ("kind", "ref")
        SELECT 'segment', "id" FROM "segment"
        WHERE "id" = NEW."id" OR ("episode_id" = NEW."episode_id" AND "start" = NEW."start");
END;
CREATE TRIGGER IF NOT EXISTS "segment_search_insert" AFTER INSERT ON "segment" BEGIN
    INSERT OR IGNORE INTO "search_pending" ("kind", "ref") VALUES ('segment', NEW."id");
END;
CREATE TRIGGER IF NOT EXISTS "segment_search_update" AFTER UPDATE ON "segment"
WHEN OLD."text" IS NOT NEW."text" OR OLD."id" IS NOT NEW."id" BEGIN
    INSERT OR IGNORE INTO "search_pending" ("kind", "ref") VALUES ('segment', OLD."id");
    INSERT OR IGNORE INTO "search_pending" ("kind", "ref") VALUES ('segment', NEW."id");
END;
CREATE TRIGGER IF NOT EXISTS "segment_search_delete" AFTER DELETE ON "segment" BEGIN
    INSERT OR IGNORE INTO "search_pending" ("kind", "ref") VALUES ('segment', OLD."id");
END;
CREATE TRIGGER IF NOT EXISTS "episode_search_insert" AFTER INSERT ON "episode" BEGIN
    INSERT OR IGNORE INTO "search_pending" ("kind", "ref") VALUES ('episode', NEW."id");
END;
CREATE TRIGGER IF NOT EXISTS "episode_search_update" AFTER UPDATE ON "episode"
WHEN OLD."title" IS NOT NEW."title" OR OLD."show" IS NOT NEW."show"
    OR OLD."summary" IS NOT NEW."summary" OR OLD."id" IS NOT NEW."id" BEGIN
    INSERT OR IGNORE INTO "search_pending" ("kind", "ref") VALUES ('episode', OLD."id");
    INSERT OR IGNORE INTO "search_pending" ("kind", "ref") VALUES ('episode', NEW."id");
END;
CREATE TRIGGER IF NOT EXISTS "episode_search_delete" AFTER DELETE ON "episode" BEGIN
    INSERT OR IGNORE INTO "search_pending" ("kind", "ref") VALUES ('episode', OLD."id");
END;
"""


def _statements(script: str) -> list[str]:
    """Split on the ``;`` that end statements (trigger bodies end with ``END;``)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        stripped = current.strip()
        in_trigger = stripped.upper().startswith("CREATE TRIGGER")
        if stripped.endswith(";") and (not in_trigger or stripped.upper().endswith("END;")):
            statements.append(stripped)
            current = ""
    return statements


def migrate(db: SqliteDatabase, migrator: SqliteMigrator) -> None:
    """Create the index and its triggers, then index every existing episode and segment."""
    from podcast_desk.store import fts

    for statement in _statements(SCHEMA):
        db.execute_sql(statement)
    db.execute_sql(
        "INSERT OR IGNORE INTO search_pending (kind, ref) SELECT 'episode', id FROM episode"
    )
    db.execute_sql(
        "INSERT OR IGNORE INTO search_pending (kind, ref) SELECT 'segment', id FROM segment"
    )
    fts.sync(db)
