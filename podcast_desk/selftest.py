"""`podcast-desk self-test`: process the bundled samples fully offline and say whether it worked.

The English sample (``resources/sample/short.m4a``, 24 s of synthetic English speech, with its
exact text in ``short.txt``) goes through the real pipeline — decode with PyAV, transcribe with
the bundled tiny.en model, offline extractive summary — in a throw-away data folder. The
Mandarin sample (``zh_short.mp3``, 8 s of synthetic Mandarin, text in ``zh_short.txt``) is
transcribed by the bundled multilingual ``base`` model, which must hear Chinese and get the
characters nearly right. So it checks an installation (a PyInstaller bundle or a source
checkout) and both of its models without touching the user's library and without the network.
One line of verdict, exit code 0 or 1, never a traceback.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, TextIO

__all__ = [
    "MAX_CER",
    "MAX_WER",
    "SAMPLE_NAME",
    "ZH_SAMPLE_NAME",
    "character_error_rate",
    "run_self_test",
    "sample_path",
    "word_error_rate",
    "zh_sample_path",
]

SAMPLE_NAME = "short.m4a"
MAX_WER = 0.25
"""The bundled tiny.en gets about 0.08 on the sample; 0.25 means something is badly wrong."""

ZH_SAMPLE_NAME = "zh_short.mp3"
MAX_CER = 0.25
"""The multilingual base gets 0.00 on the Mandarin sample once its Traditional characters are
folded; an English-only model or a broken one gets about 1."""

_WORD = re.compile(r"[a-z0-9']+")

_TRADITIONAL = str.maketrans("來們機覺習慣兩個時", "来们机觉习惯两个时")
"""Traditional → Simplified for exactly the characters of ``zh_short.txt`` that differ between
the two scripts (its other characters are written alike): ``base`` writes this sample in
Traditional characters. A small table instead of a converter such as OpenCC, which is not a
dependency; a new Mandarin sample needs its own characters added here."""


def sample_path() -> Path:
    """The bundled sample audio: next to the icons in ``resources/`` (bundle or checkout)."""
    # The resources folder logic lives with the window's code; it has no Qt at import time.
    from podcast_desk.gui.resources import resources_dir

    return resources_dir() / "sample" / SAMPLE_NAME


def zh_sample_path() -> Path:
    """The bundled Mandarin sample audio, beside the English one."""
    return sample_path().with_name(ZH_SAMPLE_NAME)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("’", "'"))


def word_error_rate(reference: str, hypothesis: str) -> float:
    """(substitutions + deletions + insertions) / reference words, case and punctuation ignored."""
    return _error_rate(_words(reference), _words(hypothesis))


def _characters(text: str) -> list[str]:
    return [c for c in text.translate(_TRADITIONAL).lower() if c.isalnum()]


def character_error_rate(reference: str, hypothesis: str) -> float:
    """Edits / reference characters, punctuation and spaces ignored, the sample's Traditional
    characters read as Simplified (:data:`_TRADITIONAL`)."""
    return _error_rate(_characters(reference), _characters(hypothesis))


def _error_rate(ref: list[str], hyp: list[str]) -> float:
    if not ref:
        return 0.0 if not hyp else 1.0
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        current = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h))
        previous = current
    return previous[-1] / len(ref)


class _Failed(Exception):
    """A check that did not pass; the message is the plain-words reason."""


def _summary_present(summary: Any) -> bool:
    if not isinstance(summary, dict):
        return False
    return any(bool(value) for value in summary.values())


_CHINESE = (
    "绿茶最好用不太烫的水来泡。水烧开以后先放凉几分钟，再倒在茶叶上。",
    "茶叶泡两分钟左右就可以拿出来。泡得太久，茶就会变苦。",
    "同样的茶叶通常可以再泡第二次，甚至第三次。",
)


def _check_chinese() -> None:
    """The Chinese side of the offline summary (jieba's dictionary, stop-words) is there too."""
    from podcast_desk.pipeline.summarize.extractive import summarize_extractive
    from podcast_desk.pipeline.transcript import TranscriptSegment

    segments = [TranscriptSegment(start=10.0 * i, end=10.0 * i + 9, text=text)
                for i, text in enumerate(_CHINESE)]
    summary = summarize_extractive(segments, "zh")
    if not summary.tldr or not summary.keywords:
        raise _Failed("the offline summary of a Chinese text came out empty "
                      "(its word dictionary may be missing)")


def _model_folders() -> tuple[Path, Path]:
    """Both offline models are there (the multilingual one joined on first use from source)."""
    from podcast_desk.pipeline.model_files import multilingual_model_dir, tiny_en_model_dir
    from podcast_desk.tasks.errors import TaskError

    try:
        english = tiny_en_model_dir()
    except TaskError as exc:
        raise _Failed(f"the English speech model is not usable: {exc} ({exc.detail})") from exc
    try:
        multilingual = multilingual_model_dir()
    except TaskError as exc:
        raise _Failed(
            f"the multilingual speech model is not usable: {exc} ({exc.detail})"
        ) from exc
    return english, multilingual


def _check_mandarin(model: Path, sample: Path, reference: str) -> tuple[float, float, float]:
    """The multilingual model hears the Mandarin sample as Chinese and gets its characters.

    Returns (seconds of audio, seconds taken, character error rate).
    """
    from podcast_desk.pipeline.transcribe import TranscribeOptions, Transcriber
    from podcast_desk.pipeline.transcript import TranscriptSegment
    from podcast_desk.tasks.errors import TaskError

    segments: list[TranscriptSegment] = []

    def keep(found: list[TranscriptSegment], _cut: float) -> None:
        segments.extend(found)

    started = time.monotonic()
    try:
        result = Transcriber(TranscribeOptions(model=str(model))).transcribe(
            sample, on_slice=keep, should_stop=lambda: False
        )
    except TaskError as exc:
        raise _Failed(
            f"the multilingual model could not transcribe the Mandarin sample: {exc} "
            f"({exc.detail})"
        ) from exc
    elapsed = time.monotonic() - started
    transcript = "".join(s.text for s in segments)
    if result.language != "zh":
        raise _Failed(
            f"the Mandarin sample was heard as language {result.language!r}, not 'zh' "
            f"({model}): {transcript[:40]!r}"
        )
    cer = character_error_rate(reference, transcript)
    if cer > MAX_CER:
        raise _Failed(
            f"the Mandarin transcript is too far from the sample's text (character error rate "
            f"{cer:.2f}, at most {MAX_CER:.2f} expected): {transcript[:40]!r}"
        )
    return result.duration, elapsed, cer


def _check(keep: bool, data_dir: Path) -> str:
    sample = sample_path()
    reference_file = sample.with_suffix(".txt")
    if not sample.is_file() or not reference_file.is_file():
        raise _Failed(f"the bundled sample is missing ({sample}); reinstall Podcast Desk")
    zh_sample = zh_sample_path()
    zh_reference_file = zh_sample.with_suffix(".txt")
    if not zh_sample.is_file() or not zh_reference_file.is_file():
        raise _Failed(
            f"the bundled Mandarin sample is missing ({zh_sample}); reinstall Podcast Desk"
        )
    reference = reference_file.read_text(encoding="utf-8")
    zh_reference = zh_reference_file.read_text(encoding="utf-8")
    _, multilingual = _model_folders()

    # Forced offline: the bundled model and the extractive summary, never Ollama or the Hub.
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "settings.json").write_text(
        json.dumps({"model": "bundled", "summary_engine": "offline", "concurrency": 1}),
        encoding="utf-8",
    )

    from podcast_desk.app import PODCAST, open_core

    core = open_core(data_dir)
    try:
        if core.settings_warning:
            raise _Failed(f"the test settings were not accepted: {core.settings_warning}")
        task_id = core.queue.add_task(
            PODCAST, {"source": str(sample), "kind": "local_file"}, max_attempts=1,
            title="self-test sample",
        )
        started = time.monotonic()
        core.runner(concurrency=1, poll_interval=0.2, name="self-test").run(until_idle=True)
        elapsed = time.monotonic() - started

        task = core.queue.get_task(task_id)
        if task is None:
            raise _Failed("the sample's task disappeared from the queue")
        if task.status != "COMPLETED":
            reason = task.error or task.detail or "no reason recorded"
            raise _Failed(f"processing the sample ended {task.status.lower()}: {reason}")

        from podcast_desk.library.episodes import episode_json, find_episode

        episode = find_episode(task_id)
        if episode is None:
            raise _Failed("the sample was processed but no episode was saved")
        body = episode_json(episode)
        transcript = " ".join(str(s["text"]) for s in body["segments"])
        if not transcript.strip():
            raise _Failed("the transcript of the sample is empty")
        wer = word_error_rate(reference, transcript)
        if wer > MAX_WER:
            raise _Failed(
                f"the transcript is too far from the sample's text (word error rate {wer:.2f}, "
                f"at most {MAX_WER:.2f} expected): {transcript[:80]!r}"
            )
        if not _summary_present(body["summary"]):
            raise _Failed("no summary was written for the sample")
        duration = float(body.get("duration") or 0.0)
    finally:
        core.close()
    zh_duration, zh_elapsed, cer = _check_mandarin(multilingual, zh_sample, zh_reference)
    _check_chinese()
    where = f"; data kept in {data_dir}" if keep else ""
    return (
        f"transcribed {duration:.0f} s of speech in {elapsed:.1f} s (WER {wer:.2f}) and "
        f"{zh_duration:.0f} s of Mandarin in {zh_elapsed:.1f} s (zh, CER {cer:.2f}), "
        f"offline summary ready (English and Chinese){where}"
    )


