"""Tests for feed parsing, sniffing and conditional fetching against the loopback server."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from podcast_desk.pipeline.feeds import fetch_feed, parse_feed, sniff_feed
from podcast_desk.tasks.errors import PermanentError, TransientError
from tests.support.http_server import FeedItem, LoopbackServer, rss_feed


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as s:
        yield s


FEED_URL = "https://feeds.example.com/show.xml"

ITEMS = [
    FeedItem(
        title="Old one",
        guid="old",
        enclosure_url="https://cdn.example.com/old.mp3",
        enclosure_type="audio/mpeg",
        enclosure_length=123_456,
        pub_date=1_600_000_000,
        duration="01:02:03",
        image="https://cdn.example.com/old.jpg",
        description="From long ago.",
        link="https://example.com/old",
        author="Guest Host",
        chapters=(("00:00:00", "Intro"), ("00:01:30.500", "Main part"), ("1:00:00", "Outro")),
        transcripts=(
            ("https://cdn.example.com/old.vtt", "text/vtt"),
            ("/transcripts/old.srt", "application/srt"),
        ),
    ),
    FeedItem(title="Undated", guid="undated", enclosure_url="https://cdn.example.com/u.mp3"),
    FeedItem(
        title="Newest",
        guid="new",
        enclosure_url="https://cdn.example.com/new.m4a",
        enclosure_type="audio/x-m4a",
        pub_date=1_700_000_000,
        duration=95,
    ),
    FeedItem(
        title="Just a blog post",
        guid="text-only",
        enclosure_url=None,
        pub_date=1_750_000_000,
    ),
    FeedItem(
        title="A PDF",
        guid="pdf",
        enclosure_url="https://cdn.example.com/notes.pdf",
        enclosure_type="application/pdf",
        pub_date=1_750_000_000,
    ),
    FeedItem(
        title="Middle",
        guid="mid",
        enclosure_url="https://cdn.example.com/mid.mp3",
        enclosure_type=None,  # type guessed from the file name
        pub_date=1_650_000_000,
    ),
]


def _feed_bytes() -> bytes:
    return rss_feed(
        "The Test Show",
        ITEMS,
        link="https://example.com/show",
        description="All about tests.",
        image="https://cdn.example.com/cover.jpg",
        author="Show Author",
    )


def test_feed_metadata() -> None:
    feed = parse_feed(_feed_bytes(), FEED_URL)
    assert feed.url == FEED_URL
    assert feed.title == "The Test Show"
    assert feed.author == "Show Author"
    assert feed.description == "All about tests."
    assert feed.image == "https://cdn.example.com/cover.jpg"
    assert feed.link == "https://example.com/show"


def test_episodes_newest_first_undated_last_and_without_audio_skipped() -> None:
    feed = parse_feed(_feed_bytes(), FEED_URL)
    assert [e.guid for e in feed.episodes] == ["new", "mid", "old", "undated"]


def test_episode_metadata() -> None:
    feed = parse_feed(_feed_bytes(), FEED_URL)
    old = next(e for e in feed.episodes if e.guid == "old")
    assert old.title == "Old one"
    assert old.link == "https://example.com/old"
    assert old.media_url == "https://cdn.example.com/old.mp3"
    assert old.media_type == "audio/mpeg"
    assert old.media_size == 123_456
    assert old.published == 1_600_000_000
    assert old.duration == 3723
    assert old.description == "From long ago."
    assert old.image == "https://cdn.example.com/old.jpg"
    assert old.author == "Guest Host"
    assert old.chapters == [
        {"start": 0.0, "title": "Intro"},
        {"start": 90.5, "title": "Main part"},
        {"start": 3600.0, "title": "Outro"},
    ]
    assert old.transcripts == [
        {"url": "https://cdn.example.com/old.vtt", "type": "text/vtt"},
        {"url": "https://feeds.example.com/transcripts/old.srt", "type": "application/srt"},
    ]


def test_episode_defaults_come_from_the_show() -> None:
    feed = parse_feed(_feed_bytes(), FEED_URL)
    new = feed.episodes[0]
    assert new.duration == 95
    assert new.media_type == "audio/x-m4a"
    assert new.media_size is None
    assert new.chapters == []
    assert new.transcripts == []
    assert new.image == "https://cdn.example.com/cover.jpg"
    assert new.author == "Show Author"
    mid = feed.episodes[1]
    assert mid.media_type == "audio/mpeg"  # guessed from ".mp3"
    undated = feed.episodes[-1]
    assert undated.published is None
    assert undated.duration is None


def test_video_enclosure_is_used_when_there_is_no_audio() -> None:
    data = rss_feed(
        "Video show",
        [
            FeedItem(
                title="Clip",
                guid="v",
                enclosure_url="https://cdn.example.com/v.mp4",
                enclosure_type="video/mp4",
            )
        ],
    )
    (episode,) = parse_feed(data, FEED_URL).episodes
    assert episode.media_type == "video/mp4"


def test_atom_feed() -> None:
    data = b"""<?xml version="1.0"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom Show</title>
  <entry>
    <id>urn:a1</id><title>First</title><updated>2023-11-14T22:13:20Z</updated>
    <link rel="enclosure" type="audio/mpeg" length="10" href="https://cdn.example.com/a1.mp3"/>
  </entry>
