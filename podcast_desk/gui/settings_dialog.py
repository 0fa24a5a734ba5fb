"""The settings dialog: speech model and quality, summaries (Ollama), queue, storage,
subscriptions, window."""

from __future__ import annotations

import dataclasses
import enum
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtCore import QEvent, QLocale, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from podcast_desk.app import Core
from podcast_desk.config import Settings
from podcast_desk.gui.episode_view import if_alive
from podcast_desk.gui.messages import tr_message
from podcast_desk.gui.worker import BackgroundCalls

BUNDLED = "bundled"
CHOOSE_FOLDER = "\x00choose-folder"
"""Item data of the "Choose folder…" entry (never a real model spec)."""

# faster-whisper model names offered by name; sizes are the one-time download (CTranslate2).
NAMED_MODELS: dict[str, tuple[str, bool]] = {
    "tiny": ("75 MB", True),
    "base": ("145 MB", True),
    "small": ("480 MB", True),
    "medium": ("1.5 GB", True),
    "large-v3": ("3.1 GB", True),
    "distil-large-v3": ("1.5 GB", False),
}
"""name → (download size, multilingual)."""

QUALITY_BEAMS = (1, 5, 8)
"""Beam sizes of the Fast, Balanced and Accurate presets."""

LANGUAGES = ("en", "zh", "es", "fr", "de", "it", "pt", "ru", "ja", "ko", "nl", "pl", "tr",
             "ar", "hi", "uk", "sv")  # fmt: skip

ENGINES = ("auto", "ollama", "offline")
UI_LANGUAGES = ("", "en", "zh_CN")
OLLAMA_TIMEOUT = 3.0
"""Seconds to wait for Ollama's model list: connecting to loopback fails at once."""


class OllamaState(enum.Enum):
    """What the last look at the Ollama server found."""

    UNKNOWN = "unknown"
    CHECKING = "checking"
    RUNNING = "running"
    NOT_RUNNING = "not_running"
    ERROR = "error"


@dataclass(frozen=True)
class OllamaListing:
    """The answer of one ``/api/tags`` call: the model names, or why there are none."""

    host: str
    state: OllamaState
    models: tuple[str, ...] = ()
    detail: str = ""


def list_ollama_models(host: str, timeout: float = OLLAMA_TIMEOUT) -> OllamaListing:
    """Ask the Ollama server at ``host`` for its models (blocking: call it on a worker)."""
    import httpx
    import ollama

    client = ollama.Client(host=host, timeout=timeout)
    try:
        listing = client.list()
    except (ConnectionError, httpx.ConnectError, httpx.ConnectTimeout) as exc:
        return OllamaListing(host, OllamaState.NOT_RUNNING, detail=str(exc))
    except httpx.TimeoutException:
        return OllamaListing(host, OllamaState.ERROR, detail=f"no answer within {timeout:g} s")
    except (ollama.ResponseError, httpx.HTTPError, ValueError) as exc:
        return OllamaListing(host, OllamaState.ERROR, detail=str(exc))
    finally:
        client.close()  # type: ignore[no-untyped-call]
    names = sorted({m.model for m in listing.models if m.model})
    return OllamaListing(host, OllamaState.RUNNING, tuple(names))


def normalized_host(text: str) -> str | None:
    """``http(s)://host[:port]`` from what was typed (the scheme defaults to http), or None
    when it is not an address."""
    text = text.strip()
    if not text:
        return None
    if "://" not in text:
        text = "http://" + text
    text = text.rstrip("/")
    try:
        parts = urlsplit(text)
        _ = parts.port  # raises ValueError for a bad port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if parts.query or parts.fragment or " " in text:
        return None
    return text


def full_model_name(name: str) -> str:
    """Ollama's model names default their tag to ``latest``."""
    return name if ":" in name else f"{name}:latest"


def is_model_folder(path: str) -> bool:
    """Whether ``path`` holds a CTranslate2 Whisper model (model.bin and config.json)."""
    return all(Path(path, name).is_file() for name in ("model.bin", "config.json"))


