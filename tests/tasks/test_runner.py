"""Runner: outcomes by exception type, heartbeat stops, shutdown, concurrency, until-idle."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from peewee import SqliteDatabase

from podcast_desk.messages import Message, plain
from podcast_desk.tasks.errors import Cancelled, PermanentError, TransientError
from podcast_desk.tasks.progress import Outcome, Progress
from podcast_desk.tasks.queue import Backoff, Status, TaskQueue
from podcast_desk.tasks.runner import Runner, StopReason, TaskContext

WAIT = 30.0  # seconds: the longest any event wait may take before the test fails


class Recorder:
    """A Reporter that remembers what it was told."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.progress: list[Progress] = []
        self.finished: list[tuple[str, str, str]] = []
        self.lock = threading.Lock()

    def task_started(self, task_id: str, task_type: str, title: str) -> None:
        with self.lock:
            self.started.append(task_id)

    def task_progress(self, progress: Progress) -> None:
        with self.lock:
            self.progress.append(progress)

    def task_finished(self, task_id: str, outcome: Outcome, message: Message | None) -> None:
        text = message.english() if message is not None else ""
        with self.lock:
            self.finished.append((task_id, str(outcome.status), text))


@pytest.fixture
def live_queue(db: SqliteDatabase) -> TaskQueue:
    """A queue on the real clock (runner threads wait in real time, briefly)."""
    return TaskQueue(db, lease_seconds=30.0, backoff=Backoff(base=600.0), max_attempts=3)


def test_outcomes_are_recorded_by_exception_type(live_queue: TaskQueue) -> None:
    def handler(ctx: TaskContext) -> dict[str, Any]:
        kind = ctx.data["kind"]
        if kind == "ok":
            ctx.report("work", 50.0, plain("halfway"))
            return {"value": 1}
        if kind == "transient":
            raise TransientError(plain("The server is busy."), detail="HTTP 503")
        if kind == "permanent":
            raise PermanentError(plain("That is not audio."), hint=plain("Check the link."))
        raise ZeroDivisionError("boom")

    ids = {k: live_queue.add_task("h", {"kind": k}) for k in
           ("ok", "transient", "permanent", "bug")}
    recorder = Recorder()
    runner = Runner(live_queue, {"h": handler}, reporter=recorder, poll_interval=0.05)
    runner.run(until_idle=True)

    def info(kind: str) -> Any:
        return live_queue.get_task(ids[kind])

    assert info("ok").status is Status.COMPLETED and info("ok").result == {"value": 1}
    assert info("transient").status is Status.PENDING  # waits for its backoff
    assert info("transient").error == "The server is busy."
    assert info("permanent").status is Status.FAILED
    assert info("permanent").error == "That is not audio. Check the link."
    bug = info("bug")
    assert bug.status is Status.PENDING and "ZeroDivisionError" in bug.error
    assert "Traceback" not in bug.error
    assert any("Traceback" in e.message for e in live_queue.events(ids["bug"]))
    assert sorted(recorder.started) == sorted(ids.values())
    assert any(p.stage == "work" and p.detail == "halfway" for p in recorder.progress)


def test_unknown_task_type_fails_permanently(live_queue: TaskQueue) -> None:
    task_id = live_queue.add_task("mystery", {})
    runner = Runner(live_queue, {"other": lambda ctx: {}})
    assert runner.run_once() is False  # it never claims types it has no handler for
    claim = live_queue.claim_next("x:1:y/w")  # claimed elsewhere, handed to this runner
    assert claim is not None
    runner._execute(claim)
    info = live_queue.get_task(task_id)
    assert info is not None and info.status is Status.FAILED
    assert info.error is not None and "mystery" in info.error


def test_cancel_of_a_running_task_stops_it_at_the_next_check(live_queue: TaskQueue) -> None:
    entered, checked = threading.Event(), threading.Event()
    release = threading.Event()

    def handler(ctx: TaskContext) -> dict[str, Any]:
        entered.set()
        assert release.wait(WAIT)
        checked.set()
        ctx.check()
        return {"finished": True}

    task_id = live_queue.add_task("h", {})
    runner = Runner(live_queue, {"h": handler}, poll_interval=0.05)
    worker = threading.Thread(target=runner.run_once)
    worker.start()
    assert entered.wait(WAIT)
    assert live_queue.cancel(task_id) is Status.RUNNING
    runner.beat()  # the heartbeat learns of the cancel request
    release.set()
    worker.join(WAIT)
    assert checked.is_set() and not worker.is_alive()
    info = live_queue.get_task(task_id)
    assert info is not None and info.status is Status.CANCELLED


