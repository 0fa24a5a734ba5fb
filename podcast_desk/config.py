"""Settings (a dataclass saved as JSON) and the data folder's paths; no Qt here."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from podcast_desk.files import atomic_write
from podcast_desk.messages import Message, msg

log = logging.getLogger(__name__)

APP_NAME = "podcast-desk"
ENV_HOME = "PODCAST_DESK_HOME"


@dataclass(frozen=True)
class Settings:
    """Everything a user can change; unknown or invalid values fall back to defaults.

    Immutable: a change makes a new Settings (``Core.update_settings``), which workers pick
    up at their next task, so a thread never sees half of a change.
    """

    # transcription
    model: str = "bundled"  # "bundled" (offline tiny.en), a model name, or a folder path
    compute_type: str = "int8"
    cpu_threads: int = 0  # 0 = all cores
    beam_size: int = 5  # batched beams 1–3 drop sentences at chunk ends (docs/performance.md)
    batched: bool = True
    batch_size: int = 8
    slice_seconds: float = 600.0
    language: str = ""  # "" = detect (multilingual models)
    use_publisher_transcripts: bool = True  # a feed's <podcast:transcript> instead of whisper
    # summaries
    summary_engine: str = "auto"  # auto | ollama | openai | offline
    ollama_host: str = "http://127.0.0.1:11434"
    ollama_model: str = "llama3.2"
    ollama_timeout: float = 120.0
    ollama_num_ctx: int = 8192
    openai_base_url: str = "http://127.0.0.1:8080/v1"  # an OpenAI-compatible server
    openai_model: str = ""  # "" = the server's first model
    openai_api_key: str = ""  # "" = none (the settings file is private to the user)
    # queue
    concurrency: int = 1
    max_attempts: int = 5
    # downloads and storage
    network_timeout: float = 30.0
    max_download_mb: int = 2048
    max_duration_hours: float = 6.0
    keep_audio: bool = True
    # subscriptions
    feed_check_minutes: float = 60.0  # how often subscribed feeds are checked
    # window
    ui_language: str = ""  # "" = follow the system
    start_minimized: bool = False

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Settings:
        """Settings from a dict, keeping defaults for missing keys and wrongly typed values."""
        return cls().replace(raw)

    def replace(self, changes: Mapping[str, Any]) -> Settings:
        """A copy with ``changes`` applied; unknown keys and wrongly typed values are ignored."""
        good: dict[str, Any] = {}
        known = {f.name for f in fields(self)}
        for name, value in changes.items():
            if name not in known:
                continue
            default = getattr(self, name)
            if isinstance(default, bool):
                ok = isinstance(value, bool)
            elif isinstance(default, float):
                ok = isinstance(value, int | float) and not isinstance(value, bool)
                value = float(value) if ok else value
            elif isinstance(default, int):
                ok = isinstance(value, int) and not isinstance(value, bool)
            else:
                ok = isinstance(value, str)
            if ok:
                good[name] = value
            else:
                log.warning("setting %s=%r is not valid; keeping %r", name, value, default)
        return dataclasses.replace(self, **good)

    def to_dict(self) -> dict[str, Any]:
        """Every setting by name (what ``settings.json`` holds)."""
        return asdict(self)


@dataclass(frozen=True)
class Paths:
    """Where one data folder keeps things."""

    root: Path

    @property
    def database(self) -> Path:
        return self.root / "podcast-desk.db"

    @property
    def settings(self) -> Path:
        return self.root / "settings.json"

    @property
    def audio(self) -> Path:
        return self.root / "audio"


def default_data_dir() -> Path:
    """``$PODCAST_DESK_HOME`` if set, else the platform's per-user data folder."""
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def load_settings(path: Path) -> tuple[Settings, Message | None]:
    """Read settings; a missing file gives defaults, a broken one gives defaults and a warning.

    Returns (settings, warning) where warning is a Message for the user or None.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings(), None
    except OSError as exc:
        return Settings(), msg("settings.unreadable", reason=str(exc))
    try:
        raw = json.loads(text)
        if not isinstance(raw, dict):
            raise ValueError("not a JSON object")
    except ValueError as exc:
        return Settings(), msg("settings.damaged", path=str(path), reason=str(exc))
    return Settings.from_dict(raw), None


def save_settings(path: Path, settings: Settings) -> None:
    """Write settings atomically (temp file + fsync + rename), readable by the user only."""
    atomic_write(path, json.dumps(settings.to_dict(), indent=2, ensure_ascii=False) + "\n")
