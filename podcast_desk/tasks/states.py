"""Task states and what can be done to a task in each: one place for the queue and the faces."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    """Task states; the strings are the public API's."""

    PENDING = "PENDING"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


FINISHED = (Status.COMPLETED, Status.FAILED, Status.CANCELLED)

# What can be done to a task in each state: the one place both the queue's WHERE clauses
# and the window's action states read (design §4).
CANCELLABLE = frozenset({Status.PENDING, Status.RUNNING})
RETRYABLE = frozenset({Status.FAILED, Status.CANCELLED})
REMOVABLE = frozenset({Status.PENDING, Status.COMPLETED, Status.FAILED, Status.CANCELLED})
MOVABLE = frozenset({Status.PENDING})


@dataclass(frozen=True, slots=True)
class Capabilities:
    """Which steering calls can take effect on a task in its current state."""

    cancel: bool
    retry: bool
    remove: bool
    move: bool


def capabilities(status: Status | str) -> Capabilities:
    """What ``cancel``, ``retry``, ``remove`` and ``move_to_top`` would do for ``status``."""
    state = Status(status)
    return Capabilities(cancel=state in CANCELLABLE, retry=state in RETRYABLE,
                        remove=state in REMOVABLE, move=state in MOVABLE)
