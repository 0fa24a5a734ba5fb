"""Publisher transcripts: parsing SRT/VTT/JSON, and the handler using them instead of whisper."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from podcast_desk.app import PODCAST, Core, open_core
from podcast_desk.messages import plain
from podcast_desk.pipeline import publisher_transcript as pt
from podcast_desk.store.models import Episode, Segment
from podcast_desk.tasks.errors import PermanentError
from podcast_desk.tasks.queue import Status
from tests.conftest import REPO
from tests.support.http_server import FeedItem, LoopbackServer

SPEECH = REPO / "tests" / "fixtures" / "speech"

# short.m4a's words with made-up but plausible times.
SENTENCES = [
    (0.0, 3.9, "Green tea tastes best when the water is not too hot."),
    (3.9, 8.6, "Let boiled water cool for a few minutes before pouring it over the leaves."),
    (8.6, 12.8, "Steep the tea for about two minutes, then remove the leaves."),
    (12.8, 16.4, "If you leave them too long, the tea turns bitter."),
    (16.4, 21.9, "The same leaves can usually be steeped a second or even a third time."),
]


def stamp(seconds: float, sep: str) -> str:
    ms = round(seconds * 1000)
    hours, minutes, secs = ms // 3_600_000, ms // 60_000 % 60, ms // 1000 % 60
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{sep}{ms % 1000:03d}"


def vtt_bytes() -> bytes:
    out = ["WEBVTT", "", "NOTE made for the tests", ""]
    for i, (start, end, text) in enumerate(SENTENCES, 1):
        half = len(text.split()) // 2
        words = text.split()
        out += [f"cue-{i}", f"{stamp(start, '.')} --> {stamp(end, '.')} line:90%",
                f"<v Host>{' '.join(words[:half])}", f"{' '.join(words[half:])}</v>", ""]
    return "\n".join(out).encode()


def srt_bytes() -> bytes:
    out = []
    for i, (start, end, text) in enumerate(SENTENCES, 1):
        out += [str(i), f"{stamp(start, ',')} --> {stamp(end, ',')}", f"<i>{text}</i>", ""]
    return "\r\n".join(out).encode()


def json_bytes() -> bytes:
    segments = []
    for start, end, text in SENTENCES:  # word by word, as some publishers send it
        words = text.split()
        step = (end - start) / len(words)
        segments += [{"speaker": "Host", "startTime": round(start + i * step, 3),
                      "endTime": round(start + (i + 1) * step, 3), "body": w}
                     for i, w in enumerate(words)]
    return json.dumps({"version": "1.0.0", "segments": segments}).encode()


# -- parsing --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind,data", [("vtt", vtt_bytes()), ("srt", srt_bytes()),
                                       ("json", json_bytes())])
def test_each_format_parses_to_the_sentences(kind: str, data: bytes) -> None:
    segments = pt.parse_transcript(kind, data)
    assert [s.text for s in segments] == [t for _, _, t in SENTENCES]
    for seg, (start, end, _) in zip(segments, SENTENCES, strict=True):
        assert seg.start == pytest.approx(start, abs=0.002)
        assert seg.end == pytest.approx(end, abs=0.002)


def test_json_speaker_changes_end_segments_and_cjk_joins_without_spaces() -> None:
    data = json.dumps({"segments": [
        {"speaker": "A", "startTime": 0, "endTime": 1, "body": "Hello"},
        {"speaker": "B", "startTime": 1, "endTime": 2, "body": "hi"},
        {"speaker": "B", "startTime": 2, "endTime": 3, "body": "there."},
        {"speaker": "B", "startTime": 3, "endTime": 4, "body": "我们今天"},
        {"speaker": "B", "startTime": 4, "endTime": 5, "body": "去看大熊猫了。"},
    ]}).encode()
    texts = [s.text for s in pt.parse_transcript("json", data)]
    assert texts == ["Hello", "hi there.", "我们今天去看大熊猫了。"]


def test_bad_files_are_refused() -> None:
    with pytest.raises(ValueError):
        pt.parse_transcript("vtt", b"1\n00:00:01,000 --> 00:00:02,000\nnot vtt\n")
    with pytest.raises(ValueError):
        pt.parse_transcript("srt", b"just words, no cues")
    with pytest.raises(ValueError):
        pt.parse_transcript("json", b"{not json")


def test_link_choice_prefers_json_then_vtt_then_srt() -> None:
    links = [{"url": "https://x/t.srt", "type": "application/x-subrip"},
             {"url": "https://x/t.html", "type": "text/html"},
             {"url": "https://x/t.vtt", "type": None},
             {"url": "https://x/t", "type": "application/json"},
             {"url": "https://x/t.txt", "type": "text/plain"}]
    assert pt.choose_links(links) == [("json", "https://x/t"), ("vtt", "https://x/t.vtt"),
                                      ("srt", "https://x/t.srt")]
    with pytest.raises(PermanentError):
        pt.fetch_publisher_transcript([{"url": "https://x/t.html", "type": "text/html"}])


# -- in the handler -------------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as s:
        s.add("/media/short.m4a", (SPEECH / "short.m4a").read_bytes(), "audio/mp4")
        s.add("/t/tea.vtt", vtt_bytes(), "text/vtt")
        s.add("/t/tea.srt", srt_bytes(), "application/x-subrip")
        s.add("/t/tea.json", json_bytes(), "application/json")
        s.add("/t/broken.vtt", b"this is not a transcript", "text/vtt")
        yield s


@pytest.fixture
def core(tmp_path: Path) -> Iterator[Core]:
    c = open_core(tmp_path / "data")
    c.update_settings(ollama_host=f"http://127.0.0.1:{closed_port()}", save=False)
    c.update_settings(network_timeout=5.0, save=False)
    yield c
    c.close()


class NoWhisper:
    """Stands in for the Transcriber: building one means a model would be loaded."""

    built = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        NoWhisper.built += 1
        raise AssertionError("whisper must not run when the publisher's transcript is used")


def run_feed(core: Core, server: LoopbackServer, transcripts: tuple[tuple[str, str], ...]
             ) -> tuple[Episode, str]:
    server.add_feed("/show.xml", title="Tea Time", items=[
        FeedItem(title="Green tea", guid="tea", pub_date=1_700_000_000.0,
                 enclosure_url="/media/short.m4a", enclosure_type="audio/mp4",
                 duration="00:00:24", transcripts=transcripts)])
    url = server.url("/show.xml")
    task_id = core.queue.add_task(PODCAST, {"source": url, "kind": "url", "guid": "tea",
                                            "feedUrl": url})
    core.runner(poll_interval=0.05).run(until_idle=True)
    info = core.queue.get_task(task_id)
    assert info is not None and info.status is Status.COMPLETED, info and info.error
    episode = Episode.get(Episode.task == task_id)
    return episode, task_id


def texts(episode: Episode) -> list[str]:
    return [s.text for s in Segment.select().where(Segment.episode == episode.id)
            .order_by(Segment.start)]


@pytest.mark.parametrize(
    ("transcripts", "kind"),
    [
        ((("/t/tea.vtt", "text/vtt"),), "vtt"),
        ((("/t/tea.srt", "application/srt"),), "srt"),
        ((("/t/tea.srt", "application/srt"), ("/t/tea.vtt", "text/vtt"),
          ("/t/tea.json", "application/json")), "json"),
        ((("/t/broken.vtt", "text/vtt"), ("/t/tea.srt", "application/srt")), "srt"),
    ],
)
def test_the_publishers_transcript_is_used_instead_of_whisper(
    core: Core, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch,
    transcripts: tuple[tuple[str, str], ...], kind: str,
) -> None:
    monkeypatch.setattr("podcast_desk.pipeline.transcribe.Transcriber", NoWhisper)
    NoWhisper.built = 0
    episode, task_id = run_feed(core, server, transcripts)
    assert NoWhisper.built == 0
    assert episode.transcript_source == f"publisher:{kind}"
    assert texts(episode) == [t for _, _, t in SENTENCES]
    assert episode.transcript_done and episode.transcribed_until == pytest.approx(21.9)
    assert Path(episode.audio_path).is_file()  # the player still has the audio
    assert episode.summary is not None  # summarized from the publisher's text
    log = " ".join(e.message for e in core.queue.events(task_id))
    assert f"publisher's {kind.upper()} transcript" in log
    assert server.requests_for("/media/short.m4a")


def test_the_setting_turns_publisher_transcripts_off(
    core: Core, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Refused(PermanentError):
        pass

    def transcriber(*args: Any, **kwargs: Any) -> Any:
        raise Refused(plain("Whisper was asked for, as the setting says."))

    monkeypatch.setattr("podcast_desk.pipeline.transcribe.Transcriber", transcriber)
    core.update_settings(use_publisher_transcripts=False, save=False)
    url = server.url("/show.xml")
    server.add_feed("/show.xml", items=[FeedItem(
        title="Green tea", guid="tea", enclosure_url="/media/short.m4a",
        enclosure_type="audio/mp4", transcripts=(("/t/tea.vtt", "text/vtt"),))])
    task_id = core.queue.add_task(PODCAST, {"source": url, "kind": "url", "guid": "tea"})
    core.runner(poll_interval=0.05).run(until_idle=True)
    info = core.queue.get_task(task_id)
    assert info is not None and info.status is Status.FAILED
    assert info.error is not None and "as the setting says" in info.error
    assert not server.requests_for("/t/tea.vtt")


@pytest.mark.slow
def test_a_broken_transcript_link_falls_back_to_whisper(
    core: Core, server: LoopbackServer
) -> None:
    episode, task_id = run_feed(core, server, (("/t/missing.vtt", "text/vtt"),))
    assert episode.transcript_source.startswith("whisper:")
    assert episode.transcript_source == f"whisper:{episode.model}"
    joined = " ".join(texts(episode)).lower()
    assert "green tea" in joined and "steeped a second" in joined  # whisper's words
    events = core.queue.events(task_id)
    warning = [e for e in events if e.level == "warning" and "Transcribing the audio" in e.message]
    assert warning, [e.message for e in events]
    assert server.requests_for("/t/missing.vtt")
