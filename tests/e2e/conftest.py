"""Run the real CLI as a subprocess against a temporary data folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> Any:
        return json.loads(self.stdout)


CliRunner = Callable[..., Result]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def cli(data_dir: Path) -> CliRunner:
    """``cli("add", url, "--json")`` runs ``python -m podcast_desk --data-dir DIR ...``."""

    def run(*args: str, timeout: float = 120.0, env: dict[str, str] | None = None) -> Result:
        full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        full_env.pop("PODCAST_DESK_HOME", None)
        proc = subprocess.run(
            [sys.executable, "-m", "podcast_desk", "--data-dir", str(data_dir), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=full_env,
            stdin=subprocess.DEVNULL,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    return run
