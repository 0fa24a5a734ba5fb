"""Tests for probe, decode_slice and find_quiet_point on real and deliberately broken media."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from podcast_desk.pipeline.audio import AudioInfo, decode_slice, find_quiet_point, probe
from podcast_desk.tasks.errors import PermanentError

REPO = Path(__file__).resolve().parents[2]
SPEECH = REPO / "tests" / "fixtures" / "speech"
CORPUS = REPO / "tests" / "fixtures" / "corpus"  # copies of ../shared/corpus (README)
TOPICS = SPEECH / "topics.mp3"
SHORT = SPEECH / "short.m4a"
JFK = CORPUS / "jfk.flac"


def _write_video_only(path: Path) -> None:
    import av

    with av.open(str(path), "w") as out:
        stream = out.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for i in range(10):
            image = np.full((48, 64, 3), i * 20, np.uint8)
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def _write_wav(path: Path, samples: np.ndarray, rate: int = 16000) -> None:
    import wave

    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())


# -- probe ----------------------------------------------------------------------------------


def test_probe_describes_mp3() -> None:
    info = probe(TOPICS)
    assert isinstance(info, AudioInfo)
    assert info.container == "mp3"
    assert info.codec.startswith("mp3")
    assert info.duration is not None and 150 < info.duration < 240
    assert info.sample_rate > 0 and info.channels >= 1


def test_probe_describes_m4a_and_flac() -> None:
    m4a = probe(SHORT)
    assert m4a.codec == "aac" and "mp4" in m4a.container
    assert m4a.duration is not None and 5 < m4a.duration < 60
    flac = probe(JFK)
    assert flac.codec == "flac" and flac.duration == pytest.approx(11.0, abs=0.1)


def test_probe_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PermanentError, match="missing") as err:
        probe(tmp_path / "gone.mp3")
    assert err.value.hint.english()


def test_probe_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "episode.mp3"
    path.write_bytes(b"")
    with pytest.raises(PermanentError, match="The downloaded file is empty") as err:
        probe(path)
    assert err.value.hint.english() and err.value.detail


def test_probe_random_bytes_named_mp3(tmp_path: Path) -> None:
    path = tmp_path / "episode.mp3"
    path.write_bytes(np.random.default_rng(7).bytes(200_000))
    with pytest.raises(PermanentError, match="not audio or video we can read") as err:
        probe(path)
    assert err.value.detail  # the PyAV/decoder text, for the log


def test_probe_html_page_named_mp3(tmp_path: Path) -> None:
    path = tmp_path / "episode.mp3"
    body = "<p>Listen to this episode in our app!</p>" * 300
    path.write_text(
        f"<!DOCTYPE html><html><head><title>Ep 1</title></head><body>{body}</body></html>"
    )
    with pytest.raises(PermanentError, match="not audio or video we can read") as err:
        probe(path)
    assert "web page" in err.value.hint.english()
    assert "<!DOCTYPE" in err.value.detail


def test_probe_text_that_a_demuxer_would_take_for_audio(tmp_path: Path) -> None:
    """FFmpeg reads this particular page as raw AMR speech: 3 s of noise. Text is refused first."""
    path = tmp_path / "episode.mp3"
    path.write_text("<html>" + "<p>not audio</p>" * 300 + "</html>")
    with pytest.raises(PermanentError, match="not audio or video we can read"):
        probe(path)


def test_probe_binary_garbage_that_is_not_media(tmp_path: Path) -> None:
    path = tmp_path / "episode.bin"
    path.write_bytes(bytes(range(256)) * 40)
    # FFmpeg calls this "binary text" video, so it is a file without a sound track.
    with pytest.raises(PermanentError, match=r"not audio or video we can read|no sound track"):
        probe(path)


def test_probe_truncated_mp3_is_reported(tmp_path: Path) -> None:
    """A download cut at 30 %: the MP3 header still announces the full length, so the end
    cannot be found and probe says the file is incomplete (instead of silently transcribing
    a third of the episode)."""
    data = TOPICS.read_bytes()
    path = tmp_path / "episode.mp3"
    path.write_bytes(data[: int(len(data) * 0.3)])
    with pytest.raises(PermanentError, match="incomplete or damaged") as err:
        probe(path)
    assert "last packet" in err.value.detail


def test_probe_truncated_m4a_is_reported(tmp_path: Path) -> None:
    data = SHORT.read_bytes()
    path = tmp_path / "episode.m4a"
    path.write_bytes(data[: int(len(data) * 0.3)])
    with pytest.raises(PermanentError):
        probe(path)


def test_probe_truncated_wav_is_a_shorter_recording(tmp_path: Path) -> None:
    """WAV length comes from the file size, so a cut WAV is simply shorter: documented, usable."""
    full = tmp_path / "full.wav"
    _write_wav(full, np.sin(np.linspace(0, 2000, 16000 * 30)).astype(np.float32) * 0.3)
    cut = tmp_path / "cut.wav"
    cut.write_bytes(full.read_bytes()[: 44 + 2 * 16000 * 9])
    info = probe(cut)
    assert info.duration == pytest.approx(9.0, abs=0.1)
    assert decode_slice(cut, 0, 60).shape[0] == 16000 * 9


def test_probe_video_without_sound(tmp_path: Path) -> None:
    path = tmp_path / "clip.mp4"
    _write_video_only(path)
    with pytest.raises(PermanentError, match="has no sound track") as err:
        probe(path)
    assert "video" in err.value.detail


# -- decode_slice ---------------------------------------------------------------------------


def test_decode_slice_window_and_end() -> None:
    info = probe(TOPICS)
    assert info.duration is not None
    piece = decode_slice(TOPICS, 12.5, 3.25)
    assert piece.dtype == np.float32 and piece.ndim == 1
    assert piece.shape[0] == 52000
    tail = decode_slice(TOPICS, info.duration - 2.0, 10.0)
    assert tail.shape[0] == pytest.approx(32000, abs=50)
    assert decode_slice(TOPICS, info.duration + 5.0, 10.0).shape[0] == 0
    assert decode_slice(TOPICS, 1.0, 0.0).shape[0] == 0


def test_consecutive_slices_join_exactly() -> None:
    """A 16 kHz MP3 needs no resampling: slices cut at odd times rebuild the file exactly."""
    whole = decode_slice(TOPICS, 0.0, 10_000.0)
    cuts = [0.0, 3.333, 7.0, 12.345, 17.5, 100.001]
    parts = [decode_slice(TOPICS, a, b - a) for a, b in itertools.pairwise(cuts)]
    parts.append(decode_slice(TOPICS, cuts[-1], 10_000.0))
    joined = np.concatenate(parts)
    assert joined.shape == whole.shape
    np.testing.assert_array_equal(joined, whole)


def test_aac_slices_join_without_gaps() -> None:
    """AAC noise substitution draws from decoder state, so after a seek a few bands differ
    slightly from a whole-file decode; the timing must still line up sample for sample."""
    whole = decode_slice(SHORT, 0.0, 10_000.0)
    cuts = [0.0, 3.333, 7.0, 12.345]
    parts = [decode_slice(SHORT, a, b - a) for a, b in itertools.pairwise(cuts)]
    parts.append(decode_slice(SHORT, cuts[-1], 10_000.0))
    joined = np.concatenate(parts)
    assert joined.shape == whole.shape
    assert float(np.corrcoef(joined, whole)[0, 1]) > 0.999
    assert float(np.abs(joined - whole).mean()) < 1e-3


def test_resampled_slices_join_without_gaps() -> None:
    """44.1 kHz FLAC: lengths add up exactly; samples match the whole decode up to the
    resampler's sub-sample phase (a slice starts wherever its seek landed)."""
    whole = decode_slice(JFK, 0.0, 100.0)
    assert whole.shape[0] == 176000
    cuts = [0.0, 2.2229, 5.0, 8.4321, 11.0]
    parts = [decode_slice(JFK, a, b - a) for a, b in itertools.pairwise(cuts)]
    joined = np.concatenate(parts)
    assert joined.shape == whole.shape
    corr = float(np.corrcoef(joined, whole)[0, 1])
    assert corr > 0.99


