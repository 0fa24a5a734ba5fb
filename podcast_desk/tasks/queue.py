"""TaskQueue: a durable, leased, fenced task queue on SQLite (design §4).

States: PENDING → RUNNING → COMPLETED | FAILED | CANCELLED, and RUNNING → PENDING again
for a transient failure (with backoff), a released task (the worker stopped), or a lease
that expired because its worker died.

Every public method is one short transaction. Claims happen in ``BEGIN IMMEDIATE`` so two
workers, in threads or processes, never hold the same task. Every state change writes a
TaskEvent in the same transaction, so the task log always agrees with the task.
"""

from __future__ import annotations

import json
import logging
import os
import random
import socket
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from peewee import SqliteDatabase

from podcast_desk.messages import Message, msg
from podcast_desk.store.models import Task, TaskEvent
from podcast_desk.tasks.errors import LeaseLost, TaskError
from podcast_desk.tasks.ids import new_task_id
from podcast_desk.tasks.snapshot import (
    Snapshot,
    TaskSummary,
    decode_message,
    read_snapshot,
    read_summaries,
)
from podcast_desk.tasks.states import (
    CANCELLABLE,
    FINISHED,
    MOVABLE,
    REMOVABLE,
    RETRYABLE,
    Capabilities,
    Status,
    capabilities,
)

__all__ = [
    "FINISHED",
    "Backoff",
    "Capabilities",
    "Claim",
    "EventInfo",
    "Snapshot",
    "Status",
    "TaskInfo",
    "TaskQueue",
    "TaskSummary",
    "capabilities",
    "iso",
    "make_owner",
]

log = logging.getLogger(__name__)

Clock = Callable[[], float]


