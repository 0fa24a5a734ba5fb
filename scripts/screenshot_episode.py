"""Screenshots of the episode view and the settings dialog, from a really processed episode.

Usage (from the repository root; needs a display, e.g. ``Xvfb :99 &`` and ``DISPLAY=:99``)::

    .venv/bin/python scripts/screenshot_episode.py [--out docs/screenshots] [--data-dir DIR]
        [--language en|zh_CN]

It runs the real pipeline once (bundled tiny.en, offline summary; no network) on
``tests/fixtures/speech/topics.mp3`` as a local file in a fresh data folder (a temporary one
unless ``--data-dir`` is given; an existing episode there is reused), opens the episode view
and the settings dialog as real windows, and saves ``episode_view.png`` and ``settings.png``
(``*_zh_CN.png`` with ``--language zh_CN``); ``--extras DIR`` adds the Transcript tab and the
settings' first tab, for looking at.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

TOPICS = REPO / "tests" / "fixtures" / "speech" / "topics.mp3"


def processed_episode(data_dir: Path) -> int:
    """The id of the processed topics episode in ``data_dir`` (processing it if needed)."""
    from podcast_desk.app import open_core
    from podcast_desk.config import save_settings
    from podcast_desk.store.models import Episode

    core = open_core(data_dir)
    try:
        found = Episode.select().where(Episode.summary.is_null(False)).first()
        if found is not None:
            return int(found.id)
        core.settings.summary_engine = "offline"
        save_settings(core.paths.settings, core.settings)
        task_id = core.queue.add_task("podcast", {"source": str(TOPICS), "kind": "local_file"})
        started = time.monotonic()
        core.runner(poll_interval=0.1).run(until_idle=True)
        task = core.queue.get_task(task_id)
        if task is None or task.status != "COMPLETED":
            raise SystemExit(f"processing failed: {task.error if task else 'no task'}")
        print(f"processed {TOPICS.name} in {time.monotonic() - started:.1f} s")
        episode = Episode.get(Episode.task == task_id)
        return int(episode.id)
    finally:
        core.close()


def wait(app: object, condition: object, timeout: float = 15.0) -> None:
    from PySide6.QtCore import QCoreApplication

    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for the window")
        QCoreApplication.processEvents()
        time.sleep(0.01)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--language", default="en", choices=["en", "zh_CN"])
    parser.add_argument("--extras", type=Path,
                        help="also save the Transcript tab and the settings' first tab here")
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="podcast-desk-shots-"))
    episode_id = processed_episode(data_dir)

    from PySide6.QtWidgets import QApplication

    from podcast_desk.app import open_core
    from podcast_desk.gui.episode_view import EpisodeView
    from podcast_desk.gui.settings_dialog import SettingsDialog

    app = QApplication(sys.argv[:1])
    app.setApplicationName("Podcast Desk")
    if args.language != "en":
        from podcast_desk.gui.i18n import Translations

        Translations(app, REPO / "resources" / "translations").apply(args.language)
    suffix = "" if args.language == "en" else f"_{args.language}"
    args.out.mkdir(parents=True, exist_ok=True)
    core = open_core(data_dir)

    view = EpisodeView(core, episode_id)
    loaded: list[bool] = []
    view.episode_loaded.connect(lambda: loaded.append(True))
    view.resize(1060, 760)
    view.show()
    wait(app, lambda: loaded and view.player.duration() > 0)
    view.seek_to(73.0, play=False)  # inside the second topic: its line is highlighted
    view.search_edit.setText("ocean")
    view.apply_search()
    view.tabs.setCurrentIndex(0)
    wait(app, lambda: view.player.position() >= 73000)
    for _ in range(20):
        app.processEvents()
        time.sleep(0.02)
    path = args.out / f"episode_view{suffix}.png"
    view.grab().save(str(path))
    print(f"saved {path}")
    view.tabs.setCurrentIndex(1)
    view.transcript_view.reveal(view.transcript_model.current_row,
                                view.transcript_view.ScrollHint.PositionAtCenter)
    for _ in range(20):
        app.processEvents()
        time.sleep(0.02)
    if args.extras:
        args.extras.mkdir(parents=True, exist_ok=True)
        path = args.extras / f"episode_transcript{suffix}.png"
        view.grab().save(str(path))
        print(f"saved {path}")
    view.close()

    core.settings.summary_engine = "auto"  # as a new user has it (not saved)
    dialog = SettingsDialog(core)
    checked: list[str] = []
    dialog.ollama_checked.connect(checked.append)
    dialog.tabs.setCurrentIndex(1)
    dialog.show()
    wait(app, lambda: bool(checked))
    for _ in range(20):
        app.processEvents()
        time.sleep(0.02)
    path = args.out / f"settings{suffix}.png"
    dialog.grab().save(str(path))
    print(f"saved {path}")
    if args.extras:
        dialog.tabs.setCurrentIndex(0)
        for _ in range(10):
            app.processEvents()
            time.sleep(0.02)
        path = args.extras / f"settings_transcription{suffix}.png"
        dialog.grab().save(str(path))
        print(f"saved {path}")
    dialog.reject()
    core.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
