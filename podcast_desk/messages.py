"""Message keys + arguments for progress, log lines and errors; their English rendering.

The engine never hands a face a finished sentence to show. It hands a :class:`Message`: a
key from :data:`CATALOG` and its arguments. Each face renders it in its language: the CLI
and the origin-shaped JSON in English (:meth:`Message.english`), the window with Qt's
``tr()`` from the same English template (``gui/messages.py``). Nothing parses a sentence
back. The technical detail of a failure is not a message: it is plain text for the log.

Templates use ``str.format`` fields with an optional spec naming how the face renders the
argument: ``{at:clock}`` (seconds → ``m:ss``), ``{bytes:size}`` (bytes → ``19.4 MB``),
``{seconds:duration}`` (seconds → ``12 minutes``), ``{code:language}`` (``zh`` → Chinese).
``{what:message}`` (the argument is a key of its own, rendered in the same language).
A :class:`Plural` entry is counted by its ``n`` argument: ``%n`` stands for it, as in Qt.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

from podcast_desk import text
from podcast_desk.catalog import CATALOG, PLAIN, Plural

Arg: TypeAlias = "str | int | float | bool | Message | None"


@dataclass(frozen=True, slots=True)
class Message:
    """A message key and its arguments: what to say, not yet said in any language."""

    key: str
    args: tuple[tuple[str, Arg], ...] = ()

    @property
    def kwargs(self) -> dict[str, Arg]:
        """The arguments as a dict."""
        return dict(self.args)

    def english(self) -> str:
        """The message rendered in English (the CLI, the JSON API, the stored text)."""
        return render(english_template(self), self.kwargs).strip()

    def to_json(self) -> dict[str, Any]:
        """``{"key": …, "args": {…}}`` for storing beside the English text."""
        return {"key": self.key, "args": {k: v.to_json() if isinstance(v, Message) else v
                                          for k, v in self.args}}

    @classmethod
    def from_json(cls, data: object) -> Message | None:
        """Read back :meth:`to_json`; None for anything else (an older row, damage)."""
        if not isinstance(data, Mapping) or not isinstance(data.get("key"), str):
            return None
        args = data.get("args")
        if not isinstance(args, Mapping):
            args = {}
        clean: list[tuple[str, Arg]] = []
        for k, v in args.items():
            if v is None or isinstance(v, str | int | float | bool):
                clean.append((str(k), v))
            elif isinstance(v, Mapping) and (nested := cls.from_json(v)) is not None:
                clean.append((str(k), nested))
        return cls(str(data["key"]), tuple(clean))

    def __str__(self) -> str:
        return self.english()


def msg(key: str, /, **args: Arg) -> Message:
    """A :class:`Message` for ``key``; an unknown key is a programming error (KeyError)."""
    if key not in CATALOG:
        raise KeyError(f"unknown message key {key!r}")
    return Message(key, tuple(args.items()))


def plain(text: str) -> Message:
    """A message that is only this text, in no language in particular.

    For handlers outside the app (tests, a plug-in task type) that have no catalog key;
    the app itself never uses it (a test checks), so every sentence it says can be
    translated.
    """
    return Message(PLAIN, (("text", text),))


def english_template(message: Message) -> str:
    """The English template of ``message``, the plural form chosen by its ``n``."""
    template = CATALOG.get(message.key)
    if template is None:  # a key from a newer version, read from the database
        return message.key
    if isinstance(template, Plural):
        n = message.kwargs.get("n")
        return template.one if n == 1 else template.other
    return template


def qt_source(key: str) -> str:
    """The source text Qt's ``tr()`` translates for ``key`` (a Plural's ``%n`` form)."""
    template = CATALOG[key]
    return template.source if isinstance(template, Plural) else template


def join(*messages: Message | None, render_one: Callable[[Message], str] | None = None) -> str:
    """Messages rendered (English unless ``render_one`` is given) and joined by spaces."""
    draw = render_one or Message.english
    return " ".join(part for m in messages if m is not None and (part := draw(m).strip()))


# -- language names (the English face; the window asks QLocale) -----------------------------

LANGUAGE_NAMES = {
    "en": "English", "zh": "Chinese", "yue": "Cantonese", "ja": "Japanese", "ko": "Korean",
    "es": "Spanish", "fr": "French", "de": "German", "it": "Italian", "pt": "Portuguese",
    "ru": "Russian", "nl": "Dutch", "pl": "Polish", "tr": "Turkish", "ar": "Arabic",
    "hi": "Hindi", "vi": "Vietnamese", "th": "Thai", "id": "Indonesian", "ms": "Malay",
    "uk": "Ukrainian", "sv": "Swedish", "fi": "Finnish", "da": "Danish", "no": "Norwegian",
    "cs": "Czech", "el": "Greek", "he": "Hebrew", "fa": "Persian", "hu": "Hungarian",
    "ro": "Romanian", "bg": "Bulgarian", "ca": "Catalan", "ta": "Tamil", "ur": "Urdu",
}  # fmt: skip


def language_name(code: str) -> str:
    """An English name for a language code (``zh`` → Chinese), or the code itself."""
    base = code.strip().lower().replace("_", "-").split("-", 1)[0]
    return LANGUAGE_NAMES.get(base, code or "unknown")


# -- rendering ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Style:
    """How a face renders typed arguments (the window passes its own language's words)."""

    language: Callable[[str], str] = language_name
    duration: Callable[[float], str] = text.duration_words
    message: Callable[[str], str] = lambda key: english_template(Message(key))
    nested: Callable[[Message], str] = lambda m: m.english()


_ENGLISH = Style()


class _Formatter(string.Formatter):
    def __init__(self, style: Style) -> None:
        super().__init__()
        self.style = style

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "clock":
            return text.clock(_number(value))
        if format_spec == "size":
            return text.size(_number(value))
        if format_spec == "duration":
            return self.style.duration(_number(value))
        if format_spec == "language":
            return self.style.language(str(value or ""))
        if format_spec == "message":  # the argument is itself a key: "what.feed"
            return self.style.message(str(value or ""))
        if isinstance(value, Message):  # a message inside a message: the same face renders it
            return self.style.nested(value)
        if format_spec == "":
            return "" if value is None else str(value)
        return str(super().format_field(value, format_spec))

    def get_value(self, key: int | str, args: Any, kwargs: Mapping[str, Any]) -> Any:
        return kwargs.get(str(key), "")  # a missing argument renders empty, never raises


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def render(template: str, args: Mapping[str, Arg], style: Style = _ENGLISH) -> str:
    """Fill ``template``'s fields (and Qt's ``%n``) from ``args``, rendered per ``style``."""
    if "%n" in template:
        template = template.replace("%n", str(args.get("n", "")))
    try:
        return _Formatter(style).vformat(template, (), args)
    except (ValueError, IndexError):  # a damaged translation: show the template as it is
        return template


_FIELD = re.compile(r"\{([a-z_]+)(?::([a-z]+))?\}")


def fields_of(template: str) -> set[str]:
    """The ``{name}``/``{name:spec}`` fields of a template (``%n`` counts as ``n``)."""
    found = {f"{m[1]}:{m[2]}" if m[2] else m[1] for m in _FIELD.finditer(template)}
    if "%n" in template:
        found.add("%n")
    return found


# -- the catalog ------------------------------------------------------------------------------

def check_catalog() -> list[str]:
    """Problems in the catalog (tests call it): a Plural without ``%n`` or mismatched fields."""
    problems = []
    for key, template in CATALOG.items():
        if isinstance(template, Plural):
            if "%n" not in template.source:
                problems.append(f"{key}: plural without %n")
            if not (fields_of(template.source) == fields_of(template.one)
                    == fields_of(template.other)):
                problems.append(f"{key}: the plural forms name different fields")
    return problems
