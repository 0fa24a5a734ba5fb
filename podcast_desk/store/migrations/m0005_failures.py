"""Count transient failures apart from claims, and lost leases without progress."""

from __future__ import annotations

from peewee import SQL, FloatField, IntegerField, SqliteDatabase
from playhouse.migrate import SqliteMigrator
from playhouse.migrate import migrate as run

ZERO = SQL("DEFAULT 0")  # raw INSERTs (older code, other tools) get 0 as well


def migrate(db: SqliteDatabase, migrator: SqliteMigrator) -> None:
    """Add task.failures, task.stalled_claims and task.claimed_progress (all zero)."""
    run(
        migrator.add_column("task", "failures", IntegerField(default=0, constraints=[ZERO])),
        migrator.add_column("task", "stalled_claims",
                            IntegerField(default=0, constraints=[ZERO])),
        migrator.add_column("task", "claimed_progress",
                            FloatField(default=0.0, constraints=[ZERO])),
    )
    # Until now attempts counted both: carry it over so old tasks keep their retry budget.
    db.execute_sql(
        "UPDATE task SET failures = attempts WHERE status = 'PENDING' AND error IS NOT NULL"
    )
