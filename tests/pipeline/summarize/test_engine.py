"""Tests for choosing the summarizer: Ollama when it works, the offline summary otherwise.

Ollama is played by the Ollama protocol stub (not an LLM); nothing here judges quality.
"""

from __future__ import annotations

import socket

import pytest

from podcast_desk.messages import Message
from podcast_desk.pipeline.summarize.engine import summarize
from podcast_desk.pipeline.transcript import TranscriptSegment
from podcast_desk.tasks.errors import Cancelled
from tests.support.ollama_stub import OllamaStub

SEGMENTS = [
    TranscriptSegment(0.0, 4.0, "A good cup of coffee starts with freshly roasted beans."),
    TranscriptSegment(4.0, 8.0, "Grind the beans just before brewing, or the aroma fades."),
    TranscriptSegment(8.0, 12.0, "Heat the water until it is just below boiling."),
    TranscriptSegment(12.0, 16.0, "Pour slowly in small circles until the kettle is empty."),
]
FALLBACK = "Used the offline summary instead"


class Log:
    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []

    def __call__(self, level: str, message: Message | str) -> None:
        self.lines.append((level, message.english() if isinstance(message, Message) else message))

    def warnings(self) -> list[str]:
        return [m for level, m in self.lines if level == "warning"]


def test_ollama_when_it_works() -> None:
    log = Log()
    with OllamaStub() as stub:
        summary = summarize(SEGMENTS, "en", ollama_host=stub.url, ollama_timeout=10, log=log)
        assert len(stub.chat_requests()) == 1
    assert summary.engine == "ollama:llama3.2"
    assert log.warnings() == []


def test_offline_never_talks_to_ollama() -> None:
    with OllamaStub() as stub:
        summary = summarize(SEGMENTS, "en", engine="offline", ollama_host=stub.url)
        assert stub.requests == []
    assert summary.engine == "extractive"
    assert summary.key_points


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("hang", "did not answer within 1 s"),
        ("model_missing", "The model “llama3.2” is not available"),
        ("garbage", "not valid JSON"),
        ("http_500", "failed to answer"),
        ("close_mid_stream", "failed to answer"),
    ],
)
@pytest.mark.parametrize("engine", ["auto", "ollama"])
def test_falls_back_to_offline_with_a_warning(mode: str, reason: str, engine: str) -> None:
    log = Log()
    with OllamaStub(mode=mode) as stub:
        summary = summarize(
            SEGMENTS, "en", engine=engine, ollama_host=stub.url, ollama_timeout=1.0, log=log
        )
        tags = [r for r in stub.requests if r.path == "/api/tags"]
        assert len(tags) == 1
        if mode != "model_missing":  # a missing model is known before any chat
            assert len(stub.chat_requests()) == 1
    assert summary.engine == "extractive"
    assert summary.tldr and summary.key_points
    [warning] = log.warnings()
    assert reason in warning and FALLBACK in warning


def test_falls_back_when_nothing_listens() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    log = Log()
    summary = summarize(SEGMENTS, "en", ollama_host=url, log=log)
    assert summary.engine == "extractive"
    assert log.warnings() == [
        f"Ollama is not running at {url}. {FALLBACK}. "
        "Install Ollama and run “ollama pull llama3.2” for better summaries."
    ]


def test_empty_transcript_does_not_ask_ollama() -> None:
    with OllamaStub() as stub:
        summary = summarize([], "en", ollama_host=stub.url)
        assert stub.requests == []
    assert summary.engine == "extractive" and summary.tldr == ""


def test_cancel_before_starting() -> None:
    with pytest.raises(Cancelled):
        summarize(SEGMENTS, "en", engine="offline", should_stop=lambda: True)


def test_unknown_engine_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown summary engine"):
        summarize(SEGMENTS, "en", engine="gpt")
