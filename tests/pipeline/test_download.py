"""Tests for the yt-dlp adapter against the loopback server, with real audio files."""

from __future__ import annotations

import errno
import hashlib
import io
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from podcast_desk.messages import plain
from podcast_desk.pipeline.download import (
    DownloadProgress,
    classify_error,
    download_audio,
    probe_url,
)
from podcast_desk.tasks.errors import Cancelled, PermanentError, TransientError
from tests.support.http_server import LoopbackServer, silent_wav

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"
NO_MEDIA = "That page has no audio or video we can download."


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as s:
        yield s


@pytest.fixture(scope="session")
def jfk() -> bytes:
    path = CORPUS / "jfk.flac"
    if not path.is_file():
        pytest.skip(f"test corpus not found at {path}")
    return path.read_bytes()


def _encode(container: str, codec: str, seconds: float = 3.0, rate: int = 44_100) -> bytes:
    """A sine tone encoded with PyAV (no ffmpeg binary involved)."""
    import av
    import numpy as np

    buffer = io.BytesIO()
    with av.open(buffer, "w", format=container) as out:
        stream = out.add_stream(codec, rate=rate)
        assert isinstance(stream, av.AudioStream)
        stream.layout = "mono"
        t = np.arange(int(seconds * rate)) / rate
        samples = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
        for start in range(0, len(samples), 1024):
            frame = av.AudioFrame.from_ndarray(
                samples[start : start + 1024].reshape(1, -1), format="fltp", layout="mono"
            )
            frame.sample_rate = rate
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buffer.getvalue()


@pytest.fixture(scope="session")
def mp3() -> bytes:
    return _encode("mp3", "libmp3lame")


@pytest.fixture(scope="session")
def m4a() -> bytes:
    return _encode("ipod", "aac")


@pytest.fixture(autouse=True)
def no_subprocesses(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[object, ...]]]:
    """yt-dlp must never start a program (ffmpeg, ffprobe…): record and refuse any attempt."""
    from yt_dlp.utils import Popen

    calls: list[tuple[object, ...]] = []

    def refuse(self: object, *args: object, **kwargs: object) -> None:
        calls.append(args)
        raise OSError(errno.ENOENT, "subprocesses are not allowed in these tests")

    monkeypatch.setattr(Popen, "__init__", refuse)
    yield calls
    assert calls == [], f"yt-dlp tried to run {calls}"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- successful downloads ------------------------------------------------------------------


def test_direct_flac(server: LoopbackServer, jfk: bytes, tmp_path: Path) -> None:
    server.add("/jfk.flac", jfk)
    path = download_audio(server.url("/jfk.flac"), tmp_path / "episode", timeout=5)
    assert path == tmp_path / "episode.flac"
    assert _sha(path.read_bytes()) == _sha(jfk)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["episode.flac"]


@pytest.mark.parametrize(("fixture", "ext"), [("mp3", "mp3"), ("m4a", "m4a")])
def test_direct_mp3_and_m4a(
    server: LoopbackServer,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    fixture: str,
    ext: str,
) -> None:
    data: bytes = request.getfixturevalue(fixture)
    server.add(f"/show/ep.{ext}", data)
    info = probe_url(server.url(f"/show/ep.{ext}"), timeout=5)
    assert info.ext == ext
    assert info.media_url == server.url(f"/show/ep.{ext}")
    assert not info.is_playlist
    path = download_audio(server.url(f"/show/ep.{ext}"), tmp_path / "ep", timeout=5)
    assert path == tmp_path / f"ep.{ext}"
    assert path.read_bytes() == data


def test_dest_suffix_is_replaced_by_the_real_extension(
    server: LoopbackServer, mp3: bytes, tmp_path: Path
) -> None:
    server.add("/a.mp3", mp3)
    path = download_audio(server.url("/a.mp3"), tmp_path / "sub" / "100%.audio", timeout=5)
    assert path == tmp_path / "sub" / "100%.mp3"
    assert path.read_bytes() == mp3


