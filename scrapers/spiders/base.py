"""The base class every source spider builds on.

A source spider only describes its site: where its feeds and list pages are, which URLs are
articles and what their canonical form is, and how an article page is read (``parse_page``).
Discovery, ``-a since``/``-a limit``, charset handling, extraction, error accounting and the
``Article`` item are shared here.
"""

from __future__ import annotations

import json
import logging
import re
import struct
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

import scrapy
from parsel import Selector
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import sitemap_urls_from_robots
from twisted.python.failure import Failure
from w3lib.encoding import http_content_type_encoding

from scrapers.attribution import original_url, text_with_links
from scrapers.dates import isoformat, parse_feed_date
from scrapers.extraction import (
    container_text,
    decode_html,
    detect_language,
    extract_metadata,
    extract_text,
    looks_binary,
)
from scrapers.items import Article
from scrapers.urls import canonical_url

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Listing:
    """What a feed entry or list page said about an article before it was fetched."""

    url: str
    headline: str | None = None
    published: datetime | None = None
    authors: tuple[str, ...] = ()
    section: str | None = None
    description: str | None = None


@dataclass
class PageFields:
    """What a site's ``parse_page`` read from an article page. Unset fields fall back to generic
    extraction (``body_html`` to ``extract_text``, the rest to trafilatura's metadata)."""

    headline: str | None = None
    body_html: str | None = None
    published: datetime | None = None
    modified: datetime | None = None
    authors: list[str] = field(default_factory=list)
    description: str | None = None
    image: str | None = None
    keywords: list[str] = field(default_factory=list)
    section: str | None = None
    is_based_on: str | None = None
    original_author: str | None = None
    original_source: str | None = None
    # The page's own language, for spiders that crawl sites of any language.
    language: str | None = None


def failure_reason(failure: Failure) -> str:
    """A short reason for a failed request, usable in logs and as a stats key."""
    error = failure.value
    if isinstance(error, HttpError):
        return f"http_{error.response.status}"
    if type(error) is IgnoreRequest and "robots.txt" in str(error):
        # RobotsTxtMiddleware says so only in the message of a plain IgnoreRequest.
        return "robots_txt"
    return type(error).__name__


def failed_url(failure: Failure) -> str:
    # Scrapy sets `request` on the failures it passes to errbacks.
    request = getattr(failure, "request", None)
    return request.url if request is not None else "?"


