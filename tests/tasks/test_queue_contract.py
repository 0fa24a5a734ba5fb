"""The queue contract of design §4, one test per sentence, on a real SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from podcast_desk.messages import plain
from podcast_desk.store.models import Task, TaskEvent
from podcast_desk.tasks.errors import PermanentError, TransientError
from podcast_desk.tasks.queue import CRASH_ALLOWANCE, Status, TaskQueue
from tests.conftest import FakeClock

OWNER = "testhost-elsewhere:1:abc/w"  # not this host: never reaped as dead


def _kinds(queue: TaskQueue, task_id: str) -> list[str]:
    return [e.kind for e in queue.events(task_id)]


# add_task(type, data, priority=0) -> id: one INSERT, no network, returns at once.
def test_add_task_inserts_one_pending_row_and_logs_it(queue: TaskQueue) -> None:
    task_id = queue.add_task("podcast", {"source": "https://example.org/a.mp3"}, priority=3)
    assert task_id.startswith("task_") and len(task_id) == 31
    info = queue.get_task(task_id)
    assert info is not None
    assert info.status is Status.PENDING
    assert info.priority == 3
    assert info.data == {"source": "https://example.org/a.mp3"}
    assert Task.select().count() == 1
    assert _kinds(queue, task_id) == ["state"]


def test_task_ids_sort_by_creation(queue: TaskQueue, clock: FakeClock) -> None:
    ids = []
    for _ in range(50):
        ids.append(queue.add_task("t", {}))
    clock.advance(0.001)
    ids.append(queue.add_task("t", {}))
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


# claim_next picks the highest priority, oldest task that is PENDING and due.
def test_claim_picks_highest_priority_then_oldest(queue: TaskQueue, clock: FakeClock) -> None:
    low_old = queue.add_task("t", {"n": 1}, priority=0)
    clock.advance(1)
    high_new = queue.add_task("t", {"n": 2}, priority=5)
    clock.advance(1)
    high_newer = queue.add_task("t", {"n": 3}, priority=5)
    order = []
    while (claim := queue.claim_next(OWNER)) is not None:
        order.append(claim.task_id)
    assert order == [high_new, high_newer, low_old]


def test_claim_skips_tasks_not_yet_due(queue: TaskQueue, clock: FakeClock) -> None:
    task_id = queue.add_task("t", {})
    claim = queue.claim_next(OWNER)
    assert claim is not None
    assert queue.fail(claim, TransientError(plain("net down")), transient=True) is Status.PENDING
    assert queue.claim_next(OWNER) is None  # waiting for its backoff
    info = queue.get_task(task_id)
    assert info is not None
    clock.advance(info.next_run_at - clock.now)
    again = queue.claim_next(OWNER)
    assert again is not None and again.task_id == task_id


def test_claim_only_takes_registered_types(queue: TaskQueue) -> None:
    queue.add_task("other", {})
    wanted = queue.add_task("mine", {})
    claim = queue.claim_next(OWNER, types=["mine"])
    assert claim is not None and claim.task_id == wanted
    assert queue.claim_next(OWNER, types=["mine"]) is None


# ...marks it RUNNING, bumps lease_token and attempts, sets the lease.
def test_claim_marks_running_with_lease_token_and_attempt(
    queue: TaskQueue, clock: FakeClock
) -> None:
    task_id = queue.add_task("t", {"x": 1})
    claim = queue.claim_next(OWNER)
    assert claim is not None
    assert (claim.task_id, claim.token, claim.attempt, claim.data) == (task_id, 1, 1, {"x": 1})
    row = Task.get_by_id(task_id)
    assert row.status == "RUNNING"
    assert row.lease_owner == OWNER
    assert row.lease_expires_at == pytest.approx(clock.now + 30.0)
    assert row.started_at == clock.now


# ...or RUNNING with an expired lease (its worker died).
def test_expired_lease_is_reclaimed_with_a_new_token(queue: TaskQueue, clock: FakeClock) -> None:
    task_id = queue.add_task("t", {})
    first = queue.claim_next(OWNER)
    assert first is not None
    clock.advance(29)
    assert queue.claim_next("other:2:x/w") is None  # lease still alive
    clock.advance(2)
    second = queue.claim_next("other:2:x/w")
    assert second is not None and second.task_id == task_id
    assert second.token == first.token + 1 and second.attempt == 2
    assert any("Resumed" in e.message for e in queue.events(task_id))


def test_lease_of_a_dead_local_process_is_reaped_at_once(queue: TaskQueue) -> None:
    """A killed worker on this host does not make its task wait for the lease to run out."""
    task_id = queue.add_task("t", {})
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait(timeout=30)
    import socket

    dead_owner = f"{socket.gethostname()}:{child.pid}:dead/w"
    assert queue.claim_next(dead_owner) is not None
    # The lease is fresh (30 s left), but its owner process is gone.
    live_owner = f"{socket.gethostname()}:{os.getpid()}:live/w"
    again = queue.claim_next(live_owner)
    assert again is not None and again.task_id == task_id and again.attempt == 2


def test_live_local_owner_keeps_its_lease(queue: TaskQueue) -> None:
    import socket

    queue.add_task("t", {})
    mine = f"{socket.gethostname()}:{os.getpid()}:me/w"
    assert queue.claim_next(mine) is not None
    assert queue.claim_next(f"{socket.gethostname()}:{os.getpid()}:me2/w") is None


def test_a_task_that_keeps_killing_its_worker_fails_in_the_end(
    queue: TaskQueue, clock: FakeClock
) -> None:
    task_id = queue.add_task("t", {})
    for _ in range(CRASH_ALLOWANCE):  # the first claim, then lost leases with no progress
        assert queue.claim_next(OWNER) is not None
        clock.advance(31)
    assert queue.claim_next(OWNER) is None
    info = queue.get_task(task_id)
    assert info is not None and info.status is Status.FAILED
    assert info.error and "stopped unexpectedly" in info.error


def test_a_task_that_progresses_between_crashes_is_never_failed_for_them(
    queue: TaskQueue, clock: FakeClock
) -> None:
    """kill -9 at any rate: as long as each run gets further, the task goes on."""
    task_id = queue.add_task("t", {})
    for crash in range(4 * CRASH_ALLOWANCE):
        claim = queue.claim_next(OWNER)
        assert claim is not None, f"failed after {crash} crashes"
        queue.update_progress(claim, "transcribe", 1.0 + crash)
        clock.advance(31)  # the worker died; its lease runs out
    info = queue.get_task(task_id)
    assert info is not None and info.status is Status.RUNNING
    assert info.attempts == 4 * CRASH_ALLOWANCE


def test_lost_leases_do_not_use_up_the_retry_budget(queue: TaskQueue, clock: FakeClock) -> None:
    """max_attempts=3 counts failures: after many crashes one transient error still retries."""
    task_id = queue.add_task("t", {})
    for crash in range(6):
        claim = queue.claim_next(OWNER)
        assert claim is not None
        queue.update_progress(claim, "download", 1.0 + crash)
        clock.advance(31)
    claim = queue.claim_next(OWNER)
    assert claim is not None and claim.attempt == 7
    assert (
        queue.fail(claim, TransientError(plain("Network down.")), transient=True) is Status.PENDING
    )
    info = queue.get_task(task_id)
    assert info is not None and info.error == "Network down."


# heartbeat(claim) extends the lease; False when the token no longer matches or cancel.
def test_heartbeat_extends_the_lease(queue: TaskQueue, clock: FakeClock) -> None:
    task_id = queue.add_task("t", {})
    claim = queue.claim_next(OWNER)
    assert claim is not None
    clock.advance(20)
    assert queue.heartbeat(claim) is True
    assert Task.get_by_id(task_id).lease_expires_at == pytest.approx(clock.now + 30)
    clock.advance(20)  # 40 s after the claim, but only 20 after the heartbeat
    assert queue.claim_next("other:2:x/w") is None


def test_heartbeat_is_false_after_the_lease_was_lost(queue: TaskQueue, clock: FakeClock) -> None:
    queue.add_task("t", {})
    claim = queue.claim_next(OWNER)
    assert claim is not None
    clock.advance(31)
    assert queue.claim_next("other:2:x/w") is not None
    assert queue.heartbeat(claim) is False


def test_heartbeat_is_false_once_cancel_is_requested(queue: TaskQueue) -> None:
    task_id = queue.add_task("t", {})
    claim = queue.claim_next(OWNER)
    assert claim is not None
    assert queue.cancel(task_id) is Status.RUNNING
    assert queue.heartbeat(claim) is False


# complete/fail only take effect when the claim's token still matches (fencing).
def test_complete_records_result_once(queue: TaskQueue) -> None:
    task_id = queue.add_task("t", {})
    claim = queue.claim_next(OWNER)
    assert claim is not None
    assert queue.complete(claim, {"episodeId": 7}) is True
    assert queue.complete(claim, {"episodeId": 8}) is False
    info = queue.get_task(task_id)
    assert info is not None
    assert info.status is Status.COMPLETED and info.result == {"episodeId": 7}
    assert info.progress == 100.0 and info.completed_at is not None
    assert _kinds(queue, task_id).count("completed") == 1


def test_stale_claim_cannot_fail_or_complete(queue: TaskQueue, clock: FakeClock) -> None:
    task_id = queue.add_task("t", {})
    stale = queue.claim_next(OWNER)
    assert stale is not None
    clock.advance(31)
    fresh = queue.claim_next("other:2:x/w")
    assert fresh is not None
    assert queue.fail(stale, PermanentError(plain("old news")), transient=False) is None
    assert queue.complete(stale, {"from": "zombie"}) is False
    assert queue.complete(fresh, {"from": "fresh"}) is True
    info = queue.get_task(task_id)
    assert info is not None and info.result == {"from": "fresh"} and info.error is None


# Transient failure → PENDING with next_run_at = now + exponential backoff with jitter (cap),
# until max_attempts, then FAILED.
def test_transient_failures_back_off_exponentially_then_fail(
    queue: TaskQueue, clock: FakeClock
) -> None:
    task_id = queue.add_task("t", {})
    delays = []
    for attempt in (1, 2):
        claim = queue.claim_next(OWNER)
        assert claim is not None and claim.attempt == attempt
        assert (
            queue.fail(claim, TransientError(plain("Server busy.")), transient=True)
            is Status.PENDING
        )
        info = queue.get_task(task_id)
        assert info is not None and info.error == "Server busy."
        delay = info.next_run_at - clock.now
        nominal = 10.0 * 2 ** (attempt - 1)
        assert nominal / 2 <= delay <= nominal
        delays.append(delay)
        clock.advance(delay)
    claim = queue.claim_next(OWNER)
    assert claim is not None and claim.attempt == 3
    assert queue.fail(claim, TransientError(plain("Server busy.")), transient=True) is Status.FAILED
    info = queue.get_task(task_id)
    assert info is not None and info.status is Status.FAILED
    assert info.error == "Server busy. (Gave up after 3 attempts.)"
    assert _kinds(queue, task_id).count("retry") == 2


def test_backoff_is_capped_and_honours_retry_after(queue: TaskQueue, clock: FakeClock) -> None:
    assert all(queue.backoff.delay(n, queue.rng) <= 300.0 for n in range(1, 40))
    task_id = queue.add_task("t", {}, max_attempts=5)
    claim = queue.claim_next(OWNER)
    assert claim is not None
    queue.fail(claim, TransientError(plain("429"), retry_after=120.0), transient=True)
    info = queue.get_task(task_id)
    assert info is not None and info.next_run_at - clock.now == pytest.approx(120.0)


# Permanent failure → FAILED at once; the detail goes to the task log.
def test_permanent_failure_fails_at_once_with_detail_in_the_log(queue: TaskQueue) -> None:
    task_id = queue.add_task("t", {})
    claim = queue.claim_next(OWNER)
    assert claim is not None
    error = PermanentError(
        plain("That link is not a podcast."), hint=plain("Check it."), detail="HTTP 404 /x"
    )
    assert queue.fail(claim, error, transient=False) is Status.FAILED
    info = queue.get_task(task_id)
    assert info is not None
    assert info.status is Status.FAILED and info.attempts == 1
    assert info.error == "That link is not a podcast. Check it."
    details = [e.message for e in queue.events(task_id) if e.kind == "detail"]
    assert details == ["HTTP 404 /x"]


# cancel(id): a PENDING task ends at once; a RUNNING one stops at its next check.
def test_cancel_pending_ends_at_once(queue: TaskQueue) -> None:
    task_id = queue.add_task("t", {})
    assert queue.cancel(task_id) is Status.CANCELLED
    assert queue.claim_next(OWNER) is None
    info = queue.get_task(task_id)
    assert info is not None and info.status is Status.CANCELLED


def test_cancel_running_only_flags_it(queue: TaskQueue) -> None:
    task_id = queue.add_task("t", {})
    claim = queue.claim_next(OWNER)
    assert claim is not None
    assert queue.cancel(task_id) is Status.RUNNING
    info = queue.get_task(task_id)
    assert info is not None and info.status is Status.RUNNING and info.cancel_requested
    assert queue.acknowledge_cancel(claim) is True
    info = queue.get_task(task_id)
    assert info is not None and info.status is Status.CANCELLED and not info.cancel_requested


def test_cancel_of_unknown_or_finished_task(queue: TaskQueue) -> None:
    assert queue.cancel("task_nope") is None
    task_id = queue.add_task("t", {})
    claim = queue.claim_next(OWNER)
    assert claim is not None
    queue.complete(claim, {})
    assert queue.cancel(task_id) is Status.COMPLETED


def test_cancelled_task_whose_worker_died_ends_cancelled(
    queue: TaskQueue, clock: FakeClock
) -> None:
    task_id = queue.add_task("t", {})
    assert queue.claim_next(OWNER) is not None
    queue.cancel(task_id)
    clock.advance(31)
    assert queue.claim_next(OWNER) is None
    info = queue.get_task(task_id)
    assert info is not None and info.status is Status.CANCELLED


# retry(id) requeues a FAILED/CANCELLED task, keeping its checkpoints.
def test_retry_requeues_failed_and_cancelled_tasks(queue: TaskQueue) -> None:
    failed = queue.add_task("t", {"keep": True})
    claim = queue.claim_next(OWNER)
    assert claim is not None
    queue.fail(claim, PermanentError(plain("no")), transient=False)
    cancelled = queue.add_task("t", {})
    queue.cancel(cancelled)
    for task_id in (failed, cancelled):
        assert queue.retry(task_id) is True
        info = queue.get_task(task_id)
        assert info is not None
        assert (info.status, info.attempts, info.error) == (Status.PENDING, 0, None)
    again = queue.claim_next(OWNER)
    assert again is not None and again.data == {"keep": True}


def test_retry_refuses_pending_running_and_completed(queue: TaskQueue) -> None:
    pending = queue.add_task("t", {})
    assert queue.retry(pending) is False
    running = queue.add_task("t", {})
    queue.reprioritize(running, 10)
    claim = queue.claim_next(OWNER)
    assert claim is not None and claim.task_id == running
    assert queue.retry(running) is False
    queue.complete(claim, {})
    assert queue.retry(running) is False


# reprioritize(id, n) moves it in the queue.
def test_reprioritize_moves_a_task_to_the_front(queue: TaskQueue, clock: FakeClock) -> None:
    first = queue.add_task("t", {})
    clock.advance(1)
    second = queue.add_task("t", {})
    assert queue.reprioritize(second, 1) is True
    claim = queue.claim_next(OWNER)
    assert claim is not None and claim.task_id == second
    assert queue.reprioritize("task_missing", 1) is False
    assert first != second


# A worker stopping cleanly gives the task back without spending an attempt.
def test_release_returns_the_task_due_now_without_spending_an_attempt(
    queue: TaskQueue,
) -> None:
    task_id = queue.add_task("t", {})
    claim = queue.claim_next(OWNER)
    assert claim is not None
    assert queue.release(claim) is True
    info = queue.get_task(task_id)
    assert info is not None and info.status is Status.PENDING and info.attempts == 0
    assert queue.claim_next(OWNER) is not None


# Progress writes are fenced, and a stage change is logged.
def test_progress_is_fenced_and_stage_changes_are_logged(
    queue: TaskQueue, clock: FakeClock
) -> None:
    task_id = queue.add_task("t", {})
    claim = queue.claim_next(OWNER)
    assert claim is not None
    assert queue.update_progress(claim, "download", 10.0, plain("1 MB of 10 MB")) is True
    assert queue.update_progress(claim, "download", 20.0, plain("2 MB of 10 MB")) is True
    assert queue.update_progress(claim, "transcribe", 150.0) is True
    info = queue.get_task(task_id)
    assert info is not None and info.stage == "transcribe" and info.progress == 100.0
    assert [e.message for e in queue.events(task_id) if e.kind == "stage"] == [
        "Stage: download.",
        "Stage: transcribe.",
    ]
    clock.advance(31)
    assert queue.claim_next("other:2:x/w") is not None
    assert queue.update_progress(claim, "summarize", 95.0) is False


def test_every_state_change_is_in_the_task_log(queue: TaskQueue) -> None:
    task_id = queue.add_task("t", {})
    claim = queue.claim_next(OWNER)
    assert claim is not None
    queue.fail(claim, PermanentError(plain("bad")), transient=False)
    queue.retry(task_id)
    claim = queue.claim_next(OWNER)
    assert claim is not None
    queue.complete(claim, {})
    assert _kinds(queue, task_id) == ["state", "state", "failed", "state", "state", "completed"]
    assert TaskEvent.select().where(TaskEvent.task == task_id).count() == 6


def test_remove_deletes_a_finished_task_and_its_log_but_not_a_running_one(
    queue: TaskQueue,
) -> None:
    done = queue.add_task("t", {})
    queue.cancel(done)
    running = queue.add_task("t", {})
    assert queue.claim_next(OWNER) is not None
    assert queue.remove(done) is True
    assert queue.get_task(done) is None and queue.events(done) == []
    assert queue.remove(running) is False


def test_api_shape_uses_iso_times_and_next_retry(queue: TaskQueue, clock: FakeClock) -> None:
    task_id = queue.add_task("t", {"source": "s"})
    claim = queue.claim_next(OWNER)
    assert claim is not None
    queue.fail(claim, TransientError(plain("later")), transient=True)
    info = queue.get_task(task_id)
    assert info is not None
    api = info.to_api(clock.now)
    for key in (
        "id",
        "status",
        "progress",
        "data",
        "result",
        "error",
        "createdAt",
        "updatedAt",
        "startedAt",
        "completedAt",
        "nextRetryAt",
        "attempts",
        "stage",
        "type",
    ):
        assert key in api
    assert api["status"] == "PENDING" and api["error"] == "later"
    assert api["createdAt"].endswith("Z") and api["nextRetryAt"] is not None
    assert queue.counts()[Status.PENDING] == 1