def test_page_with_audio_tag(server: LoopbackServer, tmp_path: Path) -> None:
    info = probe_url(server.url("/page"), timeout=5)
    assert info.media_url == server.url("/media/tone.wav")
    assert info.title is not None
    assert info.title.startswith("Loopback Episode")
    assert info.webpage_url == server.url("/page")
    path = download_audio(server.url("/page"), tmp_path / "ep", timeout=5)
    assert path.suffix == ".wav"
    assert path.read_bytes() == silent_wav()


def test_page_with_video_tag(server: LoopbackServer, m4a: bytes, tmp_path: Path) -> None:
    server.add("/media/clip.m4a", m4a)
    server.add_audio_page("/watch", "/media/clip.m4a", tag="video", title="Clip")
    path = download_audio(server.url("/watch"), tmp_path / "clip", timeout=5)
    assert path.read_bytes() == m4a


def _json_ld_page(server: LoopbackServer, path: str, **overrides: object) -> None:
    data = {
        "@context": "https://schema.org",
        "@type": "AudioObject",
        "name": "A Long Talk",
        "description": "About many things.",
        "contentUrl": server.url("/media/tone.wav"),
        "encodingFormat": "audio/wav",
        "duration": "PT2H3M",
        "uploadDate": "2024-03-01T10:00:00Z",
        "author": {"@type": "Person", "name": "Ann Host"},
        **overrides,
    }
    html = (
        "<html><head><title>page</title><script type='application/ld+json'>"
        f"{json.dumps(data)}</script></head><body>text</body></html>"
    )
    server.add(path, html.encode(), "text/html; charset=utf-8")


def test_probe_reads_page_metadata(server: LoopbackServer) -> None:
    _json_ld_page(server, "/talk", contentSize="1234")
    info = probe_url(server.url("/talk"), timeout=5)
    assert info.title == "A Long Talk"
    assert info.uploader == "Ann Host"
    assert info.description == "About many things."
    assert info.duration == 2 * 3600 + 3 * 60
    assert info.published == 1_709_287_200  # 2024-03-01T10:00:00Z
    assert info.filesize == 1234
    assert info.media_url == server.url("/media/tone.wav")
    assert info.extractor == "Generic"


def test_probe_of_a_feed_is_a_playlist(server: LoopbackServer) -> None:
    info = probe_url(server.url("/feed.xml"), timeout=5)
    assert info.is_playlist
    assert info.entry_count == 2
    assert info.title == "Loopback Show"
    assert info.media_url is None
    # The entries were listed, not resolved one by one.
    assert server.requests_for("/media/tone.wav") == []


def test_progress_grows_to_the_total(server: LoopbackServer, jfk: bytes, tmp_path: Path) -> None:
    server.add("/jfk.flac", jfk)
    reports: list[DownloadProgress] = []
    download_audio(server.url("/jfk.flac"), tmp_path / "ep", on_progress=reports.append)
    done = [r.downloaded_bytes for r in reports]
    assert len(reports) >= 3
    assert done == sorted(done)
    assert done[0] < len(jfk)
    assert done[-1] == len(jfk)
    assert all(r.total_bytes == len(jfk) for r in reports)
    assert reports[-1].fraction == 1.0


def test_logger_receives_technical_lines(
    server: LoopbackServer, mp3: bytes, tmp_path: Path
) -> None:
    server.add("/ep.mp3", mp3)
    lines: list[tuple[str, str]] = []
    download_audio(
        server.url("/ep.mp3"), tmp_path / "ep", logger=lambda lvl, msg: lines.append((lvl, msg))
    )
    assert any("[download] Destination:" in msg for _, msg in lines)
    assert {lvl for lvl, _ in lines} <= {"debug", "info", "warning", "error"}


