"""The task table: rows read off the GUI thread, merged in place, filtered, drawn with bars."""

from __future__ import annotations

import bisect
import logging
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from enum import IntEnum
from typing import Any

from peewee import SqliteDatabase
from PySide6.QtCore import (
    QAbstractTableModel,
    QDateTime,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
)

from podcast_desk.gui.worker import BackgroundCalls
from podcast_desk.tasks.progress import Progress

log = logging.getLogger(__name__)

ModelIndex = QModelIndex | QPersistentModelIndex

PENDING, RUNNING, COMPLETED, FAILED, CANCELLED = (
    "PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED")
FINISHED = frozenset({COMPLETED, FAILED, CANCELLED})

# How long live progress from the in-app runner wins over what the database says.
LIVE_SECONDS = 3.0
# Rows changed this long before the newest ``updated_at`` seen are read again, so a
# transaction that committed late (or a second process's clock) is not missed.
OVERLAP_SECONDS = 2.0


@dataclass(slots=True)
class TaskRow:
    """One task as the table shows it (a read-only copy of its database row)."""

    id: str
    status: str
    stage: str
    progress: float
    detail: str
    title: str
    source: str
    kind: str
    error: str | None
    priority: int
    created_at: float
    updated_at: float
    next_run_at: float
    cancel_requested: bool
    episode_id: int | None
    eta: float | None = field(default=None, compare=False)
    live_until: float = field(default=0.0, compare=False)

    @property
    def label(self) -> str:
        return self.title or self.source


_DB_FIELDS = tuple(f.name for f in fields(TaskRow) if f.compare)


# -- reading (on worker threads) ----------------------------------------------------------

_COLUMNS = (
    "id, status, stage, progress, detail, title, "
    "COALESCE(json_extract(data, '$.source'), ''), COALESCE(json_extract(data, '$.kind'), ''), "
    "error, priority, created_at, updated_at, next_run_at, cancel_requested, "
    "json_extract(result, '$.episodeId')"
)
# Newest first; ties (tasks added in one transaction) by id so the order is stable.
_ORDER = " ORDER BY created_at DESC, id ASC"


def _order_key(row: TaskRow) -> tuple[float, str]:
    return (-row.created_at, row.id)


def _row(values: Sequence[Any]) -> TaskRow:
    (task_id, status, stage, progress, detail, title, source, kind, error, priority,
     created_at, updated_at, next_run_at, cancel_requested, episode_id) = values
    return TaskRow(
        id=task_id, status=status, stage=stage or "", progress=float(progress or 0.0),
        detail=detail or "", title=title or "", source=str(source), kind=str(kind),
        error=error, priority=int(priority), created_at=float(created_at),
        updated_at=float(updated_at), next_run_at=float(next_run_at),
        cancel_requested=bool(cancel_requested),
        episode_id=int(episode_id) if episode_id is not None else None,
    )


