"""Audio files and speech models."""

from __future__ import annotations

from podcast_desk.catalog.types import Template

MESSAGES: dict[str, Template] = {
    # ---- audio files
    "audio.empty_download": "The downloaded file is empty: {name}.",
    "audio.empty_file": "The file {name} is empty.",
    "hint.redownload": (
        "Check the link, or remove the episode and add it again to download a new copy."),
    "hint.web_page_redownload": (
        "The link may point to a web page rather than the episode's audio. Check the link, "
        "or remove the episode and add it again to download a new copy."),
    "audio.not_media": "This file is not audio or video we can read: {name}.",
    "hint.pick_media": "Choose an audio or video file (MP3, M4A, WAV, FLAC, OGG, MP4…).",
    "audio.unopenable": "The audio file {name} cannot be opened.",
    "hint.readable": "Check that the file is readable.",
    "audio.missing": "The audio file {name} is missing.",
    "audio.no_sound": "This file has no sound track: {name}.",
    "hint.no_sound": "Choose an episode with audio, or a different link.",
    "audio.damaged": "The audio in {name} is damaged and cannot be decoded.",
    "audio.truncated": (
        "The audio file {name} is incomplete or damaged: it should last {duration:clock} but "
        "its end cannot be read."),
    "audio.claims_too_long": (
        "The file {name} claims to last {duration:clock}, but that is not what it holds."),
    "audio.file_gone": "The file {path} is no longer there.",
    "hint.file_gone": "Move it back, or add the file again from its new place.",
    "audio.local_gone": "The local file of this episode is gone.",
    "hint.add_again": "Add the file again.",
    "audio.file_not_media": "The file {name} is not audio or video that can be read.",
    "audio.file_unreadable": "The file {name} cannot be read any more ({reason}).",
    # ---- models
    "model.bundled_missing": "The bundled speech model is missing from this installation.",
    "hint.reinstall": "Reinstall Podcast Desk, or choose another model in Settings.",
    "model.folder_missing": "The speech model folder {path} does not exist.",
    "hint.choose_model_folder": "Choose another model folder, or the bundled model, in Settings.",
    "model.folder_not_model": (
        "The speech model folder {path} does not hold a Whisper model for faster-whisper."),
    "model.folder_incomplete": (
        "The speech model folder {path} is incomplete: its tokenizer.json is missing."),
    "model.unknown": "There is no speech model called “{name}”.",
    "hint.choose_listed_model": (
        "Choose one of the listed models, or the bundled model, in Settings."),
    "model.not_downloadable": (
        "The speech model “{name}” is not on this computer and could not be downloaded."),
    "hint.connect_once": "Connect to the internet once, or choose the bundled model in Settings.",
    "model.device": (
        "The speech model cannot run with device “{device}” and compute type “{compute}” on "
        "this computer."),
    "hint.device": "Choose device “cpu” and compute type “int8” in Settings.",
    "model.damaged": "The speech model {name} is damaged and cannot be loaded.",
    "model.bundled_damaged": "The bundled speech model is damaged and cannot be loaded.",
    "hint.model_damaged": "Choose another model in Settings, or download it again.",
    "model.cache_unwritable": "The speech model cannot be unpacked into the folder {path}.",
    "hint.model_cache": "Check that folder's permissions, or set {cache} to another folder.",
    "hint.model_env": (
        "Point {env} at a folder with model.bin, config.json and tokenizer.json, or unset it."),
    "model.english_only_heard": (
        "The speech is in {language:language}, but the chosen speech model only understands "
        "English."),
    "hint.english_only": (
        "Choose “Automatic” or a multilingual model in Settings, or set the episode's "
        "language, then retry."),
}
