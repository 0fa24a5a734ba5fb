"""The episode view: header, summary with clickable times, transcript search and seeking, log."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication, QTextCursor
from PySide6.QtWidgets import QTextBrowser

from podcast_desk.app import Core
from podcast_desk.gui.episode_view import (
    AudioState,
    EpisodeView,
    ExportTarget,
    LogModel,
    duration_label,
    engine_label,
)
from podcast_desk.gui.transcript_model import TranscriptModel
from podcast_desk.library.episodes import episode_json
from podcast_desk.store.models import Episode, Segment, TaskEvent

JFK = Path(__file__).resolve().parents[1] / "fixtures" / "corpus" / "jfk.flac"
WAIT = 10_000

# QtMultimedia's ffmpeg backend complains about missing VA-API/PulseAudio/sound devices on a
# headless machine, and the offscreen platform about size hints; none of that is ours. (A
# function mark: pytest-qt reads only the closest qt_log_ignore mark, and conftest adds one
# per item, which would hide a module-level pytestmark.)
quiet = pytest.mark.qt_log_ignore(
    r"Couldn't (load|resolve) .*(va|pipewire)",
    r"PulseAudioService",
    r"No audio device detected",
    r"Immediate exit requested",  # a view closed while its media was still opening
    r"This plugin does not support propagateSizeHints",
)

SUMMARY: dict[str, Any] = {
    "engine": "ollama:llama3.2",
    "language": "en",
    "tldr": "President Kennedy asks Americans to serve their country.",
    "keyPoints": [
        {"text": "Citizens should not ask what the country can do for them.", "start": 0.0},
        {"text": "They should ask what they can do for the country.", "start": 7.059},
    ],
    "chapters": [
        {"start": 0.0, "end": 7.059, "title": "Ask not", "summary": "The famous first half."},
        {"start": 7.059, "end": 10.9, "title": "Serve", "summary": "The call to service."},
    ],
    "keywords": ["country", "fellow Americans"],
    "quotes": [{"text": "Ask what you can do for your country.", "start": 7.059}],
}

SEGMENTS = [
    {"start": 0.0, "end": 7.059,
     "text": "And so my fellow Americans ask not what your country can do for you."},
    {"start": 7.059, "end": 10.9, "text": "Ask what you can do for your country."},
]  # fmt: skip


def make_episode(
    core: Core,
    *,
    segments: Sequence[dict[str, Any]] = SEGMENTS,
    summary: dict[str, Any] | None = SUMMARY,
    audio_path: str = str(JFK),
    title: str = "Inaugural address",
    events: Sequence[tuple[str, str, str]] = (),
) -> int:
    """An episode row with its transcript, as the pipeline leaves it; returns its id."""
    task_id = core.queue.add_task("podcast", {"source": str(JFK), "kind": "local_file"})
    now = time.time()
    for level, stage, message in events:
        TaskEvent.create(task=task_id, time=now, level=level, stage=stage, message=message)
    episode = Episode.create(
        task=task_id, title=title, show="Speeches of the 1960s", source_url=str(JFK),
        published=-283996800.0, duration=11.0, audio_path=audio_path, language="en",
        model="bundled", transcribed_until=11.0, transcript_done=True,
        summary=json.dumps(summary) if summary else None,
        summary_engine=summary["engine"] if summary else "", created_at=now, updated_at=now,
    )  # fmt: skip
    Segment.insert_many(
        [{"episode": episode.id, **segment} for segment in segments]
    ).execute()
    return int(episode.id)


def open_view(qtbot: Any, core: Core, episode_id: int, *, show: bool = True) -> EpisodeView:
    view = EpisodeView(core, episode_id)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.episode_loaded, timeout=WAIT):
        pass
    if show:
        view.show()
        qtbot.waitExposed(view, timeout=WAIT)
    return view


def wait_for_audio(qtbot: Any, view: EpisodeView) -> None:
    qtbot.waitUntil(lambda: view.player.duration() == 11000, timeout=WAIT)


def anchor_point(browser: QTextBrowser, href: str) -> QPoint:
    """Where on the browser's viewport the link to ``href`` is drawn."""
    document = browser.document()
    cursor = QTextCursor(document)
    for position in range(1, document.characterCount()):
        cursor.setPosition(position)
        if cursor.charFormat().anchorHref() == href:
            cursor.setPosition(position + 1)
            browser.setTextCursor(cursor)
            browser.ensureCursorVisible()
            point = browser.cursorRect(cursor).center()
            assert browser.anchorAt(point) == href
            return point
    raise AssertionError(f"no link to {href}")


