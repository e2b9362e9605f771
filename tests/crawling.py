"""Running a real crawl in-process and reading what its feed wrote."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import AsyncCrawlerRunner
from scrapy.http import Response
from scrapy.utils.project import get_project_settings
from twisted.internet.defer import Deferred

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@dataclass
class CrawlResult:
    items: list[dict[str, Any]]
    stats: dict[str, Any]
    fetched: list[str]
    feed: Path

    def item(self, url_part: str) -> dict[str, Any]:
        matches = [item for item in self.items if url_part in item["url"]]
        assert len(matches) == 1, f"{len(matches)} items match {url_part!r}: {[i['url'] for i in self.items]}"
        return matches[0]


async def crawl(
    spider: str | type, feed_dir: Path, settings: dict[str, Any] | None = None, **spider_args: Any
) -> CrawlResult:
    """Run ``spider`` with the project's settings (plus ``settings``) through its real
    middlewares, pipelines and feed exporter, and return the items its JSON-lines feed holds."""
    project = get_project_settings()
    feed = feed_dir / "feed.jsonl"
    project.set("FEEDS", {str(feed): {"format": "jsonlines", "encoding": "utf-8"}})
    project.set("AUTOTHROTTLE_ENABLED", False)
    project.set("DOWNLOAD_DELAY", 0)
    project.set("LOG_LEVEL", "WARNING")
    # Each crawl learns site templates from scratch, not from whatever ran before it.
    project.set("STATE_PATH", str(feed_dir / "state.sqlite3"))
    for name, value in (settings or {}).items():
        project.set(name, value)
    runner = AsyncCrawlerRunner(project)
    crawler = runner.create_crawler(spider)
    fetched: list[str] = []

    def on_response(response: Response) -> None:
        fetched.append(response.url)

    crawler.signals.connect(on_response, signal=signals.response_received)
    # pytest-twisted drives tests as Twisted coroutines, which await Deferreds, not asyncio tasks.
    await Deferred.fromFuture(runner.crawl(crawler, **spider_args))
    assert crawler.stats is not None
    items = []
    if feed.exists():
        items = [json.loads(line) for line in feed.read_text(encoding="utf-8").splitlines()]
    return CrawlResult(items, crawler.stats.get_stats(), fetched, feed)


# The cassettes hold crawls recorded with this since (see the Makefile's REPLAY), so that a replay
# asks for exactly what was recorded.
CASSETTE_SINCE = "2000-01-01"


async def crawl_cassette(
    spider: str, feed_dir: Path, state: Path, cassette: Path | None = None, **settings: Any
) -> CrawlResult:
    """``crawl`` replaying ``cassette`` (by default the spider's own) on the state file ``state``;
    a request the cassette misses fails."""
    cassette = cassette or ROOT / "cassettes" / spider / "crawl.yaml"
    result = await crawl(
        spider, feed_dir, {"CASSETTE_PATH": str(cassette), "STATE_PATH": str(state), **settings}, since=CASSETTE_SINCE
    )
    assert_no_cassette_miss(result)
    return result


def scrapy_command(spider: str, state: Path, feeds: Path, cassette: Path, *settings: str) -> list[str]:
    """``scrapy crawl`` of ``spider`` replaying ``cassette``, its
    state in ``state`` and its feeds, named the default way, under ``feeds``."""
    default_feeds = {
        f"{feeds}/%(name)s/%(time)s.jsonl": {"format": "jsonlines", "encoding": "utf-8", "store_empty": False}
    }
    command = [sys.executable, "-m", "scrapy", "crawl", spider, "-a", f"since={CASSETTE_SINCE}"]
    for setting in (
        f"CASSETTE_PATH={cassette}",
        "CASSETTE_RECORD_MODE=none",
        f"STATE_PATH={state}",
        f"DEFAULT_FEEDS={json.dumps(default_feeds)}",
        "AUTOTHROTTLE_ENABLED=False",
        "DOWNLOAD_DELAY=0",
        *settings,
    ):
        command += ["-s", setting]
    return command


def feed_lines(folder: Path) -> list[str]:
    """Every line of the published feeds in ``folder``, each checked to be a whole JSON object."""
    lines = []
    for feed in sorted(folder.glob("*.jsonl")):
        for line in feed.read_text(encoding="utf-8").splitlines():
            assert isinstance(json.loads(line), dict), f"{feed}: {line[:80]}"
            lines.append(line)
    return lines


def assert_no_cassette_miss(result: CrawlResult) -> None:
    missed = result.stats.get("cassette/missed", 0)
    assert missed == 0, f"{missed} request(s) were not in the cassette; re-record it (see README)"
