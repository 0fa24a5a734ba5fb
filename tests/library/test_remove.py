"""Removing a task with its episode: rows, transcript and search entries go, in one step."""

from __future__ import annotations

from peewee import SqliteDatabase

from podcast_desk.library.episodes import remove_task_and_episode
from podcast_desk.library.search import search
from podcast_desk.store.models import Episode, Segment, Task, TaskEvent
from podcast_desk.tasks.queue import TaskQueue
from tests.library.conftest import insert_episode


def _task_with_episode(queue: TaskQueue, name: str, title: str) -> tuple[str, int]:
    task_id = queue.add_task("podcast", {"source": f"https://example.org/{name}.mp3",
                                         "kind": "url"})
    episode = insert_episode(name, title=title, task=task_id)
    return task_id, int(episode.id)


def test_remove_deletes_the_task_its_log_episode_and_segments(
    library_db: SqliteDatabase,
) -> None:
    queue = TaskQueue(library_db)
    gone, gone_episode = _task_with_episode(queue, "topics", "Five topics")
    kept, kept_episode = _task_with_episode(queue, "zh_sample", "中文节目")
    assert search("tides") and search("熊猫")
    assert TaskEvent.select().where(TaskEvent.task == gone).count() > 0

    assert remove_task_and_episode(queue, gone) is True

    assert Task.get_or_none(Task.id == gone) is None
    assert TaskEvent.select().where(TaskEvent.task == gone).count() == 0
    assert Episode.get_or_none(Episode.id == gone_episode) is None
    assert Segment.select().where(Segment.episode == gone_episode).count() == 0
    assert search("tides") == []  # the index followed the cascade
    # the other task and episode are untouched
    assert Task.get_or_none(Task.id == kept) is not None
    assert Segment.select().where(Segment.episode == kept_episode).count() > 0
    assert {h.episode_id for h in search("熊猫")} == {kept_episode}
    # removing again: nothing there
    assert remove_task_and_episode(queue, gone) is False


def test_a_running_task_is_not_removed(library_db: SqliteDatabase) -> None:
    queue = TaskQueue(library_db)
    task_id, episode_id = _task_with_episode(queue, "topics", "Five topics")
    claim = queue.claim_next("test")
    assert claim is not None and claim.task_id == task_id
    assert remove_task_and_episode(queue, task_id) is False
    assert Task.get_or_none(Task.id == task_id) is not None
    assert Episode.get_or_none(Episode.id == episode_id) is not None
    assert search("tides")
    queue.release(claim)
    assert remove_task_and_episode(queue, task_id) is True
    assert Episode.get_or_none(Episode.id == episode_id) is None


def test_a_task_without_episode_is_removed(library_db: SqliteDatabase) -> None:
    queue = TaskQueue(library_db)
    task_id = queue.add_task("podcast", {"source": "https://example.org/x.mp3", "kind": "url"})
    assert remove_task_and_episode(queue, task_id) is True
    assert Task.get_or_none(Task.id == task_id) is None
    assert remove_task_and_episode(queue, "task_unknown") is False