@dataclass(frozen=True)
class Snapshot:
    """What one background read found: rows (all, or the changed ones) and the counts."""

    rows: list[TaskRow]
    counts: dict[str, int]
    full: bool
    high_water: float

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _query(db: SqliteDatabase, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    database: Any = db  # peewee's execute_sql is not annotated
    return list(database.execute_sql(sql, params).fetchall())


def _counts(db: SqliteDatabase) -> dict[str, int]:
    counts = dict.fromkeys((PENDING, RUNNING, COMPLETED, FAILED, CANCELLED), 0)
    for status, count in _query(db, "SELECT status, COUNT(*) FROM task GROUP BY status"):
        counts[status] = int(count)
    return counts


def read_all(db: SqliteDatabase) -> Snapshot:
    """Every task, newest first (one query; ~10,000 rows take tens of milliseconds)."""
    with db.atomic():  # one read transaction: rows and counts agree
        rows = [_row(r) for r in _query(db, f"SELECT {_COLUMNS} FROM task{_ORDER}")]
        counts = _counts(db)
    high = max((r.updated_at for r in rows), default=0.0)
    return Snapshot(rows, counts, True, high)


def read_changes(db: SqliteDatabase, since: float) -> Snapshot:
    """Tasks whose ``updated_at`` is at or after ``since``, and the counts by status."""
    with db.atomic():
        rows = [_row(r) for r in _query(
            db, f"SELECT {_COLUMNS} FROM task WHERE updated_at >= ?{_ORDER}", (since,))]
        counts = _counts(db)
    high = max((r.updated_at for r in rows), default=since)
    return Snapshot(rows, counts, False, high)


def read_ids(db: SqliteDatabase) -> set[str]:
    """Every task id (to notice tasks removed by another process)."""
    return {r[0] for r in _query(db, "SELECT id FROM task")}


def read_rows(db: SqliteDatabase, ids: Iterable[str]) -> list[TaskRow]:
    """The rows of these tasks (those that still exist)."""
    wanted = list(ids)
    rows: list[TaskRow] = []
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        rows += [_row(r) for r in _query(
            db, f"SELECT {_COLUMNS} FROM task WHERE id IN ({marks}){_ORDER}", chunk)]
    return rows


# -- the model -----------------------------------------------------------------------------


class Column(IntEnum):
    TITLE = 0
    STATUS = 1
    STAGE = 2
    PROGRESS = 3
    ETA = 4
    ADDED = 5
    ERROR = 6


class Role(IntEnum):
    TASK_ID = Qt.ItemDataRole.UserRole + 1
    STATUS = Qt.ItemDataRole.UserRole + 2
    PROGRESS = Qt.ItemDataRole.UserRole + 3
    SORT = Qt.ItemDataRole.UserRole + 4
    ROW = Qt.ItemDataRole.UserRole + 5
    SHOW_BAR = Qt.ItemDataRole.UserRole + 6


_FIXED_DETAILS = frozenset(
    {"Looking at the link", "Resolved", "Downloading", "Downloaded", "Summarizing"})
_DETAIL_PATTERNS = (
    ("transcribing", re.compile(r"^Transcribing (\d[\d:]*) / (\d[\d:]*)$")),
    ("transcribing_at", re.compile(r"^Transcribing (\d[\d:]*)$")),
    ("downloading_of", re.compile(r"^Downloading (.+?) of (.+?)(?: · (.+)/s)?$")),
    ("downloading_bytes", re.compile(r"^Downloading (\d.*?)(?: · (.+)/s)?$")),
    ("summarized", re.compile(r"^Summarized \((.+)\)$")),
)


_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_COLUMNS_N = len(Column)


class TaskTableModel(QAbstractTableModel):
    """Tasks newest first, one row each; updated in place (no reset after the first load).

    ``replace_all`` loads everything once; ``merge`` applies changed rows (dataChanged
    for changed rows, inserts for new ones); ``remove_ids`` removes rows; the ``apply_*``
    methods take live events from the in-app runner. ``data`` is on the paint path of a
    table that may hold 10,000 rows and runs while a worker thread wants the GIL, so it
    dispatches by role through a dict and uses texts translated once per language.

    Signals:
        task_status_changed(str, str, str): a task's status changed (id, old, new).
    """

    task_status_changed = Signal(str, str, str)

    def __init__(self, parent: QObject | None = None, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self._rows: list[TaskRow] = []
        self._index: dict[str, int] = {}
        self._clock = clock
        self._t: dict[str, str] = {}
        self._added: dict[str, str] = {}
        self._added_day = ""
        self._red = QColor("#b3261e")
        self._green = QColor("#2e7d32")
        self._roles: dict[int, Callable[[TaskRow, int], Any]] = {
            _DISPLAY: self._display,
            _TOOLTIP: self._tooltip,
            _FOREGROUND: self._foreground,
            _ALIGNMENT: self._alignment,
            int(Role.TASK_ID): lambda row, _c: row.id,
            int(Role.STATUS): lambda row, _c: row.status,
            int(Role.PROGRESS): lambda row, _c: row.progress,
            int(Role.SHOW_BAR): lambda row, _c: row.status == RUNNING or (
                row.status == PENDING and row.progress > 0),
            int(Role.ROW): lambda row, _c: row,
            int(Role.SORT): self._sort_value,
        }
        self._load_texts()

    # -- access -----------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else _COLUMNS_N

    def row_at(self, row: int) -> TaskRow:
        return self._rows[row]

    def row_of(self, task_id: str) -> int | None:
        return self._index.get(task_id)

    def task(self, task_id: str) -> TaskRow | None:
        row = self._index.get(task_id)
        return self._rows[row] if row is not None else None

    def task_ids(self) -> list[str]:
        return [r.id for r in self._rows]

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemNeverHasChildren)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < _COLUMNS_N:
            return None
        if role == _DISPLAY:
            return self.column_titles()[section]
        if role == _ALIGNMENT:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return None

    def column_titles(self) -> list[str]:
        return [self.tr("Title"), self.tr("Status"), self.tr("Stage"), self.tr("Progress"),
                self.tr("Time left"), self.tr("Added"), self.tr("Error")]

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        handler = self._roles.get(role)
        if handler is None or not index.isValid():
            return None
        row = index.row()
        if row >= len(self._rows):
            return None
        return handler(self._rows[row], index.column())

    # -- text -------------------------------------------------------------------------

    def _load_texts(self) -> None:
        """Translate the fixed texts once (at start and when the language changes)."""
        self._added.clear()
        self._t = {
            "cancelling": self.tr("Cancelling…"),
            RUNNING: self.tr("Running"),
            "retrying": self.tr("Waiting to retry"),
            "paused": self.tr("Paused"),
            PENDING: self.tr("Queued"),
            COMPLETED: self.tr("Done"),
            FAILED: self.tr("Failed"),
            CANCELLED: self.tr("Cancelled"),
            "stage:resolve": self.tr("Looking up"),
            "stage:download": self.tr("Downloading"),
            "stage:transcribe": self.tr("Transcribing"),
            "stage:summarize": self.tr("Summarizing"),
            "stage:starting": self.tr("Starting"),
            "Looking at the link": self.tr("Looking at the link"),
            "Resolved": self.tr("Found the episode"),
            "Downloading": self.tr("Downloading"),
            "Downloaded": self.tr("Downloaded"),
            "Summarizing": self.tr("Summarizing"),
            "transcribing": self.tr("Transcribing {0} / {1}"),
            "transcribing_at": self.tr("Transcribing {0}"),
            "downloading_of": self.tr("Downloading {0} of {1}"),
            "downloading_bytes": self.tr("Downloading {0}"),
            "speed": self.tr(" · {0}/s"),
            "summarized": self.tr("Summarized ({0})"),
            "resumable": self.tr("{0:.0f}% done, resumes from here"),
            "seconds": self.tr("{0} s"),
            "minutes": self.tr("{0} min"),
            "hours": self.tr("{0} h {1} min"),
        }

    def status_text(self, row: TaskRow) -> str:
        t = self._t
        if row.status == RUNNING:
            return t["cancelling"] if row.cancel_requested else t[RUNNING]
        if row.status == PENDING:
            if row.error and row.next_run_at > time.time():
                return t["retrying"]
            if row.progress > 0:
                return t["paused"]
            return t[PENDING]
        return t.get(row.status, row.status)

    def stage_text(self, stage: str) -> str:
        return self._t.get(f"stage:{stage}", stage)

    def detail_text(self, detail: str) -> str:
        """The runner's English progress line, in the window's language where it is known."""
        t = self._t
        fixed = t.get(detail) if detail in _FIXED_DETAILS else None
        if fixed is not None:
            return fixed
        for name, pattern in _DETAIL_PATTERNS:
            m = pattern.match(detail)
            if m is None:
                continue
            if name in ("transcribing", "downloading_of"):
                text = t[name].format(m[1], m[2])
                if name == "downloading_of" and m[3]:
                    text += t["speed"].format(m[3])
                return text
            if name == "downloading_bytes":
                return t[name].format(m[1]) + (t["speed"].format(m[2]) if m[2] else "")
            return t[name].format(m[1])
        return detail

    def progress_text(self, row: TaskRow) -> str:
        if row.status == RUNNING:
            text = self.detail_text(row.detail) if row.detail else self.stage_text(row.stage)
            return text or self._t["stage:starting"]
        if row.status == PENDING and row.progress > 0:
            return self._t["resumable"].format(row.progress)
        return ""

    def eta_text(self, row: TaskRow) -> str:
        if row.status != RUNNING or row.eta is None or row.eta <= 0:
            return ""
        seconds = int(row.eta)
        if seconds < 60:
            return self._t["seconds"].format(max(1, seconds))
        if seconds < 3600:
            return self._t["minutes"].format(round(seconds / 60))
        return self._t["hours"].format(seconds // 3600, seconds % 3600 // 60)

    def added_text(self, row: TaskRow) -> str:
        text = self._added.get(row.id)
        if text is None:
            when = QDateTime.fromSecsSinceEpoch(int(row.created_at))
            locale = QLocale()
            if when.date() == QDateTime.currentDateTime().date():
                text = locale.toString(when.time(), QLocale.FormatType.ShortFormat)
            else:
                text = locale.toString(when, QLocale.FormatType.ShortFormat)
            self._added[row.id] = text
        return text

    def new_day_check(self) -> None:
        """Forget cached times when the day changed ("14:03" became yesterday's)."""
        day = time.strftime("%Y-%m-%d")
        if day != self._added_day:
            self._added_day = day
            self._added.clear()
            if self._rows:
                self.dataChanged.emit(self.index(0, Column.ADDED),
                                      self.index(len(self._rows) - 1, Column.ADDED),
                                      [Qt.ItemDataRole.DisplayRole])

    def _display(self, row: TaskRow, column: int) -> str:
        if column == Column.TITLE:
            return row.title or row.source
        if column == Column.STATUS:
            return self.status_text(row)
        if column == Column.STAGE:
            shown = row.status in (RUNNING, FAILED) or (row.status == PENDING and row.progress)
            return self.stage_text(row.stage) if row.stage and shown else ""
        if column == Column.PROGRESS:
            return self.progress_text(row)
        if column == Column.ETA:
            return self.eta_text(row)
        if column == Column.ADDED:
            return self.added_text(row)
        if row.error and row.status in (FAILED, PENDING):
            return row.error.splitlines()[0]
        return ""

    def _foreground(self, row: TaskRow, column: int) -> QColor | None:
        if row.status == FAILED and column in (Column.STATUS, Column.ERROR):
            return self._red
        if row.status == COMPLETED and column == Column.STATUS:
            return self._green
        return None

    def _alignment(self, _row: TaskRow, column: int) -> int | None:
        return _RIGHT if column in (Column.ETA, Column.ADDED) else None

    def _tooltip(self, row: TaskRow, column: int) -> str | None:
        if column == Column.TITLE:
            return f"{row.title}\n{row.source}" if row.title else row.source
        if column == Column.ERROR and row.error:
            return row.error
        if column == Column.PROGRESS and row.status == RUNNING:
            return f"{self.progress_text(row)} ({row.progress:.0f}%)"
        return None

    def _sort_value(self, row: TaskRow, column: int) -> Any:
        if column == Column.TITLE:
            return row.label.casefold()
        if column == Column.STATUS:
            return row.status
        if column == Column.STAGE:
            return row.stage
        if column == Column.PROGRESS:
            return row.progress
        if column == Column.ETA:
            return row.eta if row.eta is not None else -1.0
        if column == Column.ADDED:
            return row.created_at
        return row.error or ""

    def retranslate(self) -> None:
        """Translate again and tell views that every text changed (language switched)."""
        self._load_texts()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._rows) - 1, len(Column) - 1),
                                  [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole])

    # -- updates ----------------------------------------------------------------------

    def replace_all(self, rows: list[TaskRow]) -> None:
        """Load every row (the first load only: this resets the model)."""
        self.beginResetModel()
        self._rows = sorted(rows, key=_order_key)
        self._reindex()
        self.endResetModel()

    def merge(self, rows: Iterable[TaskRow]) -> tuple[int, int]:
        """Apply rows read from the database; returns (changed, inserted) counts.

        Existing rows change in place (dataChanged for exactly those rows); unknown ones
        are inserted at their place in the order. A row older than what the model holds
        is ignored; while live progress from the in-app runner is fresh, the database's
        (older) progress of a running task does not overwrite it.
        """
        now = self._clock()
        changed: list[int] = []
        new: dict[str, TaskRow] = {}
        for incoming in rows:
            position = self._index.get(incoming.id)
            if position is None:
                new[incoming.id] = incoming
                continue
            current = self._rows[position]
            if incoming.updated_at < current.updated_at:
                continue
            old_status = current.status
            if self._merge_into(current, incoming, now):
                changed.append(position)
                if current.status != old_status:
                    self.task_status_changed.emit(current.id, old_status, current.status)
        self._emit_changed(changed)
        self._insert(list(new.values()))
        return len(changed), len(new)

    def _merge_into(self, current: TaskRow, incoming: TaskRow, now: float) -> bool:
        live = now < current.live_until and incoming.status == RUNNING
        keep = {"status", "stage", "progress", "detail"} if live else set()
        dirty = False
        for name in _DB_FIELDS:
            if name in keep:
                continue
            value = getattr(incoming, name)
            if name == "title" and not value:
                continue
            if getattr(current, name) != value:
                setattr(current, name, value)
                dirty = True
        if not live:
            current.live_until = 0.0
            if current.status != RUNNING and current.eta is not None:
                current.eta = None
                dirty = True
        return dirty

    def _insert(self, rows: list[TaskRow]) -> None:
        if not rows:
            return
        rows.sort(key=_order_key)
        positions = [bisect.bisect_left(self._rows, _order_key(r), key=_order_key)
                     for r in rows]
        groups: list[tuple[int, list[TaskRow]]] = []
        for position, row in zip(positions, rows, strict=True):
            if groups and groups[-1][0] == position:
                groups[-1][1].append(row)
            else:
                groups.append((position, [row]))
        for position, group in reversed(groups):  # back to front: positions stay valid
            self.beginInsertRows(QModelIndex(), position, position + len(group) - 1)
            self._rows[position:position] = group
            self.endInsertRows()
        self._reindex()

    def remove_ids(self, ids: Iterable[str]) -> int:
        """Remove these tasks' rows (contiguous runs at once); returns how many."""
        positions = sorted({p for i in ids if (p := self._index.get(i)) is not None})
        if not positions:
            return 0
        runs: list[list[int]] = []
        for p in positions:
            if runs and runs[-1][1] == p - 1:
                runs[-1][1] = p
            else:
                runs.append([p, p])
        for first, last in reversed(runs):
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._rows[first:last + 1]
            self.endRemoveRows()
        self._reindex()
        return len(positions)

    def apply_started(self, task_id: str, title: str) -> None:
        row = self.task(task_id)
        if row is None:
            return
        old = row.status
        row.status = RUNNING
        row.live_until = self._clock() + LIVE_SECONDS
        row.error = None
        if title:
            row.title = title
        self._emit_changed([self._index[task_id]])
        if old != RUNNING:
            self.task_status_changed.emit(task_id, old, RUNNING)

    def apply_progress(self, progress: Progress) -> None:
        """Live progress from the in-app runner (via the bridge)."""
        row = self.task(progress.task_id)
        if row is None:
            return
        old = row.status
        row.status = RUNNING
        row.stage = progress.stage
        row.progress = max(0.0, min(100.0, progress.percent))
        row.detail = progress.detail
        row.eta = progress.eta
        if progress.title:
            row.title = progress.title
        row.live_until = self._clock() + LIVE_SECONDS
        self._emit_changed([self._index[progress.task_id]])
        if old != RUNNING:
            self.task_status_changed.emit(row.id, old, RUNNING)

    def apply_finished(self, task_id: str, status: str, message: str) -> None:
        """The in-app runner let go of the task; the database read that follows fills in."""
        row = self.task(task_id)
        if row is None or status == RUNNING:
            return
        old = row.status
        row.status = status
        row.eta = None
        row.live_until = self._clock() + LIVE_SECONDS
        if status == COMPLETED:
            row.progress = 100.0
            row.detail = ""
        elif status == FAILED and message:
            row.error = message
        self._emit_changed([self._index[task_id]])
        if old != status:
            self.task_status_changed.emit(task_id, old, status)

    def _emit_changed(self, positions: list[int]) -> None:
        if not positions:
            return
        positions.sort()
        first = last = positions[0]
        last_column = len(Column) - 1
        for p in positions[1:]:
            if p == last + 1:
                last = p
                continue
            self.dataChanged.emit(self.index(first, 0), self.index(last, last_column))
            first = last = p
        self.dataChanged.emit(self.index(first, 0), self.index(last, last_column))

    def _reindex(self) -> None:
        self._index = {row.id: i for i, row in enumerate(self._rows)}


