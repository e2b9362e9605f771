"""Importing an existing archive: ``python -m scrapers.importer PATH... -o OUT.jsonl``.

Each PATH is a file or a folder (read recursively). Every archived article (see
``scrapers.archive``) is read by the spider of its site, as if it had just been crawled: the source
whose ``article_url`` claims its address, or the generic ``feed`` spider for any other site. The
items then go through the project's pipelines and feed exports like a crawl's, because the import
is a Scrapy crawl: ``ImportSpider.start`` yields items instead of requests.

A saved HTML page goes through its spider's ``parse_article`` unchanged. A Hugo post holds only
the article's body fragment: the spider's ``article_body`` cleans it. A Markdown page dump holds
the whole page: its site's chrome rules cut out the article (``ChromeRules.span``) and the
spider's ``parse_page`` reads the rest of the page for metadata, as it would on the live page.
A file that is none of these is logged with its path and reason, counted under
``import/skipped/<reason>``, listed at the end, and the import goes on.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
from collections.abc import AsyncIterator
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any

import scrapy
from parsel import Selector
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.http import HtmlResponse
from scrapy.utils.conf import arglist_to_dict, feed_process_params_from_cli
from scrapy.utils.project import get_project_settings

from scrapers.archive import ArchivedPage, ArchiveError, archive_files, markdown_html, markdown_line_text, read_archive
from scrapers.chrome import ChromeRules
from scrapers.dates import parse_local, parse_month_day_year
from scrapers.items import Article
from scrapers.sources import source_spiders
from scrapers.spiders.base import Listing, NewsSpider, PageFields, declared_urls
from scrapers.spiders.feed import FeedSpider
from scrapers.urls import canonical_url, registered_domain

logger = logging.getLogger(__name__)


class ImportSpider(scrapy.Spider):
    name = "import"

    def __init__(self, *args: Any, paths: list[str] | str | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.paths = [Path(path) for path in ([paths] if isinstance(paths, str) else paths or [])]
        self.skipped: list[tuple[Path, str]] = []
        self._sources: list[NewsSpider] = []
        self._generic: dict[str, NewsSpider] = {}

    async def start(self) -> AsyncIterator[Any]:
        self._sources = [spider.from_crawler(self.crawler) for spider in source_spiders(self.settings)]
        for path in archive_files(self.paths):
            self._inc("import/files")
            try:
                article = self.import_file(path)
            except ArchiveError as error:
                self.skip(path, error.key, str(error))
                continue
            except Exception as error:  # one unreadable file must not end the import of the rest
                logger.exception("Could not import %s", path)
                self.skip(path, "error", f"{type(error).__name__}: {error}")
                continue
            if article is not None:
                self._inc("import/articles")
                yield article

    def import_file(self, path: Path) -> Article | None:
        page = read_archive(path)
        if page.kind == "html":
            return self._saved_page(page)
        assert page.url is not None
        spider = self.spider_for(page.url)
        canonical = spider.article_url(page.url) or canonical_url(page.url)
        if page.kind == "hugo":
            return self._hugo_post(page, spider, canonical)
        return self._markdown_dump(page, spider, canonical)

    def spider_for(self, url: str) -> NewsSpider:
        """The source spider whose site ``url`` is on, or a generic spider for that site."""
        for spider in self._sources:
            if spider.article_url(url):
                return spider
        domain = registered_domain(url)
        if domain not in self._generic:
            try:
                self._generic[domain] = FeedSpider.from_crawler(self.crawler, url=url)
            except ValueError as error:
                raise ArchiveError("bad_url", f"its address is not a web page's: {error}") from None
        return self._generic[domain]

    def _saved_page(self, page: ArchivedPage) -> Article | None:
        selector = Selector(text=page.content, type="html")
        url = next(filter(None, (spider.saved_page_url(selector) for spider in self._sources)), None)
        url = url or next(iter(declared_urls(selector)), None)
        if not url:
            raise ArchiveError("no_url", "a saved page that names no address (no canonical link or og:url)")
        spider = self.spider_for(url)
        canonical = spider.article_url(url)
        if canonical is None:
            raise ArchiveError("not_article", f"{url} is not an article page of its site")
        response = HtmlResponse(url, body=page.content.encode("utf-8"), encoding="utf-8")
        return next(iter(spider.parse_article(response, Listing(url), canonical)), None)

    def _hugo_post(self, page: ArchivedPage, spider: NewsSpider, canonical: str) -> Article | None:
        assert page.url is not None
        body_html, is_based_on = spider.article_body(_container(page.content))
        fields = PageFields(headline=page.title, body_html=body_html, published=page.published, is_based_on=is_based_on)
        html = _page_html(page.title, page.content)
        return spider.build_article(page.url, canonical, html, fields, Listing(page.url))

    def _markdown_dump(self, page: ArchivedPage, spider: NewsSpider, canonical: str) -> Article | None:
        assert page.url is not None
        lines = page.content.splitlines()
        html = _page_html(page.title, markdown_html(page.content))
        fields = spider.parse_page(HtmlResponse(page.url, body=html.encode("utf-8"), encoding="utf-8"), Selector(html))
        rules = ChromeRules.of(spider)
        start, end = 0, len(lines)
        if rules:
            start, end = rules.span(lines, markdown_line_text)
            body_html, is_based_on = spider.article_body(_container(markdown_html("\n".join(lines[start:end]))))
            fields.body_html = body_html
            fields.is_based_on = fields.is_based_on or is_based_on
            # The dump may open with a reader app's title; the page's own headline is the last
            # one before the article.
            fields.headline = _header_headline(lines[:start]) or fields.headline
            fields.published = fields.published or _header_date(lines[:start], spider)
        else:
            # A site without rules: generic extraction finds the article in the whole page.
            fields.body_html = None
        if page.truncated and end == len(lines):
            # Cut before the site's tail: the article itself is incomplete.
            logger.warning("%s is cut off inside the article; importing the part the archive holds", page.path)
            self._inc("import/truncated")
        fields.headline = fields.headline or page.title
        fields.published = fields.published or page.published
        return spider.build_article(page.url, canonical, html, fields, Listing(page.url))

    def skip(self, path: Path, key: str, reason: str) -> None:
        logger.warning("Skipped %s: %s", path, reason)
        self._inc("import/skipped")
        self._inc(f"import/skipped/{key}")
        self.skipped.append((path, reason))

    def _inc(self, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(key)


def _container(fragment: str) -> Selector:
    return Selector(text=f"<div>{fragment}</div>", type="html").xpath("//body/div")[0]


def _page_html(title: str | None, body: str) -> str:
    return f"<html><head><title>{escape(title or '')}</title></head><body>{body}</body></html>"


def _header_headline(header: list[str]) -> str | None:
    headings = [markdown_line_text(line) for line in header if line.startswith("# ")]
    return headings[-1] if headings and headings[-1] else None


def _header_date(header: list[str], spider: NewsSpider) -> datetime | None:
    """The last date a page dump's header shows (its byline's), for spiders whose ``parse_page``
    reads dates from markup a dump no longer has."""
    for line in reversed(header):
        # Markdown dumps glue inline elements together: "Jun 19, 2025Ravie Lakshmanan".
        text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", markdown_line_text(line))
        moment = parse_month_day_year(text, spider.timezone) or parse_local(text, spider.timezone)
        if moment is not None:
            return moment
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scrapers.importer", description="Import archived articles into clean Article feeds."
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="an archived file, or a folder of them")
    parser.add_argument("-o", "--output", action="append", default=[], help="append items to this feed (FILE.jsonl)")
    parser.add_argument("-O", "--overwrite-output", action="append", default=[], help="write this feed afresh")
    parser.add_argument(
        "-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="a Scrapy setting, as in scrapy crawl"
    )
    args = parser.parse_args(argv)
    if not (args.output or args.overwrite_output):
        parser.error("name the output with -o OUT.jsonl (or -O to overwrite)")
    missing = [str(path) for path in args.paths if not path.exists()]
    if missing:
        parser.error(f"no such file or folder: {', '.join(missing)}")

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "scrapers.settings")
    settings = get_project_settings()
    try:
        settings.setdict(arglist_to_dict(args.set), priority="cmdline")
    except ValueError:
        parser.error("-s takes NAME=VALUE")
    feeds = feed_process_params_from_cli(settings, args.output, overwrite_output=args.overwrite_output)
    settings.set("FEEDS", feeds, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler: Crawler = process.create_crawler(ImportSpider)
    process.crawl(crawler, paths=[str(path) for path in args.paths])
    process.start()

    assert crawler.stats is not None and isinstance(crawler.spider, ImportSpider)
    stats = crawler.stats
    print(
        f"{stats.get_value('item_scraped_count', 0)} articles written from {stats.get_value('import/files', 0)} files; "
        f"{len(crawler.spider.skipped)} files skipped, {stats.get_value('item_dropped_count', 0)} items dropped",
        file=sys.stderr,
    )
    for path, reason in crawler.spider.skipped:
        print(f"  skipped {path}: {reason}", file=sys.stderr)
    return 0 if stats.get_value("import/articles") else 1


if __name__ == "__main__":
    sys.exit(main())
