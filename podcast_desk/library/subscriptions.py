"""Feed subscriptions: subscribe, list, unsubscribe, and the checker that queues new episodes.

Each new episode is queued exactly once, identified by its GUID: the seen-item rows and the
tasks for them are written in one ``BEGIN IMMEDIATE`` transaction that first re-reads
which GUIDs are already seen, and (subscription, guid) is UNIQUE. A restart, a crash
between fetch and write, or two processes checking the same feed at once can fetch twice
but never queue twice. Due subscriptions are claimed (their next check pushed ahead) in
their own IMMEDIATE transaction, so two running apps rarely even fetch the same feed twice.

The feed fetcher is injected (``app.py`` passes ``pipeline.feeds.fetch_feed``): the library
and the pipeline are independent siblings, so this module only knows the shape of what a
fetch returns (:class:`FetchResult`).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from peewee import JOIN, fn

from podcast_desk.messages import Message, join, msg
from podcast_desk.store.models import Episode, Subscription, SubscriptionItem
from podcast_desk.tasks.errors import PermanentError, TaskError, TransientError
from podcast_desk.tasks.queue import TaskQueue, iso
from podcast_desk.tasks.snapshot import decode_message

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 3600.0
FIRST_RETRY = 600.0  # a failed check is retried after 10 minutes, then 20, 40… (capped)
MAX_BACKOFF = 24 * 3600.0
CLAIM_SECONDS = 900.0  # how long a check in progress keeps other processes off that feed


class FeedItemLike(Protocol):
    guid: str
    title: str
    published: float | None


class FeedLike(Protocol):
    title: str
    episodes: Sequence[Any]  # FeedItemLike, newest first


class FetchResult(Protocol):
    """What ``pipeline.feeds.fetch_feed`` returns (``FeedFetch``)."""

    url: str
    feed: Any  # FeedLike | None (None for 304)
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool: ...


FetchFeed = Callable[..., FetchResult]  # fetch(url, *, etag=..., last_modified=...)


class InvalidFeed(ValueError):
    """The link cannot be subscribed to (not http(s), or not a feed when checked).

    ``message`` and ``hint`` say why and what to do, as Messages.
    """

    def __init__(self, message: Message, hint: Message | None = None) -> None:
        super().__init__(message.key)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return join(self.message, self.hint)


@dataclass(frozen=True)
class SubscriptionInfo:
    """A subscription as shown to people (CLI, Subscriptions pane)."""

    id: int
    feed_url: str
    title: str
    backfill: int
    initialized: bool
    failures: int
    last_error: str | None
    last_checked_at: float | None
    last_success_at: float | None
    next_check_at: float
    created_at: float
    seen: int
    queued: int
    last_error_message: Message | None = None

    def to_api(self) -> dict[str, Any]:
        """The CLI's ``--json`` shape (camelCase, ISO-8601 UTC times)."""
        return {
            "id": self.id,
            "feedUrl": self.feed_url,
            "title": self.title,
            "backfill": self.backfill,
            "lastCheckedAt": iso(self.last_checked_at),
            "lastSuccessAt": iso(self.last_success_at),
            "nextCheckAt": iso(self.next_check_at),
            "failures": self.failures,
            "lastError": self.last_error,
            "episodesSeen": self.seen,
            "episodesQueued": self.queued,
            "createdAt": iso(self.created_at),
        }


@dataclass(frozen=True)
class CheckResult:
    """How one check of one subscription went; ``status`` is new, unchanged, failed or gone."""

    subscription_id: int
    status: str
    task_ids: tuple[str, ...] = ()
    error: str | None = None
    error_message: Message | None = None
    error_hint: Message | None = None
    permanent: bool = False


