"""Loopback HTTP server for tests: routes, Range, 304, faults (stall, cut, drip), RSS pages.

Usage::

    from tests.support.http_server import LoopbackServer, FeedItem

    with LoopbackServer() as server:                       # 127.0.0.1, free port, daemon thread
        server.add("/ep.mp3", audio_bytes)                  # Content-Type guessed from the path
        server.add_audio_page("/episode", "/ep.mp3", title="Episode 1")
        server.add_feed("/feed.xml", title="Show", items=[FeedItem(title="One", ...)])
        url = server.url("/ep.mp3")
        ...
        server.requests_for("/ep.mp3")                      # [RecordedRequest(...)]
        server.range_requests("/ep.mp3")                    # only those that sent a Range header

A pytest fixture is a three-liner in the test module::

    @pytest.fixture
    def server() -> Iterator[LoopbackServer]:
        with LoopbackServer() as s:
            yield s

Every route is a :class:`Route` (mutable under ``server.lock``; use :meth:`LoopbackServer.set`
to change a route's content between requests).  Served with every 200/206 answer:
``Content-Type``, ``Content-Length``, ``Accept-Ranges: bytes``, ``ETag`` (a hash of the body,
unless ``etag=None``), ``Last-Modified`` (when ``last_modified`` is set).

Behaviour of ordinary routes:

* ``Range: bytes=a-b`` / ``bytes=a-`` / ``bytes=-n`` → 206 with ``Content-Range``; a range past
  the end → 416.  ``ranges=False`` on a route ignores Range (answers 200 with the whole body).
* ``If-None-Match`` matching the ETag, or ``If-Modified-Since`` not older than
  ``last_modified`` → 304 with no body.
* ``HEAD`` answers the headers of the matching ``GET``.
* Unknown paths → 404.

Fault options on a route (combine freely):

* ``cut_after=N`` — send the headers (full Content-Length) and only N body bytes, then drop the
  connection.  ``cut_times`` (default 1) says how many responses are cut; later ones are whole.
  ``None`` cuts forever.
* ``stall_after=N`` — send the headers and N body bytes, then send nothing more until the server
  shuts down (it never blocks shutdown).
* ``drip=(chunk, interval)`` — send ``chunk`` bytes every ``interval`` seconds.
* ``status`` / ``headers`` — any status and extra headers (``add_error`` is the shortcut).

Special routes present on every server:

* ``/404``, ``/410``, ``/500`` — those statuses with a small text body.
* ``/503`` — 503 with ``Retry-After: 7``;  ``/429`` — 429 with ``Retry-After: 3``.
* ``/redirect-loop`` → ``/redirect-loop/b`` → ``/redirect-loop`` …  (302 forever).
* ``/redirect`` → ``/page`` (one 302 hop).
* ``/stall`` — ``audio/mpeg``, Content-Length 1 000 000, no body bytes, then silence.
* ``/slow`` — ``audio/mpeg``, 64 KiB dripped in 1 KiB chunks every 50 ms.
* ``/page`` — an HTML page with ``<audio src="/media/tone.wav">``; ``/media/tone.wav`` is a
  0.5 s 8 kHz silent WAV file made in memory (real RIFF header, decodable).
* ``/no-media`` — an HTML page with text and links but no audio or video.
* ``/feed.xml`` — an RSS feed with two items (see :data:`DEFAULT_FEED_ITEMS`) whose
  enclosures point at ``/media/tone.wav``.
* ``/garbage.xml`` — bytes that are not XML at all.

:func:`rss_feed` builds an RSS document from :class:`FeedItem` values (enclosure, pubDate,
itunes:duration, itunes:image, description, psc:chapters, podcast:transcript…); relative URLs in
items are made absolute against the server by :meth:`LoopbackServer.add_feed`.
"""

from __future__ import annotations

import dataclasses
import email.utils
import hashlib
import io
import mimetypes
import re
import socket
import struct
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from xml.sax.saxutils import escape, quoteattr

from tests.support.loopback import ServingThread

__all__ = [
    "DEFAULT_FEED_ITEMS",
    "FeedItem",
    "LoopbackServer",
    "RecordedRequest",
    "Route",
    "rss_feed",
    "silent_wav",
]

_HOST = "127.0.0.1"


