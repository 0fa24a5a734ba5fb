"""Resolve: what the source is (local file, feed item, page or media link) and its metadata."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from podcast_desk.messages import msg
from podcast_desk.pipeline.stages import Job
from podcast_desk.store.models import Episode
from podcast_desk.tasks.errors import PermanentError

PODCAST = "podcast"

_LINK_LOG = {"feed": "log.link_kind_feed", "media": "log.link_kind_media",
             "page": "log.link_kind_page"}


def resolve(job: Job, episode: Episode) -> None:
    """Fill in the episode's media link and metadata; the checkpoint is ``media_url``."""
    ctx = job.ctx
    report = job.stage("resolve")
    report(0.0, msg("progress.looking"))
    source = ctx.data["source"]
    if ctx.data.get("kind") == "local_file":
        _local(job, episode, Path(source))
    else:
        from podcast_desk.pipeline.resolve import LinkKind, classify_link

        if ctx.data.get("guid"):
            kind, url = LinkKind.FEED, source
        else:
            kind, url = classify_link(source, timeout=job.settings.network_timeout)
        ctx.log(msg(_LINK_LOG[kind.value], url=url))
        if kind is LinkKind.FEED:
            _feed_item(job, episode, url)
        else:
            _media(job, episode, url)
    if episode.title:
        ctx.set_title(episode.title)
    report(1.0, msg("progress.resolved"))


def _local(job: Job, episode: Episode, path: Path) -> None:
    if not path.is_file():
        raise PermanentError(msg("audio.file_gone", path=str(path)), hint=msg("hint.file_gone"))
    episode.title = path.stem.replace("_", " ")
    episode.media_url = path.resolve().as_uri()
    episode.audio_path = str(path.resolve())
    job.checkpoints.save(episode, Episode.title, Episode.media_url, Episode.audio_path)


def _media(job: Job, episode: Episode, url: str) -> None:
    from podcast_desk.pipeline.download import probe_url

    ctx = job.ctx
    info = probe_url(url, timeout=job.settings.network_timeout,
                     logger=lambda level, text: ctx.log(text, level))
    if info.is_playlist:
        raise PermanentError(msg("download.playlist"), hint=msg("hint.playlist"),
                             detail=f"{info.entry_count} entries at {url}")
    episode.media_url = info.webpage_url or url
    episode.title = info.title or ""
    episode.show = info.show or info.uploader or ""
    episode.author = info.uploader or ""
    episode.duration = info.duration
    episode.description = info.description or ""
    episode.image = info.thumbnail or ""
    episode.published = info.published
    job.check_duration(info.duration)
    job.checkpoints.save(episode, Episode.media_url, Episode.title, Episode.show,
                         Episode.author, Episode.duration, Episode.description, Episode.image,
                         Episode.published)


def _feed_item(job: Job, episode: Episode, url: str) -> None:
    from podcast_desk.pipeline.feeds import fetch_feed

    ctx = job.ctx
    fetched = fetch_feed(url, timeout=job.settings.network_timeout)
    feed = fetched.feed
    if feed is None or not feed.episodes:
        raise PermanentError(
            msg("feed.no_episodes"), hint=msg("hint.right_show"),
            detail=f"{fetched.url}: {0 if feed is None else len(feed.episodes)} episodes",
        )
    wanted = ctx.data.get("guid")
    if wanted:
        matches = [e for e in feed.episodes if e.guid == wanted]
        if not matches:
            raise PermanentError(msg("feed.episode_gone"), hint=msg("hint.episode_gone"),
                                 detail=f"guid {wanted!r} not in {fetched.url}")
        item = matches[0]
    else:
        item = feed.episodes[0]
    episode.guid = item.guid
    episode.media_url = item.media_url
    episode.title = item.title
    episode.show = feed.title
    episode.author = item.author or feed.author or ""
    episode.published = item.published
    episode.duration = item.duration
    episode.description = item.description
    episode.image = item.image or feed.image or ""
    episode.chapters = json.dumps(item.chapters, ensure_ascii=False)
    episode.transcripts = json.dumps(item.transcripts, ensure_ascii=False)
    job.check_duration(item.duration)
    more = _more_items(ctx.data, feed.episodes, item.guid)
    fields = (Episode.guid, Episode.media_url, Episode.title, Episode.show, Episode.author,
              Episode.published, Episode.duration, Episode.description, Episode.image,
              Episode.chapters, Episode.transcripts)
    tasks = [(PODCAST, {"source": fetched.url, "url": fetched.url, "kind": "url",
                        "guid": e.guid, "feedUrl": fetched.url}) for e in more]
    ids = job.checkpoints.save_and_queue(episode, fields, tasks, [e.title for e in more])
    if ids:
        ctx.log(msg("log.queued_more", n=len(ids)))
        ctx.log(", ".join(ids), "debug")


def _more_items(data: dict[str, Any], items: Sequence[Any], taken: str) -> list[Any]:
    wanted = data.get("feedEpisodes")
    if data.get("guid") or not wanted:
        return []
    others = [e for e in items if e.guid != taken]
    if wanted == "all":
        return others
    return others[: max(0, int(wanted) - 1)]
