"""The tray icon: status tooltip, a small menu, and notifications when episodes finish."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon


class Tray(QObject):
    """A QSystemTrayIcon with a status tooltip ("2 running · 3 queued") and a menu.

    The menu shows the actions it is given (None is a separator): show window,
    pause/resume, add from the clipboard, quit. The main window owns them and keeps them
    translated. A click on the icon calls ``on_activated``.

    Signals:
        none (it reports through the actions it shows).
    """

    def __init__(self, icon: QIcon, actions: Sequence[QAction | None], *,
                 on_activated: Callable[[], None] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.menu = QMenu()
        for action in actions:
            if action is None:
                self.menu.addSeparator()
            else:
                self.menu.addAction(action)
        self.icon = QSystemTrayIcon(icon, self)
        self.icon.setContextMenu(self.menu)
        self._on_activated = on_activated
        self.icon.activated.connect(self.on_icon_activated)
        self._counts: dict[str, int] = {}
        self._paused = False
        self.update_tooltip()

    @staticmethod
    def available() -> bool:
        return bool(QSystemTrayIcon.isSystemTrayAvailable())

    def show(self) -> None:
        self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    @property
    def visible(self) -> bool:
        return bool(self.icon.isVisible())

    def on_icon_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger,
                      QSystemTrayIcon.ActivationReason.DoubleClick) and (
                self._on_activated is not None):
            self._on_activated()

    def set_counts(self, counts: Mapping[str, int]) -> None:
        self._counts = dict(counts)
        self.update_tooltip()

    def set_paused(self, paused: bool) -> None:
        self._paused = paused
        self.update_tooltip()

    def status_text(self) -> str:
        running = self._counts.get("RUNNING", 0)
        queued = self._counts.get("PENDING", 0)
        parts = []
        if running:
            parts.append(self.tr("%n running", "", running))
        if queued:
            parts.append(self.tr("%n queued", "", queued))
        text = " · ".join(parts) if parts else self.tr("Nothing to do")
        if self._paused:
            text += " · " + self.tr("paused")
        return text

    def update_tooltip(self) -> None:
        self.icon.setToolTip(f"Podcast Desk\n{self.status_text()}")

    def notify(self, title: str, message: str, *, failed: bool = False,
               msecs: int = 8000) -> None:
        icon = (QSystemTrayIcon.MessageIcon.Warning if failed
                else QSystemTrayIcon.MessageIcon.Information)
        if self.icon.isVisible() and QSystemTrayIcon.supportsMessages():
            self.icon.showMessage(title, message, icon, msecs)

    def retranslate(self) -> None:
        self.update_tooltip()
