"""Subscriptions and the library."""

from __future__ import annotations

from podcast_desk.catalog.types import Plural, Template

MESSAGES: dict[str, Template] = {
    # ---- subscriptions
    "feeds.queued": Plural(
        "%n new episode(s) queued from your subscriptions.",
        "%n new episode queued from your subscriptions.",
        "%n new episodes queued from your subscriptions."),
    "feeds.held_back": Plural(
        "%n more new episode(s) were not queued; queue them from the show.",
        "%n more new episode was not queued; queue it from the show.",
        "%n more new episodes were not queued; queue them from the show."),
}
