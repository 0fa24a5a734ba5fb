"""The main window on a real core: adding sources, steering tasks, live progress."""

from __future__ import annotations

import shutil
import sys
import threading
import types
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication
from PySide6.QtWidgets import QWidget

from podcast_desk.app import PODCAST, Core
from podcast_desk.gui.task_model import Column, TaskFilter
from podcast_desk.store.models import Episode
from podcast_desk.tasks.queue import Status
from tests.conftest import CORPUS
from tests.gui.conftest import WindowFactory, gated_handler

JFK = CORPUS / "jfk.flac"


def tasks(core: Core) -> list[Any]:
    return core.queue.list_tasks()


def status(core: Core, task_id: str) -> Status:
    info = core.queue.get_task(task_id)
    assert info is not None
    return info.status


def shown(window: Any, task_id: str) -> bool:
    return window.model.task(task_id) is not None


def drop(window: Any, mime: QMimeData) -> None:
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)


def test_a_typed_link_is_queued_like_the_cli_does(
        qtbot: Any, make_window: WindowFactory, core: Core) -> None:
    window = make_window()
    qtbot.keyClicks(window.source_edit, "  HTTPS://Example.com:443/ep 1.mp3".replace(" 1", "1"))
    with qtbot.waitSignal(window.task_added, timeout=5000) as added:
        qtbot.keyClick(window.source_edit, Qt.Key.Key_Return)
    task_id = added.args[0]
    info = core.queue.get_task(task_id)
    assert info is not None and info.type == PODCAST
    assert info.data == {"source": "https://example.com/ep1.mp3", "kind": "url",
                         "url": "https://example.com/ep1.mp3"}
    assert window.source_edit.text() == ""
    qtbot.waitUntil(lambda: shown(window, task_id), timeout=5000)
    row = window.model.row_of(task_id)
    assert window.model.index(row, Column.TITLE).data() == "https://example.com/ep1.mp3"
    assert window.model.index(row, Column.STATUS).data() == "Queued"


def test_a_pasted_link_is_queued(qtbot: Any, make_window: WindowFactory, core: Core) -> None:
    window = make_window()
    QGuiApplication.clipboard().setText("feed://example.org/show.rss\n")
    with qtbot.waitSignal(window.task_added, timeout=5000) as added:
        qtbot.mouseClick(window.paste_button, Qt.MouseButton.LeftButton)
    info = core.queue.get_task(added.args[0])
    assert info is not None and info.data["source"] == "https://example.org/show.rss"
    # the shortcut does the same
    QGuiApplication.clipboard().setText("https://example.org/two.mp3")
    with qtbot.waitSignal(window.task_added, timeout=5000):
        window.act_paste.trigger()
    assert len(tasks(core)) == 2


def test_dropped_files_and_links_are_queued(
        qtbot: Any, make_window: WindowFactory, core: Core, tmp_path: Path) -> None:
    window = make_window()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(JFK)), QUrl("https://example.com/dropped.mp3")])
    with qtbot.waitSignal(window.task_added, timeout=5000):
        drop(window, mime)
    qtbot.waitUntil(lambda: len(tasks(core)) == 2, timeout=5000)
    datas = sorted((t.data for t in tasks(core)), key=lambda d: d["kind"])
    assert datas == [{"source": str(JFK), "kind": "local_file"},
                     {"source": "https://example.com/dropped.mp3", "kind": "url",
                      "url": "https://example.com/dropped.mp3"}]
    text = QMimeData()
    text.setText("https://example.com/as-text.mp3")
    with qtbot.waitSignal(window.task_added, timeout=5000):
        drop(window, text)


def test_a_bad_link_says_why_and_queues_nothing(
        qtbot: Any, make_window: WindowFactory, core: Core) -> None:
    window = make_window()
    window.source_edit.setText("ftp://example.com/episode.mp3")
    with qtbot.assertNotEmitted(window.task_added, wait=300), \
            qtbot.waitSignal(window.source_rejected, timeout=2000) as rejected:
        qtbot.mouseClick(window.add_button, Qt.MouseButton.LeftButton)
    assert "not supported" in rejected.args[0]
    assert window.source_error.isVisible()
    assert window.source_error.text() == rejected.args[0]
    assert window.source_edit.text() == "ftp://example.com/episode.mp3"  # kept to fix it
    window.source_edit.setText("")
    qtbot.mouseClick(window.add_button, Qt.MouseButton.LeftButton)
    assert "empty" in window.source_error.text()
    # one bad source in a drop of several: nothing is queued
    mime = QMimeData()
    mime.setText("https://example.com/good.mp3\n/no/such/file.mp3")
    drop(window, mime)
    qtbot.wait(200)
    assert tasks(core) == []
    qtbot.keyClicks(window.source_edit, "x")
    assert not window.source_error.isVisible()


