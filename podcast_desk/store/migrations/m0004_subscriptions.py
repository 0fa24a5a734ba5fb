"""Feed subscriptions with their seen items, and the episode's transcript source."""

from __future__ import annotations

from peewee import SqliteDatabase
from playhouse.migrate import SqliteMigrator

# Frozen: matches Subscription, SubscriptionItem and Episode.transcript_source.
SCHEMA = """
CREATE TABLE IF NOT EXISTS "subscription" (
    "id" INTEGER NOT NULL PRIMARY KEY,
    "feed_url" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "backfill" INTEGER NOT NULL,
    "initialized" INTEGER NOT NULL,
    "etag" TEXT,
    "last_modified" TEXT,
    "failures" INTEGER NOT NULL,
    "last_error" TEXT,
    "last_checked_at" REAL,
    "last_success_at" REAL,
    "next_check_at" REAL NOT NULL,
    "created_at" REAL NOT NULL,
    "updated_at" REAL NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS "subscription_feed_url" ON "subscription" ("feed_url");
CREATE TABLE IF NOT EXISTS "subscription_item" (
    "id" INTEGER NOT NULL PRIMARY KEY,
    "subscription_id" INTEGER NOT NULL,
    "guid" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "published" REAL,
    "task_id" VARCHAR(40),
    "seen_at" REAL NOT NULL,
    FOREIGN KEY ("subscription_id") REFERENCES "subscription" ("id") ON DELETE CASCADE);
CREATE UNIQUE INDEX IF NOT EXISTS "subscription_item_subscription_id_guid"
    ON "subscription_item" ("subscription_id", "guid");
ALTER TABLE "episode" ADD COLUMN "transcript_source" VARCHAR(80) NOT NULL DEFAULT '';
UPDATE "episode" SET "transcript_source" = 'whisper:' || "model"
    WHERE "transcript_done" = 1 AND "model" != '';
"""


def migrate(db: SqliteDatabase, migrator: SqliteMigrator) -> None:
    """Create the subscription tables and add Episode.transcript_source."""
    for statement in SCHEMA.split(";"):
        if statement.strip():
            db.execute_sql(statement)
