"""Fencing (design §4): a worker that lost its lease can never overwrite a newer result.

A "zombie" claimed a task, stalled past its lease, and another worker re-claimed the task.
Every write the zombie still attempts must be refused and change nothing at all; whatever
the newer claim does stands. Time is an injected clock, so nothing here waits.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from peewee import SqliteDatabase

from podcast_desk.messages import Message, plain
from podcast_desk.store.models import Task, TaskEvent, row_dict
from podcast_desk.tasks.errors import Cancelled, PermanentError, TransientError
from podcast_desk.tasks.progress import Outcome, Progress
from podcast_desk.tasks.queue import Claim, Status, TaskQueue
from podcast_desk.tasks.runner import Runner, StopReason, TaskContext
from tests.conftest import FakeClock

LEASE = 20.0
WAIT = 30.0  # seconds any event wait may take before the test fails instead of hanging
ZOMBIE = "elsewhere-host:101:aaaa/zombie"  # another host: never reaped by pid
FRESH = "elsewhere-host:202:bbbb/fresh"


@pytest.fixture
def fq(db: SqliteDatabase, clock: FakeClock) -> TaskQueue:
    return TaskQueue(db, clock=clock, lease_seconds=LEASE, max_attempts=3)


def snapshot(task_id: str) -> tuple[dict[str, Any], list[tuple[Any, ...]]]:
    """The task row and its whole log, to prove a refused call changed nothing."""
    row = row_dict(Task.get_by_id(task_id))
    events = list(
        TaskEvent.select(TaskEvent.id, TaskEvent.kind, TaskEvent.message)
        .where(TaskEvent.task == task_id)
        .order_by(TaskEvent.id)
        .tuples()
    )
    return row, events


def zombie_and_fresh(fq: TaskQueue, clock: FakeClock) -> tuple[str, Claim, Claim]:
    task_id = fq.add_task("t", {"n": 1})
    zombie = fq.claim_next(ZOMBIE)
    assert zombie is not None and zombie.task_id == task_id
    clock.advance(LEASE + 1)  # the zombie stalls; its lease runs out
    fresh = fq.claim_next(FRESH)
    assert fresh is not None and fresh.task_id == task_id
    assert fresh.token == zombie.token + 1
    assert fresh.attempt == 2
    assert "Resumed by" in fq.events(task_id)[-1].message
    return task_id, zombie, fresh


ZOMBIE_WRITES: dict[str, Callable[[TaskQueue, Claim], object]] = {
    "complete": lambda q, c: q.complete(c, {"from": "zombie"}),
    "fail-transient": lambda q, c: q.fail(
        c, TransientError(plain("zombie hiccup")), transient=True
    ),
    "fail-permanent": lambda q, c: q.fail(
        c, PermanentError(plain("zombie says no")), transient=False
    ),
    "update_progress": lambda q, c: q.update_progress(c, "zombie-stage", 99.0, plain("zombie")),
    "release": lambda q, c: q.release(c, plain("Zombie stopping.")),
    "acknowledge_cancel": lambda q, c: q.acknowledge_cancel(c),
    "heartbeat": lambda q, c: q.heartbeat(c),
}
REFUSED = {"fail-transient": None, "fail-permanent": None}  # the rest answer False


@pytest.mark.parametrize("action", sorted(ZOMBIE_WRITES))
def test_zombie_write_is_refused_and_changes_nothing(
    fq: TaskQueue, clock: FakeClock, action: str
) -> None:
    task_id, zombie, fresh = zombie_and_fresh(fq, clock)
    assert fq.update_progress(fresh, "fresh-stage", 40.0, plain("fresh detail"))
    clock.advance(1)
    before = snapshot(task_id)

    answer = ZOMBIE_WRITES[action](fq, zombie)

    assert answer is REFUSED.get(action, False)
    assert snapshot(task_id) == before
    info = fq.get_task(task_id)
    assert info is not None
    assert info.status is Status.RUNNING
    assert info.lease_owner == FRESH
    assert (info.stage, info.progress, info.detail) == ("fresh-stage", 40.0, "fresh detail")
    # The newer claim is untouched by whatever the zombie tried.
    assert fq.heartbeat(fresh) is True
    assert fq.complete(fresh, {"from": "fresh"}) is True
    info = fq.get_task(task_id)
    assert info is not None
    assert info.status is Status.COMPLETED
    assert info.result == {"from": "fresh"}
    assert info.error is None
    assert [e.kind for e in fq.events(task_id)].count("completed") == 1


@pytest.mark.parametrize(
    ("fresh_outcome", "status"),
    [
        ("complete", Status.COMPLETED),
        ("fail-permanent", Status.FAILED),
        ("fail-transient", Status.PENDING),
        ("release", Status.PENDING),
    ],
)
def test_newer_outcome_stands_against_every_later_zombie_write(
    fq: TaskQueue, clock: FakeClock, fresh_outcome: str, status: Status
) -> None:
    task_id, zombie, fresh = zombie_and_fresh(fq, clock)
    assert ZOMBIE_WRITES[fresh_outcome](fq, fresh) not in (False, None)
    clock.advance(1)
    before = snapshot(task_id)
    assert before[0]["status"] == status

    for action, write in ZOMBIE_WRITES.items():
        assert write(fq, zombie) is REFUSED.get(action, False), action
    assert snapshot(task_id) == before


def test_zombie_stays_fenced_after_the_task_moves_on_again(fq: TaskQueue, clock: FakeClock) -> None:
    """Tokens only grow: an old claim never matches again, even after later claims end."""
    task_id, zombie, fresh = zombie_and_fresh(fq, clock)
    assert fq.release(fresh)
    third = fq.claim_next(FRESH)
    assert third is not None and third.token == fresh.token + 1
    for stale in (zombie, fresh):
        assert fq.heartbeat(stale) is False
        assert fq.complete(stale, {"from": "stale"}) is False
    assert fq.complete(third, {"from": "third"}) is True
    info = fq.get_task(task_id)
    assert info is not None and info.result == {"from": "third"}


def test_heartbeat_before_anyone_reclaims_keeps_the_claim(fq: TaskQueue, clock: FakeClock) -> None:
    """The control case: an expired lease that nobody took over is still the holder's."""
    task_id = fq.add_task("t", {})
    claim = fq.claim_next(ZOMBIE)
    assert claim is not None
    clock.advance(LEASE - 1)
    assert fq.heartbeat(claim) is True
    clock.advance(LEASE - 1)  # renewed above, so still not expired
    assert fq.claim_next(FRESH) is None
    info = fq.get_task(task_id)
    assert info is not None and info.lease_expires_at == clock() + 1


