"""The podcast handler's stages (resolve, download, transcribe, summarize) and what they share."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from podcast_desk.config import Settings
from podcast_desk.messages import Message, msg
from podcast_desk.pipeline.checkpoints import EpisodeCheckpoints
from podcast_desk.tasks.errors import PermanentError
from podcast_desk.tasks.runner import TaskContext

# Overall progress: where each stage starts and ends, in percent.
STAGES = {"resolve": (0.0, 2.0), "download": (2.0, 20.0), "transcribe": (20.0, 92.0),
          "summarize": (92.0, 100.0)}


def overall(stage: str, fraction: float) -> float:
    """The task's overall percent when ``stage`` is ``fraction`` (0..1) done."""
    start, end = STAGES[stage]
    return start + (end - start) * max(0.0, min(1.0, fraction))


@dataclass(frozen=True)
class Job:
    """What every stage of one task works with: the task, its settings and checkpoints.

    ``settings`` is the snapshot taken when the task started: a change made meanwhile
    applies from the next task on.
    """

    ctx: TaskContext
    settings: Settings
    checkpoints: EpisodeCheckpoints
    audio_dir: Path

    def stage(self, name: str) -> StageReport:
        return StageReport(self.ctx, name)

    def check_duration(self, duration: float | None) -> None:
        """Refuse an episode longer than the limit set in Settings (a permanent failure)."""
        limit = self.settings.max_duration_hours * 3600
        if duration and duration > limit:
            raise PermanentError(msg("download.too_long", duration=duration, limit=limit),
                                 hint=msg("hint.raise_limit"))


@dataclass(frozen=True)
class StageReport:
    """Progress of one stage of one task, as a share of the stage (mapped to overall %)."""

    ctx: TaskContext
    name: str

    def __call__(self, fraction: float, message: Message, *, done: float | None = None,
                 total: float | None = None, eta: float | None = None,
                 force: bool = False) -> None:
        self.ctx.report(self.name, overall(self.name, fraction), message, stage_done=done,
                        stage_total=total, eta=eta, force=force)
