"""Helpers for summarizer tests: real transcripts from the fixtures, segment checks."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from podcast_desk.pipeline.summarize.model import Summary
from podcast_desk.pipeline.transcript import TranscriptSegment

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
TRANSCRIPTS = FIXTURES / "transcripts"
SPEECH = FIXTURES / "speech"


@dataclass(frozen=True)
class Transcript:
    """A stored transcript: language, duration, segments, and true topic starts if known."""

    language: str
    duration: float
    segments: list[TranscriptSegment]
    topic_starts: list[float]

    @property
    def starts(self) -> set[float]:
        return {s.start for s in self.segments}


def load_transcript(name: str) -> Transcript:
    path = TRANSCRIPTS / f"{name}.json"
    if not path.exists():
        pytest.fail(f"missing fixture {path}")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    sections = data.get("sections")
    speech = SPEECH / f"{name}.json"
    if sections is None and speech.exists():
        sections = json.loads(speech.read_text(encoding="utf-8"))["sections"]
    return Transcript(
        language=data["language"],
        duration=float(data["duration"]),
        segments=[
            TranscriptSegment(float(s["start"]), float(s["end"]), s["text"])
            for s in data["segments"]
        ],
        topic_starts=[float(s["start"]) for s in sections or []],
    )


def assert_times_are_segment_starts(summary: Summary, transcript: Transcript) -> None:
    """Every key point and quote starts exactly at a segment start inside the episode."""
    for point in [*summary.key_points, *summary.quotes]:
        assert 0.0 <= point.start <= transcript.duration, point
        assert point.start in transcript.starts, point


def assert_chapters_tile_the_episode(summary: Summary, transcript: Transcript) -> None:
    """Chapters start in ascending order inside the episode, each ending where the next starts."""
    chapters = summary.chapters
    assert chapters
    starts = [c.start for c in chapters]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    for chapter, following in itertools.pairwise(chapters):
        assert chapter.end == following.start
    for chapter in chapters:
        assert 0.0 <= chapter.start < chapter.end <= transcript.duration + 1.0
        assert chapter.title.strip() and chapter.summary.strip()
