"""Finding an episode by task or episode id, the episode as JSON (show, export), removing one."""

from __future__ import annotations

import json
from typing import Any

from podcast_desk.store.models import Episode, Segment, Task
from podcast_desk.tasks.queue import Status, TaskQueue, iso


def find_episode(ref: str) -> Episode | None:
    """The episode for a task id (``task_…``) or an episode id (``12`` or ``ep_12``)."""
    ref = ref.strip()
    if ref.startswith("task_"):
        found: Episode | None = (
            Episode.select().where(Episode.task == ref).order_by(Episode.id.desc()).first()
        )
        return found
    number = ref.removeprefix("ep_")
    if number.isdigit():
        return Episode.get_or_none(Episode.id == int(number))
    return None


def segments_of(episode: Episode) -> list[dict[str, Any]]:
    """The transcript as ``[{"start", "end", "text"}]`` in time order."""
    query = (Segment.select(Segment.start, Segment.end, Segment.text)
             .where(Segment.episode == episode.id).order_by(Segment.start))
    return [{"start": row.start, "end": row.end, "text": row.text} for row in query]


def episode_json(episode: Episode, *, with_segments: bool = True) -> dict[str, Any]:
    """Everything known about an episode, in the CLI's stable JSON shape."""
    body: dict[str, Any] = {
        "id": episode.id,
        "taskId": episode.__data__.get("task"),
        "title": episode.title,
        "show": episode.show,
        "author": episode.author,
        "published": iso(episode.published),
        "duration": episode.duration,
        "sourceUrl": episode.source_url,
        "mediaUrl": episode.media_url,
        "guid": episode.guid,
        "description": episode.description,
        "image": episode.image,
        "language": episode.language,
        "model": episode.model,
        "audioPath": episode.audio_path,
        "transcriptComplete": bool(episode.transcript_done),
        "transcribedUntil": episode.transcribed_until,
        "transcriptSource": episode.transcript_source,
        "chapters": json.loads(episode.chapters or "[]"),
        "publisherTranscripts": json.loads(episode.transcripts or "[]"),
        "summaryEngine": episode.summary_engine,
        "summary": json.loads(episode.summary) if episode.summary else None,
    }
    if with_segments:
        body["segments"] = segments_of(episode)
    return body


def remove_task_and_episode(queue: TaskQueue, task_id: str) -> bool:
    """Delete a task that is not RUNNING, its log, and the episode(s) it produced.

    One IMMEDIATE transaction: the Episode rows go first (their Segments cascade, and the
    search triggers record both, so the next search no longer finds them), then the task
    and its log (``TaskQueue.remove``). A RUNNING or unknown task changes nothing and gives
    False. Audio files are not touched: the caller deletes those it owns.
    """
    with queue.db.atomic("IMMEDIATE"):
        task = Task.get_or_none(Task.id == task_id)
        if task is None or task.status == Status.RUNNING:
            return False
        Episode.delete().where(Episode.task == task_id).execute()
        return queue.remove(task_id)
