"""Audio sniffing and bounded, sample-accurate slice decoding with PyAV (no ffmpeg binary)."""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from podcast_desk.messages import msg
from podcast_desk.tasks.errors import PermanentError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = [
    "SAMPLE_RATE",
    "AudioInfo",
    "decode_slice",
    "find_quiet_point",
    "probe",
]

SAMPLE_RATE = 16000
"""The rate Whisper models expect; the default for :func:`decode_slice`."""

_PREROLL = 0.5
"""Seconds decoded and thrown away before a slice: the decoder (MP3 bit reservoir, AAC
priming) and the resampler settle before the samples we keep."""

_PROBE_HEAD = 5.0
"""Seconds decoded from the start of the file by :func:`probe` to prove it is readable."""

_PROBE_TAIL = 10.0
"""How far before the announced end :func:`probe` looks for audio to spot a truncated file."""

_MAX_BAD_PACKETS = 50
"""Corrupt packets skipped in a row before a decode gives up on the file."""



@dataclass(frozen=True, slots=True)
class AudioInfo:
    """What :func:`probe` learned about a media file.

    ``duration`` is in seconds, or ``None`` when the container does not say and it could
    not be worked out cheaply. ``container`` is the demuxer name (``mp3``, ``mov,mp4,m4a,…``),
    ``codec`` the audio codec (``mp3float``, ``aac``, ``opus``…).
    """

    duration: float | None
    container: str
    codec: str
    sample_rate: int
    channels: int


def probe(path: str | os.PathLike[str]) -> AudioInfo:
    """Check that ``path`` is media with a readable sound track and describe it.

    Raises :class:`PermanentError` (one sentence + hint; the PyAV text in ``detail``) when the
    file is missing, empty, not audio/video at all, has no sound track, or cannot be decoded:
    the first seconds must decode, and when the duration is known a packet near the end must
    be readable (a download cut short fails here instead of an hour into transcription).
    When the container states no duration, a file of up to a few minutes is decoded in full to
    measure it; longer ones report ``duration=None`` (transcription walks until the end).
    """

    p = Path(path)
    size = _file_size(p)
    if size == 0:
        raise PermanentError(msg("audio.empty_download", name=p.name),
                             hint=msg("hint.redownload"), detail=f"{p} has 0 bytes")
    head = _read_head(p)
    if _looks_like_text(head):
        raise PermanentError(msg("audio.not_media", name=p.name),
                             hint=msg("hint.web_page_redownload"),
                             detail=f"starts with text: {head[:80]!r}")
    with _open(p) as container:
        stream = _audio_stream(container, p)
        cc = stream.codec_context
        info_rate = int(cc.sample_rate or stream.sample_rate or 0)
        channels = int(cc.channels or 0)
        duration = _declared_duration(container, stream)
        origin = _origin(stream)
        head_end = _decode_head(container, stream, p, origin)
        if duration is not None and duration > _PROBE_TAIL * 2:
            _check_tail(container, stream, p, origin, duration)
        elif duration is None:
            duration = _measure_duration(container, stream, origin, size, head_end)
        return AudioInfo(
            duration=duration,
            container=str(container.format.name),
            codec=str(cc.name),
            sample_rate=info_rate,
            channels=channels,
        )


def decode_slice(
    path: str | os.PathLike[str],
    start: float,
    duration: float,
    sample_rate: int = SAMPLE_RATE,
) -> NDArray[np.float32]:
    """Decode ``[start, start + duration)`` seconds of the first sound track as mono float32.

    Only that window (plus half a second of pre-roll) is decoded: memory is bounded by the
    slice, not the file. Times count from the first sample of the stream, and the window is
    cut by sample index (``round(t * sample_rate)``), so slices ``[a, b)`` and ``[b, c)`` join
    without gap or overlap. Near the end of the file the array is simply shorter; past the end
    it is empty. Corrupt packets are skipped; an unreadable file raises :class:`PermanentError`.
    """
    import av
    import numpy as np

    if duration <= 0:
        return np.zeros(0, dtype=np.float32)
    start = max(0.0, start)
    first = round(start * sample_rate)
    stop = round((start + duration) * sample_rate)
    p = Path(path)
    _file_size(p)
    chunks: list[NDArray[np.float32]] = []
    with _open(p) as container:
        stream = _audio_stream(container, p)
        origin = _origin(stream)
        origin_samples = round(origin * sample_rate)
        tb = stream.time_base
        seek_to = start - _PREROLL
        seeked = False
        if seek_to > 0 and tb is not None:
            try:
                container.seek(int((seek_to + origin) / tb), stream=stream, backward=True)
                seeked = True
            except av.error.FFmpegError:
                seeked = False  # decode from the top instead: slower but still correct
        resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
        pos: int | None = None  # absolute index (since the stream origin) of the next sample
        for frame in _frames(container, stream, p, resampler):
            if pos is None:
                if frame.pts is not None:
                    pos = int(frame.pts) - origin_samples
                elif seeked:
                    # No timestamps after a seek: we cannot know where we are; start over.
                    return _decode_from_top(p, first, stop, sample_rate)
                else:
                    pos = 0
            data = frame.to_ndarray().reshape(-1)
            end = pos + data.shape[0]
            if end > first:
                lo = max(first - pos, 0)
                hi = min(stop - pos, data.shape[0])
                if hi > lo:
                    chunks.append(np.asarray(data[lo:hi], dtype=np.float32))
            pos = end
            if pos >= stop:
                break
    if not chunks:
        return np.zeros(0, dtype=np.float32)
    return np.concatenate(chunks)


