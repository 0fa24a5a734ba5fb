"""`podcast-desk self-test`: the offline check of an installation."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from podcast_desk.gui.resources import ENV_RESOURCES
from podcast_desk.selftest import run_self_test, sample_path, word_error_rate


def test_word_error_rate() -> None:
    assert word_error_rate("Green tea, please.", "green tea please") == 0.0
    assert word_error_rate("a b c d", "a x c d") == 0.25  # one substitution
    assert word_error_rate("a b c d", "a c d") == 0.25  # one deletion
    assert word_error_rate("a b", "a b c d") == 1.0  # two insertions
    assert word_error_rate("", "") == 0.0
    assert word_error_rate("", "words") == 1.0
    assert word_error_rate("It's fine", "it’s fine") == 0.0


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
    (tmp_path / "sample").mkdir()
    (tmp_path / "sample" / "short.m4a").write_bytes(b"not audio at all" * 100)
    shutil.copy(sample_path().with_suffix(".txt"), tmp_path / "sample" / "short.txt")
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
    assert "offline summary ready" in verdict
