"""Write podcast_desk/gui/message_catalog.py: the engine's message templates, for lupdate.

Run by scripts/update_translations before lupdate; tests/gui/test_messages.py checks that
the committed file matches podcast_desk.messages.CATALOG.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "podcast_desk" / "gui" / "message_catalog.py"

HEADER = '''"""The engine's message templates for lupdate (made by scripts/gen_message_catalog.py).

Never imported by the app: it exists so that lupdate finds every template of
``podcast_desk.messages.CATALOG`` in context ``Messages`` (plurals with ``%n``), and the
translators' .ts files hold them. ``gui/messages.py`` translates the same strings at run
time. Do not edit by hand; a test keeps it in step with the catalog.
"""

# ruff: noqa: E501

from __future__ import annotations

from PySide6.QtCore import QObject


class Messages(QObject):
    """Context ``Messages`` of the .ts files."""

    def _catalog(self, n: int) -> None:  # pragma: no cover - read by lupdate, never run
'''


def render() -> str:
    sys.path.insert(0, str(ROOT))
    from podcast_desk.messages import CATALOG, Plural

    lines = [HEADER]
    for key, template in CATALOG.items():
        if isinstance(template, Plural):
            lines.append(f"        self.tr({template.source!r}, \"\", n)  # {key}\n")
        else:
            lines.append(f"        self.tr({template!r})  # {key}\n")
    return "".join(lines)


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        return 0 if TARGET.read_text(encoding="utf-8") == text else 1
    TARGET.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
