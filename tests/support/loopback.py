"""Serving a test HTTP server on loopback in a thread, and stopping it promptly."""

from __future__ import annotations

import contextlib
import socket
import threading
from http.server import ThreadingHTTPServer


class ServingThread:
    """Runs one ThreadingHTTPServer in a daemon thread and stops it without hanging.

    Handlers register their connection with ``track``/``untrack``. ``close()`` sets
    ``closing`` (handlers that stall or hang wait on it), shuts the server down, drops every
    open connection and frees the port; it is idempotent.
    """

    def __init__(self) -> None:
        self.closing = threading.Event()
        self.httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self, httpd: ThreadingHTTPServer) -> None:
        self.httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def port(self) -> int:
        assert self.httpd is not None, "server not started"
        return int(self.httpd.server_address[1])

    def track(self, conn: socket.socket) -> None:
        with self._lock:
            self._connections.add(conn)

    def untrack(self, conn: socket.socket) -> None:
        with self._lock:
            self._connections.discard(conn)

    def close(self) -> None:
        httpd = self.httpd
        if httpd is None:
            return
        self.httpd = None
        self.closing.set()
        httpd.shutdown()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
