"""The CLI contract of design §6 for add/status/list/cancel/retry, as subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import CliRunner

TASK_KEYS = {"id", "type", "status", "stage", "progress", "data", "result", "error", "attempts",
             "nextRetryAt", "createdAt", "updatedAt", "startedAt", "completedAt"}


def test_add_json_shape_and_status(cli: CliRunner) -> None:
    added = cli("add", "https://example.org/episode.mp3", "--priority", "2", "--json")
    assert added.code == 0, added.stderr
    body = added.json
    assert body["success"] is True
    assert body["taskId"].startswith("task_") and body["taskIds"] == [body["taskId"]]
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["estimatedTime"], str) and body["estimatedTime"]

    status = cli("status", body["taskId"], "--json")
    assert status.code == 0
    task = status.json["task"]
    assert status.json["success"] is True
    assert set(task) >= TASK_KEYS
    assert task["id"] == body["taskId"] and task["status"] == "PENDING"
    assert task["data"]["source"] == "https://example.org/episode.mp3"
    assert task["data"]["url"] == "https://example.org/episode.mp3"  # the origin API's field
    assert task["data"]["kind"] == "url"
    assert task["priority"] == 2 and task["result"] is None and task["error"] is None


def test_add_human_output(cli: CliRunner) -> None:
    added = cli("add", "example.org/feed.xml")
    assert added.code == 0
    assert added.stdout.startswith("task_") and "Estimated time" in added.stdout


@pytest.mark.parametrize(
    "source",
    ["", "   ", "ftp://example.org/a.mp3", "javascript:alert(1)", "/no/such/file.mp3",
     "file:///no/such/file.mp3", "https://"],
)
def test_bad_sources_are_refused_with_exit_2_and_nothing_queued(
    cli: CliRunner, source: str
) -> None:
    result = cli("add", source, "--json")
    assert result.code == 2
    assert result.json["success"] is False
    error = result.json["error"]
    assert isinstance(error, str) and len(error) > 10 and "Traceback" not in error
    listed = cli("list", "--json")
    assert listed.json["tasks"] == []


def test_local_file_source_is_queued_with_its_absolute_path(
    cli: CliRunner, tmp_path: Path
) -> None:
    audio = tmp_path / "talk.mp3"
    audio.write_bytes(b"not really audio, but it exists")
    added = cli("add", str(audio), "--json")
    assert added.code == 0
    task = cli("status", added.json["taskId"], "--json").json["task"]
    assert task["data"]["source"] == str(audio) and task["data"]["kind"] == "local_file"


def test_unknown_task_id(cli: CliRunner) -> None:
    for command in ("status", "cancel", "retry"):
        result = cli(command, "task_DOESNOTEXIST", "--json")
        assert result.code == 1
        assert result.json == {"success": False, "error": "There is no task with id "
                                                          "task_DOESNOTEXIST."}


def test_list_filters_and_cancel_then_retry(cli: CliRunner) -> None:
    first = cli("add", "https://example.org/1.mp3", "--json").json["taskId"]
    second = cli("add", "https://example.org/2.mp3", "--json").json["taskId"]
    cancelled = cli("cancel", first, "--json")
    assert cancelled.code == 0 and cancelled.json["status"] == "CANCELLED"
    listed = cli("list", "--status", "cancelled", "--json").json
    assert [t["id"] for t in listed["tasks"]] == [first]
    assert listed["counts"]["CANCELLED"] == 1 and listed["counts"]["PENDING"] == 1
    assert cli("retry", second, "--json").code == 1  # pending: nothing to retry
    retried = cli("retry", first, "--json")
    assert retried.code == 0 and retried.json["status"] == "PENDING"
    pending = cli("list", "--status", "PENDING", "--json").json["tasks"]
    assert {t["id"] for t in pending} == {first, second}
    human = cli("list")
    assert first in human.stdout and "PENDING" in human.stdout


def test_add_does_not_import_the_heavy_stacks(data_dir: Path) -> None:
    """`add` must answer in well under a second: no ML, media, network or Qt imports."""
    code = (
        "import sys\n"
        "from podcast_desk.cli import main\n"
        f"rc = main(['--data-dir', {str(data_dir)!r}, 'add', 'https://example.org/x.mp3'])\n"
        "heavy = sorted(m for m in ('faster_whisper', 'ctranslate2', 'av', 'numpy', 'yt_dlp',\n"
        "    'ollama', 'httpx', 'PySide6', 'podcastparser', 'sumy', 'jieba', 'yake')\n"
        "    if m in sys.modules)\n"
        "print(rc, heavy)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PODCAST_DESK_HOME"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "0 []"


def test_data_dir_from_environment(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "PODCAST_DESK_HOME": str(home)}
    out = subprocess.run(
        [sys.executable, "-m", "podcast_desk", "add", "https://example.org/a.mp3", "--json"],
        capture_output=True, text=True, timeout=60, env=env,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["success"] is True
    assert (home / "podcast-desk.db").exists()


HOSTILE_TITLE = ("Ep 1\x1b]0;owned\x07\x1b]52;c;cm0gLXJmIH4=\x07\x1b[31m red\x1b[0m"
                 "\x9b2J\u202e tail")


def test_titles_from_the_network_cannot_drive_the_terminal(
    cli: CliRunner, data_dir: Path
) -> None:
    from podcast_desk.app import open_core
    from podcast_desk.messages import msg
    from podcast_desk.tasks.errors import PermanentError

    core = open_core(data_dir)
    task_id = core.queue.add_task("podcast", {"source": "https://e.com/x", "kind": "url"},
                                  title=HOSTILE_TITLE)
    claim = core.queue.claim_next("host:1:x/test")
    assert claim is not None
    core.queue.fail(claim, PermanentError(msg("download.refused_because",
                                              reason="\x1b]52;c;ZXZpbA==\x07 nope")),
                    transient=False)
    core.close()
    for args in (("list",), ("status", task_id)):
        result = cli(*args)
        assert result.code == 0, result.stderr
        shown = result.stdout
        assert "Ep 1" in shown and "red" in shown and "tail" in shown
        assert not any(c in shown for c in ("\x1b", "\x07", "\x9b", "\u202e")), repr(shown)
    as_json = cli("status", task_id, "--json")
    assert "\x1b" not in as_json.stdout and "\x9b" not in as_json.stdout  # escaped as \\u
    assert as_json.json["task"]["title"] == HOSTILE_TITLE  # JSON keeps the exact text
