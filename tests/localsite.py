"""A small news site served on 127.0.0.1, and a spider for it, for tests of the crawl machinery."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from parsel import Selector
from scrapy.http import Response

from scrapers.dates import parse_local
from scrapers.spiders.base import NewsSpider, PageFields, drop_chrome
from scrapers.urls import canonical_url
from tests.rebuild.mirror import MirrorServer, Page, Site

UTF8 = "text/html; charset=utf-8"


def article(title: str, paragraphs: list[str], charset: str = "utf-8") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<html><head><meta charset="{charset}"><title>{title}</title></head><body>'
        f'<nav><a href="/">首页</a></nav><h1>{title}</h1><div class="time">2025-01-02 03:04:05</div>'
        f'<div id="content">{body}</div><footer>版权所有 示例新闻网</footer></body></html>'
    )


def rss(base: str, paths: list[str]) -> bytes:
    items = "".join(f"<item><title>t{n}</title><link>{base}{path}</link></item>" for n, path in enumerate(paths))
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()


def site_page_fields(page: Selector, timezone: tzinfo) -> PageFields:
    """What the test sites' pages hold: an h1 headline, a .time line and a #content body."""
    container = page.css("#content")
    return PageFields(
        headline=page.css("h1::text").get(),
        body_html=drop_chrome(container[0], ()) if container else None,
        published=parse_local(page.css(".time::text").get(), timezone),
    )


class LocalNewsSpider(NewsSpider):
    """Articles are /news/<n> (and /old/<n>, which redirects) on a server at ``-a base=…``."""

    name = "localnews"
    language = "zh"
    timezone = ZoneInfo("Asia/Shanghai")

    def __init__(self, *args: Any, base: str, feeds: str = "/feed.xml", sitemaps: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.feed_urls = tuple(f"{base}{path}" for path in feeds.split(",") if path)
        self.sitemap_urls = tuple(f"{base}{path}" for path in sitemaps.split(",") if path)

    def article_url(self, url: str) -> str | None:
        return canonical_url(url) if re.match(r"^http://127\.0\.0\.1:\d+/(?:news|old)/\d+$", url) else None

    def parse_page(self, response: Response, page: Selector) -> PageFields:
        return site_page_fields(page, self.timezone)


def serve(pages: Callable[[str], dict[str, Page]]) -> tuple[MirrorServer, str]:
    """A server on 127.0.0.1 and its base URL; ``pages(base)`` gives its pages keyed by path
    (the port, and so the URLs a feed links to, are known only once the server is bound)."""
    server = MirrorServer(Site({}))
    base = f"http://{server.address}"
    server.site.pages.update({base + path: page for path, page in pages(base).items()})
    return server, base
