"""Plain value types shared by the transcribe and summarize stages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TranscriptSegment:
    """One timed piece of transcript; times are seconds from the start of the episode."""

    start: float
    end: float
    text: str
