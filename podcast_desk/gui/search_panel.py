"""Search across every episode: a search box, results with highlighted snippets, best first."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QFont,
    QPainter,
    QPalette,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from podcast_desk.app import Core
from podcast_desk.gui.episode_view import if_alive, off_thread
from podcast_desk.gui.worker import BackgroundCalls
from podcast_desk.library.search import Hit
from podcast_desk.text import clock

Index = QModelIndex | QPersistentModelIndex

SEARCH_DELAY_MS = 250
RESULT_LIMIT = 50
# Snippet markers that cannot occur in text: the snippet is HTML-escaped, then they become
# <b>…</b>.
MARK = ("\x0e", "\x0f")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def snippet_html(snippet: str) -> str:
    """A snippet with ``MARK``ed matches as safe HTML: escaped, matches in <b>…</b>."""
    text = html.escape(snippet.replace(MARK[0], "\x01").replace(MARK[1], "\x02"))
    text = text.replace("\x01", "<b>").replace("\x02", "</b>")
    return _CONTROL.sub("", text)


def snippet_text(snippet: str) -> str:
    """A snippet without markers (for tooltips and accessibility)."""
    return snippet.replace(MARK[0], "").replace(MARK[1], "")


def run_search(core: Core, query: str, limit: int = RESULT_LIMIT) -> list[Hit]:
    """``library.search.search`` with this panel's markers (on a worker thread)."""
    from podcast_desk.library.search import search

    return search(query, limit=limit, db=core.db, mark=MARK)


