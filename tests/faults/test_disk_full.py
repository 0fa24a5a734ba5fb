"""A full disk pauses the queue with a visible message; nothing is lost; work resumes."""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from podcast_desk.app import PODCAST, open_core
from podcast_desk.messages import Message
from podcast_desk.tasks.progress import Outcome, Progress
from podcast_desk.tasks.queue import Status
from tests.conftest import REPO
from tests.faults.conftest import closed_port
from tests.support.http_server import LoopbackServer

pytestmark = pytest.mark.slow
TOPICS = REPO / "tests" / "fixtures" / "speech" / "topics.mp3"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 12 MB tmpfs (needs root, as CI runs; elsewhere the mount error says why)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


class FreeSpaceWhenPaused:
    """Plays the user: when the runner reports the disk-full pause, deletes the ballast."""

    def __init__(self, ballast: Path) -> None:
        self.ballast = ballast
        self.paused_messages: list[str] = []
        self.freed = threading.Event()

    def task_started(self, task_id: str, task_type: str, title: str) -> None:
        pass

    def task_progress(self, progress: Progress) -> None:
        pass

    def task_finished(self, task_id: str, outcome: Outcome, message: Message | None) -> None:
        text = message.english() if message is not None else ""
        if outcome.status is Status.PENDING and "disk is full" in text:
            self.paused_messages.append(text)
            self.ballast.unlink()
            self.freed.set()


def test_disk_full_pauses_then_resumes(small_disk: Path) -> None:
    core = open_core(small_disk / "data")
    core.update_settings(ollama_host=f"http://127.0.0.1:{closed_port()}", save=False)
    ballast = small_disk / "ballast"
    free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
    ballast.write_bytes(b"\0" * (free - 400_000))  # leave ~400 KB: less than the episode
    with LoopbackServer() as server:
        server.add("/topics.mp3", TOPICS.read_bytes(), "audio/mpeg")
        task_id = core.queue.add_task(PODCAST, {"source": server.url("/topics.mp3"),
                                                "kind": "url"})
        reporter = FreeSpaceWhenPaused(ballast)
        runner = core.runner(reporter, poll_interval=0.05, disk_full_pause=0.5)
        runner.run(until_idle=True)
    assert reporter.freed.is_set(), "the download never hit the full disk"
    assert "Paused" in reporter.paused_messages[0]
    info = core.queue.get_task(task_id)
    assert info is not None and info.status is Status.COMPLETED, info and info.error
    assert info.attempts == 1  # the pause spent no attempt
    log = [e.message for e in core.queue.events(task_id)]
    assert any("disk is full" in m for m in log)
    integrity = core.db.execute_sql("PRAGMA integrity_check").fetchone()[0]
    assert integrity == "ok"
    core.close()
