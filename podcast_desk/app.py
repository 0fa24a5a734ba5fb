"""Composition root: open the data folder and database, build the queue and handlers."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from peewee import SqliteDatabase

from podcast_desk.config import Paths, Settings, default_data_dir, load_settings
from podcast_desk.store.db import close_database, open_database
from podcast_desk.tasks.progress import Reporter
from podcast_desk.tasks.queue import TaskQueue
from podcast_desk.tasks.runner import Handler, Runner

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
    ) -> Runner:
        """A Runner over this core's queue and handlers."""
        return Runner(
            self.queue,
            self.handlers(),
            reporter=reporter,
            concurrency=concurrency or self.settings.concurrency,
            poll_interval=poll_interval,
            name=name,
        )

    def close(self) -> None:
        close_database(self.db)


def open_core(data_dir: Path | str | None = None) -> Core:
    """Open (creating if needed) the data folder: settings, database, queue."""
    paths = Paths(Path(data_dir).expanduser() if data_dir else default_data_dir())
    paths.root.mkdir(parents=True, exist_ok=True)
    settings, warning = load_settings(paths.settings)
    if warning:
        log.warning("%s", warning)
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
