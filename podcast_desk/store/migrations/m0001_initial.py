"""Initial schema: tasks, task log, episodes, segments (frozen DDL of version 1)."""

from __future__ import annotations

from peewee import SqliteDatabase
from playhouse.migrate import SqliteMigrator

# Frozen on purpose: later migrations change the schema from exactly this starting point,
# whatever the models look like by then. A test checks it matches the models' own DDL.
SCHEMA = """
CREATE TABLE IF NOT EXISTS "task" (
    "id" VARCHAR(40) NOT NULL PRIMARY KEY,
    "type" VARCHAR(40) NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "stage" VARCHAR(40) NOT NULL,
    "progress" REAL NOT NULL,
    "detail" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "priority" INTEGER NOT NULL,
    "data" TEXT NOT NULL,
    "result" TEXT,
    "error" TEXT,
    "attempts" INTEGER NOT NULL,
    "max_attempts" INTEGER NOT NULL,
    "next_run_at" REAL NOT NULL,
    "lease_owner" VARCHAR(200),
    "lease_token" INTEGER NOT NULL,
    "lease_expires_at" REAL,
    "cancel_requested" INTEGER NOT NULL,
    "created_at" REAL NOT NULL,
    "updated_at" REAL NOT NULL,
    "started_at" REAL,
    "completed_at" REAL);
CREATE INDEX IF NOT EXISTS "task_status_priority_created_at"
    ON "task" ("status", "priority", "created_at");
CREATE TABLE IF NOT EXISTS "task_event" (
    "id" INTEGER NOT NULL PRIMARY KEY,
    "task_id" VARCHAR(40) NOT NULL,
    "time" REAL NOT NULL,
    "level" VARCHAR(10) NOT NULL,
    "stage" VARCHAR(40) NOT NULL,
    "kind" VARCHAR(20) NOT NULL,
    "message" TEXT NOT NULL,
    FOREIGN KEY ("task_id") REFERENCES "task" ("id") ON DELETE CASCADE);
CREATE INDEX IF NOT EXISTS "task_event_task_id" ON "task_event" ("task_id");
CREATE TABLE IF NOT EXISTS "episode" (
    "id" INTEGER NOT NULL PRIMARY KEY,
    "task_id" VARCHAR(40),
    "source_url" TEXT NOT NULL,
    "media_url" TEXT NOT NULL,
    "guid" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "show" TEXT NOT NULL,
    "author" TEXT NOT NULL,
    "published" REAL,
    "duration" REAL,
    "description" TEXT NOT NULL,
    "image" TEXT NOT NULL,
    "chapters" TEXT NOT NULL,
    "transcripts" TEXT NOT NULL,
    "audio_path" TEXT NOT NULL,
    "audio_hash" VARCHAR(64) NOT NULL,
    "language" VARCHAR(16) NOT NULL,
    "model" TEXT NOT NULL,
    "transcribed_until" REAL NOT NULL,
    "transcript_done" INTEGER NOT NULL,
    "summary" TEXT,
    "summary_engine" VARCHAR(80) NOT NULL,
    "created_at" REAL NOT NULL,
    "updated_at" REAL NOT NULL,
    FOREIGN KEY ("task_id") REFERENCES "task" ("id") ON DELETE SET NULL);
CREATE INDEX IF NOT EXISTS "episode_task_id" ON "episode" ("task_id");
CREATE TABLE IF NOT EXISTS "segment" (
    "id" INTEGER NOT NULL PRIMARY KEY,
    "episode_id" INTEGER NOT NULL,
    "start" REAL NOT NULL,
    "end" REAL NOT NULL,
    "text" TEXT NOT NULL,
    FOREIGN KEY ("episode_id") REFERENCES "episode" ("id") ON DELETE CASCADE);
CREATE UNIQUE INDEX IF NOT EXISTS "segment_episode_id_start"
    ON "segment" ("episode_id", "start");
"""


def migrate(db: SqliteDatabase, migrator: SqliteMigrator) -> None:
    """Create the version-1 tables and indexes."""
    for statement in SCHEMA.split(";"):
        if statement.strip():
            db.execute_sql(statement)
