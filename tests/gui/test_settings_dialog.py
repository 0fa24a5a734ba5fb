"""The settings dialog: it edits every setting, saves on OK only, and lists Ollama's models."""

from __future__ import annotations

import dataclasses
import socket
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from podcast_desk.app import Core
from podcast_desk.config import Settings, load_settings, save_settings
from podcast_desk.gui.settings_dialog import (
    OllamaState,
    SettingsDialog,
    list_ollama_models,
    normalized_host,
)
from tests.support.ollama_stub import OllamaStub

WAIT = 10_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def open_dialog(qtbot: Any, core: Core) -> SettingsDialog:
    dialog = SettingsDialog(core)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.ollama_state is not OllamaState.CHECKING, timeout=WAIT)
    return dialog


def ok_button(dialog: SettingsDialog) -> Any:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_shows_the_current_settings(qtbot: Any, core: Core) -> None:
    core.update_settings(beam_size=1, save=False)
    core.update_settings(concurrency=2, save=False)
    core.update_settings(ui_language="zh_CN", save=False)
    dialog = open_dialog(qtbot, core)
    assert dialog.model_combo.currentText() == "Bundled offline English (tiny.en)"
    assert dialog.quality_combo.currentText() == "Fast"
    assert dialog.threads_spin.text() == "Automatic (all cores)"
    assert dialog.language_combo.currentText() == "Detect automatically"
    assert dialog.concurrency_spin.value() == 2
    assert dialog.ui_language_combo.currentText() == "简体中文"
    assert dialog.folder_edit.text() == str(core.paths.root)
    assert dialog.folder_edit.isReadOnly()
    assert dialog.settings() == core.settings  # showing changes nothing


def test_ok_saves_every_edited_value(qtbot: Any, core: Core) -> None:
    dialog = open_dialog(qtbot, core)
    dialog.model_combo.setCurrentIndex(dialog.model_combo.findData("small"))
    assert "Downloaded once" in dialog.model_note.text()
    dialog.quality_combo.setCurrentIndex(dialog.quality_combo.findData(8))
    dialog.threads_spin.setValue(3)
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("zh"))
    dialog.engine_combo.setCurrentIndex(dialog.engine_combo.findData("ollama"))
    dialog.host_edit.setText("localhost:11500")
    dialog.ollama_model_combo.setEditText("qwen2.5:7b")
    dialog.concurrency_spin.setValue(2)
    dialog.attempts_spin.setValue(7)
    dialog.keep_audio_check.setChecked(False)
    dialog.start_minimized_check.setChecked(True)
    dialog.ui_language_combo.setCurrentIndex(dialog.ui_language_combo.findData("zh_CN"))
    with qtbot.waitSignal(dialog.settings_saved, timeout=WAIT):
        ok_button(dialog).click()

    saved, warning = load_settings(core.paths.settings)
    assert warning is None
    expected = dataclasses.replace(
        Settings(), model="small", beam_size=8, cpu_threads=3, language="zh",
        summary_engine="ollama", ollama_host="http://localhost:11500", ollama_model="qwen2.5:7b",
        concurrency=2, max_attempts=7, keep_audio=False, start_minimized=True,
        ui_language="zh_CN",
    )  # fmt: skip
    assert saved == expected
    assert core.settings == expected  # updated in place: the pipeline sees it
    assert core.queue.max_attempts == 7


def test_publisher_transcripts_and_feed_checks_persist(qtbot: Any, core: Core) -> None:
    dialog = open_dialog(qtbot, core)
    assert dialog.publisher_check.isChecked()  # on by default
    assert dialog.publisher_check.text() == (
        "Use the publisher's transcript when the feed has one")
    assert dialog.feed_check_spin.value() == 60
    assert dialog.feed_check_spin.text() == "Check every 60 minutes"
    dialog.publisher_check.setChecked(False)
    dialog.feed_check_spin.setValue(15)
    with qtbot.waitSignal(dialog.settings_saved, timeout=WAIT):
        ok_button(dialog).click()
    saved, _ = load_settings(core.paths.settings)
    assert saved.use_publisher_transcripts is False
    assert saved.feed_check_minutes == 15.0
    assert core.settings.feed_check_minutes == 15.0
    again = open_dialog(qtbot, core)
    assert not again.publisher_check.isChecked()
    assert again.feed_check_spin.value() == 15
    # a value the spin box cannot show exactly is kept unless it is edited
    core.update_settings(feed_check_minutes=0.5, save=False)
    odd = open_dialog(qtbot, core)
    assert odd.feed_check_spin.value() == 1
    assert odd.settings().feed_check_minutes == 0.5
    odd.feed_check_spin.setValue(2)
    assert odd.settings().feed_check_minutes == 2.0