def run_self_test(*, keep: bool = False, out: TextIO | None = None) -> int:
    """Process the bundled samples offline in a temporary data folder; print a verdict line.

    Returns 0 when the English task completed, its transcript is close to the reference (WER
    ≤ ``MAX_WER``) and a summary was written, and the multilingual model heard the Mandarin
    sample as ``zh`` with a character error rate ≤ ``MAX_CER``; 1 otherwise. ``keep`` leaves
    the data folder (its path is printed) for a look with ``podcast-desk --data-dir DIR show …``.
    """
    out = out if out is not None else sys.stdout
    data_dir = Path(tempfile.mkdtemp(prefix="podcast-desk-selftest-"))
    # A failing run logs its own reasons at WARNING; the verdict line says it once, plainly.
    quiet = logging.getLogger("podcast_desk")
    level = quiet.level
    if not quiet.isEnabledFor(logging.INFO):
        quiet.setLevel(logging.CRITICAL)
    try:
        verdict, code = f"OK — {_check(keep, data_dir)}", 0
    except _Failed as exc:
        verdict, code = f"FAILED — {exc}", 1
    except KeyboardInterrupt:
        verdict, code = "FAILED — interrupted", 1
    except Exception as exc:  # anything else: explained, never a traceback
        verdict, code = f"FAILED — unexpected error: {type(exc).__name__}: {exc}", 1
    finally:
        quiet.setLevel(level)
        if not keep:
            shutil.rmtree(data_dir, ignore_errors=True)
    if code and keep:
        verdict += f" (data kept in {data_dir})"
    print(f"self-test: {verdict}", file=out, flush=True)
    return code
