"""The Summary value both summarizers return, its JSON form and the schema sent to Ollama."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from podcast_desk.text import is_cjk_text

__all__ = ["SUMMARY_SCHEMA", "Chapter", "Summary", "TimedText", "is_cjk_text",
           "resolve_language"]

EXTRACTIVE_ENGINE = "extractive"



@dataclass(frozen=True, slots=True)
class TimedText:
    """A sentence or point the player can jump to; ``start`` is seconds into the episode."""

    text: str
    start: float


@dataclass(frozen=True, slots=True)
class Chapter:
    """A stretch of the episode about one topic, from ``start`` to ``end`` seconds."""

    start: float
    end: float
    title: str
    summary: str


@dataclass(frozen=True, slots=True)
class Summary:
    """What a summarizer made of a transcript; every point carries a timestamp.

    ``engine`` is ``"ollama:<model>"`` or ``"extractive"``; ``language`` is the transcript's
    language code (``"en"``, ``"zh"``, ...) or ``""`` when unknown.
    """

    engine: str
    language: str
    tldr: str
    key_points: list[TimedText] = field(default_factory=list)
    chapters: list[Chapter] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    quotes: list[TimedText] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The stored and exported form (design §5), ready for ``json.dumps``."""
        return {
            "engine": self.engine,
            "language": self.language,
            "tldr": self.tldr,
            "keyPoints": [{"text": p.text, "start": p.start} for p in self.key_points],
            "chapters": [
                {"start": c.start, "end": c.end, "title": c.title, "summary": c.summary}
                for c in self.chapters
            ],
            "keywords": list(self.keywords),
            "quotes": [{"text": q.text, "start": q.start} for q in self.quotes],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Summary:
        """Read back what ``to_json`` wrote; a wrong shape raises ``ValueError``."""
        try:
            return cls(
                engine=str(data["engine"]),
                language=str(data.get("language", "")),
                tldr=str(data.get("tldr", "")),
                key_points=[_timed(p) for p in data.get("keyPoints", [])],
                chapters=[
                    Chapter(
                        start=float(c["start"]),
                        end=float(c["end"]),
                        title=str(c["title"]),
                        summary=str(c.get("summary", "")),
                    )
                    for c in data.get("chapters", [])
                ],
                keywords=[str(k) for k in data.get("keywords", [])],
                quotes=[_timed(q) for q in data.get("quotes", [])],
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"not a summary: {exc!r}") from exc


def _timed(item: Mapping[str, Any]) -> TimedText:
    return TimedText(text=str(item["text"]), start=float(item["start"]))


def _timed_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"text": {"type": "string"}, "start": {"type": "number"}},
        "required": ["text", "start"],
    }


SUMMARY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "tldr": {"type": "string"},
        "keyPoints": {"type": "array", "items": _timed_schema()},
        "chapters": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "start": {"type": "number"},
                    "end": {"type": "number"},
                    "title": {"type": "string"},
                    "summary": {"type": "string"},
                },
                "required": ["start", "end", "title", "summary"],
            },
        },
        "keywords": {"type": "array", "items": {"type": "string"}},
        "quotes": {"type": "array", "items": _timed_schema()},
    },
    "required": ["tldr", "keyPoints", "chapters", "keywords", "quotes"],
}
"""JSON schema for Ollama's ``format=``: the summary without ``engine`` and ``language``."""


def resolve_language(language: str | None, text: str) -> str:
    """The summary's language code: the given one, else ``"zh"`` for CJK text, else ``""``."""
    if language:
        return language.strip().lower().replace("_", "-")
    return "zh" if is_cjk_text(text) else ""
