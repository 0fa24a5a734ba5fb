"""The text helpers: clock, size, CJK, and text made safe for terminals and plain views."""

from __future__ import annotations

import math

import pytest

from podcast_desk import text


@pytest.mark.parametrize(("seconds", "shown"), [
    (None, "0:00"), (-5, "0:00"), (0.999, "0:00"), (59.9, "0:59"), (61, "1:01"),
    (3599, "59:59"), (3600, "1:00:00"), (3723.5, "1:02:03"), (math.nan, "0:00"),
    (math.inf, "0:00"),
])
def test_clock(seconds: float | None, shown: str) -> None:
    assert text.clock(seconds) == shown


def test_clock_padded_for_prompts() -> None:
    assert text.clock_padded(65) == "01:05"
    assert text.clock_padded(3725) == "1:02:05"


@pytest.mark.parametrize(("n", "shown"), [
    (0, "0 B"), (512, "512 B"), (3500, "3.4 KB"), (20_342_374, "19.4 MB"),
    (2 * 1024**3, "2 GB"), (1024**4, "1024 GB"),
])
def test_size(n: int, shown: str) -> None:
    assert text.size(n) == shown


def test_cjk_detection_and_joining() -> None:
    assert text.is_cjk_text("我们今天聊一聊喝茶。Tea is good.")
    assert not text.is_cjk_text("Tea is good, 茶.")
    assert text.join_words("喝茶", "很好") == "喝茶很好"
    assert text.join_words("Tea", "time") == "Tea time"
    assert text.join_words("好。", "Then") == "好。Then"


def test_terminal_escapes_are_removed_and_text_kept() -> None:
    hostile = ("Ep 1\x1b]0;pwned\x07 \x1b]52;c;cm0gLXJmIH4=\x07\x1b[31mred\x1b[0m"
               "\x9b2J \u202eevil\x00 tab\there\nnext")
    clean = text.terminal_safe(hostile)
    assert "\x1b" not in clean and "\x07" not in clean and "\x9b" not in clean
    assert "\u202e" not in clean and "\x00" not in clean
    assert clean == "Ep 1 red evil tab\there\nnext"
    assert text.one_line(hostile) == "Ep 1 red evil tab here next"


def test_markup_is_stripped_after_entities_are_decoded() -> None:
    assert text.strip_markup("<b>Bold</b> &amp; <i>fine</i>") == "Bold & fine"
    # an escaped tag in a transcript does not survive as a tag
    assert text.strip_markup("Hi &lt;img src=/x.png&gt; there") == "Hi there"
    assert text.strip_markup("a\n\n  <p>b</p>") == "a\nb"


def test_elide() -> None:
    assert text.elide("short", 10) == "short"
    assert text.elide("x" * 100, 10) == "x" * 9 + "…"
