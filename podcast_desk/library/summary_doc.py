"""One summary document, rendered as plain text, Markdown or HTML (the window, `show`, exports).

The document is built once from an episode's JSON (``library.episodes.episode_json``) and
says what is there; each rendering decides only how it looks. Headings come from the face
(the window passes its translated words; the CLI and the exports use English). Every piece
of text from the network is escaped for the format it is written into.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from podcast_desk.text import clock

ENGLISH_HEADINGS: Mapping[str, str] = {
    "tldr": "TL;DR",
    "key_points": "Key points",
    "chapters": "Chapters",
    "keywords": "Keywords",
    "quotes": "Quotes",
    "publisher_chapters": "Chapters from the publisher",
    "no_summary": "This episode has no summary yet.",
    "transcribed_until": "Transcribed up to {at} so far.",
}

SECTIONS = ("tldr", "key_points", "chapters", "keywords", "quotes", "publisher_chapters")


@dataclass(frozen=True, slots=True)
class Item:
    """One line of a section: its text, the moment it refers to, a chapter's title and end."""

    text: str
    start: float | None = None
    end: float | None = None
    title: str = ""


@dataclass(frozen=True)
class SummaryDocument:
    """An episode's summary: title, metadata and the sections that are not empty.

    ``note`` is an extra sentence to show above the summary (e.g. why the offline summary
    was kept); ``transcribed_until`` is set while there is no summary and the transcript
    is unfinished.
    """

    title: str
    meta: tuple[str, ...] = ()
    sections: dict[str, list[Item]] = field(default_factory=dict)
    note: str = ""
    transcribed_until: float | None = None

    @classmethod
    def from_episode_json(cls, body: Mapping[str, Any]) -> SummaryDocument:
        """The document of ``episode_json(...)``; odd or missing values are skipped."""
        summary = body.get("summary") if isinstance(body.get("summary"), Mapping) else {}
        assert isinstance(summary, Mapping)
        sections: dict[str, list[Item]] = {}
        tldr = str(summary.get("tldr") or "").strip()
        if tldr:
            sections["tldr"] = [Item(tldr)]
        sections["key_points"] = [Item(str(p.get("text", "")), _seconds(p.get("start")))
                                  for p in _dicts(summary.get("keyPoints"))]
        sections["chapters"] = [_chapter(c) for c in _dicts(summary.get("chapters"))]
        sections["keywords"] = [Item(str(k)) for k in summary.get("keywords") or []
                                if str(k).strip()]
        sections["quotes"] = [Item(str(q.get("text", "")), _seconds(q.get("start")))
                              for q in _dicts(summary.get("quotes"))]
        sections["publisher_chapters"] = [_chapter(c) for c in _dicts(body.get("chapters"))]
        sections = {k: v for k, v in sections.items() if v}
        duration = body.get("duration")
        meta = tuple(str(x) for x in (
            body.get("show"), clock(duration) if isinstance(duration, int | float) else "",
            body.get("language"), body.get("summaryEngine")) if x)
        until = None
        if not summary and not body.get("transcriptComplete"):
            until = float(body.get("transcribedUntil") or 0.0)
        return cls(title=str(body.get("title") or body.get("sourceUrl") or ""), meta=meta,
                   sections=sections, note=str(summary.get("note") or ""),
                   transcribed_until=until)

    @property
    def empty(self) -> bool:
        return not self.sections

    def chapters(self) -> list[Item]:
        """Publisher chapters when the feed had them, else the summary's."""
        return self.sections.get("publisher_chapters") or self.sections.get("chapters") or []

    # -- renderings ---------------------------------------------------------------------

    def to_text(self, headings: Mapping[str, str] = ENGLISH_HEADINGS, *,
                with_title: bool = True) -> str:
        """Plain text (``show`` and "Copy summary"): ``[m:ss] text`` lines under headings."""
        h = {**ENGLISH_HEADINGS, **headings}
        out: list[str] = []
        if with_title and self.title:
            out.append(self.title)
            if self.meta:
                out.append(" · ".join(self.meta))
        if self.note:
            out += ["", self.note]
        if self.empty:
            out += ["", self._nothing(h)]
        for kind, items in self._ordered():
            out += ["", h[kind] + (":" if kind == "keywords" else "")]
            if kind == "keywords":
                out[-1] += " " + ", ".join(i.text for i in items)
            elif kind == "tldr":
                out.append(" ".join(items[0].text.split()))
            else:
                out += [f"  {_stamp(i.start)} {_chapter_line(i, ': ')}".rstrip() for i in items]
        return "\n".join(out).strip() + "\n"

    def to_markdown(self, headings: Mapping[str, str] = ENGLISH_HEADINGS) -> str:
        """Markdown sections (``## TL;DR`` …) without the title: the md export adds it."""
        h = {**ENGLISH_HEADINGS, **headings}
        out: list[str] = []
        if self.note:
            out += [f"*{md_escape(self.note)}*", ""]
        for kind, items in self._ordered(markdown=True):
            if kind == "keywords":
                out += [f"**{h['keywords']}:** " + ", ".join(md_escape(i.text) for i in items),
                        ""]
                continue
            out += [f"## {h[kind]}", ""]
            if kind == "tldr":
                out += [md_escape(items[0].text), ""]
            elif kind == "quotes":
                out += [f"> **{_stamp(i.start)}** {md_escape(i.text)}\n" for i in items]
            else:
                out += [f"- **{_stamp(i.start)}** {md_escape(_chapter_line(i, ' — '))}"
                        for i in items]
                out.append("")
        return "\n".join(out)

    def to_html(self, headings: Mapping[str, str] = ENGLISH_HEADINGS, *,
                seek_scheme: str = "seek") -> str:
        """HTML for a rich-text view: every text escaped, timestamps as ``seek:<s>`` links."""
        h = {**ENGLISH_HEADINGS, **headings}
        esc = html.escape
        parts: list[str] = []
        if self.note:
            parts.append(f'<p class="note"><i>{esc(self.note)}</i></p>')
        if self.empty:
            parts.append(f"<p><i>{esc(self._nothing(h))}</i></p>")

        def link(seconds: float | None) -> str:
            if seconds is None:
                return ""
            return f'<a href="{seek_scheme}:{seconds:g}">{clock(seconds)}</a>'

        for kind, items in self._ordered():
            title = f"<h3>{esc(h[kind])}</h3>"
            if kind == "tldr":
                parts.append(f"{title}<p>{esc(items[0].text)}</p>")
            elif kind == "keywords":
                parts.append(f"{title}<p>{esc('  ·  '.join(i.text for i in items))}</p>")
            elif kind == "quotes":
                rows = "".join(f"<li>“{esc(i.text)}”&nbsp;&nbsp;{link(i.start)}</li>"
                               for i in items)
                parts.append(f"{title}<ul>{rows}</ul>")
            elif kind in ("chapters", "publisher_chapters"):
                rows = "".join(
                    f"<p>{link(i.start)}"
                    + (f"<span>–{clock(i.end)}</span>" if i.end is not None else "")
                    + f"&nbsp;&nbsp;<b>{esc(i.title)}</b>"
                    + (f"<br>{esc(i.text)}" if i.text else "") + "</p>"
                    for i in items)
                parts.append(title + rows)
            else:
                rows = "".join(f"<li>{link(i.start)}&nbsp;&nbsp;{esc(i.text)}</li>"
                               for i in items)
                parts.append(f"{title}<ul>{rows}</ul>")
        return "".join(parts)

    def _ordered(self, *, markdown: bool = False) -> list[tuple[str, list[Item]]]:
        found = [(kind, self.sections[kind]) for kind in SECTIONS if kind in self.sections]
        if markdown:  # the md export has one chapter list: the publisher's when there is one
            chapters = self.chapters()
            found = [(k, chapters if k == "chapters" else v) for k, v in found
                     if k != "publisher_chapters"]
            if chapters and not any(k == "chapters" for k, _ in found):
                found.insert(min(2, len(found)), ("chapters", chapters))
        return found

    def _nothing(self, h: Mapping[str, str]) -> str:
        if self.transcribed_until is not None:
            return h["transcribed_until"].format(at=clock(self.transcribed_until))
        return h["no_summary"]


def _dicts(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _seconds(value: Any) -> float | None:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, seconds) if seconds == seconds else None  # NaN is no time


def _chapter(c: Mapping[str, Any]) -> Item:
    return Item(text=str(c.get("summary") or ""), start=_seconds(c.get("start")),
                end=_seconds(c.get("end")), title=str(c.get("title") or ""))


def _chapter_line(item: Item, sep: str) -> str:
    if item.title:
        return item.title + (f"{sep}{item.text}" if item.text else "")
    return item.text


def _stamp(seconds: float | None) -> str:
    return f"[{clock(seconds)}]" if seconds is not None else ""


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def md_escape(text: str) -> str:
    """Text on one line with Markdown's special characters escaped (no live markup)."""
    escaped = _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
    return re.sub(r"^([#+\-=>]|\d+\.)", r"\\\1", escaped)


def section_names() -> Sequence[str]:
    """The section kinds in the order they are shown."""
    return SECTIONS