def test_decode_slice_rejects_non_audio(tmp_path: Path) -> None:
    path = tmp_path / "page.mp3"
    path.write_text("<html><body>" + "nothing to hear " * 500 + "</body></html>")
    with pytest.raises(PermanentError):
        decode_slice(path, 0.0, 5.0)


# -- find_quiet_point -----------------------------------------------------------------------


def test_find_quiet_point_finds_the_pause() -> None:
    rng = np.random.default_rng(3)
    sr = 16000
    noise = (rng.standard_normal(sr * 20) * 0.3).astype(np.float32)
    noise[int(13.0 * sr) : int(13.6 * sr)] *= 0.01  # a 0.6 s pause centred at 13.3 s
    point = find_quiet_point(noise, sr, 5.0, 18.0)
    assert 13.05 <= point <= 13.55


def test_find_quiet_point_stays_in_range_and_prefers_later_ties() -> None:
    sr = 16000
    silence = np.zeros(sr * 10, dtype=np.float32)
    assert find_quiet_point(silence, sr, 2.0, 6.0) == pytest.approx(6.0, abs=0.02)
    loud = np.ones(sr * 10, dtype=np.float32)
    loud[: sr * 2] = 0  # quiet, but outside the range
    point = find_quiet_point(loud, sr, 4.0, 8.0)
    assert 4.0 <= point <= 8.0


def test_find_quiet_point_degenerate_ranges() -> None:
    sr = 16000
    short = np.zeros(100, dtype=np.float32)
    assert find_quiet_point(short, sr, 0.0, 1.0) == pytest.approx(100 / sr)
    samples = np.zeros(sr * 5, dtype=np.float32)
    assert find_quiet_point(samples, sr, 3.0, 2.0) == pytest.approx(3.0)
    assert find_quiet_point(samples, sr, 7.0, 9.0) == pytest.approx(5.0)


# -- import cost ----------------------------------------------------------------------------


def test_modules_import_without_heavy_libraries() -> None:
    code = (
        "import sys, podcast_desk.pipeline.audio, podcast_desk.pipeline.transcribe; "
        "heavy = {'av', 'numpy', 'faster_whisper', 'ctranslate2'} & set(sys.modules); "
        "print(sorted(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"
