"""EpisodeCheckpoints: every write a podcast task makes to its episode, fenced by its lease."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any

from podcast_desk.pipeline.transcript import TranscriptSegment
from podcast_desk.store.models import Episode, Segment, Task
from podcast_desk.tasks.queue import Claim, TaskQueue

_BATCH = 200


def _rows(episode_id: int, segments: Iterable[TranscriptSegment]) -> list[dict[str, Any]]:
    return [{"episode": episode_id, "start": round(seg.start, 3), "end": round(seg.end, 3),
             "text": seg.text} for seg in segments]


class EpisodeCheckpoints:
    """The Episode row of one claimed task and the checkpoints written to it.

    Each stage of the handler commits what it finished here before the next stage starts,
    so a task run again (after a crash, a kill, a cancel and retry) skips what is done and
    resumes a half-done transcription from ``transcribed_until``. Every write runs inside
    ``queue.fenced(claim)``: a worker that lost its lease raises ``LeaseLost`` instead of
    writing. Segments are upserted on (episode, start), so a slice done twice overwrites
    itself instead of duplicating; everything past the checkpoint is dropped before a
    slice is redone.
    """

    def __init__(self, queue: TaskQueue, claim: Claim) -> None:
        self.queue = queue
        self.claim = claim

    def fenced(self) -> Any:
        """A fenced write transaction for this claim (see ``TaskQueue.fenced``)."""
        return self.queue.fenced(self.claim)

    def load(self) -> Episode | None:
        """The task's episode, if an earlier run created it."""
        found: Episode | None = Episode.get_or_none(Episode.task == self.claim.task_id)
        return found

    def create(self, **fields: Any) -> Episode:
        """Create the task's episode row (first run), with ``fields`` set."""
        now = time.time()
        with self.fenced():
            episode: Episode = Episode.create(task=self.claim.task_id, created_at=now,
                                              updated_at=now, **fields)
        return episode

    def save(self, episode: Episode, *fields: Any) -> None:
        """Write these fields of ``episode`` (a checkpoint), fenced."""
        with self.fenced():
            self._save(episode, *fields)

    def _save(self, episode: Episode, *fields: Any) -> None:
        episode.updated_at = time.time()
        episode.save(only=[*fields, Episode.updated_at])

    def save_and_queue(
        self, episode: Episode, fields: Sequence[Any], tasks: Sequence[tuple[str, dict[str, Any]]],
        titles: Sequence[str],
    ) -> list[str]:
        """Save ``fields`` and queue ``tasks`` (type, data) in one fenced transaction.

        A feed's other episodes are queued together with the resolve checkpoint, so a rerun
        after a crash finds the episode resolved and never queues them twice. They get this
        task's priority.
        """
        with self.fenced():
            self._save(episode, *fields)
            if not tasks:
                return []
            priority = Task.select(Task.priority).where(Task.id == self.claim.task_id).scalar()
            return self.queue.add_tasks([(kind, data, priority or 0) for kind, data in tasks],
                                        titles=list(titles))

    def drop_unfinished(self, episode: Episode) -> None:
        """Delete segments at or past the checkpoint (from a slice that never committed)."""
        with self.fenced():
            Segment.delete().where((Segment.episode == episode.id)
                                   & (Segment.start >= episode.transcribed_until)).execute()

    def commit_slice(self, episode: Episode, segments: Sequence[TranscriptSegment],
                     cut: float) -> None:
        """Store one transcribed slice and move the checkpoint to ``cut``, atomically."""
        rows = _rows(episode.id, segments)
        with self.fenced():
            for start in range(0, len(rows), _BATCH):
                Segment.insert_many(rows[start:start + _BATCH]).on_conflict_replace().execute()
            episode.transcribed_until = cut
            self._save(episode, Episode.transcribed_until)

    def replace_transcript(self, episode: Episode, segments: Sequence[TranscriptSegment],
                           *fields: Any) -> None:
        """Replace every segment (a publisher's transcript) and save ``fields``, atomically."""
        rows = _rows(episode.id, segments)
        with self.fenced():
            Segment.delete().where(Segment.episode == episode.id).execute()
            for start in range(0, len(rows), _BATCH):
                Segment.insert_many(rows[start:start + _BATCH]).on_conflict_replace().execute()
            self._save(episode, *fields)

    def segments(self, episode: Episode) -> list[TranscriptSegment]:
        """The transcript so far, in time order."""
        query = (Segment.select(Segment.start, Segment.end, Segment.text)
                 .where(Segment.episode == episode.id).order_by(Segment.start))
        return [TranscriptSegment(row.start, row.end, row.text) for row in query]

    def segment_count(self, episode: Episode) -> int:
        return int(Segment.select().where(Segment.episode == episode.id).count())
