"""Ollama protocol stub for tests: speaks Ollama's HTTP API on loopback; it is NOT an LLM.

Usage::

    from tests.support.ollama_stub import OllamaStub

    with OllamaStub(mode="normal", models=["llama3.2:latest"]) as stub:
        client = ollama.Client(host=stub.url, timeout=5)
        ...
        stub.requests          # every request, in order: StubRequest(method, path, body)
        stub.chat_requests()   # only the POST /api/chat ones; body is the parsed JSON

It implements the two documented endpoints the app uses:

* ``GET /api/tags`` → ``{"models": [{"name", "model", "modified_at", "size", "digest",
  "details"}]}`` listing ``models``.
* ``POST /api/chat`` → with ``"stream": false`` one JSON object ``{"model", "created_at",
  "message": {"role": "assistant", "content": "<json string>"}, "done": true, ...}``; with
  ``"stream": true`` (the client's default) NDJSON in chunked transfer encoding: the content
  in a few pieces with ``"done": false``, then a last object with ``"done": true``. A model
  that is not in ``models`` gets 404 ``{"error": "model ... not found"}``, as Ollama does.

The reply content is deterministic JSON built from the request, enough to exercise a client
and never a judge of summary quality: the last user message's ``[mm:ss]``/``[h:mm:ss]`` lines
are read, the first ``points`` of them become ``keyPoints`` (and the first a quote and a
chapter) with their times in seconds; ``tldr`` says how many timed lines there were.

Modes (``mode=``):

* ``normal`` — as above.
* ``model_missing`` — ``/api/tags`` lists only ``other-model:latest``; chat answers 404.
* ``garbage`` — chat answers properly, but the content is prose, not JSON.
* ``sloppy`` — valid JSON with bad times: starts off the segment grid by +0.4 s, one as a
  ``"mm:ss"`` string, one negative, one missing, one far past the end.
* ``hang`` — chat never answers (tags does) until the stub stops; stopping is prompt.
* ``http_500`` — chat answers 500 ``{"error": "llama runner process has terminated"}``.
* ``close_mid_stream`` — chat sends part of the reply, then drops the connection (streaming:
  a chunk or two and no terminating chunk; non-streaming: fewer bytes than Content-Length).
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from tests.support.loopback import ServingThread

MODES = ("normal", "model_missing", "garbage", "sloppy", "hang", "http_500", "close_mid_stream")
_CREATED_AT = "2026-01-01T00:00:00.000000Z"
_TIMED_LINE = re.compile(r"^\[((?:\d+:)?\d{1,2}:\d{2})\]\s*(.+)$", re.MULTILINE)


@dataclass(frozen=True)
class StubRequest:
    """One request the stub received; ``body`` is the parsed JSON body, or None."""

    method: str
    path: str
    body: Any


def clock_seconds(stamp: str) -> float:
    """``"mm:ss"`` or ``"h:mm:ss"`` → seconds."""
    total = 0.0
    for part in stamp.split(":"):
        total = total * 60 + float(part)
    return total


def full_name(name: str) -> str:
    """Ollama model names default their tag to ``latest``."""
    return name if ":" in name else f"{name}:latest"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    stub: OllamaStub


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # chunked NDJSON streaming needs 1.1
    timeout = 30  # a client that never sends its request cannot pin a thread forever

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""

    def setup(self) -> None:
        super().setup()
        self.server.stub._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.stub._track(self.connection, add=False)

    def do_GET(self) -> None:
        stub = self.server.stub
        stub._record(StubRequest("GET", self.path, None))
        if self.path == "/api/tags":
            names = ["other-model:latest"] if stub.mode == "model_missing" else stub.models
            self._json(200, {"models": [_model_entry(n) for n in names]})
        else:
            self._json(404, {"error": "404 page not found"})

    def do_POST(self) -> None:
        stub = self.server.stub
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = None
        stub._record(StubRequest("POST", self.path, body))
        if self.path != "/api/chat" or not isinstance(body, dict):
            self._json(404 if self.path != "/api/chat" else 400, {"error": "bad request"})
            return
        model = str(body.get("model", ""))
        if stub.mode == "model_missing" or full_name(model) not in {
            full_name(m) for m in stub.models
        }:
            self._json(404, {"error": f'model "{model}" not found, try pulling it first'})
            return
        if stub.mode == "hang":
            stub.closing.wait()
            self.close_connection = True
            return
        if stub.mode == "http_500":
            self._json(500, {"error": "llama runner process has terminated"})
            return
        content = stub.reply_content(body)
        if body.get("stream", True):
            self._stream(model, content)
        else:
            self._whole(model, content)

    # -- answers -----------------------------------------------------------------------------

    def _json(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)
        self.close_connection = True

    def _whole(self, model: str, content: str) -> None:
        data = json.dumps(_final(model, content)).encode()
        if self.server.stub.mode != "close_mid_stream":
            self._json(200, _final(model, content))
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[: len(data) // 2])
        self.wfile.flush()
        self._drop()

    def _stream(self, model: str, content: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        third = max(1, len(content) // 3)
        pieces = [content[i : i + third] for i in range(0, len(content), third)] or [""]
        for k, piece in enumerate(pieces):
            part = {
                "model": model,
                "created_at": _CREATED_AT,
                "message": {"role": "assistant", "content": piece},
                "done": False,
            }
            self._chunk(json.dumps(part).encode() + b"\n")
            if self.server.stub.mode == "close_mid_stream" and k == 0:
                self._drop()
                return
        final = _final(model, "")
        self._chunk(json.dumps(final).encode() + b"\n")
        self.wfile.write(b"0\r\n\r\n")
        self.close_connection = True

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


def _model_entry(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "model": name,
        "modified_at": "2026-01-01T00:00:00.000000+00:00",
        "size": 2019393189,
        "digest": "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
        "details": {
            "parent_model": "",
            "format": "gguf",
            "family": "llama",
            "families": ["llama"],
            "parameter_size": "3.2B",
            "quantization_level": "Q4_K_M",
        },
    }


def _final(model: str, content: str) -> dict[str, Any]:
    return {
        "model": model,
        "created_at": _CREATED_AT,
        "message": {"role": "assistant", "content": content},
        "done_reason": "stop",
        "done": True,
        "total_duration": 1_000_000,
        "load_duration": 1_000,
        "prompt_eval_count": 10,
        "prompt_eval_duration": 1_000,
        "eval_count": 10,
        "eval_duration": 1_000,
    }


class OllamaStub:
    """The Ollama protocol stub (see the module docstring); use as a context manager."""

    def __init__(
        self, mode: str = "normal", *, models: Iterable[str] = ("llama3.2:latest",), points: int = 3
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; expected one of {MODES}")
        self.mode = mode
        self.models = list(models)
        self.points = points
        self._lock = threading.Lock()
        self._requests: list[StubRequest] = []
        self._serving = ServingThread()
        self.closing = self._serving.closing

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> OllamaStub:
        """Bind 127.0.0.1 on a free port and serve in a daemon thread; returns self."""
        httpd = _Server(("127.0.0.1", 0), _Handler)
        httpd.stub = self
        self._serving.start(httpd)
        return self

    def close(self) -> None:
        """Stop: wake hanging answers, drop open connections, free the port (idempotent)."""
        self._serving.close()

    def __enter__(self) -> OllamaStub:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``, the ``host`` to give an Ollama client."""
        if self._serving.httpd is None:
            raise RuntimeError("the stub is not running")
        return f"http://127.0.0.1:{self._serving.port}"

    # -- what happened -----------------------------------------------------------------------

    @property
    def requests(self) -> list[StubRequest]:
        """Every request received so far, in order (a copy)."""
        with self._lock:
            return list(self._requests)

    def chat_requests(self) -> list[StubRequest]:
        """The ``POST /api/chat`` requests, in order."""
        return [r for r in self.requests if r.path == "/api/chat"]

    # -- replies -----------------------------------------------------------------------------

    def reply_content(self, body: dict[str, Any]) -> str:
        """The assistant message content for a chat request (a JSON string except in
        ``garbage`` mode)."""
        if self.mode == "garbage":
            return "Sure! This episode is about many things. I hope that helps."
        user = ""
        for message in body.get("messages") or []:
            if isinstance(message, dict) and message.get("role") == "user":
                user = str(message.get("content", ""))
        lines = [
            (clock_seconds(m.group(1)), m.group(2).strip()) for m in _TIMED_LINE.finditer(user)
        ]
        points: list[dict[str, Any]] = [{"text": t, "start": s} for s, t in lines[: self.points]]
        if self.mode == "sloppy" and points:
            points = [{"text": p["text"], "start": p["start"] + 0.4} for p in points]
            first = lines[0][0]
            minutes, seconds = divmod(int(first), 60)
            points += [
                {"text": "given as a clock string", "start": f"{minutes:02d}:{seconds:02d}"},
                {"text": "before the episode", "start": -5},
                {"text": "no time at all"},
                {"text": "far past the end", "start": 99_999},
            ]
        reply: dict[str, Any] = {
            "tldr": f"Stub summary of {len(lines)} timed lines.",
            "keyPoints": points,
            "chapters": (
                [
                    {
                        "start": lines[0][0],
                        "end": lines[-1][0],
                        "title": "Stub chapter",
                        "summary": lines[0][1],
                    }
                ]
                if lines
                else []
            ),
            "keywords": ["stub"],
            "quotes": [{"text": lines[0][1], "start": lines[0][0]}] if lines else [],
        }
        return json.dumps(reply)

    # -- used by the handler -----------------------------------------------------------------

    def _record(self, request: StubRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        if add:
            self._serving.track(conn)
        else:
            self._serving.untrack(conn)
