"""Subscriptions against a loopback feed: growth across restarts, 304s, garbage, races."""

from __future__ import annotations

import json
import multiprocessing
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from podcast_desk.app import PODCAST, Core, Scheduler, open_core
from podcast_desk.library.subscriptions import (
    CLAIM_SECONDS,
    FIRST_RETRY,
    InvalidFeed,
    Subscriptions,
)
from podcast_desk.store.models import Episode, Subscription, SubscriptionItem, Task
from tests.conftest import FakeClock
from tests.support.http_server import FeedItem, LoopbackServer

HOUR = 3600.0


def item(n: int) -> FeedItem:
    return FeedItem(title=f"Episode {n}", guid=f"ep-{n}", pub_date=1_700_000_000.0 + n * 86400,
                    duration="00:00:01", description=f"Number {n}.")


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as s:
        yield s


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


class Restartable:
    """A Core for the data folder that can be closed and opened again (an app restart)."""

    def __init__(self, data_dir: Path, clock: FakeClock) -> None:
        self.data_dir = data_dir
        self.clock = clock
        self.core: Core | None = None

    def restart(self) -> Subscriptions:
        if self.core is not None:
            self.core.close()
        self.core = open_core(self.data_dir)
        self.core.update_settings(network_timeout=5.0, save=False)
        return self.core.subscriptions(clock=self.clock)

    def close(self) -> None:
        if self.core is not None:
            self.core.close()


@pytest.fixture
def app(data_dir: Path, clock: FakeClock) -> Iterator[Restartable]:
    r = Restartable(data_dir, clock)
    yield r
    r.close()


def queued_guids() -> list[str]:
    """The guid of every podcast task queued, in queue order (duplicates kept)."""
    tasks = Task.select().where(Task.type == PODCAST).order_by(Task.created_at, Task.id)
    return [json.loads(t.data)["guid"] for t in tasks]


def test_a_growing_feed_across_restarts_queues_each_episode_once(
    app: Restartable, server: LoopbackServer, clock: FakeClock
) -> None:
    server.add_feed("/show.xml", title="Growing Show", items=[item(1), item(2), item(3)])
    url = server.url("/show.xml")

    subs = app.restart()
    info, created = subs.subscribe(url, backfill=2)
    assert created and info.next_check_at <= clock()
    first = subs.check_due()
    assert len(first) == 2
    assert queued_guids() == ["ep-3", "ep-2"]  # the newest two; ep-1 only marked seen
    task = Task.get_by_id(first[0])
    assert json.loads(task.data) == {"source": url, "kind": "url", "guid": "ep-3",
                                     "feedUrl": url}
    assert task.title == "Episode 3"
    info = subs.list_all()[0]
    assert (info.title, info.seen, info.queued, info.failures) == ("Growing Show", 3, 2, 0)
    assert info.next_check_at == clock() + HOUR

    # restart; nothing is due yet, then an hour later a new item has appeared
    server.add_feed("/show.xml", title="Growing Show",
                    items=[item(1), item(2), item(3), item(4)])
    subs = app.restart()
    assert subs.check_due() == []
    clock.advance(HOUR + 1)
    subs = app.restart()
    assert len(subs.check_due()) == 1
    assert queued_guids() == ["ep-3", "ep-2", "ep-4"]

    # unchanged feed: a conditional GET answered 304, nothing queued
    clock.advance(HOUR + 1)
    subs = app.restart()
    result = subs.check(info.id)
    assert result.status == "unchanged" and result.task_ids == ()
    last = server.requests_for("/show.xml")[-1]
    assert last.headers.get("if-none-match") or last.headers.get("if-modified-since")
    assert subs.list_all()[0].last_error is None

    # a rolling feed: 4 drops out, 5 and 6 arrive; then 4 comes back
    server.add_feed("/show.xml", title="Growing Show",
                    items=[item(2), item(3), item(5), item(6)])
    clock.advance(HOUR + 1)
    subs = app.restart()
    assert len(subs.check_due()) == 2
    server.add_feed("/show.xml", title="Growing Show",
                    items=[item(n) for n in range(1, 8)])
    clock.advance(HOUR + 1)
    subs = app.restart()
    assert len(subs.check_due()) == 1  # only 7
    guids = queued_guids()
    assert sorted(guids) == ["ep-2", "ep-3", "ep-4", "ep-5", "ep-6", "ep-7"]
    assert Counter(guids).most_common(1)[0][1] == 1
    assert SubscriptionItem.select().count() == 7