def test_a_task_added_outside_appears_without_restart(
        qtbot: Any, make_window: WindowFactory, core: Core) -> None:
    window = make_window()
    assert window.model.rowCount() == 0
    task_id = core.queue.add_task(PODCAST, {"source": "https://example.com/cli.mp3",
                                            "kind": "url"})
    qtbot.waitUntil(lambda: shown(window, task_id), timeout=5000)
    qtbot.waitUntil(lambda: window.filter_buttons[TaskFilter.ACTIVE].text() == "Active (1)",
                    timeout=5000)
    assert window.status_label.text().startswith("1 queued")


def test_progress_reaches_the_table_through_the_bridge(
        qtbot: Any, make_window: WindowFactory, core: Core) -> None:
    gate = threading.Event()
    core.extra_handlers[PODCAST] = gated_handler(gate)
    task_id = core.queue.add_task(PODCAST, {"source": "https://example.com/a.mp3",
                                            "kind": "url"})
    window = make_window(processing=True)
    progressed: list[Any] = []
    window.bridge.task_progressed.connect(progressed.append)
    try:
        qtbot.waitUntil(lambda: window.model.task(task_id) is not None
                        and window.model.task(task_id).detail.startswith("Transcribing 0:40"),
                        timeout=10000)
        row = window.model.row_of(task_id)
        model = window.model
        assert model.index(row, Column.STATUS).data() == "Running"
        assert model.index(row, Column.TITLE).data() == "A fake episode"
        assert model.index(row, Column.PROGRESS).data() == "Transcribing 0:40 / 1:40"
        assert model.index(row, Column.ETA).data() == "1 min"
        assert progressed and all(p.task_id == task_id for p in progressed)
        window.table.viewport().grab()  # the progress delegate paints the bar
    finally:
        gate.set()
    qtbot.waitUntil(lambda: window.model.task(task_id).status == "COMPLETED", timeout=10000)
    assert status(core, task_id) is Status.COMPLETED


def test_cancel_retry_move_to_top_and_remove_act_on_the_queue(
        qtbot: Any, make_window: WindowFactory, core: Core) -> None:
    ids = [core.queue.add_task(PODCAST, {"source": f"https://example.com/{n}.mp3",
                                         "kind": "url"}) for n in range(3)]
    window = make_window()
    qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=5000)

    assert window.select_task(ids[0])
    assert window.act_cancel.isEnabled() and not window.act_retry.isEnabled()
    window.act_cancel.trigger()
    qtbot.waitUntil(lambda: status(core, ids[0]) is Status.CANCELLED, timeout=5000)
    qtbot.waitUntil(lambda: window.model.task(ids[0]).status == "CANCELLED", timeout=5000)
    qtbot.waitUntil(window.act_retry.isEnabled, timeout=5000)

    window.act_retry.trigger()
    qtbot.waitUntil(lambda: status(core, ids[0]) is Status.PENDING, timeout=5000)

    assert window.select_task(ids[1])
    window.act_move_top.trigger()
    qtbot.waitUntil(lambda: core.queue.get_task(ids[1]).priority == 1, timeout=5000)
    claim = core.queue.claim_next("test")
    assert claim is not None and claim.task_id == ids[1]
    core.queue.release(claim)

    assert window.select_task(ids[2])
    window.act_remove.trigger()
    qtbot.waitUntil(lambda: core.queue.get_task(ids[2]) is None, timeout=5000)
    qtbot.waitUntil(lambda: not shown(window, ids[2]), timeout=5000)


