"""The main window (add sources, watch and steer tasks) and ``run_gui``, the app's start."""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QItemSelectionModel,
    QMimeData,
    QModelIndex,
    QPoint,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QGuiApplication,
    QIcon,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTableView,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from podcast_desk.app import Scheduler
from podcast_desk.gui.bridge import QtReporter
from podcast_desk.gui.i18n import CHINESE, ENGLISH, NATIVE_NAMES, Translations
from podcast_desk.gui.messages import tr_message, tr_messages
from podcast_desk.gui.resources import app_icon, translations_dir
from podcast_desk.gui.search_panel import SearchPanel
from podcast_desk.gui.single_instance import InstanceServer, send_to_running, server_name
from podcast_desk.gui.subscriptions_pane import SubscriptionsPane
from podcast_desk.gui.task_model import (
    COMPLETED,
    FAILED,
    FINISHED,
    PENDING,
    RUNNING,
    Column,
    ProgressDelegate,
    Role,
    TaskFilter,
    TaskFilterProxy,
    TaskRow,
    TaskSync,
    TaskTableModel,
)
from podcast_desk.gui.tray import Tray
from podcast_desk.gui.widgets import setup_row_table
from podcast_desk.gui.worker import BackgroundCalls, ProcessingController
from podcast_desk.messages import Message
from podcast_desk.tasks.progress import Outcome, Progress
from podcast_desk.text import size as size_text

if TYPE_CHECKING:
    from podcast_desk.app import Core

log = logging.getLogger(__name__)

UI_STATE_FILE = "ui-state.json"
QUIT_TIMEOUT = 20.0  # seconds to wait for a running task to stop at quit
SCHEDULER_QUIT_TIMEOUT = 3.0  # a feed check in flight is abandoned after this at quit


class UiState:
    """Small window facts kept in the data folder (notices seen, window geometry)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            self._data: dict[str, Any] = raw if isinstance(raw, dict) else {}
        except (OSError, ValueError):
            self._data = {}

    def get(self, key: str, default: Any = None) -> Any:
        return self._data.get(key, default)

    def set(self, key: str, value: Any) -> None:
        self._data[key] = value
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".ui-state-", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(self._data, fh, indent=2)
            os.replace(tmp, self.path)
        except OSError as exc:
            log.warning("could not save %s: %s", self.path, exc)


@dataclass
class Services:
    """The window's collaborators that are not views, built by ``create_services``."""

    calls: BackgroundCalls
    processing: ProcessingController
    bridge: QtReporter
    translations: Translations | None
    state: UiState
    tray_available: bool


def create_services(
    core: Core,
    *,
    translations: Translations | None = None,
    tray_available: bool | None = None,
    poll_interval: float = 1.0,
) -> Services:
    bridge = QtReporter()
    return Services(
        calls=BackgroundCalls(),
        processing=ProcessingController(core, bridge.reporter, poll_interval=poll_interval),
        bridge=bridge,
        translations=translations,
        state=UiState(core.paths.root / UI_STATE_FILE),
        tray_available=Tray.available() if tray_available is None else tray_available,
    )


# -- work done on worker threads ----------------------------------------------------------


def _owned_audio(core: Core, task_ids: Iterable[str]) -> dict[str, list[Path]]:
    """Per task, the audio files this app downloaded for it (never the user's own files)."""
    from podcast_desk.store.models import Episode

    audio_dir = core.paths.audio.resolve()
    found: dict[str, list[Path]] = {}
    ids = list(task_ids)
    query = Episode.select(Episode.id, Episode.task, Episode.audio_path).where(
        Episode.task.in_(ids))
    for episode in query:
        paths: set[Path] = set()
        if episode.audio_path:
            path = Path(episode.audio_path).resolve()
            if path.parent == audio_dir and path.is_file():
                paths.add(path)
        if audio_dir.is_dir():
            paths.update(p for p in audio_dir.glob(f"episode-{episode.id:06d}*") if p.is_file())
        if paths:
            found.setdefault(episode.__data__["task"], []).extend(sorted(paths))
    return found


def _file_folder(core: Core, row: TaskRow) -> Path | None:
    """The folder to show for a task: the user's file's, or the downloaded audio's."""
    from podcast_desk.store.models import Episode

    if row.kind == "local_file":
        folder = Path(row.source).parent
        return folder if folder.is_dir() else None
    episode = Episode.select(Episode.audio_path).where(Episode.task == row.id).first()
    if episode is not None and episode.audio_path:
        folder = Path(episode.audio_path).parent
        if folder.is_dir():
            return folder
    return core.paths.audio if core.paths.audio.is_dir() else None


def _move_to_top(core: Core, task_ids: list[str]) -> int:
    from podcast_desk.store.models import Task

    with core.db.atomic("IMMEDIATE"):
        top = Task.select(Task.priority).where(Task.status == PENDING).order_by(
            Task.priority.desc()).limit(1).scalar() or 0
        for task_id in task_ids:
            core.queue.reprioritize(task_id, int(top) + 1)
    return int(top) + 1


def _remove(core: Core, task_ids: list[str], files: dict[str, list[Path]]) -> list[str]:
    from podcast_desk.library.episodes import remove_task_and_episode

    removed = []
    for task_id in task_ids:
        if remove_task_and_episode(core.queue, task_id):
            removed.append(task_id)
            for path in files.get(task_id, []):
                path.unlink(missing_ok=True)
    return removed


