"""securityonline.info ("Daily CyberSecurity"): English security news, a WordPress site.

Discovery is the WordPress feed, plus the sitemaps its robots.txt names when ``-a since`` asks for
a backfill. Article URLs are ``/<slug>/`` with no date or id; the site's own sections (category,
tag, author, page, wp-*) share that shape and are told apart by their first path segment.
"""

from __future__ import annotations

from datetime import UTC
from urllib.parse import urlsplit

from parsel import Selector
from scrapy.http import Response

from scrapers.dates import parse_local, parse_month_day_year
from scrapers.spiders.base import NewsSpider, PageFields, first_text

_NOT_ARTICLES = frozenset(
    {"category", "tag", "author", "page", "feed", "search", "cve-watchtower", "submit-press-release", "comments"}
)


class SecurityOnlineSpider(NewsSpider):
    name = "securityonline"
    allowed_domains = ["securityonline.info"]
    language = "en"
    # Pages show only a date and the feed's zone is not evidenced; UTC is what WordPress feeds use.
    timezone = UTC
    feed_urls = ("https://securityonline.info/feed/",)
    sitemap_urls = ("https://securityonline.info/robots.txt",)
    chrome_selectors = ("script", "style", "form")
    # Plugins append related posts, a rating widget and a share box to the post content.
    chrome_tail_lines = (r"^Related Posts:$", r"^Rate this post$", r"^Found this helpful\?$")
    # The byline's date, alone on its line, closes a page's header (the top bar shows today's date
    # the same way, earlier on the page).
    chrome_head_lines = (
        r"^(?:January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4}$",
    )

    def article_url(self, url: str) -> str | None:
        parts = urlsplit(url)
        segments = [segment for segment in parts.path.split("/") if segment]
        if parts.hostname not in ("securityonline.info", "www.securityonline.info") or len(segments) != 1:
            return None
        slug = segments[0].lower()
        if slug in _NOT_ARTICLES or slug.startswith("wp-") or "." in slug:
            return None
        return f"https://securityonline.info/{slug}/"

    def parse_page(self, response: Response, page: Selector) -> PageFields:
        container = page.css(".entry-content")[:1]
        time = page.css("time.entry-date")[:1]
        published = parse_local(time.attrib.get("datetime"), self.timezone) if time else None
        authors = [name.strip() for name in page.css(".entry-meta .author a::text").getall() if name.strip()]
        return PageFields(
            headline=first_text(page, "h1.entry-title") or first_text(page, "h1"),
            body_html=self.article_body(container[0])[0] if container else None,
            published=published or parse_month_day_year(first_text(page, "time.entry-date"), self.timezone),
            authors=authors[:1],
            image=page.css(".post-thumbnail img::attr(src)").get(),
            keywords=[tag.strip() for tag in page.css('.entry-footer a[href*="/tag/"]::text').getall() if tag.strip()],
            section=page.css('.cat-links a[href*="/category/"]::text').get(),
        )