class SearchResultsModel(QAbstractListModel):
    """Search hits, best first. DisplayRole is plain text; ``HtmlRole`` the snippet as HTML.

    Signals:
        results_changed(int): new results were set (their number).
    """

    HitRole = Qt.ItemDataRole.UserRole + 1
    HtmlRole = Qt.ItemDataRole.UserRole + 2
    WhereRole = Qt.ItemDataRole.UserRole + 3

    results_changed = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hits: list[Hit] = []
        self._html: list[str] = []
        self.query = ""

    def set_hits(self, query: str, hits: Sequence[Hit]) -> None:
        self.beginResetModel()
        self.query = query
        self._hits = list(hits)
        self._html = [snippet_html(h.snippet) for h in self._hits]
        self.endResetModel()
        self.results_changed.emit(len(self._hits))

    def clear(self) -> None:
        self.set_hits("", [])

    def hit(self, row: int) -> Hit:
        return self._hits[row]

    def where(self, hit: Hit) -> str:
        """Where in the episode the hit is: a time, or the field that matched."""
        if hit.field == "transcript":
            return clock(hit.start)
        return {
            "title": self.tr("Title"),
            "show": self.tr("Show"),
            "summary": self.tr("Summary"),
        }.get(hit.field, hit.field)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{hit.title} · {self.where(hit)} · {snippet_text(hit.snippet)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{hit.title} ({self.where(hit)})\n{snippet_text(hit.snippet)}"
        if role == self.HitRole:
            return hit
        if role == self.HtmlRole:
            return self._html[index.row()]
        if role == self.WhereRole:
            return self.where(hit)
        return None


class SearchHitDelegate(QStyledItemDelegate):
    """Paints a hit: the episode title and the time on one line, the snippet under it with
    its matches in bold (wrapped to at most three lines)."""

    PAD = 6
    SNIPPET_LINES = 3

    def _document(self, option: QStyleOptionViewItem, html_text: str, width: float,
                  colour: str) -> QTextDocument:
        doc = QTextDocument()
        doc.setDocumentMargin(0)
        doc.setDefaultFont(option.font)
        doc.setDefaultStyleSheet(f"body {{ color: {colour}; }}")
        doc.setHtml(f"<body>{html_text}</body>")
        doc.setTextWidth(width)
        return doc

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        metrics = option.fontMetrics
        width = max(120, option.rect.width() or 320)
        return QSize(width, 2 * self.PAD + metrics.height() + 4
                     + self.SNIPPET_LINES * metrics.lineSpacing())

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        painter.save()
        try:
            opt = QStyleOptionViewItem(option)
            self.initStyleOption(opt, index)
            opt.text = ""
            style = opt.widget.style() if opt.widget is not None else QApplication.style()
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
            selected = bool(opt.state & QStyle.StateFlag.State_Selected)
            text_role = (QPalette.ColorRole.HighlightedText if selected
                         else QPalette.ColorRole.Text)
            palette = opt.palette
            rect = opt.rect.adjusted(self.PAD, self.PAD, -self.PAD, -self.PAD)
            metrics = opt.fontMetrics
            where = str(index.data(SearchResultsModel.WhereRole) or "")
            hit = index.data(SearchResultsModel.HitRole)
            title = hit.title if hit is not None else ""
            where_width = metrics.horizontalAdvance(where) + 8
            bold = QFont(opt.font)
            bold.setBold(True)
            painter.setFont(bold)
            painter.setPen(palette.color(text_role))
            title_rect = rect.adjusted(0, 0, -where_width, 0)
            title_rect.setHeight(metrics.height())
            elided = painter.fontMetrics().elidedText(title, Qt.TextElideMode.ElideRight,
                                                      title_rect.width())
            painter.drawText(title_rect, int(Qt.AlignmentFlag.AlignLeft
                                             | Qt.AlignmentFlag.AlignVCenter), elided)
            painter.setFont(opt.font)
            painter.setPen(palette.color(QPalette.ColorRole.HighlightedText if selected
                                         else QPalette.ColorRole.Link))
            where_rect = rect.adjusted(rect.width() - where_width, 0, 0, 0)
            where_rect.setHeight(metrics.height())
            painter.drawText(where_rect, int(Qt.AlignmentFlag.AlignRight
                                             | Qt.AlignmentFlag.AlignVCenter), where)
            top = rect.top() + metrics.height() + 4
            height = rect.bottom() - top
            doc = self._document(opt, str(index.data(SearchResultsModel.HtmlRole) or ""),
                                 rect.width(), palette.color(text_role).name())
            painter.translate(rect.left(), top)
            painter.setClipRect(QRectF(0, 0, rect.width(), height))
            context = QAbstractTextDocumentLayout.PaintContext()
            context.palette.setColor(QPalette.ColorRole.Text, palette.color(text_role))
            context.clip = QRectF(0, 0, rect.width(), height)
            doc.documentLayout().draw(painter, context)
        finally:
            painter.restore()


class SearchPanel(QWidget):
    """A search box over every episode and its results; activating a result asks for the
    episode at that moment. Typing searches after a short pause (on a worker thread).

    Signals:
        searched(str, int): results for this query arrived (their number).
        search_failed(str): the search did not work; a sentence for the user.
        hit_activated(int, float): open this episode at these seconds.
    """

    searched = Signal(str, int)
    search_failed = Signal(str)
    hit_activated = Signal(int, float)

    def __init__(self, core: Core, parent: QWidget | None = None, *,
                 calls: BackgroundCalls | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self.calls = calls if calls is not None else BackgroundCalls(parent=self)
        self._generation = 0
        self._searching = False
        self.setObjectName("searchPanel")

        self.search_edit = QLineEdit(self)
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumHeight(28)
        self.search_edit.textChanged.connect(self.on_search_edit_text_changed)
        self.search_edit.returnPressed.connect(self.search_now)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SEARCH_DELAY_MS)
        self.timer.timeout.connect(self.search_now)
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.status_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self.model = SearchResultsModel(self)
        self.results_view = QListView(self)
        self.results_view.setModel(self.model)
        self.results_view.setItemDelegate(SearchHitDelegate(self.results_view))
        self.results_view.setUniformItemSizes(True)
        self.results_view.setAlternatingRowColors(True)
        self.results_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results_view.activated.connect(self.on_results_view_activated)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.status_label)
        layout.addWidget(self.results_view, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.search_edit.setPlaceholderText(self.tr("Search every episode"))
        self.search_edit.setAccessibleName(self.tr("Search every episode"))
        self.results_view.setToolTip(self.tr("Double-click or press Enter to open the "
                                             "episode at that moment"))
        self._show_status()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- searching -----------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def set_query(self, text: str) -> None:
        """Type ``text`` into the box and search at once."""
        self.search_edit.setText(text)
        self.search_now()

    @Slot(str)
    def on_search_edit_text_changed(self, _text: str) -> None:
        self.timer.start()

    @Slot()
    def search_now(self) -> None:
        """Search for what the box says, now (typing waits ``SEARCH_DELAY_MS`` first)."""
        self.timer.stop()
        query = self.search_edit.text().strip()
        self._generation += 1
        generation = self._generation
        if not query:
            self.model.clear()
            self._searching = False
            self._show_status()
            return
        self._searching = True
        self._show_status()
        core = self.core
        self.calls.call(
            lambda: off_thread(core, run_search, core, query),
            if_alive(self, lambda hits: self._found(generation, query, hits)),
            if_alive(self, lambda exc: self._failed(generation, exc)),
        )

    def _found(self, generation: int, query: str, hits: list[Hit]) -> None:
        if generation != self._generation:
            return  # a newer search is on its way
        self._searching = False
        self.model.set_hits(query, hits)
        if hits:
            self.results_view.setCurrentIndex(self.model.index(0, 0))
        self._show_status()
        self.searched.emit(query, len(hits))

    def _failed(self, generation: int, exc: Exception) -> None:
        if generation != self._generation:
            return
        self._searching = False
        message = self.tr("The search did not work: {0}").format(exc)
        self.status_label.setText(message)
        self.search_failed.emit(message)

    def _show_status(self) -> None:
        query = self.search_edit.text().strip()
        count = self.model.rowCount()
        if not query:
            text = self.tr("Find words in every transcript, title and summary.")
        elif self._searching:
            text = self.tr("Searching…")
        elif not count:
            text = self.tr("Nothing found for “{0}”.").format(self.model.query)
        elif count >= RESULT_LIMIT:
            text = self.tr("The best {0} matches; add words to narrow the search.").format(
                count)
        else:
            text = self.tr("%n match(es), best first.", "", count)
        self.status_label.setText(text)

    # -- opening -------------------------------------------------------------------------

    @Slot(QModelIndex)
    def on_results_view_activated(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        hit = self.model.hit(index.row())
        self.hit_activated.emit(hit.episode_id, hit.start)
