"""Window languages: English (the source strings) and Simplified Chinese, via QTranslator."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)

ENGLISH = "en"
CHINESE = "zh_CN"
SUPPORTED = (ENGLISH, CHINESE)
# Shown in language menus in their own language, never translated.
NATIVE_NAMES = {ENGLISH: "English", CHINESE: "简体中文"}


def system_language(locale: QLocale | None = None) -> str:
    """The supported language closest to the system locale (any Chinese → zh_CN)."""
    locale = locale or QLocale.system()
    if locale.language() == QLocale.Language.Chinese:
        return CHINESE
    return ENGLISH


def resolve_language(setting: str, locale: QLocale | None = None) -> str:
    """``settings.ui_language`` ("" follows the system) → a supported language code."""
    if setting in SUPPORTED:
        return setting
    if setting.replace("-", "_").lower().startswith("zh"):
        return CHINESE
    return system_language(locale)


class Translations:
    """Installs the translators for one language on the application.

    Every ``*_<language>.qm`` in the translations folder is loaded (one file per group of
    modules: ``main_zh_CN.qm``, ``episode_zh_CN.qm`` …), plus Qt's own strings for
    standard buttons. Installing or removing a translator makes Qt send a LanguageChange
    event to every widget, whose ``retranslate()`` then redraws its texts.
    """

    def __init__(self, app: QCoreApplication, directory: Path) -> None:
        self.app = app
        self.directory = directory
        self.language = ENGLISH
        self._installed: list[QTranslator] = []

    def files_for(self, language: str) -> list[Path]:
        if language == ENGLISH or not self.directory.is_dir():
            return []
        return sorted(self.directory.glob(f"*_{language}.qm"))

    def apply(self, setting: str) -> str:
        """Switch to the language ``setting`` asks for; returns the language used."""
        language = resolve_language(setting)
        for translator in self._installed:
            self.app.removeTranslator(translator)
        self._installed = []
        for path in self.files_for(language):
            self._install(str(path.parent), path.stem)
        if language != ENGLISH:
            qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            self._install(qt_dir, f"qtbase_{language}")
        QLocale.setDefault(QLocale(language))
        self.language = language
        log.info("window language: %s", language)
        return language

    def _install(self, directory: str, name: str) -> None:
        translator = QTranslator(self.app)
        if translator.load(name, directory):
            self.app.installTranslator(translator)
            self._installed.append(translator)
        else:
            log.info("no translation %s in %s", name, directory)
