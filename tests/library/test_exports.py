"""Exports: SRT and WebVTT read back by independent parsers; Markdown, text and JSON."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
import srt
import webvtt
from peewee import SqliteDatabase

from podcast_desk.library.episodes import episode_json
from podcast_desk.library.exports import (
    MAX_CUE_SECONDS,
    MAX_LINE,
    ExportExists,
    cues_for_segment,
    export_to_file,
    render,
)
from podcast_desk.store.models import Episode
from tests.library.conftest import insert_episode

SUMMARY = {
    "engine": "extractive",
    "language": "en",
    "tldr": "Five short topics: coffee, space, tides, tomatoes and bikes.",
    "keyPoints": [{"text": "Grind the beans just before brewing.", "start": 4.8},
                  {"text": "Spring tides come when sun and moon line up.", "start": 100.6}],
    "chapters": [{"start": 0.0, "end": 40.0, "title": "Coffee", "summary": "Beans and grind."},
                 {"start": 78.6, "end": 120.0, "title": "Tides", "summary": "The moon pulls."}],
    "keywords": ["coffee", "tides"],
    "quotes": [{"text": "A good cup of coffee starts with freshly roasted beans.", "start": 0.0}],
}
LONG_SEGMENT = (
    "This is one very long segment that goes on and on, the way a speaker does when they "
    "never pause for breath, so that a subtitle file made from it naively would show a wall "
    "of text for half a minute; instead it must be split into readable cues of two short "
    "lines each, with the time shared out in proportion to how much text each cue holds."
)


def squash(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def episodes(library_db: SqliteDatabase) -> dict[str, Episode]:
    topics = insert_episode("topics", title="Five topics", summary=SUMMARY, show="Loopback Radio")
    zh = insert_episode("zh_sample", title="中文节目")
    long = insert_episode("long", title="Long")
    from podcast_desk.store.models import Segment

    Segment.insert(episode=long.id, start=1000.0, end=1030.0, text=LONG_SEGMENT).execute()
    Segment.insert(episode=long.id, start=1030.0, end=1031.0, text="R&D <is> fun --> yes").execute()
    return {"topics": topics, "zh": zh, "long": long}


def segments(episode: Episode) -> list[dict[str, Any]]:
    return list(episode_json(episode)["segments"])


def check_cues(cues: list[tuple[float, float, str]], segs: list[dict[str, Any]], *,
               srt_arrows: bool = False) -> None:
    """Text equal to the segments' (whitespace aside), cues inside their segment, limits kept.

    SRT has no escapes, so an arrow in the text is written as ``->`` (a cue line with
    ``-->`` confuses players); with ``srt_arrows`` the comparison expects that.
    """
    if srt_arrows:
        segs = [{**s, "text": s["text"].replace("-->", "->")} for s in segs]
    assert squash("".join(c[2] for c in cues)) == squash("".join(s["text"] for s in segs))
    position = 0
    for seg in segs:
        need = squash(seg["text"])
        got = ""
        while len(got) < len(need):
            start, end, text = cues[position]
            position += 1
            assert seg["start"] - 0.0015 <= start < end <= seg["end"] + 0.0015, (seg, start, end)
            got += squash(text)
        assert got == need
    assert position == len(cues)
    for start, end, text in cues:
        lines = text.split("\n")
        assert 1 <= len(lines) <= 2, text
        assert all(0 < len(line) <= MAX_LINE for line in lines), text
        words = len(text.split())
        if words > 1 or len(squash(text)) > 1:  # a single word cannot be split further
            assert end - start <= MAX_CUE_SECONDS + 0.01, (start, end, text)
    starts = [c[0] for c in cues]
    assert starts == sorted(starts)


@pytest.mark.parametrize("name", ["topics", "zh", "long"])
def test_srt_parses_back_to_the_segments(episodes: dict[str, Episode], name: str) -> None:
    episode = episodes[name]
    text = render(episode, "srt")
    subtitles = list(srt.parse(text, ignore_errors=False))
    assert [s.index for s in subtitles] == list(range(1, len(subtitles) + 1))
    cues = [(s.start.total_seconds(), s.end.total_seconds(), s.content) for s in subtitles]
    check_cues(cues, segments(episode), srt_arrows=True)


@pytest.mark.parametrize("name", ["topics", "zh", "long"])
def test_vtt_parses_back_to_the_segments(episodes: dict[str, Episode], name: str) -> None:
    episode = episodes[name]
    text = render(episode, "vtt")
    assert text.startswith("WEBVTT\n\n")
    captions = webvtt.from_buffer(io.StringIO(text))
    cues = []
    for c in captions:
        raw = "\n".join(c.lines)
        unescaped = raw.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        cues.append((_vtt_seconds(c.start), _vtt_seconds(c.end), unescaped))
    check_cues(cues, segments(episode))


def _vtt_seconds(stamp: str) -> float:
    hours, minutes, rest = stamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(rest)


def test_a_long_segment_is_split_with_time_shared_by_text_length() -> None:
    cues = cues_for_segment(10.0, 40.0, LONG_SEGMENT)
    assert len(cues) >= 5
    assert cues[0].start == 10.0 and cues[-1].end == pytest.approx(40.0)
    total = len(squash(LONG_SEGMENT))
    for cue in cues:
        share = len(squash(cue.text)) / total
        assert (cue.end - cue.start) == pytest.approx(30.0 * share, rel=0.2)
        assert len(cue.text) <= 2 * MAX_LINE + 1


def test_special_characters_survive_srt_and_are_escaped_in_vtt(
    episodes: dict[str, Episode],
) -> None:
    vtt = render(episodes["long"], "vtt")
    assert "R&amp;D &lt;is&gt; fun" in vtt
    assert "--> yes" not in vtt.replace(" --> ", "")  # never a stray arrow in cue text
    srt_text = render(episodes["long"], "srt")
    assert "R&D <is> fun" in srt_text


def test_markdown_has_summary_chapters_and_a_timestamped_transcript(
    episodes: dict[str, Episode],
) -> None:
    md = render(episodes["topics"], "md")
    assert md.startswith("# Five topics\n")
    assert "Loopback Radio" in md
    assert "## TL;DR" in md and SUMMARY["tldr"] in md
    assert "## Key points" in md and "- **[0:04]** Grind the beans just before brewing." in md
    assert "## Chapters" in md and "- **[1:18]** Tides — The moon pulls." in md
    assert "### [1:18] Tides" in md  # the chapter starts a transcript section
    assert "## Transcript" in md and "**[0:00]** A good cup of coffee" in md
    transcript = md.split("## Transcript", 1)[1]
    for seg in segments(episodes["topics"]):
        assert seg["text"].split()[-1].rstrip(".") in transcript


def test_text_has_summary_and_one_timestamped_line_per_segment(
    episodes: dict[str, Episode],
) -> None:
    txt = render(episodes["topics"], "txt")
    assert txt.startswith("Five topics\n") and SUMMARY["tldr"] in txt
    assert "[1:40] Spring tides come when sun and moon line up." in txt
    lines = txt.split("Transcript\n\n", 1)[1].splitlines()
    segs = segments(episodes["topics"])
    assert len(lines) == len(segs)
    assert lines[0] == "[0:00] A good cup of coffee starts with freshly roasted beans."
    assert "[0:04] Grind the beans just before brewing, because" in lines


def test_json_is_the_episode_json(episodes: dict[str, Episode]) -> None:
    body = json.loads(render(episodes["zh"], "json"))
    assert body == json.loads(json.dumps(episode_json(episodes["zh"])))
    assert body["segments"][0]["text"] == segments(episodes["zh"])[0]["text"]


def test_unknown_format_is_refused(episodes: dict[str, Episode]) -> None:
    with pytest.raises(ValueError, match="Unknown export format"):
        render(episodes["zh"], "docx")


def test_export_to_file_never_overwrites_without_permission(
    episodes: dict[str, Episode], tmp_path: Path
) -> None:
    target = tmp_path / "out.srt"
    export_to_file(episodes["topics"], "srt", target)
    first = target.read_text("utf-8")
    with pytest.raises(ExportExists):
        export_to_file(episodes["zh"], "srt", target)
    assert target.read_text("utf-8") == first
    export_to_file(episodes["zh"], "srt", target, overwrite=True)
    assert target.read_text("utf-8") != first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["library.db", "library.db-shm",
                                                          "library.db-wal", "out.srt"]
