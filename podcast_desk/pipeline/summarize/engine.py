"""Pick the summarizer: Ollama when it is there and works, the offline summary otherwise."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from podcast_desk.messages import Message, msg
from podcast_desk.pipeline.summarize.extractive import summarize_extractive
from podcast_desk.pipeline.summarize.model import Summary
from podcast_desk.pipeline.summarize.ollama import OllamaSummarizer, OllamaUnavailable
from podcast_desk.pipeline.transcript import TranscriptSegment
from podcast_desk.tasks.errors import Cancelled

ENGINES = ("auto", "ollama", "offline")
DEFAULT_OLLAMA_HOST = "http://127.0.0.1:11434"
DEFAULT_OLLAMA_MODEL = "llama3.2"


def _ignore(level: str, message: Message | str) -> None:
    """The default ``log``: drop the line."""


def _never() -> bool:
    """The default ``should_stop``: keep going."""
    return False


def summarize(
    segments: Sequence[TranscriptSegment],
    language: str | None,
    *,
    engine: str = "auto",
    ollama_host: str = DEFAULT_OLLAMA_HOST,
    ollama_model: str = DEFAULT_OLLAMA_MODEL,
    ollama_timeout: float = 120.0,
    num_ctx: int = 8192,
    log: Callable[[str, Message | str], None] = _ignore,
    should_stop: Callable[[], bool] = _never,
) -> Summary:
    """Summarize a transcript; Ollama being down or broken is never a failure.

    ``engine`` "offline" uses the extractive summary; "auto" and "ollama" try Ollama first and,
    when it is not running, lacks the model, times out or answers nonsense, log a warning
    through ``log(level, message)`` (a Message, or plain technical text) and use the
    extractive summary instead. ``should_stop``
    is checked between steps; when it answers True this raises ``Cancelled``.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown summary engine {engine!r}; expected one of {ENGINES}")
    if should_stop():
        raise Cancelled()
    if engine != "offline" and any(s.text.strip() for s in segments):
        try:
            with OllamaSummarizer(
                ollama_host, ollama_model, timeout=ollama_timeout, num_ctx=num_ctx
            ) as ollama:
                ollama.check()
                summary = ollama.summarize(segments, language, should_stop)
        except OllamaUnavailable as exc:
            log("warning", msg("log.summary_fallback", reason=exc.reason, hint=exc.hint))
            if exc.detail:
                log("debug", f"Ollama: {exc.detail}")
        else:
            log("info", msg("log.summarized_with", engine=f"Ollama ({ollama_model})"))
            return summary
        if should_stop():
            raise Cancelled()
    return summarize_extractive(segments, language)
