"""The Subscriptions pane against a loopback feed, and the window's feed scheduler."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from podcast_desk.app import PODCAST, Core
from podcast_desk.gui.subscriptions_pane import (
    Column,
    SubscriptionsModel,
    SubscriptionsPane,
    web_address,
)
from podcast_desk.library.subscriptions import SubscriptionInfo
from podcast_desk.store.models import Subscription, Task
from tests.gui.conftest import WindowFactory, gated_handler
from tests.support.http_server import FeedItem, LoopbackServer

WAIT = 10_000
NOW = 1_800_000_000.0


def item(n: int) -> FeedItem:
    return FeedItem(title=f"Episode {n}", guid=f"ep-{n}", pub_date=1_700_000_000.0 + n * 86400,
                    duration="00:00:01", description=f"Number {n}.")


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as s:
        yield s


@pytest.fixture
def pane(qtbot: Any, core: Core) -> SubscriptionsPane:
    core.update_settings(network_timeout=5.0, save=False)
    widget = SubscriptionsPane(core, refresh_ms=100)
    widget.ask = lambda *_: True  # type: ignore[method-assign]
    qtbot.addWidget(widget)
    widget.resize(1000, 320)
    with qtbot.waitSignal(widget.refreshed, timeout=WAIT):
        widget.show()
    return widget


def queued_guids() -> list[str]:
    tasks = Task.select().where(Task.type == PODCAST).order_by(Task.created_at, Task.id)
    return [json.loads(t.data)["guid"] for t in tasks]


def info(n: int, **changes: Any) -> SubscriptionInfo:
    fields: dict[str, Any] = dict(
        id=n, feed_url=f"https://example.org/{n}.xml", title=f"Show {n}", backfill=1,
        initialized=True, failures=0, last_error=None, last_checked_at=NOW - 300,
        last_success_at=NOW - 300, next_check_at=NOW + 1800, created_at=NOW - 3600,
        seen=3, queued=1)
    fields.update(changes)
    return SubscriptionInfo(**fields)


def test_web_addresses_are_fixed_up_or_refused() -> None:
    assert web_address("https://example.org/feed.xml") == "https://example.org/feed.xml"
    assert web_address("feed://example.org/feed.xml") == "https://example.org/feed.xml"
    assert web_address("example.org/feed.xml") == "https://example.org/feed.xml"
    assert web_address("ftp://example.org/feed.xml") is None
    assert web_address("not a link") is None


def test_model_passes_modeltester_and_updates_in_place(qtmodeltester: Any) -> None:
    model = SubscriptionsModel(clock=lambda: NOW)
    model.set_subscriptions([info(1), info(2), info(3)])
    qtmodeltester.check(model)
    removed: list[int] = []
    model.rowsRemoved.connect(lambda _p, first, _last: removed.append(first))
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    model.set_subscriptions([info(1), info(3, last_error="The feed is gone (404).",
                                                failures=2), info(4)])
    qtmodeltester.check(model)
    assert removed == [1] and not resets
    assert [model.info(r).id for r in range(model.rowCount())] == [1, 3, 4]
    status = model.index(1, Column.STATUS)
    assert status.data() == "The feed is gone (404)."
    assert status.data(Qt.ItemDataRole.ForegroundRole).name() == "#c62828"
    assert model.index(0, Column.STATUS).data() == "OK"
    assert model.index(0, Column.LAST_CHECK).data() == "5 min ago"
    assert model.index(0, Column.NEXT_CHECK).data() == "In 30 min"
    assert model.index(0, Column.EPISODES).data() == "3 seen · 1 queued"
    fresh = info(5, title="", last_checked_at=None, last_success_at=None,
                 next_check_at=NOW - 1)
    model.set_subscriptions([fresh])
    qtmodeltester.check(model)
    assert model.index(0, Column.TITLE).data() == "(not checked yet)"
    assert model.index(0, Column.LAST_CHECK).data() == "Never"
    assert model.index(0, Column.NEXT_CHECK).data() == "Due now"
    assert model.index(0, Column.STATUS).data() == "Not checked yet"
    assert model.headerData(Column.FEED, Qt.Orientation.Horizontal) == "Feed"


def test_subscribe_list_check_now_and_unsubscribe(
    qtbot: Any, pane: SubscriptionsPane, server: LoopbackServer
) -> None:
    server.add_feed("/show.xml", title="Loopback Show", items=[item(2), item(1)])
    assert pane.model.rowCount() == 0 and not pane.check_button.isEnabled()
    qtbot.keyClicks(pane.url_edit, server.url("/show.xml"))
    assert pane.backfill_spin.value() == 1
    with qtbot.waitSignal(pane.subscribed, timeout=WAIT), \
            qtbot.waitSignal(pane.episodes_queued, timeout=WAIT) as queued:
        qtbot.mouseClick(pane.subscribe_button, Qt.MouseButton.LeftButton)
    assert len(queued.args[0]) == 1
    assert queued_guids() == ["ep-2"]  # the newest one only (backfill 1)
    assert "Subscribed to Loopback Show; 1 episode(s) queued." in pane.status_label.text()
    assert pane.url_edit.text() == ""
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1 and pane.model.info(0).seen == 2,
                    timeout=WAIT)
    row = pane.model.info(0)
    assert (row.title, row.feed_url, row.seen, row.queued) == (
        "Loopback Show", server.url("/show.xml"), 2, 1)
    assert pane.model.index(0, Column.STATUS).data() == "OK"
    assert pane.model.index(0, Column.LAST_CHECK).data() == "Just now"

    # the show publishes a new episode: Check now queues it (and only it)
    server.add_feed("/show.xml", title="Loopback Show", items=[item(3), item(2), item(1)])
    qtbot.waitUntil(pane.check_button.isEnabled, timeout=WAIT)
    with qtbot.waitSignal(pane.episodes_queued, timeout=WAIT) as queued:
        qtbot.mouseClick(pane.check_button, Qt.MouseButton.LeftButton)
    assert len(queued.args[0]) == 1
    assert queued_guids() == ["ep-2", "ep-3"]
    assert pane.status_label.text() == "1 new episode(s) queued."
    with qtbot.waitSignal(pane.checked, timeout=WAIT) as checked:
        pane.check_button.click()  # nothing new now
    assert [r.status for r in checked.args[0]] == ["unchanged"]
    assert pane.status_label.text() == "No new episodes."
    qtbot.waitUntil(lambda: pane.model.info(0).queued == 2, timeout=WAIT)

    # subscribing again keeps the one subscription
    pane.url_edit.setText(server.url("/show.xml"))
    with qtbot.waitSignal(pane.subscribed, timeout=WAIT):
        pane.subscribe_button.click()
    assert "already subscribed" in pane.status_label.text()
    assert Subscription.select().count() == 1

    # unsubscribe asks first; "no" keeps it
    asked: list[str] = []
    pane.ask = lambda _t, text: asked.append(text) or False  # type: ignore[method-assign]
    assert pane.select(row.id)
    assert pane.unsubscribe_button.isEnabled()
    pane.unsubscribe_button.click()
    assert "Unsubscribe from “Loopback Show”?" in asked[0]
    assert "stay in your list" in asked[0]
    assert Subscription.select().count() == 1
    pane.ask = lambda _t, text: asked.append(text) or True  # type: ignore[method-assign]
    with qtbot.waitSignal(pane.unsubscribed, timeout=WAIT) as gone:
        pane.unsubscribe_button.click()
    assert gone.args == [[row.id]]
    qtbot.waitUntil(lambda: pane.model.rowCount() == 0, timeout=WAIT)
    assert Subscription.select().count() == 0
    assert len(queued_guids()) == 2  # queued episodes stay


def test_bad_links_and_garbage_feeds_are_explained(
    qtbot: Any, pane: SubscriptionsPane, server: LoopbackServer
) -> None:
    pane.url_edit.setText("ftp://example.org/feed.xml")
    with qtbot.waitSignal(pane.subscribe_failed, timeout=WAIT) as failed:
        pane.subscribe_button.click()
    assert "is not a web address" in failed.args[0]
    assert pane.error_label.isVisible()
    qtbot.keyClicks(pane.url_edit, "x")
    assert not pane.error_label.isVisible()

    # a link that is not a feed at all: not subscribed, in words
    pane.url_edit.setText(server.url("/garbage.xml"))
    with qtbot.waitSignal(pane.subscribe_failed, timeout=WAIT) as failed:
        pane.subscribe_button.click()
    assert failed.args[0].startswith("Not subscribed: ")
    assert "Traceback" not in failed.args[0]
    assert Subscription.select().count() == 0
    assert pane.subscribe_button.isEnabled()

    # a good feed that turns into garbage: the error shows on its row, in red
    server.add_feed("/soon-bad.xml", title="Soon bad", items=[item(1)])
    server.add_feed("/good.xml", title="Good", items=[item(1)])
    for path in ("/soon-bad.xml", "/good.xml"):
        pane.url_edit.setText(server.url(path))
        with qtbot.waitSignal(pane.subscribed, timeout=WAIT):
            pane.subscribe_button.click()
    server.set("/soon-bad.xml", body=b"\x00\x01 this is { not xml <<<")
    qtbot.waitUntil(lambda: pane.model.rowCount() == 2, timeout=WAIT)
    pane.table.clearSelection()
    with qtbot.waitSignal(pane.checked, timeout=WAIT) as checked:
        pane.check_button.click()  # nothing selected: every feed
    assert sorted(r.status for r in checked.args[0]) == ["failed", "unchanged"]
    assert "1 feed(s) could not be checked" in pane.status_label.text()

    def bad_row() -> int | None:
        for r in range(pane.model.rowCount()):
            if pane.model.info(r).title == "Soon bad" and pane.model.info(r).last_error:
                return r
        return None

    qtbot.waitUntil(lambda: bad_row() is not None, timeout=WAIT)
    row = bad_row()
    assert row is not None
    status = pane.model.index(row, Column.STATUS)
    assert "not valid RSS or Atom" in status.data()
    assert status.data(Qt.ItemDataRole.ForegroundRole).name() == "#c62828"
    good = 1 - row
    assert pane.model.index(good, Column.STATUS).data() == "OK"
    pane.table.viewport().grab()


def test_the_window_checks_feeds_while_processing_and_stops_on_pause(
    qtbot: Any, make_window: WindowFactory, core: Core, server: LoopbackServer
) -> None:
    gate = threading.Event()
    gate.set()
    core.extra_handlers[PODCAST] = gated_handler(gate)
    core.update_settings(network_timeout=5.0, save=False)
    server.add_feed("/show.xml", title="Loopback Show", items=[item(1)])
    core.subscriptions().subscribe(server.url("/show.xml"))  # due now, not checked yet
    window = make_window(processing=True)
    assert window.scheduler is not None and window.scheduler.running
    with qtbot.waitSignal(window.feed_episodes_queued, timeout=WAIT) as queued:
        pass
    task_id = queued.args[0][0]
    qtbot.waitUntil(lambda: window.model.task(task_id) is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: window.model.task(task_id).status == "COMPLETED", timeout=WAIT)
    assert "new episode(s) queued from your subscriptions" in window.statusBar().currentMessage()

    scheduler = window.scheduler
    window.act_pause.trigger()
    assert window.scheduler is None
    qtbot.waitUntil(lambda: not scheduler.running, timeout=WAIT)
    window.act_pause.trigger()  # resume: a new scheduler
    assert window.scheduler is not None and window.scheduler is not scheduler

    # the pane is a dock reachable from the toolbar
    assert not window.subscriptions_dock.isVisible()
    with qtbot.waitSignal(window.subscriptions_pane.refreshed, timeout=WAIT):
        window.act_subscriptions.trigger()
    qtbot.waitUntil(lambda: window.subscriptions_pane.model.rowCount() == 1, timeout=WAIT)
    assert window.shutdown()
    assert window.scheduler is None
