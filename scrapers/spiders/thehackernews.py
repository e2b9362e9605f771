"""The Hacker News (thehackernews.com): English security news, a Blogger site.

Discovery is the FeedBurner feed, plus the Blogger sitemap when ``-a since`` asks for a backfill
(the ``/search`` list pages are disallowed by robots.txt and behind a bot challenge). Article URLs
are ``/YYYY/MM/<slug>.html`` with no id and no mobile host, so the URL is its own canonical form.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from parsel import Selector
from scrapy.http import Response

from scrapers.dates import parse_local, parse_month_day_year
from scrapers.spiders.base import NewsSpider, PageFields, first_text

_ARTICLE = re.compile(r"/\d{4}/\d{2}/[^/]+\.html")


class TheHackerNewsSpider(NewsSpider):
    name = "thehackernews"
    allowed_domains = ["thehackernews.com", "feeds.feedburner.com"]
    language = "en"
    # The feed writes +05:30; the page shows only a date, read in the same zone.
    timezone = ZoneInfo("Asia/Kolkata")
    feed_urls = ("https://feeds.feedburner.com/TheHackersNews",)
    sitemap_urls = ("https://thehackernews.com/sitemap.xml",)
    chrome_selectors = (
        "script",
        "style",
        ".separator",  # Blogger wraps every image in one; the first is the hero
        ".ad_two",
        ".note-b",
        'a[href*="thehackernews.uk"]',  # in-body banners for the site's own campaigns
        'a[href="#link_share"]',
        ".tags",
    )
    # The byline glues date, author and labels together ("Jun 19, 2025Ravie LakshmananLinux /
    # Vulnerability", or author first since 2026): it closes a page's header.
    chrome_head_lines = (r"^(?:[A-Z][\w.' -]{1,40}[a-z])?[A-Z][a-z]{2} \d{2}, \d{4}[A-Z]",)
    chrome_tail_lines = (r"^Found this article interesting\? Follow us on",)
    chrome_lines = (
        r"^(?:\*\*\s*)?SHARE(?:\s*\*\*)?$",
        r"^(?:\*\*\s*)*(?:Share|Tweet)$",
        r"^\*\*$",
    )

    def article_url(self, url: str) -> str | None:
        parts = urlsplit(url)
        if parts.hostname not in ("thehackernews.com", "www.thehackernews.com") or not _ARTICLE.fullmatch(parts.path):
            return None
        return f"https://thehackernews.com{parts.path}"

    def parse_page(self, response: Response, page: Selector) -> PageFields:
        byline = [" ".join(span.css("::text").getall()).strip() for span in page.css(".postmeta .author")]
        dated = [parse_month_day_year(text, self.timezone) for text in byline]
        # The date and the author swapped places in 2026; whichever span holds a date is the date.
        published = next((moment for moment in dated if moment is not None), None)
        authors = [text for text, moment in zip(byline, dated, strict=True) if moment is None and text]
        machine_date = parse_local(page.css('meta[itemprop="datePublished"]::attr(content)').get(), self.timezone)
        # Read before drop_chrome removes the hero .separator from the container.
        image = (
            page.css('#articlebody .separator a[href*="googleusercontent.com"]::attr(href)').get()
            or page.css('meta[property="og:image"]::attr(content)').get()
        )
        container = page.css("#articlebody")[:1]
        labels = page.css(".postmeta .p-tags::text").get() or ""
        return PageFields(
            headline=first_text(page, "h1.story-title") or first_text(page, "h1"),
            body_html=self.article_body(container[0])[0] if container else None,
            published=machine_date or published,
            modified=parse_local(page.css('meta[itemprop="dateModified"]::attr(content)').get(), self.timezone),
            authors=authors[:1],
            image=image,
            keywords=[label.strip() for label in labels.split("/") if label.strip()],
        )
