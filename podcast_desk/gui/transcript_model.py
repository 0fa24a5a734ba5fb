"""The transcript as a list model: segments, search hits and the line being played."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from podcast_desk.text import clock

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class Line:
    """One transcript segment: ``start``/``end`` in seconds and its text."""

    start: float
    end: float
    text: str


@dataclass(frozen=True, slots=True)
class Hit:
    """One search match: ``length`` characters of row ``row``'s text from ``offset``."""

    row: int
    offset: int
    length: int


class TranscriptModel(QAbstractListModel):
    """Segments in time order, one row each, with search hits and the current line.

    Besides ``DisplayRole`` (``"[m:ss] text"``) rows answer the custom roles below; the
    delegate paints from them. Searching is case-insensitive and literal; every match in
    every row is a hit, and one hit at a time is "current" (navigated with next/previous).

    Signals:
        hits_changed: the search hits or the current hit changed.
        current_row_changed(int): the line being played changed (-1: none).
    """

    StartRole = Qt.ItemDataRole.UserRole + 1
    EndRole = Qt.ItemDataRole.UserRole + 2
    TextRole = Qt.ItemDataRole.UserRole + 3
    SpansRole = Qt.ItemDataRole.UserRole + 4
    """``[(offset, length, is_current_hit)]`` of the search matches in the row's text."""
    IsCurrentRole = Qt.ItemDataRole.UserRole + 5
    """True for the line being played."""

    hits_changed = Signal()
    current_row_changed = Signal(int)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._lines: list[Line] = []
        self._starts: list[float] = []
        self._query = ""
        self._hits: list[Hit] = []
        self._hits_by_row: dict[int, list[Hit]] = {}
        self._current_hit = -1
        self._current_row = -1

    # -- content -------------------------------------------------------------------------

    def set_segments(self, segments: Iterable[Mapping[str, Any]]) -> None:
        """Replace the rows with ``[{"start", "end", "text"}]`` (sorted by start here)."""
        lines = sorted(
            (Line(float(s["start"]), float(s["end"]), str(s["text"]).strip()) for s in segments),
            key=lambda line: line.start,
        )
        self.beginResetModel()
        self._lines = lines
        self._starts = [line.start for line in lines]
        self._current_row = -1
        self._find(self._query)
        self.endResetModel()
        self.hits_changed.emit()
        self.current_row_changed.emit(-1)

    def line(self, row: int) -> Line:
        """The segment in ``row``."""
        return self._lines[row]

    def lines(self) -> list[Line]:
        """Every segment, in time order (a copy)."""
        return list(self._lines)

    def row_at(self, seconds: float) -> int:
        """The row being spoken at ``seconds``: the last one starting at or before it (-1 before
        the first, or when empty)."""
        return bisect.bisect_right(self._starts, seconds + 1e-6) - 1

    def as_text(self) -> str:
        """The transcript as plain text, one ``[m:ss] text`` line per segment."""
        return "\n".join(f"[{clock(line.start)}] {line.text}" for line in self._lines)

    # -- the line being played -----------------------------------------------------------

    @property
    def current_row(self) -> int:
        return self._current_row

    def set_current_row(self, row: int) -> None:
        """Mark ``row`` as the line being played (-1: none)."""
        row = row if 0 <= row < len(self._lines) else -1
        if row == self._current_row:
            return
        old, self._current_row = self._current_row, row
        roles = [self.IsCurrentRole]
        for changed in (old, row):
            if changed >= 0:
                index = self.index(changed, 0)
                self.dataChanged.emit(index, index, roles)
        self.current_row_changed.emit(row)

    # -- search --------------------------------------------------------------------------

    @property
    def query(self) -> str:
        return self._query

    @property
    def hits(self) -> list[Hit]:
        """Every match of the search, in reading order (a copy)."""
        return list(self._hits)

    @property
    def current_hit(self) -> int:
        """The index into ``hits`` of the current hit, -1 when there are none."""
        return self._current_hit

    def set_query(self, query: str) -> int:
        """Search for ``query`` (trimmed, case-insensitive); returns the number of hits.

        The first hit becomes current.
        """
        query = query.strip()
        if query == self._query:
            return len(self._hits)
        old_rows = set(self._hits_by_row)
        self._find(query)
        self._rows_changed(old_rows | set(self._hits_by_row))
        self.hits_changed.emit()
        return len(self._hits)

    def set_current_hit(self, number: int) -> Hit | None:
        """Make hit ``number`` (wrapping around) current and return it."""
        if not self._hits:
            return None
        old = self._hits[self._current_hit].row if self._current_hit >= 0 else -1
        self._current_hit = number % len(self._hits)
        hit = self._hits[self._current_hit]
        self._rows_changed({old, hit.row} - {-1})
        self.hits_changed.emit()
        return hit

    def next_hit(self) -> Hit | None:
        """Move to the next hit (after the last comes the first)."""
        return self.set_current_hit(self._current_hit + 1)

    def previous_hit(self) -> Hit | None:
        """Move to the previous hit (before the first comes the last)."""
        return self.set_current_hit(self._current_hit - 1)

    def _find(self, query: str) -> None:
        self._query = query
        self._hits = []
        self._hits_by_row = {}
        self._current_hit = -1
        if not query:
            return
        pattern = re.compile(re.escape(query), re.IGNORECASE)
        for row, line in enumerate(self._lines):
            found = [Hit(row, m.start(), m.end() - m.start()) for m in pattern.finditer(line.text)]
            if found:
                self._hits.extend(found)
                self._hits_by_row[row] = found
        if self._hits:
            self._current_hit = 0

    def _rows_changed(self, rows: set[int]) -> None:
        if not rows:
            return
        # One signal for the span keeps a search over thousands of rows cheap for the view.
        first, last = self.index(min(rows), 0), self.index(max(rows), 0)
        self.dataChanged.emit(first, last, [self.SpansRole])

    # -- QAbstractListModel ----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._lines):
            return None
        row = index.row()
        line = self._lines[row]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return f"[{clock(line.start)}] {line.text}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{clock(line.start)} {line.text}"
        if role == self.StartRole:
            return line.start
        if role == self.EndRole:
            return line.end
        if role == self.TextRole:
            return line.text
        if role == self.SpansRole:
            current = self._hits[self._current_hit] if self._current_hit >= 0 else None
            return [(h.offset, h.length, h == current) for h in self._hits_by_row.get(row, [])]
        if role == self.IsCurrentRole:
            return row == self._current_row
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )
