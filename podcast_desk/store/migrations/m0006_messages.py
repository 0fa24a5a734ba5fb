"""Keep the message key and arguments beside the English text of errors, progress and log lines."""

from __future__ import annotations

from peewee import SqliteDatabase, TextField
from playhouse.migrate import SqliteMigrator
from playhouse.migrate import migrate as run


def migrate(db: SqliteDatabase, migrator: SqliteMigrator) -> None:
    """Add task.error_json, task.detail_json, task_event.message_json and
    subscription.last_error_json (NULL for old rows).

    The English text stays in ``error``/``detail``/``message`` (the origin API reads it);
    the JSON lets each face render the same message in its own language.
    """
    run(
        migrator.add_column("task", "error_json", TextField(null=True)),
        migrator.add_column("task", "detail_json", TextField(null=True)),
        migrator.add_column("task_event", "message_json", TextField(null=True)),
        migrator.add_column("subscription", "last_error_json", TextField(null=True)),
    )