def _warm_up(core: Core) -> None:
    """Load the configured speech model and import the offline summarizer's libraries.

    Both hold the GIL for tens of milliseconds at a time while they load; done here, that
    happens while the window is idle instead of while a task reports progress.
    """
    import importlib

    from podcast_desk.pipeline.transcribe import TranscribeOptions, load_model

    s = core.settings
    load_model(TranscribeOptions(model=s.model, compute_type=s.compute_type,
                                 cpu_threads=s.cpu_threads))
    for module in ("pysbd", "yake", "sumy.summarizers.lex_rank", "sumy.nlp.stemmers",
                   "sumy.models.dom"):
        importlib.import_module(module)


def _log_warm_up_failure(exc: Any) -> None:
    # A missing model is reported on the task that needs it, in words; nothing to do here.
    log.info("warming up the speech model failed: %r", exc)


def sources_from_mime(mime: QMimeData | None) -> list[str]:
    """Links or file paths from dropped or copied data (one per URL or text line)."""
    if mime is None:
        return []
    if mime.hasUrls():
        found = [url.toLocalFile() if url.isLocalFile() else url.toString()
                 for url in mime.urls()]
        found = [f for f in found if f]
        if found:
            return found
    if mime.hasText():
        return [line.strip() for line in mime.text().splitlines() if line.strip()]
    return []


# -- the window ---------------------------------------------------------------------------


