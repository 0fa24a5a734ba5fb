"""yt-dlp adapter: probe a link, download its best audio with progress, cancel and resume."""

from __future__ import annotations

import datetime as dt
import errno
import logging
import re
import socket
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from podcast_desk.messages import msg
from podcast_desk.pipeline.http import (
    connection_error,
    parse_retry_after,
    redirect_loop_error,
    status_error,
    timeout_error,
)
from podcast_desk.tasks.errors import (
    Cancelled,
    DiskFull,
    PermanentError,
    TaskError,
    TransientError,
)

__all__ = [
    "DownloadProgress",
    "LogFn",
    "MediaInfo",
    "classify_error",
    "download_audio",
    "probe_url",
]

_log = logging.getLogger(__name__)

#: Receives (level, message) for the task log; level is "debug", "info", "warning" or "error".
LogFn = Callable[[str, str], None]

@dataclass(frozen=True, slots=True)
class MediaInfo:
    """What yt-dlp found behind a link, before downloading anything."""

    title: str | None
    uploader: str | None
    show: str | None
    duration: float | None
    description: str | None
    thumbnail: str | None
    webpage_url: str | None
    media_url: str | None
    extractor: str | None
    ext: str | None
    filesize: int | None
    published: float | None
    is_playlist: bool = False
    entry_count: int | None = None


@dataclass(frozen=True, slots=True)
class DownloadProgress:
    """One progress report; ``total_bytes`` may be an estimate or unknown."""

    downloaded_bytes: int
    total_bytes: int | None
    speed: float | None
    eta: float | None

    @property
    def fraction(self) -> float | None:
        """Share done in 0..1, when the total is known."""
        if not self.total_bytes:
            return None
        return min(1.0, self.downloaded_bytes / self.total_bytes)


class _Stop(Exception):
    """Raised inside the progress hook to abort yt-dlp; never escapes this module."""


class _TooLarge(Exception):
    """Raised inside the progress hook when the download passes the size limit."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


class _YdlLogger:
    """yt-dlp's logger protocol, forwarding each line to a LogFn (or to ``logging``)."""

    def __init__(self, log: LogFn | None) -> None:
        self._log = log

    def _emit(self, level: str, msg: str) -> None:
        if self._log is not None:
            self._log(level, msg)
        else:
            _log.log(logging.getLevelNamesMapping()[level.upper()], "%s", msg)

    def debug(self, msg: str) -> None:
        # yt-dlp routes ordinary screen messages through debug() too; only "[debug]" is debug.
        self._emit("debug" if msg.startswith("[debug] ") else "info", msg)

    def info(self, msg: str) -> None:
        self._emit("info", msg)

    def warning(self, msg: str) -> None:
        self._emit("warning", msg)

    def error(self, msg: str) -> None:
        self._emit("error", msg)


def _base_options(timeout: float, log: LogFn | None) -> dict[str, Any]:
    """Options every call uses: quiet, no ffmpeg, no cache, no playlists expanded."""
    return {
        "quiet": True,
        "no_warnings": False,
        "noprogress": True,
        "logger": _YdlLogger(log),
        "color": {"stdout": "no_color", "stderr": "no_color"},
        "socket_timeout": timeout,
        "noplaylist": True,
        # Feeds and playlists come back as lists of links; never resolve every entry.
        "extract_flat": "in_playlist",
        "format": "bestaudio/best",
        # No ffmpeg on purpose: no post-processors, no fix-ups, native HLS/DASH only.
        "postprocessors": [],
        "fixup": "never",
        "external_downloader": {"default": "native"},
        "hls_prefer_native": True,
        "cachedir": False,
        "updatetime": False,
        "consoletitle": False,
    }


def probe_url(url: str, *, timeout: float = 20, logger: LogFn | None = None) -> MediaInfo:
    """Ask yt-dlp what ``url`` holds without downloading the media.

    Works for pages with ``<audio>``/``<video>``, direct audio links and the sites yt-dlp
    knows. A feed or playlist answers ``is_playlist=True`` with its ``entry_count``.
    Failures are raised as TransientError/PermanentError (see :func:`classify_error`).
    """
    import yt_dlp

    options = _base_options(timeout, logger) | {"skip_download": True}
    try:
        with yt_dlp.YoutubeDL(options) as ydl:
            info = ydl.extract_info(url, download=False)
    except Exception as exc:
        raise classify_error(exc) from exc
    return _media_info(info)


