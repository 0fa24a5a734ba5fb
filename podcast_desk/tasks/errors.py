"""Task outcomes as exception types: transient, permanent, disk full, cancelled, lease lost."""

from __future__ import annotations

from typing import Any

from podcast_desk.messages import Message, join


class TaskError(Exception):
    """A failure a handler reports, with words for people and detail for the log.

    ``message`` says what went wrong and ``hint`` what the user can do about it, both as
    :class:`~podcast_desk.messages.Message` values that every face renders in its own
    language; ``detail`` is technical text that goes to the task log only.
    """

    def __init__(self, message: Message, *, hint: Message | None = None,
                 detail: str = "") -> None:
        super().__init__(message.key)
        self.message = message
        self.hint = hint
        self.detail = detail

    @property
    def human(self) -> str:
        """The English sentence stored on the task: message plus hint."""
        return join(self.message, self.hint)

    def to_json(self) -> dict[str, Any]:
        """The message and hint as stored beside the English text (``Task.error_json``)."""
        return {"message": self.message.to_json(),
                "hint": self.hint.to_json() if self.hint else None}

    def __str__(self) -> str:
        return self.human


class TransientError(TaskError):
    """Worth trying again later: network resets, timeouts, 5xx/429, a busy database.

    ``retry_after`` (seconds) overrides the queue's backoff when the cause says how long
    to wait (an HTTP Retry-After header, say).
    """

    def __init__(
        self,
        message: Message,
        *,
        hint: Message | None = None,
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
    """The handler must stop now: cancel requested, or the worker is shutting down.

    Whichever it was, the runner asks its own records (it does not read the text).
    """


class LeaseLost(Cancelled):
    """This worker no longer holds the task (its lease expired and another worker took it).

    Raised by ``TaskQueue.fenced`` when a write finds another token on the task: the
    handler stops without writing anything more, and the task is not "paused".
    """
