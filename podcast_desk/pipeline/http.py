"""Small HTTP helpers shared by the feed and download adapters: statuses to task errors."""

from __future__ import annotations

import contextlib
import email.utils
import time
from collections.abc import Iterator

from podcast_desk.messages import msg
from podcast_desk.tasks.errors import PermanentError, TaskError, TransientError

__all__ = [
    "USER_AGENT",
    "connection_error",
    "httpx_errors",
    "parse_retry_after",
    "redirect_loop_error",
    "status_error",
    "timeout_error",
]

USER_AGENT = "PodcastDesk/0.1 (+https://github.com/podcast-desk)"

#: Longest Retry-After we honour; a server asking for a day gets the queue's own backoff cap.
_MAX_RETRY_AFTER = 6 * 3600.0


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), else None."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return min(float(text), _MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    delta = when.timestamp() - (time.time() if now is None else now)
    return min(max(0.0, delta), _MAX_RETRY_AFTER)


def status_error(
    status: int, *, what: str = "episode", retry_after: float | None = None, detail: str = ""
) -> TaskError:
    """The task error for an HTTP error status: 5xx/429/408 transient, other 4xx permanent.

    ``what`` names the thing asked for ("episode", "feed", "page", "transcript", "cover")
    in the sentence (the ``what.*`` message keys).
    """
    thing = f"what.{what}"
    if status in (404, 410):
        return PermanentError(msg("http.not_found", what=thing, status=status),
                              hint=msg("hint.check_link"), detail=detail)
    if status in (401, 403):
        return PermanentError(msg("http.forbidden", what=thing, status=status),
                              hint=msg("hint.forbidden"), detail=detail)
    if status == 429:
        return TransientError(msg("http.rate_limited"), hint=msg("hint.retry_later"),
                              detail=detail, retry_after=retry_after)
    if status == 408 or 500 <= status < 600:
        return TransientError(msg("http.server_error", status=status),
                              hint=msg("hint.retry_later"), detail=detail,
                              retry_after=retry_after)
    if 300 <= status < 400:
        return redirect_loop_error(what=what, detail=detail)
    return PermanentError(msg("http.refused", status=status), hint=msg("hint.check_link"),
                          detail=detail)


def redirect_loop_error(*, what: str = "episode", detail: str = "") -> PermanentError:
    """The link keeps redirecting (a loop or too many hops)."""
    return PermanentError(msg("http.redirect_loop", what=f"what.{what}"),
                          hint=msg("hint.redirect_loop"), detail=detail)


def timeout_error(*, detail: str = "") -> TransientError:
    """The server did not answer within the timeout."""
    return TransientError(msg("http.timeout"), hint=msg("hint.retry"), detail=detail)


def connection_error(*, detail: str = "") -> TransientError:
    """Connecting failed or the connection dropped (refused, reset, DNS, cut short)."""
    return TransientError(msg("http.connection"), hint=msg("hint.connection"), detail=detail)


@contextlib.contextmanager
def httpx_errors(url: str, *, what: str = "episode") -> Iterator[None]:
    """Turn httpx's network exceptions inside the block into the pipeline's task errors.

    Too many redirects → permanent; timeouts, refused or dropped connections → transient;
    a link httpx cannot use → permanent. TaskErrors raised in the block pass through.
    """
    import httpx

    try:
        yield
    except httpx.TooManyRedirects as exc:
        raise redirect_loop_error(
            what=what, detail=f"{type(exc).__name__}: {exc} ({url})"
        ) from exc
    except httpx.TimeoutException as exc:
        raise timeout_error(detail=f"{type(exc).__name__}: {exc} ({url})") from exc
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
        raise PermanentError(
            msg("http.invalid_feed_link" if what == "feed" else "http.invalid_link"),
            hint=msg("hint.check_link"),
            detail=f"{type(exc).__name__}: {exc} ({url})",
        ) from exc
    except httpx.TransportError as exc:
        raise connection_error(detail=f"{type(exc).__name__}: {exc} ({url})") from exc
