"""One window per data folder: a second launch hands its link to the first and exits."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

ACK = b"ok\n"
MAX_MESSAGE = 64 * 1024


def server_name(data_dir: Path) -> str:
    """The local socket name for a data folder (a hash of its resolved path)."""
    digest = hashlib.sha256(str(Path(data_dir).resolve()).encode("utf-8")).hexdigest()
    return f"podcast-desk-{digest[:20]}"


def send_to_running(name: str, message: dict[str, Any], timeout_ms: int = 3000) -> bool:
    """Send ``message`` to the instance listening on ``name``; True once it acknowledged.

    False means no instance answered (none runs, or a stale socket was left behind).
    """
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(timeout_ms):
        return False
    payload = json.dumps(message, ensure_ascii=False).encode("utf-8") + b"\n"
    socket.write(payload)
    if not socket.waitForBytesWritten(timeout_ms):
        socket.abort()
        return False
    reply = b""
    while not reply.endswith(b"\n") and socket.waitForReadyRead(timeout_ms):
        reply += bytes(socket.readAll().data())
    socket.disconnectFromServer()
    return reply == ACK


class InstanceServer(QObject):
    """Listens for later launches on the same data folder.

    Each connection sends one JSON line (``{"source": "…"}`` or ``{}`` to just show the
    window); it is acknowledged once the message was emitted.

    Signals:
        message_received(object): a later launch sent this dict.
    """

    message_received = Signal(object)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self.on_server_new_connection)
        self._buffers: dict[QLocalSocket, bytes] = {}

    def listen(self) -> bool:
        """Start listening; a socket left by a crashed instance is removed first."""
        if self._server.listen(self.name):
            return True
        if self._server.serverError() == QAbstractSocket.SocketError.AddressInUseError:
            QLocalServer.removeServer(self.name)
            if self._server.listen(self.name):
                return True
        log.warning("cannot listen for other launches on %s: %s", self.name,
                    self._server.errorString())
        return False

    def close(self) -> None:
        self._server.close()

    def on_server_new_connection(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            self._buffers[socket] = b""
            socket.readyRead.connect(lambda s=socket: self.on_socket_ready_read(s))
            socket.disconnected.connect(lambda s=socket: self._drop(s))
            if socket.bytesAvailable():
                self.on_socket_ready_read(socket)

    def on_socket_ready_read(self, socket: QLocalSocket) -> None:
        if socket not in self._buffers:
            return
        data = self._buffers[socket] + bytes(socket.readAll().data())
        if len(data) > MAX_MESSAGE:
            self._drop(socket)
            socket.abort()
            return
        self._buffers[socket] = data
        if not data.endswith(b"\n"):
            return
        try:
            message = json.loads(data.decode("utf-8"))
        except ValueError:
            log.warning("ignored a malformed message from another launch")
            message = None
        if isinstance(message, dict):
            self.message_received.emit(message)
            socket.write(ACK)
            socket.flush()
        socket.disconnectFromServer()

    def _drop(self, socket: QLocalSocket) -> None:
        if self._buffers.pop(socket, None) is not None:
            socket.deleteLater()