def test_lost_lease_stops_the_handler_without_touching_the_task(
    db: SqliteDatabase,
) -> None:
    from tests.conftest import FakeClock

    clock = FakeClock()
    queue = TaskQueue(db, clock=clock, lease_seconds=30.0)
    entered, release = threading.Event(), threading.Event()
    seen: list[StopReason | None] = []

    def handler(ctx: TaskContext) -> dict[str, Any]:
        entered.set()
        assert release.wait(WAIT)
        seen.append(ctx.stop_reason)
        ctx.check()
        return {"zombie": True}

    task_id = queue.add_task("h", {})
    runner = Runner(queue, {"h": handler})
    worker = threading.Thread(target=runner.run_once)
    worker.start()
    assert entered.wait(WAIT)
    clock.advance(31)
    newer = queue.claim_next("elsewhere:1:z/w")
    assert newer is not None
    runner.beat()
    release.set()
    worker.join(WAIT)
    assert seen == [StopReason.LEASE_LOST]
    assert queue.complete(newer, {"fresh": True})
    info = queue.get_task(task_id)
    assert info is not None and info.result == {"fresh": True}


def test_stop_releases_a_running_task_for_later(live_queue: TaskQueue) -> None:
    entered = threading.Event()

    def handler(ctx: TaskContext) -> dict[str, Any]:
        entered.set()
        while True:
            ctx.check()
            if not entered.wait(0.01):  # pragma: no cover - entered is set
                break

    task_id = live_queue.add_task("h", {})
    runner = Runner(live_queue, {"h": handler}, poll_interval=0.05)
    worker = threading.Thread(target=runner.run)
    worker.start()
    assert entered.wait(WAIT)
    runner.stop()
    worker.join(WAIT)
    assert not worker.is_alive()
    info = live_queue.get_task(task_id)
    assert info is not None and info.status is Status.PENDING and info.attempts == 0
    assert any("Paused" in e.message for e in live_queue.events(task_id))


def test_concurrency_runs_tasks_side_by_side(live_queue: TaskQueue) -> None:
    barrier = threading.Barrier(2, timeout=WAIT)

    def handler(ctx: TaskContext) -> dict[str, Any]:
        barrier.wait()  # only passes if two handlers run at the same time
        return {}

    ids = [live_queue.add_task("h", {}) for _ in range(4)]
    Runner(live_queue, {"h": handler}, concurrency=2, poll_interval=0.05).run(until_idle=True)
    assert all(live_queue.get_task(i).status is Status.COMPLETED for i in ids)  # type: ignore[union-attr]


def test_until_idle_leaves_later_retries_queued(live_queue: TaskQueue) -> None:
    calls: list[str] = []

    def handler(ctx: TaskContext) -> dict[str, Any]:
        calls.append(ctx.task_id)
        raise TransientError(plain("Try later."))

    task_id = live_queue.add_task("h", {})
    done = threading.Event()
    runner = Runner(live_queue, {"h": handler}, poll_interval=0.05)

    def run() -> None:
        runner.run(until_idle=True)
        done.set()

    threading.Thread(target=run, daemon=True).start()
    assert done.wait(WAIT), "until_idle did not return while a retry waits 5+ minutes"
    assert calls == [task_id]
    info = live_queue.get_task(task_id)
    assert info is not None and info.status is Status.PENDING and info.next_run_at > 0


def test_handler_raising_cancelled_on_its_own_is_treated_as_shutdown(
    live_queue: TaskQueue,
) -> None:
    def handler(ctx: TaskContext) -> dict[str, Any]:
        raise Cancelled("stopping")

    task_id = live_queue.add_task("h", {})
    assert Runner(live_queue, {"h": handler}).run_once() is True
    info = live_queue.get_task(task_id)
    assert info is not None and info.status is Status.PENDING


def test_progress_is_throttled_to_the_database(live_queue: TaskQueue) -> None:
    writes: list[float] = []
    original = live_queue.update_progress

    def counting(*args: Any, **kwargs: Any) -> bool:
        writes.append(args[2])
        return original(*args, **kwargs)

    live_queue.update_progress = counting  # type: ignore[method-assign]

    def handler(ctx: TaskContext) -> dict[str, Any]:
        for i in range(2000):
            ctx.report("transcribe", i / 20)
        ctx.report("summarize", 95.0)
        return {}

    live_queue.add_task("h", {})
    Runner(live_queue, {"h": handler}).run_once()
    # first report (stage change) + the stage change to summarize + at most a few timed ones
    assert 2 <= len(writes) <= 6, writes


def test_disk_full_pauses_instead_of_failing(live_queue: TaskQueue) -> None:
    import errno

    def handler(ctx: TaskContext) -> dict[str, Any]:
        raise OSError(errno.ENOSPC, "No space left on device")

    task_id = live_queue.add_task("h", {})
    runner = Runner(live_queue, {"h": handler}, disk_full_pause=600)
    runner.run_once()
    info = live_queue.get_task(task_id)
    assert info is not None and info.status is Status.PENDING and info.attempts == 0
    assert runner.paused_reason is not None and "disk is full" in runner.paused_reason.english()
