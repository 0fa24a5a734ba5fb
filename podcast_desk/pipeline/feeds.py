"""RSS/Atom podcast feeds to episodes (podcastparser), with conditional HTTP fetching."""

from __future__ import annotations

import io
import mimetypes
import re
import time
from dataclasses import dataclass, field
from typing import Any, TypedDict
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree

from podcast_desk.messages import msg
from podcast_desk.pipeline.http import (
    USER_AGENT,
    httpx_errors,
    parse_retry_after,
    status_error,
    timeout_error,
)
from podcast_desk.tasks.errors import PermanentError

__all__ = [
    "Chapter",
    "Feed",
    "FeedEpisode",
    "FeedFetch",
    "TranscriptLink",
    "fetch_feed",
    "parse_feed",
    "sniff_feed",
]

MAX_FEED_BYTES = 20 * 1024 * 1024
MAX_REDIRECTS = 10

_FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/x-rss+xml", "application/rss"}
)
_XML_TYPES = frozenset({"application/xml", "text/xml", "application/x-xml"})
_PODCAST_NS = frozenset(
    {
        "https://podcastindex.org/namespace/1.0",
        "https://github.com/podcastindex-org/podcast-namespace/blob/main/docs/1.0.md",
    }
)
_PSC_NS = frozenset({"http://podlove.org/simple-chapters", "http://podlove.org/simple-chapters/"})
_ATOM_NS = "http://www.w3.org/2005/Atom"
_PRELUDE = re.compile(rb"^(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*", re.S | re.I)
_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")


class Chapter(TypedDict):
    """A publisher chapter: start in seconds from the beginning, and its title."""

    start: float
    title: str


class TranscriptLink(TypedDict):
    """A ``<podcast:transcript>`` link; ``type`` is its MIME type (text/vtt, application/srt…)."""

    url: str
    type: str | None


@dataclass(slots=True)
class FeedEpisode:
    """One feed item that has a playable enclosure."""

    guid: str
    title: str
    link: str | None
    media_url: str
    media_type: str | None
    media_size: int | None
    published: float | None
    duration: float | None
    description: str
    image: str | None
    author: str | None
    chapters: list[Chapter] = field(default_factory=list)
    transcripts: list[TranscriptLink] = field(default_factory=list)


@dataclass(slots=True)
class Feed:
    """A parsed feed; ``episodes`` are newest first (undated ones last, in feed order)."""

    url: str
    title: str
    author: str | None
    description: str
    image: str | None
    link: str | None
    episodes: list[FeedEpisode] = field(default_factory=list)
    new_url: str | None = None  # itunes:new-feed-url: the publisher moved the feed


@dataclass(frozen=True, slots=True)
class FeedFetch:
    """The answer of :func:`fetch_feed`: a new Feed (200) or "not modified" (304).

    ``url`` is the address after redirects; keep ``etag``/``last_modified`` for the next
    conditional request.
    """

    status: int
    url: str
    feed: Feed | None
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        """True when the server answered 304: the feed is unchanged since the last fetch."""
        return self.status == 304


def sniff_feed(content_type: str | None, head: bytes) -> bool:
    """Is this response an RSS or Atom feed? Judged from its Content-Type and first bytes.

    A feed-specific type (``application/rss+xml``…) is enough; audio/video/image types never
    are; otherwise (``text/xml``, ``text/html``, ``application/octet-stream``, missing) the
    document's root element decides: ``<rss>`` or an Atom ``<feed>``.
    """
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    if kind in _FEED_TYPES:
        return True
    if kind.startswith(("audio/", "video/", "image/")):
        return False
    root = _root_element(head)
    if root is None:
        return False
    prefix, name = root
    if name == "rss":
        return True
    return name == "feed" and (_ATOM_NS.encode() in head or prefix == b"atom:")


