"""The composition root: settings swapped whole, sources added the same way for every face."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from podcast_desk.app import open_core
from podcast_desk.config import Settings
from podcast_desk.pipeline.sources import InvalidSource


def test_update_settings_saves_and_swaps_an_immutable_snapshot(tmp_path: Path) -> None:
    core = open_core(tmp_path / "data")
    before = core.settings
    after = core.update_settings(beam_size=2, max_attempts=7, bogus=1, concurrency="two")
    assert core.settings is after and before.beam_size == 5 and after.beam_size == 2
    assert after.concurrency == 1  # a wrongly typed value is ignored
    assert core.queue.max_attempts == 7
    saved = json.loads((tmp_path / "data" / "settings.json").read_text())
    assert saved["beam_size"] == 2 and "bogus" not in saved
    with pytest.raises(AttributeError):
        after.beam_size = 3  # type: ignore[misc]
    core.update_settings(model="small", save=False)
    assert json.loads((tmp_path / "data" / "settings.json").read_text())["model"] != "small"
    core.close()


def test_a_handler_sees_the_settings_of_its_own_task(tmp_path: Path) -> None:
    core = open_core(tmp_path / "data")
    seen: list[Settings] = []
    handler = core.handlers()["podcast"]
    getter = handler.settings  # type: ignore[attr-defined]
    seen.append(getter())
    core.update_settings(network_timeout=3.0, save=False)
    seen.append(getter())
    assert [s.network_timeout for s in seen] == [30.0, 3.0]
    core.close()


def test_add_sources_checks_all_first_and_queues_all_or_none(tmp_path: Path) -> None:
    core = open_core(tmp_path / "data")
    audio = tmp_path / "talk.mp3"
    audio.write_bytes(b"ID3")
    with pytest.raises(InvalidSource):
        core.add_sources(["https://example.com/ep.mp3", "ftp://nope/x"])
    assert core.queue.list_tasks() == []
    added = core.add_sources(["https://example.com/ep.mp3", str(audio)], priority=3,
                             language="zh")
    tasks = [core.queue.get_task(i) for i in added.task_ids]
    assert [t.data for t in tasks if t] == [
        {"source": "https://example.com/ep.mp3", "kind": "url",
         "url": "https://example.com/ep.mp3", "language": "zh"},
        {"source": str(audio), "kind": "local_file", "language": "zh"},
    ]
    assert all(t is not None and t.priority == 3 for t in tasks)
    core.close()


def test_settings_swaps_are_whole_for_readers_on_other_threads(tmp_path: Path) -> None:
    core = open_core(tmp_path / "data")
    stop = threading.Event()
    torn: list[Settings] = []

    def read() -> None:
        while not stop.is_set():
            s = core.settings
            if (s.beam_size == 1) != (s.batch_size == 4):
                torn.append(s)

    reader = threading.Thread(target=read)
    reader.start()
    for i in range(200):
        core.update_settings(beam_size=1 if i % 2 else 5, batch_size=4 if i % 2 else 8,
                             save=False)
    stop.set()
    reader.join(10)
    assert torn == []
    core.close()
