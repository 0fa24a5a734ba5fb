"""The Subscriptions pane: subscribed feeds, how their checks went, subscribe and unsubscribe."""

from __future__ import annotations

import enum
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from PySide6.QtCore import (
    QAbstractTableModel,
    QDateTime,
    QEvent,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QHideEvent, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from podcast_desk.app import Core
from podcast_desk.gui.episode_view import if_alive, off_thread
from podcast_desk.gui.widgets import setup_row_table
from podcast_desk.gui.worker import BackgroundCalls

if TYPE_CHECKING:
    from podcast_desk.library.subscriptions import CheckResult, SubscriptionInfo

Index = QModelIndex | QPersistentModelIndex

REFRESH_MS = 5000
ERROR_COLOUR = QColor("#c62828")
MAX_BACKFILL = 50


class Column(enum.IntEnum):
    TITLE = 0
    FEED = 1
    LAST_CHECK = 2
    NEXT_CHECK = 3
    EPISODES = 4
    STATUS = 5


# -- work done on worker threads -----------------------------------------------------------


def list_subscriptions(core: Core) -> list[SubscriptionInfo]:
    return core.subscriptions().list_all()


def subscribe(core: Core, url: str, backfill: int
              ) -> tuple[SubscriptionInfo, bool, CheckResult]:
    """Subscribe and check once (one GET); raises ``InvalidFeed`` with the reason."""
    return core.subscriptions().subscribe_and_check(url, backfill=backfill)


def check(core: Core, ids: Sequence[int]) -> list[CheckResult]:
    subscriptions = core.subscriptions()
    return [subscriptions.check(i) for i in ids]


def unsubscribe(core: Core, ids: Sequence[int]) -> list[SubscriptionInfo]:
    subscriptions = core.subscriptions()
    gone = [subscriptions.unsubscribe(i) for i in ids]
    return [info for info in gone if info is not None]


def web_address(text: str) -> str | None:
    """``text`` as an http(s) address (``feed://`` and a missing scheme fixed), or None."""
    text = text.strip()
    if text.lower().startswith("feed://"):
        text = "https://" + text[len("feed://"):]
    elif "://" not in text and "." in text.split("/")[0]:
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in text:
        return None
    return text


# -- the model -----------------------------------------------------------------------------


class SubscriptionsModel(QAbstractTableModel):
    """Subscriptions (``SubscriptionInfo``), by id; refreshed in place so the selection
    stays. Times are shown relative to ``clock()`` (when due, how long ago)."""

    InfoRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: QObject | None = None, *,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(parent)
        self._rows: list[SubscriptionInfo] = []
        self.clock = clock

    def set_subscriptions(self, infos: Sequence[SubscriptionInfo]) -> None:
        """Show ``infos``: rows that went are removed, new ones inserted, others updated."""
        fresh = sorted(infos, key=lambda i: i.id)
        wanted = {i.id for i in fresh}
        for row in range(len(self._rows) - 1, -1, -1):
            if self._rows[row].id not in wanted:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()
        for position, info in enumerate(fresh):
            if position < len(self._rows) and self._rows[position].id == info.id:
                self._rows[position] = info
            else:
                self.beginInsertRows(QModelIndex(), position, position)
                self._rows.insert(position, info)
                self.endInsertRows()
        if self._rows:  # times are relative: every row may read differently now
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._rows) - 1, len(Column) - 1))

    def info(self, row: int) -> SubscriptionInfo:
        return self._rows[row]

    def row_of(self, subscription_id: int) -> int | None:
        for row, info in enumerate(self._rows):
            if info.id == subscription_id:
                return row
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        names = {
            Column.TITLE: self.tr("Show"),
            Column.FEED: self.tr("Feed"),
            Column.LAST_CHECK: self.tr("Last check"),
            Column.NEXT_CHECK: self.tr("Next check"),
            Column.EPISODES: self.tr("Episodes"),
            Column.STATUS: self.tr("Status"),
        }
        return names.get(Column(section)) if 0 <= section < len(Column) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        info = self._rows[index.row()]
        column = Column(index.column())
        if role == self.InfoRole:
            return info
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(info, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == Column.STATUS and info.last_error:
                return info.last_error
            if column in (Column.TITLE, Column.FEED):
                return info.feed_url
            if column in (Column.LAST_CHECK, Column.NEXT_CHECK):
                stamp = info.last_checked_at if column == Column.LAST_CHECK else \
                    info.next_check_at
                return self._absolute(stamp) if stamp else None
            return None
        if role == Qt.ItemDataRole.ForegroundRole and column == Column.STATUS \
                and info.last_error:
            return ERROR_COLOUR
        return None

    def _text(self, info: SubscriptionInfo, column: Column) -> str:
        if column == Column.TITLE:
            return info.title or self.tr("(not checked yet)")
        if column == Column.FEED:
            return info.feed_url
        if column == Column.LAST_CHECK:
            return self._ago(info.last_checked_at)
        if column == Column.NEXT_CHECK:
            return self._due(info.next_check_at)
        if column == Column.EPISODES:
            return self.tr("{0} seen · {1} queued").format(info.seen, info.queued)
        if info.last_error:
            return info.last_error
        if info.last_success_at is None:
            return self.tr("Not checked yet")
        return self.tr("OK")

    def _absolute(self, stamp: float) -> str:
        when = QDateTime.fromSecsSinceEpoch(int(stamp))
        return QLocale().toString(when, QLocale.FormatType.ShortFormat)

    def _ago(self, stamp: float | None) -> str:
        if stamp is None:
            return self.tr("Never")
        seconds = self.clock() - stamp
        if seconds < 60:
            return self.tr("Just now")
        if seconds < 3600:
            return self.tr("%n min ago", "", int(seconds // 60))
        if seconds < 24 * 3600:
            return self.tr("%n h ago", "", int(seconds // 3600))
        return self._absolute(stamp)

    def _due(self, stamp: float) -> str:
        seconds = stamp - self.clock()
        if seconds < 60:
            return self.tr("Due now")
        if seconds < 3600:
            return self.tr("In %n min", "", int(-(-seconds // 60)))
        if seconds < 24 * 3600:
            return self.tr("In %n h", "", round(seconds / 3600))
        return self._absolute(stamp)


# -- the pane ------------------------------------------------------------------------------


class SubscriptionsPane(QWidget):
    """Lists the subscribed feeds (read on a worker thread, again every ``refresh_ms`` while
    shown) and subscribes, checks and unsubscribes; network and database work never runs
    on the GUI thread.

    Signals:
        refreshed(int): the list was read (number of subscriptions).
        subscribed(int): a feed was subscribed to (its id).
        subscribe_failed(str): subscribing did not work; the sentence shown.
        checked(object): a "Check now" finished (the ``CheckResult`` list).
        unsubscribed(object): these subscription ids were removed.
        episodes_queued(object): new episodes were queued (the task id list).
    """

    refreshed = Signal(int)
    subscribed = Signal(int)
    subscribe_failed = Signal(str)
    checked = Signal(object)
    unsubscribed = Signal(object)
    episodes_queued = Signal(object)

    def __init__(self, core: Core, parent: QWidget | None = None, *,
                 calls: BackgroundCalls | None = None, refresh_ms: int = REFRESH_MS) -> None:
        super().__init__(parent)
        self.core = core
        # Its own threads: a feed that answers slowly must not hold up the task table.
        self.calls = calls if calls is not None else BackgroundCalls(max_threads=4,
                                                                     parent=self)
        self._refreshing = False
        self._refresh_again = False
        self._busy = 0
        self._summary_shown = False
        self.setObjectName("subscriptionsPane")
        self._build()
        self.timer = QTimer(self)
        self.timer.setInterval(refresh_ms)
        self.timer.timeout.connect(self.refresh)
        self.retranslate()
        self.update_actions()

    def _build(self) -> None:
        self.url_edit = QLineEdit(self)
        self.url_edit.setClearButtonEnabled(True)
        self.url_edit.setMinimumHeight(28)
        self.url_edit.returnPressed.connect(self.on_subscribe_button_clicked)
        self.url_edit.textEdited.connect(self.on_url_edit_text_edited)
        self.backfill_label = QLabel(self)
        self.backfill_spin = QSpinBox(self)
        self.backfill_spin.setRange(0, MAX_BACKFILL)
        self.backfill_spin.setValue(1)
        self.backfill_label.setBuddy(self.backfill_spin)
        self.subscribe_button = QPushButton(self)
        self.subscribe_button.clicked.connect(self.on_subscribe_button_clicked)
        top = QHBoxLayout()
        top.addWidget(self.url_edit, 1)
        top.addWidget(self.backfill_label)
        top.addWidget(self.backfill_spin)
        top.addWidget(self.subscribe_button)

        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c62828;")
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()

        self.model = SubscriptionsModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        setup_row_table(self.table)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(
            max(24, self.fontMetrics().height() + 8))
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in ((Column.TITLE, 200), (Column.FEED, 250),
                              (Column.LAST_CHECK, 100), (Column.NEXT_CHECK, 100),
                              (Column.EPISODES, 130)):
            header.resizeSection(column, width)
        self.table.selectionModel().selectionChanged.connect(self.update_actions)

        self.check_button = QPushButton(self)
        self.check_button.clicked.connect(self.on_check_button_clicked)
        self.unsubscribe_button = QPushButton(self)
        self.unsubscribe_button.clicked.connect(self.on_unsubscribe_button_clicked)
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.status_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.check_button)
        bottom.addWidget(self.unsubscribe_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.error_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

    def retranslate(self) -> None:
        self.url_edit.setPlaceholderText(self.tr("Feed address (RSS), e.g. "
                                                 "https://example.org/podcast.xml"))
        self.url_edit.setAccessibleName(self.tr("Feed address"))
        self.backfill_label.setText(self.tr("Queue the latest:"))
        self.backfill_spin.setSuffix(self.tr(" episode(s)"))
        self.backfill_spin.setSpecialValueText(self.tr("none, only new ones"))
        self.backfill_spin.setToolTip(self.tr(
            "How many of the feed's existing episodes to queue now. Episodes published "
            "later are always queued."))
        self.subscribe_button.setText(self.tr("Subscribe"))
        self.check_button.setText(self.tr("Check now"))
        self.check_button.setToolTip(self.tr(
            "Look for new episodes now (the selected feeds, or all of them)"))
        self.unsubscribe_button.setText(self.tr("Unsubscribe"))
        if self._summary_shown or not self.status_label.text():
            self._show_summary()
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- refreshing ----------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()
        self.timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.timer.stop()

    @Slot()
    def refresh(self) -> None:
        """Read the subscriptions again (on a worker thread)."""
        if self._refreshing:
            self._refresh_again = True
            return
        self._refreshing = True
        core = self.core
        self.calls.call(lambda: off_thread(core, list_subscriptions, core),
                        if_alive(self, self._listed), if_alive(self, self._list_failed))

    def _listed(self, infos: list[SubscriptionInfo]) -> None:
        self._refreshing = False
        self.model.set_subscriptions(infos)
        self.update_actions()
        if self._summary_shown:
            self._show_summary()
        if self._refresh_again:
            self._refresh_again = False
            self.refresh()
        self.refreshed.emit(len(infos))

    def _list_failed(self, exc: Exception) -> None:
        self._refreshing = False
        self._set_status(self.tr("The subscriptions could not be read: {0}")
                                  .format(exc))

    def _show_summary(self) -> None:
        count = self.model.rowCount()
        if count:
            text = self.tr("%n feed(s); new episodes are queued when they appear.", "", count)
        else:
            text = self.tr("Subscribe to a show's feed and its new episodes are queued "
                           "automatically.")
        self.status_label.setText(text)
        self._summary_shown = True

    def _set_status(self, text: str) -> None:
        self.status_label.setText(text)
        self._summary_shown = False

    # -- selection -----------------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.info(r).id for r in rows if r < self.model.rowCount()]

    def select(self, subscription_id: int) -> bool:
        row = self.model.row_of(subscription_id)
        if row is None:
            return False
        self.table.selectRow(row)
        return True

    @Slot()
    def update_actions(self, *_args: Any) -> None:
        idle = self._busy == 0
        self.subscribe_button.setEnabled(idle)
        self.check_button.setEnabled(idle and self.model.rowCount() > 0)
        self.unsubscribe_button.setEnabled(idle and bool(self.selected_ids()))

    def _start(self, message: str) -> None:
        self._busy += 1
        self._set_status(message)
        self.update_actions()

    def _finish(self) -> None:
        self._busy = max(0, self._busy - 1)
        self.update_actions()
        self.refresh()

    # -- subscribing ---------------------------------------------------------------------

    @Slot(str)
    def on_url_edit_text_edited(self, _text: str) -> None:
        self.error_label.hide()

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()
        self.subscribe_failed.emit(message)

    @Slot()
    def on_subscribe_button_clicked(self) -> None:
        typed = self.url_edit.text().strip()
        if not typed:
            self.show_error(self.tr("Paste the address of the show's feed first."))
            return
        url = web_address(typed)
        if url is None:
            self.show_error(self.tr("“{0}” is not a web address; a feed address starts with "
                                    "http:// or https://.").format(typed))
            return
        self.error_label.hide()
        backfill = self.backfill_spin.value()
        core = self.core
        self._start(self.tr("Checking {0}…").format(url))
        self.calls.call(lambda: off_thread(core, subscribe, core, url, backfill),
                        if_alive(self, self._subscribed), if_alive(self, self._not_subscribed))

    def _subscribed(self, outcome: tuple[SubscriptionInfo, bool, CheckResult]) -> None:
        info, created, result = outcome
        name = info.title or info.feed_url
        if not created:
            text = self.tr("You are already subscribed to {0}.").format(name)
        elif result.status == "failed":
            text = self.tr("Subscribed to {0}, but checking it failed: {1} It is tried "
                           "again later.").format(name, result.error or "")
        elif result.task_ids:
            text = self.tr("Subscribed to {0}; %n episode(s) queued.", "",
                           len(result.task_ids)).format(name)
        else:
            text = self.tr("Subscribed to {0}; new episodes are queued when they "
                           "appear.").format(name)
        self.url_edit.clear()
        self._finish()
        self._set_status(text)
        self.select_when_listed(info.id)
        self.subscribed.emit(info.id)
        if result.task_ids:
            self.episodes_queued.emit(list(result.task_ids))

    def _not_subscribed(self, exc: Exception) -> None:
        from podcast_desk.library.subscriptions import InvalidFeed

        self._finish()
        self._show_summary()
        if isinstance(exc, InvalidFeed):
            self.show_error(self.tr("Not subscribed: {0}").format(exc))
        else:
            self.show_error(self.tr("Not subscribed; that did not work: {0}").format(exc))

    def select_when_listed(self, subscription_id: int) -> None:
        if self.select(subscription_id):
            return

        def once(_count: int) -> None:
            self.refreshed.disconnect(once)
            self.select(subscription_id)

        self.refreshed.connect(once)

    # -- checking and unsubscribing ------------------------------------------------------

    @Slot()
    def on_check_button_clicked(self) -> None:
        ids = self.selected_ids() or [self.model.info(r).id
                                      for r in range(self.model.rowCount())]
        if not ids:
            return
        core = self.core
        self._start(self.tr("Checking %n feed(s)…", "", len(ids)))
        self.calls.call(lambda: off_thread(core, check, core, ids),
                        if_alive(self, self._checked), if_alive(self, self._action_failed))

    def _checked(self, results: list[CheckResult]) -> None:
        task_ids = [t for r in results for t in r.task_ids]
        failed = sum(1 for r in results if r.status == "failed")
        if task_ids:
            text = self.tr("%n new episode(s) queued.", "", len(task_ids))
        else:
            text = self.tr("No new episodes.")
        if failed:
            text += " " + self.tr("%n feed(s) could not be checked; see the Status column.",
                                  "", failed)
        self._finish()
        self._set_status(text)
        self.checked.emit(results)
        if task_ids:
            self.episodes_queued.emit(task_ids)

    def _action_failed(self, exc: Exception) -> None:
        self._finish()
        self._set_status(self.tr("That did not work: {0}").format(exc))

    @Slot()
    def on_unsubscribe_button_clicked(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        if len(ids) == 1:
            row = self.model.row_of(ids[0])
            info = self.model.info(row) if row is not None else None
            name = (info.title or info.feed_url) if info is not None else str(ids[0])
            question = self.tr("Unsubscribe from “{0}”?").format(name)
        else:
            question = self.tr("Unsubscribe from %n feeds?", "", len(ids))
        text = question + "\n\n" + self.tr(
            "Episodes already queued or processed stay in your list.")
        if not self.ask(self.tr("Unsubscribe"), text):
            return
        core = self.core
        self._start(self.tr("Unsubscribing…"))
        self.calls.call(lambda: off_thread(core, unsubscribe, core, ids),
                        if_alive(self, self._unsubscribed), if_alive(self, self._action_failed))

    def _unsubscribed(self, gone: list[SubscriptionInfo]) -> None:
        self._finish()
        if len(gone) == 1:
            text = self.tr("Unsubscribed from {0}.").format(gone[0].title or gone[0].feed_url)
        else:
            text = self.tr("Unsubscribed from %n feeds.", "", len(gone))
        self._set_status(text)
        self.unsubscribed.emit([info.id for info in gone])

    # -- dialogs (tests replace these) -------------------------------------------------

    def ask(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(
            self, title, text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes
