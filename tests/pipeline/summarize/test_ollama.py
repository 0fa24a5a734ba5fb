"""Tests for the Ollama client side against the Ollama protocol stub (not an LLM).

These check what is sent (schema, options, chunking) and how replies are validated; they say
nothing about summary quality.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator

import pytest

from podcast_desk.pipeline.summarize.model import SUMMARY_SCHEMA
from podcast_desk.pipeline.summarize.ollama import OllamaSummarizer, OllamaUnavailable
from podcast_desk.pipeline.transcript import TranscriptSegment
from podcast_desk.tasks.errors import Cancelled
from tests.support.ollama_stub import OllamaStub, clock_seconds

TIMED_LINE = re.compile(r"^\[((?:\d+:)?\d{2}:\d{2})\] (.+)$")


def segments(count: int, *, step: float = 5.0) -> list[TranscriptSegment]:
    return [
        TranscriptSegment(i * step, i * step + step, f"Line {i:03d} says something about coffee.")
        for i in range(count)
    ]


def never() -> bool:
    return False


def user_message(body: dict[str, object]) -> str:
    messages = body["messages"]
    assert isinstance(messages, list)
    return str(next(m["content"] for m in messages if m["role"] == "user"))


def system_message(body: dict[str, object]) -> str:
    messages = body["messages"]
    assert isinstance(messages, list)
    return str(next(m["content"] for m in messages if m["role"] == "system"))


@pytest.fixture
def stub() -> Iterator[OllamaStub]:
    with OllamaStub() as s:
        yield s


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_short_transcript_is_one_chat_call_with_schema_and_context(stub: OllamaStub) -> None:
    segs = segments(20)
    with OllamaSummarizer(stub.url, "llama3.2", timeout=10, num_ctx=4096) as ollama:
        summary = ollama.summarize(segs, "en", never)

    [call] = stub.chat_requests()
    body = call.body
    assert body["model"] == "llama3.2"
    assert body["format"] == SUMMARY_SCHEMA
    assert body["options"]["num_ctx"] == 4096
    assert body["options"]["temperature"] == 0
    assert "English" in system_message(body)
    lines = user_message(body).splitlines()
    assert len(lines) == 20
    assert lines[0] == "[00:00] Line 000 says something about coffee."
    assert lines[13] == "[01:05] Line 013 says something about coffee."

    assert summary.engine == "ollama:llama3.2"
    assert summary.language == "en"
    assert summary.tldr == "Stub summary of 20 timed lines."
    assert [p.start for p in summary.key_points] == [0.0, 5.0, 10.0]
    assert summary.chapters[0].start == 0.0 and summary.chapters[0].end == 100.0


def test_hour_long_times_are_written_with_hours(stub: OllamaStub) -> None:
    segs = [
        TranscriptSegment(3725.0, 3730.0, "Past the hour."),
        TranscriptSegment(10, 12, "Early."),
    ]
    with OllamaSummarizer(stub.url, "llama3.2", timeout=10) as ollama:
        summary = ollama.summarize(segs, "en", never)
    assert user_message(stub.chat_requests()[0].body).splitlines() == [
        "[00:10] Early.",
        "[1:02:05] Past the hour.",
    ]
    assert [p.start for p in summary.key_points] == [10.0, 3725.0]


def long_segments(count: int) -> list[TranscriptSegment]:
    """Segments whose transcript lines are exactly 100 characters (101 with the newline)."""
    filler = "about brewing coffee at home with a scale and a kettle, slowly and patiently today"
    return [
        TranscriptSegment(i * 5.0, i * 5.0 + 5.0, f"Line {i:03d} {filler}.") for i in range(count)
    ]


def test_long_transcript_is_mapped_in_chunks_then_reduced() -> None:
    segs = long_segments(60)  # 60 lines of 101 characters: 6,060 characters
    assert {len(f"[00:00] {s.text}") for s in segs} == {100}
    with (
        OllamaStub(points=1) as stub,
        OllamaSummarizer(stub.url, "llama3.2", timeout=10, chunk_chars=2500) as ollama,
    ):
        summary = ollama.summarize(segs, "en", never)
        calls = stub.chat_requests()

    assert len(calls) == 3 + 1  # three map calls, one reduce call
    maps, reduce = calls[:3], calls[3]
    mapped_lines = [line for c in maps for line in user_message(c.body).splitlines()]
    assert len(mapped_lines) == 60  # every line in exactly one chunk, in order
    times = [TIMED_LINE.match(line) for line in mapped_lines]
    assert [clock_seconds(m.group(1)) for m in times if m] == [s.start for s in segs]
    for k, call in enumerate(maps, 1):
        assert len(user_message(call.body)) <= 2500
        assert f"part {k} of 3" in system_message(call.body)
        assert call.body["format"] == SUMMARY_SCHEMA
        assert call.body["options"]["num_ctx"] == 8192
    reduce_text = user_message(reduce.body)
    assert [f"Part {k} of 3" in reduce_text for k in (1, 2, 3)] == [True, True, True]
    assert "part 1 of" not in system_message(reduce.body)
    assert reduce.body["format"] == SUMMARY_SCHEMA

    # The stub's reduce answer takes the [mm:ss] lines of the part summaries: each part's
    # first key point, whose time must survive the round trip as the segment start.
    first_of_parts = [
        clock_seconds(TIMED_LINE.match(user_message(c.body).splitlines()[0]).group(1))  # type: ignore[union-attr]
        for c in maps
    ]
    assert summary.key_points[0].start == first_of_parts[0] == 0.0
    assert {p.start for p in summary.key_points} <= {s.start for s in segs}


def test_part_summaries_too_long_for_one_reduce_are_merged_in_rounds() -> None:
    segs = long_segments(60)
    with (
        OllamaStub(points=3) as stub,
        OllamaSummarizer(stub.url, "llama3.2", timeout=10, chunk_chars=1200) as ollama,
    ):
        summary = ollama.summarize(segs, "en", never)
        calls = stub.chat_requests()

    maps = [c for c in calls if "of one long episode" in system_message(c.body)]
    reduces = calls[len(maps) :]
    assert len(maps) == 6
    assert len(reduces) >= 2  # more than one round
    assert all(user_message(c.body).startswith("Part ") for c in reduces)
    assert user_message(reduces[-1].body).startswith("Part 1 of ")
    assert summary.tldr and summary.key_points


def test_sloppy_times_are_snapped_or_dropped() -> None:
    segs = segments(10)
    with OllamaStub(mode="sloppy") as stub, OllamaSummarizer(stub.url, "llama3.2") as ollama:
        summary = ollama.summarize(segs, "en", never)
    texts = [p.text for p in summary.key_points]
    assert "no time at all" not in texts
    assert "before the episode" not in texts
    assert "far past the end" not in texts
    assert "given as a clock string" in texts
    assert sorted(p.start for p in summary.key_points) == [0.0, 0.0, 5.0, 10.0]


def test_check_accepts_the_latest_tag_and_rejects_a_missing_model(stub: OllamaStub) -> None:
    with OllamaSummarizer(stub.url, "llama3.2", timeout=5) as ollama:
        ollama.check()
    with OllamaSummarizer(stub.url, "llama3.2:latest", timeout=5) as ollama:
        ollama.check()
    with (
        OllamaSummarizer(stub.url, "qwen2.5:7b", timeout=5) as ollama,
        pytest.raises(OllamaUnavailable, match=re.escape("model “qwen2.5:7b” is not available")),
    ):
        ollama.check()


def test_check_when_no_server_is_listening() -> None:
    url = closed_port_url()
    with (
        OllamaSummarizer(url, "llama3.2", timeout=5) as ollama,
        pytest.raises(OllamaUnavailable, match="not running") as caught,
    ):
        ollama.check()
    assert url in caught.value.reason.english()
    assert caught.value.hint is not None
    assert "ollama pull llama3.2" in caught.value.hint.english()


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("garbage", "not valid JSON"),
        ("http_500", "failed to answer"),
        ("close_mid_stream", "failed to answer"),
        ("model_missing", "is not available"),
    ],
)
def test_broken_answers_raise_unavailable(mode: str, reason: str) -> None:
    with (
        OllamaStub(mode=mode) as stub,
        OllamaSummarizer(stub.url, "llama3.2", timeout=5) as ollama,
        pytest.raises(OllamaUnavailable, match=reason),
    ):
        ollama.summarize(segments(5), "en", never)


@pytest.mark.timeout(30)
def test_a_server_that_never_answers_times_out() -> None:
    with (
        OllamaStub(mode="hang") as stub,
        OllamaSummarizer(stub.url, "llama3.2", timeout=0.5) as ollama,
        pytest.raises(OllamaUnavailable, match=re.escape("did not answer within 0.5 s")),
    ):
        ollama.summarize(segments(5), "en", never)


def test_cancel_is_checked_between_calls(stub: OllamaStub) -> None:
    asked = []

    def stop_after_first_call() -> bool:
        asked.append(len(stub.chat_requests()))
        return len(stub.chat_requests()) >= 1

    with (
        OllamaSummarizer(stub.url, "llama3.2", chunk_chars=1000) as ollama,
        pytest.raises(Cancelled),
    ):
        ollama.summarize(long_segments(60), "en", stop_after_first_call)
    assert len(stub.chat_requests()) == 1
    assert asked and asked[0] == 0


def test_empty_transcript_needs_no_call(stub: OllamaStub) -> None:
    with OllamaSummarizer(stub.url, "llama3.2") as ollama:
        summary = ollama.summarize([], "en", never)
    assert summary.tldr == "" and summary.engine == "ollama:llama3.2"
    assert stub.chat_requests() == []


def test_chinese_transcript_asks_for_chinese(stub: OllamaStub) -> None:
    segs = [TranscriptSegment(0.0, 3.0, "今天我们聊一聊怎么泡茶。")]
    with OllamaSummarizer(stub.url, "llama3.2") as ollama:
        summary = ollama.summarize(segs, None, never)
    assert summary.language == "zh"
    assert "Chinese" in system_message(stub.chat_requests()[0].body)
