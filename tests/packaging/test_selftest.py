"""`podcast-desk self-test`: the offline check of an installation."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from podcast_desk.gui.resources import ENV_RESOURCES
from podcast_desk.pipeline.model_files import ENV_MULTILINGUAL_MODEL, tiny_en_model_dir
from podcast_desk.selftest import (
    MAX_CER,
    character_error_rate,
    run_self_test,
    sample_path,
    word_error_rate,
    zh_sample_path,
)


def test_word_error_rate() -> None:
    assert word_error_rate("Green tea, please.", "green tea please") == 0.0
    assert word_error_rate("a b c d", "a x c d") == 0.25  # one substitution
    assert word_error_rate("a b c d", "a c d") == 0.25  # one deletion
    assert word_error_rate("a b", "a b c d") == 1.0  # two insertions
    assert word_error_rate("", "") == 0.0
    assert word_error_rate("", "words") == 1.0
    assert word_error_rate("It's fine", "it’s fine") == 0.0


def test_character_error_rate() -> None:
    reference = zh_sample_path().with_suffix(".txt").read_text(encoding="utf-8")
    assert character_error_rate(reference, reference) == 0.0
    # what the multilingual base really writes for the sample: Traditional, no punctuation
    heard = "接下來我們聊聊手機和睡眠很多人睡覺前習慣躺在床上刷手機一刷就是一兩個小時"
    assert character_error_rate(reference, heard) == 0.0
    assert character_error_rate("一二三四", "一二三") == 0.25  # one deletion
    assert character_error_rate("一二三四", "一x三四") == 0.25  # one substitution
    assert character_error_rate("一二", "一二三四") == 1.0  # two insertions
    assert character_error_rate("", "") == 0.0
    # an English-only model on Mandarin: nothing in common
    assert character_error_rate(reference, "Let's go to the next one.") > MAX_CER


def _resources_with_samples(tmp_path: Path, *, chinese: bool = True) -> Path:
    (tmp_path / "sample").mkdir()
    names = ["short.m4a", "short.txt"] + (["zh_short.mp3", "zh_short.txt"] if chinese else [])
    for name in names:
        shutil.copy(sample_path().with_name(name), tmp_path / "sample" / name)
    return tmp_path


def test_missing_mandarin_sample_fails_in_one_plain_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_RESOURCES, str(_resources_with_samples(tmp_path, chinese=False)))
    out = io.StringIO()
    assert run_self_test(out=out) == 1
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("self-test: FAILED — the bundled Mandarin sample is missing")


def test_unusable_multilingual_model_fails_in_one_plain_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_MULTILINGUAL_MODEL, str(tmp_path))  # an empty folder
    out = io.StringIO()
    assert run_self_test(out=out) == 1
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("self-test: FAILED — the multilingual speech model is not usable")
    assert "model.bin" in lines[0] and "Traceback" not in lines[0]


@pytest.mark.slow
def test_an_english_only_model_fails_the_mandarin_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_MULTILINGUAL_MODEL, str(tiny_en_model_dir()))
    out = io.StringIO()
    assert run_self_test(out=out) == 1
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        "self-test: FAILED — the Mandarin sample was heard as language 'en', not 'zh'"
    )


@pytest.mark.slow
def test_a_wrong_mandarin_transcript_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    resources = _resources_with_samples(tmp_path)
    (resources / "sample" / "zh_short.txt").write_text(
        "绿茶最好用不太烫的水来泡。水烧开以后先放凉几分钟，再倒在茶叶上。", encoding="utf-8"
    )
    monkeypatch.setenv(ENV_RESOURCES, str(resources))
    out = io.StringIO()
    assert run_self_test(out=out) == 1
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        "self-test: FAILED — the Mandarin transcript is too far from the sample's text"
    )


def test_missing_sample_fails_in_one_plain_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_RESOURCES, str(tmp_path))
    out = io.StringIO()
    assert run_self_test(out=out) == 1
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("self-test: FAILED — the bundled sample is missing")


def test_unreadable_sample_fails_plainly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _resources_with_samples(tmp_path)
    (tmp_path / "sample" / "short.m4a").write_bytes(b"not audio at all" * 100)
    monkeypatch.setenv(ENV_RESOURCES, str(tmp_path))
    out = io.StringIO()
    assert run_self_test(out=out) == 1
    text = out.getvalue()
    assert text.startswith("self-test: FAILED — processing the sample ended failed")
    assert "Traceback" not in text and text.count("\n") == 1


@pytest.mark.slow
def test_self_test_passes_on_this_installation() -> None:
    out = io.StringIO()
    code = run_self_test(out=out)
    verdict = out.getvalue()
    assert code == 0, verdict
    assert verdict.startswith("self-test: OK — transcribed 24 s of speech in ")
    assert " and 8 s of Mandarin in " in verdict
    assert "(zh, CER " in verdict
    assert "offline summary ready" in verdict
    assert verdict.count("\n") == 1