# -- header and summary ------------------------------------------------------------------------


def test_engine_and_duration_labels_read_well() -> None:
    assert engine_label("extractive") == "Offline summary"
    assert engine_label("ollama:llama3.2") == "Ollama · llama3.2"
    assert engine_label("") == "No summary yet"
    assert duration_label(42) == "42 s"
    assert duration_label(12 * 60 + 10) == "12 min"
    assert duration_label(3600 + 5 * 60) == "1 h 05 min"


@quiet
def test_view_shows_header_summary_key_points_chapters_keywords(qtbot: Any, core: Core) -> None:
    view = open_view(qtbot, core, make_episode(core), show=False)
    assert view.title_label.text() == "Inaugural address"
    assert view.windowTitle() == "Inaugural address"
    meta = view.meta_label.text()
    assert "Speeches of the 1960s" in meta
    assert "Ollama · llama3.2" in meta
    assert "1961" in meta  # the published date
    assert "11 s" in meta
    text = view.summary_browser.toPlainText()
    for expected in (
        SUMMARY["tldr"],
        *(p["text"] for p in SUMMARY["keyPoints"]),
        "Ask not", "Serve", "The call to service.",
        "country · fellow Americans",
        "0:07",
    ):  # fmt: skip
        assert expected in text
    html = view.summary_browser.toHtml()
    assert 'href="seek:7.059"' in html
    assert 'href="seek:0"' in html


@quiet
def test_offline_summary_engine_is_named_for_people(qtbot: Any, core: Core) -> None:
    summary = dict(SUMMARY, engine="extractive")
    view = open_view(qtbot, core, make_episode(core, summary=summary), show=False)
    assert "Offline summary" in view.meta_label.text()


@quiet
def test_episode_without_summary_says_so(qtbot: Any, core: Core) -> None:
    view = open_view(qtbot, core, make_episode(core, summary=None), show=False)
    assert "no summary yet" in view.summary_browser.toPlainText()
    assert view.transcript_model.rowCount() == 2


@quiet
def test_unknown_episode_reports_failure(qtbot: Any, core: Core) -> None:
    view = EpisodeView(core, 999)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.episode_load_failed, timeout=WAIT) as blocker:
        pass
    assert "no longer in the library" in blocker.args[0]
    assert view.message_label.text() == blocker.args[0]


# -- models ------------------------------------------------------------------------------------


@quiet
def test_transcript_model_passes_modeltester(qtmodeltester: Any) -> None:
    model = TranscriptModel()
    model.set_segments(SEGMENTS)
    qtmodeltester.check(model)
    model.set_query("country")
    model.set_current_row(1)
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    assert model.row_at(0.0) == 0
    assert model.row_at(7.0) == 0
    assert model.row_at(7.059) == 1
    assert model.row_at(99) == 1
    assert model.row_at(-1) == -1


@quiet
def test_log_model_passes_modeltester(qtmodeltester: Any, core: Core) -> None:
    task_id = core.queue.add_task("podcast", {"source": str(JFK)})
    model = LogModel()
    model.set_events(core.queue.events(task_id))
    qtmodeltester.check(model)


# -- transcript: search ------------------------------------------------------------------------