# -- filtering -----------------------------------------------------------------------------


class TaskFilter(IntEnum):
    ALL = 0
    ACTIVE = 1
    DONE = 2
    FAILED = 3


FILTER_STATUSES: dict[TaskFilter, frozenset[str] | None] = {
    TaskFilter.ALL: None,
    TaskFilter.ACTIVE: frozenset({PENDING, RUNNING}),
    TaskFilter.DONE: frozenset({COMPLETED}),
    TaskFilter.FAILED: frozenset({FAILED, CANCELLED}),
}


class TaskFilterProxy(QSortFilterProxyModel):
    """Shows all, active, done or failed (and cancelled) tasks; sorts by raw values."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._statuses: frozenset[str] | None = None
        self._filter = TaskFilter.ALL
        self.setSortRole(Role.SORT)
        self.setDynamicSortFilter(True)

    @property
    def task_filter(self) -> TaskFilter:
        return self._filter

    def set_task_filter(self, which: TaskFilter) -> None:
        if which == self._filter:
            return
        self.beginFilterChange()
        self._filter = which
        self._statuses = FILTER_STATUSES[which]
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:
        if self._statuses is None:
            return True
        model = self.sourceModel()
        assert isinstance(model, TaskTableModel)
        return model.row_at(source_row).status in self._statuses


# -- keeping up with the database ----------------------------------------------------------


class TaskSync(QObject):
    """Keeps a TaskTableModel in step with the database, reading on a worker thread.

    The first read loads every task; then every ``interval_ms`` a cheap read fetches the
    rows changed since the newest ``updated_at`` seen (tasks added or moved by the CLI or
    another worker appear without a restart). When the row count disagrees with the
    database, ids are compared once to drop removed tasks and fetch missing ones.

    Signals:
        loaded(int): the first read finished (number of tasks).
        counts_changed(object): tasks per status, a dict like {"RUNNING": 1, …}.
        refreshed(): a read was applied to the model.
    """

    loaded = Signal(int)
    counts_changed = Signal(object)
    refreshed = Signal()

    def __init__(self, db: SqliteDatabase, model: TaskTableModel, calls: BackgroundCalls,
                 *, interval_ms: int = 1000, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.model = model
        self.calls = calls
        self.counts: dict[str, int] = {}
        self.is_loaded = False
        self._high_water = 0.0
        self._busy = False
        self._again = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.on_timer_timeout)

    def start(self) -> None:
        """First load, then periodic refreshes."""
        self._read(lambda: read_all(self.db))
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def refresh_now(self) -> None:
        """Read changes at once (after this window changed something)."""
        if not self.is_loaded:
            return
        if self._busy:
            self._again = True
            return
        since = self._high_water - OVERLAP_SECONDS
        self._read(lambda: read_changes(self.db, since))

    def on_timer_timeout(self) -> None:
        if not self._busy:
            self.refresh_now()

    def _read(self, fn: Callable[[], Snapshot]) -> None:
        self._busy = True
        self.calls.call(fn, self.on_snapshot_read, self.on_read_failed)

    def on_read_failed(self, exc: Any) -> None:
        self._busy = False
        log.warning("reading the task list failed: %s", exc)

    def on_snapshot_read(self, snapshot: Snapshot) -> None:
        self._busy = False
        if snapshot.full:
            self.model.replace_all(snapshot.rows)
            self.is_loaded = True
            self.loaded.emit(len(snapshot.rows))
        else:
            self.model.merge(snapshot.rows)
        self._high_water = max(self._high_water, snapshot.high_water)
        self.model.new_day_check()
        if snapshot.counts != self.counts:
            self.counts = snapshot.counts
            self.counts_changed.emit(dict(snapshot.counts))
        self.refreshed.emit()
        if self.model.rowCount() != snapshot.total:
            self._reconcile()
        elif self._again:
            self._again = False
            self.refresh_now()

    def _reconcile(self) -> None:
        self._busy = True
        known = set(self.model.task_ids())
        db = self.db

        def work() -> tuple[set[str], list[TaskRow]]:
            ids = read_ids(db)
            return known - ids, read_rows(db, ids - known)

        self.calls.call(work, self.on_reconciled, self.on_read_failed)

    def on_reconciled(self, found: tuple[set[str], list[TaskRow]]) -> None:
        self._busy = False
        gone, missing = found
        self.model.remove_ids(gone)
        self.model.merge(missing)
        self.refreshed.emit()
        if self._again:
            self._again = False
            self.refresh_now()


# -- drawing -------------------------------------------------------------------------------


class ProgressDelegate(QStyledItemDelegate):
    """Draws the progress column as a bar with the stage detail written on it."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        if not index.data(Role.SHOW_BAR):
            super().paint(painter, option, index)
            return
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        # selection background first, so a selected row looks selected
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(2, 3, -2, -3)
        bar.minimum = 0
        bar.maximum = 1000
        bar.progress = round(float(index.data(Role.PROGRESS) or 0.0) * 10)
        bar.text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        bar.textVisible = True
        bar.textAlignment = Qt.AlignmentFlag.AlignCenter
        bar.state = option.state | QStyle.StateFlag.State_Horizontal
        bar.palette = QPalette(option.palette)
        bar.fontMetrics = option.fontMetrics
        bar.direction = option.direction
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, widget)
