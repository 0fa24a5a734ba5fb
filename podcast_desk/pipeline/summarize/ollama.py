"""Summaries from a local Ollama server: JSON by schema, map-reduce for long transcripts."""

from __future__ import annotations

import bisect
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from types import TracebackType
from typing import Any

from podcast_desk.messages import Message, msg
from podcast_desk.pipeline.summarize.model import (
    SUMMARY_SCHEMA,
    Chapter,
    Summary,
    TimedText,
    resolve_language,
)
from podcast_desk.pipeline.transcript import TranscriptSegment
from podcast_desk.tasks.errors import Cancelled
from podcast_desk.text import clock_padded as _clock

# Stops a model that never closes its JSON (endless whitespace is a known failure mode).
NUM_PREDICT = 4096

_LANGUAGE_NAMES = {
    "en": "English", "zh": "Chinese", "es": "Spanish", "fr": "French", "de": "German",
    "it": "Italian", "pt": "Portuguese", "ru": "Russian", "ja": "Japanese", "ko": "Korean",
    "nl": "Dutch", "pl": "Polish", "tr": "Turkish", "ar": "Arabic", "hi": "Hindi",
}  # fmt: skip

_INSTRUCTIONS = """\
You summarize podcast transcripts. Every transcript line starts with its time in brackets, \
[mm:ss] or [h:mm:ss]. Answer with JSON that matches the given schema:
- tldr: two or three sentences saying what the episode is about.
- keyPoints: the 5 to 8 most important points, each with "start": the time in seconds \
(a number) of the transcript line where the point is made, read from the bracketed times.
- chapters: the topics in order, each with "start" and "end" in seconds, a short title and \
a one-sentence summary.
- keywords: 5 to 10 distinctive words or short phrases.
- quotes: 1 to 3 memorable sentences copied exactly from the transcript, each with its \
"start" in seconds.
Write in {language}. Use only what the transcript says."""

_MAP_NOTE = """
This is part {part} of {parts} of one long episode: summarize only this part."""

_REDUCE_INSTRUCTIONS = """\
You merge the summaries of consecutive parts of one podcast episode into one summary of the \
whole episode. Times are given in brackets, [mm:ss] or [h:mm:ss]. Answer with JSON that \
matches the given schema: tldr (two or three sentences for the whole episode), keyPoints \
(the 5 to 8 most important, each with "start" in seconds taken from the bracketed time of \
the point it comes from), chapters (in order, "start" and "end" in seconds, a short title, a \
one-sentence summary; merge neighbours about the same topic), keywords (5 to 10), quotes \
(1 to 3, copied exactly, with "start" in seconds). Write in {language}. Use only what the \
summaries say."""


class OllamaUnavailable(Exception):
    """Ollama cannot give a usable summary now; ``reason`` says why (a Message).

    ``hint`` says what the user can do about it; ``detail`` is technical text for the log.
    """

    def __init__(self, reason: Message, *, hint: Message | None = None,
                 detail: str = "") -> None:
        super().__init__(reason.key)
        self.reason = reason
        self.hint = hint
        self.detail = detail

    def __str__(self) -> str:
        return self.reason.english()


