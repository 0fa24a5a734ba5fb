"""Sortable unique task ids: ``task_`` + a ULID (time-ordered, Crockford base32)."""

from __future__ import annotations

import os
import threading
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_lock = threading.Lock()
_last = (0, 0)


def _encode(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def new_ulid(now: float | None = None) -> str:
    """A 26-character ULID; ids made in the same millisecond by this process still sort."""
    global _last
    millis = int((time.time() if now is None else now) * 1000)
    with _lock:
        last_millis, last_random = _last
        if millis <= last_millis:
            millis, randomness = last_millis, last_random + 1
        else:
            randomness = int.from_bytes(os.urandom(10), "big") >> 1  # room to count up
        _last = (millis, randomness)
    return _encode(millis, 10) + _encode(randomness, 16)


def new_task_id(now: float | None = None) -> str:
    """A new task id such as ``task_01J9Z3…``."""
    return "task_" + new_ulid(now)