def test_304_is_used_and_keeps_the_validators(
    app: Restartable, server: LoopbackServer, clock: FakeClock
) -> None:
    server.add_feed("/show.xml", items=[item(1)])
    subs = app.restart()
    info, _ = subs.subscribe(server.url("/show.xml"))
    assert subs.check(info.id).status == "new"
    row = Subscription.get_by_id(info.id)
    assert row.etag and row.last_modified
    for _ in range(2):
        assert subs.check(info.id).status == "unchanged"
        request = server.requests_for("/show.xml")[-1]
        assert request.headers["if-none-match"] == row.etag
        assert Subscription.get_by_id(info.id).etag == row.etag
    assert queued_guids() == ["ep-1"]


def test_a_feed_that_turns_into_garbage_backs_off_and_others_carry_on(
    app: Restartable, server: LoopbackServer, clock: FakeClock
) -> None:
    server.add_feed("/good.xml", title="Good", items=[item(1)])
    server.add_feed("/bad.xml", title="Soon bad", items=[item(1)])
    subs = app.restart()
    good, _ = subs.subscribe(server.url("/good.xml"))
    bad, _ = subs.subscribe(server.url("/bad.xml"))
    assert len(subs.check_due()) == 2

    server.set("/bad.xml", body=b"\x00\x01 this is { not xml <<<")
    server.add_feed("/good.xml", title="Good", items=[item(1), item(2)])
    clock.advance(HOUR + 1)
    start = clock()
    assert len(subs.check_due()) == 1  # the good feed's new episode
    bad_info = subs.find(bad.id)
    assert bad_info is not None and bad_info.failures == 1
    assert bad_info.last_error is not None
    assert "not valid RSS or Atom" in bad_info.last_error
    assert "Traceback" not in bad_info.last_error and bad_info.last_error[0].isupper()
    assert bad_info.next_check_at == start + FIRST_RETRY
    good_info = subs.find(good.id)
    assert good_info is not None and good_info.last_error is None
    assert good_info.next_check_at == start + HOUR

    # exponential backoff: 10, 20, 40 minutes…, across a restart too
    delays = []
    for _ in range(3):
        row = Subscription.get_by_id(bad.id)
        clock.now = row.next_check_at
        subs = app.restart()
        assert subs.check_due() == []
        after = Subscription.get_by_id(bad.id)
        delays.append(after.next_check_at - clock())
    assert delays == [2 * FIRST_RETRY, 4 * FIRST_RETRY, 8 * FIRST_RETRY]
    assert Subscription.get_by_id(bad.id).failures == 4
    assert Subscription.get_by_id(good.id).failures == 0

    # the publisher fixes the feed: the error clears and the new episode comes in
    server.add_feed("/bad.xml", title="Fixed", items=[item(1), item(9)])
    clock.now = Subscription.get_by_id(bad.id).next_check_at
    ids = subs.check_due()
    assert len(ids) == 1 and Task.get_by_id(ids[0]).title == "Episode 9"
    fixed = subs.find(bad.id)
    assert fixed is not None
    assert (fixed.failures, fixed.last_error, fixed.title) == (0, None, "Fixed")
    assert sorted(queued_guids()) == ["ep-1", "ep-1", "ep-2", "ep-9"]  # one ep-1 per feed


def test_subscribing_checks_once_and_refuses_what_is_not_a_feed(
    app: Restartable, server: LoopbackServer, clock: FakeClock
) -> None:
    subs = app.restart()
    with pytest.raises(InvalidFeed, match="web address"):
        subs.subscribe("ftp://example.org/feed.xml")
    with pytest.raises(InvalidFeed, match="does not exist"):
        subs.subscribe_and_check(server.url("/404"))
    with pytest.raises(InvalidFeed, match="web page"):
        subs.subscribe_and_check(server.url("/page"))
    assert Subscription.select().count() == 0

    server.add_feed("/show.xml", items=[item(1), item(2), item(3)])
    info, created, result = subs.subscribe_and_check(server.url("/show.xml"), backfill=0)
    assert created and result.status == "unchanged" and result.task_ids == ()
    assert info.seen == 3 and info.queued == 0
    again, created, _ = subs.subscribe_and_check(server.url("/show.xml"), backfill=3)
    assert not created and again.id == info.id and again.queued == 0

    # offline at subscribe time: kept, with the reason, and retried later
    server.add_error("/flaky.xml", 503, retry_after="120")
    flaky, created, result = subs.subscribe_and_check(server.url("/flaky.xml"))
    assert created and result.status == "failed" and not result.permanent
    assert flaky.last_error is not None and "503" in flaky.last_error
    assert flaky.next_check_at == clock() + max(FIRST_RETRY, 120)


