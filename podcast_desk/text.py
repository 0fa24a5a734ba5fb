"""Clock, size, CJK ranges and plain-text cleaning: one home for each (no Qt, no imports)."""

from __future__ import annotations

import html
import math
import re
import unicodedata

# -- times and sizes ----------------------------------------------------------------------


def clock(seconds: float | None) -> str:
    """Seconds as ``m:ss``, or ``h:mm:ss`` from an hour on (None and negatives count as 0).

    Seconds are truncated, not rounded, so a position never shows a second it has not
    reached yet (0:59.9 is "0:59").
    """
    value = float(seconds or 0.0)
    total = int(value) if math.isfinite(value) and value > 0 else 0
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def clock_padded(seconds: float | None) -> str:
    """Like :func:`clock` but minutes always have two digits (``03:07``), for LLM prompts."""
    text = clock(seconds)
    return text if text.count(":") == 2 or len(text) == 5 else "0" + text


def size(n: float | None) -> str:
    """Bytes as a short human size: ``512 B``, ``3.4 KB``, ``19.4 MB``, ``2 GB``."""
    value = float(n or 0.0)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            number = f"{value:.0f}" if unit == "B" else f"{value:.1f}".removesuffix(".0")
            return f"{number} {unit}"
        value /= 1024
    return f"{value:.1f} GB"  # pragma: no cover (the loop always returns)


def duration_words(seconds: float) -> str:
    """A rough English duration: ``45 seconds``, ``12 minutes``, ``1.5 hours``."""
    if seconds < 90:
        n = max(1, round(seconds))
        return f"{n} second" if n == 1 else f"{n} seconds"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} minutes"
    return f"{seconds / 3600:.1f} hours"


# -- CJK ----------------------------------------------------------------------------------

# Han (with extensions and compatibility ideographs) and kana: the scripts written without
# spaces between words. Punctuation is separate (CJK_PUNCTUATION).
CJK_LETTERS = (
    "\u3040-\u309f\u30a0-\u30ff"  # hiragana, katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # Han: extension A, unified, compatibility
    "\U00020000-\U0002ffff"  # Han: extensions B-F and supplements
)
# CJK symbols and punctuation, full-width forms: also written without spaces around them.
CJK_PUNCTUATION = "\u3000-\u303f\uff00-\uffef"
CJK_LETTER = re.compile(f"[{CJK_LETTERS}]")
CJK_CHAR = re.compile(f"[{CJK_LETTERS}{CJK_PUNCTUATION}]")
_LETTER = re.compile(r"[^\W\d_]")


def cjk_share(text: str, sample: int = 20000) -> float:
    """The share of letters in (the first ``sample`` characters of) ``text`` that are CJK."""
    letters = _LETTER.findall(text[:sample])
    if not letters:
        return 0.0
    return sum(1 for ch in letters if CJK_LETTER.match(ch)) / len(letters)


def is_cjk_text(text: str) -> bool:
    """True when more than 30 % of the letters in ``text`` are Chinese or Japanese characters."""
    return cjk_share(text) > 0.3


def join_words(left: str, right: str) -> str:
    """Join two pieces of text with a space, unless the seam is between CJK characters."""
    if not left:
        return right
    if not right:
        return left
    if CJK_CHAR.match(left[-1]) or CJK_CHAR.match(right[0]):
        return left + right
    return f"{left} {right}"


# -- plain text ---------------------------------------------------------------------------

# C0 and C1 control characters except tab and newline, DEL, and the bidirectional
# overrides/isolates that can make a line read differently from what it contains.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# A terminal escape sequence: CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \), other ESC X.
_ESCAPE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC, terminated or not
    r"|\x1b[P^_][^\x1b]*(?:\x1b\\)?"  # DCS, PM, APC
    r"|\x1b[@-Z\\-_]?"  # two-character escapes (and a lone ESC)
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    r"|\x9d[^\x07\x9c]*(?:\x07|\x9c)?"  # 8-bit OSC
)
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"[ \t\u00a0]+")


def terminal_safe(text: str) -> str:
    """``text`` with terminal escape sequences and control characters removed.

    For everything the CLI prints to a terminal: a page title can carry ANSI colours, OSC 0
    (set the window title) or OSC 52 (write the clipboard). Tabs and newlines stay.
    """
    return _CONTROL.sub("", _ESCAPE.sub("", text))


def one_line(text: str) -> str:
    """``text`` on one line: control characters gone, runs of whitespace made one space."""
    return " ".join(terminal_safe(text).split())


def strip_markup(text: str) -> str:
    """Plain text from an HTML/XML fragment: entities decoded, then tags removed.

    Entities are decoded *first*, so ``&lt;img src=…&gt;`` in a transcript is removed like
    ``<img src=…>`` instead of surviving as a tag in the text; then control characters are
    dropped and spaces folded (newlines are kept). What comes out is still shown as plain
    text everywhere; this only keeps markup out of the words.
    """
    decoded = _TAG.sub(" ", html.unescape(text))
    lines = [_SPACES.sub(" ", line).strip() for line in terminal_safe(decoded).splitlines()]
    return "\n".join(line for line in lines if line)


def elide(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, ending in "…" when it was cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)].rstrip() + "…"


def normalize(text: str) -> str:
    """NFKC-normalized text (full-width Latin to ASCII, compatibility forms folded)."""
    return unicodedata.normalize("NFKC", text)
