"""Queue under concurrency (design §4): threads and processes racing for tasks.

"Two workers, in threads or processes, never hold the same task", completion is exactly once,
and claims follow priority, then age, even while other threads keep adding tasks.
"""

from __future__ import annotations

import itertools
import random
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from peewee import SqliteDatabase, fn

from podcast_desk.store.db import close_database, open_database
from podcast_desk.store.models import Task, TaskEvent
from podcast_desk.tasks.queue import Claim, Status, TaskQueue, make_owner
from tests.support.fake_worker import (
    FAKE,
    expected_content,
    fake_task_data,
    output_path,
    read_run_log,
)

FAKE_WORKER = Path(__file__).resolve().parents[1] / "support" / "fake_worker.py"
WAIT = 60.0  # seconds any single wait may take before the test fails instead of hanging


def completed_events_per_task() -> Counter[str]:
    query = (
        TaskEvent.select(TaskEvent.task, fn.COUNT(TaskEvent.id))
        .where(TaskEvent.kind == "completed")
        .group_by(TaskEvent.task)
        .tuples()
    )
    return Counter({task_id: count for task_id, count in query})


def run_threads(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.daemon = True  # a stuck thread must not keep pytest from exiting
        thread.start()
    for thread in threads:
        thread.join(timeout=WAIT)
    assert not any(t.is_alive() for t in threads), "a thread did not finish in time"


# -- (a) 32 threads racing claim_next ---------------------------------------------------------


def test_32_threads_claim_each_task_exactly_once(db: SqliteDatabase) -> None:
    queue = TaskQueue(db)
    ids = queue.add_tasks([("t", {"n": i}, 0) for i in range(1000)])
    assert len(set(ids)) == 1000

    n_threads = 32
    barrier = threading.Barrier(n_threads, timeout=WAIT)
    claimed: dict[int, list[Claim]] = defaultdict(list)
    completed_ok: dict[int, list[bool]] = defaultdict(list)
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        owner = make_owner(f"t{index}")
        try:
            barrier.wait()
            while (claim := queue.claim_next(owner)) is not None:
                claimed[index].append(claim)
                completed_ok[index].append(queue.complete(claim, {"by": owner}))
        except BaseException as exc:  # reported below; a thread must not die silently
            errors.append(exc)
        finally:
            close_database(db)  # this thread's own connection

    run_threads([threading.Thread(target=worker, args=(i,)) for i in range(n_threads)])

    assert errors == []
    all_claims = [c for claims in claimed.values() for c in claims]
    counts = Counter(c.task_id for c in all_claims)
    assert sorted(counts) == sorted(ids)
    assert set(counts.values()) == {1}, "some task was claimed twice"
    assert all(ok for oks in completed_ok.values() for ok in oks)
    assert {c.token for c in all_claims} == {1}
    assert {c.attempt for c in all_claims} == {1}
    assert sum(1 for claims in claimed.values() if claims) > 1, "only one thread got work"

    assert queue.counts()[Status.COMPLETED] == 1000
    assert completed_events_per_task() == Counter(dict.fromkeys(ids, 1))
    owners = {c.task_id: c.owner for c in all_claims}
    for task_id in random.Random(0).sample(ids, 50):
        info = queue.get_task(task_id)
        assert info is not None
        assert info.status is Status.COMPLETED
        assert info.result == {"by": owners[task_id]}
        assert info.attempts == 1
        assert info.lease_owner is None


# -- (b) two worker processes on one database -------------------------------------------------


def start_worker(data_dir: Path, index: int, *args: str) -> subprocess.Popen[bytes]:
    with open(data_dir / f"worker-{index}.log", "wb") as log:
        return subprocess.Popen(
            [sys.executable, str(FAKE_WORKER), str(data_dir), *args],
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def worker_logs(data_dir: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in sorted(data_dir.glob("worker-*.log")))


@pytest.mark.slow
def test_two_worker_processes_never_run_the_same_task(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    db = open_database(data_dir / "podcast-desk.db")
    try:
        queue = TaskQueue(db)
        ids = queue.add_tasks([(FAKE, fake_task_data(i), 0) for i in range(300)])
        numbers = dict(zip(ids, range(300), strict=True))

        args = ("--until-idle", "--work-seconds", "0.03", "--concurrency", "2")
        procs = [start_worker(data_dir, i, *args) for i in range(2)]
        try:
            codes = [p.wait(timeout=120) for p in procs]
        finally:
            for p in procs:
                if p.poll() is None:
                    p.kill()
                    p.wait(timeout=WAIT)
        assert codes == [0, 0], worker_logs(data_dir)

        runs = read_run_log(data_dir)
        pids = {p.pid for p in procs}
        by_task: dict[str, set[int]] = defaultdict(set)
        kinds = Counter(fields[0] for fields in runs)
        for kind, task_id, pid, *_ in runs:
            assert kind in ("start", "done"), runs  # nothing was interrupted or redone
            by_task[task_id].add(int(pid))
        assert kinds == {"start": 300, "done": 300}
        assert sorted(by_task) == sorted(ids)
        assert all(len(p) == 1 for p in by_task.values()), "a task ran in both processes"
        assert {pid for p in by_task.values() for pid in p} == pids, "one worker did nothing"

        counts = queue.counts()
        assert counts[Status.COMPLETED] == 300, (counts, worker_logs(data_dir))
        assert completed_events_per_task() == Counter(dict.fromkeys(ids, 1))
        for task in queue.list_tasks():
            assert task.attempts == 1
            assert task.result is not None
            assert task.result["pid"] == next(iter(by_task[task.id]))
            assert output_path(data_dir, task.id).read_bytes() == expected_content(
                numbers[task.id]
            )
        assert not list((data_dir / "out").glob("*.part"))
    finally:
        close_database(db)


# -- (c) priority, then age -------------------------------------------------------------------


def claim_key(task_id: str) -> tuple[int, float, str]:
    row = Task.get_by_id(task_id)
    return (-row.priority, row.created_at, row.id)


def test_claims_follow_priority_then_age_after_concurrent_adds(db: SqliteDatabase) -> None:
    queue = TaskQueue(db)
    rng = random.Random(1234)
    plans = [[rng.randint(-2, 3) for _ in range(40)] for _ in range(8)]
    barrier = threading.Barrier(len(plans), timeout=WAIT)
    added: list[str] = []
    lock = threading.Lock()

    def adder(priorities: list[int]) -> None:
        try:
            barrier.wait()
            for priority in priorities:
                task_id = queue.add_task("t", {}, priority=priority)
                with lock:
                    added.append(task_id)
        finally:
            close_database(db)

    run_threads([threading.Thread(target=adder, args=(p,)) for p in plans])
    assert len(added) == 320

    # Moving a task up puts it first; moving the current best down takes it out of the lead.
    last = max(added, key=claim_key)  # lowest priority, newest
    assert queue.reprioritize(last, 10)
    expected = sorted(added, key=claim_key)
    assert expected[0] == last
    runner_up = expected[1]
    assert queue.reprioritize(runner_up, -5)
    expected = sorted(added, key=claim_key)
    assert expected[-1] == runner_up

    order = []
    while (claim := queue.claim_next("claimer")) is not None:
        order.append(claim.task_id)
    assert order == expected
    priorities = [-claim_key(t)[0] for t in order]
    assert priorities == sorted(priorities, reverse=True)
    for first, second in itertools.pairwise(order):
        if claim_key(first)[0] == claim_key(second)[0]:
            assert claim_key(first)[1:] < claim_key(second)[1:], "an older task waited"


def test_each_claim_is_the_best_visible_task_while_adds_continue(db: SqliteDatabase) -> None:
    """Every claim beats every task already committed and not yet claimed when it began."""
    queue = TaskQueue(db)
    rng = random.Random(99)
    plans = [[rng.randint(0, 4) for _ in range(60)] for _ in range(4)]
    total = sum(len(p) for p in plans)
    committed: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(len(plans) + 1, timeout=WAIT)
    claims: list[tuple[int, str]] = []  # (how many adds were committed before the claim, id)
    errors: list[BaseException] = []

    def adder(priorities: list[int]) -> None:
        try:
            start.wait()
            for priority in priorities:
                task_id = queue.add_task("t", {}, priority=priority)
                with lock:
                    committed.append(task_id)
        except BaseException as exc:
            errors.append(exc)
        finally:
            close_database(db)

    deadline = time.monotonic() + WAIT

    def claimer() -> None:
        try:
            start.wait()
            while len(claims) < total and not errors and time.monotonic() < deadline:
                with lock:
                    visible = len(committed)
                claim = queue.claim_next("claimer")
                if claim is None:
                    continue  # adders not done yet
                claims.append((visible, claim.task_id))
        except BaseException as exc:
            errors.append(exc)
        finally:
            close_database(db)

    threads = [threading.Thread(target=adder, args=(p,)) for p in plans]
    threads.append(threading.Thread(target=claimer))
    run_threads(threads)
    assert errors == []

    claimed_ids = [task_id for _, task_id in claims]
    assert sorted(claimed_ids) == sorted(committed)
    keys = {task_id: claim_key(task_id) for task_id in committed}
    # Claims interleaved with adds, or this test would prove nothing about concurrency.
    assert any(visible < total for visible, _ in claims[: total // 2])
    for index, (visible, task_id) in enumerate(claims):
        waiting = set(committed[:visible]) - set(claimed_ids[:index])
        better = [w for w in waiting if keys[w] < keys[task_id]]
        assert not better, f"claim {index} took {task_id} while {better[:3]} waited"


# -- progress writes under write contention ---------------------------------------------------


def test_update_progress_survives_concurrent_writers(db: SqliteDatabase) -> None:
    """A held task's progress write waits for the write lock like every other write.

    Another connection committing between update_progress's read and its write must not
    make it fail with "database is locked" (which the runner would turn into a retry of the
    whole task after a 15–30 s backoff).
    """
    queue = TaskQueue(db)
    queue.add_tasks([("held", {}, 0)] * 4)
    claims = [queue.claim_next(make_owner(f"p{i}")) for i in range(4)]
    done = threading.Event()
    errors: list[BaseException] = []
    adds: list[str] = []
    progress_writes: list[int] = []

    def adder() -> None:
        try:
            while not done.is_set():
                adds.append(queue.add_task("other", {}))
        except BaseException as exc:
            errors.append(exc)
        finally:
            close_database(db)

    def progress(claim: Claim | None) -> None:
        assert claim is not None
        try:
            for i in range(150):
                assert queue.update_progress(claim, f"stage {i % 3}", i / 1.5)
                progress_writes.append(i)
        except BaseException as exc:
            errors.append(exc)
        finally:
            close_database(db)

    adders = [threading.Thread(target=adder, daemon=True) for _ in range(2)]
    workers = [threading.Thread(target=progress, args=(c,)) for c in claims]
    for thread in adders:
        thread.start()
    try:
        run_threads(workers)
    finally:
        done.set()
        for thread in adders:
            thread.join(timeout=WAIT)
    assert errors == [], f"{len(errors)} failures, first: {errors[0]!r}"
    assert len(progress_writes) == 600
    assert adds, "nothing competed for the write lock"