def test_unsubscribe_then_resubscribe_does_not_redo_finished_episodes(
    app: Restartable, server: LoopbackServer, clock: FakeClock
) -> None:
    server.add_feed("/show.xml", items=[item(1), item(2)])
    url = server.url("/show.xml")
    subs = app.restart()
    info, _ = subs.subscribe(url, backfill=2)
    assert len(subs.check_due()) == 2
    Episode.create(source_url=url, guid="ep-2", title="Episode 2", created_at=0, updated_at=0)
    assert subs.unsubscribe(str(info.id)) is not None
    assert subs.unsubscribe(url) is None
    assert SubscriptionItem.select().count() == 0
    assert Task.select().count() == 2  # queued work stays

    again, _ = subs.subscribe(url, backfill=2)
    assert subs.check_due() != []
    assert queued_guids() == ["ep-2", "ep-1", "ep-1"]  # ep-2 has an episode already
    assert subs.find(url) is not None and subs.find(f"sub_{again.id}") is not None


def test_two_checkers_racing_in_threads_queue_each_guid_once(
    app: Restartable, server: LoopbackServer, clock: FakeClock
) -> None:
    server.add_feed("/show.xml", items=[item(n) for n in range(1, 6)])
    subs = app.restart()
    info, _ = subs.subscribe(server.url("/show.xml"), backfill=5)
    assert app.core is not None
    core = app.core
    barrier = threading.Barrier(4, timeout=30)
    results: list[Any] = []
    errors: list[BaseException] = []

    def race(forced: bool) -> None:
        try:
            checker = core.subscriptions(clock=clock)
            barrier.wait()
            results.append(checker.check(info.id) if forced else checker.check_due())
        except BaseException as exc:
            errors.append(exc)
        finally:
            core.db.close()

    threads = [threading.Thread(target=race, args=(i % 2 == 0,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors and not any(t.is_alive() for t in threads)
    assert sorted(queued_guids()) == [f"ep-{n}" for n in range(1, 6)]


def _race_in_process(data_dir: str, subscription_id: int, barrier: Any, out: Any) -> None:
    core = open_core(data_dir)
    try:
        subs = core.subscriptions()
        barrier.wait()
        out.put(list(subs.check(subscription_id).task_ids))
    finally:
        core.close()


def test_two_processes_racing_queue_each_guid_once(
    app: Restartable, server: LoopbackServer, data_dir: Path
) -> None:
    server.add_feed("/show.xml", items=[item(n) for n in range(1, 9)])
    subs = app.restart()
    info, _ = subs.subscribe(server.url("/show.xml"), backfill=8)
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(3, timeout=60)
    out = ctx.Queue()
    procs = [ctx.Process(target=_race_in_process, args=(str(data_dir), info.id, barrier, out))
             for _ in range(3)]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert sum(len(r) for r in results) == 8
    assert sorted(queued_guids()) == sorted(f"ep-{n}" for n in range(1, 9))


def test_the_claim_keeps_a_second_checker_off_a_feed_being_checked(
    app: Restartable, server: LoopbackServer, clock: FakeClock
) -> None:
    server.add_feed("/show.xml", items=[item(1)])
    subs = app.restart()
    info, _ = subs.subscribe(server.url("/show.xml"))
    entered = threading.Event()
    release = threading.Event()
    real_fetch = subs.fetch

    def slow_fetch(url: str, **kw: Any) -> Any:
        entered.set()
        assert release.wait(30)
        return real_fetch(url, **kw)

    subs.fetch = slow_fetch
    assert app.core is not None
    core = app.core
    first: list[list[str]] = []

    def check() -> None:
        try:
            first.append(subs.check_due())
        finally:
            core.db.close()

    thread = threading.Thread(target=check)
    thread.start()
    assert entered.wait(30)
    other = core.subscriptions(clock=clock)
    assert other.check_due() == []  # claimed: not fetched a second time
    assert Subscription.get_by_id(info.id).next_check_at == clock() + CLAIM_SECONDS
    release.set()
    thread.join(30)
    assert len(first[0]) == 1
    assert len(server.requests_for("/show.xml")) == 1


def test_scheduler_checks_in_the_background_and_stops(
    data_dir: Path, server: LoopbackServer
) -> None:
    server.add_feed("/show.xml", items=[item(1), item(2)])
    core = open_core(data_dir)
    try:
        core.subscriptions().subscribe(server.url("/show.xml"), backfill=2)
        queued = threading.Event()
        got: list[str] = []

        def on_queued(ids: list[str]) -> None:
            got.extend(ids)
            queued.set()

        scheduler = Scheduler(core, on_queued=on_queued).start()
        assert queued.wait(30)
        scheduler.stop(join_timeout=10)
        assert not scheduler.running
        assert len(got) == 2 and sorted(queued_guids()) == ["ep-1", "ep-2"]
    finally:
        core.close()
