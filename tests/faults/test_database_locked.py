"""Another process holds the database longer than the busy timeout."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from podcast_desk.store.db import BUSY_TIMEOUT_SECONDS
from tests.conftest import CORPUS
from tests.faults.conftest import add, cli, status, write_settings

pytestmark = pytest.mark.slow

HOLDER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()  # hold the lock until the test says so
db.execute("ROLLBACK")
"""


def test_locked_database_gives_a_plain_error_and_the_worker_survives(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_settings(data)
    first = add(data, str(CORPUS / "jfk.flac"))
    worker = subprocess.Popen(
        [sys.executable, "-m", "podcast_desk", "--data-dir", str(data), "worker"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
    )
    deadline = time.monotonic() + 300
    while status(data, first)["status"] != "COMPLETED":  # the worker is up and idle
        assert worker.poll() is None and time.monotonic() < deadline
        time.sleep(0.1)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(data / "podcast-desk.db")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        refused = cli(data, "add", str(CORPUS / "jfk.flac"), "--json",
                      timeout=BUSY_TIMEOUT_SECONDS + 60)
        assert refused.returncode == 1
        body = json.loads(refused.stdout)
        assert body["success"] is False and "busy" in body["error"]
        assert "Traceback" not in refused.stderr
        assert worker.poll() is None, "the worker died while the database was locked"
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=30)
    second = add(data, str(CORPUS / "jfk.flac"))
    drained = cli(data, "worker", "--until-idle")  # a second worker on the same queue
    assert drained.returncode == 0
    worker.terminate()  # SIGTERM: a clean stop
    _, err = worker.communicate(timeout=60)
    assert worker.returncode == 130 and "Traceback" not in err
    assert status(data, first)["status"] == "COMPLETED"
    assert status(data, second)["status"] == "COMPLETED"
    listed = json.loads(cli(data, "list", "--json").stdout)["tasks"]
    assert len(listed) == 2  # the refused add queued nothing
