"""A news site having a bad day, for the ``baddays`` cassette: every failure a crawl meets in the
wild, next to two articles that must come through unharmed.

It is served by the local mirror like the real sites' pages (``python -m tests.rebuild baddays``),
under the made-up host ``baddays.example``, with a short download timeout so that a slow page times
out while recording.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from parsel import Selector
from scrapy.http import Response

from scrapers.spiders.base import NewsSpider, PageFields
from tests.localsite import site_page_fields
from tests.rebuild.mirror import Page, Site

BASE = "https://baddays.example"
HTML = "text/html; charset=utf-8"
GOOD = {
    "/news/1": (
        "坏日子里的好文章",
        [
            "这一篇文章在同一次抓取里别的地址纷纷出错时照常到达，正文完整，一个字也不少。",
            "第二段说明，别处的超时、重定向循环和服务器错误都不影响它。",
        ],
    ),
    "/news/2": (
        "另一篇好文章",
        [
            "服务器先说忙，请一秒后再来；等过这一秒再取，这篇文章就完整地到了。",
            "第二段说明，遵守 Retry-After 的爬虫不会白白地连续重试。",
        ],
    ),
}
NOTES = (
    "Made up, not archived: a site whose feed links two good articles and six failures (404, 500, 503\n"
    "asking to come back in an hour, a page slower than the 1 s download timeout, a redirect loop, a\n"
    "page robots.txt disallows); a second 503 that asks for a 1 s pause and then answers; an empty feed\n"
    "and a feed that is not XML. Timeouts are kept in the cassette as recorded network failures.\n"
)


def _article(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return (
        f'<html><head><meta charset="utf-8"><title>{title}</title></head><body><h1>{title}</h1>'
        f'<div class="time">2025-03-04 05:06:07</div><div id="content">{body}</div></body></html>'
    ).encode()


def _rss(paths: list[str]) -> bytes:
    items = "".join(f"<item><title>{path}</title><link>{BASE}{path}</link></item>" for path in paths)
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()


def site() -> Site:
    links = ["/news/1", "/news/2", "/news/gone", "/news/broken", "/news/busy", "/news/slow", "/news/loop"]
    pages = {
        "/robots.txt": Page(200, "text/plain", b"User-agent: *\nDisallow: /private/\n"),
        "/feed.xml": Page(200, "application/rss+xml", _rss([*links, "/private/1"])),
        "/empty.xml": Page(200, "application/rss+xml", b""),
        "/not-xml.xml": Page(200, "application/rss+xml", b'{"error": "feed temporarily unavailable"}'),
        "/news/1": Page(200, HTML, _article(*GOOD["/news/1"])),
        "/news/2": Page(
            503, HTML, b"busy", headers=(("Retry-After", "1"),), then=Page(200, HTML, _article(*GOOD["/news/2"]))
        ),
        "/news/broken": Page(500, HTML, b"<h1>Internal Server Error</h1>"),
        "/news/busy": Page(503, HTML, b"<h1>Maintenance</h1>", headers=(("Retry-After", "3600"),)),
        "/news/slow": Page(200, HTML, _article("慢", ["太慢了。"]), delay=3),
        "/news/loop": Page(302, HTML, b"", headers=(("Location", "/news/loop-again"),)),
        "/news/loop-again": Page(302, HTML, b"", headers=(("Location", "/news/loop"),)),
        "/private/1": Page(200, HTML, _article("不许抓", ["robots.txt 不许抓这一页。"])),
    }
    return Site({BASE + path: page for path, page in pages.items()})


class BadDaysSpider(NewsSpider):
    name = "baddays"
    allowed_domains = ["baddays.example"]
    language = "zh"
    timezone = ZoneInfo("Asia/Shanghai")
    feed_urls = (f"{BASE}/feed.xml", f"{BASE}/empty.xml", f"{BASE}/not-xml.xml")
    custom_settings = {"DOWNLOAD_TIMEOUT": 1, "RETRY_TIMES": 1}

    def article_url(self, url: str) -> str | None:
        return url if re.match(rf"^{re.escape(BASE)}/(?:news|private)/[\w-]+$", url) else None

    def parse_page(self, response: Response, page: Selector) -> PageFields:
        return site_page_fields(page, self.timezone)
