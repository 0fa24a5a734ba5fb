"""Sources checked when they are added, before anything is queued."""

from __future__ import annotations

from podcast_desk.catalog.types import Template

MESSAGES: dict[str, Template] = {
    # ---- sources (checked when added, before anything is queued)
    "source.empty": "Nothing to add: the link is empty.",
    "hint.source_empty": (
        "Paste a link to an episode, a podcast feed or an audio file, or pick a file."),
    "source.too_long": "That link is too long to be a real address (more than 8 KB).",
    "hint.copy_again": "Copy the link again from the browser's address bar.",
    "source.control_chars": "That link contains invisible control characters.",
    "source.scheme": "Links starting with “{scheme}:” are not supported.",
    "hint.scheme": "Use a web link (https://…) or a file on this computer.",
    "source.spaces": "That link contains spaces, so it is not a valid web address.",
    "hint.spaces": "Copy the link again; if it is a file name, check that the file exists.",
    "source.not_text_link": (
        "“{text}” is neither a web link nor a file on this computer."),
    "hint.not_text_link": (
        "Paste a link starting with https://, or use File → Add files… to pick a file."),
    "source.invalid": "That link is not a valid web address.",
    "source.no_host": "That link has no server name.",
    "hint.no_host": "A web link looks like https://example.com/episode.",
    "source.bad_host": "“{host}” is not a valid server name.",
    "hint.check_typing": "Check the link for typing mistakes.",
    "source.remote_file": "File links to another computer (“{host}”) are not supported.",
    "hint.remote_file": "Copy the file to this computer first.",
    "source.file_link_empty": "That file link names no file.",
    "hint.pick_file": "Pick the file instead.",
    "source.no_file": "There is no file at {path}.",
    "hint.no_file": "Check the path, or paste a full web address starting with https://.",
    "source.file_unopenable": "The file at {path} cannot be opened ({reason}).",
    "hint.file_permissions": "Check the path and the file's permissions.",
    "source.folder": "{path} is a folder, not a file.",
    "hint.pick_inside": "Pick an audio or video file inside it.",
    "source.not_regular": "{path} is not a regular file.",
    "hint.pick_audio": "Pick an audio or video file.",
    "source.unreadable": "The file at {path} cannot be read.",
    "hint.permissions": "Check the file's permissions.",
}
