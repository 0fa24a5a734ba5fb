"""The podcast handler in-process: real yt-dlp over loopback, real whisper, real SQLite."""

from __future__ import annotations

import itertools
import json
import os
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from podcast_desk.app import PODCAST, Core, open_core
from podcast_desk.store.models import Episode, Segment
from podcast_desk.tasks.progress import Progress
from podcast_desk.tasks.queue import Status, TaskInfo
from tests.conftest import CORPUS, REPO
from tests.support.http_server import FeedItem, LoopbackServer

SPEECH = REPO / "tests" / "fixtures" / "speech"
pytestmark = pytest.mark.slow


def wer(reference: str, hypothesis: str) -> float:
    import jiwer

    def norm(text: str) -> str:
        return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split())

    return float(jiwer.wer(norm(reference), norm(hypothesis)))


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as s:
        yield s


@pytest.fixture
def core(tmp_path: Path) -> Iterator[Core]:
    c = open_core(tmp_path / "data")
    # no Ollama: offline summary
    c.update_settings(ollama_host=f"http://127.0.0.1:{closed_port()}", save=False)
    c.update_settings(network_timeout=5.0, save=False)
    yield c
    c.close()


def add(core: Core, source: str, **extra: Any) -> str:
    from podcast_desk.pipeline.sources import parse_source

    parsed = parse_source(source)
    data = {"source": parsed.url or str(parsed.path), "kind": parsed.kind.value, **extra}
    return core.queue.add_task(PODCAST, data)


def drain(core: Core) -> None:
    core.runner(poll_interval=0.05).run(until_idle=True)


def task(core: Core, task_id: str) -> TaskInfo:
    info = core.queue.get_task(task_id)
    assert info is not None
    return info


def transcript(episode_id: int) -> list[Segment]:
    return list(Segment.select().where(Segment.episode == episode_id).order_by(Segment.start))


def assert_well_formed(segments: list[Segment], duration: float) -> None:
    assert segments, "no segments"
    for before, after in itertools.pairwise(segments):
        assert before.start < after.start
        assert before.end <= after.start + 1e-6, (before.end, after.start)
    for seg in segments:
        assert 0 <= seg.start < seg.end <= duration + 0.5 and seg.text.strip()


def assert_summary(episode: Episode) -> dict[str, Any]:
    assert episode.summary is not None
    summary: dict[str, Any] = json.loads(episode.summary)
    assert summary["engine"] == episode.summary_engine == "extractive"
    assert summary["tldr"].strip()
    starts = {s.start for s in transcript(episode.id)}
    for point in summary["keyPoints"]:
        assert 0 <= point["start"] <= episode.duration
        assert any(abs(point["start"] - s) < 0.01 for s in starts)
    for chapter in summary["chapters"]:
        assert 0 <= chapter["start"] < episode.duration
    return summary


def test_direct_audio_link_gives_a_faithful_transcript(core: Core, server: LoopbackServer) -> None:
    server.add("/jfk.flac", (CORPUS / "jfk.flac").read_bytes(), "audio/flac")
    task_id = add(core, server.url("/jfk.flac"))
    drain(core)
    info = task(core, task_id)
    assert info.status is Status.COMPLETED, info.error
    episode = Episode.get_by_id(info.result["episodeId"])  # type: ignore[index]
    assert episode.duration == pytest.approx(11.0, abs=0.5)
    assert Path(episode.audio_path).is_file() and len(episode.audio_hash) == 64
    text = " ".join(s.text for s in transcript(episode.id))
    assert wer((CORPUS / "jfk.txt").read_text(), text) <= 0.15
    assert_summary(episode)
    log = " ".join(e.message for e in core.queue.events(task_id))
    assert "offline summary" in log  # Ollama absent: said so in the log, not an error


