"""Composition root: open the data folder and database, build the queue and handlers."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peewee import SqliteDatabase

from podcast_desk.config import Paths, Settings, default_data_dir, load_settings
from podcast_desk.store.db import close_database, open_database
from podcast_desk.tasks.progress import Reporter
from podcast_desk.tasks.queue import TaskQueue
from podcast_desk.tasks.runner import Handler, Runner

if TYPE_CHECKING:
    from podcast_desk.library.subscriptions import Subscriptions

log = logging.getLogger(__name__)

PODCAST = "podcast"


@dataclass
class Core:
    """The engine every face (window, CLI, tests) drives: one per data folder."""

    paths: Paths
    settings: Settings
    db: SqliteDatabase
    queue: TaskQueue
    settings_warning: str | None = None
    extra_handlers: dict[str, Handler] = field(default_factory=dict)

    def handlers(self) -> Mapping[str, Handler]:
        """Task type → handler, built on first use (pipeline imports stay lazy)."""
        from podcast_desk.pipeline.podcast import PodcastHandler

        handlers: dict[str, Handler] = {
            PODCAST: PodcastHandler(self.settings, self.paths.audio, self.queue),
        }
        handlers.update(self.extra_handlers)
        return handlers

    def runner(
        self,
        reporter: Reporter | None = None,
        *,
        concurrency: int | None = None,
        poll_interval: float = 1.0,
        name: str = "worker",
        disk_full_pause: float = 60.0,
    ) -> Runner:
        """A Runner over this core's queue and handlers."""
        return Runner(
            self.queue,
            self.handlers(),
            reporter=reporter,
            concurrency=concurrency or self.settings.concurrency,
            poll_interval=poll_interval,
            name=name,
            disk_full_pause=disk_full_pause,
        )

    def subscriptions(self, *, clock: Callable[[], float] | None = None) -> Subscriptions:
        """The feed subscriptions, checking with ``pipeline.feeds.fetch_feed`` (conditional GET)."""
        from podcast_desk.library.subscriptions import Subscriptions

        timeout = self.settings.network_timeout

        def fetch(url: str, *, etag: str | None = None, last_modified: str | None = None) -> Any:
            from podcast_desk.pipeline.feeds import fetch_feed

            return fetch_feed(url, timeout=timeout, etag=etag, last_modified=last_modified)

        return Subscriptions(
            self.queue,
            fetch,
            interval=max(1.0, self.settings.feed_check_minutes) * 60.0,
            task_type=PODCAST,
            clock=clock,
        )

    def close(self) -> None:
        close_database(self.db)


class Scheduler:
    """Checks subscribed feeds on a schedule, on its own thread, while an app face runs.

    ``Scheduler(core).start()`` in the window, the tray or ``worker``; ``stop()`` when they
    quit (returns within ``join_timeout``; a fetch in flight is bounded by the network
    timeout and abandoned, not waited for). It checks at once on start, then whenever a
    subscription falls due, looking at least every ``max_sleep`` seconds so that feeds
    subscribed from another process are noticed. ``on_queued(task_ids)`` is called on the
    scheduler thread after new episodes were queued (e.g. ``runner.wake``, or a Qt signal
    emit for the GUI). Errors are logged, never raised: the thread keeps going.
    """

    def __init__(
        self,
        core: Core,
        *,
        on_queued: Callable[[list[str]], None] | None = None,
        max_sleep: float = 60.0,
    ) -> None:
        self.core = core
        self.on_queued = on_queued
        self.max_sleep = max_sleep
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> Scheduler:
        """Start the background thread (once); returns self."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="feed-scheduler",
                                            daemon=True)
            self._thread.start()
        return self

    def stop(self, join_timeout: float = 5.0) -> None:
        """Stop checking; waits up to ``join_timeout`` for the thread to end."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(join_timeout)

    def check_now(self) -> None:
        """Ask the thread to check due feeds now (e.g. after subscribing in the window)."""
        self._wake.set()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        subscriptions: Subscriptions | None = None
        try:
            while not self._stop.is_set():
                self._wake.clear()
                try:
                    if subscriptions is None:
                        subscriptions = self.core.subscriptions()
                    task_ids = subscriptions.check_due()
                    if task_ids and self.on_queued is not None:
                        self.on_queued(task_ids)
                    due = subscriptions.next_due_at()
                except Exception:  # a locked database or a bug: log and try again later
                    log.exception("checking subscriptions failed")
                    due = None
                wait = self.max_sleep
                if due is not None:
                    wait = min(wait, max(0.5, due - time.time()))
                self._wake.wait(wait)
        finally:
            close_database(self.core.db)  # this thread's connection


def open_core(data_dir: Path | str | None = None) -> Core:
    """Open (creating if needed) the data folder: settings, database, queue."""
    paths = Paths(Path(data_dir).expanduser() if data_dir else default_data_dir())
    paths.root.mkdir(parents=True, exist_ok=True)
    settings, warning = load_settings(paths.settings)
    db = open_database(paths.database)
    queue = TaskQueue(db, max_attempts=settings.max_attempts)
    return Core(paths=paths, settings=settings, db=db, queue=queue, settings_warning=warning)


def measured_speed(core: Core, sample: int = 20) -> float | None:
    """Seconds of processing per second of audio, from this machine's recent episodes."""
    from podcast_desk.store.models import Episode, Task

    rows: Iterable[tuple[float, float, float]] = (
        Task.select(Task.started_at, Task.completed_at, Episode.duration)
        .join(Episode, on=(Episode.task == Task.id))
        .where(
            (Task.status == "COMPLETED")
            & Episode.duration.is_null(False)
            & (Episode.duration > 0)
            & Task.started_at.is_null(False)
        )
        .order_by(Task.completed_at.desc())
        .limit(sample)
        .tuples()  # type: ignore[assignment]
    )
    work = audio = 0.0
    for started, completed, duration in rows:
        work += max(0.0, completed - started)
        audio += duration
    return work / audio if audio > 0 else None


def _duration_words(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} seconds"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} minutes"
    return f"{seconds / 3600:.1f} hours"


def estimate_text(core: Core, duration: float | None = None) -> str:
    """A human estimate of processing time from the duration and this machine's speed."""
    speed = measured_speed(core)
    if speed is not None and duration:
        return f"about {_duration_words(speed * duration)}"
    if speed is not None:
        return f"about {_duration_words(speed * 3600)} per hour of audio on this computer"
    return "not measured yet on this computer; shown once the first episode is done"
