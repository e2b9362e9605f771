"""Any site, with no code written for it: ``scrapy crawl feed -a url=<feed or sitemap URL>``.

``url`` is an RSS or Atom feed, a sitemap, a sitemap index, a Google News sitemap, or a robots.txt
whose ``Sitemap:`` lines name them; the kind is told from the response. Several URLs go in one
argument separated by spaces (Scrapy keeps only the last of repeated ``-a`` options). The crawl
stays on the registered domains of those URLs, plus any named in ``-a domains=``. Articles go
through the generic extraction path, and each gets the language its page declares.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC
from typing import Any
from urllib.parse import urlsplit

import scrapy
from parsel import Selector
from scrapy.http import Response

from scrapers.attribution import is_article_url
from scrapers.spiders.base import NewsSpider, PageFields, is_robots_txt
from scrapers.urls import canonical_url, registered_domain

_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}\b")


class FeedSpider(NewsSpider):
    name = "feed"
    language = None
    # Feed and sitemap dates carry their offsets; a bare date is read as UTC.
    timezone = UTC

    def __init__(self, *args: Any, url: str | None = None, domains: str | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.start_urls = (url or "").split()
        if not self.start_urls:
            raise ValueError("the feed spider needs -a url=<RSS/Atom feed, sitemap or robots.txt URL>")
        for start_url in self.start_urls:
            parts = urlsplit(start_url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"not an http(s) URL: {start_url!r}")
        named = {registered_domain(start_url) for start_url in self.start_urls}
        self.allowed_domains = sorted(named | set((domains or "").replace(",", " ").split()))

    async def start(self) -> AsyncIterator[Any]:
        for url in self.start_urls:
            yield scrapy.Request(url, callback=self.parse_start, errback=self.start_failed, dont_filter=True)

    def parse_start(self, response: Response) -> Iterator[scrapy.Request]:
        """A robots.txt, a sitemap (index) or a feed, told apart by what the response holds."""
        if is_robots_txt(response.url):
            yield from self.parse_sitemap(response)
            return
        selector = self.xml_document(response, "feed")
        if selector is None:
            return
        if selector.xpath("name(/*)").get() in ("urlset", "sitemapindex"):
            yield from self.follow_sitemap(response, selector)
        else:
            yield from self.follow_feed(response, selector)

    def article_url(self, url: str) -> str | None:
        host = urlsplit(url).hostname or ""
        on_site = any(host == domain or host.endswith(f".{domain}") for domain in self.allowed_domains)
        return canonical_url(url) if on_site and is_article_url(url) else None

    def parse_page(self, response: Response, page: Selector) -> PageFields:
        declared = (
            page.xpath("/html/@lang").get()
            or page.xpath(
                '//meta[translate(@http-equiv, "CONTENTLAGU", "contentlagu") = "content-language"]/@content'
            ).get()
            or page.css('meta[property="og:locale"]::attr(content)').get()
            or ""
        )
        match = _LANGUAGE.match(declared.strip())
        return PageFields(language=match[0].lower() if match else None)