def parse_feed(data: bytes, url: str) -> Feed:
    """Parse feed bytes fetched from ``url`` (relative links resolve against it).

    Items without an audio enclosure are skipped (a video enclosure is used when an item has
    no audio one). Raises PermanentError when the bytes are not a feed.
    """
    import podcastparser

    head = data[:2048]
    root = _root_element(head)
    if root is not None and root[1].lower() == "html":
        raise PermanentError(msg("feed.is_page"), hint=msg("hint.feed_is_page"),
                             detail=f"root element <html> at {url}")
    try:
        parsed: dict[str, Any] = podcastparser.parse(url, io.BytesIO(data))
    except Exception as exc:  # FeedParseError, and whatever podcastparser trips over
        raise PermanentError(msg("feed.invalid"), hint=msg("hint.right_feed"),
                             detail=f"{type(exc).__name__}: {exc} ({url})") from exc

    extras = _item_extras(data, url)
    owner = parsed.get("itunes_owner") or {}
    feed_author = _text(parsed.get("itunes_author")) or _text(owner.get("name"))
    feed_image = _text(parsed.get("cover_url"))
    episodes = []
    for item in parsed.get("episodes", []):
        episode = _episode(item, extras, feed_author=feed_author, feed_image=feed_image)
        if episode is not None:
            episodes.append(episode)
    episodes.sort(key=lambda e: e.published if e.published is not None else -1e18, reverse=True)
    return Feed(
        url=url,
        title=_text(parsed.get("title")) or url,
        author=feed_author,
        description=_text(parsed.get("description")) or "",
        image=feed_image,
        link=_text(parsed.get("link")),
        episodes=episodes,
        new_url=_text(parsed.get("new_url")),
    )


def fetch_feed(
    url: str,
    *,
    timeout: float = 20,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = MAX_FEED_BYTES,
) -> FeedFetch:
    """GET a feed (conditional when ``etag``/``last_modified`` are given) and parse it.

    Follows up to 10 redirects. ``timeout`` bounds connecting and each read; the whole fetch
    may take at most four times that. 404/410, too many redirects, an oversized or unreadable
    feed → PermanentError; 5xx, 429, timeouts, refused or dropped connections →
    TransientError (with the server's Retry-After when it sent one).
    """
    import httpx

    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, "
        "text/xml;q=0.9, */*;q=0.5",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    deadline = time.monotonic() + 4 * timeout
    with (
        httpx_errors(url, what="feed"),
        httpx.Client(
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            timeout=httpx.Timeout(timeout),
            headers=headers,
        ) as client,
        client.stream("GET", url) as response,
    ):
        final_url = str(response.url)
        new_etag = response.headers.get("ETag") or etag
        new_modified = response.headers.get("Last-Modified") or last_modified
        if response.status_code == 304:
            return FeedFetch(304, final_url, None, new_etag, new_modified)
        if response.status_code >= 300:
            raise status_error(
                response.status_code,
                what="feed",
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
                detail=f"GET {url} -> {response.status_code} {response.reason_phrase}",
            )
        data = _read_capped(response.iter_bytes(), max_bytes, deadline, url)
    return FeedFetch(200, final_url, parse_feed(data, final_url), new_etag, new_modified)


def _read_capped(chunks: Any, max_bytes: int, deadline: float, url: str) -> bytes:
    buffer = bytearray()
    for chunk in chunks:
        buffer += chunk
        if len(buffer) > max_bytes:
            raise PermanentError(msg("feed.too_big", limit=max_bytes),
                                 hint=msg("hint.right_feed"),
                                 detail=f"more than {max_bytes} bytes from {url}")
        if time.monotonic() > deadline:
            raise timeout_error(detail=f"feed download took too long ({url})")
    return bytes(buffer)