class SettingsDialog(QDialog):
    """Edits ``core.settings``. OK validates, writes the settings file atomically, updates
    ``core.settings`` in place (so the running pipeline picks the change up at its next
    stage) and emits ``settings_saved``; Cancel changes nothing.

    The Ollama model list is fetched on a worker thread with a short timeout when the dialog
    opens, when the address is edited, and on Refresh.

    Signals:
        settings_saved: the settings were written and ``core.settings`` updated.
        ollama_checked(str): a look at the Ollama server finished; the ``OllamaState`` value.
    """

    settings_saved = Signal()
    ollama_checked = Signal(str)

    def __init__(
        self, core: Core, parent: QWidget | None = None, *, calls: BackgroundCalls | None = None
    ) -> None:
        super().__init__(parent)
        self.core = core
        self.ollama_state = OllamaState.UNKNOWN
        self.ollama_models: tuple[str, ...] = ()
        self.calls = calls if calls is not None else BackgroundCalls(parent=self)
        self._generation = 0
        self._model_index = 0
        self._checking_host = ""
        self._ollama_detail = ""
        self.setObjectName("settingsDialog")
        self._build()
        self.retranslate()
        self.load(core.settings)
        self.refresh_ollama()

    # -- building ------------------------------------------------------------------------

    def _build(self) -> None:
        # Transcription
        self.model_combo = QComboBox(self)
        self.model_combo.activated.connect(self.on_model_combo_activated)
        self.model_combo.currentIndexChanged.connect(self.on_model_combo_changed)
        self.model_note = self._note()
        self.quality_combo = QComboBox(self)
        self.quality_combo.currentIndexChanged.connect(self.on_quality_combo_changed)
        self.quality_note = self._note()
        self.threads_spin = QSpinBox(self)
        self.threads_spin.setRange(0, max(64, os.cpu_count() or 1))
        self.language_combo = QComboBox(self)
        self.language_combo.currentIndexChanged.connect(self.on_language_combo_changed)
        self.language_note = self._note()
        self.publisher_check = QCheckBox(self)
        self.publisher_note = self._note()
        transcription = QWidget(self)
        form = QFormLayout(transcription)
        self.model_row_label = QLabel(self)
        self.quality_row_label = QLabel(self)
        self.threads_row_label = QLabel(self)
        self.language_row_label = QLabel(self)
        form.addRow(self.model_row_label, self._field(self.model_combo, self.model_note))
        form.addRow(self.quality_row_label, self._field(self.quality_combo, self.quality_note))
        form.addRow(self.threads_row_label, self.threads_spin)
        form.addRow(self.language_row_label,
                    self._field(self.language_combo, self.language_note))
        form.addRow("", self._field(self.publisher_check, self.publisher_note))

        # Summaries
        self.engine_combo = QComboBox(self)
        self.engine_combo.currentIndexChanged.connect(self.on_engine_combo_changed)
        self.host_edit = QLineEdit(self)
        self.host_edit.textChanged.connect(self.on_host_edit_text_changed)
        self.host_edit.editingFinished.connect(self.on_host_edit_editing_finished)
        self.host_error = self._note()
        self.host_error.setStyleSheet("color: #c62828;")
        self.ollama_model_combo = QComboBox(self)
        self.ollama_model_combo.setEditable(True)
        self.ollama_model_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.ollama_model_combo.editTextChanged.connect(self.on_ollama_model_combo_text_changed)
        self.refresh_button = QPushButton(self)
        self.refresh_button.clicked.connect(self.refresh_ollama)
        self.ollama_status = self._note()
        self.ollama_status.setForegroundRole(QPalette.ColorRole.WindowText)  # a state, not a hint
        self.ollama_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        model_row = QHBoxLayout()
        model_row.addWidget(self.ollama_model_combo, 1)
        model_row.addWidget(self.refresh_button)
        summaries = QWidget(self)
        form = QFormLayout(summaries)
        self.engine_row_label = QLabel(self)
        self.host_row_label = QLabel(self)
        self.ollama_model_row_label = QLabel(self)
        form.addRow(self.engine_row_label, self.engine_combo)
        form.addRow(self.host_row_label, self._field(self.host_edit, self.host_error))
        form.addRow(self.ollama_model_row_label, self._field(model_row, self.ollama_status))
        self._host_timer = QTimer(self)
        self._host_timer.setSingleShot(True)
        self._host_timer.setInterval(800)
        self._host_timer.timeout.connect(self.refresh_ollama)

        # General
        self.concurrency_spin = QSpinBox(self)
        self.concurrency_spin.setRange(1, 8)
        self.attempts_spin = QSpinBox(self)
        self.attempts_spin.setRange(1, 20)
        self.folder_edit = QLineEdit(str(self.core.paths.root), self)
        self.folder_edit.setReadOnly(True)
        self.open_folder_button = QPushButton(self)
        self.open_folder_button.clicked.connect(self.on_open_folder_button_clicked)
        self.folder_note = self._note()
        self.keep_audio_check = QCheckBox(self)
        self.feed_check_spin = QSpinBox(self)
        self.feed_check_spin.setRange(1, 7 * 24 * 60)
        self.feed_check_spin.setSingleStep(15)
        self._feed_minutes = (0, 0.0)  # (shown, loaded): an unedited odd value is kept
        self.start_minimized_check = QCheckBox(self)
        self.ui_language_combo = QComboBox(self)
        self.ui_language_note = self._note()  # for the window to explain a switch, if needed
        self.ui_language_note.hide()
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.open_folder_button)
        general = QWidget(self)
        form = QFormLayout(general)
        self.concurrency_row_label = QLabel(self)
        self.attempts_row_label = QLabel(self)
        self.folder_row_label = QLabel(self)
        self.feed_check_row_label = QLabel(self)
        self.ui_language_row_label = QLabel(self)
        form.addRow(self.concurrency_row_label, self.concurrency_spin)
        form.addRow(self.attempts_row_label, self.attempts_spin)
        form.addRow(self.folder_row_label,
                    self._field(folder_row, self.folder_note, self.keep_audio_check))
        form.addRow(self.feed_check_row_label, self.feed_check_spin)
        form.addRow("", self.start_minimized_check)
        form.addRow(self.ui_language_row_label,
                    self._field(self.ui_language_combo, self.ui_language_note))

        self.tabs = QTabWidget(self)
        self.tabs.addTab(transcription, "")
        self.tabs.addTab(summaries, "")
        self.tabs.addTab(general, "")

        self.warning_label = self._note()
        self.warning_label.setStyleSheet("color: #b26a00;")
        self.warning_label.setVisible(bool(self.core.settings_warning))
        self.warning_label.setText(tr_message(self.core.settings_warning))

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults,
            self,
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        defaults = self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        defaults.clicked.connect(self.on_defaults_button_clicked)

        layout = QVBoxLayout(self)
        layout.addWidget(self.warning_label)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)
        self.resize(620, 460)

    def _field(self, *parts: QWidget | QHBoxLayout) -> QWidget:
        """A form field: a control with its notes under it (hidden notes take no room)."""
        field = QWidget(self)
        column = QVBoxLayout(field)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(3)
        for part in parts:
            if isinstance(part, QHBoxLayout):
                column.addLayout(part)
            else:
                column.addWidget(part)
        return field

    def _note(self) -> QLabel:
        label = QLabel(self)
        label.setWordWrap(True)
        label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        return label

    def retranslate(self) -> None:
        """Set the user-visible strings (again, after a language change)."""
        self.setWindowTitle(self.tr("Settings"))
        self.tabs.setTabText(0, self.tr("Transcription"))
        self.tabs.setTabText(1, self.tr("Summaries"))
        self.tabs.setTabText(2, self.tr("General"))
        self.model_row_label.setText(self.tr("Speech model:"))
        self.quality_row_label.setText(self.tr("Quality:"))
        self.threads_row_label.setText(self.tr("Processor threads:"))
        self.threads_spin.setSpecialValueText(self.tr("Automatic (all cores)"))
        self.threads_spin.setToolTip(self.tr("0 uses every core of this computer."))
        self.language_row_label.setText(self.tr("Spoken language:"))
        self.publisher_check.setText(self.tr(
            "Use the publisher's transcript when the feed has one"))
        self.publisher_note.setText(self.tr(
            "Much faster than transcribing, and usually more accurate. The episode notes "
            "where its transcript came from."))
        self.engine_row_label.setText(self.tr("Summaries by:"))
        self.host_row_label.setText(self.tr("Ollama address:"))
        self.ollama_model_row_label.setText(self.tr("Ollama model:"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.refresh_button.setToolTip(self.tr("Ask the Ollama server again for its models"))
        self.concurrency_row_label.setText(self.tr("Tasks at once:"))
        self.concurrency_spin.setToolTip(self.tr(
            "How many episodes are processed at the same time. More than one helps only on "
            "computers with many cores."))
        self.attempts_row_label.setText(self.tr("Tries per task:"))
        self.attempts_spin.setToolTip(self.tr(
            "How often a task is tried before it is marked failed. Network trouble is retried "
            "after a growing pause; a broken link fails at once."))
        self.folder_row_label.setText(self.tr("Storage folder:"))
        self.open_folder_button.setText(self.tr("Open folder"))
        self.folder_note.setText(self.tr(
            "The library, audio and settings live here. To use another folder, start Podcast "
            "Desk with --data-dir or set PODCAST_DESK_HOME."))
        self.keep_audio_check.setText(self.tr(
            "Keep downloaded audio (needed to listen in the app; uses disk space)"))
        self.start_minimized_check.setText(self.tr("Start minimised to the tray"))
        self.feed_check_row_label.setText(self.tr("Subscriptions:"))
        self.feed_check_spin.setPrefix(self.tr("Check every "))
        self.feed_check_spin.setSuffix(self.tr(" minutes"))
        self.feed_check_spin.setToolTip(self.tr(
            "Check subscriptions every N minutes while Podcast Desk runs. A feed that fails "
            "is tried again later, less often."))
        self.ui_language_row_label.setText(self.tr("Display language:"))
        defaults = self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        defaults.setText(self.tr("Restore defaults"))
        self._fill_static_combos()
        self._show_model_note()
        self._show_quality_note()
        self._show_language_note()
        self._show_ollama_state()

    def _fill_static_combos(self) -> None:
        """(Re)fill the combos whose entries are fixed, keeping their selections."""
        model = self.model_spec() if self.model_combo.count() else None
        self.model_combo.blockSignals(True)
        self.model_combo.clear()
        self.model_combo.addItem(self.tr("Bundled offline English (tiny.en)"), BUNDLED)
        for name, (size, multilingual) in NAMED_MODELS.items():
            kind = self.tr("multilingual") if multilingual else self.tr("English only")
            self.model_combo.addItem(
                self.tr("{0} ({1}, downloads {2} once)").format(name, kind, size), name
            )
        self.model_combo.insertSeparator(self.model_combo.count())
        self.model_combo.addItem(self.tr("Choose folder…"), CHOOSE_FOLDER)
        self.model_combo.blockSignals(False)
        if model is not None:
            self._select_model(model)

        self._refill(self.quality_combo, [
            (self.tr("Fast"), QUALITY_BEAMS[0]),
            (self.tr("Balanced (recommended)"), QUALITY_BEAMS[1]),
            (self.tr("Accurate"), QUALITY_BEAMS[2]),
        ])
        languages = [(self.tr("Detect automatically"), "")]
        for code in LANGUAGES:
            name = QLocale(code).nativeLanguageName() or code
            languages.append((f"{name} ({code})", code))
        self._refill(self.language_combo, languages)
        self._refill(self.engine_combo, [
            (self.tr("Automatic: Ollama when it is running, otherwise offline"), "auto"),
            (self.tr("Ollama (the offline summary if Ollama fails)"), "ollama"),
            (self.tr("Offline summary only"), "offline"),
        ])
        self._refill(self.ui_language_combo, [
            (self.tr("System language"), ""),
            ("English", "en"),
            ("简体中文", "zh_CN"),
        ])

    @staticmethod
    def _refill(combo: QComboBox, items: Sequence[tuple[str, object]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        for text, data in items:
            combo.addItem(text, data)
        index = combo.findData(current) if current is not None else -1
        if index < 0 and current is not None and current != "":
            combo.addItem(str(current), current)  # a value this dialog does not list
            index = combo.count() - 1
        combo.setCurrentIndex(max(0, index))
        combo.blockSignals(False)

    # -- form ↔ settings -----------------------------------------------------------------

    def load(self, settings: Settings) -> None:
        """Show ``settings`` in the form."""
        self._select_model(settings.model)
        self._select(self.quality_combo, settings.beam_size,
                     self.tr("Custom (beam {0})").format(settings.beam_size))
        self.threads_spin.setValue(max(0, settings.cpu_threads))
        self._select(self.language_combo, settings.language, settings.language)
        self._select(self.engine_combo, settings.summary_engine, settings.summary_engine)
        self.host_edit.setText(settings.ollama_host)
        self.ollama_model_combo.setEditText(settings.ollama_model)
        self.concurrency_spin.setValue(settings.concurrency)
        self.attempts_spin.setValue(settings.max_attempts)
        self.keep_audio_check.setChecked(settings.keep_audio)
        self.publisher_check.setChecked(settings.use_publisher_transcripts)
        minutes = max(1, min(self.feed_check_spin.maximum(),
                             round(settings.feed_check_minutes)))
        self.feed_check_spin.setValue(minutes)
        self._feed_minutes = (minutes, settings.feed_check_minutes)
        self.start_minimized_check.setChecked(settings.start_minimized)
        self._select(self.ui_language_combo, settings.ui_language, settings.ui_language)
        self._validate()

    def settings(self) -> Settings:
        """The settings the form shows (fields it does not edit keep their values)."""
        return dataclasses.replace(
            self.core.settings,
            model=self.model_spec(),
            beam_size=int(self.quality_combo.currentData()),
            cpu_threads=self.threads_spin.value(),
            language=str(self.language_combo.currentData() or ""),
            summary_engine=str(self.engine_combo.currentData()),
            ollama_host=normalized_host(self.host_edit.text()) or self.core.settings.ollama_host,
            ollama_model=self.ollama_model_combo.currentText().strip()
            or self.core.settings.ollama_model,
            concurrency=self.concurrency_spin.value(),
            max_attempts=self.attempts_spin.value(),
            keep_audio=self.keep_audio_check.isChecked(),
            use_publisher_transcripts=self.publisher_check.isChecked(),
            feed_check_minutes=self._feed_check_minutes(),
            start_minimized=self.start_minimized_check.isChecked(),
            ui_language=str(self.ui_language_combo.currentData() or ""),
        )

    def _feed_check_minutes(self) -> float:
        shown, loaded = self._feed_minutes
        value = self.feed_check_spin.value()
        return loaded if value == shown else float(value)

    def errors(self) -> list[str]:
        """What keeps OK disabled, as sentences (empty when the form is valid)."""
        problems = []
        if normalized_host(self.host_edit.text()) is None:
            problems.append(self.tr(
                "The Ollama address must look like http://127.0.0.1:11434."))
        if not self.ollama_model_combo.currentText().strip():
            problems.append(self.tr("Name the Ollama model, for example llama3.2."))
        return problems

    def model_spec(self) -> str:
        data = self.model_combo.currentData()
        return str(data) if data and data != CHOOSE_FOLDER else BUNDLED

    def _select_model(self, spec: str) -> None:
        spec = spec.strip() or BUNDLED
        index = self.model_combo.findData(spec)
        if index < 0:
            folder = os.path.isabs(spec) or spec.startswith(("~", "./", "../"))
            label = self.tr("Folder: {0}").format(spec) if folder else spec
            index = self.model_combo.findData(CHOOSE_FOLDER) - 1  # before the separator
            self.model_combo.insertItem(index, label, spec)
        self.model_combo.setCurrentIndex(index)
        self._model_index = index

    @staticmethod
    def _select(combo: QComboBox, value: object, label: str) -> None:
        index = combo.findData(value)
        if index < 0:
            combo.addItem(label, value)
            index = combo.count() - 1
        combo.setCurrentIndex(index)

    def _validate(self) -> bool:
        problems = self.errors()
        host_ok = normalized_host(self.host_edit.text()) is not None
        self.host_error.setText(problems[0] if problems else "")
        self.host_error.setVisible(bool(problems))
        self.host_edit.setStyleSheet("" if host_ok else "border: 1px solid #c62828;")
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not problems)
        return not problems

    # -- slots ---------------------------------------------------------------------------

    @Slot(int)
    def on_model_combo_activated(self, index: int) -> None:
        if self.model_combo.itemData(index) != CHOOSE_FOLDER:
            return
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Choose a folder with a Whisper model (CTranslate2)"),
            str(Path.home()))
        self.choose_model_folder(folder)

    def choose_model_folder(self, folder: str) -> bool:
        """Use the model in ``folder``; an empty or unsuitable folder keeps the old choice."""
        if folder and is_model_folder(folder):
            self._select_model(folder)
            return True
        self.model_combo.setCurrentIndex(self._model_index)
        if folder:
            QMessageBox.warning(self, self.tr("Not a speech model"), self.tr(
                "{0} does not hold a Whisper model for faster-whisper (model.bin and "
                "config.json).").format(folder))
        return False

    @Slot(int)
    def on_model_combo_changed(self, index: int) -> None:
        if self.model_combo.itemData(index) != CHOOSE_FOLDER:
            self._model_index = index
        self._show_model_note()
        self._show_language_note()

    @Slot(int)
    def on_quality_combo_changed(self, index: int) -> None:
        self._show_quality_note()

    @Slot(int)
    def on_language_combo_changed(self, index: int) -> None:
        self._show_language_note()

    @Slot(int)
    def on_engine_combo_changed(self, index: int) -> None:
        uses_ollama = self.engine_combo.currentData() != "offline"
        for widget in (self.host_edit, self.ollama_model_combo, self.refresh_button):
            widget.setEnabled(uses_ollama)

    @Slot(str)
    def on_host_edit_text_changed(self, text: str) -> None:
        self._validate()
        if normalized_host(text) is not None:
            self._host_timer.start()

    @Slot()
    def on_host_edit_editing_finished(self) -> None:
        if self._host_timer.isActive():
            self.refresh_ollama()

    @Slot(str)
    def on_ollama_model_combo_text_changed(self, text: str) -> None:
        self._validate()
        self._show_ollama_state()

    @Slot()
    def on_open_folder_button_clicked(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.core.paths.root)))

    @Slot()
    def on_defaults_button_clicked(self) -> None:
        defaults = Settings()
        self.load(defaults)
        self.refresh_ollama()

    # -- Ollama --------------------------------------------------------------------------

    @Slot()
    def refresh_ollama(self) -> None:
        """Ask the Ollama server at the typed address for its models (on a worker)."""
        self._host_timer.stop()
        host = normalized_host(self.host_edit.text())
        self._generation += 1
        if host is None:
            self.ollama_state = OllamaState.UNKNOWN
            self._show_ollama_state()
            return
        generation = self._generation
        self.ollama_state = OllamaState.CHECKING
        self._checking_host = host
        self._show_ollama_state()
        self.calls.call(
            lambda: list_ollama_models(host),
            if_alive(self, lambda listing: self._ollama_listed(generation, listing)),
            if_alive(self, lambda exc: self._ollama_listed(
                generation, OllamaListing(host, OllamaState.ERROR, detail=str(exc)))),
        )

    def _ollama_listed(self, generation: int, listing: OllamaListing) -> None:
        if generation != self._generation:
            return
        self.ollama_state = listing.state
        self.ollama_models = listing.models
        self._ollama_detail = listing.detail
        typed = self.ollama_model_combo.currentText().strip()
        self.ollama_model_combo.blockSignals(True)
        self.ollama_model_combo.clear()
        self.ollama_model_combo.addItems(list(listing.models))
        match = [m for m in listing.models if full_model_name(m) == full_model_name(typed)]
        if match:
            self.ollama_model_combo.setCurrentIndex(self.ollama_model_combo.findText(match[0]))
        self.ollama_model_combo.setEditText(typed)
        self.ollama_model_combo.blockSignals(False)
        self._show_ollama_state()
        self._validate()
        self.ollama_checked.emit(listing.state.value)

    def _show_ollama_state(self) -> None:
        host = self._checking_host or self.host_edit.text().strip()
        model = self.ollama_model_combo.currentText().strip() or "llama3.2"
        state = self.ollama_state
        if state is OllamaState.CHECKING:
            text = self.tr("Checking Ollama at {0}…").format(host)
        elif state is OllamaState.NOT_RUNNING:
            text = self.tr(
                "Ollama is not running at {0}. Summaries use the offline summarizer. For better "
                "summaries, install Ollama from ollama.com and run: ollama pull {1}"
            ).format(host, model)
        elif state is OllamaState.ERROR:
            text = self.tr("Ollama at {0} did not give its model list: {1}").format(
                host, self._ollama_detail)
        elif state is OllamaState.RUNNING and not self.ollama_models:
            text = self.tr(
                "Ollama is running at {0} but has no models yet. Run: ollama pull {1}"
            ).format(host, model)
        elif state is OllamaState.RUNNING:
            text = self.tr("Ollama is running at {0} with %n model(s).", "",
                           len(self.ollama_models)).format(host)
            names = {full_model_name(m) for m in self.ollama_models}
            if full_model_name(model) not in names:
                text += " " + self.tr("{0} is not one of them; run: ollama pull {0}").format(
                    model)
        else:
            text = ""
        self.ollama_status.setText(text)

    # -- notes ---------------------------------------------------------------------------

    def _show_model_note(self) -> None:
        spec = self.model_spec()
        if spec == BUNDLED:
            text = self.tr("Works offline. English only; small and fast.")
        elif spec in NAMED_MODELS:
            size, multilingual = NAMED_MODELS[spec]
            text = self.tr(
                "Downloaded once (about {0}) the first time it is used while online, then it "
                "works offline. Larger models are more accurate and slower."
            ).format(size)
            if not multilingual:
                text += " " + self.tr("English only.")
        else:
            text = self.tr("A Whisper model (CTranslate2 format) on this computer.")
        self.model_note.setText(text)

    def _show_quality_note(self) -> None:
        beam = self.quality_combo.currentData()
        notes = {
            QUALITY_BEAMS[0]: self.tr("Quickest. May drop a few words at pauses."),
            QUALITY_BEAMS[1]: self.tr("Good accuracy at a good speed."),
            QUALITY_BEAMS[2]: self.tr("Slowest; a little more accurate on hard audio."),
        }
        self.quality_note.setText(notes.get(beam, self.tr("Beam size {0}.").format(beam)))

    def _show_language_note(self) -> None:
        spec = self.model_spec()
        english_only = spec == BUNDLED or (spec in NAMED_MODELS and not NAMED_MODELS[spec][1])
        language = self.language_combo.currentData()
        if english_only and language not in ("", "en", None):
            text = self.tr("This model only understands English; choose a multilingual model "
                           "for other languages.")
        else:
            text = ""
        self.language_note.setText(text)
        self.language_note.setVisible(bool(text))

    # -- closing -------------------------------------------------------------------------

    def accept(self) -> None:
        """Validate, save atomically, update ``core.settings`` and close."""
        if not self._validate():
            return
        new = self.settings()
        try:
            self.core.update_settings(new.to_dict())
        except OSError as exc:
            QMessageBox.critical(self, self.tr("Settings not saved"), self.tr(
                "The settings could not be saved to {0}: {1}").format(
                    self.core.paths.settings, exc))
            return
        super().accept()
        self.settings_saved.emit()

    def done(self, result: int) -> None:
        self._host_timer.stop()  # no new look at Ollama once the dialog is closing
        self._generation += 1  # and none still on its way changes anything
        super().done(result)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
