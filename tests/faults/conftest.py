"""The fault suite: every test here is marked `faults` so it can run alone (-m faults)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/faults/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.faults)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_settings(data_dir: Path, **values: object) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    values.setdefault("ollama_host", f"http://127.0.0.1:{closed_port()}")
    (data_dir / "settings.json").write_text(json.dumps(values))


def cli(data_dir: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "podcast_desk", "--data-dir", str(data_dir), *args],
        capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
    )


def add(data_dir: Path, source: str) -> str:
    out = cli(data_dir, "add", source, "--json", timeout=60)
    assert out.returncode == 0, out.stderr
    task_id: str = json.loads(out.stdout)["taskId"]
    return task_id


def status(data_dir: Path, task_id: str) -> dict[str, object]:
    out = cli(data_dir, "status", task_id, "--json", timeout=60)
    assert out.returncode == 0, out.stderr
    task: dict[str, object] = json.loads(out.stdout)["task"]
    return task
