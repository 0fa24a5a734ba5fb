"""Searching every episode from the window: debounced typing, snippets, opening at the hit."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from podcast_desk.app import Core
from podcast_desk.gui.search_panel import (
    MARK,
    SEARCH_DELAY_MS,
    SearchPanel,
    SearchResultsModel,
    snippet_html,
)
from podcast_desk.library.search import Hit
from tests.gui.conftest import WindowFactory
from tests.library.conftest import insert_episode

WAIT = 10_000

quiet = pytest.mark.qt_log_ignore(
    r"Couldn't (load|resolve) .*(va|pipewire)",
    r"PulseAudioService",
    r"No audio device detected",
    r"Immediate exit requested",
    r"This plugin does not support propagateSizeHints",
    r"This plugin does not support raise\(\)",
)


@pytest.fixture
def library(core: Core) -> dict[str, int]:
    return {
        "topics": int(insert_episode("topics", title="Five topics").id),
        "zh": int(insert_episode("zh_sample", title="中文节目：茶、熊猫和高铁").id),
    }


def open_panel(qtbot: Any, core: Core) -> SearchPanel:
    panel = SearchPanel(core)
    qtbot.addWidget(panel)
    panel.resize(420, 600)
    panel.show()
    return panel


def rows(model: SearchResultsModel) -> list[Hit]:
    return [model.hit(r) for r in range(model.rowCount())]


def test_snippets_are_escaped_then_marked() -> None:
    raw = f"a <script>&amp; {MARK[0]}tides{MARK[1]} \x07here"
    assert snippet_html(raw) == "a &lt;script&gt;&amp;amp; <b>tides</b> here"


def test_results_model_passes_modeltester(qtmodeltester: Any) -> None:
    model = SearchResultsModel()
    hits = [Hit(1, "One", 12.5, 14.0, f"the {MARK[0]}moon{MARK[1]}", -3.0),
            Hit(2, "Two", 0.0, 0.0, f"{MARK[0]}Moon{MARK[1]} show", -2.0, field="title")]
    model.set_hits("moon", hits)
    qtmodeltester.check(model)
    assert model.index(0, 0).data(SearchResultsModel.WhereRole) == "0:12"
    assert model.index(1, 0).data(SearchResultsModel.WhereRole) == "Title"
    assert model.index(0, 0).data(SearchResultsModel.HtmlRole) == "the <b>moon</b>"
    assert model.index(0, 0).data() == "One · 0:12 · the moon"
    model.clear()
    qtmodeltester.check(model)


def test_typing_searches_once_after_a_pause(
    qtbot: Any, core: Core, library: dict[str, int]
) -> None:
    panel = open_panel(qtbot, core)
    searches: list[tuple[str, int]] = []
    panel.searched.connect(lambda q, n: searches.append((q, n)))
    with qtbot.waitSignal(panel.searched, timeout=WAIT) as blocker:
        qtbot.keyClicks(panel.search_edit, "spring tides")
    assert searches == [("spring tides", blocker.args[1])]  # one search for the whole word
    hits = rows(panel.model)
    assert hits and all(h.episode_id == library["topics"] for h in hits)
    assert hits[0].start == pytest.approx(100.6, abs=0.1)  # best first: both words
    assert [h.rank for h in hits] == sorted(h.rank for h in hits)
    html = panel.model.index(0, 0).data(SearchResultsModel.HtmlRole)
    assert "<b>spring</b>" in html and "<b>tides</b>" in html
    assert "match" in panel.status_label.text()
    panel.results_view.grab()  # the delegate paints every visible hit


def test_chinese_queries_find_words_inside_sentences(
    qtbot: Any, core: Core, library: dict[str, int]
) -> None:
    panel = open_panel(qtbot, core)
    with qtbot.waitSignal(panel.searched, timeout=WAIT):
        panel.set_query("熊猫")
    hits = rows(panel.model)
    assert hits and {h.episode_id for h in hits} == {library["zh"]}
    assert any("<b>熊猫</b>" in panel.model.index(r, 0).data(SearchResultsModel.HtmlRole)
               for r in range(panel.model.rowCount()))
    assert all(h.start >= 70 for h in hits if h.field == "transcript")


def test_nothing_found_and_an_empty_box(
    qtbot: Any, core: Core, library: dict[str, int]
) -> None:
    panel = open_panel(qtbot, core)
    with qtbot.waitSignal(panel.searched, timeout=WAIT) as blocker:
        panel.set_query("xylophone")
    assert blocker.args == ["xylophone", 0]
    assert panel.status_label.text() == "Nothing found for “xylophone”."
    with qtbot.assertNotEmitted(panel.searched, wait=SEARCH_DELAY_MS + 100):
        panel.search_edit.clear()
    assert panel.model.rowCount() == 0
    assert "every transcript" in panel.status_label.text()


def test_a_stale_answer_never_replaces_a_newer_one(
    qtbot: Any, core: Core, library: dict[str, int]
) -> None:
    panel = open_panel(qtbot, core)
    panel.search_edit.setText("coffee")
    panel.search_now()
    panel.search_edit.setText("piano")
    with qtbot.waitSignal(panel.searched, timeout=WAIT,
                          check_params_cb=lambda q, _n: q == "piano"):
        panel.search_now()
    panel.calls.wait()
    qtbot.wait(50)  # the older answer's callback, if any, has run now
    assert panel.model.query == "piano"
    assert all("piano" in h.snippet.lower() or h.field != "transcript"
               for h in rows(panel.model))


@quiet
def test_activating_a_result_opens_the_episode_at_that_moment(
    qtbot: Any, make_window: WindowFactory, core: Core, library: dict[str, int]
) -> None:
    window = make_window()
    assert not window.search_dock.isVisible()
    window.act_search.trigger()
    assert window.search_dock.isVisible()
    panel = window.search_panel
    qtbot.waitUntil(panel.search_edit.hasFocus, timeout=WAIT)
    with qtbot.waitSignal(panel.searched, timeout=WAIT):
        qtbot.keyClicks(panel.search_edit, "puncture")
    hit = panel.model.hit(0)
    assert hit.episode_id == library["topics"] and hit.field == "transcript"
    panel.results_view.setFocus()
    panel.results_view.setCurrentIndex(panel.model.index(0, 0))
    with qtbot.waitSignal(window.episode_opened, timeout=WAIT) as opened:
        qtbot.keyClick(panel.results_view, Qt.Key.Key_Return)
    assert opened.args == [library["topics"]]
    view = window._episode_views[library["topics"]]
    qtbot.waitUntil(lambda: view.data is not None, timeout=WAIT)
    assert view.isVisible()
    assert view.tabs.currentIndex() == 1  # the transcript
    line = view.transcript_model.current_row
    assert view.transcript_model.line(line).text.startswith("Pull out the inner tube")
    assert view.player.position() == round(hit.start * 1000)
    view.close()
