"""Messages: keys, arguments, English rendering, the catalog's own consistency."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from podcast_desk import catalog
from podcast_desk.messages import (
    CATALOG,
    PLAIN,
    Message,
    Plural,
    Style,
    check_catalog,
    fields_of,
    msg,
    plain,
)
from tests.conftest import REPO


def test_a_message_renders_its_typed_arguments_in_english() -> None:
    assert msg("progress.transcribing", done=125.9, total=3725.0).english() == (
        "Transcribing 2:05 / 1:02:05")
    assert msg("progress.downloading_of", done=20_342_374, total=41_625_395).english() == (
        "Downloading 19.4 MB of 39.7 MB")
    assert msg("http.not_found", what="what.feed", status=410).english() == (
        "The server said the feed does not exist (HTTP 410).")
    assert msg("model.english_only_heard", language="zh").english().startswith(
        "The speech is in Chinese,")


def test_plurals_choose_the_english_form_by_n() -> None:
    assert msg("log.queued_more", n=1).english() == "Queued 1 more episode of this feed."
    assert msg("log.queued_more", n=4).english() == "Queued 4 more episodes of this feed."
    assert "(s)" not in msg("feeds.queued", n=2).english()


def test_a_message_inside_a_message_is_rendered_by_the_same_style() -> None:
    inner = msg("summary.ollama_down", host="http://h")
    outer = msg("log.summary_fallback", reason=inner, hint=None)
    assert outer.english() == "Ollama is not running at http://h. Used the offline summary instead."
    shout = Style(nested=lambda m: m.english().upper())
    from podcast_desk.messages import english_template, render

    assert render(english_template(outer), outer.kwargs, shout).startswith("OLLAMA IS NOT")


def test_json_round_trip_keeps_key_arguments_and_nesting() -> None:
    message = msg("log.publisher_failed", reason=msg("http.not_found", what="what.transcript",
                                                     status=404))
    again = Message.from_json(message.to_json())
    assert again == message
    assert again is not None and again.english() == message.english()


@pytest.mark.parametrize("raw", [None, "x", 3, {"args": {}}, {"key": 5}, []])
def test_from_json_refuses_what_is_not_a_message(raw: object) -> None:
    assert Message.from_json(raw) is None


def test_an_unknown_key_is_a_programming_error_but_a_stored_one_renders() -> None:
    with pytest.raises(KeyError):
        msg("no.such.key")
    assert Message("from.a.newer.version").english() == "from.a.newer.version"


def test_a_missing_argument_renders_empty_and_never_raises() -> None:
    assert msg("source.no_file").english() == "There is no file at ."


def test_catalog_is_consistent() -> None:
    assert check_catalog() == []
    keys = [k for area in catalog.AREAS for k in area.MESSAGES]
    assert len(keys) == len(set(keys)), "a key is defined in two areas"
    assert set(keys) | {PLAIN} == set(CATALOG)
    for key, template in CATALOG.items():
        text = template.source if isinstance(template, Plural) else template
        assert text.strip() == text and text, key
        for field in fields_of(text):
            spec = field.partition(":")[2]
            assert spec in ("", "clock", "size", "duration", "language", "message", "n"), key


def test_the_app_never_uses_plain_text_messages() -> None:
    """Every sentence the app itself says has a key, so the window can translate it."""
    defining = {"podcast_desk/messages.py", "podcast_desk/catalog/__init__.py",
                "podcast_desk/gui/message_catalog.py"}
    offenders = []
    for path in (REPO / "podcast_desk").rglob("*.py"):
        name = str(path.relative_to(REPO))
        text = path.read_text(encoding="utf-8")
        if name not in defining and (re.search(r"\bplain\(", text) or "text.plain" in text):
            offenders.append(name)
    assert offenders == []


def test_plain_is_just_its_text() -> None:
    assert plain("Hello, <b>world</b>").english() == "Hello, <b>world</b>"


def test_the_gui_catalog_for_lupdate_is_up_to_date() -> None:
    import subprocess
    import sys

    result = subprocess.run([sys.executable, str(REPO / "scripts" / "gen_message_catalog.py"),
                             "--check"], capture_output=True, timeout=60)
    assert result.returncode == 0, "run scripts/gen_message_catalog.py"
    assert Path(REPO / "podcast_desk" / "gui" / "message_catalog.py").is_file()