def test_cancel_leaves_the_file_and_the_settings_alone(qtbot: Any, core: Core) -> None:
    save_settings(core.paths.settings, core.settings)
    before = core.paths.settings.read_bytes()
    snapshot = dataclasses.replace(core.settings)
    dialog = open_dialog(qtbot, core)
    dialog.threads_spin.setValue(5)
    dialog.keep_audio_check.setChecked(False)
    dialog.model_combo.setCurrentIndex(dialog.model_combo.findData("base"))
    with qtbot.assertNotEmitted(dialog.settings_saved):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert core.paths.settings.read_bytes() == before
    assert core.settings == snapshot


def test_cancel_without_a_settings_file_creates_none(qtbot: Any, core: Core) -> None:
    dialog = open_dialog(qtbot, core)
    dialog.reject()
    assert not core.paths.settings.exists()


def test_invalid_address_blocks_ok(qtbot: Any, core: Core) -> None:
    dialog = open_dialog(qtbot, core)
    dialog.host_edit.setText("ftp://nowhere")
    assert not ok_button(dialog).isEnabled()
    assert "must look like" in dialog.host_error.text()
    dialog.host_edit.setText("http://127.0.0.1:99999")  # port out of range
    assert not ok_button(dialog).isEnabled()
    dialog.host_edit.setText("127.0.0.1:11434")
    assert ok_button(dialog).isEnabled()
    dialog.ollama_model_combo.setEditText("  ")
    assert not ok_button(dialog).isEnabled()
    dialog.accept()  # refused while invalid
    assert not core.paths.settings.exists()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("http://127.0.0.1:11434", "http://127.0.0.1:11434"),
        ("127.0.0.1:11434/", "http://127.0.0.1:11434"),
        ("https://ollama.example.org", "https://ollama.example.org"),
        ("", None),
        ("http://", None),
        ("ftp://host", None),
        ("http://host:port", None),
        ("http://a b", None),
    ],
)
def test_normalized_host(typed: str, expected: str | None) -> None:
    assert normalized_host(typed) == expected


def test_lists_the_models_of_a_running_ollama(qtbot: Any, core: Core) -> None:
    with OllamaStub(models=["llama3.2:latest", "qwen2.5:7b"]) as stub:
        core.update_settings(ollama_host=stub.url, save=False)
        dialog = SettingsDialog(core)
        qtbot.addWidget(dialog)
        with qtbot.waitSignal(dialog.ollama_checked, timeout=WAIT) as checked:
            pass
        assert checked.args == ["running"]
        assert [r.path for r in stub.requests] == ["/api/tags"]
    combo = dialog.ollama_model_combo
    assert [combo.itemText(i) for i in range(combo.count())] == ["llama3.2:latest", "qwen2.5:7b"]
    assert combo.currentText() == "llama3.2"  # what was set stays, and it is on the server
    assert "running at" in dialog.ollama_status.text()
    assert "2 model" in dialog.ollama_status.text()
    assert "ollama pull" not in dialog.ollama_status.text()
    combo.setCurrentIndex(1)
    assert dialog.settings().ollama_model == "qwen2.5:7b"


def test_a_model_the_server_lacks_is_pointed_out(qtbot: Any, core: Core) -> None:
    with OllamaStub(mode="model_missing") as stub:
        core.update_settings(ollama_host=stub.url, save=False)
        dialog = SettingsDialog(core)
        qtbot.addWidget(dialog)
        with qtbot.waitSignal(dialog.ollama_checked, timeout=WAIT):
            pass
    assert "ollama pull llama3.2" in dialog.ollama_status.text()


