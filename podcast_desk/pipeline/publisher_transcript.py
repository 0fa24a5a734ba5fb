"""Publisher transcripts (``<podcast:transcript>``): fetch SRT, WebVTT or JSON and parse it."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from podcast_desk.messages import msg
from podcast_desk.pipeline.http import (
    USER_AGENT,
    connection_error,
    redirect_loop_error,
    status_error,
    timeout_error,
)
from podcast_desk.pipeline.transcript import TranscriptSegment
from podcast_desk.tasks.errors import PermanentError, TaskError
from podcast_desk.text import join_words, strip_markup

__all__ = [
    "PREFERENCE",
    "Cue",
    "PublisherTranscript",
    "choose_links",
    "fetch_publisher_transcript",
    "merge_cues",
    "parse_json",
    "parse_srt",
    "parse_transcript",
    "parse_vtt",
    "transcript_kind",
]

#: Which kind to use when a feed item offers several: JSON has speakers and exact times,
#: VTT is the web standard, SRT the oldest. HTML and plain text carry no times: never used.
PREFERENCE = ("json", "vtt", "srt")
MAX_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 10

_TYPES = {
    "application/json": "json",
    "text/json": "json",
    "text/vtt": "vtt",
    "application/srt": "srt",
    "application/x-subrip": "srt",
    "application/x-srt": "srt",
    "text/srt": "srt",
    "text/x-srt": "srt",
}
_SUFFIXES = {".json": "json", ".vtt": "vtt", ".srt": "srt"}
_TIME = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?")
_ARROW = re.compile(rf"^\s*({_TIME.pattern})\s*-->\s*({_TIME.pattern})")
_SSA_TAG = re.compile(r"\{\\[^}]*\}")  # {\an8} and other SubStation overrides
_SENTENCE_END = re.compile(r"[.!?。！？…]['\"”’)]?$")

# Cues are merged into sentence-sized segments (publishers often send a cue per phrase or
# even per word), never longer than this.
MERGE_MAX_SECONDS = 30.0
MERGE_MAX_GAP = 1.5
MERGE_MAX_CHARS = 400


class Cue(NamedTuple):
    """One timed cue as the file has it; ``ends_turn`` marks a speaker change after it."""

    start: float
    end: float
    text: str
    ends_turn: bool = False


@dataclass(frozen=True)
class PublisherTranscript:
    """A parsed publisher transcript: its kind (json, vtt, srt), address and segments."""

    kind: str
    url: str
    segments: list[TranscriptSegment]


def transcript_kind(link: Mapping[str, Any]) -> str | None:
    """json, vtt or srt for a ``{"url", "type"}`` link (by MIME type, else by suffix)."""
    declared = str(link.get("type") or "").split(";")[0].strip().lower()
    if declared in _TYPES:
        return _TYPES[declared]
    if declared and declared not in ("application/octet-stream", "text/plain"):
        return None  # text/html and the like: no timings
    path = urlsplit(str(link.get("url") or "")).path.lower()
    for suffix, kind in _SUFFIXES.items():
        if path.endswith(suffix):
            return kind
    return None


def choose_links(links: Iterable[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """The usable links as (kind, url), best kind first (JSON > VTT > SRT)."""
    usable = []
    for link in links:
        kind = transcript_kind(link)
        url = str(link.get("url") or "")
        if kind is not None and urlsplit(url).scheme in ("http", "https"):
            usable.append((kind, url))
    usable.sort(key=lambda item: PREFERENCE.index(item[0]))
    return usable


def fetch_publisher_transcript(
    links: Iterable[Mapping[str, Any]], *, timeout: float = 20.0, max_bytes: int = MAX_BYTES
) -> PublisherTranscript:
    """Fetch and parse the best usable transcript, trying the others if it fails.

    Raises PermanentError when no link is usable (none offered in a timed format, or each
    failed; the detail lists why) — the caller then transcribes the audio instead.
    """
    candidates = choose_links(links)
    if not candidates:
        raise PermanentError(msg("transcript.none_timed"))
    problems = []
    for kind, url in candidates:
        try:
            data = _download(url, timeout=timeout, max_bytes=max_bytes)
            segments = parse_transcript(kind, data)
        except TaskError as exc:
            problems.append(f"{url}: {exc.human} {exc.detail}".strip())
            continue
        except ValueError as exc:
            problems.append(f"{url}: not a valid {kind.upper()} transcript ({exc})")
            continue
        if not segments:
            problems.append(f"{url}: the transcript is empty")
            continue
        return PublisherTranscript(kind, url, segments)
    raise PermanentError(msg("transcript.unusable"), hint=msg("hint.transcribed_instead"),
                         detail="; ".join(problems))


def _download(url: str, *, timeout: float, max_bytes: int) -> bytes:
    import httpx

    deadline = time.monotonic() + 4 * timeout
    try:
        with (
            httpx.Client(follow_redirects=True, max_redirects=MAX_REDIRECTS,
                         timeout=httpx.Timeout(timeout),
                         headers={"User-Agent": USER_AGENT}) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code >= 300:
                raise status_error(response.status_code, what="transcript",
                                   detail=f"GET {url} -> {response.status_code}")
            buffer = bytearray()
            for chunk in response.iter_bytes():
                buffer += chunk
                if len(buffer) > max_bytes:
                    raise PermanentError(msg("transcript.too_large"),
                                         detail=f"more than {max_bytes} bytes from {url}")
                if time.monotonic() > deadline:
                    raise timeout_error(detail=f"transcript download took too long ({url})")
            return bytes(buffer)
    except httpx.TooManyRedirects as exc:
        raise redirect_loop_error(what="transcript", detail=f"{exc} ({url})") from exc
    except httpx.TimeoutException as exc:
        raise timeout_error(detail=f"{type(exc).__name__}: {exc} ({url})") from exc
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
        raise PermanentError(msg("transcript.invalid_link"), detail=f"{exc} ({url})") from exc
    except httpx.TransportError as exc:
        raise connection_error(detail=f"{type(exc).__name__}: {exc} ({url})") from exc


# -- parsing ------------------------------------------------------------------------------


def parse_transcript(kind: str, data: bytes) -> list[TranscriptSegment]:
    """Parse ``data`` as ``kind`` (json, vtt, srt) into merged, time-ordered segments."""
    text = _decode(data)
    if kind == "json":
        cues = parse_json(text)
    elif kind == "vtt":
        cues = parse_vtt(text)
    elif kind == "srt":
        cues = parse_srt(text)
    else:
        raise ValueError(f"unknown transcript kind {kind!r}")
    return merge_cues(cues)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _seconds(match: re.Match[str], offset: int = 0) -> float:
    hours, minutes, secs, frac = (match.group(offset + i) for i in range(1, 5))
    value = float(int(hours or 0) * 3600 + int(minutes) * 60 + int(secs))
    if frac:
        value += int(frac.ljust(3, "0")) / 1000
    return value


def _clean(lines: Iterable[str]) -> str:
    text = " ".join(line.strip() for line in lines if line.strip())
    return " ".join(strip_markup(_SSA_TAG.sub("", text)).split())  # entities decoded before tags go


def _timed_blocks(text: str) -> list[Cue]:
    """Blocks of SRT/VTT: each with a ``start --> end`` line and the text lines after it."""
    cues = []
    blocks = re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    for block in blocks:
        lines = block.strip("\n").split("\n")
        for index, line in enumerate(lines[:3]):
            match = _ARROW.match(line)
            if match:
                start = _seconds(match, 1)
                end = _seconds(match, 1 + 5)
                body = _clean(lines[index + 1:])
                if body:
                    cues.append(Cue(start, max(end, start), body))
                break
    return cues


def parse_vtt(text: str) -> list[Cue]:
    """WebVTT cues as (start, end, text); tags, voices and entities removed."""
    if not text.lstrip("\ufeff \t\n").startswith("WEBVTT"):
        raise ValueError("the file does not start with WEBVTT")
    return _timed_blocks(text)


def parse_srt(text: str) -> list[Cue]:
    """SubRip cues as (start, end, text)."""
    cues = _timed_blocks(text)
    if not cues and text.strip():
        raise ValueError("no SubRip cues found")
    return cues


def parse_json(text: str) -> list[Cue]:
    """Podcasting 2.0 JSON: ``{"segments": [{"startTime", "endTime", "body", "speaker"}]}``.

    The text is kept as spoken; a change of speaker ends a merged segment.
    """
    raw = json.loads(text)
    items = raw.get("segments") if isinstance(raw, dict) else raw
    if not isinstance(items, list):
        raise ValueError("no segments list")
    cues: list[Cue] = []
    previous: object = None
    for item in items:
        if not isinstance(item, dict):
            continue
        start = item.get("startTime", item.get("start"))
        end = item.get("endTime", item.get("end", start))
        body = item.get("body", item.get("text"))
        if not isinstance(start, int | float) or not isinstance(body, str):
            continue
        clean = _clean([body])
        if not clean:
            continue
        speaker = item.get("speaker")
        if cues and speaker is not None and speaker != previous:
            cues[-1] = cues[-1]._replace(ends_turn=True)
        end_value = float(end) if isinstance(end, int | float) else float(start)
        cues.append(Cue(float(start), max(end_value, float(start)), clean))
        previous = speaker
    return cues


def merge_cues(cues: Sequence[Cue]) -> list[TranscriptSegment]:
    """Cues merged into sentence-sized segments, in time order, repeated cues dropped.

    A segment ends at a sentence end, a pause over 1.5 s, a speaker change (JSON), or
    when it would pass 30 s or 400 characters. Starts are unique to the millisecond.
    """
    ordered = sorted(cues, key=lambda c: (c[0], c[1]))
    segments: list[TranscriptSegment] = []
    start = end = 0.0
    text = ""
    last_cue = ""

    def flush() -> None:
        nonlocal text
        if text:
            if segments and round(start, 3) <= round(segments[-1].start, 3):
                prev = segments.pop()  # same start: one segment
                segments.append(TranscriptSegment(prev.start, max(prev.end, end),
                                                  join_words(prev.text, text)))
            else:
                segments.append(TranscriptSegment(round(start, 3), round(max(end, start), 3),
                                                  text))
        text = ""

    for cue_start, cue_end, body, boundary in ordered:
        if body == last_cue:  # a repeated caption line
            end = max(end, cue_end)
            continue
        last_cue = body
        if text and (cue_start - end > MERGE_MAX_GAP
                     or cue_end - start > MERGE_MAX_SECONDS
                     or len(text) + len(body) > MERGE_MAX_CHARS):
            flush()
        if not text:
            start = cue_start
            end = cue_end
        text = join_words(text, body)
        end = max(end, cue_end)
        if boundary or _SENTENCE_END.search(body):
            flush()
    flush()
    return segments