def _decode_from_top(path: Path, first: int, stop: int, sample_rate: int) -> NDArray[np.float32]:
    """Decode samples ``[first, stop)`` counting from the start (for files without timestamps)."""
    import av
    import numpy as np

    chunks: list[NDArray[np.float32]] = []
    with _open(path) as container:
        stream = _audio_stream(container, path)
        resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
        pos = 0
        for frame in _frames(container, stream, path, resampler):
            data = frame.to_ndarray().reshape(-1)
            end = pos + data.shape[0]
            lo, hi = max(first - pos, 0), min(stop - pos, data.shape[0])
            if hi > lo:
                chunks.append(np.asarray(data[lo:hi], dtype=np.float32))
            pos = end
            if pos >= stop:
                break
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)


def find_quiet_point(
    samples: NDArray[np.float32],
    sample_rate: int,
    search_from: float,
    search_to: float,
    window: float = 0.3,
) -> float:
    """Return the centre (seconds from the start of ``samples``) of the quietest window.

    The RMS of every ``window``-second stretch whose centre lies in ``[search_from,
    search_to]`` is compared (10 ms steps); the quietest wins, the latest on a tie. Used to
    cut slices in a pause rather than mid-word. The range is clamped to the samples; if it is
    empty the clamped ``search_to`` is returned.
    """
    import numpy as np

    n = int(samples.shape[0])
    total = n / sample_rate if sample_rate > 0 else 0.0
    lo_t = min(max(search_from, 0.0), total)
    hi_t = min(max(search_to, lo_t), total)
    win = max(1, round(window * sample_rate))
    if n < win or hi_t <= lo_t:
        return hi_t
    half = win // 2
    hop = max(1, sample_rate // 100)
    # Window start indices whose centres fall inside [lo_t, hi_t] and fit in the samples.
    first = max(0, round(lo_t * sample_rate) - half)
    last = min(n - win, round(hi_t * sample_rate) - half)
    if last < first:
        return hi_t
    starts = np.arange(first, last + 1, hop)
    squared = np.concatenate(([0.0], np.cumsum(samples.astype(np.float64) ** 2)))
    energy = squared[starts + win] - squared[starts]
    # Latest minimum: a pause near the end of the range keeps slices close to full length.
    best = int(starts[len(energy) - 1 - int(np.argmin(energy[::-1]))])
    return (best + half) / sample_rate


# -- helpers ---------------------------------------------------------------------------------


def _read_head(p: Path, size: int = 1024) -> bytes:
    try:
        with p.open("rb") as f:
            return f.read(size)
    except OSError as exc:
        raise PermanentError(msg("audio.unopenable", name=p.name), hint=msg("hint.readable"),
                             detail=str(exc)) from exc


def _looks_like_text(head: bytes) -> bool:
    """HTML, XML, JSON or plain text: some demuxers (raw AMR, MP3 by extension) would happily
    "decode" a web page into seconds of noise, so text is refused before PyAV sees it."""
    if not head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # A multi-byte character cut at the end of the buffer is still text.
        try:
            text = head[:-4].decode("utf-8")
        except UnicodeDecodeError:
            return False
    text = text.lstrip("\ufeff")
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\r\n\t")
    return printable >= 0.97 * len(text)


def _file_size(p: Path) -> int:
    try:
        return p.stat().st_size
    except FileNotFoundError as exc:
        raise PermanentError(msg("audio.missing", name=p.name), hint=msg("hint.redownload"),
                             detail=str(exc)) from exc
    except OSError as exc:
        raise PermanentError(msg("audio.unopenable", name=p.name), hint=msg("hint.readable"),
                             detail=str(exc)) from exc


@contextmanager
def _open(p: Path) -> Iterator[Any]:
    import av

    try:
        container = av.open(str(p), mode="r")
    except av.error.FFmpegError as exc:
        raise PermanentError(msg("audio.not_media", name=p.name),
                             hint=msg("hint.web_page_redownload"),
                             detail=f"{type(exc).__name__}: {exc}") from exc
    except OSError as exc:
        raise PermanentError(msg("audio.unopenable", name=p.name), hint=msg("hint.readable"),
                             detail=f"{type(exc).__name__}: {exc}") from exc
    try:
        yield container
    finally:
        container.close()


def _audio_stream(container: Any, p: Path) -> Any:
    streams = container.streams.audio
    if not streams:
        kinds = ", ".join(sorted({s.type for s in container.streams})) or "nothing"
        raise PermanentError(msg("audio.no_sound", name=p.name), hint=msg("hint.no_sound"),
                             detail=f"container {container.format.name} holds {kinds}")
    return streams[0]


def _origin(stream: Any) -> float:
    """Seconds of the stream's first timestamp (MP3 encoder delay, say); times count from it."""
    if stream.start_time is None or stream.time_base is None:
        return 0.0
    return float(stream.start_time * stream.time_base)


def _declared_duration(container: Any, stream: Any) -> float | None:
    if stream.duration is not None and stream.time_base is not None and stream.duration > 0:
        return float(stream.duration * stream.time_base)
    if container.duration is not None and container.duration > 0:
        import av

        return float(container.duration / av.time_base)
    return None


def _frames(container: Any, stream: Any, p: Path, resampler: Any) -> Iterator[Any]:
    """Resampled frames of ``stream``, skipping corrupt packets (up to a limit)."""
    import av

    bad = 0
    try:
        for packet in container.demux(stream):
            try:
                decoded = packet.decode()
            except av.error.InvalidDataError as exc:
                bad += 1
                if bad > _MAX_BAD_PACKETS:
                    raise _corrupt(p, exc) from exc
                continue
            bad = 0
            for frame in decoded:
                yield from resampler.resample(frame)
        yield from resampler.resample(None)
    except av.error.EOFError:
        return
    except av.error.FFmpegError as exc:
        raise _corrupt(p, exc) from exc


def _corrupt(p: Path, exc: BaseException) -> PermanentError:
    return PermanentError(msg("audio.damaged", name=p.name), hint=msg("hint.redownload"),
                          detail=f"{type(exc).__name__}: {exc}")


def _decode_head(container: Any, stream: Any, p: Path, origin: float) -> float:
    """Decode the first seconds; return the time reached. Raises if nothing decodes."""
    import av

    reached: float | None = None
    good = bad = 0
    errors: list[str] = []
    try:
        for packet in container.demux(stream):
            try:
                frames = packet.decode()
            except av.error.InvalidDataError as exc:
                bad += 1
                errors.append(str(exc))
                if bad > _MAX_BAD_PACKETS:
                    break
                continue
            good += 1
            for frame in frames:
                if frame.samples <= 0:
                    continue
                t = (frame.time if frame.time is not None else 0.0) - origin
                reached = t + frame.samples / max(frame.sample_rate, 1)
            if reached is not None and reached >= _PROBE_HEAD:
                break
    except av.error.FFmpegError as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
    # Random bytes named .mp3 "decode" the odd frame by chance among many corrupt ones.
    if reached is None or (bad >= 3 and bad > good):
        detail = "; ".join(errors[-3:]) or "no audio frames decoded"
        raise PermanentError(
            msg("audio.not_media", name=p.name), hint=msg("hint.web_page_redownload"),
            detail=f"{container.format.name}/{stream.codec_context.name}: {detail}",
        )
    return reached


def _check_tail(container: Any, stream: Any, p: Path, origin: float, duration: float) -> None:
    """Seek near the announced end; a file cut short has no packets there."""
    import av

    target = duration - _PROBE_TAIL
    tb = stream.time_base
    last: float | None = None
    detail = ""
    try:
        container.seek(int((target + origin) / tb), stream=stream, backward=True)
        for packet in container.demux(stream):
            if packet.pts is not None and packet.time_base is not None:
                last = float(packet.pts * packet.time_base) - origin
            if packet.size and last is not None and last >= target - _PROBE_TAIL:
                # One real packet near the end decodes: the file is whole enough.
                try:
                    packet.decode()
                except av.error.InvalidDataError as exc:
                    detail = f"{type(exc).__name__}: {exc}"
                    continue
                return
    except av.error.FFmpegError as exc:
        detail = f"{type(exc).__name__}: {exc}"
    reached = f"; last packet at {last:.1f} s" if last is not None else ""
    raise PermanentError(
        msg("audio.truncated", name=p.name, duration=duration),
        hint=msg("hint.redownload"),
        detail=f"seek to {target:.1f} s of {duration:.1f} s failed{reached}. {detail}".strip(),
    )


_MEASURE_MAX_BYTES = 20 * 1024 * 1024


def _measure_duration(
    container: Any, stream: Any, origin: float, size: int, reached: float
) -> float | None:
    """Demux to the end for a duration when the file is small; else give up (``None``)."""
    import av

    if size > _MEASURE_MAX_BYTES:
        return None
    end = reached
    try:
        for packet in container.demux(stream):
            if packet.pts is None or packet.time_base is None:
                continue
            t = float(packet.pts * packet.time_base) - origin
            d = float(packet.duration * packet.time_base) if packet.duration else 0.0
            end = max(end, t + d)
    except av.error.FFmpegError:
        pass
    return end if end > 0 and math.isfinite(end) else None
