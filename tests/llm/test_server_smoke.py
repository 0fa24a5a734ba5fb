"""The real llama-server speaks the OpenAI-compatible API the summary engine will rely on."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.llama_server import DEFAULT_ALIAS, LlamaServer

TOPICS = Path(__file__).resolve().parents[1] / "fixtures" / "transcripts" / "topics.json"

# Bounded so that even a base model ends its JSON well inside max_tokens.
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "tldr": {"type": "string", "maxLength": 60},
        "keyPoints": {
            "type": "array",
            "items": {"type": "string", "maxLength": 30},
            "minItems": 1,
            "maxItems": 3,
        },
    },
    "required": ["tldr", "keyPoints"],
    "additionalProperties": False,
}


def transcript(copies: int = 1) -> str:
    """topics.json as ``[mm:ss] text`` lines (about 816 tokens a copy for this model)."""
    data = json.loads(TOPICS.read_text(encoding="utf-8"))
    lines = []
    for copy in range(copies):
        for segment in data["segments"]:
            start = int(segment["start"] + copy * data["duration"])
            lines.append(f"[{start // 60:02d}:{start % 60:02d}] {segment['text'].strip()}")
    return "\n".join(lines)


def chat(server: LlamaServer, body: dict[str, Any], timeout: float = 120.0) -> httpx.Response:
    return httpx.post(f"{server.base_url}/chat/completions", json=body, timeout=timeout)


def test_models_lists_the_loaded_model(llama_server: LlamaServer) -> None:
    answer = httpx.get(f"{llama_server.base_url}/models", timeout=10)

    assert answer.status_code == 200
    data = answer.json()
    assert data["object"] == "list"
    assert [model["id"] for model in data["data"]] == [DEFAULT_ALIAS]
    assert data["data"][0]["meta"]["n_ctx"] == 2048


def test_chat_completion_follows_a_json_schema(llama_server: LlamaServer) -> None:
    before = len(llama_server.requests_seen())
    answer = chat(
        llama_server,
        {
            "model": DEFAULT_ALIAS,
            "messages": [
                {"role": "system", "content": "Summarize the transcript as JSON."},
                {"role": "user", "content": transcript()},
            ],
            "temperature": 0,
            "max_tokens": 400,
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "summary", "strict": True, "schema": SCHEMA},
            },
        },
    )

    assert answer.status_code == 200, answer.text
    reply = answer.json()
    choice = reply["choices"][0]
    assert choice["finish_reason"] == "stop"
    summary = json.loads(choice["message"]["content"])
    # The schema holds, whatever a base model puts in it (content quality is not tested here).
    assert set(summary) == {"tldr", "keyPoints"}
    assert isinstance(summary["tldr"], str) and len(summary["tldr"]) <= 60
    assert 1 <= len(summary["keyPoints"]) <= 3
    assert all(isinstance(p, str) and len(p) <= 30 for p in summary["keyPoints"])
    # The server demonstrably received this call: its log shows the task with the same counts.
    usage = reply["usage"]
    task = llama_server.wait_for_requests(before + 1)[-1]
    assert task.error is None
    assert task.predicted_tokens == usage["completion_tokens"]
    cached = usage.get("prompt_tokens_details", {}).get("cached_tokens", 0)
    assert task.prompt_tokens == usage["prompt_tokens"] - cached


def test_props_reports_the_context_size(llama_server: LlamaServer) -> None:
    props = llama_server.props()

    assert props["default_generation_settings"]["n_ctx"] == 2048
    assert props["total_slots"] == 1
    assert props["build_info"].startswith("b11434-")


def test_tokenize_counts_tokens_for_a_budget(llama_server: LlamaServer) -> None:
    one, two = llama_server.tokenize(transcript(1)), llama_server.tokenize(transcript(2))

    assert all(isinstance(token, int) for token in one)
    assert 400 < len(one) < 2048
    assert len(one) < len(two) <= 2 * len(one) + 2


def test_prompt_longer_than_the_context_is_refused_with_400(llama_server: LlamaServer) -> None:
    before = len(llama_server.requests_seen())
    answer = chat(
        llama_server,
        {"messages": [{"role": "user", "content": transcript(3)}], "max_tokens": 8},
    )

    assert answer.status_code == 400
    assert "retry-after" not in answer.headers
    error = answer.json()["error"]
    assert error["type"] == "exceed_context_size_error"
    assert error["code"] == 400
    assert error["n_ctx"] == 2048
    assert error["n_prompt_tokens"] > 2048
    assert "exceeds the available context size" in error["message"]
    task = llama_server.wait_for_requests(before + 1)[-1]
    assert task.error is not None and "exceeds the available context size" in task.error


def _post_in_thread(url: str, body: dict[str, Any]) -> tuple[threading.Thread, dict[str, Any]]:
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["response"] = httpx.post(url, json=body, timeout=60)
        except httpx.HTTPError as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def _wait_generating(server: LlamaServer, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not any(not task.finished for task in server.requests_seen()):
        assert time.monotonic() < deadline, server.log_tail()
        time.sleep(0.02)


LONG_ANSWER = {
    "messages": [{"role": "user", "content": "Tell a long story."}],
    "max_tokens": 1500,
    "ignore_eos": True,  # llama.cpp extension: keeps generating for ~30 s on 2 cores
}


def test_kill_mid_answer_gives_the_client_a_connection_error(
    own_llama_server: LlamaServer,
) -> None:
    server = own_llama_server
    thread, outcome = _post_in_thread(f"{server.base_url}/chat/completions", LONG_ANSWER)
    _wait_generating(server)
    pid = server.pid
    assert pid is not None

    server.kill()
    thread.join(timeout=30)

    assert not thread.is_alive()
    assert isinstance(outcome.get("error"), httpx.RemoteProtocolError), outcome
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{server.base_url}/models", timeout=5)

    port = server.port
    server.restart()
    assert server.port == port and server.runs == 2
    assert httpx.get(f"{server.base_url}/models", timeout=10).status_code == 200
    server.close()
    server.close()  # idempotent
    assert not server.running()


def test_kill_mid_stream_cuts_the_stream(own_llama_server: LlamaServer) -> None:
    server = own_llama_server
    with (
        httpx.Client(timeout=60) as client,
        client.stream(
            "POST", f"{server.base_url}/chat/completions", json={**LONG_ANSWER, "stream": True}
        ) as response,
    ):
        assert response.status_code == 200
        lines = response.iter_lines()
        assert next(lines).startswith("data: ")
        server.kill()
        with pytest.raises(httpx.RemoteProtocolError):
            for _ in lines:
                pass
