"""Reading tasks for a face: every task once, then only what changed, in one read transaction."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from peewee import SqliteDatabase

from podcast_desk.messages import Message
from podcast_desk.tasks.states import Capabilities, Status, capabilities

__all__ = ["Snapshot", "TaskSummary", "decode_message", "read_snapshot", "read_summaries"]


@dataclass(frozen=True, slots=True)
class TaskSummary:
    """What a face shows of one task (a read-only copy of its row).

    ``detail_message`` is what the task is doing now and ``error_message`` + ``error_hint``
    why it failed, as messages each face renders in its own language; ``detail`` and
    ``error`` are the same in English.
    """

    id: str
    type: str
    status: Status
    stage: str
    progress: float
    detail: str
    detail_message: Message | None
    title: str
    source: str
    kind: str
    error: str | None
    error_message: Message | None
    error_hint: Message | None
    priority: int
    created_at: float
    updated_at: float
    next_run_at: float
    cancel_requested: bool
    episode_id: int | None
    failures: int
    max_attempts: int

    @property
    def label(self) -> str:
        """The title, or the source while no title is known."""
        return self.title or self.source

    @property
    def capabilities(self) -> Capabilities:
        return capabilities(self.status)

    def waiting_to_retry(self, now: float) -> bool:
        """PENDING after a failure, with its next try still in the future."""
        return self.status is Status.PENDING and self.error is not None and self.next_run_at > now


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What one read found: the rows (all, or the changed ones), counts, and a high-water mark.

    Pass ``high_water - OVERLAP`` as the next ``since``: rows changed by a transaction that
    committed late, or by another process with a slightly different clock, are not missed.
    """

    rows: list[TaskSummary]
    counts: dict[Status, int]
    full: bool
    high_water: float

    OVERLAP = 2.0

    @property
    def total(self) -> int:
        return sum(self.counts.values())


_COLUMNS = (
    "id, type, status, stage, progress, detail, detail_json, title, "
    "COALESCE(json_extract(data, '$.source'), ''), COALESCE(json_extract(data, '$.kind'), ''), "
    "error, error_json, priority, created_at, updated_at, next_run_at, cancel_requested, "
    "json_extract(result, '$.episodeId'), failures, max_attempts"
)
# Newest first; ties (tasks added in one transaction) by id so the order is stable.
_ORDER = " ORDER BY created_at DESC, id ASC"


def _query(db: SqliteDatabase, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    database: Any = db  # peewee's execute_sql is not annotated
    return list(database.execute_sql(sql, params).fetchall())


def decode_message(raw: str | None, part: str | None = None) -> Message | None:
    """A Message stored as JSON (``part`` picks one of an error's two), or None."""
    if not raw:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if part is not None:
        data = data.get(part) if isinstance(data, dict) else None
    return Message.from_json(data)


def _summary(values: Sequence[Any]) -> TaskSummary:
    (task_id, task_type, status, stage, progress, detail, detail_json, title, source, kind,
     error, error_json, priority, created_at, updated_at, next_run_at, cancel_requested,
     episode_id, failures, max_attempts) = values
    return TaskSummary(
        id=task_id, type=task_type, status=Status(status), stage=stage or "",
        progress=float(progress or 0.0), detail=detail or "",
        detail_message=decode_message(detail_json), title=title or "", source=str(source),
        kind=str(kind), error=error, error_message=decode_message(error_json, "message"),
        error_hint=decode_message(error_json, "hint"), priority=int(priority),
        created_at=float(created_at), updated_at=float(updated_at),
        next_run_at=float(next_run_at), cancel_requested=bool(cancel_requested),
        episode_id=int(episode_id) if episode_id is not None else None,
        failures=int(failures or 0), max_attempts=int(max_attempts),
    )


def _counts(db: SqliteDatabase) -> dict[Status, int]:
    counts = dict.fromkeys(Status, 0)
    for status, count in _query(db, "SELECT status, COUNT(*) FROM task GROUP BY status"):
        counts[Status(status)] = int(count)
    return counts


def read_snapshot(db: SqliteDatabase, since: float | None = None) -> Snapshot:
    """Every task (``since`` None; ~10,000 rows take tens of milliseconds) or those whose
    ``updated_at`` is at or after ``since``, newest first, with the counts by status."""
    with db.atomic():  # one read transaction: rows and counts agree
        if since is None:
            raw = _query(db, f"SELECT {_COLUMNS} FROM task{_ORDER}")
        else:
            raw = _query(db, f"SELECT {_COLUMNS} FROM task WHERE updated_at >= ?{_ORDER}",
                         (since,))
        counts = _counts(db)
    rows = [_summary(r) for r in raw]
    high = max((r.updated_at for r in rows), default=since or 0.0)
    return Snapshot(rows, counts, since is None, high)


def read_summaries(db: SqliteDatabase, ids: Iterable[str]) -> list[TaskSummary]:
    """The rows of these tasks (those that still exist), newest first."""
    wanted = list(ids)
    rows: list[TaskSummary] = []
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        rows += [_summary(r) for r in _query(
            db, f"SELECT {_COLUMNS} FROM task WHERE id IN ({marks}){_ORDER}", chunk)]
    return rows
