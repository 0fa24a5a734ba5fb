"""Tests for the offline extractive summary on real faster-whisper transcripts and Chinese text."""

from __future__ import annotations

import re

import nltk
import pytest

from podcast_desk.pipeline.summarize.extractive import summarize_extractive
from podcast_desk.pipeline.summarize.model import Summary
from podcast_desk.pipeline.transcript import TranscriptSegment
from tests.pipeline.summarize.transcripts import (
    Transcript,
    assert_chapters_tile_the_episode,
    assert_times_are_segment_starts,
    load_transcript,
)

CJK = re.compile(r"[\u4e00-\u9fff]")

# Words a listener would accept as naming each spoken topic of topics.json.
TOPIC_WORDS = {
    "coffee": {"coffee", "beans", "grind", "brewing", "kettle"},
    "space": {"space", "soviet union", "sputnik", "rockets", "apollo", "orbit", "yuri gagarin"},
    "tides": {"tides", "tide", "ocean", "moon", "bulge"},
    "bicycle": {"bicycle", "tire", "tube", "chain", "brakes", "simple tools"},
    "piano": {"piano", "hand", "keys", "scales", "metronome", "learning"},
}


def summarize(transcript: Transcript) -> Summary:
    return summarize_extractive(transcript.segments, transcript.language)


def boundaries_found(summary: Summary, transcript: Transcript, within: float) -> int:
    """How many true topic changes (not the episode start) have a chapter start nearby."""
    starts = [c.start for c in summary.chapters]
    return sum(
        any(abs(s - truth) <= within for s in starts) for truth in transcript.topic_starts[1:]
    )


def test_topics_summary_follows_the_five_spoken_topics() -> None:
    transcript = load_transcript("topics")
    summary = summarize(transcript)

    assert summary.engine == "extractive" and summary.language == "en"
    assert summary.tldr.strip()
    assert len(summary.key_points) >= 3
    assert_times_are_segment_starts(summary, transcript)
    assert_chapters_tile_the_episode(summary, transcript)
    assert 3 <= len(summary.chapters) <= 8
    assert boundaries_found(summary, transcript, within=20.0) >= 3
    keywords = {k.lower() for k in summary.keywords}
    named = [topic for topic, words in TOPIC_WORDS.items() if keywords & words]
    assert len(named) >= 4, (summary.keywords, named)
    assert 1 <= len(summary.quotes) <= 3


def test_topics_key_points_cover_several_chapters() -> None:
    transcript = load_transcript("topics")
    summary = summarize(transcript)
    chapter_starts = [c.start for c in summary.chapters]
    covered = {
        max(i for i, s in enumerate(chapter_starts) if s <= p.start) for p in summary.key_points
    }
    assert len(covered) >= 3


def test_long_transcript_of_twelve_topics() -> None:
    transcript = load_transcript("long")
    summary = summarize(transcript)

    assert summary.tldr.strip()
    assert 3 <= len(summary.key_points) <= 8
    assert_times_are_segment_starts(summary, transcript)
    assert_chapters_tile_the_episode(summary, transcript)
    true_changes = len(transcript.topic_starts) - 1
    assert boundaries_found(summary, transcript, within=10.0) >= true_changes * 2 // 3
    assert len(summary.keywords) >= 5


def test_eleven_seconds_of_jfk_gives_a_minimal_summary() -> None:
    transcript = load_transcript("jfk")
    summary = summarize(transcript)

    assert "ask not what your country can do for you" in summary.tldr.lower()
    assert 1 <= len(summary.key_points) <= 2
    assert_times_are_segment_starts(summary, transcript)
    assert len(summary.chapters) == 1
    assert summary.chapters[0].start == 0.0 and summary.chapters[0].end == transcript.duration
    assert "country" in {k.lower() for k in summary.keywords}


