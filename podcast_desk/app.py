"""Composition root: open the data folder and database, build the queue and handlers."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peewee import SqliteDatabase

from podcast_desk import text
from podcast_desk.config import Paths, Settings, default_data_dir, load_settings, save_settings
from podcast_desk.files import private_dir
from podcast_desk.messages import Message
from podcast_desk.store.db import close_database, open_database
from podcast_desk.tasks.progress import Reporter
from podcast_desk.tasks.queue import TaskQueue
from podcast_desk.tasks.runner import Handler, Runner

if TYPE_CHECKING:
    from podcast_desk.library.subscriptions import Subscriptions
    from podcast_desk.pipeline.sources import Source

log = logging.getLogger(__name__)

PODCAST = "podcast"


@dataclass(frozen=True)
class Added:
    """What ``Core.add_sources`` queued: the task ids, in the order of the sources."""

    task_ids: list[str]
    sources: list[Source]


class Core:
    """The engine every face (window, CLI, tests) drives: one per data folder.

    ``settings`` is an immutable snapshot; ``update_settings`` saves a change and swaps
    the snapshot, which worker threads pick up at their next task.
    """

    def __init__(self, paths: Paths, settings: Settings, db: SqliteDatabase, queue: TaskQueue,
                 settings_warning: Message | None = None) -> None:
        self.paths = paths
        self.db = db
        self.queue = queue
        self.settings_warning = settings_warning
        self.extra_handlers: dict[str, Handler] = {}
        self._settings = settings
        self._settings_lock = threading.Lock()

    # -- settings -----------------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        """The settings in force now (an immutable snapshot)."""
        return self._settings

    def update_settings(self, changes: Mapping[str, Any] | None = None, /, *,
                        save: bool = True, **more: Any) -> Settings:
        """Apply ``changes`` (unknown keys and bad values are ignored), save, swap; the new
        settings. Saving writes ``settings.json`` atomically: call it off the GUI thread.

        ``save=False`` changes only this process's settings (tests, one-off runs).
        """
        with self._settings_lock:
            new = self._settings.replace({**(changes or {}), **more})
            if save:
                save_settings(self.paths.settings, new)
                self.settings_warning = None
            self._settings = new
            self.queue.max_attempts = new.max_attempts
        return new

    def save_settings(self) -> None:
        """Write the settings in force to ``settings.json`` (atomically; off the GUI thread)."""
        with self._settings_lock:
            save_settings(self.paths.settings, self._settings)
            self.settings_warning = None

    # -- adding work ----------------------------------------------------------------------

    def parse_sources(self, texts: Sequence[str]) -> list[Source]:
        """Check every source (no network); raises InvalidSource for the first bad one."""
        from podcast_desk.pipeline.sources import parse_source

        return [parse_source(text) for text in texts]

    def add_sources(
        self,
        texts: Sequence[str],
        *,
        priority: int = 0,
        feed_episodes: int | str | None = None,
        language: str | None = None,
    ) -> Added:
        """Queue one task per source (the CLI's ``add``/``process`` and the window).

        Every source is checked first and nothing is queued if one is bad (InvalidSource
        says which and why). No network: a feed's ``--latest N``/``--all``
        (``feed_episodes``) is expanded by the worker. ``language`` fixes the spoken
        language instead of detecting it.
        """
        sources = self.parse_sources(texts)
        items = [(PODCAST, task_data(source, feed_episodes=feed_episodes, language=language),
                  priority) for source in sources]
        return Added(self.queue.add_tasks(items), sources)

    # -- working --------------------------------------------------------------------------

    def handlers(self) -> Mapping[str, Handler]:
        """Task type → handler, built on first use (pipeline imports stay lazy)."""
        from podcast_desk.pipeline.podcast import PodcastHandler

        handlers: dict[str, Handler] = {
            PODCAST: PodcastHandler(lambda: self.settings, self.paths.audio, self.queue),
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
            disk_path=str(self.paths.root),
        )

    def subscriptions(self, *, clock: Callable[[], float] | None = None) -> Subscriptions:
        """The feed subscriptions, checking with ``pipeline.feeds.fetch_feed`` (conditional GET)."""
        from podcast_desk.library.subscriptions import Subscriptions

        def fetch(url: str, *, etag: str | None = None, last_modified: str | None = None) -> Any:
            from podcast_desk.pipeline.feeds import fetch_feed

            return fetch_feed(url, timeout=self.settings.network_timeout, etag=etag,
                              last_modified=last_modified)

        return Subscriptions(
            self.queue,
            fetch,
            interval=max(1.0, self.settings.feed_check_minutes) * 60.0,
            task_type=PODCAST,
            clock=clock,
        )

    def close(self) -> None:
        close_database(self.db)


def task_data(source: Source, *, feed_episodes: int | str | None = None,
              language: str | None = None) -> dict[str, Any]:
    """A podcast task's ``data`` for a checked source, in the origin API's shape.

    ``url`` for link sources (the origin's field), ``source`` and ``kind`` beside it.
    """
    data: dict[str, Any] = {"source": source.url or str(source.path),
                            "kind": source.kind.value}
    if source.url:
        data["url"] = source.url
    if feed_episodes:
        data["feedEpisodes"] = feed_episodes
    if language:
        data["language"] = language
    return data


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
    private_dir(paths.root)
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


def estimate_text(core: Core, duration: float | None = None) -> str:
    """A human estimate of processing time from the duration and this machine's speed."""
    speed = measured_speed(core)
    if speed is not None and duration:
        return f"about {text.duration_words(speed * duration)}"
    if speed is not None:
        return f"about {text.duration_words(speed * 3600)} per hour of audio on this computer"
    return "not measured yet on this computer; shown once the first episode is done"
