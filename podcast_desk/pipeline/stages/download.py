"""Download: the episode's audio into the data folder, checked to be real audio."""

from __future__ import annotations

import hashlib
from pathlib import Path

from podcast_desk.messages import msg
from podcast_desk.pipeline.stages import Job
from podcast_desk.store.models import Episode
from podcast_desk.tasks.errors import PermanentError


def download(job: Job, episode: Episode) -> None:
    """Download ``episode.media_url`` to ``audio/episode-NNNNNN.<ext>``; checkpoint: its path."""
    from podcast_desk.pipeline.audio import probe
    from podcast_desk.pipeline.download import DownloadProgress, download_audio

    ctx = job.ctx
    report = job.stage("download")
    url = episode.media_url
    if url.startswith("file:"):
        raise PermanentError(msg("audio.local_gone"), hint=msg("hint.add_again"),
                             detail=f"missing {episode.audio_path}")

    def on_progress(p: DownloadProgress) -> None:
        message = (msg("progress.downloading_of", done=p.downloaded_bytes, total=p.total_bytes)
                   if p.total_bytes else msg("progress.downloading_bytes", done=p.downloaded_bytes))
        report(p.fraction or 0.0, message, done=p.downloaded_bytes, total=p.total_bytes,
               eta=p.eta)

    report(0.0, msg("progress.downloading"))
    job.audio_dir.mkdir(parents=True, exist_ok=True)
    s = job.settings
    path = download_audio(
        url,
        job.audio_dir / f"episode-{episode.id:06d}",
        on_progress=on_progress,
        should_stop=ctx.should_stop,
        timeout=s.network_timeout,
        max_bytes=s.max_download_mb * 1024 * 1024,
        max_duration=s.max_duration_hours * 3600,
        logger=lambda level, text: ctx.log(text, level),
    )
    try:
        info = probe(path)
    except PermanentError:
        path.unlink(missing_ok=True)  # a retry downloads a fresh copy
        raise
    job.check_duration(info.duration)
    episode.audio_path = str(path)
    episode.audio_hash = sha256(path)
    if info.duration:
        episode.duration = info.duration
    job.checkpoints.save(episode, Episode.audio_path, Episode.audio_hash, Episode.duration)
    ctx.log(msg("log.downloaded", bytes=path.stat().st_size, container=info.container,
                codec=info.codec))
    report(1.0, msg("progress.downloaded"))


def sha256(path: Path) -> str:
    """The file's SHA-256 in hex, read in 1 MB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