class MainWindow(QMainWindow):
    """Source box, filters and the task table, with actions in a toolbar and a menu.

    Database reads and queue writes go through ``services.calls`` (worker threads);
    the in-app runner is ``services.processing``, whose progress arrives through
    ``services.bridge``.

    Signals:
        task_added(str): a source was queued from this window (the task id).
        source_rejected(str): a source could not be used (the message shown).
        first_shown(): the window was shown for the first time.
        quitting(): the app is about to stop its worker and quit.
        feed_episodes_queued(object): the feed scheduler queued these task ids (emitted on
            its thread, delivered queued).
        episode_opened(int): an episode view was opened or raised (the episode id).
    """

    task_added = Signal(str)
    source_rejected = Signal(str)
    first_shown = Signal()
    quitting = Signal()
    feed_episodes_queued = Signal(object)
    episode_opened = Signal(int)

    def __init__(self, core: Core, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self.services = services
        self.calls = services.calls
        self.processing = services.processing
        self.bridge = services.bridge
        self.state = services.state
        self.first_run = not core.paths.settings.exists()
        self._quitting = False
        self._shut_down: bool | None = None
        self._shown_once = False
        self._counts: dict[str, int] = {}
        self._episode_views: dict[int, QWidget] = {}
        self.scheduler: Scheduler | None = None
        self.open_url: Callable[[QUrl], object] = QDesktopServices.openUrl

        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.resize(1180, 640)

        self.model = TaskTableModel(self)
        self.proxy = TaskFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.sync = TaskSync(core.db, self.model, self.calls, parent=self)

        self._build_actions()
        self._build_ui()
        self._build_menus()
        self.tray: Tray | None = None
        if services.tray_available:
            self.tray = Tray(app_icon(), [self.act_show, None, self.act_pause, self.act_paste,
                                          None, self.act_quit],
                             on_activated=self.on_tray_activated, parent=self)
        self._connect()
        self.retranslate()
        self._restore_geometry()
        self.update_actions()

    # -- building ---------------------------------------------------------------------

    def _build_actions(self) -> None:
        def action(slot: Callable[[], None],
                   shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
                   ) -> QAction:
            act = QAction(self)
            if shortcut is not None:
                act.setShortcut(QKeySequence(shortcut))
            act.triggered.connect(slot)
            return act

        style = self.style()
        icons = style.standardIcon
        pix = style.StandardPixmap
        self.act_open = action(self.on_open_triggered, "Return")
        self.act_open.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.act_open.setIcon(icons(pix.SP_FileDialogContentsView))
        self.act_cancel = action(self.on_cancel_triggered)
        self.act_cancel.setIcon(icons(pix.SP_MediaStop))
        self.act_retry = action(self.on_retry_triggered)
        self.act_retry.setIcon(icons(pix.SP_BrowserReload))
        self.act_remove = action(self.on_remove_triggered, QKeySequence.StandardKey.Delete)
        self.act_remove.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.act_remove.setIcon(icons(pix.SP_TrashIcon))
        self.act_move_top = action(self.on_move_top_triggered)
        self.act_move_top.setIcon(icons(pix.SP_ArrowUp))
        self.act_show_file = action(self.on_show_file_triggered)
        self.act_show_file.setIcon(icons(pix.SP_DirOpenIcon))
        self.act_pause = action(self.on_pause_triggered)
        self.act_pause.setIcon(icons(pix.SP_MediaPause))
        self.act_paste = action(self.on_paste_triggered, "Ctrl+Shift+V")
        self.act_settings = action(self.on_settings_triggered, QKeySequence.StandardKey.Preferences)
        self.act_show = action(self.show_and_raise)
        self.act_quit = action(self.quit_app, QKeySequence.StandardKey.Quit)
        self.act_quit.setMenuRole(QAction.MenuRole.QuitRole)
        self.task_actions = [self.act_open, self.act_cancel, self.act_retry, self.act_remove,
                             self.act_move_top, self.act_show_file]

        self.language_group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for code in ("", ENGLISH, CHINESE):
            act = QAction(NATIVE_NAMES.get(code, ""), self.language_group)
            act.setCheckable(True)
            act.setData(code)
            act.triggered.connect(lambda _=False, c=code: self.set_language(c))
            self.language_actions[code] = act
        current = self.core.settings.ui_language
        self.language_actions.get(current, self.language_actions[""]).setChecked(True)

    def _build_ui(self) -> None:
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(10, 8, 10, 4)
        layout.setSpacing(6)

        # first-run notice
        self.notice = QFrame(central)
        self.notice.setObjectName("firstRunNotice")
        self.notice.setStyleSheet(
            "#firstRunNotice { background: #eef3fd; border: 1px solid #c5d3f0;"
            " border-radius: 6px; }")
        notice_layout = QHBoxLayout(self.notice)
        notice_layout.setContentsMargins(10, 6, 6, 6)
        self.notice_label = QLabel(self.notice)
        self.notice_label.setWordWrap(True)
        self.notice_label.setTextFormat(Qt.TextFormat.RichText)
        self.notice_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.notice_label.setOpenExternalLinks(True)
        self.notice_close = QToolButton(self.notice)
        self.notice_close.setText("✕")
        self.notice_close.setAutoRaise(True)
        self.notice_close.clicked.connect(self.on_notice_close_clicked)
        notice_layout.addWidget(self.notice_label, 1)
        notice_layout.addWidget(self.notice_close, 0, Qt.AlignmentFlag.AlignTop)
        self.notice.setVisible(self.first_run and not self.state.get("firstRunDismissed"))
        layout.addWidget(self.notice)

        # source box
        row = QHBoxLayout()
        self.source_edit = QLineEdit(central)
        self.source_edit.setClearButtonEnabled(True)
        self.source_edit.setAcceptDrops(False)  # drops go to the window: files and links
        self.source_edit.setMinimumHeight(30)
        self.add_button = QPushButton(central)
        self.add_button.setDefault(True)
        self.paste_button = QPushButton(central)
        row.addWidget(self.source_edit, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.paste_button)
        layout.addLayout(row)
        self.source_error = QLabel(central)
        self.source_error.setWordWrap(True)
        self.source_error.setStyleSheet("color: #b3261e;")
        self.source_error.setVisible(False)
        layout.addWidget(self.source_error)

        # filters
        filters = QHBoxLayout()
        filters.setSpacing(4)
        self.filter_group = QButtonGroup(self)
        self.filter_group.setExclusive(True)
        self.filter_buttons: dict[TaskFilter, QToolButton] = {}
        for which in TaskFilter:
            button = QToolButton(central)
            button.setCheckable(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setAutoRaise(True)
            self.filter_group.addButton(button, int(which))
            self.filter_buttons[which] = button
            filters.addWidget(button)
        self.filter_buttons[TaskFilter.ALL].setChecked(True)
        filters.addStretch(1)
        self.drop_hint = QLabel(central)
        self.drop_hint.setStyleSheet("color: palette(placeholder-text);")
        filters.addWidget(self.drop_hint)
        layout.addLayout(filters)

        # table
        self.table = QTableView(central)
        self.table.setModel(self.proxy)
        setup_row_table(self.table)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.setItemDelegateForColumn(Column.PROGRESS, ProgressDelegate(self.table))
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vertical = self.table.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(max(26, self.fontMetrics().height() + 10))
        header = self.table.horizontalHeader()
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        for column, width in ((Column.TITLE, 270), (Column.STATUS, 100), (Column.STAGE, 100),
                              (Column.PROGRESS, 240), (Column.ETA, 80), (Column.ADDED, 110)):
            header.resizeSection(column, width)
        self.table.setSortingEnabled(True)
        for act in self.task_actions:
            self.table.addAction(act)
        layout.addWidget(self.table, 1)
        self.setCentralWidget(central)

        # search and subscriptions, in docks (hidden until asked for)
        self.search_panel = SearchPanel(self.core, self)
        self.search_dock = QDockWidget(self)
        self.search_dock.setObjectName("searchDock")
        self.search_dock.setWidget(self.search_panel)
        self.search_dock.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea
                                         | Qt.DockWidgetArea.RightDockWidgetArea)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.search_dock)
        self.resizeDocks([self.search_dock], [420], Qt.Orientation.Horizontal)
        self.search_dock.hide()
        self.subscriptions_pane = SubscriptionsPane(self.core, self)
        self.subscriptions_dock = QDockWidget(self)
        self.subscriptions_dock.setObjectName("subscriptionsDock")
        self.subscriptions_dock.setWidget(self.subscriptions_pane)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.subscriptions_dock)
        self.resizeDocks([self.subscriptions_dock], [240], Qt.Orientation.Vertical)
        self.subscriptions_dock.hide()
        style = self.style()
        self.act_search = self.search_dock.toggleViewAction()
        self.act_search.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
        self.act_search.setIcon(QIcon.fromTheme(
            "edit-find", style.standardIcon(style.StandardPixmap.SP_FileDialogContentsView)))
        self.act_subscriptions = self.subscriptions_dock.toggleViewAction()
        self.act_subscriptions.setIcon(QIcon.fromTheme(
            "application-rss+xml", style.standardIcon(style.StandardPixmap.SP_DriveNetIcon)))

        # toolbar
        self.toolbar = QToolBar(self)
        self.toolbar.setObjectName("tasks")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for act in self.task_actions:
            self.toolbar.addAction(act)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.act_pause)
        spacer = QWidget(self.toolbar)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.toolbar.addWidget(spacer)
        self.toolbar.addAction(self.act_search)
        self.toolbar.addAction(self.act_subscriptions)
        self.toolbar.addAction(self.act_settings)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)

        # status bar
        self.status_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.status_label)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.file_menu.addAction(self.act_paste)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.act_pause)
        self.file_menu.addAction(self.act_settings)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.act_quit)
        self.tasks_menu = bar.addMenu("")
        for act in self.task_actions:
            self.tasks_menu.addAction(act)
        self.view_menu = bar.addMenu("")
        self.view_menu.addAction(self.act_search)
        self.view_menu.addAction(self.act_subscriptions)
        self.view_menu.addSeparator()
        self.language_menu = self.view_menu.addMenu("")
        for act in self.language_actions.values():
            self.language_menu.addAction(act)

    def _connect(self) -> None:
        self.add_button.clicked.connect(self.on_add_clicked)
        self.paste_button.clicked.connect(self.on_paste_triggered)
        self.source_edit.returnPressed.connect(self.on_add_clicked)
        self.source_edit.textEdited.connect(self.on_source_edit_text_edited)
        self.filter_group.idClicked.connect(self.on_filter_clicked)
        self.table.customContextMenuRequested.connect(self.on_table_context_menu)
        self.table.doubleClicked.connect(self.on_table_double_clicked)
        self.table.selectionModel().selectionChanged.connect(self.update_actions)
        self.model.dataChanged.connect(self.on_model_data_changed)
        self.model.task_status_changed.connect(self.on_model_task_status_changed)
        self.sync.counts_changed.connect(self.on_sync_counts_changed)
        self.bridge.task_started.connect(self.on_bridge_task_started)
        self.bridge.task_progressed.connect(self.on_bridge_task_progressed)
        self.bridge.task_finished.connect(self.on_bridge_task_finished)
        self.processing.state_changed.connect(self.on_processing_state_changed)
        self.feed_episodes_queued.connect(self.on_feed_episodes_queued)
        self.search_panel.hit_activated.connect(self.on_search_panel_hit_activated)
        self.search_dock.visibilityChanged.connect(self.on_search_dock_visibility_changed)
        self.subscriptions_pane.episodes_queued.connect(self.on_feed_episodes_queued)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    def retranslate(self) -> None:
        """Set every visible text again (at start and when the language changes)."""
        self.setWindowTitle(self.tr("Podcast Desk"))
        self.source_edit.setPlaceholderText(
            self.tr("Paste a podcast link or feed, or drop an audio file"))
        self.add_button.setText(self.tr("Add"))
        self.paste_button.setText(self.tr("Paste"))
        self.paste_button.setToolTip(self.tr("Add the link on the clipboard (Ctrl+Shift+V)"))
        self.drop_hint.setText(self.tr("Drop links or audio files anywhere in this window"))
        self.notice_label.setText(self.tr(
            "Podcast Desk works offline with the bundled English speech model. For better "
            "summaries, install <a href=\"https://ollama.com\">Ollama</a> and run "
            "<code>ollama pull llama3.2</code>."))
        self.notice_close.setToolTip(self.tr("Dismiss"))
        self.act_open.setText(self.tr("Open"))
        self.act_open.setToolTip(self.tr("Open the episode: summary, transcript and player"))
        self.act_cancel.setText(self.tr("Cancel"))
        self.act_retry.setText(self.tr("Retry"))
        self.act_remove.setText(self.tr("Remove"))
        self.act_move_top.setText(self.tr("Move to top"))
        self.act_move_top.setToolTip(self.tr("Process this task next"))
        self.act_show_file.setText(self.tr("Show file"))
        self.act_paste.setText(self.tr("Add from clipboard"))
        self.act_settings.setText(self.tr("Settings…"))
        self.act_show.setText(self.tr("Show window"))
        self.act_quit.setText(self.tr("Quit"))
        self.language_actions[""].setText(self.tr("System default"))
        self.file_menu.setTitle(self.tr("&File"))
        self.tasks_menu.setTitle(self.tr("&Tasks"))
        self.view_menu.setTitle(self.tr("&View"))
        self.language_menu.setTitle(self.tr("Language"))
        self.toolbar.setWindowTitle(self.tr("Tasks"))
        self.search_dock.setWindowTitle(self.tr("Search"))
        self.act_search.setToolTip(self.tr("Search every episode's transcript, title and "
                                           "summary (Ctrl+F)"))
        self.subscriptions_dock.setWindowTitle(self.tr("Subscriptions"))
        self.act_subscriptions.setToolTip(self.tr("Shows you subscribed to: new episodes are "
                                                  "queued automatically"))
        self._update_pause_action()
        self._update_counts_text()
        self.model.retranslate()
        self.search_panel.retranslate()
        self.subscriptions_pane.retranslate()
        if self.tray is not None:
            self.tray.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- starting and stopping --------------------------------------------------------

    def start(self, *, processing: bool = True) -> None:
        """Load the task list, start the in-app worker, show the tray icon."""
        self.sync.start()
        if processing:
            self.processing.start()
            QTimer.singleShot(1000, self.warm_up)  # after the task list has loaded
        if self.tray is not None:
            self.tray.show()
        if self.core.settings_warning:
            self.statusBar().showMessage(tr_message(self.core.settings_warning), 15000)

    def warm_up(self) -> None:
        """Load the speech stack in the background while the window is idle.

        Loading it when the first task starts would hold the GIL for ~100 ms at a time
        while that task's progress is on screen.
        """
        self.calls.call(lambda: _warm_up(self.core), None, _log_warm_up_failure)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            self.first_shown.emit()

    def show_and_raise(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def on_tray_activated(self) -> None:
        if self.isVisible() and not self.isMinimized():
            self.hide()
        else:
            self.show_and_raise()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._quitting:
            event.accept()
            return
        if self.tray is not None and self.tray.visible:
            self._save_geometry()
            self.hide()
            event.ignore()
            if not self.state.get("trayNoticeShown"):
                self.state.set("trayNoticeShown", True)
                self.tray.notify(
                    self.tr("Podcast Desk is still running"),
                    self.tr("Work continues in the background. Use the tray icon to open the "
                            "window or to quit."))
            return
        running = len(self.processing.active_task_ids())
        if running and not self.ask(
            self.tr("Quit Podcast Desk?"),
            self.tr("%n task(s) are being processed. If you quit now, they stop and "
                    "continue from where they were the next time Podcast Desk opens.", "",
                    running)):
            event.ignore()
            return
        event.ignore()
        self.quit_app()

    def quit_app(self) -> None:
        """Stop the worker (bounded wait; running tasks stay resumable) and quit."""
        if self._quitting:
            return
        self._quitting = True
        self.quitting.emit()
        if self.processing.active_task_ids():
            self.statusBar().showMessage(
                self.tr("Stopping the current task; it continues next time…"))
            QApplication.processEvents()
        self.shutdown()
        self.close()
        QApplication.quit()

    def shutdown(self) -> bool:
        """Stop refreshing and processing; True when the worker stopped in time. Idempotent."""
        if self._shut_down is not None:
            return self._shut_down
        self._save_geometry()
        self.sync.stop()
        self.subscriptions_pane.timer.stop()
        self._stop_scheduler(SCHEDULER_QUIT_TIMEOUT)
        clean = self.processing.shutdown(QUIT_TIMEOUT)
        self.calls.wait(5000)
        if self.tray is not None:
            self.tray.hide()
        self._shut_down = clean
        return clean

    def _save_geometry(self) -> None:
        self.state.set("geometry", bytes(self.saveGeometry().toBase64().data()).decode())
        self.state.set("windowState", bytes(self.saveState().toBase64().data()).decode())

    def _restore_geometry(self) -> None:
        saved = self.state.get("geometry")
        if isinstance(saved, str):
            self.restoreGeometry(QByteArray.fromBase64(saved.encode()))
        docks = self.state.get("windowState")
        if isinstance(docks, str):
            self.restoreState(QByteArray.fromBase64(docks.encode()))

    # -- adding sources ---------------------------------------------------------------

    def on_add_clicked(self) -> None:
        text = self.source_edit.text()
        if self.add_sources([text] if text.strip() else [""]):
            self.source_edit.clear()

    def on_paste_triggered(self) -> None:
        sources = sources_from_mime(QGuiApplication.clipboard().mimeData())
        if not sources:
            self.show_source_error(self.tr("The clipboard holds no link or file."))
            return
        self.add_sources(sources)

    def on_source_edit_text_edited(self, _text: str) -> None:
        self.source_error.setVisible(False)

    def add_sources(self, texts: list[str]) -> bool:
        """Validate every source, then queue them all; nothing is queued if one is bad."""
        from podcast_desk.pipeline.sources import InvalidSource

        for text in texts:
            try:
                self.core.parse_sources([text])
            except InvalidSource as exc:
                human = tr_messages(exc.message, exc.hint)
                shown = human if len(texts) == 1 else f"{text.strip()[:80]}: {human}"
                self.show_source_error(shown)
                return False
        self.source_error.setVisible(False)
        core = self.core
        self.calls.call(lambda: core.add_sources(texts).task_ids,
                        self.on_tasks_added, self.on_action_failed)
        return True

    def show_source_error(self, message: str) -> None:
        self.source_error.setText(message)
        self.source_error.setVisible(True)
        self.source_rejected.emit(message)

    def on_tasks_added(self, ids: list[str]) -> None:
        self.statusBar().showMessage(self.tr("Added %n task(s).", "", len(ids)), 5000)
        self.sync.refresh_now()
        self.processing.wake()
        for task_id in ids:
            self.task_added.emit(task_id)

    def on_instance_message(self, message: dict[str, Any]) -> None:
        """Another launch on this data folder: show the window and queue its link."""
        self.show_and_raise()
        source = message.get("source")
        if isinstance(source, str) and source.strip():
            self.add_sources([source])

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if sources_from_mime(event.mimeData()):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        sources = sources_from_mime(event.mimeData())
        if sources:
            event.acceptProposedAction()
            self.add_sources(sources)

    # -- the table and its actions -----------------------------------------------------

    def selected_rows(self) -> list[TaskRow]:
        rows = []
        for index in self.table.selectionModel().selectedRows():
            row = index.data(Role.ROW)
            if row is not None:
                rows.append(row)
        return rows

    def select_task(self, task_id: str) -> bool:
        source_row = self.model.row_of(task_id)
        if source_row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        if not index.isValid():
            return False
        self.table.selectionModel().select(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.setCurrentIndex(index)
        self.update_actions()
        return True

    def update_actions(self) -> None:
        rows = self.selected_rows()
        statuses = {r.status for r in rows}
        self.act_open.setEnabled(any(r.status == COMPLETED for r in rows))
        self.act_cancel.setEnabled(bool(statuses & {PENDING, RUNNING}))
        self.act_retry.setEnabled(bool(statuses & {FAILED, "CANCELLED"}))
        self.act_remove.setEnabled(bool(rows) and RUNNING not in statuses)
        self.act_move_top.setEnabled(PENDING in statuses)
        self.act_show_file.setEnabled(len(rows) == 1)

    def on_model_data_changed(self, *_args: Any) -> None:
        if self.table.selectionModel().hasSelection():
            self.update_actions()

    def on_filter_clicked(self, which: int) -> None:
        self.proxy.set_task_filter(TaskFilter(which))
        self.update_actions()

    def on_table_context_menu(self, pos: QPoint) -> None:
        if not self.table.indexAt(pos).isValid():
            return
        menu = QMenu(self)
        for act in self.task_actions:
            menu.addAction(act)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def on_table_double_clicked(self, index: QModelIndex) -> None:
        row = index.data(Role.ROW)
        if row is not None and row.status == COMPLETED:
            self.open_episode(row)

    def on_open_triggered(self) -> None:
        for row in self.selected_rows():
            if row.status == COMPLETED:
                self.open_episode(row)
                return

    def open_episode(self, row: TaskRow) -> None:
        if row.episode_id is None:
            self.inform(self.tr("Open"), self.tr("This task has no episode to show."))
            return
        self.open_episode_id(row.episode_id, ref=row.id)

    def open_episode_id(self, episode_id: int, *, at: float | None = None,
                        ref: str | None = None) -> QWidget | None:
        """Show the view of episode ``episode_id`` (one per episode), at ``at`` seconds in
        its transcript when given; returns the view."""
        view = self._episode_views.get(episode_id)
        if view is None:
            try:
                from podcast_desk.gui.episode_view import EpisodeView
            except ImportError as exc:
                log.warning("the episode view is not available: %s", exc)
                self.inform(self.tr("Open"),
                            self.tr("The episode view is not part of this version yet. "
                                    "Use “podcast-desk show {0}” meanwhile.").format(
                                        ref or episode_id))
                return None
            view = EpisodeView(self.core, episode_id, parent=self)
            if not view.isWindow():
                view.setWindowFlag(Qt.WindowType.Window, True)
            view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
            view.destroyed.connect(lambda *_: self._episode_views.pop(episode_id, None))
            self._episode_views[episode_id] = view
        if at is not None:
            show_moment = getattr(view, "show_moment", None)
            if show_moment is not None:
                show_moment(at)
        view.show()
        view.raise_()
        view.activateWindow()
        self.episode_opened.emit(episode_id)
        return view

    def on_search_panel_hit_activated(self, episode_id: int, start: float) -> None:
        self.open_episode_id(episode_id, at=start)

    def on_search_dock_visibility_changed(self, visible: bool) -> None:
        if visible:
            self.search_panel.focus_search()

    def _steer(self, fn: Callable[[], Any], message: str) -> None:
        def done(_result: Any) -> None:
            self.statusBar().showMessage(message, 4000)
            self.sync.refresh_now()
            self.processing.wake()

        self.calls.call(fn, done, self.on_action_failed)

    def on_cancel_triggered(self) -> None:
        ids = [r.id for r in self.selected_rows() if r.status in (PENDING, RUNNING)]
        if ids:
            queue = self.core.queue
            self._steer(lambda: [queue.cancel(i) for i in ids],
                        self.tr("Cancelling %n task(s).", "", len(ids)))

    def on_retry_triggered(self) -> None:
        ids = [r.id for r in self.selected_rows() if r.status in (FAILED, "CANCELLED")]
        if ids:
            queue = self.core.queue
            self._steer(lambda: [queue.retry(i) for i in ids],
                        self.tr("Queued %n task(s) again.", "", len(ids)))

    def on_move_top_triggered(self) -> None:
        ids = [r.id for r in self.selected_rows() if r.status == PENDING]
        if ids:
            core = self.core
            self._steer(lambda: _move_to_top(core, ids),
                        self.tr("%n task(s) will be processed next.", "", len(ids)))

    def on_remove_triggered(self) -> None:
        rows = [r for r in self.selected_rows() if r.status != RUNNING]
        if not rows:
            return
        core = self.core
        ids = [r.id for r in rows]
        self.calls.call(lambda: _owned_audio(core, ids),
                        lambda files: self._confirm_remove(rows, files), self.on_action_failed)

    def _confirm_remove(self, rows: list[TaskRow], files: dict[str, list[Path]]) -> None:
        size = sum(p.stat().st_size for paths in files.values() for p in paths if p.exists())
        if len(rows) == 1:
            question = self.tr("Remove “{0}” from the list?").format(rows[0].label[:120])
        else:
            question = self.tr("Remove %n tasks from the list?", "", len(rows))
        if files:
            audio = self.tr("The downloaded audio ({0}) will be deleted.").format(
                size_text(size))
        else:
            audio = self.tr("No downloaded audio will be deleted.")
        if any(r.kind == "local_file" for r in rows):
            audio += " " + self.tr("Your own audio files are never deleted.")
        text = f"{question}\n\n{audio}\n" + self.tr(
            "The task, its log and its transcript and summary are removed; this cannot be "
            "undone.")
        if not self.ask(self.tr("Remove"), text):
            return
        core = self.core
        ids = [r.id for r in rows]

        def done(removed: list[str]) -> None:
            self.model.remove_ids(removed)
            self.update_actions()
            self.statusBar().showMessage(self.tr("Removed %n task(s).", "", len(removed)), 4000)
            self.sync.refresh_now()

        self.calls.call(lambda: _remove(core, ids, files), done, self.on_action_failed)

    def on_show_file_triggered(self) -> None:
        rows = self.selected_rows()
        if len(rows) != 1:
            return
        core, row = self.core, rows[0]

        def done(folder: Path | None) -> None:
            if folder is None:
                self.statusBar().showMessage(self.tr("There is no file for this task yet."),
                                             5000)
                return
            self.open_url(QUrl.fromLocalFile(str(folder)))

        self.calls.call(lambda: _file_folder(core, row), done, self.on_action_failed)

    def on_action_failed(self, exc: Any) -> None:
        log.error("a task action failed: %r", exc)
        self.statusBar().showMessage(self.tr("That did not work: {0}").format(exc), 10000)

    # -- processing -------------------------------------------------------------------

    def on_pause_triggered(self) -> None:
        self.processing.toggle()

    def on_processing_state_changed(self, running: bool) -> None:
        if running:
            self._start_scheduler()
        else:
            self._stop_scheduler(0.0)  # a check in flight ends on its own; never wait here
        self._update_pause_action()
        self._update_counts_text()

    def _start_scheduler(self) -> None:
        """Check subscribed feeds on a schedule while processing is on."""
        if self.scheduler is None and not self._quitting and self._shut_down is None:
            self.scheduler = Scheduler(self.core,
                                       on_queued=self.feed_episodes_queued.emit).start()

    def _stop_scheduler(self, timeout: float) -> None:
        scheduler, self.scheduler = self.scheduler, None
        if scheduler is not None:
            scheduler.stop(timeout)

    def on_feed_episodes_queued(self, task_ids: list[str]) -> None:
        """New episodes of subscribed feeds were queued (by the scheduler or the pane)."""
        self.sync.refresh_now()
        self.processing.wake()
        if self.subscriptions_pane.isVisible():
            self.subscriptions_pane.refresh()
        self.statusBar().showMessage(
            self.tr("%n new episode(s) queued from your subscriptions.", "", len(task_ids)),
            8000)

    def _update_pause_action(self) -> None:
        style = self.style()
        if self.processing.running:
            self.act_pause.setText(self.tr("Pause processing"))
            self.act_pause.setIcon(style.standardIcon(style.StandardPixmap.SP_MediaPause))
        else:
            self.act_pause.setText(self.tr("Resume processing"))
            self.act_pause.setIcon(style.standardIcon(style.StandardPixmap.SP_MediaPlay))
        if self.tray is not None:
            self.tray.set_paused(not self.processing.running)

    def on_bridge_task_started(self, task_id: str, _type: str, title: str) -> None:
        if self.model.task(task_id) is None:
            self.sync.refresh_now()
        self.model.apply_started(task_id, title)

    def on_bridge_task_progressed(self, progress: Progress) -> None:
        self.model.apply_progress(progress)

    def on_bridge_task_finished(self, task_id: str, outcome: Outcome,
                                message: Message | None) -> None:
        status, text = str(outcome.status), tr_message(message)
        self.model.apply_finished(task_id, status, text)
        self.sync.refresh_now()
        row = self.model.task(task_id)
        label = row.label if row is not None else task_id
        if self.tray is None:
            return
        if status == COMPLETED:
            self.tray.notify(self.tr("Episode ready"), label)
        elif status == FAILED:
            self.tray.notify(self.tr("Episode failed"), f"{label}\n{text}", failed=True)

    def on_model_task_status_changed(self, _task_id: str, _old: str, new: str) -> None:
        if new in FINISHED or new == RUNNING:
            self.update_actions()

    def on_sync_counts_changed(self, counts: dict[str, int]) -> None:
        self._counts = counts
        self._update_counts_text()
        if self.tray is not None:
            self.tray.set_counts(counts)

    def _update_counts_text(self) -> None:
        c = self._counts
        total = sum(c.values())
        active = c.get(PENDING, 0) + c.get(RUNNING, 0)
        failed = c.get(FAILED, 0) + c.get("CANCELLED", 0)
        labels = {
            TaskFilter.ALL: self.tr("All ({0})").format(total),
            TaskFilter.ACTIVE: self.tr("Active ({0})").format(active),
            TaskFilter.DONE: self.tr("Done ({0})").format(c.get(COMPLETED, 0)),
            TaskFilter.FAILED: self.tr("Failed ({0})").format(failed),
        }
        for which, button in self.filter_buttons.items():
            button.setText(labels[which])
        parts = []
        if c.get(RUNNING):
            parts.append(self.tr("%n running", "", c[RUNNING]))
        if c.get(PENDING):
            parts.append(self.tr("%n queued", "", c[PENDING]))
        if not parts:
            parts.append(self.tr("Nothing to do"))
        if not self.processing.running:
            parts.append(self.tr("processing paused"))
        self.status_label.setText(" · ".join(parts))

    # -- settings and language --------------------------------------------------------

    def on_settings_triggered(self) -> None:
        try:
            from podcast_desk.gui.settings_dialog import SettingsDialog
        except ImportError as exc:
            log.warning("the settings dialog is not available: %s", exc)
            self.inform(self.tr("Settings"),
                        self.tr("The settings dialog is not part of this version yet. "
                                "Settings are in {0}.").format(self.core.paths.settings))
            return
        before = (self.core.settings.ui_language, self.core.settings.concurrency,
                  self.core.settings.feed_check_minutes)
        dialog = SettingsDialog(self.core, parent=self)
        dialog.settings_saved.connect(lambda *_: self.on_settings_saved(before))
        dialog.exec()
        dialog.deleteLater()

    def on_settings_saved(self, before: tuple[str, int, float] | None = None) -> None:
        language, concurrency, check_minutes = before or ("\0", -1, -1.0)
        settings = self.core.settings
        if settings.ui_language != language:
            self._apply_language(settings.ui_language)
        if settings.concurrency != concurrency:
            self.processing.restart()  # restarts the feed scheduler too
        elif settings.feed_check_minutes != check_minutes and self.scheduler is not None:
            self._stop_scheduler(0.0)  # a new one checks at the new interval
            self._start_scheduler()

    def set_language(self, code: str) -> None:
        """Switch the window language now and remember it in the settings."""
        core = self.core
        core.update_settings(ui_language=code, save=False)  # in memory now, saved off-thread
        self.calls.call(core.save_settings, None, self.on_action_failed)
        self._apply_language(code)

    def _apply_language(self, code: str) -> None:
        act = self.language_actions.get(code)
        if act is not None:
            act.setChecked(True)
        translations = self.services.translations
        if translations is not None:
            translations.apply(code)  # Qt sends LanguageChange → retranslate()
        self.retranslate()

    def on_notice_close_clicked(self) -> None:
        self.notice.setVisible(False)
        self.state.set("firstRunDismissed", True)

    # -- dialogs (tests replace these) -------------------------------------------------

    def ask(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(
            self, title, text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def inform(self, title: str, text: str) -> None:
        QMessageBox.information(self, title, text)


# -- start-up ------------------------------------------------------------------------------


def _application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName("Podcast Desk")
    app.setApplicationDisplayName("Podcast Desk")
    app.setDesktopFileName("podcast-desk")
    app.setWindowIcon(app_icon())
    app.setQuitOnLastWindowClosed(False)  # the tray keeps the app alive
    return app


def build_app(core: Core, *, tray_available: bool | None = None,
              ) -> tuple[QApplication, MainWindow, InstanceServer]:
    """The application, its translators, the window and the instance server (not shown)."""
    app = _application()
    translations = Translations(app, translations_dir())
    translations.apply(core.settings.ui_language)
    services = create_services(core, translations=translations, tray_available=tray_available)
    window = MainWindow(core, services)
    server = InstanceServer(server_name(core.paths.root), parent=window)
    server.message_received.connect(window.on_instance_message)
    return app, window, server


def run_gui(core: Core, source: str | None = None) -> int:
    """Open the window on ``core`` (or hand ``source`` to the one already open); exit code."""
    started = time.monotonic()
    app = _application()
    message: dict[str, Any] = {"source": source} if source else {}
    if send_to_running(server_name(core.paths.root), message):
        print("Podcast Desk is already open" + ("; the link was added there." if source
                                                else "; showing its window."), file=sys.stderr)
        return 0
    app, window, server = build_app(core)
    server.listen()
    window.start()
    if not (core.settings.start_minimized and window.tray is not None):
        window.show()
    log.info("window ready in %.0f ms", (time.monotonic() - started) * 1000)
    if os.environ.get("PODCAST_DESK_QUIT_AFTER_SHOW"):  # smoke tests of a built bundle
        QTimer.singleShot(0, app.quit)
    if source:
        window.add_sources([source])
    code = app.exec()
    clean = window.shutdown()
    server.close()
    if not clean:
        # A runner thread is still inside a step; waiting longer would hang the quit. The
        # task's lease names this process, so the next start resumes it at once.
        logging.shutdown()
        os._exit(code)
    return int(code)
