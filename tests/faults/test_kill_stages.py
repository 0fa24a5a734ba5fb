"""kill -9 the real headless worker at random moments in every stage, over a mix of tasks.

On demand (marked `long`): `.venv/bin/pytest -m long tests/faults/test_kill_stages.py`
(`STAGE_KILLS=30` by default; `STAGE_KILL_SEED` replays a run). Every task must end
COMPLETED exactly once, with a transcript equal to an uninterrupted run's.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS, REPO
from tests.faults.conftest import add, cli, write_settings
from tests.support.http_server import FeedItem, LoopbackServer

pytestmark = [pytest.mark.long, pytest.mark.slow]
SPEECH = REPO / "tests" / "fixtures" / "speech"


def transcripts(data: Path) -> dict[str, list[str]]:
    """Segment texts per task source."""
    with sqlite3.connect(data / "podcast-desk.db") as db:
        rows = db.execute(
            "SELECT t.data, s.text FROM task t JOIN episode e ON e.task_id = t.id "
            "JOIN segment s ON s.episode_id = e.id ORDER BY t.id, s.start").fetchall()
    out: dict[str, list[str]] = {}
    for data_json, text in rows:
        out.setdefault(json.loads(data_json)["source"], []).append(text)
    return out


def statuses(data: Path) -> list[tuple[str, str, int]]:
    with sqlite3.connect(data / "podcast-desk.db", timeout=10) as db:
        return db.execute("SELECT id, status, attempts FROM task ORDER BY id").fetchall()


def queue_mix(data: Path, server: LoopbackServer, local: Path) -> None:
    write_settings(data, slice_seconds=60.0)
    add(data, server.url("/media/topics.mp3"))        # direct link, dripped download
    add(data, server.url("/episode"))                 # a page with <audio>
    add(data, server.url("/show.xml"))                # a feed (newest episode)
    add(data, str(local))                             # a local file, several slices


def test_kill_9_at_random_points_across_all_stages(tmp_path: Path) -> None:
    kills = int(os.environ.get("STAGE_KILLS", "30"))
    seed = int(os.environ.get("STAGE_KILL_SEED", str(random.randrange(1 << 30))))
    print(f"STAGE_KILL_SEED={seed} STAGE_KILLS={kills}")
    rng = random.Random(seed)
    local = tmp_path / "long.mp3"
    local.write_bytes((SPEECH / "long.mp3").read_bytes())
    with LoopbackServer() as server:
        server.add("/media/topics.mp3", (SPEECH / "topics.mp3").read_bytes(), "audio/mpeg",
                   drip=(32_768, 0.05))
        server.add("/media/short.m4a", (SPEECH / "short.m4a").read_bytes(), "audio/mp4")
        server.add("/media/jfk.flac", (CORPUS / "jfk.flac").read_bytes(), "audio/flac")
        server.add_audio_page("/episode", "/media/short.m4a", title="Tea")
        server.add_feed("/show.xml", title="Show", items=[
            FeedItem(title="JFK", guid="jfk", pub_date=1_700_000_000.0,
                     enclosure_url="/media/jfk.flac", enclosure_type="audio/flac")])

        reference_dir = tmp_path / "reference"
        queue_mix(reference_dir, server, local)
        assert cli(reference_dir, "worker", "--until-idle", timeout=900).returncode == 0
        reference = transcripts(reference_dir)
        assert len(reference) == 4

        data = tmp_path / "killed"
        queue_mix(data, server, local)
        done_kills = 0
        while done_kills < kills and any(s != "COMPLETED" for _, s, _ in statuses(data)):
            worker = subprocess.Popen(
                [sys.executable, "-m", "podcast_desk", "--data-dir", str(data), "worker"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                stdin=subprocess.DEVNULL)
            try:
                worker.wait(timeout=rng.uniform(1.0, 6.0))
            except subprocess.TimeoutExpired:
                os.kill(worker.pid, signal.SIGKILL)
                worker.wait(timeout=30)
                done_kills += 1
        assert cli(data, "worker", "--until-idle", timeout=900).returncode == 0

    final = statuses(data)
    assert all(status == "COMPLETED" for _, status, _ in final), final
    with sqlite3.connect(data / "podcast-desk.db") as db:
        completions = dict(db.execute(
            "SELECT task_id, COUNT(*) FROM task_event WHERE kind='completed' GROUP BY task_id"))
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    assert all(completions.get(task_id) == 1 for task_id, _, _ in final), completions
    assert integrity == "ok"
    assert not list((data / "audio").glob("*.part"))
    got = transcripts(data)
    # One loopback server served both runs, so the sources (the keys) are the same.
    assert got == reference
    resumed = sum(attempts - 1 for _, _, attempts in final)
    print(f"{done_kills} kills; {resumed} resumed attempts; tasks {final}")
    assert done_kills >= min(kills, 5) and resumed >= 1
