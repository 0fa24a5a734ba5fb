"""Ollama answering garbage, hanging or dropping mid-stream never fails a task."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from tests.faults.conftest import add, cli, status, write_settings
from tests.support.ollama_stub import OllamaStub

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("mode", ["garbage", "hang", "close_mid_stream", "http_500",
                                  "model_missing"])
def test_a_broken_ollama_falls_back_to_the_offline_summary(tmp_path: Path, mode: str) -> None:
    """The protocol stub (not an LLM) misbehaves; the episode still gets a summary."""
    data = tmp_path / "data"
    with OllamaStub(mode=mode, models=["llama3.2:latest"]) as stub:
        write_settings(data, ollama_host=stub.url, ollama_timeout=2.0)
        task_id = add(data, str(CORPUS / "jfk.flac"))
        worker = cli(data, "worker", "--until-idle", timeout=180)
        assert worker.returncode == 0, worker.stderr
        assert stub.requests, "the worker never asked the stub"
    task = status(data, task_id)
    assert task["status"] == "COMPLETED", task["error"]
    shown = json.loads(cli(data, "show", task_id, "--json").stdout)["episode"]
    assert shown["summaryEngine"] == "extractive" and shown["summary"]["tldr"]
    log = cli(data, "status", task_id).stdout
    assert "Traceback" not in log


def test_a_working_ollama_is_used(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with OllamaStub(mode="normal", models=["llama3.2:latest"]) as stub:
        write_settings(data, ollama_host=stub.url, ollama_timeout=10.0)
        task_id = add(data, str(CORPUS / "jfk.flac"))
        assert cli(data, "worker", "--until-idle", timeout=180).returncode == 0
        chats = stub.chat_requests()
    assert status(data, task_id)["status"] == "COMPLETED"
    shown = json.loads(cli(data, "show", task_id, "--json").stdout)["episode"]
    assert shown["summaryEngine"] == "ollama:llama3.2"
    assert len(chats) == 1 and chats[0].body["options"]["num_ctx"] == 8192
    assert "format" in chats[0].body
