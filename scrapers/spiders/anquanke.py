"""Anquanke 安全客 (anquanke.com): Chinese security news, much of it translated from English.

Discovery is the site's RSS feed plus its posts API (``api.anquanke.com/data/v1/posts``), whose
``next`` link gives the following page. An article page names the original of a translation in
its 译文声明 box ("原文地址：URL"), which becomes ``isBasedOn``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import scrapy
from parsel import Selector
from scrapy.http import Response

from scrapers.attribution import original_url, text_with_links, translation_credits
from scrapers.dates import parse_local
from scrapers.spiders.base import Listing, NewsSpider, PageFields, first_text

_ARTICLE = re.compile(r"^(?:https?:)?//(?:www\.)?anquanke\.com/(post|week)/id/(\d+)", re.IGNORECASE)


class AnquankeSpider(NewsSpider):
    name = "anquanke"
    allowed_domains = ["anquanke.com"]
    language = "zh"
    timezone = ZoneInfo("Asia/Shanghai")
    feed_urls = ("https://api.anquanke.com/data/v1/rss",)
    list_urls = ("https://api.anquanke.com/data/v1/posts?size=10&page=1&category=news",)
    chrome_selectors = ("script", "style", ".article-share", ".article-tags")
    chrome_lines = (
        r"^本文翻译自.*(?:原文链接|如若转载请注明出处)",
        r"^如若转载[,，]\s*请注明出处",
        r"^本文由\s*\S{1,30}\s*原创发布$",
        r"^转载[,，]\s*请参考",
        r"^安全KER\s*-\s*有思想的安全新媒体$",
        r"^本文转载自\s*[:：]",
        r"^分享到\s*[:：]?$",
        r"^译文仅供参考",
    )
    # A page's header ends with its publication time, or with the 译文声明 box after it.
    chrome_head_lines = (r"^发布时间\s*[:：]\s*\d{4}-\d\d-\d\d", r"^译文仅供参考，具体内容表达以及含义原文为准")
    # The business-contact line opens the copyright, share, comment, author and footer blocks.
    chrome_tail_lines = (r"^商务合作[,，]\s*文章发布请联系",)

    def article_url(self, url: str) -> str | None:
        match = _ARTICLE.match(url)
        return f"https://www.anquanke.com/{match[1].lower()}/id/{match[2]}" if match else None

    def parse_list(self, response: Response, page_number: int = 1) -> Iterator[scrapy.Request]:
        payload, entries = self.json_list(response, lambda payload: payload.get("data"))
        listings = [self._listing(entry) for entry in entries]
        yield from self.follow_list(listings)
        next_url = (payload.get("next") or payload.get("next_url")) if entries else None
        if next_url and self.wants_next_page(page_number, listings):
            yield response.follow(
                next_url,
                callback=self.parse_list,
                errback=self.start_failed,
                cb_kwargs={"page_number": page_number + 1},
                dont_filter=True,
            )

    def _listing(self, entry: dict[str, Any]) -> Listing:
        author = entry.get("author")
        nickname = author.get("nickname") if isinstance(author, dict) else None
        return Listing(
            url=f"https://www.anquanke.com/post/id/{entry.get('id')}",
            headline=entry.get("title"),
            published=parse_local(entry.get("date"), self.timezone),
            authors=(nickname,) if nickname else (),
            section=entry.get("category_name"),
            description=entry.get("desc") or None,
        )

    def parse_page(self, response: Response, page: Selector) -> PageFields:
        statement = page.xpath('//h5[contains(., "译文声明")]/..')
        statement_lines = text_with_links(statement.get() or "") if statement else []
        is_based_on = original_url(statement_lines)
        original_author, original_source = translation_credits(statement_lines)
        container = page.css("#js-article, .article-content")[:1]
        published_text = " ".join(page.xpath('//*[contains(text(), "发布时间")]/text()').getall())
        authors = [
            name.strip() for name in page.css('.article-author a[href*="member.html"]::text').getall() if name.strip()
        ]
        image = page.css("#js-article img::attr(data-original), #js-article img::attr(src)").get()
        return PageFields(
            headline=first_text(page, "h1"),
            body_html=self.article_body(container[0])[0] if container else None,
            published=parse_local(published_text, self.timezone),
            authors=authors[:1],
            description=page.css('meta[name="description"]::attr(content)').get(),
            image=image,
            keywords=[tag.strip() for tag in page.css('a[href^="/tag/"]::text').getall() if tag.strip()],
            is_based_on=is_based_on,
            original_author=original_author,
            original_source=original_source,
        )
