"""Exports of an episode: Markdown, plain text, SRT, WebVTT and JSON."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from podcast_desk.files import TargetExists, atomic_write
from podcast_desk.library.episodes import episode_json
from podcast_desk.library.summary_doc import SummaryDocument, md_escape
from podcast_desk.text import CJK_CHAR, CJK_LETTERS, CJK_PUNCTUATION, clock

FORMATS = ("md", "txt", "srt", "vtt", "json")
SUFFIXES = {"md": ".md", "txt": ".txt", "srt": ".srt", "vtt": ".vtt", "json": ".json"}

# Readable subtitles (the usual broadcast guidance): at most two lines of 42 characters
# and about 7 seconds on screen per cue.
MAX_LINE = 42
MAX_LINES = 2
MAX_CUE_SECONDS = 7.0
MIN_CUE_SECONDS = 0.001

# CJK characters and CJK/full-width punctuation: written without spaces between words.
_CJK_CHARS = CJK_LETTERS + CJK_PUNCTUATION
_CJK = CJK_CHAR
_TOKEN = re.compile(f"\\s*(?:[{_CJK_CHARS}]|[^\\s{_CJK_CHARS}]+)")
_SENTENCE_END = re.compile(r"[.!?。！？…]['\"”’)]?$")


class ExportExists(FileExistsError):
    """The target file exists and overwriting was not allowed."""


@dataclass(frozen=True)
class Cue:
    """One subtitle cue: times in seconds and up to two lines of text."""

    start: float
    end: float
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return _join_lines(self.lines)


# -- entry points -------------------------------------------------------------------------


def render(episode: Any, fmt: str) -> str:
    """The episode as text in ``fmt`` (md, txt, srt, vtt or json); raises ValueError else."""
    body = episode_json(episode) if not isinstance(episode, dict) else episode
    if fmt == "json":
        return json.dumps(body, ensure_ascii=False, indent=2) + "\n"
    if fmt == "md":
        return render_markdown(body)
    if fmt == "txt":
        return render_text(body)
    if fmt == "srt":
        return render_srt(body["segments"])
    if fmt == "vtt":
        return render_vtt(body["segments"])
    raise ValueError(f"Unknown export format {fmt!r}; use one of {', '.join(FORMATS)}.")


def export_to_file(episode: Any, fmt: str, path: Path | str, *, overwrite: bool = False) -> Path:
    """Write ``render(episode, fmt)`` to ``path`` atomically, readable by the user only.

    Raises ExportExists when the file exists and ``overwrite`` is false (the GUI asks
    first, the CLI wants ``--force``).
    """
    target = Path(path)
    text = render(episode, fmt)
    try:
        return atomic_write(target, text, overwrite=overwrite)
    except TargetExists as exc:
        raise ExportExists(f"{target} already exists.") from exc


def default_filename(episode: Any, fmt: str) -> str:
    """A safe file name from the episode title, e.g. ``Five topics.srt``."""
    title = (episode["title"] if isinstance(episode, dict) else episode.title) or "episode"
    safe = re.sub(r'\s*[\\/:*?"<>|\x00-\x1f]+\s*', " ", title)
    safe = " ".join(safe.split()).strip(" .")[:120].strip() or "episode"
    return safe + SUFFIXES[fmt]


# -- time formats -------------------------------------------------------------------------


def _stamp(seconds: float, sep: str) -> str:
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, ms = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{sep}{ms:03d}"


# -- subtitles ----------------------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    """Words (with the space before them) and single CJK characters, in order."""
    return _TOKEN.findall(" ".join(text.split()))


def _join_lines(lines: Iterable[str]) -> str:
    out = ""
    for line in lines:
        if out and line and not (_CJK.match(line[0]) or _CJK.match(out[-1])):
            out += " "
        out += line
    return out


def _wrap(tokens: Sequence[str]) -> list[str] | None:
    """Tokens as at most two lines of ``MAX_LINE``, balanced; None when they do not fit.

    Tokens carry at most one leading space (whitespace is normalized first), so line
    lengths come from prefix sums instead of joining every candidate split.
    """
    if not tokens:
        return [""]
    sums = [0]
    for token in tokens:
        sums.append(sums[-1] + len(token))

    def length(a: int, b: int) -> int:
        return sums[b] - sums[a] - (1 if tokens[a].startswith(" ") else 0)

    if length(0, len(tokens)) <= MAX_LINE:
        return ["".join(tokens).strip()]
    best_cut, best_score = 0, math.inf
    for cut in range(1, len(tokens)):
        first, second = length(0, cut), length(cut, len(tokens))
        if first <= MAX_LINE and second <= MAX_LINE and abs(first - second) < best_score:
            best_cut, best_score = cut, abs(first - second)
    if not best_cut:
        return None
    return ["".join(tokens[:best_cut]).strip(), "".join(tokens[best_cut:]).strip()]


def _split_long_token(token: str) -> list[str]:
    """A single token longer than a line (a URL, a long CJK-free run) cut into line pieces."""
    lead = " " if token.startswith(" ") else ""
    word = token.strip()
    pieces = [word[i:i + MAX_LINE] for i in range(0, len(word), MAX_LINE)]
    return [lead + pieces[0], *pieces[1:]]


def cues_for_segment(start: float, end: float, text: str) -> list[Cue]:
    """One segment as readable cues: ≤ 2 lines of ≤ 42 characters, ≤ ~7 s each.

    The segment's time is shared among its cues in proportion to their text length;
    splits fall between words (between characters for CJK), preferring sentence ends.
    """
    tokens: list[str] = []
    for token in _tokens(text):
        tokens += _split_long_token(token) if len(token.strip()) > MAX_LINE else [token]
    if not tokens:
        return []
    duration = max(0.0, end - start)
    total = sum(len(t.strip()) for t in tokens) or 1
    per_char = duration / total
    by_time = math.floor(MAX_CUE_SECONDS / per_char) if per_char > 0 else total
    limit = max(1, min(MAX_LINE * MAX_LINES, by_time))
    parts = max(1, math.ceil(total / limit))
    target = total / parts

    groups: list[list[str]] = []
    current: list[str] = []
    size = 0
    for token in tokens:
        length = len(token.strip())
        fits = _wrap([*current, token]) is not None and size + length <= limit
        if current and not fits:
            groups.append(current)
            current, size = [], 0
        current.append(token)
        size += length
        near_target = size >= target * 0.75 and _SENTENCE_END.search(token.strip())
        if size >= target or near_target:
            groups.append(current)
            current, size = [], 0
    if current:
        groups.append(current)

    cues = []
    done = 0
    for group in groups:
        length = sum(len(t.strip()) for t in group)
        cue_start = start + duration * done / total
        done += length
        cue_end = start + duration * done / total
        lines = _wrap(group) or ["".join(group).strip()]
        cues.append(Cue(cue_start, max(cue_end, cue_start + MIN_CUE_SECONDS), tuple(lines)))
    return cues


def subtitle_cues(segments: Iterable[dict[str, Any]]) -> list[Cue]:
    """All segments as cues, in time order, with empty segments left out."""
    cues: list[Cue] = []
    for seg in sorted(segments, key=lambda s: (s["start"], s["end"])):
        if str(seg["text"]).strip():
            cues += cues_for_segment(float(seg["start"]), float(seg["end"]), str(seg["text"]))
    return cues


def render_srt(segments: Iterable[dict[str, Any]]) -> str:
    """SubRip: numbered cues, ``HH:MM:SS,mmm`` times."""
    blocks = []
    for number, cue in enumerate(subtitle_cues(segments), start=1):
        lines = [line.replace("-->", "->") for line in cue.lines]
        blocks.append(f"{number}\n{_stamp(cue.start, ',')} --> {_stamp(cue.end, ',')}\n"
                      + "\n".join(lines) + "\n")
    return "\n".join(blocks)


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_vtt(segments: Iterable[dict[str, Any]]) -> str:
    """WebVTT: the header, then cues with ``HH:MM:SS.mmm`` times and escaped text."""
    blocks = ["WEBVTT\n"]
    for cue in subtitle_cues(segments):
        blocks.append(f"{_stamp(cue.start, '.')} --> {_stamp(cue.end, '.')}\n"
                      + "\n".join(_vtt_escape(line) for line in cue.lines) + "\n")
    return "\n".join(blocks)


# -- documents ----------------------------------------------------------------------------


def _meta_line(body: dict[str, Any]) -> str:
    published = (body.get("published") or "")[:10]
    source = body.get("transcriptSource") or ""
    parts = [body.get("show") or "", body.get("author") or "", published,
             clock(body["duration"]) if body.get("duration") else "",
             body.get("language") or "",
             f"transcript: {source}" if source else ""]
    seen: list[str] = []
    for part in parts:
        if part and part not in seen:
            seen.append(part)
    return " · ".join(seen)


def _paragraphs(segments: Sequence[dict[str, Any]], chapters: Sequence[dict[str, Any]],
                seconds: float = 45.0) -> list[tuple[dict[str, Any] | None, list[Any]]]:
    """Segments grouped into paragraphs of about ``seconds`` that end at sentence ends,
    each paired with the chapter that starts there (or None)."""
    starts = sorted(chapters, key=lambda c: c["start"])
    out: list[tuple[dict[str, Any] | None, list[Any]]] = []
    current: list[Any] = []
    pending_chapter = 0
    for seg in segments:
        heading = None
        while pending_chapter < len(starts) and starts[pending_chapter]["start"] <= seg["start"]:
            heading = starts[pending_chapter]
            pending_chapter += 1
        long_enough = current and seg["start"] - current[0]["start"] >= seconds
        ends = current and _SENTENCE_END.search(current[-1]["text"].strip())
        if current and (heading is not None or (long_enough and ends)):
            out.append((None, current))
            current = []
        if heading is not None:
            out.append((heading, []))
        current.append(seg)
    if current:
        out.append((None, current))
    return out


def _joined(segments: Sequence[dict[str, Any]]) -> str:
    return _join_lines(" ".join(str(s["text"]).split()) for s in segments)


def render_markdown(body: dict[str, Any]) -> str:
    """Title, metadata, TL;DR, key points, chapters, keywords, then the timestamped transcript."""
    doc = SummaryDocument.from_episode_json(body)
    out = [f"# {md_escape(body.get('title') or body.get('sourceUrl') or 'Episode')}", ""]
    meta = _meta_line(body)
    if meta:
        out += [md_escape(meta), ""]
    if body.get("sourceUrl"):
        out += [f"Source: <{_url(body['sourceUrl'])}>", ""]
    out.append(doc.to_markdown())
    chapters = [{"start": c.start or 0.0, "title": c.title} for c in doc.chapters()]
    segments = body.get("segments") or []
    if segments:
        out += ["## Transcript", ""]
        for heading, group in _paragraphs(segments, chapters):
            if heading is not None:
                out += [f"### [{clock(heading['start'])}] {md_escape(heading.get('title', ''))}",
                        ""]
            if group:
                out += [f"**[{clock(group[0]['start'])}]** {md_escape(_joined(group))}", ""]
    elif not body.get("transcriptComplete"):
        out += ["*No transcript yet.*", ""]
    return "\n".join(out).rstrip() + "\n"


def render_text(body: dict[str, Any]) -> str:
    """Plain text: title, metadata, summary, then one ``[m:ss] text`` line per segment."""
    out = [body.get("title") or body.get("sourceUrl") or "Episode"]
    meta = _meta_line(body)
    if meta:
        out.append(meta)
    if body.get("sourceUrl"):
        out.append(body["sourceUrl"])
    doc = SummaryDocument.from_episode_json(body)
    if not doc.empty:
        out += ["", doc.to_text(with_title=False).rstrip()]
    segments = body.get("segments") or []
    if segments:
        out += ["", "Transcript", ""]
        out += [f"[{clock(s['start'])}] {' '.join(str(s['text']).split())}" for s in segments]
    return "\n".join(out) + "\n"


def _url(url: str) -> str:
    """A URL inside Markdown's <…>: no spaces, angle brackets or line breaks."""
    return "".join(ch for ch in url if ch not in "<> \t\r\n")