def test_existing_file_is_not_downloaded_again(
    server: LoopbackServer, jfk: bytes, tmp_path: Path
) -> None:
    server.add("/jfk.flac", jfk)
    first = download_audio(server.url("/jfk.flac"), tmp_path / "ep")
    reports: list[DownloadProgress] = []
    second = download_audio(server.url("/jfk.flac"), tmp_path / "ep", on_progress=reports.append)
    assert second == first
    assert all(r.downloaded_bytes in (0, len(jfk)) for r in reports)
    assert server.range_requests("/jfk.flac") == []
    assert _sha(second.read_bytes()) == _sha(jfk)


# -- cancel and resume ---------------------------------------------------------------------


def test_cancel_keeps_part_and_next_call_resumes(
    server: LoopbackServer, jfk: bytes, tmp_path: Path
) -> None:
    server.add("/jfk.flac", jfk)
    seen: list[int] = []

    def stop_after_some_bytes() -> bool:
        return len(seen) >= 4

    with pytest.raises(Cancelled):
        download_audio(
            server.url("/jfk.flac"),
            tmp_path / "ep",
            on_progress=lambda p: seen.append(p.downloaded_bytes),
            should_stop=stop_after_some_bytes,
        )
    part = tmp_path / "ep.flac.part"
    assert part.is_file()
    kept = part.stat().st_size
    assert 0 < kept < len(jfk)
    assert not (tmp_path / "ep.flac").exists()
    assert server.range_requests("/jfk.flac") == []

    path = download_audio(server.url("/jfk.flac"), tmp_path / "ep")
    ranges = [r.range for r in server.range_requests("/jfk.flac")]
    assert ranges == [f"bytes={kept}-"]
    assert _sha(path.read_bytes()) == _sha(jfk)
    assert not part.exists()


def test_stop_before_any_byte(server: LoopbackServer, jfk: bytes, tmp_path: Path) -> None:
    server.add("/jfk.flac", jfk)
    with pytest.raises(Cancelled):
        download_audio(server.url("/jfk.flac"), tmp_path / "ep", should_stop=lambda: True)
    assert not (tmp_path / "ep.flac").exists()


def test_cut_connection_then_resume_in_later_calls(
    server: LoopbackServer, jfk: bytes, tmp_path: Path
) -> None:
    # Every response is cut after 400 000 bytes and yt-dlp may not retry (retries=0), so each
    # call fails with a transient error and leaves a longer .part for the next one. (yt-dlp
    # drops the block that was being read when the connection broke, hence "at most".)
    server.add("/jfk.flac", jfk, cut_after=400_000, cut_times=None)
    part = tmp_path / "ep.flac.part"
    sizes: list[int] = []
    errors: list[TransientError] = []
    for _ in range(5):
        try:
            path = download_audio(server.url("/jfk.flac"), tmp_path / "ep", timeout=5, retries=0)
            break
        except TransientError as exc:
            errors.append(exc)
            sizes.append(part.stat().st_size)
    else:
        pytest.fail("the download never completed")
    assert len(errors) >= 2
    assert all(e.message.english().startswith("Could not connect") for e in errors)
    assert sizes == sorted(set(sizes))  # grows every time
    assert 0 < sizes[0] <= 400_000
    ranges = [r.range for r in server.range_requests("/jfk.flac")]
    assert ranges == [f"bytes={size}-" for size in sizes]
    assert _sha(path.read_bytes()) == _sha(jfk)


def test_cut_connection_is_resumed_by_retries(
    server: LoopbackServer, jfk: bytes, tmp_path: Path
) -> None:
    server.add("/jfk.flac", jfk, cut_after=300_000, cut_times=None)
    path = download_audio(server.url("/jfk.flac"), tmp_path / "ep", timeout=5, retries=10)
    offsets = [int(r.range[6:-1]) for r in server.range_requests("/jfk.flac") if r.range]
    assert len(offsets) >= 3
    assert offsets == sorted(set(offsets))
    assert _sha(path.read_bytes()) == _sha(jfk)


# -- limits --------------------------------------------------------------------------------


