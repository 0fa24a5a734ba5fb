"""Languages: English and Simplified Chinese, following the system unless set, switchable live."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from PySide6.QtCore import QLocale, Qt

from podcast_desk.app import PODCAST, Core
from podcast_desk.gui.i18n import CHINESE, ENGLISH, Translations, resolve_language
from podcast_desk.gui.resources import translations_dir
from podcast_desk.gui.task_model import Column
from tests.gui.conftest import WindowFactory


@pytest.mark.parametrize(("setting", "system", "expected"), [
    ("", "en_US", ENGLISH),
    ("", "zh_CN", CHINESE),
    ("", "zh_TW", CHINESE),
    ("", "de_DE", ENGLISH),
    ("en", "zh_CN", ENGLISH),
    ("zh_CN", "en_US", CHINESE),
    ("zh-Hans", "en_US", CHINESE),
    ("klingon", "en_US", ENGLISH),
])
def test_the_setting_overrides_the_system_locale(setting: str, system: str,
                                                 expected: str) -> None:
    assert resolve_language(setting, QLocale(system)) == expected


def test_every_translation_file_of_the_language_is_loaded(qapp: Any) -> None:
    translations = Translations(qapp, translations_dir())
    files = translations.files_for(CHINESE)
    assert translations_dir() / "main_zh_CN.qm" in files
    try:
        assert translations.apply(CHINESE) == CHINESE
        assert len(translations._installed) == len(files) + 1  # + Qt's own strings
    finally:
        translations.apply(ENGLISH)
    assert translations._installed == []


@pytest.mark.parametrize("group", ["main", "episode", "library"])
def test_every_translation_is_complete(group: str) -> None:
    root = ET.parse(translations_dir() / f"{group}_zh_CN.ts").getroot()
    unfinished = [m.findtext("source") for m in root.iter("message")
                  if m.find("translation").get("type") in ("unfinished", "obsolete")]
    assert unfinished == []


def test_switching_language_changes_visible_strings(
        qtbot: Any, make_window: WindowFactory, core: Core) -> None:
    task_id = core.queue.add_task(PODCAST, {"source": "https://e.com/x.mp3", "kind": "url"})
    window = make_window()
    qtbot.waitUntil(lambda: window.model.task(task_id) is not None, timeout=5000)
    row = window.model.row_of(task_id)

    def visible() -> tuple[str, ...]:
        model = window.model
        return (window.add_button.text(), window.source_edit.placeholderText(),
                window.act_pause.text(), model.headerData(Column.STATUS, Qt.Orientation.Horizontal),
                model.index(row, Column.STATUS).data(), window.file_menu.title())

    assert visible() == ("Add", "Paste a podcast link or feed, or drop an audio file",
                         "Resume processing", "Status", "Queued", "&File")
    window.language_actions[CHINESE].trigger()
    assert visible() == ("添加", "粘贴播客链接或订阅源，或拖入音频文件", "继续处理", "状态",
                         "排队中", "文件(&F)")
    assert window.status_label.text() == "1 个排队中 · 处理已暂停"
    qtbot.waitUntil(lambda: core.paths.settings.exists(), timeout=5000)
    assert json.loads(core.paths.settings.read_text())["ui_language"] == CHINESE
    window.language_actions[ENGLISH].trigger()
    assert visible()[0] == "Add"
    assert core.settings.ui_language == ENGLISH


def test_search_and_subscriptions_follow_the_language(
        qtbot: Any, make_window: WindowFactory, core: Core) -> None:
    window = make_window()
    pane, panel = window.subscriptions_pane, window.search_panel
    assert (window.act_search.text(), pane.subscribe_button.text(),
            panel.search_edit.placeholderText()) == ("Search", "Subscribe",
                                                     "Search every episode")
    window.language_actions[CHINESE].trigger()
    assert (window.act_search.text(), window.act_subscriptions.text(),
            pane.subscribe_button.text(), panel.search_edit.placeholderText(),
            pane.model.headerData(0, Qt.Orientation.Horizontal)) == (
        "搜索", "订阅", "订阅", "搜索所有节目", "播客")
    window.language_actions[ENGLISH].trigger()
    assert pane.check_button.text() == "Check now"


def test_the_window_opens_in_the_configured_language(
        make_window: WindowFactory, core: Core) -> None:
    core.update_settings(ui_language=CHINESE, save=False)
    window = make_window()
    assert window.add_button.text() == "添加"
    assert window.language_actions[CHINESE].isChecked()
