"""Peewee models: tasks, episodes and segments, the search index, subscriptions.

Times are float Unix seconds (UTC). JSON columns hold text written with ``json.dumps``.
Models are declared unbound; ``store.db.open_database`` binds them to a database.
"""

from __future__ import annotations

from typing import Any, ClassVar

from peewee import (
    SQL,
    AutoField,
    BooleanField,
    CharField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)
from playhouse.sqlite_ext import FTS5Model, RowIDField, SearchField


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
    # migration 5: transient failures (attempts counts claims, crashes included), and
    # lost leases in a row without progress (the poison-task guard)
    failures = IntegerField(default=0, constraints=[SQL("DEFAULT 0")])
    stalled_claims = IntegerField(default=0, constraints=[SQL("DEFAULT 0")])
    claimed_progress = FloatField(default=0.0, constraints=[SQL("DEFAULT 0")])
    # migration 6: the message key + arguments of ``error`` (and its hint) and ``detail``
    error_json = TextField(null=True)
    detail_json = TextField(null=True)


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
    message_json = TextField(null=True)  # migration 6: the key + arguments of ``message``


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
    # "whisper:<model>" or "publisher:<json|vtt|srt>" once the transcript is done (migration 4)
    transcript_source = CharField(max_length=80, default="")


class Segment(BaseModel):
    """A timed piece of an episode's transcript; (episode, start) is unique."""

    id = AutoField()
    episode = ForeignKeyField(Episode, backref="segments", on_delete="CASCADE", index=False)
    start = FloatField()
    end = FloatField()
    text = TextField()

    class Meta:
        indexes = ((("episode", "start"), True),)


# -- full-text search (migration 3; maintained by store.fts) -----------------------------

FTS_TOKENIZE = "porter unicode61 remove_diacritics 2"


class SearchPending(BaseModel):
    """A segment or episode whose search entry must be rebuilt; triggers add, fts.sync drains."""

    id = AutoField()
    kind = CharField(max_length=16)  # "segment" | "episode"
    ref = IntegerField()

    class Meta:
        indexes = ((("kind", "ref"), True),)


class SegmentSearch(FTS5Model):  # type: ignore[misc]
    """FTS5 index of segment text (rowid = segment id), CJK spread into single characters."""

    rowid = RowIDField()
    text = SearchField()

    class Meta:
        table_name = "segment_fts"
        options: ClassVar[dict[str, str]] = {"tokenize": FTS_TOKENIZE}


class EpisodeSearch(FTS5Model):  # type: ignore[misc]
    """FTS5 index of episode titles, shows and summaries (rowid = episode id)."""

    rowid = RowIDField()
    title = SearchField()
    show = SearchField()
    summary = SearchField()

    class Meta:
        table_name = "episode_fts"
        options: ClassVar[dict[str, str]] = {"tokenize": FTS_TOKENIZE}


# -- subscriptions (migration 4) ----------------------------------------------------------


class Subscription(BaseModel):
    """A subscribed feed: when to check it next, its validators, and how the last check went."""

    id = AutoField()
    feed_url = TextField(unique=True)
    title = TextField(default="")
    backfill = IntegerField(default=1)
    initialized = BooleanField(default=False)  # the first successful check has happened
    etag = TextField(null=True)
    last_modified = TextField(null=True)
    failures = IntegerField(default=0)
    last_error = TextField(null=True)
    last_checked_at = FloatField(null=True)
    last_success_at = FloatField(null=True)
    next_check_at = FloatField()
    created_at = FloatField()
    updated_at = FloatField()
    last_error_json = TextField(null=True)  # migration 6: the key + arguments of last_error


class SubscriptionItem(BaseModel):
    """A feed item a subscription has seen (queued or skipped); (subscription, guid) is unique."""

    id = AutoField()
    subscription = ForeignKeyField(Subscription, backref="items", on_delete="CASCADE",
                                   index=False)
    guid = TextField()
    title = TextField(default="")
    published = FloatField(null=True)
    task_id = CharField(max_length=40, null=True)  # None: seen but not queued (backfill)
    seen_at = FloatField()

    class Meta:
        indexes = ((("subscription", "guid"), True),)


ALL_MODELS: list[type[Model]] = [
    Task, TaskEvent, Episode, Segment, SearchPending, SegmentSearch, EpisodeSearch,
    Subscription, SubscriptionItem,
]


def row_dict(instance: Model) -> dict[str, Any]:
    """A model instance as a plain dict of column values."""
    return dict(instance.__data__)
