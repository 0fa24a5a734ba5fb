"""An index that serves the claim order (priority DESC, created_at, id) without a sort."""

from __future__ import annotations

from peewee import SqliteDatabase
from playhouse.migrate import SqliteMigrator


def migrate(db: SqliteDatabase, migrator: SqliteMigrator) -> None:
    """Replace the version-1 status/priority/created_at index with the claim-order one."""
    db.execute_sql('DROP INDEX IF EXISTS "task_status_priority_created_at"')
    db.execute_sql(
        'CREATE INDEX IF NOT EXISTS "task_claim" '
        'ON "task" ("status", "priority" DESC, "created_at", "id")'
    )
