"""Classify and validate a SOURCE (web link or local file) without touching the network."""

from __future__ import annotations

import enum
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import SplitResult, urlsplit, urlunsplit

from podcast_desk.messages import Message, join, msg

__all__ = ["MAX_URL_BYTES", "InvalidSource", "Source", "SourceKind", "parse_source"]

#: Longest link accepted; real episode links are far shorter, and servers refuse ~8 KB anyway.
MAX_URL_BYTES = 8 * 1024

# Podcast apps' "subscribe" schemes; they mean the same resource over https.
_FEED_SCHEMES = frozenset({"feed", "itpc", "pcast", "podcast", "podcasts"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_QUOTES = {'"': '"', "'": "'", "“": "”", "‘": "’", "«": "»", "<": ">"}
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_HOST_PORT = re.compile(r"^[^/:?#\s]+:\d{1,5}(?:[/?#]|$)")  # "localhost:8000/ep.mp3"
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_LABEL = re.compile(r"^(?!-)[\w-]{1,63}(?<!-)$", re.UNICODE)
_IPV4 = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
# A bare "name.ext" with one of these endings is a file name, never a host name.
_FILE_ENDINGS = frozenset(
    {
        *("mp3", "m4a", "m4b", "aac", "wav", "flac", "ogg", "oga", "opus", "wma", "aif", "aiff"),
        *("mp4", "m4v", "mov", "mkv", "webm", "avi"),
        *("txt", "md", "json", "xml", "rss", "html", "htm", "pdf", "srt", "vtt"),
    }
)


class InvalidSource(ValueError):
    """The source cannot be used; ``message`` says why and ``hint`` what to do (Messages)."""

    def __init__(self, message: Message, *, hint: Message | None = None) -> None:
        super().__init__(message.key)
        self.message = message
        self.hint = hint

    @property
    def human(self) -> str:
        """Message plus hint in English (the CLI); the window renders the Messages."""
        return join(self.message, self.hint)

    def __str__(self) -> str:
        return self.human


class SourceKind(enum.Enum):
    """What kind of thing a source is, as far as can be told without the network."""

    LOCAL_FILE = "local_file"
    URL = "url"  # page, video, feed or direct audio: decided when it is resolved


@dataclass(frozen=True, slots=True)
class Source:
    """A validated source: ``url`` is set for URL, ``path`` (absolute) for LOCAL_FILE."""

    kind: SourceKind
    text: str
    url: str | None = None
    path: Path | None = None


def parse_source(text: str) -> Source:
    """Classify ``text`` as a web link or a local file, or raise :class:`InvalidSource`.

    Surrounding whitespace and quotes are ignored. ``http``/``https`` links are checked (a host,
    no spaces or control characters, at most 8 KB) and normalised (lower-case scheme and host,
    no default port, ``/`` for an empty path). Podcast-app schemes (``feed:``, ``itpc:``,
    ``pcast:``, ``podcast:``) become ``https``. ``file:`` links and plain paths (absolute,
    relative to the working directory, or starting with ``~``) must name an existing regular
    file. A bare ``example.com/ep.mp3`` that is not an existing path is taken as ``https``.
    Never touches the network and imports nothing heavy.
    """
    if text and text.strip(" \t\r\n\"'") != text and _exists(text):
        return _local_file(text, text)  # a file whose name starts or ends with blanks
    cleaned = _strip_quotes(text.strip())
    if not cleaned:
        raise InvalidSource(msg("source.empty"), hint=msg("hint.source_empty"))
    if len(cleaned.encode("utf-8", "surrogatepass")) > MAX_URL_BYTES:
        raise InvalidSource(msg("source.too_long"), hint=msg("hint.copy_again"))
    if _CONTROL.search(cleaned):
        if _exists(cleaned):  # a file name may hold a tab or a newline: it is still a file
            return _local_file(cleaned, text)
        raise InvalidSource(msg("source.control_chars"), hint=msg("hint.copy_again"))

    if cleaned.startswith(("/", "~", "./", "../", ".\\", "..\\", "\\\\")) or _WINDOWS_DRIVE.match(
        cleaned
    ):
        return _local_file(cleaned, text)

    scheme_match = _SCHEME.match(cleaned)
    if scheme_match and not _HOST_PORT.match(cleaned):
        scheme = scheme_match.group(1).lower()
        if scheme in ("http", "https"):
            return Source(SourceKind.URL, text, url=_checked_url(cleaned))
        if scheme == "file":
            return _local_file(_file_url_path(cleaned), text)
        if scheme in _FEED_SCHEMES:
            rest = cleaned[len(scheme) + 1 :]
            if re.match(r"^https?:", rest, re.I):
                return Source(SourceKind.URL, text, url=_checked_url(rest))
            return Source(SourceKind.URL, text, url=_checked_url("https:" + rest))
        raise InvalidSource(msg("source.scheme", scheme=scheme), hint=msg("hint.scheme"))

    if _exists(cleaned):
        return _local_file(cleaned, text)
    if _looks_like_bare_host(cleaned):
        return Source(SourceKind.URL, text, url=_checked_url("https://" + cleaned))
    if not _looks_like_path(cleaned):
        raise InvalidSource(msg("source.not_text_link", text=cleaned[:80]),
                            hint=msg("hint.not_text_link"))
    return _local_file(cleaned, text)


def _looks_like_path(value: str) -> bool:
    """Something a person meant as a file: a folder separator or a file-type ending."""
    if "/" in value or "\\" in value or os.sep in value:
        return True
    ending = value.rsplit(".", 1)[-1].lower() if "." in value else ""
    return ending in _FILE_ENDINGS


def _strip_quotes(value: str) -> str:
    while len(value) >= 2 and _QUOTES.get(value[0]) == value[-1]:
        value = value[1:-1].strip()
    return value


def _exists(value: str) -> bool:
    try:
        return Path(os.path.expanduser(value)).exists()
    except (OSError, ValueError):
        return False


def _looks_like_bare_host(value: str) -> bool:
    """True for "example.com/ep.mp3" or "localhost:8000/x"; False for "notes.mp3", "hello"."""
    if any(ch.isspace() for ch in value) or "\\" in value:
        return False
    hostport = re.split(r"[/?#]", value, maxsplit=1)[0]
    host = hostport.rsplit(":", 1)[0] if _HOST_PORT.match(value) else hostport
    if "@" in host:
        return False  # "name@example.com" is an e-mail address, not a link
    host = host.lower().rstrip(".")
    if host == "localhost" or _IPV4.match(host):
        return True
    labels = host.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return False
    tld = labels[-1]
    if not (tld.isalpha() and len(tld) >= 2) and not tld.startswith("xn--"):
        return False
    # "episode.mp3" alone is a (missing) file name, not the host "episode.mp3".
    return not (hostport == value and tld in _FILE_ENDINGS)


def _checked_url(value: str) -> str:
    if any(ch.isspace() for ch in value):
        raise InvalidSource(msg("source.spaces"), hint=msg("hint.spaces"))
    try:
        parts = urlsplit(value)
        host = parts.hostname
        port = parts.port
    except ValueError as exc:
        raise InvalidSource(msg("source.invalid"), hint=msg("hint.copy_again")) from exc
    if not host:
        raise InvalidSource(msg("source.no_host"), hint=msg("hint.no_host"))
    is_ipv6 = ":" in host
    if not is_ipv6 and not all(_LABEL.match(label) for label in host.rstrip(".").split(".")):
        raise InvalidSource(msg("source.bad_host", host=host), hint=msg("hint.check_typing"))
    return _normalised(parts, host, port)


def _normalised(parts: SplitResult, host: str, port: int | None) -> str:
    scheme = parts.scheme.lower()
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        netloc += f":{port}"
    if "@" in parts.netloc:
        netloc = parts.netloc.rsplit("@", 1)[0] + "@" + netloc
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, parts.fragment))