</feed>"""
    feed = parse_feed(data, FEED_URL)
    assert feed.title == "Atom Show"
    (episode,) = feed.episodes
    assert episode.guid == "urn:a1"
    assert episode.media_url == "https://cdn.example.com/a1.mp3"
    assert episode.published == 1_700_000_000


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00\x01\x02 not xml", b'{"json": true}', b"<rss><channel><title>x</title>", b"<x/>"],
)
def test_garbage_is_permanent(data: bytes) -> None:
    with pytest.raises(PermanentError) as info:
        parse_feed(data, FEED_URL)
    assert info.value.message.english().startswith("This feed could not be read")
    assert info.value.detail


def test_html_page_is_not_a_feed() -> None:
    with pytest.raises(PermanentError) as info:
        parse_feed(b"<!DOCTYPE html><html><body>hi</body></html>", FEED_URL)
    assert "web page, not a podcast feed" in info.value.message.english()


@pytest.mark.parametrize(
    ("content_type", "head", "expected"),
    [
        ("application/rss+xml", b"", True),
        ("application/atom+xml; charset=utf-8", b"", True),
        ("text/xml", b'<?xml version="1.0"?>\n<!-- hi -->\n<rss version="2.0">', True),
        ("application/xml", b'<feed xmlns="http://www.w3.org/2005/Atom">', True),
        ("text/html", b"\xef\xbb\xbf  <rss version='2.0'>", True),  # mislabelled feeds exist
        (None, "<?xml version='1.0'?><rss>".encode("utf-16"), True),
        ("text/html", b"<!DOCTYPE html><html><head>", False),
        ("text/xml", b"<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg'>", False),
        ("application/xml", b"<feed><entry/></feed>", False),  # not Atom
        ("audio/mpeg", b"<rss>", False),
        ("application/octet-stream", b"ID3\x03\x00", False),
        (None, b"", False),
    ],
)
def test_sniff_feed(content_type: str | None, head: bytes, expected: bool) -> None:
    assert sniff_feed(content_type, head) is expected


# -- fetching ------------------------------------------------------------------------------


def test_fetch_then_not_modified_by_etag(server: LoopbackServer) -> None:
    first = fetch_feed(server.url("/feed.xml"), timeout=5)
    assert first.status == 200
    assert not first.not_modified
    assert first.feed is not None
    assert first.feed.title == "Loopback Show"
    assert [e.guid for e in first.feed.episodes] == ["ep-2", "ep-1"]
    assert first.etag
    assert first.last_modified == "Thu, 16 Nov 2023 02:00:00 GMT"

    second = fetch_feed(server.url("/feed.xml"), timeout=5, etag=first.etag)
    assert second.not_modified
    assert second.feed is None
    assert second.etag == first.etag
    assert server.requests_for("/feed.xml")[-1].headers["if-none-match"] == first.etag


def test_not_modified_by_date_and_changed_content(server: LoopbackServer) -> None:
    first = fetch_feed(server.url("/feed.xml"), timeout=5)
    again = fetch_feed(server.url("/feed.xml"), timeout=5, last_modified=first.last_modified)
    assert again.not_modified

    server.add_feed("/feed.xml", title="Renamed", last_modified=1_800_000_000)
    changed = fetch_feed(
        server.url("/feed.xml"), timeout=5, etag=first.etag, last_modified=first.last_modified
    )
    assert changed.status == 200
    assert changed.feed is not None
    assert changed.feed.title == "Renamed"
    assert changed.etag != first.etag


def test_redirect_is_followed_and_final_url_reported(server: LoopbackServer) -> None:
    server.add_redirect("/old-feed", "/feed.xml", status=301)
    result = fetch_feed(server.url("/old-feed"), timeout=5)
    assert result.url == server.url("/feed.xml")
    assert result.feed is not None
    assert result.feed.url == server.url("/feed.xml")


@pytest.mark.parametrize("path", ["/404", "/410"])
def test_missing_feed_is_permanent(server: LoopbackServer, path: str) -> None:
    with pytest.raises(PermanentError) as info:
        fetch_feed(server.url(path), timeout=5)
    assert f"HTTP {path[1:]}" in info.value.message.english()


@pytest.mark.parametrize(("path", "wait"), [("/503", 7.0), ("/429", 3.0), ("/500", None)])
def test_server_trouble_is_transient_with_retry_after(
    server: LoopbackServer, path: str, wait: float | None
) -> None:
    with pytest.raises(TransientError) as info:
        fetch_feed(server.url(path), timeout=5)
    assert info.value.retry_after == wait


def test_redirect_loop_is_permanent(server: LoopbackServer) -> None:
    with pytest.raises(PermanentError) as info:
        fetch_feed(server.url("/redirect-loop"), timeout=5)
    assert "keeps redirecting" in info.value.message.english()
    assert len(server.requests) <= 11 + 1  # stopped after 10 redirects


def test_garbage_over_http_is_permanent(server: LoopbackServer) -> None:
    with pytest.raises(PermanentError, match="could not be read"):
        fetch_feed(server.url("/garbage.xml"), timeout=5)


def test_closed_port_is_transient() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(TransientError) as info:
        fetch_feed(f"http://127.0.0.1:{port}/feed.xml", timeout=5)
    assert info.value.message.english().startswith("Could not connect")


def test_stalled_server_times_out(server: LoopbackServer) -> None:
    server.add("/stalled.xml", _feed_bytes(), stall_after=100)
    started = time.monotonic()
    with pytest.raises(TransientError) as info:
        fetch_feed(server.url("/stalled.xml"), timeout=0.5)
    assert info.value.message.english() == "The server did not answer in time."
    assert time.monotonic() - started < 5


def test_oversized_feed_is_permanent(server: LoopbackServer) -> None:
    server.add("/huge.xml", b"<rss>" + b" " * 50_000 + b"</rss>")
    with pytest.raises(PermanentError, match="larger than"):
        fetch_feed(server.url("/huge.xml"), timeout=5, max_bytes=10_000)


def test_invalid_url_is_permanent() -> None:
    with pytest.raises(PermanentError):
        fetch_feed("gopher://example.com/feed", timeout=5)
