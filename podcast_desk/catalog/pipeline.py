"""What a task is doing now (progress lines) and its log."""

from __future__ import annotations

from podcast_desk.catalog.types import Plural, Template

MESSAGES: dict[str, Template] = {
    # ---- progress lines (what a task is doing now)
    "progress.starting": "Starting",
    "progress.looking": "Looking at the link",
    "progress.resolved": "Found the episode",
    "progress.downloading": "Downloading",
    "progress.downloading_bytes": "Downloading {done:size}",
    "progress.downloading_of": "Downloading {done:size} of {total:size}",
    "progress.downloaded": "Downloaded",
    "progress.loading_model": "Loading the speech model",
    "progress.detecting_language": "Listening for the language",
    "progress.transcribing": "Transcribing {done:clock} / {total:clock}",
    "progress.transcribing_at": "Transcribing {done:clock}",
    "progress.publisher_transcript": "Fetching the publisher's transcript",
    "progress.publisher_transcript_done": "Publisher's transcript",
    "progress.summarizing": "Summarizing",
    "progress.summarizing_part": "Summarizing part {part} of {parts}",
    "progress.summarizing_merge": "Merging the parts' summaries",
    "progress.summarized": "Summarized",
    # ---- the task log
    "log.resuming_transcript": "Resuming the transcript from {at:clock}.",
    "log.link_kind": "The link is a {kind}: {url}",
    "log.link_kind_feed": "The link is a podcast feed: {url}",
    "log.link_kind_media": "The link is an audio or video file: {url}",
    "log.link_kind_page": "The link is a web page: {url}",
    "log.link_kind_site": "The link is a {site} page: {url}",
    "log.queued_more": Plural(
        "Queued %n more episode(s) of this feed.",
        "Queued %n more episode of this feed.",
        "Queued %n more episodes of this feed."),
    "log.downloaded": "Downloaded {bytes:size} ({container}/{codec}).",
    "log.publisher_failed": "{reason} Transcribing the audio instead.",
    "log.publisher_used": Plural(
        "Used the publisher's {kind} transcript (%n segment(s)) instead of transcribing.",
        "Used the publisher's {kind} transcript (%n segment) instead of transcribing.",
        "Used the publisher's {kind} transcript (%n segments) instead of transcribing."),
    "log.transcribing_with": "Transcribing with the {model} model from {at:clock}.",
    "log.language_detected": (
        "Heard {language:language} (probability {probability}); transcribing with the "
        "{model} model."),
    "log.language_fixed": "Transcribing in {language:language} with the {model} model.",
    "log.transcript_done": Plural(
        "Transcript done: %n segment(s), language {language}, {seconds} s.",
        "Transcript done: %n segment, language {language}, {seconds} s.",
        "Transcript done: %n segments, language {language}, {seconds} s."),
    "log.no_speech": "No speech was found in the audio.",
    "log.audio_deleted": "Deleted the downloaded audio (Settings: do not keep audio).",
    "log.summarized_with": "Summarized with {engine}.",
    "log.summary_fallback": "{reason} Used the offline summary instead. {hint}",
    "log.summary_unusable": (
        "The LLM's answer was unusable ({reason}); the offline summary is kept instead."),
    "log.index_failed": "Updating the search index failed; search catches up later.",
}
