"""process / show / export / worker through the real CLI, on real audio."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import CORPUS, REPO
from tests.e2e.conftest import CliRunner

pytestmark = pytest.mark.slow


def offline_settings(data_dir: Path, **extra: object) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data_dir.mkdir(parents=True, exist_ok=True)
    settings = {"ollama_host": f"http://127.0.0.1:{port}", **extra}
    (data_dir / "settings.json").write_text(json.dumps(settings))


def test_process_then_show_and_export(cli: CliRunner, data_dir: Path, tmp_path: Path) -> None:
    offline_settings(data_dir)
    done = cli("process", str(CORPUS / "jfk.flac"), "--json", timeout=300)
    assert done.code == 0, done.stderr
    body = done.json
    assert body["success"] is True
    episode = body["episode"]
    assert "ask not what your country can do for you" in " ".join(
        s["text"] for s in episode["segments"]).lower()
    assert episode["summary"]["engine"] == "extractive" and episode["summary"]["tldr"]

    shown = cli("show", body["taskId"], "--json")
    assert shown.code == 0
    for key in ("id", "title", "show", "duration", "sourceUrl", "language", "summary",
                "segments"):
        assert key in shown.json["episode"]
    assert shown.json["episode"]["segments"] == episode["segments"]
    by_episode_id = cli("show", str(episode["id"]), "--json")
    assert by_episode_id.json["episode"]["id"] == episode["id"]
    human = cli("show", body["taskId"], "--transcript")
    assert "Key points" in human.stdout and "[0:0" in human.stdout

    status = cli("status", body["taskId"], "--json").json["task"]
    assert status["status"] == "COMPLETED" and status["result"]["episodeId"] == episode["id"]
    assert status["progress"] == 100

    out = tmp_path / "episode.json"
    assert cli("export", body["taskId"], "--format", "json", "-o", str(out)).code == 0
    assert json.loads(out.read_text())["segments"] == episode["segments"]
    again = cli("export", body["taskId"], "--format", "json", "-o", str(out), "--json")
    assert again.code == 1 and "--force" in again.json["error"]
    forced = cli("export", body["taskId"], "--format", "json", "-o", str(out), "--force")
    assert forced.code == 0
    assert cli("show", "task_NOPE", "--json").code == 1
    estimate = cli("add", str(CORPUS / "jfk.flac"), "--json").json["estimatedTime"]
    assert "per hour of audio on this computer" in estimate  # measured speed now known


def test_process_reports_a_bad_file_plainly(cli: CliRunner, data_dir: Path,
                                             tmp_path: Path) -> None:
    offline_settings(data_dir)
    bogus = tmp_path / "episode.mp3"
    bogus.write_bytes(os.urandom(50_000))
    result = cli("process", str(bogus), "--json", timeout=120)
    assert result.code == 1
    assert result.json["success"] is False
    assert "is not audio or video that can be read" in result.json["error"]
    assert "Traceback" not in result.stderr


def test_ctrl_c_in_process_leaves_the_task_queued_and_resumable(
    data_dir: Path, tmp_path: Path
) -> None:
    offline_settings(data_dir, slice_seconds=60.0)
    audio = tmp_path / "long.mp3"
    audio.write_bytes((REPO / "tests" / "fixtures" / "speech" / "long.mp3").read_bytes())
    proc = subprocess.Popen(
        [sys.executable, "-m", "podcast_desk", "--data-dir", str(data_dir), "process",
         str(audio)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
    )
    db = data_dir / "podcast-desk.db"

    def transcribed() -> float:
        if not db.exists():
            return 0.0
        try:
            with sqlite3.connect(db, timeout=10) as conn:
                row = conn.execute("SELECT transcribed_until FROM episode").fetchone()
        except sqlite3.OperationalError:  # the file exists, its first migration not yet
            return 0.0
        return float(row[0]) if row else 0.0

    deadline = time.monotonic() + 300
    while transcribed() <= 0:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "no transcription progress"
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Stopped" in err and "Traceback" not in err
    with sqlite3.connect(db) as conn:
        status, attempts, lease = conn.execute(
            "SELECT status, attempts, lease_owner FROM task").fetchone()
    assert (status, attempts, lease) == ("PENDING", 0, None)
    checkpoint = transcribed()
    assert checkpoint > 0

    worker = subprocess.run(
        [sys.executable, "-m", "podcast_desk", "--data-dir", str(data_dir), "worker",
         "--until-idle"], capture_output=True, text=True, timeout=600)
    assert worker.returncode == 0, worker.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT status FROM task").fetchone() == ("COMPLETED",)
        log = [m for (m,) in conn.execute("SELECT message FROM task_event")]
    assert any(m.startswith("Resuming the transcript from") for m in log)
    assert "COMPLETED" in worker.stderr  # the worker prints progress lines without a TTY
