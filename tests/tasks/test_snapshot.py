"""Capabilities, snapshots for faces, move-to-top and fenced writes (design §4)."""

from __future__ import annotations

import pytest
from peewee import SqliteDatabase

from podcast_desk.messages import msg
from podcast_desk.store.models import Task
from podcast_desk.tasks.errors import LeaseLost, PermanentError
from podcast_desk.tasks.queue import Status, TaskQueue, capabilities
from tests.conftest import FakeClock

OWNER = "host:1:aaaa/test"


@pytest.fixture
def queue(db: SqliteDatabase, clock: FakeClock) -> TaskQueue:
    return TaskQueue(db, clock=clock, lease_seconds=30.0)


@pytest.mark.parametrize("status", list(Status))
def test_capabilities_say_what_the_queue_will_do(queue: TaskQueue, status: Status) -> None:
    """For every state, a capability is True exactly when the call takes effect."""
    def task_in(state: Status) -> str:
        task_id = queue.add_task("t", {})
        Task.update(status=state).where(Task.id == task_id).execute()
        return task_id

    can = capabilities(status)
    assert (queue.retry(task_in(status)) is True) == can.retry
    assert queue.remove(task_in(status)) == can.remove
    cancelled = queue.cancel(task_in(status))
    assert (cancelled in (Status.CANCELLED, Status.RUNNING) and status in
            (Status.PENDING, Status.RUNNING)) == can.cancel
    moved = task_in(status)
    before = queue.get_task(moved)
    queue.move_to_top([moved])
    after = queue.get_task(moved)
    assert before is not None and after is not None
    assert (after.priority > before.priority) == can.move


def test_move_to_top_puts_tasks_above_every_pending_one(queue: TaskQueue) -> None:
    a, _b, _c = (queue.add_task("t", {}, priority=p) for p in (0, 5, 3))
    top = queue.move_to_top([a])
    assert top == 6
    claim = queue.claim_next(OWNER)
    assert claim is not None and claim.task_id == a
    assert [e.message for e in queue.events(a)][-2] == "Priority set to 6."


def test_snapshot_full_then_changes_with_counts_and_messages(
    queue: TaskQueue, clock: FakeClock
) -> None:
    first = queue.add_task("t", {"source": "https://e.com/a.mp3", "kind": "url"}, title="A")
    full = queue.snapshot()
    assert full.full and [r.id for r in full.rows] == [first]
    assert full.counts[Status.PENDING] == 1 and full.total == 1
    clock.advance(10)
    second = queue.add_task("t", {"source": "/x.mp3", "kind": "local_file"})
    claim = queue.claim_next(OWNER)
    assert claim is not None and claim.task_id == first
    queue.update_progress(claim, "transcribe", 40.0, msg("progress.transcribing_at", done=61))
    changed = queue.snapshot(full.high_water - full.OVERLAP + 5)
    assert not changed.full
    assert {r.id for r in changed.rows} == {first, second}
    row = next(r for r in changed.rows if r.id == first)
    assert row.status is Status.RUNNING and row.label == "A" and row.source.endswith("a.mp3")
    assert row.detail == "Transcribing 1:01"
    assert row.detail_message == msg("progress.transcribing_at", done=61)
    queue.fail(claim, PermanentError(msg("download.geo"), hint=msg("hint.geo")),
               transient=False)
    [failed] = queue.summaries([first])
    assert failed.status is Status.FAILED and failed.error_message == msg("download.geo")
    assert failed.error_hint == msg("hint.geo") and failed.capabilities.retry
    assert queue.task_ids() == {first, second}


def test_fenced_writes_only_while_the_claim_holds(queue: TaskQueue, clock: FakeClock) -> None:
    task_id = queue.add_task("t", {})
    claim = queue.claim_next(OWNER)
    assert claim is not None
    with queue.fenced(claim):
        Task.update(title="written").where(Task.id == task_id).execute()
    clock.advance(31)  # the lease runs out and another worker takes the task
    other = queue.claim_next("host:2:bbbb/other")
    assert other is not None and other.task_id == task_id
    with pytest.raises(LeaseLost), queue.fenced(claim):
        Task.update(title="zombie").where(Task.id == task_id).execute()
    info = queue.get_task(task_id)
    assert info is not None and info.title == "written"  # the zombie write was rolled back


def test_status_api_shows_the_origin_url_and_failures_as_attempts(queue: TaskQueue) -> None:
    task_id = queue.add_task("t", {"source": "https://e.com/a.mp3", "kind": "url"})
    claim = queue.claim_next(OWNER)
    assert claim is not None
    queue.release(claim)  # a worker that stopped is not a failed attempt
    info = queue.get_task(task_id)
    assert info is not None
    api = info.to_api(queue.clock())
    assert api["data"]["url"] == "https://e.com/a.mp3"
    assert api["data"]["source"] == "https://e.com/a.mp3" and api["data"]["kind"] == "url"
    assert api["attempts"] == 0