def test_size_limit_while_downloading(server: LoopbackServer, jfk: bytes, tmp_path: Path) -> None:
    server.add("/jfk.flac", jfk)
    with pytest.raises(PermanentError) as info:
        download_audio(server.url("/jfk.flac"), tmp_path / "ep", max_bytes=500_000)
    assert info.value.message.english() == (
        "The audio is larger than the 488.3 KB limit set in Settings.")
    assert list(tmp_path.iterdir()) == []  # no .part kept: it could never finish


def test_size_limit_from_metadata(server: LoopbackServer, tmp_path: Path) -> None:
    _json_ld_page(server, "/talk", contentSize=str(3 * 1024**3))
    with pytest.raises(PermanentError) as info:
        download_audio(server.url("/talk"), tmp_path / "ep", max_bytes=2 * 1024**3)
    assert info.value.message.english() == (
        "The audio is larger than the 2 GB limit set in Settings.")
    assert server.requests_for("/media/tone.wav") == []


def test_duration_limit_from_metadata(server: LoopbackServer, tmp_path: Path) -> None:
    _json_ld_page(server, "/talk")
    with pytest.raises(PermanentError) as info:
        download_audio(server.url("/talk"), tmp_path / "ep", max_duration=3600)
    assert "2:03:00 long" in info.value.message.english()
    assert "1:00:00 limit" in info.value.message.english()
    assert server.requests_for("/media/tone.wav") == []


def test_limits_that_are_not_reached(server: LoopbackServer, tmp_path: Path) -> None:
    _json_ld_page(server, "/talk", contentSize="8044")
    path = download_audio(
        server.url("/talk"), tmp_path / "ep", max_bytes=10_000, max_duration=3 * 3600
    )
    assert path.read_bytes() == silent_wav()


# -- failures ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/404", "/410"])
def test_missing_page_is_permanent(server: LoopbackServer, tmp_path: Path, path: str) -> None:
    with pytest.raises(PermanentError) as info:
        download_audio(server.url(path), tmp_path / "ep", timeout=5)
    code = path[1:]
    assert info.value.message.english() == (
        f"The server said the episode does not exist (HTTP {code}).")
    assert info.value.hint.english() == "Check the link."
    assert "HTTPError" in info.value.detail


def test_missing_media_behind_a_page_is_permanent(server: LoopbackServer, tmp_path: Path) -> None:
    server.add_audio_page("/broken", "/404/ep.mp3", media_type="audio/mpeg")
    with pytest.raises(PermanentError) as info:
        download_audio(server.url("/broken"), tmp_path / "ep", timeout=5)
    assert "(HTTP 404)" in info.value.message.english()


def test_page_without_media_is_permanent(server: LoopbackServer, tmp_path: Path) -> None:
    with pytest.raises(PermanentError) as info:
        download_audio(server.url("/no-media"), tmp_path / "ep", timeout=5)
    assert info.value.message.english() == NO_MEDIA
    assert info.value.hint.english() == "Check that the link opens a single episode."
    assert "Unsupported URL" in info.value.detail
    with pytest.raises(PermanentError, match=NO_MEDIA):
        probe_url(server.url("/no-media"), timeout=5)


def test_feed_link_is_not_a_single_episode(server: LoopbackServer, tmp_path: Path) -> None:
    with pytest.raises(PermanentError, match="list of episodes"):
        download_audio(server.url("/feed.xml"), tmp_path / "ep", timeout=5)
    assert server.requests_for("/media/tone.wav") == []


def test_redirect_loop_is_permanent(server: LoopbackServer, tmp_path: Path) -> None:
    with pytest.raises(PermanentError) as info:
        download_audio(server.url("/redirect-loop"), tmp_path / "ep", timeout=5)
    assert "keeps redirecting" in info.value.message.english()


