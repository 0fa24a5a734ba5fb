"""Task outcomes as exception types: transient, permanent, cancelled."""

from __future__ import annotations


class TaskError(Exception):
    """A failure a handler reports, with words for people and detail for the log.

    ``message`` is one plain sentence saying what went wrong; ``hint`` says what the
    user can do about it; ``detail`` is technical text that goes to the task log only.
    """

    def __init__(self, message: str, *, hint: str = "", detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.detail = detail

    @property
    def human(self) -> str:
        """The sentence shown on the task: message plus hint."""
        return f"{self.message} {self.hint}".strip()

    def __str__(self) -> str:
        return self.human


class TransientError(TaskError):
    """Worth trying again later: network resets, timeouts, 5xx/429, a busy database.

    ``retry_after`` (seconds) overrides the queue's backoff when the cause says how long
    to wait (an HTTP Retry-After header, say).
    """

    def __init__(
        self,
        message: str,
        *,
        hint: str = "",
        detail: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, hint=hint, detail=detail)
        self.retry_after = retry_after


class DiskFull(TaskError):
    """The disk (or the database) is full: the queue pauses instead of failing the task.

    Not a failure of the task: it is given back to the queue without spending an attempt
    and the runner stops claiming for a while, with a visible message.
    """


class PermanentError(TaskError):
    """Trying again will not help: bad link, 404, no audio, corrupt media, over limits."""


class Cancelled(Exception):
    """The task was cancelled, or this worker lost its lease; stop without recording a result."""
