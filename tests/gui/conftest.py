"""Fixtures for window tests: a real core on a temporary data folder, windows offscreen."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from podcast_desk.app import Core, open_core
from podcast_desk.messages import msg
from podcast_desk.tasks.runner import TaskContext

WindowFactory = Callable[..., Any]
GUI_TESTS = Path(__file__).parent

# Messages of Qt's offscreen platform itself (it has no size hints and no tray) and of
# QtMultimedia on a machine without sound devices or VA-API: not ours.
OFFSCREEN_NOISE = (
    "This plugin does not support propagateSizeHints",
    "No such signal QPlatformNativeInterface::systemTrayWindowChanged",
    "This plugin does not support raise()",
    r"Couldn't (load|resolve) .*(va|pipewire)",
    r"PulseAudioService",
    r"No audio device detected",
    r"Immediate exit requested",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if GUI_TESTS in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE))


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def core(tmp_path: Path) -> Iterator[Core]:
    """A real core (SQLite file, settings) in ``tmp_path/data``; no Ollama, offline summaries."""
    c = open_core(tmp_path / "data")
    c.update_settings(summary_engine="offline", save=False)
    c.update_settings(ollama_host=f"http://127.0.0.1:{closed_port()}", save=False)
    yield c
    c.close()


@pytest.fixture
def make_window(qtbot: Any, qapp: Any, core: Core) -> Iterator[WindowFactory]:
    """``make_window(tray=False, processing=False)`` → a started MainWindow, loaded.

    Every window is shut down (worker stopped, reads finished) before qtbot closes it.
    """
    from podcast_desk.gui.i18n import Translations
    from podcast_desk.gui.main_window import MainWindow, create_services
    from podcast_desk.gui.resources import translations_dir

    made: list[tuple[Any, Translations]] = []

    def make(*, tray: bool = False, processing: bool = False, poll_interval: float = 0.05,
             refresh_ms: int = 100, show: bool = True) -> Any:
        translations = Translations(qapp, translations_dir())
        translations.apply(core.settings.ui_language)
        services = create_services(core, translations=translations, tray_available=tray,
                                   poll_interval=poll_interval)
        window = MainWindow(core, services)
        window.ask = lambda *_: True  # no modal dialogs in tests
        window.inform = lambda *_: None
        window.sync.timer.setInterval(refresh_ms)
        qtbot.addWidget(window)
        made.append((window, translations))
        window.start(processing=processing)
        if show:
            window.show()
        qtbot.waitUntil(lambda: window.sync.is_loaded, timeout=5000)
        return window

    yield make
    for window, translations in made:
        assert window.shutdown(), "the in-app worker did not stop in time"
        window._quitting = True  # qtbot's close must not quit the test's application
        translations.apply("en")


def gated_handler(gate: threading.Event, *, title: str = "A fake episode",
                  stop_at: int = 40) -> Callable[[TaskContext], dict[str, Any]]:
    """A cheap podcast handler: reports transcribe progress, waits at ``stop_at`` % for
    ``gate``, then completes. It checks for cancel/pause while it waits."""

    def handler(ctx: TaskContext) -> dict[str, Any]:
        ctx.set_title(title)
        for i in range(0, 101, 5):
            ctx.check()

            def report(i: int = i) -> None:
                ctx.report("transcribe", 20 + i * 0.72,
                           msg("progress.transcribing", done=float(i), total=100.0),
                           stage_done=i, stage_total=100, eta=float(100 - i))

            report()
            if i == stop_at:
                while not gate.wait(0.02):
                    ctx.check()
                    report()  # repeated, so it passes the reporters' throttles
        return {"episodeId": None, "title": title}

    return handler
