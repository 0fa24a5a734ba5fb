"""One summary document, three renderings that agree, with every text escaped."""

from __future__ import annotations

import re
from typing import Any

from podcast_desk.library.summary_doc import SummaryDocument

HOSTILE = '<img src="/local/file.png"><h1>BIG</h1><a href="x">link</a>'


def body(**summary: Any) -> dict[str, Any]:
    return {
        "title": "Episode *one*", "show": "Loopback Radio", "duration": 125.0,
        "language": "en", "summaryEngine": "extractive", "transcriptComplete": True,
        "transcribedUntil": 125.0, "chapters": [],
        "summary": {"tldr": "It is about tea.", "keyPoints": [{"text": "Boil water.",
                                                              "start": 4.2}],
                    "chapters": [{"start": 0, "end": 60, "title": "Tea", "summary": "Brew."}],
                    "keywords": ["tea", "water"], "quotes": [{"text": "Tea!", "start": 61}],
                    **summary},
    }


def test_text_markdown_and_html_hold_the_same_sections() -> None:
    doc = SummaryDocument.from_episode_json(body())
    text = doc.to_text()
    assert text.startswith("Episode *one*\nLoopback Radio · 2:05 · en · extractive\n")
    assert "TL;DR\nIt is about tea." in text and "  [0:04] Boil water." in text
    assert "  [0:00] Tea: Brew." in text and "Keywords: tea, water" in text
    md = doc.to_markdown()
    assert "## TL;DR" in md and "- **[0:04]** Boil water." in md
    assert "- **[0:00]** Tea — Brew." in md and "> **[1:01]** Tea!" in md
    html = doc.to_html()
    assert '<a href="seek:4.2">0:04</a>' in html and "<b>Tea</b>" in html


def test_hostile_text_is_escaped_in_every_rendering() -> None:
    doc = SummaryDocument.from_episode_json(body(tldr=HOSTILE, keywords=[HOSTILE]))
    html = doc.to_html()
    assert "<img" not in html and "<h1>" not in html and "<a href=\"x\"" not in html
    assert "&lt;img" in html
    md = doc.to_markdown()
    assert re.search(r"(?<!\\)<", md) is None and "\\<img" in md


def test_no_summary_says_so_or_how_far_the_transcript_got() -> None:
    nothing = SummaryDocument.from_episode_json({"title": "T", "summary": None,
                                                 "transcriptComplete": True})
    assert "This episode has no summary yet." in nothing.to_text()
    halfway = SummaryDocument.from_episode_json({"title": "T", "summary": None,
                                                 "transcriptComplete": False,
                                                 "transcribedUntil": 754.0})
    assert "Transcribed up to 12:34 so far." in halfway.to_text()
    assert "Transcribed up to 12:34 so far." in halfway.to_html()


def test_odd_values_are_skipped_not_raised() -> None:
    doc = SummaryDocument.from_episode_json(body(keyPoints=[{"text": "x", "start": "soon"},
                                                            "not a dict"], chapters="nope"))
    assert doc.sections["key_points"][0].start is None
    assert "chapters" not in doc.sections


def test_publisher_chapters_come_first_in_the_markdown() -> None:
    data = body()
    data["chapters"] = [{"start": 10, "title": "From the feed"}]
    md = SummaryDocument.from_episode_json(data).to_markdown()
    assert "From the feed" in md and "Tea — Brew." not in md
