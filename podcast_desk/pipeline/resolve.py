"""First look at a web link: is it a feed, a media file, or a page for yt-dlp?"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from enum import Enum
from urllib.parse import urlsplit

from podcast_desk.pipeline.http import USER_AGENT, httpx_errors, parse_retry_after, status_error

MEDIA_EXTENSIONS = frozenset(
    {
        *(".mp3", ".m4a", ".m4b", ".aac", ".wav", ".flac", ".ogg", ".oga", ".opus", ".wma"),
        *(".aif", ".aiff", ".mp4", ".m4v", ".mov", ".mkv", ".webm"),
    }
)
PEEK_BYTES = 4096


class LinkKind(Enum):
    """What a web link turned out to be."""

    FEED = "feed"
    MEDIA = "media"  # a direct audio/video file
    PAGE = "page"  # anything else: yt-dlp decides


@dataclass(frozen=True)
class Peek:
    """The start of a GET response: final URL after redirects, type, first bytes."""

    url: str
    content_type: str
    head: bytes


def extension_kind(url: str) -> LinkKind | None:
    """A guess from the path's extension alone, or None when it says nothing."""
    ext = posixpath.splitext(urlsplit(url).path)[1].lower()
    if ext in MEDIA_EXTENSIONS:
        return LinkKind.MEDIA
    return None


def peek(url: str, *, timeout: float = 20.0) -> Peek:
    """GET the first few KB of ``url`` (following redirects) and stop reading.

    HTTP and network failures become TransientError / PermanentError like every other
    network call of the pipeline.
    """
    import httpx

    with (
        httpx_errors(url),
        httpx.Client(follow_redirects=True, max_redirects=10, timeout=httpx.Timeout(timeout),
                     headers={"User-Agent": USER_AGENT}) as client,
        client.stream("GET", url) as response,
    ):
        if response.status_code >= 300:
            raise status_error(
                response.status_code,
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
                detail=f"GET {url} -> {response.status_code} {response.reason_phrase}",
            )
        head = bytearray()
        for chunk in response.iter_raw():
            head.extend(chunk)
            if len(head) >= PEEK_BYTES:
                break
        return Peek(str(response.url), response.headers.get("Content-Type", ""),
                    bytes(head[:PEEK_BYTES]))


def classify_link(url: str, *, timeout: float = 20.0) -> tuple[LinkKind, str]:
    """Decide what ``url`` is; returns the kind and the URL after redirects.

    A media extension is trusted without a request; otherwise the first bytes decide.
    """
    from podcast_desk.pipeline.feeds import sniff_feed

    guess = extension_kind(url)
    if guess is not None:
        return guess, url
    first = peek(url, timeout=timeout)
    kind = first.content_type.split(";", 1)[0].strip().lower()
    if sniff_feed(first.content_type, first.head):
        return LinkKind.FEED, first.url
    if kind.startswith(("audio/", "video/")):
        return LinkKind.MEDIA, first.url
    return LinkKind.PAGE, url