def download_audio(
    url: str,
    dest: Path,
    *,
    on_progress: Callable[[DownloadProgress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    timeout: float = 30,
    max_bytes: int | None = None,
    max_duration: float | None = None,
    retries: int = 3,
    logger: LogFn | None = None,
) -> Path:
    """Download the best audio of ``url`` to ``dest`` with the real extension; return the path.

    The file grows as ``<dest>.<ext>.part`` and is renamed into place when complete, so a
    finished file is never partial. A ``.part`` left by an earlier call is continued with an
    HTTP Range request. If the final file already exists it is returned without a download.

    ``dest``'s own suffix, if any, is replaced by the extension yt-dlp picks. ``should_stop``
    is polled on every progress report: when it answers True the download stops, the
    ``.part`` stays for a later resume and :class:`Cancelled` is raised. ``max_bytes`` and
    ``max_duration`` (seconds) are checked from the metadata first and the size again while
    bytes arrive; passing either raises PermanentError. Other failures are classified by
    :func:`classify_error`. ``retries`` is yt-dlp's retry count for dropped connections.
    """
    import yt_dlp
    from yt_dlp.downloader import FFmpegFD, get_suitable_downloader

    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    stem = str(dest.with_suffix("") if dest.suffix else dest).replace("%", "%%")

    def hook(status: Mapping[str, Any]) -> None:
        if should_stop is not None and should_stop():
            raise _Stop
        done = int(status.get("downloaded_bytes") or 0)
        total_raw = status.get("total_bytes") or status.get("total_bytes_estimate")
        total = int(total_raw) if total_raw else None
        if max_bytes is not None and (done > max_bytes or (total or 0) > max_bytes):
            raise _TooLarge(max(done, total or 0))
        if on_progress is not None and status.get("status") in ("downloading", "finished"):
            speed = status.get("speed")
            eta = status.get("eta")
            on_progress(
                DownloadProgress(
                    downloaded_bytes=done,
                    total_bytes=total,
                    speed=float(speed) if speed is not None else None,
                    eta=float(eta) if eta is not None else None,
                )
            )

    options = _base_options(timeout, logger) | {
        "outtmpl": {"default": stem + ".%(ext)s"},
        "paths": {},
        "retries": retries,
        "extractor_retries": retries,
        "fragment_retries": retries,
        "file_access_retries": 1,
        "continuedl": True,
        "overwrites": False,
        "nopart": False,
        "progress_hooks": [hook],
        "restrictfilenames": False,
    }
    final: Path | None = None
    try:
        with yt_dlp.YoutubeDL(options) as ydl:
            info = ydl.extract_info(url, download=False)
            if info.get("_type") in ("playlist", "multi_video"):
                raise _playlist_error(info)
            _check_limits(info, max_bytes=max_bytes, max_duration=max_duration)
            if get_suitable_downloader(dict(info), ydl.params) is FFmpegFD:
                raise PermanentError(
                    msg("download.ffmpeg_only"), hint=msg("hint.try_page_or_feed"),
                    detail=f"protocol={info.get('protocol')!r} url={url}",
                )
            final = Path(ydl.prepare_filename(info))
            if should_stop is not None and should_stop():
                raise _Stop
            ydl.process_ie_result(info, download=True)
    except _Stop as exc:
        raise Cancelled("download stopped; the .part file is kept") from exc
    except _TooLarge as exc:
        _remove_part(final)
        raise _too_large(max_bytes or 0, exc.size) from exc
    except Exception as exc:
        cause = _unwrap_private(exc)
        if isinstance(cause, _Stop):
            raise Cancelled("download stopped; the .part file is kept") from exc
        if isinstance(cause, _TooLarge):
            _remove_part(final)
            raise _too_large(max_bytes or 0, cause.size) from exc
        raise classify_error(exc) from exc
    assert final is not None
    if not final.is_file():
        raise TransientError(msg("download.no_file"), hint=msg("hint.retry"),
                             detail=f"expected {final}")
    return final


def _check_limits(
    info: Mapping[str, Any], *, max_bytes: int | None, max_duration: float | None
) -> None:
    duration = info.get("duration")
    if max_duration is not None and isinstance(duration, int | float) and duration > max_duration:
        raise PermanentError(
            msg("download.too_long", duration=float(duration), limit=float(max_duration)),
            hint=msg("hint.raise_limit"),
            detail=f"duration={duration} max_duration={max_duration}",
        )
    size = info.get("filesize") or info.get("filesize_approx")
    if max_bytes is not None and isinstance(size, int | float) and size > max_bytes:
        raise _too_large(max_bytes, int(size))


def _too_large(limit: int, size: int) -> PermanentError:
    return PermanentError(msg("download.too_large", limit=limit), hint=msg("hint.raise_limit"),
                          detail=f"size>={size} bytes, limit={limit} bytes")


def _playlist_error(info: Mapping[str, Any]) -> PermanentError:
    count = _entry_count(info)
    return PermanentError(msg("download.playlist"), hint=msg("hint.playlist"),
                          detail=f"playlist {info.get('title')!r} with {count} entries")


def _remove_part(final: Path | None) -> None:
    if final is None:
        return
    part = final.with_name(final.name + ".part")
    part.unlink(missing_ok=True)


def _entry_count(info: Mapping[str, Any]) -> int | None:
    entries = info.get("entries")
    if isinstance(entries, list):
        return len(entries)
    count = info.get("playlist_count")
    return int(count) if isinstance(count, int) else None


def _media_info(info: Mapping[str, Any]) -> MediaInfo:
    from yt_dlp.utils import unsmuggle_url

    is_playlist = info.get("_type") in ("playlist", "multi_video")

    def text(key: str) -> str | None:
        value = info.get(key)
        return str(value) if value not in (None, "") else None

    duration = info.get("duration")
    size = info.get("filesize") or info.get("filesize_approx")
    return MediaInfo(
        title=text("title"),
        uploader=text("uploader") or text("channel") or text("creator"),
        show=text("series") or text("album") or text("playlist_title") or text("channel"),
        duration=float(duration) if isinstance(duration, int | float) else None,
        description=text("description"),
        thumbnail=text("thumbnail"),
        webpage_url=text("webpage_url") or text("original_url"),
        media_url=None if is_playlist or not text("url") else unsmuggle_url(info["url"])[0],
        extractor=text("extractor_key") or text("extractor") or text("ie_key"),
        ext=None if is_playlist else text("ext"),
        filesize=int(size) if isinstance(size, int | float) else None,
        published=_published(info),
        is_playlist=is_playlist,
        entry_count=_entry_count(info) if is_playlist else None,
    )


def _published(info: Mapping[str, Any]) -> float | None:
    for key in ("release_timestamp", "timestamp"):
        value = info.get(key)
        if isinstance(value, int | float):
            return float(value)
    for key in ("release_date", "upload_date"):
        value = info.get(key)
        if isinstance(value, str) and re.fullmatch(r"\d{8}", value):
            day = dt.datetime.strptime(value, "%Y%m%d").replace(tzinfo=dt.UTC)
            return day.timestamp()
    return None


# -- error classification -----------------------------------------------------------------


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """Every exception reachable from ``exc``: yt-dlp's exc_info/cause, __cause__, __context__,
    urllib3's ``reason`` and exceptions passed as args (requests wraps urllib3 that way)."""
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop(0)
        if id(current) in seen or len(seen) > 50:
            continue
        seen.add(id(current))
        yield current
        linked: list[object] = []
        exc_info = getattr(current, "exc_info", None)
        if isinstance(exc_info, tuple) and len(exc_info) == 3:
            linked.append(exc_info[1])
        linked += [
            getattr(current, "cause", None),
            getattr(current, "reason", None),
            current.__cause__,
            current.__context__,
            *current.args,
        ]
        stack.extend(x for x in linked if isinstance(x, BaseException))


def _unwrap_private(exc: BaseException) -> BaseException | None:
    for item in _chain(exc):
        if isinstance(item, _Stop | _TooLarge):
            return item
    return None


# yt-dlp turns errors from the download phase (after its own retries) into a DownloadError
# that carries only text: RetryManager calls report_error() outside the except block, so no
# exception object survives. For that phase alone we fall back on the wording of messages
# that yt-dlp and the OS produce, matched case-insensitively. Each pattern below is anchored
# on a fixed phrase from yt-dlp's source (utils/_utils.py, downloader/http.py,
# networking/exceptions.py) or from OS errno strings.
_TEXT_STATUS = re.compile(r"HTTP Error (\d{3})")
_TEXT_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"redirect loop detected|too many redirects|exceeded \d+ redirects", re.I),
        "redirect",
    ),
    (re.compile(r"timed out|timeout", re.I), "timeout"),
    (
        re.compile(
            r"connection (refused|reset|aborted)|broken pipe|remote end closed|"
            r"failed to establish a new connection|name or service not known|"
            r"temporary failure in name resolution|network is unreachable|"
            r"bytes read, \d+ more expected|downloaded \d+ bytes, expected \d+ bytes|"
            r"did not get any data blocks|incompleteread|connection broken",
            re.I,
        ),
        "connection",
    ),
    (
        re.compile(
            r"unsupported url|no video formats found|no media found|"
            r"requested format is not available",
            re.I,
        ),
        "nomedia",
    ),
)


