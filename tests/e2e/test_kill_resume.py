"""kill -9 a real `podcast-desk worker` past half of a transcription; the restart resumes."""

from __future__ import annotations

import itertools
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO

LONG = REPO / "tests" / "fixtures" / "speech" / "long.mp3"
pytestmark = pytest.mark.slow


def wait_until(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll ``predicate`` (a cheap read) until it holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def prepare(data_dir: Path, audio: Path) -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data_dir.mkdir(parents=True)
    settings = {"slice_seconds": 60.0, "ollama_host": f"http://127.0.0.1:{port}"}
    (data_dir / "settings.json").write_text(json.dumps(settings))
    out = subprocess.run(
        [sys.executable, "-m", "podcast_desk", "--data-dir", str(data_dir), "add", str(audio),
         "--json"], capture_output=True, text=True, timeout=60, check=True)
    task_id: str = json.loads(out.stdout)["taskId"]
    return task_id


def worker(data_dir: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "podcast_desk", "--data-dir", str(data_dir), "worker", *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
    )


def read(data_dir: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(data_dir / "podcast-desk.db", timeout=10) as db:
        return db.execute(sql, args).fetchall()


def segments(data_dir: Path) -> list[tuple[float, float, str]]:
    rows = read(data_dir, "SELECT start, end, text FROM segment ORDER BY start")
    return [(float(a), float(b), str(c)) for a, b, c in rows]  # type: ignore[arg-type]


def drain(data_dir: Path) -> float:
    started = time.monotonic()
    proc = worker(data_dir, "--until-idle")
    assert proc.wait(timeout=600) == 0
    return time.monotonic() - started


def test_kill_9_past_half_then_restart_resumes_and_is_faster(tmp_path: Path) -> None:
    audio = tmp_path / "long.mp3"
    audio.write_bytes(LONG.read_bytes())

    full_dir = tmp_path / "full"
    full_task = prepare(full_dir, audio)
    full_seconds = drain(full_dir)
    assert read(full_dir, "SELECT status FROM task WHERE id=?", full_task) == [("COMPLETED",)]
    reference = segments(full_dir)

    dir_ = tmp_path / "killed"
    task_id = prepare(dir_, audio)
    proc = worker(dir_)

    def past_half() -> bool:
        rows = read(dir_, "SELECT transcribed_until, duration FROM episode")
        return bool(rows) and rows[0][1] is not None and rows[0][0] > 0.5 * rows[0][1]  # type: ignore[operator]

    try:
        wait_until(past_half, 300, "transcription past 50 %")
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    checkpoint = read(dir_, "SELECT transcribed_until FROM episode")[0][0]
    assert read(dir_, "SELECT status FROM task")[0][0] == "RUNNING"  # died holding it

    resumed_seconds = drain(dir_)
    status, attempts = read(dir_, "SELECT status, attempts FROM task WHERE id=?", task_id)[0]
    log = read(dir_, "SELECT kind, message FROM task_event ORDER BY id")
    assert status == "COMPLETED" and attempts == 2, log
    completions = read(dir_, "SELECT COUNT(*) FROM task_event WHERE kind='completed'")
    assert completions == [(1,)]
    got = segments(dir_)
    starts = [s for s, _, _ in got]
    assert starts == sorted(set(starts)), "segments out of order or duplicated"
    assert all(a_end <= b_start + 1e-6 for (_, a_end, _), (b_start, _, _)
               in itertools.pairwise(got)), "overlapping segments"
    # Slices are cut from the audio alone, so the resumed transcript is the full run's.
    assert [t for _, _, t in got] == [t for _, _, t in reference]
    assert got[-1][1] > 0.9 * float(read(dir_, "SELECT duration FROM episode")[0][0])  # type: ignore[arg-type]
    print(f"full run {full_seconds:.1f} s; resumed from {checkpoint:.0f} s in "
          f"{resumed_seconds:.1f} s")
    assert resumed_seconds < 0.8 * full_seconds
