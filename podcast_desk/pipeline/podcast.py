"""The podcast handler: resolve → download → transcribe → summarize, with checkpoints.

Every stage writes its checkpoint on the task's Episode row before the next starts, so a
task that is run again (after a crash, a kill, a retry) skips what is done and resumes a
half-done transcription from ``transcribed_until``. Writes are fenced by the claim's lease
token: a worker that lost its task cannot write into the episode any more.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from podcast_desk.config import Settings
from podcast_desk.pipeline.transcript import TranscriptSegment
from podcast_desk.store.models import Episode, Segment, Task
from podcast_desk.tasks.errors import Cancelled, PermanentError, TaskError
from podcast_desk.tasks.queue import TaskQueue
from podcast_desk.tasks.runner import TaskContext

log = logging.getLogger(__name__)

# Overall progress: where each stage starts and ends, in percent.
STAGES = {"resolve": (0.0, 2.0), "download": (2.0, 20.0), "transcribe": (20.0, 92.0),
          "summarize": (92.0, 100.0)}


def clock_text(seconds: float) -> str:
    """Seconds as ``m:ss`` or ``h:mm:ss``."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def size_text(n: float) -> str:
    """Bytes as a short human size."""
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def _overall(stage: str, fraction: float) -> float:
    start, end = STAGES[stage]
    return start + (end - start) * max(0.0, min(1.0, fraction))


@dataclass
class _Stage:
    """Progress reporting for one stage of one task."""

    ctx: TaskContext
    name: str

    def __call__(self, fraction: float, detail: str, *, done: float | None = None,
                 total: float | None = None, eta: float | None = None) -> None:
        self.ctx.report(self.name, _overall(self.name, fraction), detail,
                        stage_done=done, stage_total=total, eta=eta)


