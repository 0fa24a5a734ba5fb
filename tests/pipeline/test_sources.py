"""Tests for parse_source: links, files, and every kind of refusal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from podcast_desk.pipeline.sources import InvalidSource, Source, SourceKind, parse_source


@pytest.fixture
def audio_file(tmp_path: Path) -> Path:
    path = tmp_path / "my episode.mp3"
    path.write_bytes(b"ID3 not really audio")
    return path


# -- links ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("https://example.com/ep/1", "https://example.com/ep/1"),
        ("http://example.com/feed.xml?x=1#t=30", "http://example.com/feed.xml?x=1#t=30"),
        ("HTTPS://Example.COM:443", "https://example.com/"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("http://127.0.0.1:8123/ep.mp3", "http://127.0.0.1:8123/ep.mp3"),
        ("http://[::1]:8080/ep.mp3", "http://[::1]:8080/ep.mp3"),
        ("  https://example.com/a  \n", "https://example.com/a"),
        ('"https://example.com/a"', "https://example.com/a"),
        ("'https://example.com/a'", "https://example.com/a"),
        ("<https://example.com/a>", "https://example.com/a"),
        ("“https://example.com/a”", "https://example.com/a"),
        ("https://bücher.example/folge", "https://bücher.example/folge"),
    ],
)
def test_http_links_are_urls_normalised(text: str, url: str) -> None:
    source = parse_source(text)
    assert source == Source(SourceKind.URL, text, url=url, path=None)


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("example.com/ep.mp3", "https://example.com/ep.mp3"),
        ("www.example.co.uk", "https://www.example.co.uk/"),
        ("localhost:8000/ep.mp3", "https://localhost:8000/ep.mp3"),
        ("feeds.example.org/show?format=rss", "https://feeds.example.org/show?format=rss"),
    ],
)
def test_bare_host_becomes_https(text: str, url: str) -> None:
    source = parse_source(text)
    assert source.kind is SourceKind.URL
    assert source.url == url


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("feed://example.com/rss", "https://example.com/rss"),
        ("itpc://example.com/rss", "https://example.com/rss"),
        ("pcast://example.com/rss", "https://example.com/rss"),
        ("feed:https://example.com/rss", "https://example.com/rss"),
        ("podcast:http://example.com/rss", "http://example.com/rss"),
    ],
)
def test_podcast_app_schemes_become_web_links(text: str, url: str) -> None:
    assert parse_source(text).url == url


def test_text_keeps_what_was_given() -> None:
    source = parse_source("  'example.com/a'  ")
    assert source.text == "  'example.com/a'  "
    assert source.url == "https://example.com/a"


# -- local files ---------------------------------------------------------------------------


def test_absolute_path(audio_file: Path) -> None:
    source = parse_source(str(audio_file))
    assert source == Source(SourceKind.LOCAL_FILE, str(audio_file), url=None, path=audio_file)


def test_quoted_path_with_spaces(audio_file: Path) -> None:
    assert parse_source(f'"{audio_file}"').path == audio_file


def test_relative_path_resolves_against_working_dir(
    audio_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(audio_file.parent)
    assert parse_source(audio_file.name).path == audio_file
    assert parse_source("./" + audio_file.name).path == audio_file


def test_home_path(audio_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(audio_file.parent))
    source = parse_source("~/" + audio_file.name)
    assert source.kind is SourceKind.LOCAL_FILE
    assert source.path == audio_file


def test_file_url(audio_file: Path) -> None:
    source = parse_source(audio_file.as_uri())
    assert source.kind is SourceKind.LOCAL_FILE
    assert source.path == audio_file
    assert source.url is None


def test_file_url_with_localhost(audio_file: Path) -> None:
    url = audio_file.as_uri().replace("file://", "file://localhost")
    assert parse_source(url).path == audio_file


@pytest.mark.skipif(os.sep != "/", reason="shell escaping is a POSIX habit")
def test_shell_escaped_spaces(audio_file: Path) -> None:
    assert parse_source(str(audio_file).replace(" ", "\\ ")).path == audio_file


def test_existing_file_that_looks_like_a_host_is_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "example.com").write_bytes(b"x")
    monkeypatch.chdir(tmp_path)
    assert parse_source("example.com").kind is SourceKind.LOCAL_FILE


# -- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\t", '""', "''", "< >"])
def test_empty(text: str) -> None:
    with pytest.raises(InvalidSource) as info:
        parse_source(text)
    assert info.value.message.english() == "Nothing to add: the link is empty."
    assert info.value.hint.english()


@pytest.mark.parametrize("scheme", ["ftp", "mailto", "javascript", "data", "smb", "rtmp"])
def test_unsupported_scheme_is_named(scheme: str) -> None:
    with pytest.raises(InvalidSource) as info:
        parse_source(f"{scheme}://example.com/x")
    assert f"“{scheme}:”" in info.value.message.english()
    assert "not supported" in info.value.message.english()


def test_missing_absolute_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.mp3"
    with pytest.raises(InvalidSource) as info:
        parse_source(str(missing))
    assert info.value.message.english() == f"There is no file at {missing}."


def test_missing_relative_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InvalidSource) as info:
        parse_source("episode.mp3")  # a file name, not the host "episode.mp3"
    assert info.value.message.english() == f"There is no file at {tmp_path / 'episode.mp3'}."


def test_missing_file_url(tmp_path: Path) -> None:
    with pytest.raises(InvalidSource) as info:
        parse_source((tmp_path / "gone.m4a").as_uri())
    assert info.value.message.english().startswith("There is no file at ")


def test_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidSource) as info:
        parse_source(str(tmp_path))
    assert "is a folder, not a file" in info.value.message.english()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_special_file_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(InvalidSource) as info:
        parse_source(str(fifo))
    assert "not a regular file" in info.value.message.english()


def test_file_url_on_another_host_is_refused() -> None:
    with pytest.raises(InvalidSource) as info:
        parse_source("file://server/share/ep.mp3")
    assert "another computer" in info.value.message.english()


@pytest.mark.parametrize("text", ["http://", "https:///path/only", "http://:80/x", "https:"])
def test_url_without_host(text: str) -> None:
    with pytest.raises(InvalidSource) as info:
        parse_source(text)
    assert "no server name" in info.value.message.english()


@pytest.mark.parametrize(
    "text", ["https://example.com/my episode.mp3", "https://exa mple.com/", "http://a.b/\u3000x"]
)
def test_url_with_spaces(text: str) -> None:
    with pytest.raises(InvalidSource) as info:
        parse_source(text)
    assert "spaces" in info.value.message.english()


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\r"])
def test_control_characters(char: str) -> None:
    with pytest.raises(InvalidSource) as info:
        parse_source(f"https://example.com/a{char}b")
    assert "control characters" in info.value.message.english()


def test_too_long() -> None:
    ok = "https://example.com/" + "a" * (8 * 1024 - len("https://example.com/"))
    assert parse_source(ok).url == ok
    with pytest.raises(InvalidSource) as info:
        parse_source(ok + "a")
    assert "too long" in info.value.message.english()


@pytest.mark.parametrize(
    "text", ["http://exa_mple..com/", "https://-bad-.com/x", "http://[::1/x", "http://a.com:99999/"]
)
def test_malformed_hosts_and_ports(text: str) -> None:
    with pytest.raises(InvalidSource):
        parse_source(text)


def test_not_a_link_nor_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for text in ("hello", "someone@example.com", "two words", "hello world"):
        with pytest.raises(InvalidSource) as info:
            parse_source(text)
        assert info.value.message.key == "source.not_text_link"
        assert info.value.message.english() == (
            f"“{text}” is neither a web link nor a file on this computer.")
        assert info.value.hint is not None and "Add files" in info.value.hint.english()


def test_a_missing_path_is_still_said_to_be_a_missing_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for text in ("talks/episode.mp3", "notes.m4a"):
        with pytest.raises(InvalidSource) as info:
            parse_source(text)
        assert info.value.message.key == "source.no_file"


@pytest.mark.parametrize("name", ["with\ttab.mp3", "with\nnewline.mp3", " leading.mp3"])
def test_file_names_with_control_characters_are_file_names(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"ID3")
    source = parse_source(str(path))
    assert source.kind is SourceKind.LOCAL_FILE
    assert source.path == path


def test_invalid_source_is_a_value_error_with_words() -> None:
    with pytest.raises(ValueError, match="Nothing to add") as info:
        parse_source("")
    error = info.value
    assert isinstance(error, InvalidSource)
    assert error.hint is not None
    assert str(error) == f"{error.message.english()} {error.hint.english()}"


def test_parsing_imports_no_network_libraries() -> None:
    code = (
        "import sys\n"
        "from podcast_desk.pipeline.sources import parse_source\n"
        "parse_source('https://example.com/a'); parse_source('example.com/b')\n"
        "heavy = {'yt_dlp', 'httpx', 'podcastparser', 'requests', 'urllib.request', 'ssl'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"
