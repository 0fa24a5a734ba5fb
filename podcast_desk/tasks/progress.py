"""Progress values and the Reporter protocol that consoles, tests and the Qt bridge implement."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Progress:
    """Where one task stands: its stage, overall percent (0–100) and a line for people.

    ``stage_done``/``stage_total`` carry the stage's own units (bytes while downloading,
    audio seconds while transcribing) when they are known; ``eta`` is seconds or None.
    """

    task_id: str
    stage: str
    percent: float
    detail: str = ""
    title: str = ""
    stage_done: float | None = None
    stage_total: float | None = None
    eta: float | None = None


class Reporter(Protocol):
    """Receives task life-cycle events from a Runner, on the runner's worker threads.

    Implementations must be thread-safe and quick: they are called while work goes on.
    """

    def task_started(self, task_id: str, task_type: str, title: str) -> None:
        """A worker claimed the task and is about to run it."""

    def task_progress(self, progress: Progress) -> None:
        """The running task moved (not throttled here: throttle in the reporter if needed)."""

    def task_finished(self, task_id: str, status: str, message: str) -> None:
        """The task left this worker: COMPLETED, FAILED, CANCELLED, or PENDING (retry/paused)."""


class NullReporter:
    """A Reporter that ignores everything."""

    def task_started(self, task_id: str, task_type: str, title: str) -> None:
        pass

    def task_progress(self, progress: Progress) -> None:
        pass

    def task_finished(self, task_id: str, status: str, message: str) -> None:
        pass
