"""The library commands as a user runs them: export, search, subscribe, subscriptions."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import srt
import webvtt

from podcast_desk.store.db import close_database, open_database
from tests.e2e.conftest import CliRunner
from tests.library.conftest import insert_episode
from tests.support.http_server import FeedItem, LoopbackServer

SUMMARY = {
    "engine": "extractive", "language": "en",
    "tldr": "Coffee, space, tides, bicycles and the piano.",
    "keyPoints": [{"text": "Spring tides come when sun and moon line up.", "start": 100.6}],
    "chapters": [{"start": 0.0, "end": 78.0, "title": "Coffee and space", "summary": ""}],
    "keywords": ["tides"], "quotes": [],
}


@pytest.fixture
def library(data_dir: Path) -> dict[str, int]:
    db = open_database(data_dir / "podcast-desk.db")
    try:
        topics = insert_episode("topics", title="Five topics", summary=SUMMARY)
        zh = insert_episode("zh_sample", title="中文节目")
        return {"topics": topics.id, "zh": zh.id}
    finally:
        close_database(db)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as s:
        yield s


def test_export_every_format(cli: CliRunner, library: dict[str, int], tmp_path: Path) -> None:
    ref = str(library["topics"])
    md = cli("export", ref, "--format", "md")
    assert md.code == 0 and md.stdout.startswith("# Five topics")
    assert "## TL;DR" in md.stdout and "**[1:40]**" in md.stdout
    txt = cli("export", ref, "--format", "txt")
    assert txt.code == 0 and "[0:00] A good cup of coffee" in txt.stdout
    assert SUMMARY["tldr"] in txt.stdout
    subtitles = list(srt.parse(cli("export", ref, "--format", "srt").stdout))
    assert subtitles[0].content.replace("\n", " ").startswith("A good cup of coffee")
    vtt = webvtt.from_buffer(io.StringIO(cli("export", f"ep_{ref}", "--format", "vtt").stdout))
    assert len(vtt.captions) >= len(subtitles) - 1
    body = cli("export", ref, "--format", "json").json
    assert body["title"] == "Five topics" and body["summary"]["tldr"] == SUMMARY["tldr"]


def test_export_never_overwrites_without_force(
    cli: CliRunner, library: dict[str, int], tmp_path: Path
) -> None:
    out = tmp_path / "episode.srt"
    ref = str(library["zh"])
    first = cli("export", ref, "--format", "srt", "-o", str(out))
    assert first.code == 0 and "Wrote" in first.stderr
    written = out.read_text("utf-8")
    assert "大熊猫" in written
    again = cli("export", str(library["topics"]), "--format", "srt", "-o", str(out), "--json")
    assert again.code == 1
    assert again.json == {"success": False,
                          "error": f"{out} already exists; use --force to replace it."}
    assert out.read_text("utf-8") == written
    forced = cli("export", str(library["topics"]), "--format", "srt", "-o", str(out),
                 "--force", "--json")
    assert forced.code == 0 and forced.json["success"] is True
    assert "coffee" in out.read_text("utf-8")
    missing = cli("export", "999", "--format", "md", "--json")
    assert missing.code == 1 and missing.json["success"] is False
    bad = cli("export", ref, "--format", "docx")
    assert bad.code == 2


def test_search(cli: CliRunner, library: dict[str, int]) -> None:
    result = cli("search", "tides moon", "--json")
    assert result.code == 0
    body = result.json
    assert body["success"] is True and body["results"]
    best = body["results"][0]
    assert {"episodeId", "title", "start", "snippet"} <= set(best)
    assert best["episodeId"] == library["topics"] and best["title"] == "Five topics"
    assert "«tides»" in best["snippet"].lower() and "«moon»" in best["snippet"].lower()
    assert best["start"] == 78.6

    zh = cli("search", "熊猫", "--json", "--limit", "3").json
    assert len(zh["results"]) == 3
    assert all(r["episodeId"] == library["zh"] and "«熊猫»" in r["snippet"]
               for r in zh["results"])

    human = cli("search", "tides moon")
    first_line = human.stdout.splitlines()[0]
    assert first_line.startswith("[1:18] Five topics — ") and "«tides»" in first_line

    for hostile in ('"(tides', "NOT", "*", "tides AND (", "'"):
        out = cli("search", hostile, "--json")
        assert out.code == 0 and out.json["success"] is True, hostile
    empty = cli("search", "  ", "--json")
    assert empty.code == 2 and empty.json["success"] is False
    nothing = cli("search", "xylophonic")
    assert nothing.code == 0 and "Nothing found." in nothing.stdout


def test_subscribe_list_unsubscribe(cli: CliRunner, server: LoopbackServer) -> None:
    server.add_feed("/show.xml", title="Loopback Show", items=[
        FeedItem(title=f"Episode {n}", guid=f"ep-{n}", pub_date=1_700_000_000.0 + n * 86400)
        for n in range(1, 4)])
    url = server.url("/show.xml")
    sub = cli("subscribe", url, "--backfill", "2", "--json")
    assert sub.code == 0, sub.stderr
    body = sub.json
    assert body["success"] is True and body["created"] is True and len(body["taskIds"]) == 2
    assert body["subscription"]["title"] == "Loopback Show"
    queued = cli("list", "--json").json["tasks"]
    assert sorted(t["data"]["guid"] for t in queued) == ["ep-2", "ep-3"]
    assert all(t["data"]["feedUrl"] == url for t in queued)

    again = cli("subscribe", url, "--json").json
    assert again["created"] is False and again["taskIds"] == []

    listed = cli("subscriptions", "--json").json["subscriptions"]
    assert len(listed) == 1
    entry = listed[0]
    assert entry["feedUrl"] == url and entry["lastError"] is None
    assert entry["lastCheckedAt"] and entry["nextCheckAt"] > entry["lastCheckedAt"]
    assert (entry["episodesSeen"], entry["episodesQueued"]) == (3, 2)
    human = cli("subscriptions").stdout
    assert "Loopback Show" in human and "last check" in human and "next" in human

    not_a_feed = cli("subscribe", server.url("/page"), "--json")
    assert not_a_feed.code == 2 and "web page" in not_a_feed.json["error"]
    assert cli("subscribe", "not a url", "--json").code == 2

    gone = cli("unsubscribe", str(entry["id"]), "--json")
    assert gone.code == 0 and gone.json["success"] is True
    assert cli("subscriptions", "--json").json["subscriptions"] == []
    assert cli("unsubscribe", url, "--json").code == 1
    assert "No subscriptions" in cli("subscriptions").stdout


def test_subscriptions_check_shows_a_broken_feed(cli: CliRunner, server: LoopbackServer) -> None:
    server.add_feed("/show.xml", items=[FeedItem(title="One", guid="one")])
    url = server.url("/show.xml")
    assert cli("subscribe", url, "--backfill", "0", "--json").code == 0
    server.set("/show.xml", body=b"<<< not a feed")
    listed = cli("subscriptions", "--check", "--json").json["subscriptions"]
    assert "not valid RSS or Atom" in listed[0]["lastError"]
    assert "Error: This feed could not be read" in cli("subscriptions").stdout
    assert json.loads(cli("list", "--json").stdout)["tasks"] == []
