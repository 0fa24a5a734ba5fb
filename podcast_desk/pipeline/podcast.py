"""The podcast handler: resolve → download → transcribe → summarize, with checkpoints.

Every stage writes its checkpoint on the task's Episode row (through EpisodeCheckpoints,
fenced by the claim's lease token) before the next starts, so a task that is run again
(after a crash, a kill, a cancel and retry) skips what is done and resumes a half-done
transcription from ``transcribed_until``. The stages live in ``pipeline/stages``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from podcast_desk.config import Settings
from podcast_desk.messages import msg
from podcast_desk.pipeline.checkpoints import EpisodeCheckpoints
from podcast_desk.pipeline.stages import Job
from podcast_desk.pipeline.stages.download import download
from podcast_desk.pipeline.stages.resolve import resolve
from podcast_desk.pipeline.stages.summarize import summarize
from podcast_desk.pipeline.stages.transcribe import transcribe, use_publisher_transcript
from podcast_desk.store.models import Episode
from podcast_desk.tasks.queue import TaskQueue
from podcast_desk.tasks.runner import TaskContext

log = logging.getLogger(__name__)


class PodcastHandler:
    """Runs one podcast task. Built once per runner in app.py; called on worker threads.

    ``settings`` is asked for at the start of every task, so a change made in the window
    applies from the next task on without restarting the worker.
    """

    def __init__(self, settings: Callable[[], Settings], audio_dir: Path,
                 queue: TaskQueue) -> None:
        self.settings = settings
        self.audio_dir = audio_dir
        self.queue = queue

    def __call__(self, ctx: TaskContext) -> dict[str, Any]:
        checkpoints = EpisodeCheckpoints(self.queue, ctx.claim)
        job = Job(ctx, self.settings(), checkpoints, self.audio_dir)
        episode = self._episode(job)
        if not episode.audio_path and not episode.media_url:
            resolve(job, episode)
        if not episode.transcript_done:
            if not episode.audio_path or not Path(episode.audio_path).is_file():
                download(job, episode)  # kept for the player even with a transcript
            if not use_publisher_transcript(job, episode):
                transcribe(job, episode)
        if episode.summary is None:
            summarize(job, episode)
        self._cleanup(job, episode)
        self._index(ctx)
        return {
            "episodeId": episode.id,
            "title": episode.title,
            "duration": episode.duration,
            "language": episode.language,
            "summaryEngine": episode.summary_engine,
            "segments": checkpoints.segment_count(episode),
        }

    def _episode(self, job: Job) -> Episode:
        ctx = job.ctx
        existing = job.checkpoints.load()
        if existing is None:
            return job.checkpoints.create(source_url=ctx.data["source"])
        if existing.title:
            ctx.title = existing.title
        if existing.transcribed_until > 0 and not existing.transcript_done:
            ctx.log(msg("log.resuming_transcript", at=existing.transcribed_until))
        return existing

    def _index(self, ctx: TaskContext) -> None:
        """Bring the search index up to date now (search would also do it, later)."""
        from podcast_desk.store import fts

        try:
            fts.sync(self.queue.db)
        except Exception as exc:  # search catches up by itself; never fail a finished task
            log.warning("updating the search index failed: %s", exc)
            ctx.log(msg("log.index_failed"), "warning")

    def _cleanup(self, job: Job, episode: Episode) -> None:
        if job.settings.keep_audio or not episode.audio_path:
            return
        path = Path(episode.audio_path)
        if path.parent.resolve() == self.audio_dir.resolve() and path.is_file():
            os.unlink(path)
            job.ctx.log(msg("log.audio_deleted"))
