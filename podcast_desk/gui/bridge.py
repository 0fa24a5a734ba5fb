"""Reporter → Qt signals: runner events reach the GUI thread, queued and throttled."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from podcast_desk.messages import Message
from podcast_desk.tasks.progress import Outcome, Progress

DEFAULT_INTERVAL = 0.25  # at most four progress updates per second per task


class QtReporter(QObject):
    """Turns the runner's Reporter calls (on worker threads) into Qt signals.

    The object lives on the GUI thread, so its signals, emitted from worker threads,
    are delivered queued to slots there. Progress is throttled per task to one signal
    per ``min_interval`` seconds; a change of stage always passes at once.

    The Reporter protocol's method names (``task_started`` …) are the natural names of
    the signals too, so the protocol is implemented by :attr:`reporter`, a small object
    that emits these signals; pass that to ``Core.runner``.

    Signals:
        task_started(str, str, str): a worker claimed the task (id, type, title).
        task_progressed(object): the task moved (a ``tasks.progress.Progress``).
        task_finished(str, object, object): the task left the worker (id, a
            ``tasks.progress.Outcome``, a ``messages.Message`` or None).
    """

    task_started = Signal(str, str, str)
    task_progressed = Signal(object)
    task_finished = Signal(str, object, object)

    def __init__(
        self,
        min_interval: float = DEFAULT_INTERVAL,
        *,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.reporter = _SignalReporter(self, min_interval, clock)


class _SignalReporter:
    """The Reporter protocol for a QtReporter: thread-safe, quick, throttled."""

    def __init__(self, bridge: QtReporter, min_interval: float,
                 clock: Callable[[], float]) -> None:
        self._bridge = bridge
        self._interval = min_interval
        self._clock = clock
        self._lock = threading.Lock()
        self._last: dict[str, tuple[str, float]] = {}

    def task_started(self, task_id: str, task_type: str, title: str) -> None:
        with self._lock:
            self._last.pop(task_id, None)
        self._bridge.task_started.emit(task_id, task_type, title)

    def task_progress(self, progress: Progress) -> None:
        now = self._clock()
        with self._lock:
            stage, last = self._last.get(progress.task_id, ("", float("-inf")))
            if stage == progress.stage and now - last < self._interval:
                return
            self._last[progress.task_id] = (progress.stage, now)
        self._bridge.task_progressed.emit(progress)

    def task_finished(self, task_id: str, outcome: Outcome, message: Message | None) -> None:
        with self._lock:
            self._last.pop(task_id, None)
        self._bridge.task_finished.emit(task_id, outcome, message)