def test_not_running_state_and_refresh(qtbot: Any, core: Core) -> None:
    port = free_port()
    core.update_settings(ollama_host=f"http://127.0.0.1:{port}", save=False)
    dialog = SettingsDialog(core)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.ollama_checked, timeout=WAIT) as checked:
        pass
    assert checked.args == ["not_running"]
    assert dialog.ollama_status.text().startswith(
        f"Ollama is not running at http://127.0.0.1:{port}.")
    assert dialog.ollama_model_combo.count() == 0
    assert ok_button(dialog).isEnabled()  # not running is not an error: offline summaries
    # Ollama starts later on that port; Refresh finds it.
    with OllamaStub() as stub:
        dialog.host_edit.setText(stub.url)
        with qtbot.waitSignal(dialog.ollama_checked, timeout=WAIT) as checked:
            dialog.refresh_button.click()
        assert checked.args == ["running"]
    assert dialog.ollama_model_combo.itemText(0) == "llama3.2:latest"


def test_list_ollama_models_directly() -> None:
    with OllamaStub(models=["b:latest", "a:1b"]) as stub:
        listing = list_ollama_models(stub.url)
    assert listing.state is OllamaState.RUNNING
    assert listing.models == ("a:1b", "b:latest")
    assert list_ollama_models(f"http://127.0.0.1:{free_port()}").state is OllamaState.NOT_RUNNING


def test_offline_engine_disables_the_ollama_fields(qtbot: Any, core: Core) -> None:
    dialog = open_dialog(qtbot, core)
    dialog.engine_combo.setCurrentIndex(dialog.engine_combo.findData("offline"))
    assert not dialog.host_edit.isEnabled()
    assert not dialog.refresh_button.isEnabled()
    dialog.engine_combo.setCurrentIndex(dialog.engine_combo.findData("auto"))
    assert dialog.host_edit.isEnabled()


def test_choose_a_model_folder(
    qtbot: Any, core: Core, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warnings.append(args[2]))
    dialog = open_dialog(qtbot, core)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert not dialog.choose_model_folder(str(empty))
    assert dialog.model_spec() == "bundled"  # unchanged
    assert "does not hold a Whisper model" in warnings[0]
    model = tmp_path / "whisper-small-ct2"
    model.mkdir()
    (model / "model.bin").write_bytes(b"\0")
    (model / "config.json").write_text("{}")
    assert dialog.choose_model_folder(str(model))
    assert dialog.model_spec() == str(model)
    assert dialog.model_combo.currentText() == f"Folder: {model}"
    assert not dialog.choose_model_folder("")  # the folder dialog was cancelled
    assert dialog.model_spec() == str(model)
    with qtbot.waitSignal(dialog.settings_saved, timeout=WAIT):
        dialog.accept()
    assert load_settings(core.paths.settings)[0].model == str(model)


def test_bundled_model_warns_about_other_languages(qtbot: Any, core: Core) -> None:
    dialog = open_dialog(qtbot, core)
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("zh"))
    assert "only understands English" in dialog.language_note.text()
    dialog.model_combo.setCurrentIndex(dialog.model_combo.findData("medium"))
    assert dialog.language_note.text() == ""


def test_unlisted_values_are_kept(qtbot: Any, core: Core) -> None:
    core.update_settings(model="Systran/faster-whisper-small.en", save=False)
    core.update_settings(beam_size=3, save=False)
    dialog = open_dialog(qtbot, core)
    assert dialog.model_combo.currentText() == "Systran/faster-whisper-small.en"
    assert dialog.quality_combo.currentText() == "Custom (beam 3)"
    assert dialog.settings() == core.settings


def test_restore_defaults(qtbot: Any, core: Core) -> None:
    core.update_settings(concurrency=4, save=False)
    core.update_settings(keep_audio=False, save=False)
    dialog = open_dialog(qtbot, core)
    with qtbot.waitSignal(dialog.ollama_checked, timeout=WAIT):  # it looks at the default host
        dialog.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).click()
    assert dialog.concurrency_spin.value() == 1
    assert dialog.keep_audio_check.isChecked()
    assert dialog.settings().summary_engine == "auto"