def test_remove_deletes_downloaded_audio_but_never_the_users_files(
        qtbot: Any, make_window: WindowFactory, core: Core, tmp_path: Path) -> None:
    own = tmp_path / "mine.flac"
    shutil.copy(JFK, own)
    downloaded_task = core.queue.add_task(PODCAST, {"source": "https://e.com/x.mp3",
                                                    "kind": "url"})
    own_task = core.queue.add_task(PODCAST, {"source": str(own), "kind": "local_file"})
    core.paths.audio.mkdir(parents=True)
    now = 1_800_000_000.0
    downloaded = Episode.create(task=downloaded_task, created_at=now, updated_at=now)
    audio = core.paths.audio / f"episode-{downloaded.id:06d}.m4a"
    audio.write_bytes(b"\0" * 2048)
    partial = core.paths.audio / f"episode-{downloaded.id:06d}.webm.part"
    partial.write_bytes(b"\0" * 10)
    downloaded.audio_path = str(audio)
    downloaded.save()
    Episode.create(task=own_task, audio_path=str(own), created_at=now, updated_at=now)

    window = make_window()
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=5000)
    questions: list[str] = []
    window.ask = lambda _title, text: questions.append(text) or True

    window.select_task(downloaded_task)
    window.act_remove.trigger()
    qtbot.waitUntil(lambda: core.queue.get_task(downloaded_task) is None, timeout=5000)
    assert "The downloaded audio (2 KB) will be deleted." in questions[0]
    assert not audio.exists() and not partial.exists()

    window.select_task(own_task)
    window.act_remove.trigger()
    qtbot.waitUntil(lambda: core.queue.get_task(own_task) is None, timeout=5000)
    assert "No downloaded audio will be deleted." in questions[1]
    assert "Your own audio files are never deleted." in questions[1]
    assert own.exists()


def test_remove_deletes_the_episode_and_its_transcript(
        qtbot: Any, make_window: WindowFactory, core: Core) -> None:
    from podcast_desk.library.search import search
    from podcast_desk.store.models import Segment

    task_id = core.queue.add_task(PODCAST, {"source": "https://e.com/x.mp3", "kind": "url"})
    claim = core.queue.claim_next("test")
    assert claim is not None
    now = 1_800_000_000.0
    episode = Episode.create(task=task_id, title="Tides", created_at=now, updated_at=now)
    Segment.create(episode=episode.id, start=0.0, end=4.0, text="Spring tides are strong.")
    core.queue.complete(claim, {"episodeId": episode.id})
    assert search("tides")
    window = make_window()
    qtbot.waitUntil(lambda: shown(window, task_id), timeout=5000)
    questions: list[str] = []
    window.ask = lambda _title, text: questions.append(text) or True
    window.select_task(task_id)
    window.act_remove.trigger()
    qtbot.waitUntil(lambda: core.queue.get_task(task_id) is None, timeout=5000)
    assert "No downloaded audio will be deleted." in questions[0]
    assert Episode.get_or_none(Episode.id == episode.id) is None
    assert Segment.select().where(Segment.episode == episode.id).count() == 0
    assert search("tides") == []
    qtbot.waitUntil(lambda: not shown(window, task_id), timeout=5000)


def test_remove_asks_first_and_no_keeps_the_task(
        qtbot: Any, make_window: WindowFactory, core: Core) -> None:
    task_id = core.queue.add_task(PODCAST, {"source": "https://e.com/x.mp3", "kind": "url"})
    window = make_window()
    qtbot.waitUntil(lambda: shown(window, task_id), timeout=5000)
    asked: list[str] = []
    window.ask = lambda _title, text: asked.append(text) and False
    window.select_task(task_id)
    window.act_remove.trigger()
    qtbot.waitUntil(lambda: bool(asked), timeout=5000)
    qtbot.wait(100)
    assert core.queue.get_task(task_id) is not None


def test_show_file_opens_the_folder(
        qtbot: Any, make_window: WindowFactory, core: Core) -> None:
    task_id = core.queue.add_task(PODCAST, {"source": str(JFK), "kind": "local_file"})
    window = make_window()
    qtbot.waitUntil(lambda: shown(window, task_id), timeout=5000)
    opened: list[QUrl] = []
    window.open_url = opened.append
    window.select_task(task_id)
    window.act_show_file.trigger()
    qtbot.waitUntil(lambda: bool(opened), timeout=5000)
    assert opened[0].toLocalFile() == str(JFK.parent)


def test_open_shows_the_episode_view(
        qtbot: Any, make_window: WindowFactory, core: Core,
        monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[tuple[Any, int]] = []

    class FakeEpisodeView(QWidget):
        def __init__(self, core: Core, episode_id: int, parent: QWidget | None = None) -> None:
            super().__init__(parent)
            opened.append((core, episode_id))

    module = types.ModuleType("podcast_desk.gui.episode_view")
    module.EpisodeView = FakeEpisodeView  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "podcast_desk.gui.episode_view", module)
    task_id = core.queue.add_task(PODCAST, {"source": "https://e.com/x.mp3", "kind": "url"})
    claim = core.queue.claim_next("test")
    assert claim is not None
    core.queue.complete(claim, {"episodeId": 42})
    window = make_window()
    qtbot.waitUntil(lambda: shown(window, task_id), timeout=5000)
    window.select_task(task_id)
    assert window.act_open.isEnabled()
    window.act_open.trigger()
    assert opened == [(core, 42)]
    view = window._episode_views[42]
    assert view.isWindow() and view.isVisible()
    window.act_open.trigger()  # already open: raised, not opened twice
    assert len(opened) == 1
    view.close()


