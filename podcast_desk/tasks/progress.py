"""Progress values, task outcomes and the Reporter protocol (consoles, tests, the window)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from podcast_desk.messages import Message
from podcast_desk.tasks.states import Status


@dataclass(frozen=True, slots=True)
class Progress:
    """Where one task stands: its stage, overall percent (0–100) and what it is doing.

    ``message`` is a ``progress.*`` message each face renders in its language.
    ``stage_done``/``stage_total`` carry the stage's own units (bytes while downloading,
    audio seconds while transcribing) when they are known; ``eta`` is seconds or None.
    """

    task_id: str
    stage: str
    percent: float
    message: Message | None = None
    title: str = ""
    stage_done: float | None = None
    stage_total: float | None = None
    eta: float | None = None

    @property
    def detail(self) -> str:
        """The message in English ("" when there is none)."""
        return self.message.english() if self.message is not None else ""


class Outcome(StrEnum):
    """How a task left a worker: what the task's status became, and why."""

    COMPLETED = "completed"  # done; the result is stored
    FAILED = "failed"  # a permanent failure, or the last transient one
    RETRY = "retry"  # a transient failure: queued again for later
    PAUSED = "paused"  # the worker stopped (quit, pause, Ctrl-C): queued again, resumable
    DISK_FULL = "disk_full"  # the disk is full: queued again, the worker pauses
    CANCELLED = "cancelled"  # cancel was requested and the task stopped
    LEASE_LOST = "lease_lost"  # another worker took the task over; nothing was written
    HANDED_OVER = "handed_over"  # finished, but another worker holds the task now

    @property
    def status(self) -> Status:
        """The task's status after this outcome, as far as this worker knows."""
        return _STATUS[self]


_STATUS = {
    Outcome.COMPLETED: Status.COMPLETED,
    Outcome.FAILED: Status.FAILED,
    Outcome.RETRY: Status.PENDING,
    Outcome.PAUSED: Status.PENDING,
    Outcome.DISK_FULL: Status.PENDING,
    Outcome.CANCELLED: Status.CANCELLED,
    Outcome.LEASE_LOST: Status.RUNNING,
    Outcome.HANDED_OVER: Status.RUNNING,
}


class Reporter(Protocol):
    """Receives task life-cycle events from a Runner, on the runner's worker threads.

    Implementations must be thread-safe and quick: they are called while work goes on.
    """

    def task_started(self, task_id: str, task_type: str, title: str) -> None:
        """A worker claimed the task and is about to run it."""

    def task_progress(self, progress: Progress) -> None:
        """The running task moved (not throttled here: throttle in the reporter if needed)."""

    def task_finished(self, task_id: str, outcome: Outcome, message: Message | None) -> None:
        """The task left this worker; ``message`` says why where there is something to say
        (the error of a failure, the disk-full notice)."""


class NullReporter:
    """A Reporter that ignores everything."""

    def task_started(self, task_id: str, task_type: str, title: str) -> None:
        pass

    def task_progress(self, progress: Progress) -> None:
        pass

    def task_finished(self, task_id: str, outcome: Outcome, message: Message | None) -> None:
        pass