def test_empty_transcript_gives_an_empty_summary() -> None:
    summary = summarize_extractive([], "en")
    assert summary == Summary(engine="extractive", language="en", tldr="")
    blank = summarize_extractive([TranscriptSegment(0.0, 2.0, "   ")], None)
    assert blank.tldr == "" and blank.key_points == [] and blank.chapters == []


def test_one_segment_without_punctuation() -> None:
    segments = [TranscriptSegment(3.0, 9.5, "well we talked about gardening and tomatoes today")]
    summary = summarize_extractive(segments, "en")
    assert summary.tldr == "well we talked about gardening and tomatoes today"
    assert [p.start for p in summary.key_points] == [3.0]
    assert [(c.start, c.end) for c in summary.chapters] == [(3.0, 9.5)]


def test_sentences_spanning_segments_are_whole_and_start_where_they_begin() -> None:
    # Every sentence starts in one segment and ends in the next; long enough that the
    # sentence splitter works through several blocks.
    topics = ["gardening tomatoes", "baking bread", "repairing bicycles", "playing chess"]
    segments = []
    t = 0.0
    for k in range(120):
        topic = topics[k // 30]
        segments.append(TranscriptSegment(t, t + 2.0, f"Sentence {k} is about {topic}, and"))
        segments.append(TranscriptSegment(t + 2.0, t + 4.0, f"it ends here for {topic}."))
        t += 4.0
    summary = summarize_extractive(segments, "en")
    heads = {s.start for s in segments[::2]}
    for point in [*summary.key_points, *summary.quotes]:
        assert point.start in heads, point
        assert re.fullmatch(
            r"Sentence \d+ is about [a-z ]+, and it ends here for [a-z ]+\.", point.text
        ), point.text


def test_unpunctuated_speech_is_cut_at_segment_boundaries() -> None:
    words = ["the", "river", "carries", "sand", "from", "the", "mountains", "down", "to"]
    words += ["the", "sea", "every", "spring"]
    segments = [
        TranscriptSegment(i * 3.0, i * 3.0 + 3.0, " ".join(words[i % 5 : i % 5 + 8]))
        for i in range(200)
    ]
    summary = summarize_extractive(segments, "en")
    assert summary.key_points
    for point in summary.key_points:
        assert len(point.text) <= 320
        assert point.start in {s.start for s in segments}


def test_chinese_transcript() -> None:
    transcript = load_transcript("zh_sample")
    summary = summarize(transcript)

    assert summary.language == "zh"
    assert CJK.search(summary.tldr)
    assert " " not in summary.tldr  # Chinese sentences are joined without spaces
    assert len(summary.key_points) >= 3
    assert_times_are_segment_starts(summary, transcript)
    assert_chapters_tile_the_episode(summary, transcript)
    assert len(summary.chapters) == 3
    assert boundaries_found(summary, transcript, within=10.0) == 2
    assert summary.keywords and all(CJK.search(k) and len(k) >= 2 for k in summary.keywords)
    keywords = set(summary.keywords)
    assert keywords & {"茶叶", "冲泡", "茶汤", "喝茶", "品茶"}
    assert keywords & {"大熊猫", "熊猫", "竹子"}
    assert keywords & {"高铁", "列车", "铁路", "时速"}
    for chapter in summary.chapters:
        assert CJK.search(chapter.title)


def test_chinese_is_detected_without_a_language() -> None:
    transcript = load_transcript("zh_sample")
    summary = summarize_extractive(transcript.segments, None)
    assert summary.language == "zh"
    assert all(CJK.search(k) for k in summary.keywords)


def test_no_nltk_data_is_needed(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("the summarizer asked NLTK for data")

    monkeypatch.setattr(nltk, "download", forbidden)
    monkeypatch.setattr(nltk.data, "find", forbidden)
    monkeypatch.setattr(nltk.data, "load", forbidden)
    for name in ("topics", "zh_sample"):
        transcript = load_transcript(name)
        assert summarize(transcript).key_points
