"""Transcribe: the publisher's own transcript when usable, else whisper, slice by slice."""

from __future__ import annotations

import json
import time
from pathlib import Path

from podcast_desk.messages import msg
from podcast_desk.pipeline.stages import Job
from podcast_desk.pipeline.stages.download import sha256
from podcast_desk.pipeline.transcript import TranscriptSegment
from podcast_desk.store.models import Episode
from podcast_desk.tasks.errors import PermanentError, TaskError


def use_publisher_transcript(job: Job, episode: Episode) -> bool:
    """Store the feed's own transcript as the segments, if there is a usable one.

    Only before any transcription happened (a half-done whisper transcript resumes); a
    transcript that cannot be fetched or parsed is logged and whisper runs instead.
    """
    links = json.loads(episode.transcripts or "[]")
    if not (job.settings.use_publisher_transcripts and links) or episode.transcribed_until:
        return False
    from podcast_desk.pipeline.publisher_transcript import fetch_publisher_transcript

    ctx = job.ctx
    report = job.stage("transcribe")
    report(0.0, msg("progress.publisher_transcript"))
    try:
        found = fetch_publisher_transcript(links, timeout=job.settings.network_timeout)
    except TaskError as exc:
        ctx.log(msg("log.publisher_failed", reason=exc.message), "warning")
        if exc.detail:
            ctx.log(exc.detail, "debug")
        return False
    ctx.check()
    episode.transcribed_until = max(seg.end for seg in found.segments)
    episode.transcript_done = True
    episode.transcript_source = f"publisher:{found.kind}"
    if not episode.duration:
        episode.duration = episode.transcribed_until
    job.checkpoints.replace_transcript(
        episode, found.segments, Episode.transcribed_until, Episode.transcript_done,
        Episode.transcript_source, Episode.duration)
    ctx.log(msg("log.publisher_used", kind=found.kind.upper(), n=len(found.segments)))
    ctx.log(found.url, "debug")
    report(1.0, msg("progress.publisher_transcript_done"))
    return True


def check_local_file(job: Job, episode: Episode) -> None:
    """A local file is checked once, like a download: readable media, within the limits."""
    from podcast_desk.pipeline.audio import probe

    path = Path(episode.audio_path)
    try:
        info = probe(path)
    except PermanentError as exc:  # the probe speaks of downloads; say it for files
        empty = path.is_file() and path.stat().st_size == 0
        raise PermanentError(
            msg("audio.empty_file", name=path.name) if empty
            else msg("audio.file_not_media", name=path.name),
            hint=msg("hint.pick_media"),
            detail=exc.detail or exc.human,
        ) from exc
    job.check_duration(info.duration)
    episode.duration = info.duration
    episode.audio_hash = sha256(path)
    job.checkpoints.save(episode, Episode.duration, Episode.audio_hash)


def transcribe(job: Job, episode: Episode) -> None:
    """Transcribe from the checkpoint ``transcribed_until`` to the end, slice by slice."""
    from podcast_desk.pipeline.transcribe import TranscribeOptions, Transcriber

    ctx = job.ctx
    report = job.stage("transcribe")
    if not episode.audio_hash:
        check_local_file(job, episode)
    s = job.settings
    options = TranscribeOptions(
        model=s.model,
        compute_type=s.compute_type,
        cpu_threads=s.cpu_threads,
        batched=s.batched,
        batch_size=s.batch_size,
        beam_size=s.beam_size,
        slice_seconds=s.slice_seconds,
        language=episode.language or s.language or None,
    )
    duration = episode.duration
    start_at = episode.transcribed_until
    job.checkpoints.drop_unfinished(episode)
    started = time.monotonic()

    def progress_line(done: float) -> None:
        if duration:
            speed = (done - start_at) / max(1e-6, time.monotonic() - started)
            eta = (duration - done) / speed if speed > 0 and done > start_at else None
            report(done / duration, msg("progress.transcribing", done=done, total=duration),
                   done=done, total=duration, eta=eta)
        else:
            report(0.0, msg("progress.transcribing_at", done=done), done=done)

    def on_slice(segments: list[TranscriptSegment], cut: float) -> None:
        job.checkpoints.commit_slice(episode, segments, cut)
        progress_line(cut)

    progress_line(start_at)
    ctx.log(msg("log.transcribing_with", model=s.model, at=start_at))
    result = Transcriber(options).transcribe(
        Path(episode.audio_path), start_at=start_at, duration=duration, on_slice=on_slice,
        should_stop=ctx.should_stop, on_progress=progress_line,
    )
    episode.language = result.language
    episode.model = result.model_name
    episode.transcript_done = True
    episode.transcript_source = f"whisper:{result.model_name}"
    if not episode.duration:
        episode.duration = result.duration
    job.checkpoints.save(episode, Episode.language, Episode.model, Episode.transcript_done,
                         Episode.transcript_source, Episode.duration)
    count = job.checkpoints.segment_count(episode)
    ctx.log(msg("log.transcript_done", n=count, language=result.language,
                seconds=round(time.monotonic() - started, 1)))
    if count == 0:
        ctx.log(msg("log.no_speech"), "warning")
