"""Terminal progress for `worker` and `process`: rich bars on a TTY, plain lines otherwise."""

from __future__ import annotations

import sys
import threading
import time
from typing import Any

from podcast_desk.messages import Message
from podcast_desk.tasks.progress import Outcome, Progress
from podcast_desk.tasks.queue import TaskQueue
from podcast_desk.text import elide, one_line

_OUTCOME_WORDS = {
    Outcome.COMPLETED: "COMPLETED", Outcome.FAILED: "FAILED", Outcome.RETRY: "RETRY LATER",
    Outcome.PAUSED: "PAUSED", Outcome.DISK_FULL: "PAUSED", Outcome.CANCELLED: "CANCELLED",
    Outcome.LEASE_LOST: "HANDED OVER", Outcome.HANDED_OVER: "HANDED OVER",
}


class ConsoleReporter:
    """A Reporter printing to stderr: a live rich progress bar per task when stderr is a TTY,
    otherwise one plain line per stage change and at most one progress line per 5 s.

    Everything from the network (titles, errors) is printed as plain text: control and
    escape characters are removed, and rich's markup is escaped.
    """

    def __init__(self, queue: TaskQueue | None = None, *, plain: bool | None = None) -> None:
        self.queue = queue
        self.plain = (not sys.stderr.isatty()) if plain is None else plain
        self._lock = threading.Lock()
        self._bars: dict[str, Any] = {}
        self._last_line: dict[str, tuple[str, float]] = {}
        self._progress: Any = None
        if not self.plain:
            from rich.progress import (
                BarColumn,
                TaskProgressColumn,
                TextColumn,
                TimeRemainingColumn,
            )
            from rich.progress import (
                Progress as RichProgress,
            )

            self._progress = RichProgress(
                TextColumn("[bold]{task.fields[label]}", justify="left", markup=True),
                BarColumn(),
                TaskProgressColumn(),
                TextColumn("{task.fields[detail]}", markup=True),
                TimeRemainingColumn(),
                transient=False,
            )
            self._progress.start()

    def _safe(self, text: str) -> str:
        clean = one_line(text)
        if self._progress is None:
            return clean
        from rich.markup import escape

        return str(escape(clean))

    def _label(self, task_id: str, title: str) -> str:
        return self._safe(elide(one_line(title) or task_id, 40))

    def task_started(self, task_id: str, task_type: str, title: str) -> None:
        with self._lock:
            if self._progress is not None:
                self._bars[task_id] = self._progress.add_task(
                    "", total=100, label=self._label(task_id, title), detail="starting"
                )
            else:
                print(f"[{task_id}] started {self._safe(title)}".rstrip(), file=sys.stderr,
                      flush=True)

    def task_progress(self, progress: Progress) -> None:
        with self._lock:
            detail = self._safe(progress.detail or progress.stage)
            if self._progress is not None:
                bar = self._bars.get(progress.task_id)
                if bar is not None:
                    self._progress.update(
                        bar,
                        completed=progress.percent,
                        label=self._label(progress.task_id, progress.title),
                        detail=detail,
                    )
                return
            now = time.monotonic()
            stage, last = self._last_line.get(progress.task_id, ("", 0.0))
            if stage != progress.stage or now - last >= 5.0:
                self._last_line[progress.task_id] = (progress.stage, now)
                tail = f" {detail}" if progress.detail else ""
                print(f"[{progress.task_id}] {progress.stage} {progress.percent:.0f}%{tail}",
                      file=sys.stderr, flush=True)

    def task_finished(self, task_id: str, outcome: Outcome, message: Message | None) -> None:
        with self._lock:
            words = self._safe(message.english()) if message is not None else ""
            text = f"[{task_id}] {_OUTCOME_WORDS[outcome]}" + (f": {words}" if words else "")
            if self._progress is not None:
                bar = self._bars.pop(task_id, None)
                if bar is not None:
                    self._progress.remove_task(bar)
                self._progress.console.print(text)
            else:
                self._last_line.pop(task_id, None)
                print(text, file=sys.stderr, flush=True)

    def close(self) -> None:
        with self._lock:
            if self._progress is not None:
                self._progress.stop()
                self._progress = None