# yt-dlp's only report of a 200 answer with no body (HttpFD: "Did not get any data blocks").
_EMPTY_BODY = re.compile(r"did not get any data blocks", re.I)


def classify_error(exc: BaseException) -> TaskError:
    """Map an exception from yt-dlp (or the network below it) to a TaskError for people.

    The decision uses exception types and HTTP status codes along the whole cause chain
    first; only where yt-dlp keeps nothing but text (errors after its download retries) are
    message patterns used. The technical text always goes to ``detail``. A TaskError is
    returned unchanged.
    """
    if isinstance(exc, TaskError):
        return exc
    from yt_dlp.networking.exceptions import HTTPError, IncompleteRead, TransportError
    from yt_dlp.utils import (
        ContentTooShortError,
        ExtractorError,
        GeoRestrictedError,
        UnsupportedError,
    )

    detail = _detail(exc)
    chain = list(_chain(exc))

    for item in chain:
        if isinstance(item, TaskError):
            return item
    for item in chain:
        if isinstance(item, HTTPError):
            if item.redirect_loop:
                return redirect_loop_error(detail=detail)
            headers = getattr(item.response, "headers", None)
            retry_after = parse_retry_after(headers.get("Retry-After") if headers else None)
            return status_error(item.status, retry_after=retry_after, detail=detail)
    for item in chain:
        if isinstance(item, GeoRestrictedError):
            return PermanentError(msg("download.geo"), hint=msg("hint.geo"), detail=detail)
        if isinstance(item, UnsupportedError):
            return _no_media(detail)
    for item in chain:
        if isinstance(item, TimeoutError | socket.timeout):
            return timeout_error(detail=detail)
    for item in chain:
        if isinstance(item, OSError) and item.errno in (errno.ENOSPC, errno.EDQUOT):
            return DiskFull(msg("error.disk_full"), hint=msg("hint.disk_full"), detail=detail)
    for item in chain:
        if isinstance(
            item, ConnectionError | IncompleteRead | ContentTooShortError | TransportError
        ):
            return connection_error(detail=detail)

    text = " ".join(str(item) for item in chain)
    if _EMPTY_BODY.search(text):
        return PermanentError(msg("download.empty_body"), hint=msg("hint.removed"),
                              detail=detail)
    status = _TEXT_STATUS.search(text)
    if status:
        code = int(status.group(1))
        return status_error(code, detail=detail)
    for pattern, kind in _TEXT_PATTERNS:
        if pattern.search(text):
            if kind == "redirect":
                return redirect_loop_error(detail=detail)
            if kind == "timeout":
                return timeout_error(detail=detail)
            if kind == "connection":
                return connection_error(detail=detail)
            return _no_media(detail)

    for item in chain:
        if isinstance(item, ExtractorError) and item.expected:
            # yt-dlp marks errors it has words for as "expected": private, removed, members
            # only… Retrying will not change them.
            message = _clean_ytdlp_message(str(item.orig_msg or item.msg or ""))
            return PermanentError(
                msg("download.refused_because", reason=message) if message
                else msg("download.refused"),
                hint=msg("hint.check_in_browser"),
                detail=detail,
            )
    return TransientError(msg("download.unknown"), hint=msg("hint.unknown"), detail=detail)


def _no_media(detail: str) -> PermanentError:
    return PermanentError(msg("download.no_media"), hint=msg("hint.single_episode"),
                          detail=detail)


def _clean_ytdlp_message(message: str) -> str:
    message = re.sub(r"^(ERROR:\s*)?(\[[^\]]+\]\s*)?([\w-]+:\s+)?", "", message.strip())
    message = message.split(";", 1)[0].strip().rstrip(".")
    return message[:200]


def _detail(exc: BaseException) -> str:
    parts = [f"{type(item).__name__}: {item}" for item in _chain(exc)]
    return " <- ".join(dict.fromkeys(parts))[:4000]
