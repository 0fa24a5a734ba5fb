"""Summarize: an LLM when one answers, else the offline extractive summary, then stored."""

from __future__ import annotations

import json

from podcast_desk.messages import Message, msg
from podcast_desk.pipeline.stages import Job
from podcast_desk.store.models import Episode


def summarize(job: Job, episode: Episode) -> None:
    """Summarize the stored transcript; checkpoint: ``summary`` and ``summary_engine``."""
    from podcast_desk.pipeline.summarize.engine import summarize as run_summary

    ctx = job.ctx
    report = job.stage("summarize")
    report(0.0, msg("progress.summarizing"))
    s = job.settings

    def log(level: str, message: Message | str) -> None:
        ctx.log(message, level)

    summary = run_summary(
        job.checkpoints.segments(episode),
        episode.language or None,
        engine=s.summary_engine,
        ollama_host=s.ollama_host,
        ollama_model=s.ollama_model,
        ollama_timeout=s.ollama_timeout,
        num_ctx=s.ollama_num_ctx,
        log=log,
        should_stop=ctx.should_stop,
    )
    ctx.check()
    episode.summary = json.dumps(summary.to_json(), ensure_ascii=False)
    episode.summary_engine = summary.engine
    job.checkpoints.save(episode, Episode.summary, Episode.summary_engine)
    report(1.0, msg("progress.summarized"))