# -- the runner side: a lost lease stops the handler at its next check -------------------------


class Recorder:
    def __init__(self) -> None:
        self.finished: list[tuple[str, str, str]] = []

    def task_started(self, task_id: str, task_type: str, title: str) -> None:
        pass

    def task_progress(self, progress: Progress) -> None:
        pass

    def task_finished(self, task_id: str, outcome: Outcome, message: Message | None) -> None:
        text = message.english() if message is not None else ""
        self.finished.append((task_id, str(outcome.status), text))


class SteppedHandler:
    """A handler that does ``steps`` units of work, each released by the test."""

    def __init__(self, steps: int = 3) -> None:
        self.steps = steps
        self.entered = threading.Event()
        self.step_done = [threading.Event() for _ in range(steps)]
        self.go = [threading.Event() for _ in range(steps)]
        self.finished_steps: list[int] = []
        self.stopped_with: list[str] = []

    def __call__(self, ctx: TaskContext) -> dict[str, Any]:
        self.entered.set()
        try:
            for step in range(self.steps):
                assert self.go[step].wait(WAIT), "the test never released this step"
                ctx.check()
                ctx.report("work", 100.0 * step / self.steps, plain(f"step {step + 1}"))
                self.finished_steps.append(step)
                self.step_done[step].set()
        except Cancelled as exc:
            self.stopped_with.append(str(exc))
            raise
        return {"steps": self.steps}


def test_runner_stops_a_handler_whose_lease_was_lost_at_its_next_check(
    fq: TaskQueue, clock: FakeClock
) -> None:
    task_id = fq.add_task("h", {})
    handler = SteppedHandler()
    recorder = Recorder()
    runner = Runner(fq, {"h": handler}, reporter=recorder, heartbeat_interval=3600)
    worker = threading.Thread(target=runner.run_once)
    worker.start()
    try:
        assert handler.entered.wait(WAIT)
        handler.go[0].set()
        assert handler.step_done[0].wait(WAIT)

        runner.beat()  # lease still ours: nothing stops
        clock.advance(LEASE + 1)
        fresh = fq.claim_next(FRESH)
        assert fresh is not None and fresh.task_id == task_id
        runner.beat()  # the heartbeat discovers the lost lease
        for event in handler.go[1:]:
            event.set()
    finally:
        for event in handler.go:
            event.set()
        worker.join(WAIT)
    assert not worker.is_alive()

    assert handler.finished_steps == [0], "the handler kept working after losing its lease"
    assert handler.stopped_with == [StopReason.LEASE_LOST.value]
    assert recorder.finished == [(task_id, "RUNNING", "Another worker continues this task.")]
    info = fq.get_task(task_id)
    assert info is not None
    assert info.status is Status.RUNNING and info.lease_owner == FRESH
    assert "lost its lease" in fq.events(task_id)[-1].message
    assert fq.complete(fresh, {"from": "fresh"}) is True
    info = fq.get_task(task_id)
    assert info is not None and info.result == {"from": "fresh"}


def test_runner_beat_keeps_a_live_lease_and_the_handler_finishes(
    fq: TaskQueue, clock: FakeClock
) -> None:
    """The control case: beats that renew the lease let the handler run to completion."""
    task_id = fq.add_task("h", {})
    handler = SteppedHandler()
    runner = Runner(fq, {"h": handler}, heartbeat_interval=3600)
    worker = threading.Thread(target=runner.run_once)
    worker.start()
    try:
        assert handler.entered.wait(WAIT)
        for step in range(handler.steps):
            clock.advance(LEASE * 0.75)  # would expire by the second step without beats
            runner.beat()
            assert fq.claim_next(FRESH) is None, "a renewed lease was taken over"
            handler.go[step].set()
            assert handler.step_done[step].wait(WAIT)
    finally:
        for event in handler.go:
            event.set()
        worker.join(WAIT)
    assert not worker.is_alive()
    assert handler.finished_steps == [0, 1, 2]
    assert handler.stopped_with == []
    info = fq.get_task(task_id)
    assert info is not None
    assert info.status is Status.COMPLETED and info.result == {"steps": 3}
    assert info.attempts == 1
