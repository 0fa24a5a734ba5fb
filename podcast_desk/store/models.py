"""Peewee models: Task, TaskEvent (the task log), Episode, Segment.

Times are float Unix seconds (UTC). JSON columns hold text written with ``json.dumps``.
Models are declared unbound; ``store.db.open_database`` binds them to a database.
"""

from __future__ import annotations

from typing import Any

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)


class BaseModel(Model):
    class Meta:
        legacy_table_names = False


class Task(BaseModel):
    """One unit of queued work; see tasks.queue for the state machine."""

    id = CharField(primary_key=True, max_length=40)
    type = CharField(max_length=40)
    status = CharField(max_length=16)
    stage = CharField(max_length=40, default="")
    progress = FloatField(default=0.0)
    detail = TextField(default="")
    title = TextField(default="")
    priority = IntegerField(default=0)
    data = TextField(default="{}")
    result = TextField(null=True)
    error = TextField(null=True)
    attempts = IntegerField(default=0)
    max_attempts = IntegerField(default=5)
    next_run_at = FloatField()
    lease_owner = CharField(max_length=200, null=True)
    lease_token = IntegerField(default=0)
    lease_expires_at = FloatField(null=True)
    cancel_requested = BooleanField(default=False)
    created_at = FloatField()
    updated_at = FloatField()
    started_at = FloatField(null=True)
    completed_at = FloatField(null=True)



# Serves claim_next's ORDER BY priority DESC, created_at, id without sorting (migration 2).
Task.add_index(
    Task.index(Task.status, Task.priority.desc(), Task.created_at, Task.id, name="task_claim")
)


class TaskEvent(BaseModel):
    """One line of a task's log: state changes, stage changes, technical detail."""

    id = AutoField()
    task = ForeignKeyField(Task, backref="events", on_delete="CASCADE", index=True)
    time = FloatField()
    level = CharField(max_length=10, default="info")
    stage = CharField(max_length=40, default="")
    kind = CharField(max_length=20, default="log")
    message = TextField()


class Episode(BaseModel):
    """What a podcast task produced: metadata, the audio, checkpoints, the summary."""

    id = AutoField()
    task = ForeignKeyField(Task, backref="episodes", null=True, on_delete="SET NULL", index=True)
    source_url = TextField(default="")
    media_url = TextField(default="")
    guid = TextField(default="")
    title = TextField(default="")
    show = TextField(default="")
    author = TextField(default="")
    published = FloatField(null=True)
    duration = FloatField(null=True)
    description = TextField(default="")
    image = TextField(default="")
    chapters = TextField(default="[]")
    transcripts = TextField(default="[]")
    audio_path = TextField(default="")
    audio_hash = CharField(max_length=64, default="")
    language = CharField(max_length=16, default="")
    model = TextField(default="")
    transcribed_until = FloatField(default=0.0)
    transcript_done = BooleanField(default=False)
    summary = TextField(null=True)
    summary_engine = CharField(max_length=80, default="")
    created_at = FloatField()
    updated_at = FloatField()


class Segment(BaseModel):
    """A timed piece of an episode's transcript; (episode, start) is unique."""

    id = AutoField()
    episode = ForeignKeyField(Episode, backref="segments", on_delete="CASCADE", index=False)
    start = FloatField()
    end = FloatField()
    text = TextField()

    class Meta:
        indexes = ((("episode", "start"), True),)


ALL_MODELS: list[type[Model]] = [Task, TaskEvent, Episode, Segment]


def row_dict(instance: Model) -> dict[str, Any]:
    """A model instance as a plain dict of column values."""
    return dict(instance.__data__)