@quiet
def test_search_highlights_every_hit_and_navigates(qtbot: Any, core: Core) -> None:
    segments = [*SEGMENTS, {"start": 11.0, "end": 14.0, "text": "Country first; COUNTRY always."}]
    view = open_view(qtbot, core, make_episode(core, segments=segments))
    model = view.transcript_model
    view.tabs.setCurrentIndex(1)
    qtbot.keyClicks(view.search_edit, "country")
    qtbot.waitUntil(lambda: view.hit_counter() == "1 of 4", timeout=WAIT)

    spans = [model.index(row, 0).data(TranscriptModel.SpansRole) for row in range(3)]
    assert spans[0] == [(45, 7, True)]  # the current hit
    assert spans[1] == [(29, 7, False)]
    assert spans[2] == [(0, 7, False), (15, 7, False)]  # case-insensitive, both marked

    view.next_button.click()
    assert view.hit_counter() == "2 of 4"
    assert model.index(1, 0).data(TranscriptModel.SpansRole) == [(29, 7, True)]
    qtbot.keyClick(view.search_edit, Qt.Key.Key_Return)  # Enter: next
    assert view.hit_counter() == "3 of 4"
    view.previous_button.click()
    view.previous_button.click()
    assert view.hit_counter() == "1 of 4"
    view.previous_button.click()  # wraps to the last
    assert view.hit_counter() == "4 of 4"
    assert model.index(2, 0).data(TranscriptModel.SpansRole) == [(0, 7, False), (15, 7, True)]

    view.search_edit.setText("no such words")
    qtbot.waitUntil(lambda: view.hit_counter() == "No matches", timeout=WAIT)
    assert not view.next_button.isEnabled()
    assert all(not model.index(r, 0).data(TranscriptModel.SpansRole) for r in range(3))
    view.search_edit.clear()
    qtbot.waitUntil(lambda: view.hit_counter() == "", timeout=WAIT)


@quiet
def test_search_reveals_a_hit_far_down(qtbot: Any, core: Core) -> None:
    segments = [{"start": 5.0 * k, "end": 5.0 * k + 5, "text": f"Line number {k} of many."}
                for k in range(600)]
    segments[555]["text"] = "The needle is here."
    view = open_view(qtbot, core, make_episode(core, segments=segments, audio_path=""))
    view.tabs.setCurrentIndex(1)
    view.search_edit.setText("needle")
    view.apply_search()
    assert view.hit_counter() == "1 of 1"
    transcript = view.transcript_view
    qtbot.waitUntil(lambda: transcript.viewport().rect().intersects(
        transcript.visualRect(view.transcript_model.index(555, 0))), timeout=WAIT)


# -- seeking -----------------------------------------------------------------------------------