def _root_element(head: bytes) -> tuple[bytes, str] | None:
    """The (prefix, local name) of the first element in ``head``, or None."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", "ignore").encode("utf-8", "ignore")
    head = head.removeprefix(b"\xef\xbb\xbf")
    head = head[_PRELUDE.match(head).end() :]  # type: ignore[union-attr]
    match = _ROOT.match(head)
    if match is None:
        return None
    return match.group(1) or b"", match.group(2).decode("ascii").lower()


class _Extras(TypedDict):
    chapters: list[Chapter]
    transcripts: list[TranscriptLink]


def _item_extras(data: bytes, url: str) -> dict[str, _Extras]:
    """Per-item transcripts and precise chapters, keyed by guid and by enclosure URL.

    podcastparser keeps only one transcript URL (and only for the old namespace URI) and
    rounds chapter starts to whole seconds, so these are read again with ElementTree.
    """
    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, ValueError):
        return {}
    extras: dict[str, _Extras] = {}
    for item in root.iter("item"):
        found: _Extras = {"chapters": [], "transcripts": []}
        keys: list[str] = []
        for child in item:
            ns, _, name = (
                child.tag[1:].partition("}") if child.tag.startswith("{") else ("", "", "")
            )
            tag = name or child.tag
            if tag == "guid" and child.text and child.text.strip():
                keys.append(child.text.strip())
            elif tag == "link" and not ns and child.text and child.text.strip():
                keys.append(urljoin(url, child.text.strip()))
            elif tag == "enclosure" and child.get("url"):
                keys.append(urljoin(url, child.get("url", "").strip()))
            elif tag == "transcript" and ns.lower() in _PODCAST_NS and child.get("url"):
                found["transcripts"].append(
                    {"url": urljoin(url, child.get("url", "").strip()), "type": child.get("type")}
                )
            elif tag == "chapters" and ns in _PSC_NS:
                for chapter in child:
                    start = _seconds(chapter.get("start"))
                    title = chapter.get("title")
                    if start is not None and title is not None:
                        found["chapters"].append({"start": start, "title": title.strip()})
        for key in keys:
            extras.setdefault(key, found)
    return extras


def _episode(
    item: dict[str, Any],
    extras: dict[str, _Extras],
    *,
    feed_author: str | None,
    feed_image: str | None,
) -> FeedEpisode | None:
    enclosure = _pick_enclosure(item.get("enclosures") or [])
    if enclosure is None:
        return None
    media_url = str(enclosure["url"])
    guid = _text(item.get("guid")) or media_url
    extra = extras.get(guid) or extras.get(media_url)
    chapters: list[Chapter] = list(extra["chapters"]) if extra else []
    if not chapters:
        chapters = [
            {"start": float(c["start"]), "title": str(c["title"])}
            for c in item.get("chapters") or []
            if c.get("title") is not None
        ]
    chapters.sort(key=lambda c: c["start"])
    transcripts: list[TranscriptLink] = list(extra["transcripts"]) if extra else []
    if not transcripts and _text(item.get("transcript_url")):
        transcripts = [{"url": str(item["transcript_url"]), "type": None}]
    size = enclosure.get("file_size")
    published = item.get("published")
    duration = item.get("total_time")
    return FeedEpisode(
        guid=guid,
        title=_text(item.get("title")) or guid,
        link=_text(item.get("link")),
        media_url=media_url,
        media_type=_media_type(enclosure) or None,
        media_size=int(size) if isinstance(size, int) and size > 0 else None,
        published=float(published) if isinstance(published, int | float) and published else None,
        duration=float(duration) if isinstance(duration, int | float) and duration else None,
        description=_text(item.get("description")) or "",
        image=_text(item.get("episode_art_url")) or feed_image,
        author=_text(item.get("itunes_author")) or feed_author,
        chapters=chapters,
        transcripts=transcripts,
    )


def _pick_enclosure(enclosures: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The first audio enclosure; failing that, the first video one (its sound is used)."""
    usable = [
        e
        for e in enclosures
        if e.get("url") and urlsplit(str(e["url"])).scheme in ("http", "https")
    ]
    for wanted in ("audio/", "video/"):
        for enclosure in usable:
            if _media_type(enclosure).startswith(wanted):
                return enclosure
    return None


def _media_type(enclosure: dict[str, Any]) -> str:
    declared = str(enclosure.get("mime_type") or "").lower()
    if declared.startswith(("audio/", "video/")):
        return declared
    guessed = mimetypes.guess_type(urlsplit(str(enclosure["url"])).path)[0] or ""
    return guessed if guessed.startswith(("audio/", "video/")) else declared


def _seconds(value: str | None) -> float | None:
    """Normal Play Time ("1:02:03.5", "62:03", "3723.5") to seconds."""
    if value is None:
        return None
    parts = value.strip().split(":")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        return None
    if not 1 <= len(numbers) <= 3 or any(n < 0 for n in numbers):
        return None
    total = 0.0
    for n in numbers:
        total = total * 60 + n
    return total


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
