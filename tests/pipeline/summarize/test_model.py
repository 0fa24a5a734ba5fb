"""Tests for the Summary value: its stored JSON shape and the schema sent to Ollama."""

from __future__ import annotations

import json

import pytest

from podcast_desk.pipeline.summarize.model import (
    SUMMARY_SCHEMA,
    Chapter,
    Summary,
    TimedText,
    resolve_language,
)


def sample() -> Summary:
    return Summary(
        engine="ollama:llama3.2",
        language="en",
        tldr="An episode about coffee.",
        key_points=[TimedText("Grind just before brewing.", 4.8)],
        chapters=[Chapter(0.0, 36.6, "Coffee", "How to brew it.")],
        keywords=["coffee", "grind"],
        quotes=[TimedText("Coffee loses its aroma quickly.", 7.6)],
    )


def test_to_json_has_exactly_the_documented_shape() -> None:
    data = sample().to_json()
    assert data == {
        "engine": "ollama:llama3.2",
        "language": "en",
        "tldr": "An episode about coffee.",
        "keyPoints": [{"text": "Grind just before brewing.", "start": 4.8}],
        "chapters": [{"start": 0.0, "end": 36.6, "title": "Coffee", "summary": "How to brew it."}],
        "keywords": ["coffee", "grind"],
        "quotes": [{"text": "Coffee loses its aroma quickly.", "start": 7.6}],
    }


def test_json_round_trip_through_text() -> None:
    summary = sample()
    assert Summary.from_json(json.loads(json.dumps(summary.to_json()))) == summary


def test_from_json_rejects_a_wrong_shape() -> None:
    with pytest.raises(ValueError):
        Summary.from_json({"engine": "extractive", "keyPoints": [{"text": "no start"}]})


def test_schema_requires_every_summary_field_with_timed_points() -> None:
    assert set(SUMMARY_SCHEMA["required"]) == {
        "tldr",
        "keyPoints",
        "chapters",
        "keywords",
        "quotes",
    }
    props = SUMMARY_SCHEMA["properties"]
    for timed in ("keyPoints", "quotes"):
        assert props[timed]["items"]["required"] == ["text", "start"]
        assert props[timed]["items"]["properties"]["start"] == {"type": "number"}
    assert set(props["chapters"]["items"]["required"]) == {"start", "end", "title", "summary"}
    json.dumps(SUMMARY_SCHEMA)  # it goes over the wire as JSON


@pytest.mark.parametrize(
    ("given", "text", "expected"),
    [
        ("EN", "hello", "en"),
        (None, "今天我们来聊一聊咖啡和茶。", "zh"),
        (None, "An English sentence.", ""),
        (None, "", ""),
    ],
)
def test_resolve_language(given: str | None, text: str, expected: str) -> None:
    assert resolve_language(given, text) == expected
