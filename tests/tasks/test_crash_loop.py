"""Crash loop: kill -9 real worker processes at random moments; every task still ends well.

Design §4: execution is at-least-once, completion exactly once. A killed worker's lease is
reaped by the next worker at once (same host, owner pid gone), and the task resumes from its
checkpoint. The fake handler (tests/support/fake_worker.py) writes through ``.part`` files,
so after the storm every output must be whole and no ``.part`` may be left over.

``CRASH_LOOP_KILLS`` (default 50) sets the number of kills, for a longer fault loop on
demand; ``CRASH_LOOP_SEED`` replays a run (the seed is printed, and shown on failure).
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from podcast_desk.store.db import close_database, open_database
from podcast_desk.store.models import Task, TaskEvent
from podcast_desk.tasks.queue import Status, TaskQueue
from podcast_desk.tasks.runner import Runner
from tests.support.fake_worker import (
    CHUNKS,
    FAKE,
    expected_content,
    fake_task_data,
    make_handler,
    output_path,
    part_path,
    read_run_log,
)

FAKE_WORKER = Path(__file__).resolve().parents[1] / "support" / "fake_worker.py"
KILLS = int(os.environ.get("CRASH_LOOP_KILLS", "50"))
TASKS = 40
URGENT = 5  # priority of every fourth task
WORK_SECONDS = 1.0
WAIT = 60.0  # seconds a worker may take to exit before the test fails instead of hanging


def start_worker(data_dir: Path, index: int, *args: str) -> subprocess.Popen[bytes]:
    with open(data_dir / f"worker-{index:03d}.log", "wb") as log:
        return subprocess.Popen(
            [sys.executable, str(FAKE_WORKER), str(data_dir), "--work-seconds",
             str(WORK_SECONDS), *args],
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def holds_a_task(pid: int) -> bool:
    """Whether the worker process ``pid`` holds a claim right now."""
    owner = Task.lease_owner.contains(f":{pid}:")
    return bool(Task.select().where((Task.status == Status.RUNNING) & owner).exists())


def worker_errors(data_dir: Path) -> str:
    lines = []
    for path in sorted(data_dir.glob("worker-*.log")):
        for line in path.read_text(errors="replace").splitlines():
            if not line.startswith("ready "):
                lines.append(f"{path.name}: {line}")
    return "\n".join(lines[-60:])


@pytest.mark.slow
@pytest.mark.timeout(300 + 5 * KILLS)
def test_kill_9_storm_completes_every_task_exactly_once(tmp_path: Path) -> None:
    seed = int(os.environ.get("CRASH_LOOP_SEED", str(random.randrange(2**32))))
    print(f"crash loop: CRASH_LOOP_SEED={seed} CRASH_LOOP_KILLS={KILLS}")
    rng = random.Random(seed)
    replay = f"(replay with CRASH_LOOP_SEED={seed} CRASH_LOOP_KILLS={KILLS})"

    data_dir = tmp_path / "data"
    db = open_database(data_dir / "podcast-desk.db")
    try:
        queue = TaskQueue(db)
        items = [(FAKE, fake_task_data(n), URGENT if n % 4 == 3 else 0) for n in range(TASKS)]
        ids = queue.add_tasks(items)
        number = dict(zip(ids, range(TASKS), strict=True))
        urgent = {task_id for task_id, item in zip(ids, items, strict=True) if item[2]}

        # The storm: start a worker, let it run a random while, SIGKILL it.
        busy_kills = 0  # kills that hit a worker while it held a task
        for index in range(KILLS):
            concurrency = rng.choice(("1", "2"))
            proc = start_worker(data_dir, index, "--concurrency", concurrency)
            try:
                code = proc.wait(timeout=rng.uniform(0.2, 2.0))
            except subprocess.TimeoutExpired:
                busy_kills += holds_a_task(proc.pid)
                proc.send_signal(signal.SIGKILL)
                code = proc.wait(timeout=WAIT)
                assert code == -signal.SIGKILL
            else:
                pytest.fail(f"worker {index} exited by itself with {code} {replay}:\n"
                            + worker_errors(data_dir))
            finally:
                if proc.poll() is None:  # never leave a worker behind
                    proc.kill()
                    proc.wait(timeout=WAIT)

        interrupted = queue.counts()
        # A clean drain finishes what is left.
        final = start_worker(data_dir, KILLS, "--until-idle", "--concurrency", "2")
        try:
            code = final.wait(timeout=240)
        finally:
            if final.poll() is None:
                final.kill()
                final.wait(timeout=WAIT)
        assert code == 0, f"final drain failed {replay}:\n{worker_errors(data_dir)}"

        counts = queue.counts()
        assert counts[Status.COMPLETED] == TASKS, (
            f"{counts} (after the storm: {interrupted}) {replay}:\n{worker_errors(data_dir)}"
        )

        # Completion exactly once, with a result matching the output.
        completed = Counter(
            task_id
            for (task_id,) in TaskEvent.select(TaskEvent.task)
            .where(TaskEvent.kind == "completed")
            .tuples()
        )
        assert completed == Counter(dict.fromkeys(ids, 1)), replay

        # Outputs whole and correct; no temp file left behind.
        out_dir = data_dir / "out"
        for task_id, n in number.items():
            content = output_path(data_dir, task_id).read_bytes()
            assert content == expected_content(n), f"{task_id} output is wrong {replay}"
            info = queue.get_task(task_id)
            assert info is not None and info.result is not None
            assert info.result["sha256"] == hashlib.sha256(content).hexdigest()
        assert sorted(p.name for p in out_dir.iterdir()) == sorted(
            output_path(data_dir, task_id).name for task_id in ids
        ), f"leftover files (e.g. *.part) {replay}"

        # Attempts agree with the task log: one claim event per attempt.
        claims: dict[str, list[tuple[int, str]]] = {task_id: [] for task_id in ids}
        for event_id, task_id, message in (
            TaskEvent.select(TaskEvent.id, TaskEvent.task, TaskEvent.message)
            .where(TaskEvent.kind == "state")
            .order_by(TaskEvent.id)
            .tuples()
        ):
            if message.startswith(("Started by", "Resumed by")):
                claims[task_id].append((event_id, message))
        for task_id in ids:
            info = queue.get_task(task_id)
            assert info is not None
            assert info.attempts == len(claims[task_id]), (task_id, claims[task_id], replay)

        # The kills really interrupted running work, or this test proved nothing.
        resumed = sum(1 for events in claims.values() for _, m in events
                      if m.startswith("Resumed by"))
        retried_tasks = sum(1 for events in claims.values() if len(events) > 1)
        runs = read_run_log(data_dir)
        checkpoint_resumes = sum(1 for fields in runs if fields[0] == "resume")
        print(f"crash loop: {busy_kills} of {KILLS} kills hit running work; "
              f"{resumed} resumed claims over {retried_tasks} tasks, "
              f"{checkpoint_resumes} resumed from a checkpoint, "
              f"{sum(1 for f in runs if f[0] == 'skip')} found already written")
        assert busy_kills >= max(1, min(KILLS, TASKS) // 4), (busy_kills, replay)
        assert resumed >= busy_kills // 2, (resumed, busy_kills, replay)
        assert retried_tasks >= 1 and checkpoint_resumes >= 1, replay

        # Priority held through the storm: every urgent task was first claimed before any
        # normal one.
        first_claim = {task_id: events[0][0] for task_id, events in claims.items()}
        assert max(first_claim[t] for t in urgent) < min(
            first_claim[t] for t in ids if t not in urgent
        ), replay
    finally:
        close_database(db)

    with sqlite3.connect(data_dir / "podcast-desk.db") as check:
        assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert check.execute("PRAGMA foreign_key_check").fetchall() == []
    check.close()


def test_fake_handler_skips_finished_output_and_resumes_a_torn_part(tmp_path: Path) -> None:
    """The storm's assumptions about the fake handler: idempotent and resumable."""
    db = open_database(tmp_path / "q.db")
    try:
        queue = TaskQueue(db)
        done_id, torn_id, wrong_id = queue.add_tasks([(FAKE, fake_task_data(n), 0)
                                                      for n in (1, 2, 3)])
        out_dir = tmp_path / "out"
        out_dir.mkdir()
        # 1: written and renamed, but killed before `complete`.
        output_path(tmp_path, done_id).write_bytes(expected_content(1))
        # 2: killed mid-write: three whole chunks and half of the fourth.
        size = len(expected_content(2)) // CHUNKS
        part_path(tmp_path, torn_id).write_bytes(expected_content(2)[: 3 * size + size // 2])
        # 3: a wrong file where the output goes (not ours to trust) and a garbage part.
        output_path(tmp_path, wrong_id).write_bytes(b"stale")
        part_path(tmp_path, wrong_id).write_bytes(b"garbage" * 100)

        runner = Runner(queue, {FAKE: make_handler(tmp_path, work_seconds=0.0)})
        while runner.run_once():
            pass

        for task_id, n in ((done_id, 1), (torn_id, 2), (wrong_id, 3)):
            info = queue.get_task(task_id)
            assert info is not None and info.status is Status.COMPLETED
            assert output_path(tmp_path, task_id).read_bytes() == expected_content(n)
        assert not list(out_dir.glob("*.part"))
        runs = {fields[1]: fields for fields in read_run_log(tmp_path) if fields[0] != "done"}
        assert runs[done_id][0] == "skip"
        assert runs[torn_id][0] == "resume" and runs[torn_id][4] == "3"
        assert runs[wrong_id][0] == "start"
        assert any("checkpoint" in e.message for e in queue.events(torn_id))
    finally:
        close_database(db)
