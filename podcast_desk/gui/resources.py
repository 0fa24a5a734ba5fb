"""Where the bundled resources (icons, translations) are on disk, and the app icon."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon

ENV_RESOURCES = "PODCAST_DESK_RESOURCES"
ICON_NAME = "podcast-desk"
ICON_SIZES = (16, 32, 48, 64, 128, 256)


def resources_dir() -> Path:
    """``$PODCAST_DESK_RESOURCES``, a frozen bundle's ``resources``, or the repository's."""
    env = os.environ.get(ENV_RESOURCES)
    if env:
        return Path(env)
    bundle = getattr(sys, "_MEIPASS", None)  # PyInstaller
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def icons_dir() -> Path:
    return resources_dir() / "icons"


def translations_dir() -> Path:
    return resources_dir() / "translations"


def app_icon() -> QIcon:
    """The application icon at every bundled size (an empty icon if the files are missing)."""
    from PySide6.QtGui import QIcon

    icon = QIcon()
    for size in ICON_SIZES:
        path = icons_dir() / f"{ICON_NAME}-{size}.png"
        if path.is_file():
            icon.addFile(str(path))
    svg = icons_dir() / f"{ICON_NAME}.svg"
    if icon.isNull() and svg.is_file():
        icon.addFile(str(svg))
    return icon