@dataclass
class Route:
    """What the server answers on one path; fields may be changed while the server runs."""

    body: bytes = b""
    content_type: str = "application/octet-stream"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = "auto"
    last_modified: float | None = None
    ranges: bool = True
    cut_after: int | None = None
    cut_times: int | None = 1
    stall_after: int | None = None
    drip: tuple[int, float] | None = None
    redirect_to: str | None = None
    cuts_done: int = 0

    def etag_value(self) -> str | None:
        """The ETag header value for the current body (or the fixed one given)."""
        if self.etag is None:
            return None
        if self.etag == "auto":
            return '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'
        return self.etag


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it; header names are lower-case."""

    method: str
    path: str
    headers: dict[str, str]
    time: float

    @property
    def range(self) -> str | None:
        """The Range header, if the client sent one."""
        return self.headers.get("range")


@dataclass
class FeedItem:
    """One ``<item>`` for :func:`rss_feed`; ``None`` fields are left out of the XML."""

    title: str
    enclosure_url: str | None = "/media/tone.wav"
    enclosure_type: str | None = "audio/wav"
    enclosure_length: int | None = None
    guid: str | None = None
    pub_date: float | None = None  # unix time
    duration: str | int | None = None  # itunes:duration, "HH:MM:SS" or seconds
    image: str | None = None
    description: str | None = None
    link: str | None = None
    author: str | None = None
    chapters: Sequence[tuple[str, str]] = ()  # psc:chapter (start "HH:MM:SS.mmm", title)
    transcripts: Sequence[tuple[str, str]] = ()  # podcast:transcript (url, type)


DEFAULT_FEED_ITEMS: tuple[FeedItem, ...] = (
    FeedItem(
        title="Episode 1: Beginnings",
        guid="ep-1",
        pub_date=1_700_000_000.0,
        duration="00:00:01",
        description="The first one.",
    ),
    FeedItem(
        title="Episode 2: Silence",
        guid="ep-2",
        pub_date=1_700_086_400.0,
        duration=1,
        description="The second one.",
        chapters=(("00:00:00.000", "Hello"), ("00:00:00.250", "Goodbye")),
        transcripts=(("/media/ep-2.vtt", "text/vtt"),),
    ),
)


def silent_wav(seconds: float = 0.5, rate: int = 8000) -> bytes:
    """A mono 16-bit PCM WAV file of silence (valid header; any decoder can open it)."""
    frames = int(seconds * rate)
    data = b"\x00\x00" * frames
    header = b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVE"
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
    return header + fmt + b"data" + struct.pack("<I", len(data)) + data


def rss_feed(
    title: str,
    items: Sequence[FeedItem],
    *,
    link: str = "https://example.com/show",
    description: str = "A show made up for tests.",
    image: str | None = None,
    author: str | None = None,
    base_url: str = "",
) -> bytes:
    """An RSS 2.0 podcast feed (itunes, psc, podcast and content namespaces) as UTF-8 bytes.

    Item URLs starting with ``/`` are prefixed with ``base_url``.
    """

    def absolute(url: str) -> str:
        return base_url + url if url.startswith("/") else url

    out = io.StringIO()
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(
        '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"'
        ' xmlns:psc="http://podlove.org/simple-chapters"'
        ' xmlns:podcast="https://podcastindex.org/namespace/1.0"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/">\n<channel>\n'
    )
    out.write(f"<title>{escape(title)}</title>\n<link>{escape(link)}</link>\n")
    out.write(f"<description>{escape(description)}</description>\n")
    if image:
        out.write(f"<itunes:image href={quoteattr(absolute(image))}/>\n")
    if author:
        out.write(f"<itunes:author>{escape(author)}</itunes:author>\n")
    for item in items:
        out.write("<item>\n")
        out.write(f"<title>{escape(item.title)}</title>\n")
        if item.guid is not None:
            out.write(f'<guid isPermaLink="false">{escape(item.guid)}</guid>\n')
        if item.link is not None:
            out.write(f"<link>{escape(absolute(item.link))}</link>\n")
        if item.pub_date is not None:
            out.write(f"<pubDate>{email.utils.formatdate(item.pub_date, usegmt=True)}</pubDate>\n")
        if item.duration is not None:
            out.write(f"<itunes:duration>{item.duration}</itunes:duration>\n")
        if item.image is not None:
            out.write(f"<itunes:image href={quoteattr(absolute(item.image))}/>\n")
        if item.author is not None:
            out.write(f"<itunes:author>{escape(item.author)}</itunes:author>\n")
        if item.description is not None:
            out.write(f"<description>{escape(item.description)}</description>\n")
        if item.enclosure_url is not None:
            attrs = f"url={quoteattr(absolute(item.enclosure_url))}"
            if item.enclosure_type is not None:
                attrs += f" type={quoteattr(item.enclosure_type)}"
            if item.enclosure_length is not None:
                attrs += f' length="{item.enclosure_length}"'
            out.write(f"<enclosure {attrs}/>\n")
        if item.chapters:
            out.write('<psc:chapters version="1.2">\n')
            for start, chapter_title in item.chapters:
                out.write(
                    f"<psc:chapter start={quoteattr(start)} title={quoteattr(chapter_title)}/>\n"
                )
            out.write("</psc:chapters>\n")
        for url, kind in item.transcripts:
            out.write(
                f"<podcast:transcript url={quoteattr(absolute(url))} type={quoteattr(kind)}/>\n"
            )
        out.write("</item>\n")
    out.write("</channel>\n</rss>\n")
    return out.getvalue().encode("utf-8")


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # close() joins what it started, with a deadline
    allow_reuse_address = True

    owner: LoopbackServer


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"  # one request per connection: nothing idles in keep-alive
    timeout = 30  # a client that never sends its request cannot pin a thread forever

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""

    def setup(self) -> None:
        super().setup()
        self.server.owner._track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.owner._untrack(self.connection)

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def _serve(self, *, head: bool) -> None:
        owner = self.server.owner
        path = self.path.split("?", 1)[0]
        owner._record(self.command, self.path, list(self.headers.items()))
        with owner.lock:
            route = owner.routes.get(path)
            if route is None:
                snapshot = Route(body=b"not found\n", content_type="text/plain", status=404)
            else:
                snapshot = dataclasses.replace(route)
                cut = route.cut_after is not None and (
                    route.cut_times is None or route.cuts_done < route.cut_times
                )
                if cut:
                    route.cuts_done += 1
                else:
                    snapshot.cut_after = None
        self._answer(snapshot, head=head)

    def _answer(self, route: Route, *, head: bool) -> None:
        if route.redirect_to is not None:
            self.send_response(route.status if 300 <= route.status < 400 else 302)
            self.send_header("Location", route.redirect_to)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = route.body
        etag = route.etag_value()
        if route.status == 200 and self._not_modified(route, etag):
            self.send_response(304)
            if etag:
                self.send_header("ETag", etag)
            self.end_headers()
            return
        status = route.status
        extra: dict[str, str] = {}
        start, end = 0, len(body)
        range_header = self.headers.get("Range")
        if status == 200 and route.ranges and range_header:
            parsed = self._parse_range(range_header, len(body))
            if parsed is None:
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(body)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            start, end = parsed
            status = 206
            extra["Content-Range"] = f"bytes {start}-{end - 1}/{len(body)}"
        payload = body[start:end]
        self.send_response(status)
        self.send_header("Content-Type", route.content_type)
        self.send_header("Content-Length", str(len(payload)))
        if route.ranges:
            self.send_header("Accept-Ranges", "bytes")
        if etag and status in (200, 206):
            self.send_header("ETag", etag)
        if route.last_modified is not None:
            self.send_header(
                "Last-Modified", email.utils.formatdate(route.last_modified, usegmt=True)
            )
        for name, value in {**route.headers, **extra}.items():
            self.send_header(name, value)
        self.end_headers()
        if head:
            return
        self._send_body(route, payload)

    def _send_body(self, route: Route, payload: bytes) -> None:
        closing = self.server.owner.closing
        try:
            if route.stall_after is not None:
                self.wfile.write(payload[: route.stall_after])
                self.wfile.flush()
                closing.wait()
                return
            if route.cut_after is not None:
                self.wfile.write(payload[: route.cut_after])
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if route.drip is not None:
                chunk, interval = route.drip
                for offset in range(0, len(payload), chunk):
                    self.wfile.write(payload[offset : offset + chunk])
                    self.wfile.flush()
                    if closing.wait(interval):
                        return
                return
            self.wfile.write(payload)
        except OSError:
            pass  # the client went away; that is its business

    def _not_modified(self, route: Route, etag: str | None) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            tags = [t.strip() for t in inm.split(",")]
            return etag is not None and (etag in tags or "*" in tags)
        ims = self.headers.get("If-Modified-Since")
        if ims is not None and route.last_modified is not None:
            try:
                since = email.utils.parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError):
                return False
            return int(route.last_modified) <= int(since)
        return False

    @staticmethod
    def _parse_range(value: str, size: int) -> tuple[int, int] | None:
        match = _RANGE.match(value.strip())
        if not match or (not match.group(1) and not match.group(2)):
            return None
        first, last = match.group(1), match.group(2)
        if not first:  # suffix range: the last N bytes
            n = int(last)
            return (max(0, size - n), size) if n else None
        start = int(first)
        end = min(size, int(last) + 1) if last else size
        if start >= size or start >= end:
            return None
        return start, end


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1:<free port>; use as a context manager.

    ``routes`` maps paths to :class:`Route`; ``requests`` lists what was asked, in order.
    ``close()`` (or leaving the ``with``) stops the server, wakes stalled and dripping
    responses and drops every open connection, so it returns promptly even mid-stall.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.routes: dict[str, Route] = {}
        self._requests: list[RecordedRequest] = []
        self._serving = ServingThread()
        self.closing = self._serving.closing
        self._install_defaults()

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> LoopbackServer:
        """Bind and serve in a daemon thread; returns self."""
        httpd = _Server((_HOST, 0), _Handler)
        httpd.owner = self
        self._serving.start(httpd)
        self.add_feed("/feed.xml")
        return self

    def close(self) -> None:
        """Stop serving and drop open connections (idempotent)."""
        self._serving.close()

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- addresses -------------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The bound port (the server must be started)."""
        return self._serving.port

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://{_HOST}:{self.port}"

    def url(self, path: str) -> str:
        """Absolute URL for a path on this server."""
        return self.base_url + path

    # -- routes ----------------------------------------------------------------------------

    def add(
        self,
        path: str,
        body: bytes,
        content_type: str | None = None,
        **options: object,
    ) -> Route:
        """Serve ``body`` at ``path`` (Content-Type guessed from the path when not given).

        ``options`` are :class:`Route` fields (``cut_after``, ``stall_after``, ``drip``,
        ``status``, ``headers``, ``etag``, ``last_modified``, ``ranges``…).
        """
        if content_type is None:
            content_type = _guess_type(path)
        route = Route(body=body, content_type=content_type, **options)  # type: ignore[arg-type]
        with self.lock:
            self.routes[path] = route
        return route

    def set(self, path: str, **changes: object) -> Route:
        """Change fields of an existing route (e.g. ``body=b"new"``) between requests."""
        with self.lock:
            route = self.routes[path]
            for name, value in changes.items():
                if name not in route.__dataclass_fields__:
                    raise TypeError(f"Route has no field {name!r}")
                setattr(route, name, value)
            if "cut_after" in changes or "cut_times" in changes:
                route.cuts_done = 0
        return route

    def add_error(
        self, path: str, status: int, *, retry_after: str | None = None, body: bytes = b""
    ) -> Route:
        """Answer ``status`` (with ``Retry-After`` when given) at ``path``."""
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        return self.add(
            path,
            body or f"status {status}\n".encode(),
            "text/plain",
            status=status,
            headers=headers,
            etag=None,
        )

    def add_redirect(self, path: str, to: str, status: int = 302) -> Route:
        """Redirect ``path`` to ``to`` (a path or an absolute URL)."""
        return self.add(path, b"", "text/plain", status=status, redirect_to=to, etag=None)

    def add_audio_page(
        self,
        path: str,
        media_path: str,
        *,
        title: str = "An episode page",
        tag: str = "audio",
        media_type: str | None = None,
    ) -> Route:
        """An HTML page with ``<audio>`` (or ``tag="video"``) whose source is ``media_path``."""
        type_attr = f" type={quoteattr(media_type)}" if media_type else ""
        html = (
            "<!DOCTYPE html>\n<html><head><meta charset='utf-8'>"
            f"<title>{escape(title)}</title>"
            f"<meta property='og:title' content={quoteattr(title)}></head>\n"
            f"<body><h1>{escape(title)}</h1>\n"
            f"<{tag} controls><source src={quoteattr(media_path)}{type_attr}></{tag}>\n"
            "</body></html>\n"
        )
        return self.add(path, html.encode(), "text/html; charset=utf-8")

    def add_feed(
        self,
        path: str,
        *,
        title: str = "Loopback Show",
        items: Sequence[FeedItem] = DEFAULT_FEED_ITEMS,
        last_modified: float | None = 1_700_100_000.0,
        content_type: str = "application/rss+xml",
        **feed_options: str | None,
    ) -> Route:
        """Serve :func:`rss_feed` output at ``path``; relative item URLs point at this server.

        The server must be started (item URLs need the port).
        """
        body = rss_feed(title, items, base_url=self.base_url, **feed_options)  # type: ignore[arg-type]
        return self.add(path, body, content_type, last_modified=last_modified)

    def _install_defaults(self) -> None:
        wav = silent_wav()
        defaults = {
            "/404": Route(b"not found\n", "text/plain", status=404, etag=None),
            "/410": Route(b"gone\n", "text/plain", status=410, etag=None),
            "/500": Route(b"oops\n", "text/plain", status=500, etag=None),
            "/503": Route(
                b"busy\n", "text/plain", status=503, headers={"Retry-After": "7"}, etag=None
            ),
            "/429": Route(
                b"slow down\n", "text/plain", status=429, headers={"Retry-After": "3"}, etag=None
            ),
            "/redirect-loop": Route(redirect_to="/redirect-loop/b", etag=None),
            "/redirect-loop/b": Route(redirect_to="/redirect-loop", etag=None),
            "/redirect": Route(redirect_to="/page", etag=None),
            "/stall": Route(b"\x00" * 1_000_000, "audio/mpeg", stall_after=0),
            "/slow": Route(b"\x00" * 65_536, "audio/mpeg", drip=(1024, 0.05)),
            "/media/tone.wav": Route(wav, "audio/wav"),
            "/media/ep-2.vtt": Route(b"WEBVTT\n\n00:00.000 --> 00:00.500\nHello\n", "text/vtt"),
            "/no-media": Route(
                b"<!DOCTYPE html><html><head><title>Just words</title></head><body>"
                b"<p>No episode here.</p><a href='/other'>other</a></body></html>",
                "text/html; charset=utf-8",
            ),
            "/garbage.xml": Route(b"\x00\x01 this is { not xml <<<", "application/rss+xml"),
        }
        self.routes.update(defaults)
        self.add_audio_page("/page", "/media/tone.wav", title="Loopback Episode")

    # -- requests --------------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of every request so far, in arrival order."""
        with self.lock:
            return list(self._requests)

    def requests_for(self, path: str) -> list[RecordedRequest]:
        """Requests whose path (without query) equals ``path``."""
        return [r for r in self.requests if r.path.split("?", 1)[0] == path]

    def range_requests(self, path: str) -> list[RecordedRequest]:
        """Requests for ``path`` that carried a Range header."""
        return [r for r in self.requests_for(path) if r.range is not None]

    def _record(self, method: str, path: str, headers: list[tuple[str, str]]) -> None:
        request = RecordedRequest(
            method=method,
            path=path,
            headers={k.lower(): v for k, v in headers},
            time=time.monotonic(),
        )
        with self.lock:
            self._requests.append(request)

    def _track(self, conn: socket.socket) -> None:
        self._serving.track(conn)

    def _untrack(self, conn: socket.socket) -> None:
        self._serving.untrack(conn)


def _guess_type(path: str) -> str:
    known = {
        ".mp3": "audio/mpeg",
        ".m4a": "audio/mp4",
        ".flac": "audio/flac",
        ".wav": "audio/wav",
        ".ogg": "audio/ogg",
        ".opus": "audio/ogg",
        ".xml": "application/rss+xml",
        ".rss": "application/rss+xml",
        ".html": "text/html; charset=utf-8",
        ".vtt": "text/vtt",
    }
    for suffix, kind in known.items():
        if path.lower().endswith(suffix):
            return kind
    return mimetypes.guess_type(path)[0] or "application/octet-stream"