def _file_url_path(value: str) -> str:
    parts = urlsplit(value)
    if parts.netloc not in ("", "localhost"):
        raise InvalidSource(msg("source.remote_file", host=parts.netloc),
                            hint=msg("hint.remote_file"))
    if not parts.path:
        raise InvalidSource(msg("source.file_link_empty"), hint=msg("hint.pick_file"))
    from urllib.request import url2pathname  # imports http.client, ssl…: only when needed

    return url2pathname(parts.path)


def _local_file(value: str, text: str) -> Source:
    expanded = os.path.expanduser(value)
    if (
        not os.path.exists(expanded)
        and "\\ " in expanded
        and os.sep == "/"
        and os.path.exists(expanded.replace("\\ ", " "))
    ):
        expanded = expanded.replace("\\ ", " ")  # a path pasted from a shell, spaces escaped
    path = Path(os.path.abspath(expanded))
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise InvalidSource(msg("source.no_file", path=str(path)),
                            hint=msg("hint.no_file")) from None
    except (OSError, ValueError) as exc:
        raise InvalidSource(msg("source.file_unopenable", path=str(path),
                                reason=exc.__class__.__name__),
                            hint=msg("hint.file_permissions")) from None
    if stat.S_ISDIR(mode):
        raise InvalidSource(msg("source.folder", path=str(path)), hint=msg("hint.pick_inside"))
    if not stat.S_ISREG(mode):
        raise InvalidSource(msg("source.not_regular", path=str(path)),
                            hint=msg("hint.pick_audio"))
    if not os.access(path, os.R_OK):
        raise InvalidSource(msg("source.unreadable", path=str(path)),
                            hint=msg("hint.permissions"))
    return Source(SourceKind.LOCAL_FILE, text, path=path)