def test_open_without_an_episode_view_says_so(
        qtbot: Any, make_window: WindowFactory, core: Core,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "podcast_desk.gui.episode_view", None)  # import fails
    core.queue.add_task(PODCAST, {"source": "https://e.com/x.mp3", "kind": "url"})
    claim = core.queue.claim_next("test")
    assert claim is not None
    core.queue.complete(claim, {"episodeId": 1})
    window = make_window()
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=5000)
    told: list[str] = []
    window.inform = lambda _title, text: told.append(text)
    window.select_task(claim.task_id)
    window.act_open.trigger()
    assert told and "not part of this version" in told[0]


def test_pause_releases_the_running_task_and_resume_continues_it(
        qtbot: Any, make_window: WindowFactory, core: Core) -> None:
    gate = threading.Event()
    core.extra_handlers[PODCAST] = gated_handler(gate)
    task_id = core.queue.add_task(PODCAST, {"source": "https://e.com/x.mp3", "kind": "url"})
    window = make_window(processing=True)
    # the handler waits at 40 % (its progress is in the database once it is shown)
    qtbot.waitUntil(lambda: window.model.task(task_id) is not None
                    and window.model.task(task_id).detail.startswith("Transcribing 0:40"),
                    timeout=10000)
    assert window.act_pause.text() == "Pause processing"
    window.act_pause.trigger()
    qtbot.waitUntil(lambda: status(core, task_id) is Status.PENDING, timeout=10000)
    assert window.act_pause.text() == "Resume processing"
    info = core.queue.get_task(task_id)
    assert info is not None and info.progress > 0 and info.attempts == 0  # resumable
    qtbot.waitUntil(lambda: window.model.index(window.model.row_of(task_id),
                                               Column.STATUS).data() == "Paused", timeout=5000)
    gate.set()
    window.act_pause.trigger()
    qtbot.waitUntil(lambda: status(core, task_id) is Status.COMPLETED, timeout=10000)


def test_first_run_notice_explains_offline_use_and_can_be_dismissed(
        qtbot: Any, make_window: WindowFactory, core: Core) -> None:
    assert not core.paths.settings.exists()
    window = make_window()
    assert window.notice.isVisible()
    text = window.notice_label.text()
    assert "offline" in text and "bundled English" in text and "ollama pull llama3.2" in text
    qtbot.mouseClick(window.notice_close, Qt.MouseButton.LeftButton)
    assert not window.notice.isVisible()
    again = make_window()
    assert not again.notice.isVisible()


def test_no_first_run_notice_once_settings_exist(
        make_window: WindowFactory, core: Core) -> None:
    from podcast_desk.config import save_settings

    save_settings(core.paths.settings, core.settings)
    window = make_window()
    assert not window.notice.isVisible()


@pytest.mark.slow
def test_a_real_local_file_is_processed_by_the_in_app_worker(
        qtbot: Any, make_window: WindowFactory, core: Core) -> None:
    window = make_window(processing=True)
    stages: set[str] = set()
    window.bridge.task_progressed.connect(lambda p: stages.add(p.stage))
    with qtbot.waitSignal(window.task_added, timeout=5000) as added:
        window.add_sources([str(JFK)])
    task_id = added.args[0]
    qtbot.waitUntil(lambda: shown(window, task_id)
                    and window.model.task(task_id).status == "COMPLETED", timeout=180_000)
    qtbot.waitUntil(lambda: window.model.task(task_id).episode_id is not None, timeout=5000)
    row = window.model.row_of(task_id)
    assert window.model.index(row, Column.STATUS).data() == "Done"
    assert window.model.index(row, Column.TITLE).data() == "jfk"
    assert {"transcribe", "summarize"} <= stages
    episode = Episode.get_by_id(window.model.task(task_id).episode_id)
    assert episode.transcript_done and episode.summary
    assert "country" in Episode.get_by_id(episode.id).summary.lower()  # "ask not what…"
    assert JFK.exists()
