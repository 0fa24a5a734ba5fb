"""The episode view: header, Summary / Transcript / Log tabs, the player, copy and export."""

from __future__ import annotations

import enum
import html
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QDateTime,
    QEvent,
    QFileInfo,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QSize,
    Qt,
    QTimer,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QColor,
    QGuiApplication,
    QKeySequence,
    QPainter,
    QPalette,
    QShortcut,
    QTextCharFormat,
    QTextLayout,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from podcast_desk.app import Core
from podcast_desk.gui.player import PlayerBar
from podcast_desk.gui.transcript_model import Hit, TranscriptModel
from podcast_desk.gui.worker import BackgroundCalls
from podcast_desk.tasks.queue import EventInfo
from podcast_desk.text import clock

Index = QModelIndex | QPersistentModelIndex

SEEK_SCHEME = "seek"
SEARCH_DELAY_MS = 150


def if_alive(widget: QObject, fn: Callable[[Any], None]) -> Callable[[Any], None]:
    """``fn``, but doing nothing once ``widget`` has been deleted (a background call can
    report after its window closed)."""
    import shiboken6

    def call(value: Any) -> None:
        if shiboken6.isValid(widget):
            fn(value)

    return call


# -- loading ---------------------------------------------------------------------------------


class AudioState(enum.Enum):
    """Whether the episode's audio can be played, and if not, why."""

    PLAYABLE = "playable"
    NOT_KEPT = "not_kept"  # downloaded audio deleted after processing (Settings: keep audio)
    MISSING = "missing"  # the file is no longer where it was (a moved local file)
    NONE = "none"  # no audio file was ever recorded


@dataclass(frozen=True)
class EpisodeData:
    """Everything the view shows, read on a worker thread.

    ``episode`` is ``episode_json`` without segments; ``segments`` the transcript.
    """

    episode: dict[str, Any]
    segments: list[dict[str, Any]] = field(default_factory=list)
    events: list[EventInfo] = field(default_factory=list)
    audio: AudioState = AudioState.NONE


def load_episode_data(core: Core, episode_id: int) -> EpisodeData:
    """Read one episode, its transcript and its task's log (runs on a worker thread).

    Raises ``LookupError`` when there is no such episode.
    """
    from podcast_desk.library.episodes import episode_json, segments_of
    from podcast_desk.store.models import Episode

    episode = Episode.get_or_none(Episode.id == episode_id)
    if episode is None:
        raise LookupError(episode_id)
    body = episode_json(episode, with_segments=False)
    segments = segments_of(episode)
    task_id = body.get("taskId")
    events = core.queue.events(task_id) if task_id else []
    return EpisodeData(body, segments, events, audio_state(body.get("audioPath"), core))


def audio_state(path: str | None, core: Core) -> AudioState:
    """Where the audio stands; touches the file system, so call it off the GUI thread."""
    if not path:
        return AudioState.NONE
    file = Path(path)
    if file.is_file():
        return AudioState.PLAYABLE
    try:
        inside = file.resolve().parent == core.paths.audio.resolve()
    except OSError:
        inside = False
    return AudioState.NOT_KEPT if inside else AudioState.MISSING


EXPORT_FORMATS = ("md", "txt", "srt", "vtt", "json")
"""The Export menu's formats, in menu order (``library.exports`` names)."""


@dataclass(frozen=True)
class ExportTarget:
    """Where to export, and whether replacing an existing file there was already agreed to
    (the save dialog asks before returning an existing file)."""

    path: str
    replace: bool = False


def write_export(episode_id: int, fmt: str, path: str, overwrite: bool) -> str:
    """Export an episode in ``fmt`` to ``path`` atomically (worker thread); returns ``path``.

    Raises ``ExportExists`` when the file exists and ``overwrite`` is false.
    """
    from podcast_desk.library.exports import export_to_file
    from podcast_desk.store.models import Episode

    episode = Episode.get_or_none(Episode.id == episode_id)
    if episode is None:
        raise LookupError(episode_id)
    return str(export_to_file(episode, fmt, path, overwrite=overwrite))


def engine_label(engine: str | None) -> str:
    """A summary engine for people: ``extractive`` → "Offline summary", ``ollama:m`` →
    "Ollama · m"."""
    engine = (engine or "").strip()
    if not engine:
        return QCoreApplication.translate("EpisodeView", "No summary yet")
    if engine == "extractive":
        return QCoreApplication.translate("EpisodeView", "Offline summary")
    if engine.startswith("ollama:"):
        return f"Ollama · {engine.removeprefix('ollama:')}"
    if engine == "ollama":
        return "Ollama"
    return engine


def model_label(model: str | None) -> str:
    """The speech model for people."""
    model = (model or "").strip()
    if model in ("", "bundled"):
        return QCoreApplication.translate("EpisodeView", "Bundled English model (tiny.en)")
    return Path(model).name if os.sep in model else model


