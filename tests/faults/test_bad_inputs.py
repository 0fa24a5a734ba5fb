"""Thirty-odd bad sources: each ends in a named outcome with a human sentence, in bounded time.

Sources refused when they are added never reach the queue (InvalidSource, exit 2 from the
CLI). The rest run through the real worker together with one good episode, which must
still complete: a bad input never takes the worker down.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from podcast_desk.app import PODCAST, Core, open_core
from podcast_desk.pipeline.sources import InvalidSource, parse_source
from podcast_desk.tasks.queue import Status
from tests.conftest import CORPUS, REPO
from tests.faults.conftest import closed_port
from tests.support.http_server import FeedItem, LoopbackServer

pytestmark = pytest.mark.slow
SPEECH = REPO / "tests" / "fixtures" / "speech"

REFUSED_AT_ADD = {
    "empty": "",
    "blank": "   \t ",
    "ftp": "ftp://example.org/episode.mp3",
    "javascript": "javascript:alert(1)",
    "data url": "data:audio/mpeg;base64,AAAA",
    "mailto": "mailto:someone@example.org",
    "ssh": "ssh://example.org/x",
    "no host": "https://",
    "space in host": "http://exa mple.org/a.mp3",
    "control character": "https://example.org/\x07ep.mp3",
    "very long url": "https://example.org/" + "a" * 9000,
    "missing local path": "/no/such/dir/episode.mp3",
    "missing file url": "file:///no/such/dir/episode.mp3",
}


@pytest.mark.parametrize("name", sorted(REFUSED_AT_ADD))
def test_sources_refused_when_added(name: str) -> None:
    started = time.monotonic()
    with pytest.raises(InvalidSource) as caught:
        parse_source(REFUSED_AT_ADD[name])
    assert time.monotonic() - started < 1.0
    text = caught.value.human
    assert 15 < len(text) < 300 and text[0].isupper() and "Traceback" not in text


class _Endless(BaseHTTPRequestHandler):
    """An audio 'file' that never ends (a live stream): no Content-Length, bytes forever."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "audio/mpeg")
        self.end_headers()
        block = b"\xff\xfb\x90\x00" + b"\x00" * 4092
        try:
            while not self.server.stopping.is_set():  # type: ignore[attr-defined]
                self.wfile.write(block)
        except OSError:
            pass

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def endless() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Endless)
    server.daemon_threads = True
    server.stopping = threading.Event()  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/live.mp3"
    server.stopping.set()  # type: ignore[attr-defined]
    server.shutdown()
    server.server_close()


@pytest.fixture
def core(tmp_path: Path) -> Iterator[Core]:
    c = open_core(tmp_path / "data")
    c.update_settings(ollama_host=f"http://127.0.0.1:{closed_port()}", save=False)
    c.update_settings(network_timeout=2.0, save=False)
    c.update_settings(max_download_mb=3, save=False)
    c.update_settings(max_duration_hours=1.0, save=False)
    yield c
    c.close()


def _worker_sources(server: LoopbackServer, tmp_path: Path, endless: str) -> dict[str, str]:
    topics = (SPEECH / "topics.mp3").read_bytes()
    html = b"<!DOCTYPE html><html><body><p>Not audio.</p></body></html>" * 40
    server.add("/empty.mp3", b"", "audio/mpeg")
    server.add("/random.mp3", os.urandom(200_000), "audio/mpeg")
    server.add("/truncated.mp3", topics[: len(topics) // 3], "audio/mpeg")
    server.add("/page-named.mp3", html, "audio/mpeg")
    server.add("/huge.mp3", topics * 5, "audio/mpeg")  # 4 MB, over this test's 3 MB limit
    server.add("/stalled.mp3", topics, "audio/mpeg", stall_after=2000)
    server.add("/teapot", b"no", "text/plain", status=418)
    server.add_feed("/no-enclosures.xml", title="Empty show",
                    items=[FeedItem(title="Text only", enclosure_url=None)])
    server.add_feed("/dead-enclosure.xml", title="Dead links",
                    items=[FeedItem(title="Gone", guid="gone", enclosure_url="/404",
                                    enclosure_type="audio/mpeg")])
    server.add_feed("/too-long.xml", title="Marathon",
                    items=[FeedItem(title="Ten hours", guid="long", duration="10:00:00",
                                    enclosure_url="/random.mp3",
                                    enclosure_type="audio/mpeg")])
    local = tmp_path / "local"
    local.mkdir()
    (local / "empty.m4a").write_bytes(b"")
    (local / "notes.mp3").write_text("meeting notes, not audio\n" * 100)
    (local / "garbage.flac").write_bytes(os.urandom(100_000))
    return {
        "404": server.url("/404"),
        "410": server.url("/410"),
        "418": server.url("/teapot"),
        "500": server.url("/500"),
        "503 retry-after": server.url("/503"),
        "429": server.url("/429"),
        "page without media": server.url("/no-media"),
        "empty download": server.url("/empty.mp3"),
        "random bytes .mp3": server.url("/random.mp3"),
        "truncated mp3": server.url("/truncated.mp3"),
        "html named .mp3": server.url("/page-named.mp3"),
        "over the size limit": server.url("/huge.mp3"),
        "endless stream": endless,
        "redirect loop": server.url("/redirect-loop"),
        "closed port": f"http://127.0.0.1:{closed_port()}/episode.mp3",
        "stalled server": server.url("/stalled.mp3"),
        "garbage feed": server.url("/garbage.xml"),
        "feed without audio": server.url("/no-enclosures.xml"),
        "feed with a dead enclosure": server.url("/dead-enclosure.xml"),
        "feed episode over the duration limit": server.url("/too-long.xml"),
        "local empty file": str(local / "empty.m4a"),
        "local text named .mp3": str(local / "notes.mp3"),
        "local random bytes": str(local / "garbage.flac"),
    }


TRANSIENT = {"500", "503 retry-after", "429", "closed port", "stalled server"}


def test_bad_sources_in_the_worker(core: Core, tmp_path: Path, endless: str) -> None:
    with LoopbackServer() as server:
        sources = _worker_sources(server, tmp_path, endless)
        ids = {}
        for name, text in sources.items():
            parsed = parse_source(text)
            ids[name] = core.queue.add_task(
                PODCAST, {"source": parsed.url or str(parsed.path), "kind": parsed.kind.value})
        good = core.queue.add_task(PODCAST, {"source": str(CORPUS / "jfk.flac"),
                                             "kind": "local_file"})
        started = time.monotonic()
        core.runner(poll_interval=0.05).run(until_idle=True)
        elapsed = time.monotonic() - started
    assert len(sources) + len(REFUSED_AT_ADD) >= 30
    good_info = core.queue.get_task(good)
    assert good_info is not None and good_info.status is Status.COMPLETED
    problems = []
    for name, task_id in ids.items():
        info = core.queue.get_task(task_id)
        assert info is not None
        expected = Status.PENDING if name in TRANSIENT else Status.FAILED
        error = info.error or ""
        if info.status is not expected:
            problems.append(f"{name}: {info.status} ({error})")
        elif not (15 < len(error) < 300 and error[0].isupper() and "Traceback" not in error):
            problems.append(f"{name}: unclear error {error!r}")
    assert not problems, "\n".join(problems)
    # Bounded: every bad source ended (or was parked for a retry) well within the budget.
    assert elapsed < 180, elapsed