@quiet
def test_clicking_a_summary_timestamp_seeks_the_player(qtbot: Any, core: Core) -> None:
    view = open_view(qtbot, core, make_episode(core))
    wait_for_audio(qtbot, view)
    point = anchor_point(view.summary_browser, "seek:7.059")
    with qtbot.waitSignal(view.player.media_player.positionChanged, timeout=WAIT,
                          check_params_cb=lambda ms: ms >= 7000):
        qtbot.mouseClick(view.summary_browser.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert 7000 <= view.player.position() < 10000
    assert view.transcript_model.current_row == 1


@quiet
def test_clicking_a_transcript_line_plays_from_there(qtbot: Any, core: Core) -> None:
    view = open_view(qtbot, core, make_episode(core))
    wait_for_audio(qtbot, view)
    view.tabs.setCurrentIndex(1)
    transcript = view.transcript_view
    qtbot.waitUntil(lambda: transcript.visualRect(view.transcript_model.index(1, 0)).height() > 0,
                    timeout=WAIT)
    point = transcript.visualRect(view.transcript_model.index(1, 0)).center()
    with qtbot.waitSignal(view.player.position_changed, timeout=WAIT,
                          check_params_cb=lambda ms: ms >= 7000):
        qtbot.mouseClick(transcript.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert view.transcript_model.current_row == 1
    assert view.transcript_model.index(1, 0).data(TranscriptModel.IsCurrentRole)
    qtbot.waitUntil(view.player.is_playing, timeout=WAIT)
    view.player.pause()


@quiet
def test_current_line_follows_playback(qtbot: Any, core: Core) -> None:
    view = open_view(qtbot, core, make_episode(core))
    wait_for_audio(qtbot, view)
    model = view.transcript_model
    with qtbot.waitSignal(model.current_row_changed, timeout=WAIT) as blocker:
        view.seek_to(8.0, play=False)
    assert blocker.args == [1]
    with qtbot.waitSignal(model.current_row_changed, timeout=WAIT) as blocker:
        view.seek_to(1.0, play=False)
    assert blocker.args == [0]
    # and while it plays: from 6.5 s the position passes 7.059 s, the second line's start
    view.seek_to(6.5, play=False)
    with qtbot.waitSignal(model.current_row_changed, timeout=WAIT) as blocker:
        view.player.play()
    assert blocker.args == [1]
    view.player.pause()


@quiet
def test_current_line_scrolls_into_view(qtbot: Any, core: Core) -> None:
    segments = [{"start": 5.0 * k, "end": 5.0 * k + 5, "text": f"Line number {k}."}
                for k in range(400)]
    view = open_view(qtbot, core, make_episode(core, segments=segments))
    view.tabs.setCurrentIndex(1)
    transcript = view.transcript_view
    view.player.set_source(None, "no audio in this test")  # positions come from seek_to alone
    view.seek_to(5.0 * 350 + 1)
    assert view.transcript_model.current_row == 350
    qtbot.waitUntil(lambda: transcript.viewport().rect().contains(
        transcript.visualRect(view.transcript_model.index(350, 0))), timeout=WAIT)
    view.follow_check.setChecked(False)  # now the user scrolls alone
    view.seek_to(2.0)
    assert view.transcript_model.current_row == 0
    assert transcript.viewport().rect().contains(
        transcript.visualRect(view.transcript_model.index(350, 0)))


@quiet
def test_audio_not_kept_disables_playback_but_timestamps_still_work(
    qtbot: Any, core: Core
) -> None:
    gone = core.paths.audio / "deleted.m4a"
    view = open_view(qtbot, core, make_episode(core, audio_path=str(gone)))
    assert view.data is not None and view.data.audio is AudioState.NOT_KEPT
    assert not view.player.is_playable()
    assert not view.player.play_button.isEnabled()
    assert "not kept" in view.player.note()
    assert view.player.media_player is None
    point = anchor_point(view.summary_browser, "seek:7.059")
    qtbot.mouseClick(view.summary_browser.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert view.transcript_model.current_row == 1


@quiet
def test_moved_local_file_is_reported(qtbot: Any, core: Core, tmp_path: Path) -> None:
    moved = tmp_path / "elsewhere" / "talk.mp3"
    view = open_view(qtbot, core, make_episode(core, audio_path=str(moved)), show=False)
    assert view.data is not None and view.data.audio is AudioState.MISSING
    assert str(moved) in view.player.note()


# -- log, copy, export ---------------------------------------------------------------------


@quiet
def test_log_tab_lists_the_task_events(qtbot: Any, core: Core) -> None:
    events = [("info", "transcribe", "Transcribing with the bundled model from 0:00."),
              ("warning", "summarize", "Ollama is not running; used the offline summary.")]
    view = open_view(qtbot, core, make_episode(core, events=events), show=False)
    model = view.log_model
    messages = [model.index(r, 3).data() for r in range(model.rowCount())]
    assert messages[0] == "Queued."
    assert messages[1:] == [m for _, _, m in events]
    assert model.index(2, 1).data() == "Warning"
    assert model.index(2, 2).data() == "Summarize"
    assert model.index(2, 1).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert model.headerData(3, Qt.Orientation.Horizontal) == "Message"


@quiet
def test_copy_summary_and_transcript(qtbot: Any, core: Core) -> None:
    view = open_view(qtbot, core, make_episode(core), show=False)
    view.copy_summary_action.trigger()
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith("Inaugural address\n")
    assert SUMMARY["tldr"] in copied
    assert "- [0:07] They should ask what they can do for the country." in copied
    assert "[0:07] Serve: The call to service." in copied
    assert "Keywords: country, fellow Americans" in copied
    view.copy_transcript_action.trigger()
    assert QGuiApplication.clipboard().text() == (
        "[0:00] And so my fellow Americans ask not what your country can do for you.\n"
        "[0:07] Ask what you can do for your country."
    )


@quiet
def test_export_json_writes_the_episode(
    qtbot: Any, core: Core, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    episode_id = make_episode(core, title="Ask not — 不要问")
    view = open_view(qtbot, core, episode_id, show=False)
    target = tmp_path / "out" / "episode.json"
    target.parent.mkdir()
    asked: list[str] = []
    monkeypatch.setattr(view, "ask_export_path",
                        lambda fmt: asked.append(fmt) or ExportTarget(str(target)))
    with qtbot.waitSignal(view.exported, timeout=WAIT) as blocker:
        view.export_actions["json"].trigger()
    assert asked == ["json"]
    assert blocker.args == [str(target)]
    expected = json.dumps(episode_json(Episode.get_by_id(episode_id)), ensure_ascii=False,
                          indent=2)
    assert target.read_text(encoding="utf-8") == expected + "\n"
    assert "不要问" in target.read_text(encoding="utf-8")
    assert [p.name for p in target.parent.iterdir()] == ["episode.json"]  # no temp file left


@quiet
def test_export_menu_writes_every_format(
    qtbot: Any, core: Core, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import srt
    import webvtt

    episode_id = make_episode(core)
    view = open_view(qtbot, core, episode_id, show=False)
    menu = [act.data() for act in view.export_button.menu().actions()]
    assert menu == ["md", "txt", "srt", "vtt", "json"]
    assert view.export_actions["md"].text().startswith("Markdown")
    written: dict[str, Path] = {}
    for fmt in ("md", "txt", "srt", "vtt"):
        target = tmp_path / f"episode.{fmt}"
        monkeypatch.setattr(view, "ask_export_path", lambda _f, t=target: ExportTarget(str(t)))
        with qtbot.waitSignal(view.exported, timeout=WAIT):
            view.export_actions[fmt].trigger()
        written[fmt] = target
    markdown = written["md"].read_text(encoding="utf-8")
    assert markdown.startswith("# Inaugural address")
    assert SUMMARY["tldr"] in markdown and "Ask what you can do for your country." in markdown
    text = written["txt"].read_text(encoding="utf-8")
    assert "my fellow Americans" in text and "<" not in text
    cues = list(srt.parse(written["srt"].read_text(encoding="utf-8")))
    assert " ".join(c.content.replace("\n", " ") for c in cues) == " ".join(
        s["text"] for s in SEGMENTS)
    assert cues[0].start.total_seconds() == 0.0
    captions = webvtt.read(str(written["vtt"]))
    assert " ".join(c.text.replace("\n", " ") for c in captions) == " ".join(
        s["text"] for s in SEGMENTS)
    assert captions[-1].end == "00:00:10.900"


@quiet
def test_export_dialog_suggests_the_library_file_name(
    qtbot: Any, core: Core, tmp_path: Path
) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QFileDialog

    view = open_view(qtbot, core, make_episode(core, title="Ask not: part 1/2"), show=False)
    view._export_dir = str(tmp_path)
    seen: list[Any] = []

    def answer(accept: bool) -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QFileDialog)
        seen.append((dialog.selectedFiles(), dialog.nameFilters(), dialog.defaultSuffix()))
        dialog.accept() if accept else dialog.reject()

    QTimer.singleShot(0, lambda: answer(False))
    assert view.ask_export_path("srt") is None
    QTimer.singleShot(0, lambda: answer(True))
    target = view.ask_export_path("vtt")
    assert target == ExportTarget(str(tmp_path / "Ask not part 1 2.vtt"), replace=False)
    assert seen[0] == ([str(tmp_path / "Ask not part 1 2.srt")],
                       ["SubRip subtitles (*.srt)"], "srt")


@quiet
def test_export_never_replaces_a_file_without_asking(
    qtbot: Any, core: Core, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = open_view(qtbot, core, make_episode(core), show=False)
    target = tmp_path / "notes.md"
    target.write_text("my own notes\n", encoding="utf-8")
    monkeypatch.setattr(view, "ask_export_path", lambda _fmt: ExportTarget(str(target)))
    asked: list[str] = []
    monkeypatch.setattr(view, "confirm_replace", lambda path: asked.append(path) or False)
    with qtbot.waitSignal(view.export_declined, timeout=WAIT) as declined, \
            qtbot.assertNotEmitted(view.exported, wait=100):
        view.export_actions["md"].trigger()
    assert declined.args == [str(target)] and asked == [str(target)]
    assert target.read_text(encoding="utf-8") == "my own notes\n"
    assert "already exists" in view.status_label.text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "notes.md"]  # no temp left
    # saying yes replaces it
    monkeypatch.setattr(view, "confirm_replace", lambda path: asked.append(path) or True)
    with qtbot.waitSignal(view.exported, timeout=WAIT):
        view.export_actions["md"].trigger()
    assert len(asked) == 2
    assert target.read_text(encoding="utf-8").startswith("# Inaugural address")
    # a file the save dialog already asked about is replaced without asking again
    target.write_text("again\n", encoding="utf-8")
    monkeypatch.setattr(view, "ask_export_path",
                        lambda _fmt: ExportTarget(str(target), replace=True))
    with qtbot.waitSignal(view.exported, timeout=WAIT):
        view.export_actions["md"].trigger()
    assert len(asked) == 2
    assert target.read_text(encoding="utf-8").startswith("# Inaugural address")


@quiet
def test_export_cancelled_writes_nothing(
    qtbot: Any, core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = open_view(qtbot, core, make_episode(core), show=False)
    monkeypatch.setattr(view, "ask_export_path", lambda _fmt: None)
    with qtbot.assertNotEmitted(view.exported, wait=100):
        view.export_actions["json"].trigger()


@quiet
def test_export_failure_is_reported(
    qtbot: Any, core: Core, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = open_view(qtbot, core, make_episode(core), show=False)
    blocker_file = tmp_path / "a-file"
    blocker_file.write_text("not a folder")
    monkeypatch.setattr(view, "ask_export_path",
                        lambda _fmt: ExportTarget(str(blocker_file / "x.json")))
    with qtbot.waitSignal(view.export_failed, timeout=WAIT) as blocker:
        view.export_actions["json"].trigger()
    assert "Could not export" in blocker.args[0]


@quiet
def test_show_moment_opens_the_transcript_there(qtbot: Any, core: Core) -> None:
    episode_id = make_episode(core, audio_path="")
    view = EpisodeView(core, episode_id)
    qtbot.addWidget(view)
    view.show_moment(8.0)  # before the episode has loaded: applied once it has
    with qtbot.waitSignal(view.episode_loaded, timeout=WAIT):
        pass
    assert view.tabs.currentIndex() == 1
    assert view.transcript_model.current_row == 1
    assert view.player.position() == 8000
    assert not view.player.is_playing()


# -- with the real pipeline ----------------------------------------------------------------


@quiet
def test_real_processed_episode(qtbot: Any, core: Core) -> None:
    core.update_settings(summary_engine="offline", save=False)
    task_id = core.queue.add_task("podcast", {"source": str(JFK), "kind": "local_file"})
    core.runner(poll_interval=0.05).run(until_idle=True)
    episode = Episode.get(Episode.task == task_id)
    view = open_view(qtbot, core, int(episode.id))
    assert view.title_label.text() == "jfk"
    assert "Offline summary" in view.meta_label.text()
    assert "country" in view.summary_browser.toPlainText().lower()
    assert view.transcript_model.rowCount() >= 1
    assert any("Completed" in view.log_model.index(r, 3).data()
               for r in range(view.log_model.rowCount()))
    wait_for_audio(qtbot, view)
    view.search_edit.setText("country")
    view.apply_search()
    assert view.hit_counter().startswith("1 of ")