# A worker that dies (kill -9, power loss, a quit app) does not fail the task: its lease
# expires and another worker resumes it, as often as it takes while the task progresses.
# A task that kills its worker without moving on must still end: after this many lost
# leases in a row with no progress in between, it fails.
CRASH_ALLOWANCE = 10


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with equal jitter: attempt n waits base·2^(n-1), capped.

    The wait is drawn uniformly from [d/2, d] so retries of many tasks spread out.
    """

    base: float = 30.0
    cap: float = 3600.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        d = min(self.cap, self.base * (2 ** max(0, attempt - 1)))
        return float(d / 2 + rng.uniform(0, d / 2))


@dataclass(frozen=True)
class Claim:
    """Proof that one worker holds one task; ``token`` fences every write it makes."""

    task_id: str
    type: str
    token: int
    owner: str
    data: dict[str, Any]
    attempt: int
    max_attempts: int
    title: str = ""


@dataclass(frozen=True)
class TaskInfo:
    """A read-only snapshot of a task row, with JSON columns decoded."""

    id: str
    type: str
    status: Status
    stage: str
    progress: float
    detail: str
    title: str
    priority: int
    data: dict[str, Any]
    result: dict[str, Any] | None
    error: str | None
    attempts: int
    max_attempts: int
    next_run_at: float
    lease_owner: str | None
    lease_expires_at: float | None
    cancel_requested: bool
    created_at: float
    updated_at: float
    started_at: float | None
    completed_at: float | None
    failures: int = 0
    error_message: Message | None = None
    error_hint: Message | None = None
    detail_message: Message | None = None

    @property
    def capabilities(self) -> Capabilities:
        return capabilities(self.status)

    def to_api(self, now: float) -> dict[str, Any]:
        """The task as the CLI's ``--json`` shape (camelCase, ISO-8601 UTC times).

        ``data.url`` is the link for link sources, as the origin API had it; ``source`` and
        ``kind`` stay beside it. ``attempts`` counts failures (a worker that died and was
        replaced is not a failed attempt); ``claims`` counts how often a worker took it.
        """
        waiting = self.status is Status.PENDING and self.next_run_at > now
        data = dict(self.data)
        if data.get("kind") == "url" and "url" not in data:
            data["url"] = data.get("source")
        return {
            "id": self.id,
            "type": self.type,
            "status": str(self.status),
            "stage": self.stage,
            "progress": round(self.progress, 1),
            "detail": self.detail,
            "title": self.title,
            "priority": self.priority,
            "data": data,
            "result": self.result,
            "error": self.error,
            "errorKey": self.error_message.key if self.error_message else None,
            "attempts": self.failures,
            "claims": self.attempts,
            "maxAttempts": self.max_attempts,
            "cancelRequested": self.cancel_requested,
            "nextRetryAt": iso(self.next_run_at) if waiting else None,
            "createdAt": iso(self.created_at),
            "updatedAt": iso(self.updated_at),
            "startedAt": iso(self.started_at),
            "completedAt": iso(self.completed_at),
        }


@dataclass(frozen=True)
class EventInfo:
    """One line of a task's log: the English text, and the message it renders (if any).

    Lines without a message are technical detail (a tool's own output, a traceback).
    """

    time: float
    level: str
    stage: str
    kind: str
    message: str
    message_obj: Message | None = None


@dataclass(frozen=True)
class _Row:
    """The columns the claim path reads."""

    id: str
    type: str
    priority: int
    created_at: float
    attempts: int
    max_attempts: int
    cancel_requested: int
    lease_token: int
    started_at: float | None
    data: str
    title: str
    stage: str
    progress: float
    stalled_claims: int
    claimed_progress: float


@dataclass
class _Candidate:
    row: _Row
    expired: bool = field(default=False)


def iso(ts: float | None) -> str | None:
    """Unix seconds as ISO-8601 UTC with millisecond precision, or None."""
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z"
    )


def make_owner(name: str = "worker") -> str:
    """An owner string ``host:pid:nonce/name``; the pid lets a restart reap dead leases."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}/{name}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _to_info(row: Task) -> TaskInfo:
    return TaskInfo(
        id=row.id,
        type=row.type,
        status=Status(row.status),
        stage=row.stage,
        progress=row.progress,
        detail=row.detail,
        title=row.title,
        priority=row.priority,
        data=json.loads(row.data or "{}"),
        result=json.loads(row.result) if row.result else None,
        error=row.error,
        attempts=row.attempts,
        max_attempts=row.max_attempts,
        next_run_at=row.next_run_at,
        lease_owner=row.lease_owner,
        lease_expires_at=row.lease_expires_at,
        cancel_requested=bool(row.cancel_requested),
        created_at=row.created_at,
        updated_at=row.updated_at,
        started_at=row.started_at,
        completed_at=row.completed_at,
        failures=row.failures,
        error_message=decode_message(row.error_json, "message"),
        error_hint=decode_message(row.error_json, "hint"),
        detail_message=decode_message(row.detail_json),
    )


def _dumps(message: Message | None) -> str | None:
    return json.dumps(message.to_json(), ensure_ascii=False) if message is not None else None


class TaskQueue:
    """The queue contract of design §4, over the models bound to ``db``.

    ``clock`` (Unix seconds) and ``rng`` are injectable so tests can drive time and
    jitter; ``lease_seconds`` is how long a claim lives without a heartbeat.
    """

    def __init__(
        self,
        db: SqliteDatabase,
        *,
        clock: Clock | None = None,
        lease_seconds: float = 30.0,
        backoff: Backoff | None = None,
        max_attempts: int = 5,
        rng: random.Random | None = None,
    ) -> None:
        import time

        self.db = db
        self.clock: Clock = clock or time.time
        self.lease_seconds = lease_seconds
        self.backoff = backoff or Backoff()
        self.max_attempts = max_attempts
        self.rng = rng or random.Random()
        self._host = socket.gethostname()

    # -- submitting -------------------------------------------------------------------

    def add_task(
        self,
        type: str,
        data: dict[str, Any],
        priority: int = 0,
        *,
        max_attempts: int | None = None,
        title: str = "",
    ) -> str:
        """Queue a task and return its id: one INSERT, no network, milliseconds."""
        return self.add_tasks([(type, data, priority)], max_attempts=max_attempts,
                              titles=[title])[0]

    def add_tasks(
        self,
        items: Sequence[tuple[str, dict[str, Any], int]],
        *,
        max_attempts: int | None = None,
        titles: Sequence[str] | None = None,
    ) -> list[str]:
        """Queue several tasks in one transaction (all or none); ids in the given order."""
        now = self.clock()
        ids = []
        with self.db.atomic():
            for index, (task_type, data, priority) in enumerate(items):
                task_id = new_task_id(now)
                Task.insert(
                    id=task_id,
                    type=task_type,
                    status=Status.PENDING,
                    title=titles[index] if titles else "",
                    priority=priority,
                    data=json.dumps(data, ensure_ascii=False),
                    max_attempts=max_attempts or self.max_attempts,
                    next_run_at=now,
                    created_at=now,
                    updated_at=now,
                ).execute()
                self._event(task_id, now, msg("queue.queued"), kind="state")
                ids.append(task_id)
        return ids

    # -- reading ----------------------------------------------------------------------

    def get_task(self, task_id: str) -> TaskInfo | None:
        """The task's current state, or None for an unknown id."""
        row = Task.get_or_none(Task.id == task_id)
        return _to_info(row) if row else None

    get_task_status = get_task

    def list_tasks(
        self,
        statuses: Iterable[Status | str] | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = True,
    ) -> list[TaskInfo]:
        """Tasks, optionally filtered by status, newest first unless asked otherwise."""
        query = Task.select()
        if statuses is not None:
            query = query.where(Task.status.in_([str(s) for s in statuses]))
        order = Task.created_at.desc() if newest_first else Task.created_at.asc()
        query = query.order_by(order, Task.id.desc() if newest_first else Task.id.asc())
        if limit is not None:
            query = query.limit(limit).offset(offset)
        return [_to_info(row) for row in query]

    def counts(self) -> dict[Status, int]:
        """How many tasks are in each state."""
        from peewee import fn

        result = dict.fromkeys(Status, 0)
        query = Task.select(Task.status, fn.COUNT(Task.id)).group_by(Task.status)
        rows: Iterable[tuple[str, int]] = query.tuples()  # type: ignore[assignment]
        for status, count in rows:
            result[Status(status)] = int(count)
        return result

    def events(self, task_id: str) -> list[EventInfo]:
        """The task's log, oldest first."""
        query = TaskEvent.select().where(TaskEvent.task == task_id).order_by(TaskEvent.id)
        return [EventInfo(e.time, e.level, e.stage, e.kind, e.message,
                          decode_message(e.message_json)) for e in query]

    def has_running(self) -> bool:
        """Whether any task is RUNNING (in any process) under a live lease."""
        now = self.clock()
        return (
            Task.select()
            .where((Task.status == Status.RUNNING) & (Task.lease_expires_at >= now))
            .exists()
        )

    def next_due_at(self) -> float | None:
        """When the earliest PENDING task becomes due (may be in the past), or None."""
        from peewee import fn

        value = Task.select(fn.MIN(Task.next_run_at)).where(
            Task.status == Status.PENDING
        ).scalar()
        return float(value) if value is not None else None

    # -- working ----------------------------------------------------------------------

    def claim_next(
        self, owner: str, types: Iterable[str] | None = None, *, task_id: str | None = None
    ) -> Claim | None:
        """Claim the best task that is due, or None.

        In one ``BEGIN IMMEDIATE`` transaction: pick the highest-priority, then oldest,
        task that is PENDING and due, or RUNNING with an expired lease (its worker
        died); mark it RUNNING, bump ``lease_token`` and ``attempts``, set the lease.
        Two workers, in threads or processes, never hold the same task. With ``task_id``
        only that task is considered (the CLI's ``process`` works on the one it added).
        """
        self.reap_dead_owners()
        type_list = list(types) if types is not None else None
        while True:
            with self.db.atomic("IMMEDIATE"):
                now = self.clock()
                candidate = self._best_candidate(now, type_list, task_id)
                if candidate is None:
                    return None
                row = candidate.row
                if candidate.expired and row.cancel_requested:
                    self._finish(row, now, Status.CANCELLED, message=msg("queue.cancelled"))
                    continue
                stalled = row.stalled_claims
                if candidate.expired:  # its worker died: did the task move on meanwhile?
                    stalled = 0 if row.progress > row.claimed_progress + 0.01 else stalled + 1
                if stalled >= CRASH_ALLOWANCE:
                    error = TaskError(msg("queue.too_many_crashes"),
                                      hint=msg("hint.too_many_crashes"))
                    self._finish(row, now, Status.FAILED, error=error,
                                 message=error.message)
                    continue
                token = row.lease_token + 1
                attempt = row.attempts + 1
                self.db.execute_sql(
                    "UPDATE task SET status = 'RUNNING', lease_owner = ?, lease_token = ?,"
                    " lease_expires_at = ?, attempts = ?, started_at = ?, updated_at = ?,"
                    " error = NULL, stalled_claims = ?, claimed_progress = ? WHERE id = ?",
                    (owner, token, now + self.lease_seconds, attempt, row.started_at or now,
                     now, stalled, row.progress, row.id),
                )
                if candidate.expired:
                    message = msg("queue.resumed", owner=owner)
                else:
                    message = msg("queue.started", owner=owner, attempt=attempt)
                self._event(row.id, now, message, kind="state")
                return Claim(
                    task_id=row.id,
                    type=row.type,
                    token=token,
                    owner=owner,
                    data=json.loads(row.data or "{}"),
                    attempt=attempt,
                    max_attempts=row.max_attempts,
                    title=row.title,
                )

    # The claim path is hand-written SQL: it runs for every task and peewee's query
    # building cost more than SQLite itself here (benchmarks/queue_bench.py).
    _CANDIDATE_COLUMNS = (
        "id, type, priority, created_at, attempts, max_attempts, cancel_requested, "
        "lease_token, started_at, data, title, stage, progress, stalled_claims, "
        "claimed_progress"
    )

    def _best_candidate(
        self, now: float, types: list[str] | None, task_id: str | None
    ) -> _Candidate | None:
        extra, params = "", []
        if types is not None:
            extra += f" AND type IN ({', '.join('?' * len(types))})"
            params += types
        if task_id is not None:
            extra += " AND id = ?"
            params.append(task_id)
        order = " ORDER BY priority DESC, created_at ASC, id ASC LIMIT 1"
        found = []
        for condition, expired in (
            ("status = 'PENDING' AND next_run_at <= ?", False),
            ("status = 'RUNNING' AND lease_expires_at < ?", True),
        ):
            sql = f"SELECT {self._CANDIDATE_COLUMNS} FROM task WHERE {condition}{extra}{order}"
            row = self.db.execute_sql(sql, [now, *params]).fetchone()
            if row is not None:
                found.append(_Candidate(_Row(*row), expired=expired))
        if not found:
            return None
        return min(found, key=lambda c: (-c.row.priority, c.row.created_at, c.row.id))

    def reap_dead_owners(self) -> int:
        """Expire the leases of RUNNING tasks whose owner process on this host is gone.

        A killed worker's tasks can then be resumed at once instead of after the lease
        runs out. Owners on other hosts, or whose pid is alive, are left alone.
        """
        owners: Iterable[tuple[str | None]] = self.db.execute_sql(
            "SELECT DISTINCT lease_owner FROM task WHERE status = 'RUNNING'"
        ).fetchall()
        dead = []
        for (owner,) in owners:
            host, _, rest = (owner or "").partition(":")
            pid_text = rest.partition(":")[0]
            if host == self._host and pid_text.isdigit() and not _pid_alive(int(pid_text)):
                dead.append(owner)
        if not dead:
            return 0
        with self.db.atomic("IMMEDIATE"):
            now = self.clock()
            return int(
                Task.update(lease_expires_at=now - 1)
                .where((Task.status == Status.RUNNING) & Task.lease_owner.in_(dead))
                .execute()
            )

    def heartbeat(self, claim: Claim) -> bool:
        """Extend the claim's lease while work goes on.

        Answers False when the token no longer matches (the lease was lost) or cancel
        was requested; the runner then stops that task.
        """
        now = self.clock()
        with self.db.atomic():
            updated = (
                Task.update(lease_expires_at=now + self.lease_seconds, updated_at=now)
                .where(
                    (Task.id == claim.task_id)
                    & (Task.lease_token == claim.token)
                    & (Task.status == Status.RUNNING)
                    & (Task.cancel_requested == False)  # noqa: E712 (SQL, not Python)
                )
                .execute()
            )
        return bool(updated == 1)

    @contextmanager
    def fenced(self, claim: Claim) -> Iterator[None]:
        """A write transaction that only happens while ``claim`` still holds its task.

        ``with queue.fenced(claim): …`` opens an IMMEDIATE transaction (it takes the write
        lock before reading, so it never fails half-way with "database is locked"), checks
        that the task is RUNNING under the claim's token, and raises
        :class:`~podcast_desk.tasks.errors.LeaseLost` (rolling back) when it is not: a
        worker that lost its lease can never write into the task's results. Nested use
        inside an outer ``fenced`` block checks again (cheap) and joins the outer
        transaction.
        """
        with self.db.atomic("IMMEDIATE"):
            row = self.db.execute_sql(
                "SELECT lease_token, status FROM task WHERE id = ?", (claim.task_id,)
            ).fetchone()
            if row is None or row[0] != claim.token or row[1] != Status.RUNNING:
                raise LeaseLost("lease lost")
            yield

    def update_progress(
        self,
        claim: Claim,
        stage: str,
        percent: float,
        message: Message | None = None,
        *,
        title: str | None = None,
        log_stage_change: bool = True,
    ) -> bool:
        """Record progress for a held task (fenced by the claim's token).

        ``message`` says what the task is doing now (a Message, rendered by each face);
        its English text is kept in ``detail`` for the origin-shaped API. Callers throttle
        (≈1/s per task); a change of stage is logged in the task log.
        """
        now = self.clock()
        values: dict[Any, Any] = {
            Task.stage: stage,
            Task.progress: max(0.0, min(100.0, percent)),
            Task.detail: message.english() if message is not None else "",
            Task.detail_json: _dumps(message),
            Task.updated_at: now,
        }
        if title is not None:
            values[Task.title] = title
        # IMMEDIATE: this transaction reads before it writes; a deferred one would fail at
        # once with "database is locked" if another connection wrote in between.
        with self.db.atomic("IMMEDIATE"):
            row = Task.get_or_none(
                (Task.id == claim.task_id)
                & (Task.lease_token == claim.token)
                & (Task.status == Status.RUNNING)
            )
            if row is None:
                return False
            Task.update(values).where(Task.id == claim.task_id).execute()
            if log_stage_change and row.stage != stage:
                self._event(claim.task_id, now, msg("queue.stage", stage=f"stage.{stage}"),
                            stage=stage, kind="stage")
        return True

    def log(
        self,
        task_id: str,
        message: Message | str,
        *,
        level: str = "info",
        stage: str = "",
        kind: str = "log",
    ) -> None:
        """Append a line to the task's log.

        A :class:`Message` is rendered by each face in its language; a plain string is
        technical detail (a tool's own output) and is shown as it is.
        """
        with self.db.atomic():
            self._event(task_id, self.clock(), message, level=level, stage=stage, kind=kind)

    def complete(self, claim: Claim, result: dict[str, Any] | None = None) -> bool:
        """Mark the task COMPLETED with ``result``, only if the claim's token still matches.

        A worker that lost its lease can never overwrite a newer result (fencing), so a
        task is completed exactly once. Returns whether this call completed it.
        """
        now = self.clock()
        with self.db.atomic("IMMEDIATE"):  # plain SQL: it runs once per task (queue_bench)
            updated = self.db.execute_sql(
                "UPDATE task SET status = 'COMPLETED', result = ?, error = NULL,"
                " error_json = NULL, progress = 100.0, detail = '', detail_json = NULL,"
                " lease_owner = NULL, lease_expires_at = NULL, completed_at = ?, updated_at = ?"
                " WHERE id = ? AND lease_token = ? AND status = 'RUNNING'",
                (json.dumps(result or {}, ensure_ascii=False), now, now, claim.task_id,
                 claim.token),
            ).rowcount
            if updated:
                self._event(claim.task_id, now, msg("queue.completed"), kind="completed")
        return bool(updated == 1)

    def fail(
        self,
        claim: Claim,
        error: TaskError,
        *,
        transient: bool,
        retry_after: float | None = None,
    ) -> Status | None:
        """Record a failure of a held task; returns its new status, or None if fenced out.

        Transient: back to PENDING with ``next_run_at`` = now + exponential backoff with
        jitter, until ``max_attempts`` failures, then FAILED (claims lost to a dead worker
        are not failures). Permanent: FAILED at once. The error's message and hint go on the
        task (English in ``error``, the keys in ``error_json``); ``TaskError.detail`` goes to
        the task log.
        """
        if retry_after is None:
            retry_after = getattr(error, "retry_after", None)
        now = self.clock()
        with self.db.atomic("IMMEDIATE"):
            row = Task.get_or_none(self._held(claim))
            if row is None:
                return None
            if error.detail:
                self._event(row.id, now, error.detail, level="debug", stage=row.stage,
                            kind="detail")
            failures = row.failures + 1
            if transient and failures < row.max_attempts:
                delay = self.backoff.delay(failures, self.rng)
                if retry_after is not None:
                    delay = min(self.backoff.cap, max(delay, retry_after))
                Task.update(
                    status=Status.PENDING,
                    error=error.human,
                    error_json=json.dumps(error.to_json(), ensure_ascii=False),
                    failures=failures,
                    next_run_at=now + delay,
                    lease_owner=None,
                    lease_expires_at=None,
                    updated_at=now,
                ).where(Task.id == row.id).execute()
                self._event(row.id, now, error.message, level="warning", stage=row.stage,
                            kind="error")
                self._event(
                    row.id, now,
                    msg("queue.retrying", seconds=round(delay), failures=failures,
                        max=row.max_attempts),
                    level="warning", stage=row.stage, kind="retry",
                )
                return Status.PENDING
            if transient:
                error = TaskError(error.message, hint=msg("queue.gave_up", n=failures),
                                  detail=error.detail)
            Task.update(failures=failures).where(Task.id == row.id).execute()
            self._finish(row, now, Status.FAILED, error=error, message=error.message)
            return Status.FAILED

    def release(self, claim: Claim, reason: Message | None = None) -> bool:
        """Give a held task back to the queue, due now, without spending an attempt.

        Used when a worker shuts down cleanly in the middle of a task (app quit, Ctrl-C):
        the task stays resumable from its checkpoints.
        """
        now = self.clock()
        with self.db.atomic("IMMEDIATE"):
            updated = (
                Task.update(
                    status=Status.PENDING,
                    attempts=Task.attempts - 1,
                    next_run_at=now,
                    lease_owner=None,
                    lease_expires_at=None,
                    updated_at=now,
                )
                .where(self._held(claim))
                .execute()
            )
            if updated:
                self._event(claim.task_id, now, reason or msg("queue.worker_stopped"),
                            kind="state")
                self._event(claim.task_id, now, msg("queue.paused"), kind="state")
        return bool(updated == 1)

    def acknowledge_cancel(self, claim: Claim) -> bool:
        """The runner stopped a held task because cancel was requested: mark it CANCELLED."""
        now = self.clock()
        with self.db.atomic("IMMEDIATE"):
            row = Task.get_or_none(self._held(claim))
            if row is None:
                return False
            self._finish(row, now, Status.CANCELLED, message=msg("queue.cancelled_running"))
        return True

    # -- steering ---------------------------------------------------------------------

    def cancel(self, task_id: str) -> Status | None:
        """Cancel a task; returns its status afterwards, or None for an unknown id.

        A PENDING task ends CANCELLED at once; a RUNNING one is flagged and stops at its
        next check (between segments, in the download hook), then ends CANCELLED.
        Finished tasks are left as they are. Its checkpoints stay: a retry resumes.
        """
        now = self.clock()
        with self.db.atomic("IMMEDIATE"):
            row = Task.get_or_none(Task.id == task_id)
            if row is None:
                return None
            if row.status not in CANCELLABLE:
                return Status(row.status)
            if row.status == Status.PENDING:
                self._finish(row, now, Status.CANCELLED, message=msg("queue.cancelled"))
                return Status.CANCELLED
            if not row.cancel_requested:
                Task.update(cancel_requested=True, updated_at=now).where(
                    Task.id == task_id
                ).execute()
                self._event(task_id, now, msg("queue.cancel_requested"), kind="state")
            return Status(row.status)

    def retry(self, task_id: str) -> bool:
        """Requeue a FAILED or CANCELLED task, due now, keeping its checkpoints."""
        now = self.clock()
        with self.db.atomic("IMMEDIATE"):
            updated = (
                Task.update(
                    status=Status.PENDING,
                    attempts=0,
                    failures=0,
                    stalled_claims=0,
                    next_run_at=now,
                    cancel_requested=False,
                    error=None,
                    error_json=None,
                    completed_at=None,
                    updated_at=now,
                )
                .where((Task.id == task_id) & Task.status.in_(RETRYABLE))
                .execute()
            )
            if updated:
                self._event(task_id, now, msg("queue.retry_requested"), kind="state")
        return bool(updated == 1)

    def reprioritize(self, task_id: str, priority: int) -> bool:
        """Move a task in the queue: higher priority is claimed first."""
        now = self.clock()
        with self.db.atomic():
            updated = (
                Task.update(priority=priority, updated_at=now)
                .where(Task.id == task_id)
                .execute()
            )
            if updated:
                self._event(task_id, now, msg("queue.priority", priority=priority),
                            kind="state")
        return bool(updated == 1)

    def move_to_top(self, task_ids: Iterable[str]) -> int:
        """Give these PENDING tasks a priority above every other PENDING task (claimed next).

        Returns the new priority. Tasks that are not PENDING are left as they are.
        """
        ids = list(task_ids)
        with self.db.atomic("IMMEDIATE"):
            top = self.db.execute_sql(
                "SELECT MAX(priority) FROM task WHERE status = 'PENDING'"
            ).fetchone()[0]
            priority = int(top or 0) + 1
            now = self.clock()
            for task_id in ids:
                updated = (
                    Task.update(priority=priority, updated_at=now)
                    .where((Task.id == task_id) & Task.status.in_(MOVABLE))
                    .execute()
                )
                if updated:
                    self._event(task_id, now, msg("queue.priority", priority=priority),
                                kind="state")
        return priority

    def remove(self, task_id: str) -> bool:
        """Delete a task that is not RUNNING, with its log. Returns whether it existed."""
        with self.db.atomic("IMMEDIATE"):
            deleted = (
                Task.delete()
                .where((Task.id == task_id) & Task.status.in_(REMOVABLE))
                .execute()
            )
        return bool(deleted == 1)

    # -- snapshots for faces ------------------------------------------------------------

    def snapshot(self, since: float | None = None) -> Snapshot:
        """Tasks for a face to show: every task (``since`` None) or those changed since.

        One read transaction, so rows and counts agree; see :mod:`podcast_desk.tasks.snapshot`.
        """
        return read_snapshot(self.db, since)

    def task_ids(self) -> set[str]:
        """Every task id (a face compares it with what it shows, to drop removed tasks)."""
        return {r[0] for r in self.db.execute_sql("SELECT id FROM task").fetchall()}

    def summaries(self, task_ids: Iterable[str]) -> list[TaskSummary]:
        """The rows of these tasks that still exist, as :class:`TaskSummary` values."""
        return read_summaries(self.db, task_ids)

    # -- helpers ----------------------------------------------------------------------

    @staticmethod
    def _held(claim: Claim) -> Any:
        return (
            (Task.id == claim.task_id)
            & (Task.lease_token == claim.token)
            & (Task.status == Status.RUNNING)
        )

    def _finish(
        self,
        row: Task | _Row,
        now: float,
        status: Status,
        *,
        error: TaskError | None = None,
        message: Message,
    ) -> None:
        Task.update(
            status=status,
            error=error.human if error is not None else None,
            error_json=(json.dumps(error.to_json(), ensure_ascii=False)
                        if error is not None else None),
            lease_owner=None,
            lease_expires_at=None,
            cancel_requested=False,
            completed_at=now,
            updated_at=now,
        ).where(Task.id == row.id).execute()
        level = "error" if status is Status.FAILED else "info"
        self._event(row.id, now, message, level=level, stage=row.stage,
                    kind=str(status).lower())
        if error is not None and error.hint is not None:
            self._event(row.id, now, error.hint, level=level, stage=row.stage, kind="hint")

    def _event(
        self,
        task_id: str,
        now: float,
        message: Message | str,
        *,
        level: str = "info",
        stage: str = "",
        kind: str = "log",
    ) -> None:
        if isinstance(message, Message):
            text, key = message.english(), _dumps(message)
        else:
            text, key = message, None
        self.db.execute_sql(
            "INSERT INTO task_event (task_id, time, level, stage, kind, message, message_json)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (task_id, now, level, stage, kind, text, key),
        )

