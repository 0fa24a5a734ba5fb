"""Terminal progress for `worker` and `process`: rich bars on a TTY, plain lines otherwise."""

from __future__ import annotations

import sys
import threading
import time
from typing import Any

from podcast_desk.tasks.progress import Progress
from podcast_desk.tasks.queue import TaskQueue


class ConsoleReporter:
    """A Reporter printing to stderr: a live rich progress bar per task when stderr is a TTY,
    otherwise one plain line per stage change and at most one progress line per 5 s."""

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
                TextColumn("[bold]{task.fields[label]}", justify="left"),
                BarColumn(),
                TaskProgressColumn(),
                TextColumn("{task.fields[detail]}"),
                TimeRemainingColumn(),
                transient=False,
            )
            self._progress.start()

    def _label(self, task_id: str, title: str) -> str:
        text = title or task_id
        return text if len(text) <= 40 else text[:39] + "…"

    def task_started(self, task_id: str, task_type: str, title: str) -> None:
        with self._lock:
            if self._progress is not None:
                self._bars[task_id] = self._progress.add_task(
                    "", total=100, label=self._label(task_id, title), detail="starting"
                )
            else:
                print(f"[{task_id}] started {title}".rstrip(), file=sys.stderr, flush=True)

    def task_progress(self, progress: Progress) -> None:
        with self._lock:
            if self._progress is not None:
                bar = self._bars.get(progress.task_id)
                if bar is not None:
                    self._progress.update(
                        bar,
                        completed=progress.percent,
                        label=self._label(progress.task_id, progress.title),
                        detail=progress.detail or progress.stage,
                    )
                return
            now = time.monotonic()
            stage, last = self._last_line.get(progress.task_id, ("", 0.0))
            if stage != progress.stage or now - last >= 5.0:
                self._last_line[progress.task_id] = (progress.stage, now)
                detail = f" {progress.detail}" if progress.detail else ""
                print(f"[{progress.task_id}] {progress.stage} {progress.percent:.0f}%{detail}",
                      file=sys.stderr, flush=True)

    def task_finished(self, task_id: str, status: str, message: str) -> None:
        with self._lock:
            text = f"[{task_id}] {status}" + (f": {message}" if message else "")
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