def test_closed_port_is_transient(tmp_path: Path) -> None:
    with pytest.raises(TransientError) as info:
        download_audio(f"http://127.0.0.1:{_closed_port()}/ep.mp3", tmp_path / "ep", timeout=5)
    assert info.value.message.english().startswith("Could not connect to the server")
    assert "ConnectionRefusedError" in info.value.detail


def test_503_is_transient_with_retry_after(server: LoopbackServer, tmp_path: Path) -> None:
    with pytest.raises(TransientError) as info:
        download_audio(server.url("/503"), tmp_path / "ep", timeout=5)
    assert "(HTTP 503)" in info.value.message.english()
    assert info.value.retry_after == 7


def test_stalled_download_times_out(server: LoopbackServer, tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(TransientError) as info:
        download_audio(server.url("/stall"), tmp_path / "ep", timeout=1, retries=1)
    elapsed = time.monotonic() - started
    assert info.value.message.english() == "The server did not answer in time."
    assert elapsed < 10


def test_probe_errors_are_classified(server: LoopbackServer) -> None:
    with pytest.raises(PermanentError, match=r"HTTP 404"):
        probe_url(server.url("/404"), timeout=5)
    with pytest.raises(TransientError):
        probe_url(f"http://127.0.0.1:{_closed_port()}/", timeout=5)


# -- classify_error on its own -------------------------------------------------------------


def test_classify_passes_task_errors_through() -> None:
    error = PermanentError(plain("x"))
    assert classify_error(error) is error


def test_classify_follows_cause_chains() -> None:
    from yt_dlp.utils import DownloadError, ExtractorError

    try:
        try:
            raise TimeoutError("timed out")
        except TimeoutError as inner:
            raise ExtractorError("Unable to download webpage", cause=inner) from inner
    except ExtractorError as outer:
        wrapped = DownloadError("ERROR: boom", (type(outer), outer, outer.__traceback__))
    result = classify_error(wrapped)
    assert isinstance(result, TransientError)
    assert result.message.english() == "The server did not answer in time."
    assert "TimeoutError" in result.detail


@pytest.mark.parametrize(
    ("text", "kind", "start"),
    [
        (
            "ERROR: [download] Got error: HTTPConnectionPool(host='h', port=1): Read timed out.",
            TransientError,
            "The server did not answer in time.",
        ),
        (
            "ERROR: [download] Got error: 1000 bytes read, 5000 more expected. "
            "Giving up after 3 retries",
            TransientError,
            "Could not connect",
        ),
        (
            "ERROR: unable to download video data: HTTP Error 403: Forbidden",
            PermanentError,
            "The server refused access",
        ),
        (
            "ERROR: unable to download video data: HTTP Error 502: Bad Gateway",
            TransientError,
            "The server had a problem (HTTP 502).",
        ),
        ("ERROR: Unsupported URL: https://example.com/", PermanentError, NO_MEDIA),
    ],
)
def test_classify_text_only_download_errors(text: str, kind: type, start: str) -> None:
    from yt_dlp.utils import DownloadError

    result = classify_error(DownloadError(text))
    assert isinstance(result, kind)
    assert result.message.english().startswith(start)
    assert text in result.detail


def test_classify_disk_full_pauses_the_queue() -> None:
    from podcast_desk.tasks.errors import DiskFull

    result = classify_error(OSError(errno.ENOSPC, "No space left on device"))
    assert isinstance(result, DiskFull)
    assert result.message.english() == "The disk is full."


def test_classify_expected_extractor_error_is_permanent() -> None:
    from yt_dlp.utils import DownloadError, ExtractorError

    inner = ExtractorError("[site] 123: This video is private", expected=True)
    result = classify_error(DownloadError(str(inner), (type(inner), inner, None)))
    assert isinstance(result, PermanentError)
    assert "This video is private" in result.message.english()


def test_classify_unknown_error_is_transient() -> None:
    result = classify_error(RuntimeError("something odd"))
    assert isinstance(result, TransientError)
    assert "RuntimeError: something odd" in result.detail
