"""Bad input gets a logged reason and a stat, and the rest of the crawl is unaffected."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
import pytest_twisted

from tests.crawling import crawl
from tests.localsite import UTF8, LocalNewsSpider, article, rss, serve
from tests.rebuild.archive import urlset
from tests.rebuild.mirror import Page

GOOD = [
    "这是一篇正常的文章，它的正文足够长，可以通过校验，也应当原样出现在输出的数据里。",
    "第二段说明，即使同一次抓取里别的地址全部出错，这篇文章也不受任何影响。",
]
# Unclosed paragraphs, a stray closing tag and an unterminated comment: pages like this are real.
BROKEN = (
    "<html><head><meta charset=utf-8><title>坏页面</title><body><h1>坏页面</h1><div id=content>"
    f"<p>{GOOD[0]}<p>{GOOD[1]}</span></div><!-- unterminated"
)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
@pytest_twisted.ensureDeferred
async def test_failures_are_counted_and_the_crawl_goes_on(tmp_path: Path) -> None:
    links = ["/news/1", "/news/2", "/news/3", "/news/4", "/news/5", "/news/6", "/news/7"]
    server, base = serve(
        lambda base: {
            "/feed.xml": Page(200, "application/rss+xml", rss(base, links)),
            "/broken.xml": Page(500, UTF8, b"<h1>Internal Server Error</h1>"),
            "/not-a-feed.xml": Page(200, UTF8, b"<html><body><p>Maintenance</p></body></html>"),
            "/empty.xml": Page(200, "application/xml", b'<?xml version="1.0"?><rss><channel></channel></rss>'),
            "/news/1": Page(200, UTF8, article("正常文章", GOOD).encode()),
            "/news/2": Page(200, UTF8, b""),
            "/news/3": Page(200, UTF8, PNG),
            "/news/4": Page(200, UTF8, article("超大页面", ["很长的一页。" * 20000]).encode()),
            "/news/6": Page(200, UTF8, article("短", ["太短"]).encode()),
            "/news/7": Page(200, UTF8, BROKEN.encode()),
        }
    )
    feeds = "/missing.xml,/broken.xml,/not-a-feed.xml,/empty.xml,/feed.xml"
    with server:
        result = await crawl(
            LocalNewsSpider,
            tmp_path,
            # Kept so that both pages' text can be compared; the second is marked, not dropped.
            {"DOWNLOAD_MAXSIZE": 100_000, "RETRY_TIMES": 1, "DEDUPE_ACTION": "annotate"},
            base=base,
            feeds=feeds,
        )

    stats = result.stats
    bodies = {item["url"].removeprefix(base): item["articleBody"] for item in result.items}
    assert bodies == {"/news/1": "\n".join(GOOD), "/news/7": "\n".join(GOOD)}
    first, second = result.items
    assert (second["duplicateKind"], second["duplicateOf"]) == ("exact", first["url"])
    assert first["duplicateKind"] is None and first["storyId"] == second["storyId"]
    assert stats["dedupe/duplicate/exact"] == 1
    assert stats["finish_reason"] == "finished"
    assert stats["start_url/failed"] == 2
    assert stats["start_url/failed/http_404"] == 1
    assert stats["start_url/failed/http_500"] == 1
    assert stats["feed/invalid"] == 1
    assert stats["feed/empty"] == 1
    assert stats["article/skipped/empty_body"] == 1
    assert stats["article/skipped/binary_body"] == 1
    assert stats["article/failed/http_404"] == 1
    assert stats["validate/dropped/short_body"] == 1
    # The oversized page is cancelled by the downloader (DOWNLOAD_MAXSIZE) and counted as failed.
    oversized = {key: value for key, value in stats.items() if key.startswith("article/failed/") and "404" not in key}
    assert sum(oversized.values()) == 1, oversized


@pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
@pytest_twisted.ensureDeferred
async def test_bad_sitemaps_are_counted_and_good_ones_followed(tmp_path: Path) -> None:
    def pages(base: str) -> dict[str, Page]:
        robots = "".join(
            f"Sitemap: {base}{path}\n" for path in ("/sitemap.xml.gz", "/empty.xml", "/bad.xml.gz", "/page.xml")
        )
        return {
            "/robots.txt": Page(200, "text/plain", robots.encode()),
            # Served as a gzip file, not with Content-Encoding: the spider has to gunzip it.
            "/sitemap.xml.gz": Page(
                200,
                "application/x-gzip",
                gzip.compress(urlset([(f"{base}/news/1", "2025-03-01"), (f"{base}/news/2", "2024-12-31")])),
            ),
            "/empty.xml": Page(200, "application/xml", b""),
            "/bad.xml.gz": Page(200, "application/x-gzip", b"\x1f\x8b" + b"not gzip at all"),
            "/page.xml": Page(200, UTF8, b"<html><body>Not a sitemap</body></html>"),
            "/news/1": Page(200, UTF8, article("正常文章", GOOD).encode()),
        }

    server, base = serve(pages)
    with server:
        result = await crawl(
            LocalNewsSpider, tmp_path, {}, base=base, feeds="", sitemaps="/robots.txt", since="2025-01-01"
        )

    assert [item["url"] for item in result.items] == [f"{base}/news/1"]
    stats = result.stats
    assert stats["sitemap/entries"] == 2
    assert stats["discovery/before_since"] == 1  # /news/2, last modified before since, is not fetched
    assert f"{base}/news/2" not in result.fetched
    assert stats["sitemap/empty"] == 1
    assert stats["sitemap/invalid"] == 2  # the bad gzip and the HTML page
    assert stats["finish_reason"] == "finished"


@pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
@pytest_twisted.ensureDeferred
async def test_without_since_sitemaps_are_not_read(tmp_path: Path) -> None:
    server, base = serve(
        lambda base: {
            "/feed.xml": Page(200, "application/rss+xml", rss(base, ["/news/1"])),
            "/sitemap.xml": Page(200, "application/xml", urlset([(f"{base}/news/2", "2025-03-01")])),
            "/news/1": Page(200, UTF8, article("正常文章", GOOD).encode()),
            "/news/2": Page(200, UTF8, article("旧文章", GOOD).encode()),
        }
    )
    with server:
        result = await crawl(LocalNewsSpider, tmp_path, {}, base=base, sitemaps="/sitemap.xml")

    assert [item["url"] for item in result.items] == [f"{base}/news/1"]
    assert f"{base}/sitemap.xml" not in result.fetched
