"""The player bar: real audio through QtMultimedia (offscreen), seeking, speed, no-audio mode."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtMultimedia import QMediaPlayer

from podcast_desk.gui.player import SPEEDS, PlayerBar

JFK = Path(__file__).resolve().parents[1] / "fixtures" / "corpus" / "jfk.flac"
WAIT = 10_000

# See test_episode_view.py: headless QtMultimedia noise, as a function mark on purpose.
quiet = pytest.mark.qt_log_ignore(
    r"Couldn't (load|resolve) .*(va|pipewire)",
    r"PulseAudioService",
    r"No audio device detected",
    r"Immediate exit requested",
    r"This plugin does not support propagateSizeHints",
)


def make_bar(qtbot: Any, path: Path | None = JFK) -> PlayerBar:
    bar = PlayerBar()
    qtbot.addWidget(bar)
    if path is not None:
        bar.set_source(str(path))
        qtbot.waitUntil(lambda: bar.duration() == 11000, timeout=WAIT)
    return bar


@quiet
def test_loads_real_audio_and_shows_its_length(qtbot: Any) -> None:
    bar = make_bar(qtbot)
    assert bar.is_playable()
    assert bar.play_button.isEnabled() and bar.slider.isEnabled()
    assert bar.slider.maximum() == 11000
    assert bar.time_label.text() == "0:00 / 0:11"
    assert bar.note() == ""


@quiet
def test_seek_moves_the_media_player(qtbot: Any) -> None:
    bar = make_bar(qtbot)
    assert bar.media_player is not None
    with qtbot.waitSignal(bar.media_player.positionChanged, timeout=WAIT,
                          check_params_cb=lambda ms: ms == 5000):
        bar.seek_to(5.0)
    assert bar.position() == 5000
    assert bar.slider.value() == 5000
    assert bar.time_label.text() == "0:05 / 0:11"
    with qtbot.waitSignal(bar.position_changed, timeout=WAIT,
                          check_params_cb=lambda ms: ms == 11000):
        bar.seek_to(99.0)  # clamped to the end


@quiet
def test_slider_release_seeks(qtbot: Any) -> None:
    bar = make_bar(qtbot)
    with qtbot.waitSignal(bar.position_changed, timeout=WAIT,
                          check_params_cb=lambda ms: ms == 3000):
        bar.slider.setValue(3000)  # what a release or a key press does (tracking is off)


@quiet
def test_play_pause_and_speed(qtbot: Any) -> None:
    bar = make_bar(qtbot)
    with qtbot.waitSignal(bar.playback_toggled, timeout=WAIT) as started:
        bar.play_button.click()
    assert started.args == [True]
    assert bar.play_button.toolTip() == "Pause"
    with qtbot.waitSignal(bar.position_changed, timeout=WAIT,
                          check_params_cb=lambda ms: ms > 0):
        pass  # the position moves while playing
    bar.set_speed(1.5)
    assert bar.media_player is not None
    assert bar.media_player.playbackRate() == 1.5
    assert bar.speed_combo.currentText() == "1.5×"
    with qtbot.waitSignal(bar.playback_toggled, timeout=WAIT) as stopped:
        bar.play_button.click()
    assert stopped.args == [False]
    assert bar.media_player.playbackState() != QMediaPlayer.PlaybackState.PlayingState
    assert [bar.speed_combo.itemData(i) for i in range(bar.speed_combo.count())] == list(SPEEDS)
    with pytest.raises(ValueError):
        bar.set_speed(3.0)


@quiet
def test_seek_before_the_media_loaded_applies_once_it_has(qtbot: Any) -> None:
    bar = PlayerBar()
    qtbot.addWidget(bar)
    bar.set_source(str(JFK))
    bar.seek_to(4.0)  # right away: the media is still loading
    assert bar.position() == 4000
    assert bar.media_player is not None
    qtbot.waitUntil(lambda: bar.media_player is not None
                    and bar.media_player.position() == 4000, timeout=WAIT)


@quiet
def test_without_audio_controls_are_disabled_and_seeks_only_report(qtbot: Any) -> None:
    bar = make_bar(qtbot, None)
    bar.set_source(None, "The audio was not kept.")
    assert not bar.is_playable()
    assert not bar.play_button.isEnabled()
    assert not bar.speed_combo.isEnabled()
    assert bar.note() == "The audio was not kept."
    assert bar.media_player is None  # no multimedia stack for nothing
    with qtbot.waitSignal(bar.position_changed, timeout=WAIT) as moved:
        bar.seek_to(7.5, play=True)
    assert moved.args == [7500]
    bar.play()  # harmless
    assert not bar.is_playing()


@pytest.mark.qt_log_ignore(
    r"Couldn't (load|resolve) .*(va|pipewire)",
    r"PulseAudioService",
    r"Could not open media",  # what this test is about
)
def test_a_file_that_is_not_audio_disables_playback(qtbot: Any, tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp3"
    junk.write_bytes(b"this is not audio at all" * 100)
    bar = make_bar(qtbot, None)
    bar.set_source(str(junk))
    qtbot.waitUntil(lambda: not bar.is_playable(), timeout=WAIT)
    assert not bar.play_button.isEnabled()
    assert bar.note().startswith("This audio cannot be played")
