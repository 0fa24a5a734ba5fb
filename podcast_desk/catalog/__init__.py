"""Every message the engine can send, in English, one module per area.

``podcast_desk.messages`` renders them; each module holds ``MESSAGES`` (key → template).
Keys are unique across modules (a test checks); the window translates the same English
templates with Qt (see ``gui/messages.py``).
"""

from __future__ import annotations

from podcast_desk.catalog import core, library, media, network, pipeline, sources, summaries
from podcast_desk.catalog.types import Plural, Template

PLAIN = "text.plain"

AREAS = (core, sources, network, media, pipeline, summaries, library)

CATALOG: dict[str, Template] = {PLAIN: "{text}"}
for _area in AREAS:
    CATALOG.update(_area.MESSAGES)

__all__ = ["AREAS", "CATALOG", "PLAIN", "Plural", "Template"]
