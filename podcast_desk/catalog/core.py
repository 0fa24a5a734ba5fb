"""The queue, the runner, settings, units and stage names: what every task can say."""

from __future__ import annotations

from podcast_desk.catalog.types import Plural, Template

MESSAGES: dict[str, Template] = {
    # ---- the queue's own log lines
    "queue.queued": "Queued.",
    "queue.started": "Started by {owner} (attempt {attempt}).",
    "queue.resumed": "Resumed by {owner} after the previous worker stopped.",
    "queue.completed": "Completed.",
    "queue.cancelled": "Cancelled.",
    "queue.cancelled_running": "Cancelled while running.",
    "queue.cancel_requested": "Cancel requested; stopping at the next check.",
    "queue.retry_requested": "Retry requested; queued again.",
    "queue.priority": "Priority set to {priority}.",
    "queue.stage": "Stage: {stage:message}.",
    "queue.retrying": "Retrying in {seconds:duration} (failure {failures} of {max}).",
    "queue.gave_up": Plural("(Gave up after %n attempt(s).)", "(Gave up after %n attempt.)",
                            "(Gave up after %n attempts.)"),
    "queue.paused": "Paused; it resumes from where it stopped.",
    "queue.worker_stopped": "The worker stopped.",
    "queue.worker_interrupted": "The worker was interrupted.",
    "queue.disk_full_released": "The disk is full.",
    "queue.too_many_crashes": (
        "Processing stopped unexpectedly too many times on this task."),
    "hint.too_many_crashes": "Retry it, and if it keeps happening, report the task log.",
    "queue.lease_lost": "This worker lost its lease; another worker continues.",
    "queue.handed_over": "Finished, but another worker holds this task now.",
    "queue.paused_disk_full": (
        "Paused: the disk is full ({free:size} free). Free some space; work resumes by "
        "itself."),
    # ---- settings and the data folder
    "settings.unreadable": "Could not read the settings file ({reason}); using defaults.",
    "settings.damaged": (
        "The settings file {path} is damaged ({reason}); using defaults. Saving settings will "
        "replace it."),
    "data.unopenable": "Could not open the data folder: {reason}",
    # ---- units and words the window puts into other messages
    "unit.seconds": Plural("%n second(s)", "%n second", "%n seconds"),
    "unit.minutes": Plural("%n minute(s)", "%n minute", "%n minutes"),
    "unit.hours": Plural("%n hour(s)", "%n hour", "%n hours"),
    "language.unknown": "unknown",
    # ---- stage names
    "stage.starting": "starting",
    "stage.resolve": "resolve",
    "stage.download": "download",
    "stage.transcribe": "transcribe",
    "stage.summarize": "summarize",
    # ---- outcomes the runner reports to a face
    "outcome.failed": "{message} {hint}",
    "outcome.completed": "Episode ready.",
    "outcome.retry": "It failed this time; it will be tried again.",
    "outcome.paused": "Paused; it will resume.",
    "outcome.cancelled": "Cancelled.",
    "outcome.lease_lost": "Another worker continues this task.",
    # ---- errors the runner makes itself
    "error.unknown_task_type": "This app cannot process tasks of type “{type}”.",
    "error.unexpected": "Something unexpected went wrong ({what}).",
    "hint.unexpected": "It will be tried again; if it keeps failing, the task log has details.",
    "error.database_busy": (
        "The database is busy: another program has held it for more than {seconds} seconds."),
    "hint.database_busy": "Try again in a moment; nothing was changed.",
    "error.disk_full": "The disk is full.",
    "hint.disk_full": "Free some space; work resumes by itself.",
}