def test_feed_takes_the_newest_episode_with_its_metadata_and_queues_more(
    core: Core, server: LoopbackServer
) -> None:
    server.add("/media/topics.mp3", (SPEECH / "topics.mp3").read_bytes(), "audio/mpeg")
    server.add("/media/short.m4a", (SPEECH / "short.m4a").read_bytes(), "audio/mp4")
    server.add_feed(
        "/show.xml",
        title="Loopback Radio",
        items=[
            FeedItem(title="Older: green tea", guid="tea", pub_date=1_700_000_000.0,
                     enclosure_url="/media/short.m4a", enclosure_type="audio/mp4",
                     duration="00:00:24", description="About tea."),
            FeedItem(title="Newest: five topics", guid="topics", pub_date=1_700_900_000.0,
                     enclosure_url="/media/topics.mp3", enclosure_type="audio/mpeg",
                     duration="00:03:17", description="Coffee, space, tides and more.",
                     image="https://example.org/cover.jpg",
                     chapters=(("00:00:00.000", "Coffee"), ("00:00:40.500", "Space"))),
        ],
    )
    task_id = add(core, server.url("/show.xml"), feedEpisodes=2)
    drain(core)
    info = task(core, task_id)
    assert info.status is Status.COMPLETED, info.error
    assert info.title == "Newest: five topics"
    episode = Episode.get_by_id(info.result["episodeId"])  # type: ignore[index]
    assert (episode.guid, episode.show) == ("topics", "Loopback Radio")
    assert episode.published == 1_700_900_000.0
    assert episode.description == "Coffee, space, tides and more."
    assert episode.image == "https://example.org/cover.jpg"
    assert json.loads(episode.chapters) == [{"start": 0.0, "title": "Coffee"},
                                            {"start": 40.5, "title": "Space"}]
    assert episode.duration == pytest.approx(196.8, abs=1.0)
    assert_well_formed(transcript(episode.id), episode.duration)
    text = " ".join(s.text for s in transcript(episode.id))
    assert wer((SPEECH / "topics.txt").read_text(), text) <= 0.15
    summary = assert_summary(episode)
    assert len(summary["chapters"]) >= 3

    others = [t for t in core.queue.list_tasks() if t.id != task_id]
    assert len(others) == 1
    sibling = others[0]
    assert sibling.status is Status.COMPLETED, sibling.error
    assert sibling.data["guid"] == "tea" and sibling.title == "Older: green tea"
    tea = Episode.get_by_id(sibling.result["episodeId"])  # type: ignore[index]
    tea_text = " ".join(s.text for s in transcript(tea.id))
    assert wer((SPEECH / "short.txt").read_text(), tea_text) <= 0.2


def test_page_with_an_audio_tag(core: Core, server: LoopbackServer) -> None:
    server.add("/media/short.m4a", (SPEECH / "short.m4a").read_bytes(), "audio/mp4")
    server.add_audio_page("/episodes/tea", "/media/short.m4a", title="Green tea, explained")
    task_id = add(core, server.url("/episodes/tea"))
    drain(core)
    info = task(core, task_id)
    assert info.status is Status.COMPLETED, info.error
    episode = Episode.get_by_id(info.result["episodeId"])  # type: ignore[index]
    assert "Green tea" in episode.title
    text = " ".join(s.text for s in transcript(episode.id))
    assert wer((SPEECH / "short.txt").read_text(), text) <= 0.2


def test_local_file_is_used_in_place_and_never_deleted(core: Core, tmp_path: Path) -> None:
    original = tmp_path / "my talk.m4a"
    original.write_bytes((SPEECH / "short.m4a").read_bytes())
    core.update_settings(keep_audio=False, save=False)
    task_id = add(core, str(original))
    drain(core)
    info = task(core, task_id)
    assert info.status is Status.COMPLETED, info.error
    episode = Episode.get_by_id(info.result["episodeId"])  # type: ignore[index]
    assert episode.audio_path == str(original.resolve()) and original.is_file()
    assert episode.title == "my talk"
    assert not any((core.paths.audio).glob("*")) if core.paths.audio.exists() else True


class StopAtHalf:
    """A Reporter that stops the runner once transcription passes half of the audio."""

    def __init__(self) -> None:
        self.runner: Any = None
        self.stopped = threading.Event()

    def task_started(self, task_id: str, task_type: str, title: str) -> None:
        pass

    def task_progress(self, progress: Progress) -> None:
        done, total = progress.stage_done, progress.stage_total
        half = progress.stage == "transcribe" and done and total and done / total > 0.5
        if half and not self.stopped.is_set():
            self.stopped.set()
            self.runner.stop()

    def task_finished(self, task_id: str, outcome: Any, message: Any) -> None:
        pass