def duration_label(seconds: float | None) -> str:
    """ "42 s", "12 min", "1 h 05 min"."""
    if not seconds:
        return ""
    total = round(seconds)
    if total < 60:
        return QCoreApplication.translate("EpisodeView", "{0} s").format(total)
    minutes = round(total / 60)
    if minutes < 60:
        return QCoreApplication.translate("EpisodeView", "{0} min").format(minutes)
    hours, minutes = divmod(minutes, 60)
    return QCoreApplication.translate("EpisodeView", "{0} h {1:02d} min").format(hours, minutes)


# -- the log model ---------------------------------------------------------------------------


class LogModel(QAbstractTableModel):
    """A task's log as a table: time, level, stage, message."""

    COLUMNS = ("time", "level", "stage", "message")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._events: list[EventInfo] = []

    def set_events(self, events: Sequence[EventInfo]) -> None:
        self.beginResetModel()
        self._events = list(events)
        self.endResetModel()

    def event_at(self, row: int) -> EventInfo:
        return self._events[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._events)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._events):
            return None
        event = self._events[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "time":
                return datetime.fromtimestamp(event.time).strftime("%Y-%m-%d %H:%M:%S")
            if column == "level":
                return self._level(event.level)
            if column == "stage":
                return self._stage(event.stage)
            return event.message
        if role == Qt.ItemDataRole.ToolTipRole and column == "message":
            return event.message
        if role == Qt.ItemDataRole.ForegroundRole and event.level in ("error", "warning"):
            return QColor("#c62828") if event.level == "error" else QColor("#b26a00")
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if not 0 <= section < len(self.COLUMNS):
            return None
        return {
            "time": self.tr("Time"),
            "level": self.tr("Level"),
            "stage": self.tr("Stage"),
            "message": self.tr("Message"),
        }[self.COLUMNS[section]]

    def _level(self, level: str) -> str:
        names = {
            "debug": self.tr("Debug"),
            "info": self.tr("Info"),
            "warning": self.tr("Warning"),
            "error": self.tr("Error"),
        }
        return names.get(level, level)

    def _stage(self, stage: str) -> str:
        names = {
            "resolve": self.tr("Resolve"),
            "download": self.tr("Download"),
            "transcribe": self.tr("Transcribe"),
            "summarize": self.tr("Summarize"),
        }
        return names.get(stage, stage)


# -- the transcript delegate -----------------------------------------------------------------


class TranscriptDelegate(QStyledItemDelegate):
    """Paints a transcript line: its time, its wrapped text with search hits marked, and a
    background for the line being played.

    Heights come from ``QFontMetrics.boundingRect`` (cached per row and width), and plain
    lines are drawn with ``drawText`` and the same flags, so a line always fits its row.
    Lines with hits are laid out with QTextLayout the way ``drawText`` wraps (word wrap,
    ``leading`` between lines) to paint the hits' backgrounds.
    """

    PAD = 5
    GAP = 12
    HIT = QColor("#ffe58a")
    CURRENT_HIT = QColor("#ff9f43")
    FLAGS = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap

    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self._view = view
        self._heights: dict[tuple[int, int], int] = {}
        self._time_widths: dict[str, int] = {}
        self._viewport_width = 0

    def clear_cache(self) -> None:
        """Forget measured heights (new rows, another width or font)."""
        self._heights.clear()
        self._time_widths.clear()
        self._viewport_width = self._view.viewport().width()

    def _time_width(self, option: QStyleOptionViewItem) -> int:
        font = option.font.key()
        width = self._time_widths.get(font)
        if width is None:
            width = option.fontMetrics.horizontalAdvance("0:00:00") + self.GAP
            self._time_widths[font] = width
        return width

    def _text_width(self, option: QStyleOptionViewItem) -> int:
        if not self._viewport_width:
            self._viewport_width = self._view.viewport().width()
        return max(80, self._viewport_width - 2 * self.PAD - self._time_width(option))

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        width = self._text_width(option)
        key = (index.row(), width)
        height = self._heights.get(key)
        if height is None:
            model = index.model()
            text = (model.line(index.row()).text if isinstance(model, TranscriptModel)
                    else str(index.data(TranscriptModel.TextRole) or ""))
            metrics = option.fontMetrics
            bound = metrics.boundingRect(QRect(0, 0, width, 1 << 20), int(self.FLAGS), text)
            height = self._heights[key] = max(bound.height(), metrics.height()) + 2 * self.PAD
        return QSize(width, height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        painter.save()
        try:
            rect: QRect = option.rect
            palette: QPalette = option.palette
            if index.data(TranscriptModel.IsCurrentRole):
                colour = QColor(palette.color(QPalette.ColorRole.Highlight))
                colour.setAlpha(55)
                painter.fillRect(rect, colour)
            elif option.state & QStyle.StateFlag.State_MouseOver:
                painter.fillRect(rect, palette.color(QPalette.ColorRole.AlternateBase))
            time_width = self._time_width(option)
            painter.setFont(option.font)
            painter.setPen(palette.color(QPalette.ColorRole.Link))
            painter.drawText(
                QRect(rect.left() + self.PAD, rect.top() + self.PAD, time_width, rect.height()),
                self.FLAGS,
                clock(float(index.data(TranscriptModel.StartRole) or 0)),
            )
            text = str(index.data(TranscriptModel.TextRole) or "")
            width = self._text_width(option)
            left, top = rect.left() + self.PAD + time_width, rect.top() + self.PAD
            painter.setPen(palette.color(QPalette.ColorRole.Text))
            spans = index.data(TranscriptModel.SpansRole) or []
            if spans:
                self._paint_hits(painter, option, text, width, QPointF(left, top), spans)
            else:
                painter.drawText(QRect(left, top, width, rect.height()), self.FLAGS, text)
            if option.state & QStyle.StateFlag.State_HasFocus:
                painter.setPen(palette.color(QPalette.ColorRole.Highlight))
                painter.drawRect(rect.adjusted(0, 0, -1, -1))
        finally:
            painter.restore()

    def _paint_hits(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        text: str,
        width: int,
        origin: QPointF,
        spans: list[tuple[int, int, bool]],
    ) -> None:
        layout = QTextLayout(text, option.font)  # wraps at words by default, as drawText
        leading = option.fontMetrics.leading()
        layout.beginLayout()
        y = float(-leading)
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            y += leading
            line.setLineWidth(width)
            line.setPosition(QPointF(0, y))
            y += line.height()
        layout.endLayout()
        formats = []
        for offset, length, current in spans:
            span = QTextLayout.FormatRange()
            span.start, span.length = offset, length
            fmt = QTextCharFormat()
            fmt.setBackground(self.CURRENT_HIT if current else self.HIT)
            fmt.setForeground(QColor("black"))
            span.format = fmt
            formats.append(span)
        layout.draw(painter, origin, formats)


class TranscriptListView(QListView):
    """A list of wrapped lines; ``reveal`` scrolls to a row as soon as the (delayed) layout
    has placed it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setUniformItemSizes(False)
        self.setResizeMode(QListView.ResizeMode.Fixed)  # re-measured once a resize settles
        # Batched layout would start over on every dataChanged (the current line moving):
        # one pass, with cheap cached heights, is faster overall.
        self.setLayoutMode(QListView.LayoutMode.SinglePass)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)  # no 2nd pass
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setMouseTracking(True)
        self.delegate = TranscriptDelegate(self)
        self.setItemDelegate(self.delegate)
        self._pending: tuple[int, QAbstractItemView.ScrollHint] | None = None
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(15)
        self._retry.timeout.connect(self._try_reveal)
        self._relayout = QTimer(self)
        self._relayout.setSingleShot(True)
        self._relayout.setInterval(120)
        self._relayout.timeout.connect(self.on_relayout_timeout)

    def reveal(self, row: int, hint: QAbstractItemView.ScrollHint) -> None:
        """Scroll ``row`` into view now, or once the batched layout has placed it."""
        self._pending = (row, hint)
        self._try_reveal()

    def is_laid_out(self, row: int) -> bool:
        """Whether the layout has placed ``row`` (it has a size on the viewport)."""
        model = self.model()
        return model is not None and self.visualRect(model.index(row, 0)).isValid()

    def _try_reveal(self) -> None:
        if self._pending is None or not self.isVisible():
            return  # retried by showEvent
        row, hint = self._pending
        model = self.model()
        if model is None or not 0 <= row < model.rowCount():
            self._pending = None
            return
        index = model.index(row, 0)
        if self.visualRect(index).isValid():
            self._pending = None
            self.scrollTo(index, hint)
        else:
            self._retry.start()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._pending is not None:
            self._retry.start()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self.viewport().width() != self.delegate._viewport_width:
            self._relayout.start()  # while a window edge is dragged, measure once at the end

    @Slot()
    def on_relayout_timeout(self) -> None:
        self.delegate.clear_cache()
        self.scheduleDelayedItemsLayout()

    def reset(self) -> None:
        self.delegate.clear_cache()  # the model was reset: other rows
        super().reset()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self.delegate.clear_cache()
        super().changeEvent(event)


# -- the view --------------------------------------------------------------------------------


class EpisodeView(QWidget):
    """One processed episode: what it says (summary), every word (transcript), what happened
    (log), and its audio. Data is read on a worker thread; until it arrives a "Loading…" page
    shows. Can be shown as a top-level window or embedded.

    Signals:
        episode_loaded: the episode's data arrived and is shown.
        episode_load_failed(str): the episode could not be read; the sentence is shown too.
        exported(str): an export was written to this path.
        export_failed(str): an export failed; a sentence for the user.
        export_declined(str): the file at this path exists and was kept (not replaced).
    """

    episode_loaded = Signal()
    episode_load_failed = Signal(str)
    exported = Signal(str)
    export_failed = Signal(str)
    export_declined = Signal(str)

    def __init__(
        self,
        core: Core,
        episode_id: int,
        parent: QWidget | None = None,
        *,
        calls: BackgroundCalls | None = None,
    ) -> None:
        super().__init__(parent)
        self.core = core
        self.episode_id = episode_id
        self.data: EpisodeData | None = None
        self.calls = calls if calls is not None else BackgroundCalls(parent=self)
        self._generation = 0
        self._summary_text = ""
        self._export_dir = ""
        self._pending_moment: float | None = None
        self.setObjectName("episodeView")
        self._build()
        self.retranslate()
        self.resize(920, 700)
        self.reload()

    # -- building ------------------------------------------------------------------------

    def _build(self) -> None:
        self.title_label = QLabel(self)
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.45)
        font.setBold(True)
        self.title_label.setFont(font)
        self.meta_label = QLabel(self)
        self.meta_label.setWordWrap(True)
        self.meta_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.meta_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.status_label = QLabel(self)
        self.status_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        self._status_timer = QTimer(self)
        self._status_timer.setSingleShot(True)
        self._status_timer.setInterval(6000)
        self._status_timer.timeout.connect(self.status_label.clear)

        self.copy_summary_action = QAction(self)
        self.copy_summary_action.triggered.connect(self.on_copy_summary_action_triggered)
        self.copy_transcript_action = QAction(self)
        self.copy_transcript_action.triggered.connect(self.on_copy_transcript_action_triggered)
        self.export_menu = QMenu(self)
        self.export_actions: dict[str, QAction] = {}
        for fmt in EXPORT_FORMATS:
            act = QAction(self)
            act.setData(fmt)
            act.triggered.connect(lambda _=False, f=fmt: self.on_export_requested(f))
            self.export_menu.addAction(act)
            self.export_actions[fmt] = act
        markdown = self.export_actions["md"]
        markdown.setShortcut(QKeySequence.StandardKey.Save)
        markdown.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addAction(markdown)
        self.copy_menu = QMenu(self)
        self.copy_menu.addAction(self.copy_summary_action)
        self.copy_menu.addAction(self.copy_transcript_action)
        self.copy_button = QToolButton(self)
        self.copy_button.setMenu(self.copy_menu)
        self.copy_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.copy_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.export_button = QPushButton(self)
        self.export_button.setMenu(self.export_menu)

        header = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.title_label)
        titles.addWidget(self.meta_label)
        header.addLayout(titles, 1)
        buttons = QVBoxLayout()
        row = QHBoxLayout()
        row.addWidget(self.copy_button)
        row.addWidget(self.export_button)
        buttons.addLayout(row)
        buttons.addWidget(self.status_label)
        buttons.addStretch(1)
        header.addLayout(buttons)

        # Summary tab
        self.summary_browser = QTextBrowser(self)
        self.summary_browser.setOpenLinks(False)
        self.summary_browser.document().setDefaultStyleSheet(
            "a { text-decoration: none; font-weight: 600; }"
            "h3 { margin-top: 14px; margin-bottom: 4px; }"
            "li { margin-bottom: 5px; }"
        )
        self.summary_browser.anchorClicked.connect(self.on_summary_browser_anchor_clicked)

        # Transcript tab
        self.transcript_model = TranscriptModel(self)
        self.transcript_view = TranscriptListView(self)
        self.transcript_view.setModel(self.transcript_model)
        self.transcript_view.clicked.connect(self.on_transcript_view_clicked)
        self.transcript_view.activated.connect(self.on_transcript_view_clicked)
        self.search_edit = QLineEdit(self)
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(self.on_search_edit_text_changed)
        self.search_edit.returnPressed.connect(self.on_search_edit_return_pressed)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_search)
        self.previous_button = QToolButton(self)
        self.previous_button.setArrowType(Qt.ArrowType.UpArrow)
        self.previous_button.clicked.connect(self.on_previous_button_clicked)
        self.next_button = QToolButton(self)
        self.next_button.setArrowType(Qt.ArrowType.DownArrow)
        self.next_button.clicked.connect(self.on_next_button_clicked)
        self.hit_label = QLabel(self)
        self.hit_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("000 of 000") + 8)
        self.follow_check = QCheckBox(self)
        self.follow_check.setChecked(True)
        search_row = QHBoxLayout()
        search_row.addWidget(self.search_edit, 1)
        search_row.addWidget(self.hit_label)
        search_row.addWidget(self.previous_button)
        search_row.addWidget(self.next_button)
        search_row.addSpacing(12)
        search_row.addWidget(self.follow_check)
        transcript_page = QWidget(self)
        transcript_layout = QVBoxLayout(transcript_page)
        transcript_layout.setContentsMargins(4, 6, 4, 4)
        transcript_layout.addLayout(search_row)
        transcript_layout.addWidget(self.transcript_view, 1)
        self.transcript_model.hits_changed.connect(self.on_transcript_model_hits_changed)

        # Log tab
        self.log_model = LogModel(self)
        self.log_view = QTableView(self)
        self.log_view.setModel(self.log_model)
        self.log_view.setWordWrap(True)
        self.log_view.verticalHeader().hide()
        self.log_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.log_view.setAlternatingRowColors(True)
        log_header = self.log_view.horizontalHeader()
        log_header.setStretchLastSection(True)
        log_header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.summary_browser, "")
        self.tabs.addTab(transcript_page, "")
        self.tabs.addTab(self.log_view, "")

        self.player = PlayerBar(self)
        self.player.position_changed.connect(self.on_player_position_changed)

        content = QWidget(self)
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.addLayout(header)
        content_layout.addWidget(self.tabs, 1)
        content_layout.addWidget(self.player)

        self.message_label = QLabel(self)
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message_label.setWordWrap(True)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.message_label)
        self.stack.addWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 6)
        layout.addWidget(self.stack)

        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.on_find_shortcut_activated)
        for keys, slot in (
            (QKeySequence.StandardKey.FindNext, self.on_next_button_clicked),
            (QKeySequence.StandardKey.FindPrevious, self.on_previous_button_clicked),
        ):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        back = QShortcut(QKeySequence("Shift+Return"), self.search_edit)
        back.setContext(Qt.ShortcutContext.WidgetShortcut)
        back.activated.connect(self.on_previous_button_clicked)
        media = QShortcut(QKeySequence(Qt.Key.Key_MediaTogglePlayPause), self)
        media.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        media.activated.connect(self.player.on_play_button_clicked)

    def retranslate(self) -> None:
        """Set the user-visible strings (again, after a language change)."""
        self.copy_button.setText(self.tr("Copy"))
        self.copy_summary_action.setText(self.tr("Summary as text"))
        self.copy_transcript_action.setText(self.tr("Transcript as text"))
        names = self._export_names()
        for fmt, act in self.export_actions.items():
            act.setText(names[fmt][0])
        self.export_button.setText(self.tr("Export"))
        self.export_button.setToolTip(self.tr("Save the episode as a file: Markdown, text, "
                                              "subtitles or JSON"))
        self.search_edit.setPlaceholderText(self.tr("Search the transcript"))
        self.search_edit.setAccessibleName(self.tr("Search the transcript"))
        self.previous_button.setToolTip(self.tr("Previous match"))
        self.previous_button.setAccessibleName(self.tr("Previous match"))
        self.next_button.setToolTip(self.tr("Next match"))
        self.next_button.setAccessibleName(self.tr("Next match"))
        self.follow_check.setText(self.tr("Follow playback"))
        self.follow_check.setToolTip(
            self.tr("Keep the line being played in view while the episode plays")
        )
        self.transcript_view.setToolTip(self.tr("Click a line to play from there"))
        self.tabs.setTabText(0, self.tr("Summary"))
        self.tabs.setTabText(1, self.tr("Transcript"))
        self.tabs.setTabText(2, self.tr("Log"))
        self.player.retranslate()
        if self.data is None:
            self.message_label.setText(self.tr("Loading the episode…"))
            self.setWindowTitle(self.tr("Episode"))
        else:
            self._show(self.data)
        self._show_hits()

    # -- loading -------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the episode again (on a worker thread)."""
        self._generation += 1
        generation = self._generation
        core, episode_id = self.core, self.episode_id
        if self.data is None:
            self.stack.setCurrentIndex(0)
        self.calls.call(
            lambda: off_thread(core, load_episode_data, core, episode_id),
            if_alive(self, lambda data: self._loaded(generation, data)),
            if_alive(self, lambda exc: self._load_failed(generation, exc)),
        )

    def _loaded(self, generation: int, data: EpisodeData) -> None:
        if generation != self._generation:
            return
        first = self.data is None
        self.data = data
        self._show(data)
        self.transcript_model.set_segments(data.segments)
        self.log_model.set_events(data.events)
        self.log_view.resizeColumnsToContents()
        if first:
            self._set_audio(data)
        self.stack.setCurrentIndex(1)
        if self._pending_moment is not None:
            self.show_moment(self._pending_moment)
        self.episode_loaded.emit()

    def _load_failed(self, generation: int, exc: Exception) -> None:
        if generation != self._generation:
            return
        if isinstance(exc, LookupError):
            message = self.tr("This episode is no longer in the library.")
        else:
            message = self.tr("The episode could not be read: {0}").format(exc)
        self.message_label.setText(message)
        self.stack.setCurrentIndex(0)
        self.episode_load_failed.emit(message)

    def _set_audio(self, data: EpisodeData) -> None:
        path = data.episode.get("audioPath") or ""
        if data.audio is AudioState.PLAYABLE:
            self.player.set_source(path)
        elif data.audio is AudioState.NOT_KEPT:
            self.player.set_source(None, self.tr(
                "The audio was not kept (Settings: keep downloaded audio), so it cannot be "
                "played here. Timestamps still find their place in the transcript."))
        elif data.audio is AudioState.MISSING:
            self.player.set_source(None, self.tr(
                "The audio file is no longer at {0}, so it cannot be played here.").format(path))
        else:
            self.player.set_source(None, self.tr("This episode has no audio file to play."))

    def _show(self, data: EpisodeData) -> None:
        episode = data.episode
        title = episode.get("title") or episode.get("sourceUrl") or self.tr("Untitled episode")
        self.title_label.setText(title)
        self.title_label.setToolTip(episode.get("sourceUrl") or "")
        self.setWindowTitle(title)
        parts = []
        if episode.get("show"):
            parts.append(episode["show"])
        if episode.get("published"):
            stamp = QDateTime.fromString(episode["published"], Qt.DateFormat.ISODate)
            parts.append(QLocale().toString(stamp.toLocalTime().date(),
                                            QLocale.FormatType.LongFormat))
        if episode.get("duration"):
            parts.append(duration_label(episode["duration"]))
        parts.append(engine_label(episode.get("summaryEngine")))
        parts.append(model_label(episode.get("model")))
        self.meta_label.setText("  ·  ".join(parts))
        html_text, self._summary_text = self._render_summary(episode)
        self.summary_browser.setHtml(html_text)

    def _render_summary(self, episode: dict[str, Any]) -> tuple[str, str]:
        """The Summary tab as HTML and the same as plain text for the clipboard."""
        summary = episode.get("summary") or {}
        title = episode.get("title") or ""
        parts: list[str] = []
        text: list[str] = [title, ""] if title else []

        def link(seconds: Any) -> str:
            try:
                value = max(0.0, float(seconds))
            except (TypeError, ValueError):
                return ""
            return f'<a href="{SEEK_SCHEME}:{value:g}">{clock(value)}</a>'

        def stamp(seconds: Any) -> str:
            try:
                return f"[{clock(float(seconds))}]"
            except (TypeError, ValueError):
                return ""

        esc = html.escape
        if not summary:
            none_yet = self.tr("This episode has no summary yet.")
            parts.append(f"<p><i>{esc(none_yet)}</i></p>")
        tldr = str(summary.get("tldr") or "").strip()
        if tldr:
            parts.append(f"<h3>{esc(self.tr('TL;DR'))}</h3><p>{esc(tldr)}</p>")
            text += [self.tr("TL;DR"), tldr, ""]
        points = [p for p in summary.get("keyPoints") or [] if isinstance(p, dict)]
        if points:
            heading = self.tr("Key points")
            items = "".join(
                f"<li>{link(p.get('start'))}&nbsp;&nbsp;{esc(str(p.get('text', '')))}</li>"
                for p in points
            )
            parts.append(f"<h3>{esc(heading)}</h3><ul>{items}</ul>")
            text += [heading, *(f"- {stamp(p.get('start'))} {p.get('text', '')}" for p in points)]
            text.append("")
        chapters = [c for c in summary.get("chapters") or [] if isinstance(c, dict)]
        if chapters:
            heading = self.tr("Chapters")
            rows = []
            for c in chapters:
                end = f"–{clock(float(c['end']))}" if isinstance(c.get("end"), int | float) else ""
                about = esc(str(c.get("summary") or ""))
                rows.append(
                    f"<p>{link(c.get('start'))}<span>{end}</span>&nbsp;&nbsp;"
                    f"<b>{esc(str(c.get('title') or ''))}</b>"
                    + (f"<br>{about}" if about else "")
                    + "</p>"
                )
                line = f"{stamp(c.get('start'))} {c.get('title', '')}"
                if c.get("summary"):
                    line += f": {c['summary']}"
                text.append(line)
            parts.append(f"<h3>{esc(heading)}</h3>{''.join(rows)}")
            text.insert(len(text) - len(chapters), heading)
            text.append("")
        keywords = [str(k) for k in summary.get("keywords") or []]
        if keywords:
            heading = self.tr("Keywords")
            parts.append(f"<h3>{esc(heading)}</h3><p>{esc('  ·  '.join(keywords))}</p>")
            text += [f"{heading}: {', '.join(keywords)}", ""]
        quotes = [q for q in summary.get("quotes") or [] if isinstance(q, dict)]
        if quotes:
            heading = self.tr("Quotes")
            items = "".join(
                f"<li>“{esc(str(q.get('text', '')))}”&nbsp;&nbsp;{link(q.get('start'))}</li>"
                for q in quotes
            )
            parts.append(f"<h3>{esc(heading)}</h3><ul>{items}</ul>")
            text += [heading, *(f"- “{q.get('text', '')}” {stamp(q.get('start'))}"
                                for q in quotes), ""]
        published = [c for c in episode.get("chapters") or [] if isinstance(c, dict)]
        if published:
            heading = self.tr("Chapters from the publisher")
            rows = [f"<p>{link(c.get('start'))}&nbsp;&nbsp;{esc(str(c.get('title') or ''))}</p>"
                    for c in published]
            parts.append(f"<h3>{esc(heading)}</h3>{''.join(rows)}")
            text += [heading, *(f"{stamp(c.get('start'))} {c.get('title', '')}"
                                for c in published), ""]
        return "".join(parts), "\n".join(text).strip() + "\n"

    # -- seeking and playback ------------------------------------------------------------

    def seek_to(self, seconds: float, *, play: bool = True) -> None:
        """Jump to ``seconds`` in the episode: the player (when there is audio) and the
        transcript's current line follow."""
        self.player.seek_to(seconds, play=play)

    def show_moment(self, seconds: float) -> None:
        """Show the transcript at ``seconds`` with the player there, paused (a search hit).

        Before the episode has loaded, this happens as soon as it has."""
        if self.data is None:
            self._pending_moment = seconds
            return
        self._pending_moment = None
        self.tabs.setCurrentIndex(1)
        self.seek_to(seconds, play=False)
        row = self.transcript_model.row_at(seconds)
        if row >= 0:
            self.transcript_model.set_current_row(row)
            self.transcript_view.reveal(row, QAbstractItemView.ScrollHint.PositionAtCenter)

    @Slot(QUrl)
    def on_summary_browser_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() != SEEK_SCHEME:
            return
        try:
            seconds = float(url.path())
        except ValueError:
            return
        self.seek_to(seconds)

    @Slot(QModelIndex)
    def on_transcript_view_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.seek_to(float(index.data(TranscriptModel.StartRole)))

    @Slot(int)
    def on_player_position_changed(self, ms: int) -> None:
        row = self.transcript_model.row_at(ms / 1000)
        if row == self.transcript_model.current_row:
            return
        self.transcript_model.set_current_row(row)
        if row >= 0 and self.follow_check.isChecked():
            self.transcript_view.reveal(row, QAbstractItemView.ScrollHint.EnsureVisible)

    # -- search --------------------------------------------------------------------------

    @Slot(str)
    def on_search_edit_text_changed(self, text: str) -> None:
        self._search_timer.start()

    @Slot()
    def on_search_edit_return_pressed(self) -> None:
        if self._search_timer.isActive():
            self.apply_search()
        else:
            self.on_next_button_clicked()

    @Slot()
    def apply_search(self) -> None:
        """Search now for what the search box says (typing waits a moment first)."""
        self._search_timer.stop()
        self.transcript_model.set_query(self.search_edit.text())
        hits = self.transcript_model.hits
        if hits:
            self._reveal(hits[self.transcript_model.current_hit])

    @Slot()
    def on_next_button_clicked(self) -> None:
        if self._search_timer.isActive():
            self.apply_search()
            return
        hit = self.transcript_model.next_hit()
        if hit is not None:
            self._reveal(hit)

    @Slot()
    def on_previous_button_clicked(self) -> None:
        if self._search_timer.isActive():
            self.apply_search()
        hit = self.transcript_model.previous_hit()
        if hit is not None:
            self._reveal(hit)

    @Slot()
    def on_find_shortcut_activated(self) -> None:
        self.tabs.setCurrentIndex(1)
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    @Slot()
    def on_transcript_model_hits_changed(self) -> None:
        self._show_hits()

    def hit_counter(self) -> str:
        """What the hit counter says: "3 of 12", "No matches" or ""."""
        return self.hit_label.text()

    def _show_hits(self) -> None:
        model = self.transcript_model
        count = len(model.hits)
        if not model.query:
            self.hit_label.setText("")
        elif not count:
            self.hit_label.setText(self.tr("No matches"))
        else:
            self.hit_label.setText(self.tr("{0} of {1}").format(model.current_hit + 1, count))
        self.previous_button.setEnabled(count > 0)
        self.next_button.setEnabled(count > 0)

    def _reveal(self, hit: Hit) -> None:
        self.transcript_view.reveal(hit.row, QAbstractItemView.ScrollHint.PositionAtCenter)

    # -- copy and export -----------------------------------------------------------------

    def summary_text(self) -> str:
        """The summary as plain text (what "Copy summary" puts on the clipboard)."""
        return self._summary_text

    @Slot()
    def on_copy_summary_action_triggered(self) -> None:
        QGuiApplication.clipboard().setText(self._summary_text)
        self._flash(self.tr("Summary copied."))

    @Slot()
    def on_copy_transcript_action_triggered(self) -> None:
        QGuiApplication.clipboard().setText(self.transcript_model.as_text())
        self._flash(self.tr("Transcript copied."))

    def _export_names(self) -> dict[str, tuple[str, str]]:
        """Format → (menu entry, file dialog filter)."""
        return {
            "md": (self.tr("Markdown (summary and transcript)…"),
                   self.tr("Markdown files (*.md)")),
            "txt": (self.tr("Plain text…"), self.tr("Text files (*.txt)")),
            "srt": (self.tr("SRT subtitles…"), self.tr("SubRip subtitles (*.srt)")),
            "vtt": (self.tr("WebVTT subtitles…"), self.tr("WebVTT subtitles (*.vtt)")),
            "json": (self.tr("JSON (everything)…"), self.tr("JSON files (*.json)")),
        }

    def ask_export_path(self, fmt: str) -> ExportTarget | None:
        """Ask where to save the export in ``fmt``; None when cancelled.

        The dialog suggests ``exports.default_filename`` and itself asks before it returns
        an existing file, so such a choice comes back with ``replace`` set.
        """
        from podcast_desk.library.exports import SUFFIXES, default_filename

        episode = self.data.episode if self.data else {"title": ""}
        dialog = QFileDialog(self, self.tr("Export the episode"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setDefaultSuffix(SUFFIXES[fmt].lstrip("."))
        dialog.setNameFilter(self._export_names()[fmt][1])
        dialog.setDirectory(self._export_dir or str(Path.home()))
        dialog.selectFile(default_filename(episode, fmt))
        if dialog.exec() != QFileDialog.DialogCode.Accepted:
            return None
        files = dialog.selectedFiles()
        if not files:
            return None
        self._export_dir = str(Path(files[0]).parent)
        # The dialog has just looked at this path on this thread to ask about replacing
        # it; looking again tells whether it asked.
        return ExportTarget(files[0], replace=QFileInfo.exists(files[0]))

    def confirm_replace(self, path: str) -> bool:
        """Ask whether to replace the existing file ``path`` (tests replace this)."""
        answer = QMessageBox.question(
            self, self.tr("Replace the file?"),
            self.tr("“{0}” already exists. Replace it?").format(path),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def on_export_requested(self, fmt: str) -> None:
        if self.data is None:
            return
        target = self.ask_export_path(fmt)
        if target is not None:
            self.export_to(target.path, fmt, overwrite=target.replace)

    def export_to(self, path: str, fmt: str = "json", *, overwrite: bool = False) -> None:
        """Write the episode as ``fmt`` to ``path`` on a worker thread. An existing file is
        replaced only when ``overwrite`` or when ``confirm_replace`` says yes."""
        core, episode_id = self.core, self.episode_id
        self._flash(self.tr("Exporting…"))
        self.calls.call(
            lambda: off_thread(core, write_export, episode_id, fmt, path, overwrite),
            if_alive(self, self._export_done),
            if_alive(self, lambda exc: self._export_error(exc, path, fmt)),
        )

    def _export_done(self, path: str) -> None:
        self._flash(self.tr("Saved {0}").format(Path(path).name))
        self.status_label.setToolTip(path)
        self.exported.emit(path)

    def _export_error(self, exc: Exception, path: str, fmt: str) -> None:
        from podcast_desk.library.exports import ExportExists

        if isinstance(exc, ExportExists):
            if self.confirm_replace(path):
                self.export_to(path, fmt, overwrite=True)
            else:
                self._flash(self.tr("Not saved: {0} already exists.").format(Path(path).name))
                self.export_declined.emit(path)
            return
        message = self.tr("Could not export: {0}").format(exc)
        self._flash(message)
        self.export_failed.emit(message)

    def _flash(self, message: str) -> None:
        self.status_label.setText(message)
        self._status_timer.start()

    # -- Qt events -----------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.player.pause()
        super().closeEvent(event)


def off_thread(core: Core, fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)`` on a worker thread, then close that thread's database connection (each
    thread has its own; a pooled thread may idle for a long time)."""
    from podcast_desk.store.db import close_database

    try:
        return fn(*args)
    finally:
        close_database(core.db)
