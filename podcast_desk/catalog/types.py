"""The shapes of catalog entries: a plain English template, or a Plural counted by ``n``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Plural:
    """A message counted by its ``n`` argument: Qt's ``%n … (s)`` source and English forms."""

    source: str
    one: str
    other: str


Template = str | Plural