def test_transcription_resumes_from_its_checkpoint(core: Core, tmp_path: Path) -> None:
    core.update_settings(slice_seconds=40.0, save=False)
    audio = tmp_path / "topics.mp3"
    audio.write_bytes((SPEECH / "topics.mp3").read_bytes())
    task_id = add(core, str(audio))
    stopper = StopAtHalf()
    runner = core.runner(stopper, poll_interval=0.05)
    stopper.runner = runner
    runner.run()
    assert stopper.stopped.is_set()
    info = task(core, task_id)
    assert info.status is Status.PENDING and info.attempts == 0  # released, not failed
    episode = Episode.get(Episode.task == task_id)
    checkpoint = episode.transcribed_until
    assert 0 < checkpoint < episode.duration  # some slices committed, not all
    before = [(s.start, s.text) for s in transcript(episode.id)]
    assert before and before[-1][0] < checkpoint

    drain(core)
    info = task(core, task_id)
    assert info.status is Status.COMPLETED, info.error
    episode = Episode.get_by_id(episode.id)
    segments = transcript(episode.id)
    assert_well_formed(segments, episode.duration)
    assert [(s.start, s.text) for s in segments[: len(before)]] == before  # kept, not redone
    assert wer((SPEECH / "topics.txt").read_text(), " ".join(s.text for s in segments)) <= 0.15
    assert any("Resuming the transcript from" in e.message for e in core.queue.events(task_id))


# -- bad sources ----------------------------------------------------------------------------


def _bad_sources(server: LoopbackServer, tmp_path: Path) -> dict[str, str]:
    topics = (SPEECH / "topics.mp3").read_bytes()
    server.add("/empty.mp3", b"", "audio/mpeg")
    server.add("/random.mp3", os.urandom(200_000), "audio/mpeg")
    server.add("/truncated.mp3", topics[: len(topics) * 3 // 10], "audio/mpeg")
    server.add("/stalled.mp3", topics, "audio/mpeg", stall_after=1000)
    local_garbage = tmp_path / "notes.mp3"
    local_garbage.write_text("this is a text file named like audio\n" * 50)
    return {
        "404": server.url("/404"),
        "no media": server.url("/no-media"),
        "empty": server.url("/empty.mp3"),
        "random": server.url("/random.mp3"),
        "truncated": server.url("/truncated.mp3"),
        "redirect loop": server.url("/redirect-loop"),
        "closed port": f"http://127.0.0.1:{closed_port()}/episode.mp3",
        "stall": server.url("/stalled.mp3"),
        "local garbage": str(local_garbage),
    }


TRANSIENT = {"closed port", "stall"}


def test_bad_sources_end_with_a_human_message_and_the_worker_keeps_going(
    core: Core, server: LoopbackServer, tmp_path: Path
) -> None:
    core.update_settings(network_timeout=2.0, save=False)
    bad = {name: add(core, url) for name, url in _bad_sources(server, tmp_path).items()}
    server.add("/jfk.flac", (CORPUS / "jfk.flac").read_bytes(), "audio/flac")
    good = add(core, server.url("/jfk.flac"))
    drain(core)
    assert task(core, good).status is Status.COMPLETED
    for name, task_id in bad.items():
        info = task(core, task_id)
        expected = Status.PENDING if name in TRANSIENT else Status.FAILED
        assert info.status is expected, (name, info.status, info.error)
        assert info.error and 20 < len(info.error) < 300, (name, info.error)
        assert "Traceback" not in info.error and "Error:" not in info.error, (name, info.error)
        assert info.error[0].isupper() and info.error.rstrip().endswith((".", ")")), info.error
        if name in TRANSIENT:
            assert info.next_run_at > core.queue.clock()
    messages = {name: task(core, i).error for name, i in bad.items()}
    assert "404" in (messages["404"] or "")
    assert "redirect" in (messages["redirect loop"] or "").lower()