class NewsSpider(scrapy.Spider):
    """Shared discovery and article handling. Subclasses set the class attributes and hooks."""

    # None when the spider crawls sites of any language; parse_page then reads the page's own.
    language: ClassVar[str | None]
    timezone: ClassVar[tzinfo]
    feed_urls: tuple[str, ...] = ()
    list_urls: tuple[str, ...] = ()
    # Sitemaps, sitemap indexes, or robots.txt files that name them. They reach back through the
    # whole archive, so they are read only to backfill, when ``-a since`` is given.
    sitemap_urls: tuple[str, ...] = ()
    # CSS selectors for chrome inside the article container, removed before extraction.
    chrome_selectors: ClassVar[tuple[str, ...]] = ()
    # Regular expressions for the site's chrome lines (see scrapers/chrome.py): lines that are
    # chrome wherever they are, the line that closes a whole page's header, and a line where the
    # article has ended.
    chrome_lines: ClassVar[tuple[str, ...]] = ()
    chrome_head_lines: ClassVar[tuple[str, ...]] = ()
    chrome_tail_lines: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, since: str | None = None, limit: str | int | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.since: date | None = date.fromisoformat(since) if since else None
        self.limit: int | None = int(limit) if limit not in (None, "") else None
        if self.limit is not None and self.limit < 0:
            raise ValueError(f"limit must be 0 or more, not {self.limit}")
        self._scheduled: set[str] = set()

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        if not settings.getdict("FEEDS"):
            settings.set("FEEDS", settings.getdict("DEFAULT_FEEDS"), priority="spider")

    # -- hooks a source spider implements ---------------------------------------------------------

    def article_url(self, url: str) -> str | None:
        """The canonical URL of an article URL in any of its forms, or None if not an article."""
        raise NotImplementedError

    def parse_list(self, response: Response) -> Iterable[scrapy.Request]:
        """Follow a list page (or list API response): article requests and the next page."""
        return ()

    def parse_page(self, response: Response, page: Selector) -> PageFields:
        """Read an article page. The default leaves everything to generic extraction."""
        return PageFields()

    # -- discovery ---------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        # Feeds and list pages are fetched on every crawl, even when a shared duplicate filter
        # (distributed mode) saw them in an earlier one.
        for url in self.feed_urls:
            yield scrapy.Request(url, callback=self.parse_feed, errback=self.start_failed, dont_filter=True)
        for url in self.list_urls:
            yield scrapy.Request(url, callback=self.parse_list, errback=self.start_failed, dont_filter=True)
        if self.since is None:
            return
        for url in self.sitemap_urls:
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.start_failed, dont_filter=True)

    def start_failed(self, failure: Failure) -> None:
        reason = failure_reason(failure)
        logger.error("Start URL %s failed (%s); the crawl goes on", failed_url(failure), reason)
        self._inc("start_url/failed")
        self._inc(f"start_url/failed/{reason}")

    def article_failed(self, failure: Failure) -> None:
        reason = failure_reason(failure)
        logger.warning("Article %s failed (%s)", failed_url(failure), reason)
        self._inc(f"article/failed/{reason}")

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        """RSS 2.0 or Atom: each entry becomes a ``Listing`` and, if wanted, an article request."""
        selector = self.xml_document(response, "feed")
        if selector is not None:
            yield from self.follow_feed(response, selector)

    def xml_document(self, response: Response, kind: str) -> Selector | None:
        """The response as an XML document without namespaces; an empty or unparsable ``kind``
        (feed, sitemap) is logged and counted, and gives None."""
        body = response.body
        if body[:2] == b"\x1f\x8b":
            # A .xml.gz file served as such is still compressed: Content-Encoding did not apply.
            try:
                body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            except (OSError, EOFError, struct.error, ValueError) as error:  # ValueError: over DOWNLOAD_MAXSIZE
                logger.warning("%s %s is not valid gzip: %s", kind.capitalize(), response.url, error)
                self._inc(f"{kind}/invalid")
                return None
        if not body.strip():
            logger.warning("%s %s is empty", kind.capitalize(), response.url)
            self._inc(f"{kind}/empty")
            return None
        try:
            selector = Selector(body=body, type="xml")
        except (ValueError, TypeError) as error:
            logger.warning("%s %s is not XML: %s", kind.capitalize(), response.url, error)
            self._inc(f"{kind}/invalid")
            return None
        selector.remove_namespaces()
        return selector

    def follow_feed(self, response: Response, selector: Selector) -> Iterator[scrapy.Request]:
        entries = selector.xpath("//item | //entry")
        if not entries:
            is_feed = selector.xpath("/rss | /feed | /RDF")
            logger.warning("Feed %s has no entries%s", response.url, "" if is_feed else " and is not RSS or Atom")
            self._inc("feed/empty" if is_feed else "feed/invalid")
            return
        self._inc("feed/entries", len(entries))
        for entry in entries:
            # Atom entries also link their comments and edit URLs; the article is rel=alternate.
            # FeedBurner may route <link> through its own redirect and keep the article in origLink.
            link = (
                entry.xpath("origLink/text()").get()
                or entry.xpath('link[@rel="alternate" or not(@rel)]/@href').get()
                or entry.xpath("link/text()").get()
                or entry.xpath('guid[not(@isPermaLink="false")]/text()').get()
            )
            if not link:
                continue
            yield from self.follow_article(
                Listing(
                    url=response.urljoin(link.strip()),
                    headline=_clean(entry.xpath("title/text()").get()),
                    published=parse_feed_date(
                        entry.xpath("pubDate/text() | published/text() | updated/text() | date/text()").get(),
                        self.timezone,
                    ),
                    authors=tuple(
                        author_name(name)
                        for name in entry.xpath("author/name/text() | author/text() | creator/text()").getall()
                        if name.strip()
                    ),
                    section=_clean(entry.xpath("category/text()").get()),
                )
            )

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        """A robots.txt (its ``Sitemap:`` lines), a sitemap index (its sitemaps) or a sitemap
        (its URLs, with Google News titles and dates when it is a news sitemap)."""
        if is_robots_txt(response.url):
            urls = list(sitemap_urls_from_robots(response.body, base_url=response.url))
            if not urls:
                logger.warning("%s names no sitemap", response.url)
                self._inc("sitemap/none_in_robots")
            for url in urls:
                yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.start_failed)
            return
        selector = self.xml_document(response, "sitemap")
        if selector is not None:
            yield from self.follow_sitemap(response, selector)

    def follow_sitemap(self, response: Response, selector: Selector) -> Iterator[scrapy.Request]:
        root = selector.xpath("name(/*)").get()
        if root == "sitemapindex":
            for entry in selector.xpath("/sitemapindex/sitemap"):
                loc = entry.xpath("normalize-space(loc)").get()
                if loc and not self._modified_before_since(entry):
                    yield scrapy.Request(response.urljoin(loc), callback=self.parse_sitemap, errback=self.start_failed)
            return
        if root != "urlset":
            logger.warning("Sitemap %s is neither a urlset nor a sitemap index", response.url)
            self._inc("sitemap/invalid")
            return
        entries = selector.xpath("/urlset/url")
        self._inc("sitemap/entries", len(entries))
        for entry in entries:
            loc = entry.xpath("normalize-space(loc)").get()
            if not loc:
                continue
            if self._modified_before_since(entry):
                self._inc("discovery/before_since")
                continue
            yield from self.follow_article(
                Listing(
                    url=response.urljoin(loc),
                    headline=_clean(entry.xpath("news/title/text()").get()),
                    published=parse_feed_date(entry.xpath("news/publication_date/text()").get(), self.timezone),
                )
            )

    def _modified_before_since(self, entry: Selector) -> bool:
        # Nothing last modified before ``since`` can have been published after it.
        modified = parse_feed_date(entry.xpath("lastmod/text()").get(), self.timezone)
        return modified is not None and self.is_before_since(modified)

    def follow_article(self, listing: Listing) -> Iterator[scrapy.Request]:
        """An article request for ``listing`` unless it is off-site, too old, already
        scheduled in this crawl, or over ``-a limit``."""
        canonical = self.article_url(listing.url)
        if canonical is None:
            self._inc("discovery/not_article")
            return
        if listing.published is not None and self.is_before_since(listing.published):
            self._inc("discovery/before_since")
            return
        if canonical in self._scheduled:
            self._inc("discovery/already_scheduled")
            return
        if self.limit is not None and len(self._scheduled) >= self.limit:
            self._inc("discovery/over_limit")
            return
        self._scheduled.add(canonical)
        # The canonical URL is also the one fetched: each source picks a canonical form it can serve.
        yield scrapy.Request(
            canonical,
            callback=self.parse_article,
            errback=self.article_failed,
            cb_kwargs={"listing": listing, "canonical": canonical},
            # Read by the incremental stage, which skips articles fetched recently.
            meta={"incremental_key": canonical},
        )

    def is_before_since(self, moment: datetime) -> bool:
        return self.since is not None and moment.astimezone(self.timezone).date() < self.since

    def json_list(self, response: Response, entries_of: Callable[[Any], Any]) -> tuple[Any, list[dict[str, Any]]]:
        """A list API response and its entries (``entries_of(payload)``); a response that is not
        JSON, or holds no list there, is logged and counted and gives no entries."""
        try:
            payload = json.loads(response.text)
        except (ValueError, AttributeError):
            payload = None
        entries = entries_of(payload) if isinstance(payload, dict) else None
        if not isinstance(entries, list):
            logger.warning("List page %s is not JSON with an entry list", response.url)
            self._inc("list/invalid")
            return payload, []
        return payload, [entry for entry in entries if isinstance(entry, dict)]

    def follow_list(self, listings: list[Listing]) -> Iterator[scrapy.Request]:
        for listing in listings:
            yield from self.follow_article(listing)

    def wants_next_page(self, page_number: int, listings: list[Listing]) -> bool:
        """Whether list pagination should go on after page ``page_number`` showed ``listings``.

        Without ``-a since`` only the first page is read. With it, pagination goes back until a
        page reaches articles older than ``since`` (or LIST_MAX_PAGES, a guard against loops).
        """
        dates = [listing.published for listing in listings if listing.published is not None]
        if self.since is None or not dates:
            return False
        if self.limit is not None and len(self._scheduled) >= self.limit:
            return False
        if page_number >= self.settings.getint("LIST_MAX_PAGES"):
            self._inc("discovery/list_page_cap")
            return False
        return not any(self.is_before_since(moment) for moment in dates)

    # -- articles ----------------------------------------------------------------------------------

    def saved_page_url(self, page: Selector) -> str | None:
        """The address a saved copy of one of this site's article pages gives for itself; None
        when the page names none or is not this site's article. The archive importer asks every
        source in turn."""
        return next((url for url in declared_urls(page) if self.article_url(url)), None)

    def article_body(self, container: Selector) -> tuple[str, str | None]:
        """The article container's HTML without the elements ``chrome_selectors`` name, and the
        original's URL when that chrome says it in a form the generic label reading misses. Sites
        override this to read such chrome before it is dropped. The archive importer runs it on
        archived body fragments too."""
        return drop_chrome(container, self.chrome_selectors), None

    def parse_article(self, response: Response, listing: Listing, canonical: str) -> Iterator[Article]:
        body = response.body
        if not body.strip():
            logger.warning("Article %s has an empty body", response.url)
            self._inc("article/skipped/empty_body")
            return
        if looks_binary(body):
            logger.warning("Article %s is binary, not HTML (%s)", response.url, response.headers.get("Content-Type"))
            self._inc("article/skipped/binary_body")
            return
        content_type = response.headers.get(b"Content-Type", b"") or b""
        decoded = decode_html(body, http_content_type_encoding(content_type.decode("latin-1")))
        if decoded.mismatch:
            logger.warning("Article %s declares %s but is %s", response.url, decoded.declared, decoded.encoding)
            self._inc("article/charset_mismatch")
        page = Selector(text=decoded.text, type="html")
        article = self.build_article(response.url, canonical, decoded.text, self.parse_page(response, page), listing)
        if article is not None:
            yield article

    def build_article(
        self, url: str, canonical: str, html: str, fields: PageFields, listing: Listing
    ) -> Article | None:
        """The item for a page, from what its site's ``parse_page`` read (``fields``), what its
        feed or list said (``listing``) and, for the rest, generic extraction from ``html``.
        None when the article is older than ``-a since``."""
        metadata = extract_metadata(html, url)

        if fields.body_html is not None:
            text = container_text(fields.body_html)
            is_based_on = fields.is_based_on or original_url(text_with_links(fields.body_html))
        else:
            self._inc("article/generic_extraction")
            text = extract_text(html, url)
            is_based_on = fields.is_based_on

        published = listing.published or fields.published
        if published is None and metadata.date:
            published = parse_feed_date(metadata.date, self.timezone)
        if published is not None and self.is_before_since(published):
            self._inc("article/skipped/before_since")
            return None
        authors = fields.authors or list(listing.authors) or ([metadata.author] if metadata.author else [])
        image = fields.image or metadata.image
        self._inc("article/parsed")
        return Article(
            url=url,
            canonicalUrl=canonical,
            headline=fields.headline or listing.headline or metadata.title,
            articleBody=text,
            description=fields.description or listing.description or metadata.description,
            authors=[{"name": name} for name in authors],
            datePublished=isoformat(published, self.timezone) if published else None,
            dateModified=isoformat(fields.modified, self.timezone) if fields.modified else None,
            inLanguage=fields.language or self.language or detect_language(text),
            mainImage={"url": urljoin(url, image)} if image else None,
            keywords=fields.keywords or metadata.tags,
            articleSection=fields.section or listing.section,
            isBasedOn=canonical_url(is_based_on) if is_based_on else None,
            originalAuthor=fields.original_author,
            originalSource=fields.original_source,
            sourceSite=self.name,
            dateDownloaded=datetime.now(UTC).isoformat(timespec="seconds"),
        )

    def _inc(self, key: str, count: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(key, count)


def _clean(text: str | None) -> str | None:
    return " ".join(text.split()) if text and text.strip() else None


def is_robots_txt(url: str) -> bool:
    return urlsplit(url).path == "/robots.txt"


def declared_urls(page: Selector) -> list[str]:
    """The addresses a page gives for itself: its canonical link and ``og:url``."""
    found = page.css('link[rel="canonical"]::attr(href), meta[property="og:url"]::attr(content)').getall()
    return [url.strip() for url in found if url.strip()]


def author_name(text: str) -> str:
    """An RSS author without its e-mail address: ``info@example.com (Jane Doe)`` is Jane Doe."""
    match = re.fullmatch(r"\s*\S+@\S+\s*\((.+)\)\s*", text)
    return (match[1] if match else text).strip()


def first_text(page: Selector, css: str) -> str | None:
    """The white-space-normalised text of the first element matching ``css``, markup inside it
    included (a headline wrapped in a link, say)."""
    first = page.css(css)[:1]
    return _clean(" ".join(first.css(" ::text").getall())) if first else None


def drop_chrome(container: Selector, selectors: Iterable[str]) -> str:
    """The container's HTML with every element matching ``selectors`` removed."""
    for css in selectors:
        for node in container.css(css):
            node.drop()
    return container.get() or ""