class OllamaSummarizer:
    """Talks to one Ollama server about one model; a context manager that closes its client.

    ``timeout`` bounds connecting and every wait for data (not the whole reply, which streams
    in); ``num_ctx`` is the context window asked for; transcripts longer than ``chunk_chars``
    are summarized part by part (map), then the part summaries are merged (reduce).
    """

    def __init__(
        self,
        host: str,
        model: str,
        *,
        timeout: float = 120.0,
        num_ctx: int = 8192,
        chunk_chars: int = 12_000,
    ) -> None:
        import ollama

        self.host = host
        self.model = model
        self.timeout = timeout
        self.num_ctx = num_ctx
        self.chunk_chars = chunk_chars
        self._client = ollama.Client(host=host, timeout=timeout)

    @property
    def engine(self) -> str:
        """The ``engine`` field of the summaries this makes."""
        return f"ollama:{self.model}"

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()

    def __enter__(self) -> OllamaSummarizer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def check(self) -> None:
        """Raise ``OllamaUnavailable`` unless the server answers and has the model."""
        with self._translate_errors():
            listing = self._client.list()
        names = {_full_name(m.model) for m in listing.models if m.model}
        if _full_name(self.model) not in names:
            raise OllamaUnavailable(
                msg("summary.model_missing", model=self.model, host=self.host),
                hint=msg("hint.pull_model", model=self.model),
                detail=f"models: {sorted(names)}",
            )

    def summarize(
        self,
        segments: Sequence[TranscriptSegment],
        language: str | None,
        should_stop: Callable[[], bool],
    ) -> Summary:
        """Summarize with the model; ``Cancelled`` when ``should_stop`` says so.

        Every time in the result is the start of a real segment. A reply that is not a usable
        summary, a timeout, or a server error raises ``OllamaUnavailable``.
        """
        segs = sorted((s for s in segments if s.text.strip()), key=lambda s: s.start)
        lang = resolve_language(language, " ".join(s.text for s in segs[:400]))
        if not segs:
            return Summary(engine=self.engine, language=lang, tldr="")
        timeline = _Timeline(segs)
        name = _LANGUAGE_NAMES.get(lang.split("-")[0], "the language of the transcript")
        lines = [f"[{_clock(s.start)}] {' '.join(s.text.split())}" for s in segs]
        chunks = _chunks(lines, self.chunk_chars)
        system = _INSTRUCTIONS.format(language=name)
        if len(chunks) == 1:
            return self._summary(self._ask(system, chunks[0], should_stop), timeline, lang)
        parts: list[Summary] = []
        for k, chunk in enumerate(chunks, 1):
            note = _MAP_NOTE.format(part=k, parts=len(chunks))
            reply = self._ask(system + note, chunk, should_stop)
            parts.append(self._summary(reply, timeline, lang))
        reduce_system = _REDUCE_INSTRUCTIONS.format(language=name)
        while True:
            texts = [_describe(p, k, len(parts)) for k, p in enumerate(parts, 1)]
            batches = _chunks(texts, self.chunk_chars, joiner="\n\n")
            if len(batches) >= len(texts):  # parts too long to batch: merge them in pairs
                batches = ["\n\n".join(texts[k : k + 2]) for k in range(0, len(texts), 2)]
            parts = [
                self._summary(self._ask(reduce_system, batch, should_stop), timeline, lang)
                for batch in batches
            ]
            if len(parts) == 1:
                return parts[0]

    def _ask(self, system: str, user: str, should_stop: Callable[[], bool]) -> Any:
        """One /api/chat call, streamed so cancelling works mid-reply; the parsed JSON."""
        if should_stop():
            raise Cancelled()
        pieces: list[str] = []
        done = False
        with self._translate_errors():
            stream = self._client.chat(
                model=self.model,
                messages=[
                    {"role": "system", "content": system},
                    {"role": "user", "content": user},
                ],
                format=SUMMARY_SCHEMA,
                options={"num_ctx": self.num_ctx, "temperature": 0, "num_predict": NUM_PREDICT},
                stream=True,
            )
            try:
                for part in stream:
                    if should_stop():
                        raise Cancelled()
                    pieces.append(part.message.content or "")
                    done = done or bool(part.done)
            finally:
                close = getattr(stream, "close", None)
                if close is not None:
                    close()
        if not done:
            raise OllamaUnavailable(msg("summary.stopped", host=self.host))
        return _parse("".join(pieces))

    def _translate_errors(self) -> _ErrorTranslation:
        return _ErrorTranslation(self.host, self.model, self.timeout)

    def _summary(self, data: Any, timeline: _Timeline, language: str) -> Summary:
        return _repair(data, timeline, engine=self.engine, language=language)


class _ErrorTranslation:
    """Turns what the ollama client and httpx raise into ``OllamaUnavailable``."""

    def __init__(self, host: str, model: str, timeout: float) -> None:
        self.host = host
        self.model = model
        self.timeout = timeout

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None or isinstance(exc, (Cancelled, OllamaUnavailable)):
            return
        import httpx
        import ollama

        detail = f"{type(exc).__name__}: {exc}"
        if isinstance(exc, (ConnectionError, httpx.ConnectError)):
            raise OllamaUnavailable(
                msg("summary.ollama_down", host=self.host),
                hint=msg("hint.ollama_install", model=self.model),
                detail=detail,
            ) from exc
        if isinstance(exc, httpx.TimeoutException):
            raise OllamaUnavailable(
                msg("summary.timeout", seconds=f"{self.timeout:g}"),
                hint=msg("hint.smaller_model"),
                detail=detail,
            ) from exc
        if isinstance(exc, ollama.ResponseError) and exc.status_code == 404:
            raise OllamaUnavailable(
                msg("summary.model_missing", model=self.model, host=self.host),
                hint=msg("hint.pull_model", model=self.model),
                detail=detail,
            ) from exc
        if isinstance(exc, (ollama.ResponseError, httpx.HTTPError, ValueError)):
            # ValueError covers broken NDJSON lines and replies the client cannot parse.
            raise OllamaUnavailable(
                msg("summary.failed", host=self.host, reason=str(exc)[:200]), detail=detail
            ) from exc


class _Timeline:
    """The episode's segment starts, to snap model-given times onto."""

    def __init__(self, segments: Sequence[TranscriptSegment]) -> None:
        self.starts = [s.start for s in segments]
        self.end = max(s.end for s in segments)

    def snap(self, value: Any) -> float | None:
        """The segment start nearest to ``value``; None when it is no time in the episode."""
        seconds = _seconds(value)
        if seconds is None or seconds < 0 or seconds > self.end + 1.0:
            return None
        i = bisect.bisect_left(self.starts, seconds)
        near = [self.starts[j] for j in (i - 1, i) if 0 <= j < len(self.starts)]
        return min(near, key=lambda s: abs(s - seconds))