class Subscriptions:
    """Subscriptions over the models bound to ``queue.db``; new episodes go into ``queue``.

    ``fetch(url, etag=, last_modified=)`` does the conditional GET and raises TaskError
    (TransientError/PermanentError) with a human sentence on failure. ``interval`` is the
    seconds between checks of a healthy feed; failures back off exponentially from
    ``first_retry`` up to ``max_backoff`` (or the server's Retry-After).
    """

    def __init__(
        self,
        queue: TaskQueue,
        fetch: FetchFeed,
        *,
        interval: float = DEFAULT_INTERVAL,
        first_retry: float = FIRST_RETRY,
        max_backoff: float = MAX_BACKOFF,
        claim_seconds: float = CLAIM_SECONDS,
        task_type: str = "podcast",
        priority: int = 0,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.queue = queue
        self.db = queue.db
        self.fetch = fetch
        self.interval = interval
        self.first_retry = min(first_retry, interval)
        self.max_backoff = max(max_backoff, interval)
        self.claim_seconds = claim_seconds
        self.task_type = task_type
        self.priority = priority
        self.clock = clock or time.time

    # -- managing -------------------------------------------------------------------------

    def subscribe(self, feed_url: str, *, backfill: int = 1) -> tuple[SubscriptionInfo, bool]:
        """Add a subscription (no network); returns (it, created). Checked when next due (now).

        Subscribing again to the same URL keeps the existing subscription and its history.
        """
        url = feed_url.strip()
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise InvalidFeed(msg("feed.not_web_address", url=feed_url[:200]),
                              msg("hint.scheme"))
        now = self.clock()
        with self.db.atomic("IMMEDIATE"):
            existing = Subscription.get_or_none(Subscription.feed_url == url)
            if existing is not None:
                return self._info(existing.id), False
            row = Subscription.create(feed_url=url, backfill=max(0, backfill),
                                      next_check_at=now, created_at=now, updated_at=now)
        return self._info(row.id), True

    def subscribe_and_check(
        self, feed_url: str, *, backfill: int = 1
    ) -> tuple[SubscriptionInfo, bool, CheckResult]:
        """Subscribe, then check the feed once now (one GET).

        A new subscription whose link turns out not to be a feed (a permanent failure:
        404, a web page, garbage) is removed again and InvalidFeed raised with the reason;
        a transient failure (offline, 5xx) keeps it, to be retried with backoff.
        """
        info, created = self.subscribe(feed_url, backfill=backfill)
        result = self.check(info.id)
        if created and result.status == "failed" and result.permanent:
            Subscription.delete().where(Subscription.id == info.id).execute()
            raise InvalidFeed(result.error_message or msg("feed.not_a_feed"),
                              result.error_hint)
        return self._info(info.id), created, result

    def find(self, ref: str | int) -> SubscriptionInfo | None:
        """A subscription by id (``3``, ``"3"``, ``"sub_3"``) or by its exact feed URL."""
        row = self._row(ref)
        return self._info(row.id) if row is not None else None

    def unsubscribe(self, ref: str | int) -> SubscriptionInfo | None:
        """Remove a subscription and its seen items; queued tasks stay. None if unknown."""
        with self.db.atomic("IMMEDIATE"):
            row = self._row(ref)
            if row is None:
                return None
            info = self._info(row.id)
            Subscription.delete().where(Subscription.id == row.id).execute()
        return info

    def list_all(self) -> list[SubscriptionInfo]:
        """Every subscription, oldest first."""
        ids = [row.id for row in Subscription.select(Subscription.id).order_by(Subscription.id)]
        return [self._info(i) for i in ids]

    def next_due_at(self) -> float | None:
        """When the earliest subscription is due (may be in the past), or None."""
        value = Subscription.select(fn.MIN(Subscription.next_check_at)).scalar()
        return float(value) if value is not None else None

    # -- checking -------------------------------------------------------------------------

    def check_due(self, now: float | None = None, *, everything: bool = False) -> list[str]:
        """Check every subscription that is due (or ``everything``); returns new task ids.

        Failures are recorded on their subscription (human sentence, backoff) and never
        stop the others.
        """
        now = self.clock() if now is None else now
        with self.db.atomic("IMMEDIATE"):
            query = Subscription.select(Subscription.id)
            if not everything:
                query = query.where(Subscription.next_check_at <= now)
            due = [row.id for row in
                   query.order_by(Subscription.next_check_at, Subscription.id)]
            if due:
                Subscription.update(next_check_at=now + self.claim_seconds).where(
                    Subscription.id.in_(due)).execute()
        task_ids: list[str] = []
        for subscription_id in due:
            task_ids += self.check(subscription_id, now=now).task_ids
        return task_ids

    def check(self, subscription_id: int, *, now: float | None = None) -> CheckResult:
        """Fetch one subscription's feed now (conditional GET) and queue its new episodes."""
        now = self.clock() if now is None else now
        row = Subscription.get_or_none(Subscription.id == subscription_id)
        if row is None:
            return CheckResult(subscription_id, "gone")
        try:
            fetched = self.fetch(row.feed_url, etag=row.etag, last_modified=row.last_modified)
            if not fetched.not_modified and fetched.feed is None:
                raise PermanentError(msg("feed.no_answer"), hint=msg("hint.right_feed"))
        except TaskError as exc:
            log.info("checking %s failed: %s (%s)", row.feed_url, exc.human, exc.detail)
            retry_after = exc.retry_after if isinstance(exc, TransientError) else None
            return self._failed(subscription_id, now, exc,
                                permanent=isinstance(exc, PermanentError),
                                retry_after=retry_after)
        except Exception as exc:  # a bug or an odd feed must not stop the other feeds
            log.exception("checking %s failed", row.feed_url)
            error = TaskError(msg("feed.check_failed", what=f"{type(exc).__name__}: {exc}"))
            return self._failed(subscription_id, now, error, permanent=False)
        return self._record(subscription_id, fetched, now)

    def _record(self, subscription_id: int, fetched: FetchResult, now: float) -> CheckResult:
        with self.db.atomic("IMMEDIATE"):
            row = Subscription.get_or_none(Subscription.id == subscription_id)
            if row is None:  # unsubscribed while we were fetching
                return CheckResult(subscription_id, "gone")
            row.etag, row.last_modified = fetched.etag, fetched.last_modified
            row.failures, row.last_error, row.last_error_json = 0, None, None
            row.last_checked_at = row.last_success_at = now
            row.next_check_at = now + self.interval
            row.updated_at = now
            if fetched.not_modified:
                row.save()
                return CheckResult(subscription_id, "unchanged")
            feed = fetched.feed
            items: dict[str, Any] = {}
            for item in feed.episodes:  # newest first; the first of a repeated GUID wins
                if item.guid and item.guid not in items:
                    items[item.guid] = item
            seen = self._seen(subscription_id, list(items))
            fresh = [item for guid, item in items.items() if guid not in seen]
            wanted = fresh if row.initialized else fresh[: row.backfill]
            done = self._already_processed(row.feed_url, [i.guid for i in wanted])
            to_queue = [item for item in wanted if item.guid not in done]
            task_ids = self.queue.add_tasks(
                [(self.task_type, {"source": row.feed_url, "kind": "url", "guid": item.guid,
                                   "feedUrl": row.feed_url}, self.priority)
                 for item in to_queue],
                titles=[item.title or "" for item in to_queue],
            ) if to_queue else []
            queued = {item.guid: task_id for item, task_id in zip(to_queue, task_ids,
                                                                   strict=True)}
            rows = [{"subscription": subscription_id, "guid": item.guid,
                     "title": item.title or "", "published": item.published,
                     "task_id": queued.get(item.guid), "seen_at": now} for item in fresh]
            for start in range(0, len(rows), 200):
                SubscriptionItem.insert_many(rows[start:start + 200]).execute()
            row.title = feed.title or row.title
            row.initialized = True
            row.save()
        if task_ids:
            log.info("queued %d new episode(s) of %s", len(task_ids), row.feed_url)
        return CheckResult(subscription_id, "new" if task_ids else "unchanged", tuple(task_ids))

    def _failed(self, subscription_id: int, now: float, error: TaskError, *, permanent: bool,
                retry_after: float | None = None) -> CheckResult:
        with self.db.atomic("IMMEDIATE"):
            row = Subscription.get_or_none(Subscription.id == subscription_id)
            if row is None:
                return CheckResult(subscription_id, "gone")
            row.failures += 1
            delay = min(self.max_backoff, self.first_retry * 2 ** (row.failures - 1))
            if retry_after:
                delay = min(self.max_backoff, max(delay, retry_after))
            row.last_error = error.human
            row.last_error_json = json.dumps(error.to_json(), ensure_ascii=False)
            row.last_checked_at = now
            row.next_check_at = now + delay
            row.updated_at = now
            row.save()
        return CheckResult(subscription_id, "failed", error=error.human,
                           error_message=error.message, error_hint=error.hint,
                           permanent=permanent)

    # -- reading --------------------------------------------------------------------------

    def _seen(self, subscription_id: int, guids: list[str]) -> set[str]:
        seen: set[str] = set()
        for start in range(0, len(guids), 500):
            chunk = guids[start:start + 500]
            query = SubscriptionItem.select(SubscriptionItem.guid).where(
                (SubscriptionItem.subscription == subscription_id)
                & SubscriptionItem.guid.in_(chunk))
            seen.update(r.guid for r in query)
        return seen

    def _already_processed(self, feed_url: str, guids: list[str]) -> set[str]:
        """GUIDs of this feed that already have an episode (say, after re-subscribing)."""
        if not guids:
            return set()
        query = Episode.select(Episode.guid).where(
            (Episode.source_url == feed_url) & Episode.guid.in_(guids))
        return {r.guid for r in query}

    def _row(self, ref: str | int) -> Subscription | None:
        text = str(ref).strip()
        number = text.removeprefix("sub_")
        if number.isdigit():
            found = Subscription.get_or_none(Subscription.id == int(number))
            if found is not None:
                return found
        row: Subscription | None = Subscription.get_or_none(Subscription.feed_url == text)
        return row

    def _info(self, subscription_id: int) -> SubscriptionInfo:
        row = (Subscription.select(
            Subscription,
            fn.COUNT(SubscriptionItem.id).alias("seen"),
            fn.COUNT(SubscriptionItem.task_id).alias("queued"))
            .join(SubscriptionItem, JOIN.LEFT_OUTER)
            .where(Subscription.id == subscription_id)
            .group_by(Subscription.id).get())
        return SubscriptionInfo(
            id=row.id, feed_url=row.feed_url, title=row.title, backfill=row.backfill,
            initialized=bool(row.initialized), failures=row.failures, last_error=row.last_error,
            last_error_message=decode_message(row.last_error_json, "message"),
            last_checked_at=row.last_checked_at, last_success_at=row.last_success_at,
            next_check_at=row.next_check_at, created_at=row.created_at,
            seen=int(row.seen),  # type: ignore[attr-defined]
            queued=int(row.queued),  # type: ignore[attr-defined]
        )
