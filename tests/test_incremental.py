"""Incremental crawling and crash safety over the Anquanke cassette (pipelines/incremental.py,
scrapers/seen.py, scrapers/feedstorage.py)."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import pytest_twisted
import yaml

from scrapers.seen import Feed, SeenRecord, SQLiteSeenStore
from tests.crawling import ROOT, CrawlResult, crawl_cassette, feed_lines, scrapy_command

CASSETTE = ROOT / "cassettes" / "anquanke" / "crawl.yaml"
FEED_URL = "https://api.anquanke.com/data/v1/rss"
LIST_URL = "https://api.anquanke.com/data/v1/posts?size=10&page=1&category=news"
CHANGED = "https://www.anquanke.com/post/id/308613"
ARTICLES = 32


async def run(state: Path, feed_dir: Path, cassette: Path = CASSETTE, **settings: Any) -> CrawlResult:
    return await crawl_cassette("anquanke", feed_dir, state, cassette, **settings)


def changed_cassette(folder: Path) -> Path:
    """The Anquanke cassette with one article edited after it was first fetched."""
    cassette = yaml.safe_load(CASSETTE.read_text(encoding="utf-8"))
    (page,) = [i["response"] for i in cassette["interactions"] if i["request"]["uri"] == CHANGED]
    body = page["body"]["string"]
    assert "网络安全研究人员发现了两个本地权限提升" in body
    page["body"]["string"] = body.replace(
        "网络安全研究人员发现了两个本地权限提升", "【更新】研究人员确认了两个本地权限提升"
    )
    path = folder / "changed.yaml"
    path.write_text(yaml.safe_dump(cassette, allow_unicode=True), encoding="utf-8")
    return path


@pytest_twisted.ensureDeferred
async def test_a_second_run_fetches_only_feeds_and_a_changed_article_comes_back_updated(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite3"
    first = await run(state, tmp_path / "run1")
    assert len(first.items) == ARTICLES and first.stats["incremental/new"] == ARTICLES
    before = first.item(CHANGED)

    # Within the re-fetch TTL: the feed and list pages are fetched, no article is.
    second = await run(state, tmp_path / "run2")
    assert second.items == []
    assert second.stats["incremental/not_refetched"] == ARTICLES
    assert FEED_URL in second.fetched and LIST_URL in second.fetched
    assert not [url for url in second.fetched if "/post/id/" in url]

    # Past the TTL every article is fetched again; unchanged ones are not emitted.
    third = await run(state, tmp_path / "run3", INCREMENTAL_REFETCH_AFTER=0)
    assert third.items == [] and third.stats["incremental/unchanged"] == ARTICLES
    assert len([url for url in third.fetched if "/post/id/" in url]) == ARTICLES

    # One article changed: it alone comes back, in the same story, with a newer dateModified.
    fourth = await run(state, tmp_path / "run4", changed_cassette(tmp_path), INCREMENTAL_REFETCH_AFTER=0)
    assert [item["url"] for item in fourth.items] == [CHANGED]
    assert fourth.stats["incremental/updated"] == 1 and fourth.stats["incremental/unchanged"] == ARTICLES - 1
    after = fourth.items[0]
    assert after["articleBody"].startswith("【更新】研究人员确认了两个本地权限提升")
    assert after["storyId"] == before["storyId"] and after["duplicateOf"] is None
    assert before["dateModified"] is None
    assert datetime.fromisoformat(after["dateModified"]) >= datetime.fromisoformat(before["dateDownloaded"])

    # The update is the article's new state: fetching it again finds nothing changed.
    fifth = await run(state, tmp_path / "run5", changed_cassette(tmp_path), INCREMENTAL_REFETCH_AFTER=0)
    assert fifth.items == [] and fifth.stats["incremental/unchanged"] == ARTICLES


def dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_a_dead_run_is_rolled_back_unless_its_feed_was_published(tmp_path: Path) -> None:
    store = SQLiteSeenStore(tmp_path / "state.sqlite3", retention_days=180)
    committed = store.begin("anquanke")
    store.record("https://a.example/1", "hash1", None, 1000.0, committed.id)
    store.commit(committed.id)

    killed = store.begin("anquanke")
    store.record("https://a.example/1", "hash2", "2025-01-02T00:00:00+00:00", 2000.0, killed.id)
    store.record("https://a.example/2", "hash3", None, 2000.0, killed.id)
    store.add_feed(killed.id, Feed(str(tmp_path / "a.jsonl"), str(tmp_path / ".a.jsonl.part")))
    (tmp_path / ".a.jsonl.part").write_text('{"url": "https://a.example/1"}\n{"url": ')

    published = store.begin("cnbeta")
    store.record("https://b.example/1", "hash4", None, 2000.0, published.id)
    store.add_feed(published.id, Feed(str(tmp_path / "b.jsonl"), str(tmp_path / ".b.jsonl.part")))
    (tmp_path / "b.jsonl").write_text('{"url": "https://b.example/1"}\n')
    store.db.execute("UPDATE crawl_runs SET pid = ?, process_start = NULL", (dead_pid(),))
    store.db.commit()

    runs = {run.id: run for run in store.unfinished()}
    assert set(runs) == {killed.id, published.id}
    assert not runs[killed.id].is_alive() and not runs[killed.id].feeds[0].is_published()
    assert runs[published.id].feeds[0].is_published()
    assert store.rollback(killed.id) == ["https://a.example/1", "https://a.example/2"]
    store.commit(published.id)

    assert store.get("https://a.example/1") == SeenRecord("hash1", None, 1000.0, committed.id)
    assert store.get("https://a.example/2") is None
    assert store.get("https://b.example/1") is not None and store.unfinished() == []
    # A run of this very process is alive.
    assert store.begin("anquanke").is_alive()


def seen_rows(state: Path) -> int:
    try:
        with sqlite3.connect(state, timeout=5) as db:
            return int(db.execute("SELECT COUNT(*) FROM seen").fetchone()[0])
    except sqlite3.OperationalError:  # not created yet
        return 0


def kill_midway(command: list[str], state: Path, after: int, log: Path) -> None:
    """Start the crawl and SIGKILL it once ``after`` articles are in the seen-store."""
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while seen_rows(state) < after:
            assert process.poll() is None, f"the crawl ended before it could be killed:\n{log.read_text()}"
            assert time.monotonic() < deadline, "the crawl did not get going"
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert seen_rows(state) < ARTICLES, "the crawl was not killed midway"


def integrity(state: Path) -> str:
    with sqlite3.connect(state) as db:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])


def folder_names(folder: Path, hidden: bool) -> list[str]:
    names = sorted(path.name for path in folder.iterdir()) if folder.exists() else []
    return [name for name in names if name.startswith(".") == hidden]


def test_kill_midway_and_rerun_emits_every_article_exactly_once(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite3"
    feeds = tmp_path / "feeds"
    command = scrapy_command("anquanke", state, feeds, CASSETTE)

    folder = feeds / "anquanke"
    kill_midway(command, state, 3, tmp_path / "run1.log")
    # Whatever the killed crawl had written is under a hidden temporary name, if anywhere.
    assert folder_names(folder, hidden=False) == []
    assert all(name.endswith(".jsonl.part") for name in folder_names(folder, hidden=True))
    assert integrity(state) == "ok"

    # Killed again, later in its own crawl, after rolling back the first.
    kill_midway(command, state, 20, tmp_path / "run2.log")
    assert "are rolled back and will be fetched again" in (tmp_path / "run2.log").read_text()
    assert folder_names(folder, hidden=False) == []
    assert len(folder_names(folder, hidden=True)) == 1, "the first crawl's partial feed is removed"
    assert integrity(state) == "ok"

    time.sleep(1)  # feed names carry the time to the second
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert "are rolled back and will be fetched again" in finished.stderr
    assert integrity(state) == "ok"

    # Nothing is left half-written, and a last run finds nothing new.
    time.sleep(1)
    again = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "'incremental/not_refetched': 32" in again.stderr
    assert folder_names(folder, hidden=True) == []
    urls = [json.loads(line)["url"] for line in feed_lines(folder)]
    assert len(urls) == ARTICLES and len(set(urls)) == ARTICLES


@pytest.mark.parametrize("mode", ["overwrite", "append"])
def test_a_feed_appears_complete_or_not_at_all(tmp_path: Path, mode: str) -> None:
    from scrapy import Spider
    from scrapy.utils.test import get_crawler

    from scrapers.feedstorage import AtomicFileFeedStorage, feed_opened, feed_published

    crawler = get_crawler()
    heard: list[tuple[str, str]] = []
    crawler.signals.connect(lambda path, temporary: heard.append(("opened", path)), signal=feed_opened, weak=False)
    crawler.signals.connect(lambda path: heard.append(("published", path)), signal=feed_published, weak=False)
    final = tmp_path / "feed.jsonl"
    final.write_text('{"old": 1}\n')
    storage = AtomicFileFeedStorage.from_crawler(crawler, str(final), feed_options={"overwrite": mode == "overwrite"})
    file = storage.open(Spider(name="x"))
    file.write(b'{"new": 1}\n')
    assert final.read_text() == '{"old": 1}\n'
    storage.store(file)
    expected = '{"new": 1}\n' if mode == "overwrite" else '{"old": 1}\n{"new": 1}\n'
    assert final.read_text() == expected
    assert not (tmp_path / ".feed.jsonl.part").exists()
    assert heard == [("opened", str(final)), ("published", str(final))]