def _seconds(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        text = value.strip().strip("[]")
        if re.fullmatch(r"\d+(?:\.\d+)?", text):
            return float(text)
        if re.fullmatch(r"\d+(?::\d{1,2}){1,2}(?:\.\d+)?", text):
            total = 0.0
            for part in text.split(":"):
                total = total * 60 + float(part)
            return total
    return None


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _timed(items: Any, timeline: _Timeline) -> list[TimedText]:
    result: dict[str, TimedText] = {}
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        text = _text(item.get("text"))
        start = timeline.snap(item.get("start"))
        if text and start is not None and text not in result:
            result[text] = TimedText(text=text, start=start)
    return sorted(result.values(), key=lambda p: p.start)


def _chapters(items: Any, timeline: _Timeline) -> list[Chapter]:
    found: dict[float, tuple[str, str]] = {}
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        start = timeline.snap(item.get("start"))
        title, summary = _text(item.get("title")), _text(item.get("summary"))
        if start is not None and (title or summary) and start not in found:
            found[start] = (title or _shorten(summary, 60), summary)
    starts = sorted(found)
    return [
        Chapter(
            start=s,
            end=starts[k + 1] if k + 1 < len(starts) else timeline.end,
            title=found[s][0],
            summary=found[s][1],
        )
        for k, s in enumerate(starts)
    ]


def _repair(data: Any, timeline: _Timeline, *, engine: str, language: str) -> Summary:
    """A Summary from the model's JSON: times snapped to segment starts, junk dropped.

    Points without a usable time are dropped; chapters are sorted and end where the next
    begins. A reply with neither a TL;DR nor a key point raises ``OllamaUnavailable``.
    """
    if not isinstance(data, dict):
        raise OllamaUnavailable(msg("summary.bad_answer"), detail=repr(data)[:500])
    keywords: list[str] = []
    words = data.get("keywords")
    for word in words if isinstance(words, list) else []:
        text = _text(word)
        if text and text.lower() not in {k.lower() for k in keywords}:
            keywords.append(text)
    summary = Summary(
        engine=engine,
        language=language,
        tldr=_text(data.get("tldr")),
        key_points=_timed(data.get("keyPoints"), timeline),
        chapters=_chapters(data.get("chapters"), timeline),
        keywords=keywords[:15],
        quotes=_timed(data.get("quotes"), timeline),
    )
    if not summary.tldr and not summary.key_points:
        raise OllamaUnavailable(msg("summary.bad_answer"), detail=repr(data)[:500])
    return summary


def _parse(content: str) -> Any:
    text = content.strip()
    fenced = re.fullmatch(r"```(?:json)?\s*(.*?)\s*```", text, re.DOTALL)
    if fenced:
        text = fenced.group(1)
    try:
        return json.loads(text)
    except ValueError:
        pass
    first, last = text.find("{"), text.rfind("}")
    if 0 <= first < last:
        try:
            return json.loads(text[first : last + 1])
        except ValueError:
            pass
    raise OllamaUnavailable(msg("summary.not_json"), detail=content[:500])


def _chunks(lines: Iterable[str], limit: int, *, joiner: str = "\n") -> list[str]:
    """Join lines into as few chunks of at most ``limit`` characters as fit, of about equal
    size; a line is never split (one longer than ``limit`` is a chunk of its own)."""
    items = list(lines)
    sizes = [len(x) + len(joiner) for x in items]
    total = sum(sizes)
    count = max(1, math.ceil(total / max(1, limit)))
    chunks: list[list[str]] = [[]]
    size = 0
    done = 0  # characters before the current line
    for item, extra in zip(items, sizes, strict=True):
        # The chunk this line belongs to if all chunks were equal; a new one also when full.
        share = min(count - 1, int((done + extra / 2) * count / total))
        if chunks[-1] and (len(chunks) <= share or size + extra > limit):
            chunks.append([])
            size = 0
        chunks[-1].append(item)
        size += extra
        done += extra
    return [joiner.join(c) for c in chunks if c]


def _describe(part: Summary, index: int, count: int) -> str:
    """A part summary as text for the reduce call, times as bracketed clock times."""
    lines = [f"Part {index} of {count}", f"Summary: {part.tldr}"]
    if part.key_points:
        lines.append("Key points:")
        lines += [f"[{_clock(p.start)}] {p.text}" for p in part.key_points]
    if part.chapters:
        lines.append("Chapters:")
        lines += [
            f"[{_clock(c.start)}] {c.title}: {c.summary} (until [{_clock(c.end)}])"
            for c in part.chapters
        ]
    if part.keywords:
        lines.append("Keywords: " + ", ".join(part.keywords))
    if part.quotes:
        lines.append("Quotes:")
        lines += [f"[{_clock(q.start)}] {q.text}" for q in part.quotes]
    return "\n".join(lines)


def _full_name(name: str) -> str:
    """Ollama's model names default their tag to ``latest``."""
    return name if ":" in name else f"{name}:latest"


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