class PodcastHandler:
    """Runs one podcast task. Built once per runner in app.py; called on worker threads."""

    def __init__(self, settings: Settings, audio_dir: Path, queue: TaskQueue) -> None:
        self.settings = settings
        self.audio_dir = audio_dir
        self.queue = queue

    # -- entry ------------------------------------------------------------------------

    def __call__(self, ctx: TaskContext) -> dict[str, Any]:
        episode = self._episode(ctx)
        if not episode.audio_path and not episode.media_url:
            self._resolve(ctx, episode)
        if not episode.transcript_done:
            if not episode.audio_path or not Path(episode.audio_path).is_file():
                self._download(ctx, episode)  # kept for the player even with a transcript
            if not self._use_publisher_transcript(ctx, episode):
                self._transcribe(ctx, episode)
        if episode.summary is None:
            self._summarize(ctx, episode)
        self._cleanup(ctx, episode)
        self._index(ctx)
        return {
            "episodeId": episode.id,
            "title": episode.title,
            "duration": episode.duration,
            "language": episode.language,
            "summaryEngine": episode.summary_engine,
            "segments": Segment.select().where(Segment.episode == episode.id).count(),
        }

    # -- checkpoints ------------------------------------------------------------------

    def _episode(self, ctx: TaskContext) -> Episode:
        existing = Episode.get_or_none(Episode.task == ctx.task_id)
        if existing is not None:
            if existing.title:
                ctx.title = existing.title
            if existing.transcribed_until > 0 and not existing.transcript_done:
                ctx.log(f"Resuming the transcript from {clock_text(existing.transcribed_until)}.")
            return existing
        now = time.time()
        with self.queue.db.atomic("IMMEDIATE"):
            self._check_lease(ctx)
            episode: Episode = Episode.create(task=ctx.task_id, source_url=ctx.data["source"],
                                              created_at=now, updated_at=now)
        return episode

    def _check_lease(self, ctx: TaskContext) -> None:
        """Inside a transaction: stop unless this worker still holds the task."""
        token = Task.select(Task.lease_token).where(Task.id == ctx.task_id).scalar()
        if token != ctx.claim.token:
            raise Cancelled("lease lost")

    def _save(self, ctx: TaskContext, episode: Episode, *fields: Any) -> None:
        episode.updated_at = time.time()
        with self.queue.db.atomic("IMMEDIATE"):
            self._check_lease(ctx)
            episode.save(only=[*fields, Episode.updated_at])

    # -- 1. resolve -------------------------------------------------------------------

    def _resolve(self, ctx: TaskContext, episode: Episode) -> None:
        report = _Stage(ctx, "resolve")
        report(0.0, "Looking at the link")
        source = ctx.data["source"]
        if ctx.data.get("kind") == "local_file":
            self._resolve_local(ctx, episode, Path(source))
        else:
            from podcast_desk.pipeline.resolve import LinkKind, classify_link

            timeout = self.settings.network_timeout
            if ctx.data.get("guid"):
                kind, url = LinkKind.FEED, source
            else:
                kind, url = classify_link(source, timeout=timeout)
            ctx.log(f"The link is a {kind.value}: {url}")
            if kind is LinkKind.FEED:
                self._resolve_feed(ctx, episode, url)
            else:
                self._resolve_media(ctx, episode, url)
        if episode.title:
            ctx.set_title(episode.title)
        report(1.0, episode.title or "Resolved")

    def _resolve_local(self, ctx: TaskContext, episode: Episode, path: Path) -> None:
        if not path.is_file():
            raise PermanentError(
                f"The file {path} is no longer there.",
                hint="Move it back, or add the file again from its new place.",
            )
        episode.title = path.stem.replace("_", " ")
        episode.media_url = path.resolve().as_uri()
        episode.audio_path = str(path.resolve())
        self._save(ctx, episode, Episode.title, Episode.media_url, Episode.audio_path)

    def _resolve_media(self, ctx: TaskContext, episode: Episode, url: str) -> None:
        from podcast_desk.pipeline.download import probe_url

        info = probe_url(url, timeout=self.settings.network_timeout,
                         logger=lambda level, msg: ctx.log(msg, level))
        if info.is_playlist:
            raise PermanentError(
                "That link is a playlist or channel, not a single episode.",
                hint="Open one episode and add its link, or add the show's RSS feed.",
                detail=f"{info.entry_count} entries at {url}",
            )
        episode.media_url = info.webpage_url or url
        episode.title = info.title or ""
        episode.show = info.show or info.uploader or ""
        episode.author = info.uploader or ""
        episode.duration = info.duration
        episode.description = info.description or ""
        episode.image = info.thumbnail or ""
        episode.published = info.published
        self._check_duration(info.duration)
        self._save(ctx, episode, Episode.media_url, Episode.title, Episode.show, Episode.author,
                   Episode.duration, Episode.description, Episode.image, Episode.published)

    def _resolve_feed(self, ctx: TaskContext, episode: Episode, url: str) -> None:
        from podcast_desk.pipeline.feeds import fetch_feed

        fetched = fetch_feed(url, timeout=self.settings.network_timeout)
        feed = fetched.feed
        if feed is None or not feed.episodes:
            raise PermanentError(
                "This feed has no episodes with audio.",
                hint="Check that it is the right show's feed.",
                detail=f"{fetched.url}: {0 if feed is None else len(feed.episodes)} episodes",
            )
        wanted = ctx.data.get("guid")
        if wanted:
            matches = [e for e in feed.episodes if e.guid == wanted]
            if not matches:
                raise PermanentError(
                    "This episode is no longer in the show's feed.",
                    hint="The publisher may have removed it.",
                    detail=f"guid {wanted!r} not in {fetched.url}",
                )
            item = matches[0]
        else:
            item = feed.episodes[0]
        episode.guid = item.guid
        episode.media_url = item.media_url
        episode.title = item.title
        episode.show = feed.title
        episode.author = item.author or feed.author or ""
        episode.published = item.published
        episode.duration = item.duration
        episode.description = item.description
        episode.image = item.image or feed.image or ""
        episode.chapters = json.dumps(item.chapters, ensure_ascii=False)
        episode.transcripts = json.dumps(item.transcripts, ensure_ascii=False)
        self._check_duration(item.duration)
        more = self._more_feed_items(ctx, feed.episodes, item.guid)
        fields = (Episode.guid, Episode.media_url, Episode.title, Episode.show, Episode.author,
                  Episode.published, Episode.duration, Episode.description, Episode.image,
                  Episode.chapters, Episode.transcripts)
        # The resolve checkpoint and the sibling tasks commit together: a rerun after a
        # crash finds the episode resolved and never queues the siblings twice.
        with self.queue.db.atomic("IMMEDIATE"):
            self._save(ctx, episode, *fields)
            if more:
                priority = Task.select(Task.priority).where(Task.id == ctx.task_id).scalar()
                ids = self.queue.add_tasks(
                    [("podcast", {"source": fetched.url, "kind": "url", "guid": e.guid,
                                  "feedUrl": fetched.url}, priority or 0) for e in more],
                    titles=[e.title for e in more],
                )
                ctx.log(f"Queued {len(ids)} more episode(s) of this feed: {', '.join(ids)}")

    def _more_feed_items(self, ctx: TaskContext, items: Sequence[Any], taken: str) -> list[Any]:
        wanted = ctx.data.get("feedEpisodes")
        if ctx.data.get("guid") or not wanted:
            return []
        others = [e for e in items if e.guid != taken]
        if wanted == "all":
            return others
        return others[: max(0, int(wanted) - 1)]

    def _check_duration(self, duration: float | None) -> None:
        limit = self.settings.max_duration_hours * 3600
        if duration and duration > limit:
            raise PermanentError(
                f"The episode is {clock_text(duration)} long, over the "
                f"{self.settings.max_duration_hours:g}-hour limit set in Settings.",
                hint="Raise the limit in Settings to process it.",
            )

    # -- 2. download ------------------------------------------------------------------

    def _download(self, ctx: TaskContext, episode: Episode) -> None:
        from podcast_desk.pipeline.audio import probe
        from podcast_desk.pipeline.download import DownloadProgress, download_audio

        report = _Stage(ctx, "download")
        url = episode.media_url
        if url.startswith("file:"):
            raise PermanentError(
                "The local file of this episode is gone.",
                hint="Add the file again.",
                detail=f"missing {episode.audio_path}",
            )

        def on_progress(p: DownloadProgress) -> None:
            detail = f"Downloading {size_text(p.downloaded_bytes)}"
            if p.total_bytes:
                detail += f" of {size_text(p.total_bytes)}"
            if p.speed:
                detail += f" · {size_text(p.speed)}/s"
            report(p.fraction or 0.0, detail, done=p.downloaded_bytes, total=p.total_bytes,
                   eta=p.eta)

        report(0.0, "Downloading")
        self.audio_dir.mkdir(parents=True, exist_ok=True)
        path = download_audio(
            url,
            self.audio_dir / f"episode-{episode.id:06d}",
            on_progress=on_progress,
            should_stop=ctx.should_stop,
            timeout=self.settings.network_timeout,
            max_bytes=self.settings.max_download_mb * 1024 * 1024,
            max_duration=self.settings.max_duration_hours * 3600,
            logger=lambda level, msg: ctx.log(msg, level),
        )
        try:
            info = probe(path)
        except PermanentError:
            path.unlink(missing_ok=True)  # a retry downloads a fresh copy
            raise
        self._check_duration(info.duration)
        episode.audio_path = str(path)
        episode.audio_hash = _sha256(path)
        if info.duration:
            episode.duration = info.duration
        self._save(ctx, episode, Episode.audio_path, Episode.audio_hash, Episode.duration)
        ctx.log(f"Downloaded {size_text(path.stat().st_size)} ({info.container}/{info.codec}).")
        report(1.0, "Downloaded")

    # -- 3. transcribe ----------------------------------------------------------------

    def _use_publisher_transcript(self, ctx: TaskContext, episode: Episode) -> bool:
        """Store the feed's own transcript as the segments, if there is a usable one.

        Only before any transcription happened (a half-done whisper transcript resumes);
        a transcript that cannot be fetched or parsed is logged and whisper runs instead.
        """
        links = json.loads(episode.transcripts or "[]")
        if not (self.settings.use_publisher_transcripts and links) or episode.transcribed_until:
            return False
        from podcast_desk.pipeline.publisher_transcript import fetch_publisher_transcript

        report = _Stage(ctx, "transcribe")
        report(0.0, "Fetching the publisher's transcript")
        try:
            found = fetch_publisher_transcript(links, timeout=self.settings.network_timeout)
        except TaskError as exc:
            ctx.log(f"{exc.message} Transcribing the audio instead.", "warning")
            if exc.detail:
                ctx.log(exc.detail, "debug")
            return False
        ctx.check()
        rows = [{"episode": episode.id, "start": round(seg.start, 3), "end": round(seg.end, 3),
                 "text": seg.text} for seg in found.segments]
        with self.queue.db.atomic("IMMEDIATE"):
            self._check_lease(ctx)
            Segment.delete().where(Segment.episode == episode.id).execute()
            for batch in range(0, len(rows), 200):
                Segment.insert_many(rows[batch:batch + 200]).on_conflict_replace().execute()
            episode.transcribed_until = max(seg.end for seg in found.segments)
            episode.transcript_done = True
            episode.transcript_source = f"publisher:{found.kind}"
            if not episode.duration:
                episode.duration = episode.transcribed_until
            self._save(ctx, episode, Episode.transcribed_until, Episode.transcript_done,
                       Episode.transcript_source, Episode.duration)
        ctx.log(f"Used the publisher's {found.kind.upper()} transcript ({len(rows)} segments) "
                f"from {found.url} instead of transcribing.")
        report(1.0, "Publisher's transcript")
        return True

    def _transcribe(self, ctx: TaskContext, episode: Episode) -> None:
        from podcast_desk.pipeline.audio import probe
        from podcast_desk.pipeline.transcribe import TranscribeOptions, Transcriber

        report = _Stage(ctx, "transcribe")
        path = Path(episode.audio_path)
        if not episode.audio_hash:  # a local file: check it once, like a download
            try:
                info = probe(path)
            except PermanentError as exc:  # the probe speaks of downloads; say it for files
                empty = path.is_file() and path.stat().st_size == 0
                raise PermanentError(
                    f"The file {path.name} is empty." if empty else
                    f"The file {path.name} is not audio or video that can be read.",
                    hint="Choose an audio or video file (MP3, M4A, WAV, FLAC, OGG, MP4…).",
                    detail=exc.detail or exc.human,
                ) from exc
            self._check_duration(info.duration)
            episode.duration = info.duration
            episode.audio_hash = _sha256(path)
            self._save(ctx, episode, Episode.duration, Episode.audio_hash)
        s = self.settings
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
        with self.queue.db.atomic("IMMEDIATE"):
            self._check_lease(ctx)  # anything past the checkpoint is from an unfinished slice
            Segment.delete().where((Segment.episode == episode.id)
                                   & (Segment.start >= start_at)).execute()
        started = time.monotonic()

        def progress_line(done: float) -> None:
            if duration:
                speed = (done - start_at) / max(1e-6, time.monotonic() - started)
                eta = (duration - done) / speed if speed > 0 and done > start_at else None
                report(done / duration, f"Transcribing {clock_text(done)} / {clock_text(duration)}",
                       done=done, total=duration, eta=eta)
            else:
                report(0.0, f"Transcribing {clock_text(done)}", done=done)

        def on_slice(segments: list[TranscriptSegment], cut: float) -> None:
            with self.queue.db.atomic("IMMEDIATE"):
                self._check_lease(ctx)
                rows = [{"episode": episode.id, "start": round(seg.start, 3),
                         "end": round(seg.end, 3), "text": seg.text} for seg in segments]
                for batch in range(0, len(rows), 200):
                    Segment.insert_many(rows[batch:batch + 200]).on_conflict_replace().execute()
                episode.transcribed_until = cut
                episode.updated_at = time.time()
                episode.save(only=[Episode.transcribed_until, Episode.updated_at])
            progress_line(cut)

        progress_line(start_at)
        ctx.log(f"Transcribing with the {s.model} model from {clock_text(start_at)}.")
        result = Transcriber(options).transcribe(
            path, start_at=start_at, duration=duration, on_slice=on_slice,
            should_stop=ctx.should_stop, on_progress=progress_line,
        )
        episode.language = result.language
        episode.model = result.model_name
        episode.transcript_done = True
        episode.transcript_source = f"whisper:{result.model_name}"
        if not episode.duration:
            episode.duration = result.duration
        self._save(ctx, episode, Episode.language, Episode.model, Episode.transcript_done,
                   Episode.transcript_source, Episode.duration)
        count = Segment.select().where(Segment.episode == episode.id).count()
        ctx.log(f"Transcript done: {count} segments, language {result.language}, "
                f"{time.monotonic() - started:.1f} s.")
        if count == 0:
            ctx.log("No speech was found in the audio.", "warning")

    # -- 4. summarize -----------------------------------------------------------------

    def _summarize(self, ctx: TaskContext, episode: Episode) -> None:
        from podcast_desk.pipeline.summarize.engine import summarize

        report = _Stage(ctx, "summarize")
        report(0.0, "Summarizing")
        segments = [
            TranscriptSegment(row.start, row.end, row.text)
            for row in Segment.select().where(Segment.episode == episode.id).order_by(
                Segment.start)
        ]
        s = self.settings
        summary = summarize(
            segments,
            episode.language or None,
            engine=s.summary_engine,
            ollama_host=s.ollama_host,
            ollama_model=s.ollama_model,
            ollama_timeout=s.ollama_timeout,
            num_ctx=s.ollama_num_ctx,
            log=lambda level, message: ctx.log(message, level),
            should_stop=ctx.should_stop,
        )
        ctx.check()
        episode.summary = json.dumps(summary.to_json(), ensure_ascii=False)
        episode.summary_engine = summary.engine
        self._save(ctx, episode, Episode.summary, Episode.summary_engine)
        report(1.0, f"Summarized ({summary.engine})")

    # -- cleanup ----------------------------------------------------------------------

    def _index(self, ctx: TaskContext) -> None:
        """Bring the search index up to date now (search would also do it, later)."""
        from podcast_desk.store import fts

        try:
            fts.sync(self.queue.db)
        except Exception as exc:  # search catches up by itself; never fail a finished task
            log.warning("updating the search index failed: %s", exc)

    def _cleanup(self, ctx: TaskContext, episode: Episode) -> None:
        if self.settings.keep_audio or not episode.audio_path:
            return
        path = Path(episode.audio_path)
        if path.parent.resolve() == self.audio_dir.resolve() and path.is_file():
            os.unlink(path)
            ctx.log("Deleted the downloaded audio (Settings: do not keep audio).")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
