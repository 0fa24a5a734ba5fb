"""The tray: status tooltip, close-to-tray with the worker still running, notifications."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from podcast_desk.app import PODCAST, Core
from podcast_desk.gui.tray import Tray
from podcast_desk.messages import plain
from podcast_desk.tasks.queue import Status
from tests.gui.conftest import WindowFactory, gated_handler


def status(core: Core, task_id: str) -> Status:
    info = core.queue.get_task(task_id)
    assert info is not None
    return info.status


def test_tooltip_tells_what_is_running_and_queued(qapp: Any) -> None:
    tray = Tray(QIcon(), [])
    assert tray.status_text() == "Nothing to do"
    tray.set_counts({"RUNNING": 2, "PENDING": 3, "COMPLETED": 9})
    assert tray.status_text() == "2 running · 3 queued"
    assert tray.icon.toolTip() == "Podcast Desk\n2 running · 3 queued"
    tray.set_paused(True)
    assert tray.icon.toolTip().endswith("3 queued · paused")


def test_the_tray_menu_holds_the_windows_actions(make_window: WindowFactory) -> None:
    window = make_window(tray=True, processing=True)
    assert window.tray is not None and window.tray.visible
    texts = [a.text() for a in window.tray.menu.actions() if not a.isSeparator()]
    assert texts == ["Show window", "Pause processing", "Add from clipboard", "Quit"]
    window.tray.menu.actions()[2].trigger()  # pause, from the tray
    assert not window.processing.running
    assert window.tray.icon.toolTip().endswith("paused")


def test_closing_hides_to_the_tray_and_work_continues(
        qtbot: Any, make_window: WindowFactory, core: Core) -> None:
    gate = threading.Event()
    core.extra_handlers[PODCAST] = gated_handler(gate)
    task_id = core.queue.add_task(PODCAST, {"source": "https://e.com/x.mp3", "kind": "url"})
    window = make_window(tray=True, processing=True)
    notices: list[tuple[str, str]] = []
    window.tray.notify = lambda title, text, **_: notices.append((title, text))
    qtbot.waitUntil(lambda: status(core, task_id) is Status.RUNNING, timeout=10000)

    window.close()
    assert not window.isVisible()
    assert window.processing.running and window.processing.active_task_ids() == [task_id]
    assert notices[0][0] == "Podcast Desk is still running"
    assert window.state.get("trayNoticeShown") is True
    gate.set()
    qtbot.waitUntil(lambda: status(core, task_id) is Status.COMPLETED, timeout=10000)
    qtbot.waitUntil(lambda: ("Episode ready", "A fake episode") in notices, timeout=5000)

    window.tray.on_icon_activated(window.tray.icon.ActivationReason.Trigger)
    assert window.isVisible()
    window.close()
    assert len([n for n in notices if n[0] == "Podcast Desk is still running"]) == 1  # once


def test_a_failed_episode_is_notified(qtbot: Any, make_window: WindowFactory,
                                      core: Core) -> None:
    from podcast_desk.tasks.errors import PermanentError

    def failing(_ctx: Any) -> dict[str, Any]:
        raise PermanentError(plain("That file holds no audio."), hint=plain("Pick an audio file."))

    core.extra_handlers[PODCAST] = failing
    window = make_window(tray=True, processing=True)
    notices: list[tuple[str, str]] = []
    window.tray.notify = lambda title, text, **_: notices.append((title, text))
    core.queue.add_task(PODCAST, {"source": "https://e.com/x.mp3", "kind": "url"})
    qtbot.waitUntil(lambda: bool(notices), timeout=10000)
    assert notices[0][0] == "Episode failed"
    assert "That file holds no audio. Pick an audio file." in notices[0][1]


@pytest.mark.parametrize("answer", [False, True])
def test_without_a_tray_closing_asks_while_tasks_run(
        qtbot: Any, make_window: WindowFactory, core: Core,
        monkeypatch: pytest.MonkeyPatch, answer: bool) -> None:
    gate = threading.Event()
    core.extra_handlers[PODCAST] = gated_handler(gate)
    task_id = core.queue.add_task(PODCAST, {"source": "https://e.com/x.mp3", "kind": "url"})
    window = make_window(tray=False, processing=True)
    quits: list[int] = []
    monkeypatch.setattr(QApplication, "quit", lambda: quits.append(1))
    asked: list[str] = []
    window.ask = lambda _title, text: asked.append(text) or answer
    qtbot.waitUntil(lambda: status(core, task_id) is Status.RUNNING, timeout=10000)
    window.close()
    assert "1 task(s) are being processed" in asked[0]
    if answer:
        assert quits == [1]
        # quitting stopped the worker and left the task resumable
        assert status(core, task_id) is Status.PENDING
        assert not window.processing.running
    else:
        assert quits == [] and window.isVisible() and window.processing.running
        gate.set()


def test_without_a_tray_closing_an_idle_window_quits_without_asking(
        make_window: WindowFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window(tray=False, processing=True)
    quits: list[int] = []
    monkeypatch.setattr(QApplication, "quit", lambda: quits.append(1))
    window.ask = lambda *_: pytest.fail("asked although nothing runs")
    window.close()
    assert quits == [1]
