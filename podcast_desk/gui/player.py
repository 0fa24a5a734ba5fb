"""The episode's audio player bar: play/pause, seek, position, speed (QtMultimedia)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl, Signal, Slot
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QStyle,
    QToolButton,
    QWidget,
)

from podcast_desk.text import clock

SPEEDS = (0.75, 1.0, 1.25, 1.5, 2.0)


class PlayerBar(QWidget):
    """Plays one audio file; every jump in the episode goes through ``seek_to``.

    The QMediaPlayer is made only when there is a file to play. Without one (the audio was
    not kept, was moved, or cannot be decoded) the controls are disabled, a note says why, and
    ``seek_to`` only reports the new position, so clicking a timestamp still moves the
    transcript's current line and nothing else happens.

    Signals:
        position_changed(int): the playback position moved, in milliseconds.
        playback_toggled(bool): playback started (True) or stopped or paused (False).
    """

    position_changed = Signal(int)
    playback_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.media_player: QMediaPlayer | None = None
        self.audio_output: QAudioOutput | None = None
        self._duration = 0
        self._position = 0
        self._pending_seek: int | None = None
        self._pending_play = False
        self._playable = False

        self.play_button = QToolButton(self)
        self.play_button.setAutoRaise(True)
        self.play_button.clicked.connect(self.on_play_button_clicked)

        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setTracking(False)  # seek on release, not on every pixel of a drag
        self.slider.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.slider.setSingleStep(5000)
        self.slider.setPageStep(30000)
        self.slider.valueChanged.connect(self.on_slider_value_changed)
        self.slider.sliderMoved.connect(self.on_slider_moved)

        self.time_label = QLabel(self)
        self.time_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("0:00:00 / 0:00:00"))

        self.speed_combo = QComboBox(self)
        for speed in SPEEDS:
            self.speed_combo.addItem(f"{speed:g}×", speed)
        self.speed_combo.setCurrentIndex(SPEEDS.index(1.0))
        self.speed_combo.currentIndexChanged.connect(self.on_speed_combo_changed)

        self.note_label = QLabel(self)
        self.note_label.setWordWrap(True)
        self.note_label.hide()

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.play_button)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.time_label)
        layout.addWidget(self.speed_combo)
        layout.addWidget(self.note_label, 1)

        self.retranslate()
        self._set_controls(False)
        self._show_time()

    # -- public API ----------------------------------------------------------------------

    def set_source(self, path: str | None, note: str = "") -> None:
        """Play ``path`` from now on; with None, disable playback and show ``note``."""
        self._pending_seek = None
        self._pending_play = False
        self._position = 0
        if not path:
            if self.media_player is not None:
                self.media_player.stop()
                self.media_player.setSource(QUrl())
            self._playable = False
            self._set_controls(False)
            self._set_note(note or self.tr("No audio to play."))
            self._show_time()
            return
        player = self._ensure_player()
        self._playable = True
        self._set_note("")
        self._set_controls(True)
        player.setSource(QUrl.fromLocalFile(path))

    def is_playable(self) -> bool:
        """Whether there is audio that can be played."""
        return self._playable

    def position(self) -> int:
        """The playback position in milliseconds (the last seek when nothing is playable)."""
        if self._pending_seek is not None:
            return self._pending_seek
        return self._position

    def duration(self) -> int:
        """The audio's length in milliseconds (0 until it is known)."""
        return self._duration

    def note(self) -> str:
        """Why playback is disabled, or ``""``."""
        return self.note_label.text() if not self.note_label.isHidden() else ""

    def seek_to(self, seconds: float, *, play: bool = False) -> None:
        """Jump to ``seconds`` (and start playing when ``play``); harmless without audio."""
        ms = max(0, round(seconds * 1000))
        player = self.media_player
        if not self._playable or player is None:
            self._update_position(ms)
            return
        if self._duration:
            ms = min(ms, self._duration)
        status = player.mediaStatus()
        if status in (QMediaPlayer.MediaStatus.NoMedia, QMediaPlayer.MediaStatus.LoadingMedia):
            self._pending_seek = ms  # applied when the media has loaded
            self._pending_play = self._pending_play or play
            self._update_position(ms)
            return
        player.setPosition(ms)
        if play:
            player.play()

    def play(self) -> None:
        """Start or resume playback (no-op without audio)."""
        if self._playable and self.media_player is not None:
            self.media_player.play()

    def pause(self) -> None:
        """Pause playback."""
        if self.media_player is not None:
            self.media_player.pause()

    def is_playing(self) -> bool:
        player = self.media_player
        return (
            player is not None
            and player.playbackState() == QMediaPlayer.PlaybackState.PlayingState
        )

    def speed(self) -> float:
        return float(self.speed_combo.currentData())

    def set_speed(self, rate: float) -> None:
        """Play at ``rate`` (one of ``SPEEDS``)."""
        index = self.speed_combo.findData(rate)
        if index < 0:
            raise ValueError(f"unsupported speed {rate!r}; expected one of {SPEEDS}")
        self.speed_combo.setCurrentIndex(index)

    def retranslate(self) -> None:
        """Set the user-visible strings (again, after a language change)."""
        self.slider.setToolTip(self.tr("Seek"))
        self.slider.setAccessibleName(self.tr("Position"))
        self.speed_combo.setToolTip(self.tr("Playback speed"))
        self.speed_combo.setAccessibleName(self.tr("Playback speed"))
        self._show_state()

    # -- the media player ----------------------------------------------------------------

    def _ensure_player(self) -> QMediaPlayer:
        if self.media_player is None:
            player = QMediaPlayer(self)
            output = QAudioOutput(self)
            player.setAudioOutput(output)
            player.setPlaybackRate(self.speed())
            player.positionChanged.connect(self.on_player_position_changed)
            player.durationChanged.connect(self.on_player_duration_changed)
            player.playbackStateChanged.connect(self.on_player_playback_state_changed)
            player.mediaStatusChanged.connect(self.on_player_media_status_changed)
            player.errorOccurred.connect(self.on_player_error_occurred)
            self.media_player, self.audio_output = player, output
        return self.media_player

    @Slot(int)
    def on_player_position_changed(self, ms: int) -> None:
        if self._pending_seek is not None:
            return  # the position from before the seek; the seek is about to apply
        self._update_position(ms)

    @Slot(int)
    def on_player_duration_changed(self, ms: int) -> None:
        self._duration = max(0, ms)
        self.slider.blockSignals(True)
        self.slider.setRange(0, self._duration)
        self.slider.blockSignals(False)
        self._show_time()

    @Slot(QMediaPlayer.PlaybackState)
    def on_player_playback_state_changed(self, state: QMediaPlayer.PlaybackState) -> None:
        self._show_state()
        self.playback_toggled.emit(state == QMediaPlayer.PlaybackState.PlayingState)

    @Slot(QMediaPlayer.MediaStatus)
    def on_player_media_status_changed(self, status: QMediaPlayer.MediaStatus) -> None:
        player = self.media_player
        if player is None:
            return
        if status == QMediaPlayer.MediaStatus.LoadedMedia and self._pending_seek is not None:
            ms, play = self._pending_seek, self._pending_play
            self._pending_seek, self._pending_play = None, False
            player.setPosition(min(ms, self._duration) if self._duration else ms)
            if play:
                player.play()
        elif status == QMediaPlayer.MediaStatus.InvalidMedia:
            self._playable = False
            self._set_controls(False)

    @Slot(QMediaPlayer.Error, str)
    def on_player_error_occurred(self, error: QMediaPlayer.Error, message: str) -> None:
        if error == QMediaPlayer.Error.NoError:
            return
        self._playable = False
        self._pending_seek = None
        self._set_controls(False)
        self._set_note(self.tr("This audio cannot be played: {0}").format(message))

    # -- controls ------------------------------------------------------------------------

    @Slot()
    def on_play_button_clicked(self) -> None:
        if self.is_playing():
            self.pause()
        else:
            self.play()

    @Slot(int)
    def on_slider_value_changed(self, value: int) -> None:
        """The user released the slider or stepped it (keys, page clicks): seek there."""
        self.seek_to(value / 1000)

    @Slot(int)
    def on_slider_moved(self, value: int) -> None:
        self._show_time(value)

    @Slot(int)
    def on_speed_combo_changed(self, index: int) -> None:
        if self.media_player is not None:
            self.media_player.setPlaybackRate(float(self.speed_combo.itemData(index)))

    # -- display -------------------------------------------------------------------------

    def _update_position(self, ms: int) -> None:
        changed = ms != self._position
        self._position = ms
        if not self.slider.isSliderDown():
            self.slider.blockSignals(True)
            self.slider.setValue(ms)
            self.slider.blockSignals(False)
            self._show_time()
        if changed:
            self.position_changed.emit(ms)

    def _show_time(self, ms: int | None = None) -> None:
        shown = self.position() if ms is None else ms
        if self._duration:
            self.time_label.setText(f"{clock(shown / 1000)} / {clock(self._duration / 1000)}")
        else:
            self.time_label.setText(clock(shown / 1000))

    def _show_state(self) -> None:
        playing = self.is_playing()
        icon = (
            QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        )
        self.play_button.setIcon(self.style().standardIcon(icon))
        text = self.tr("Pause") if playing else self.tr("Play")
        self.play_button.setToolTip(text)
        self.play_button.setAccessibleName(text)

    def _set_controls(self, enabled: bool) -> None:
        for widget in (self.play_button, self.slider, self.speed_combo):
            widget.setEnabled(enabled)

    def _set_note(self, text: str) -> None:
        self.note_label.setText(text)
        self.note_label.setVisible(bool(text))
        self.slider.setVisible(not text)
