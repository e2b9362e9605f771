"""cnBeta (cnbeta.com.tw): Chinese IT news, much of it retold from other outlets.

Discovery is the RSS feed plus the desktop home page and its "load more" JSON list. Every article
is fetched through its mobile page, ``m.cnbeta.com.tw/wap/view/<id>.htm``: the one URL form that
follows from the article id alone (desktop URLs also carry a section slug), and a lighter page
whose ``#artibody`` container holds the same body as the desktop one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import scrapy
from parsel import Selector
from scrapy.http import Response

from scrapers.dates import parse_local
from scrapers.spiders.base import Listing, NewsSpider, PageFields, drop_chrome, first_text

_ARTICLE = re.compile(
    r"^(?:https?:)?//(?:www\.|m\.)?cnbeta\.com(?:\.tw)?/(?:articles/(?:[\w-]+/)*|(?:wap/)?view/)(\d+)\.htm",
    re.IGNORECASE,
)
_BARE_URL = re.compile(r"^https?://\S+$")
_TITLE_SUFFIX = re.compile(r"\s*[-_|]\s*cnBeta\.COM.*$", re.IGNORECASE)


class CnbetaSpider(NewsSpider):
    name = "cnbeta"
    allowed_domains = ["cnbeta.com.tw"]
    language = "zh"
    timezone = ZoneInfo("Asia/Shanghai")
    feed_urls = ("https://www.cnbeta.com.tw/backend.php",)
    list_urls = ("https://www.cnbeta.com.tw/",)
    chrome_selectors = (
        ".article-global",
        ".topic",
        ".article-topic",
        "tabbit-translation-selection",
        "script",
        "style",
    )
    chrome_lines = (r"^(?:参考资料|参考来源)[:：]?$",)

    def article_url(self, url: str) -> str | None:
        match = _ARTICLE.match(url)
        return f"https://m.cnbeta.com.tw/wap/view/{match[1]}.htm" if match else None

    def parse_list(self, response: Response, page_number: int = 0) -> Iterator[scrapy.Request]:
        if page_number == 0:
            yield from self._parse_home(response)
        else:
            yield from self._parse_more(response, page_number)

    def _parse_home(self, response: Response) -> Iterator[scrapy.Request]:
        listings = []
        for link in response.css(".items-area .item dl dt a"):
            href = link.attrib.get("href")
            if href and "cnbetacdn" not in href:  # items linking to cnbetacdn are ads
                listings.append(Listing(url=response.urljoin(href), headline=first_text(link, "a")))
        yield from self.follow_list(listings)
        token = response.css('meta[name="csrf-token"]::attr(content)').get()
        list_type = response.css("[data-type]::attr(data-type)").get()
        if self.since is not None and token and list_type:
            yield self._more_request(list_type, token, 1)

    def _more_request(self, list_type: str, token: str, page_number: int) -> scrapy.Request:
        # The site's own front end adds a `_=<ms>` cache-buster; it is left out so that
        # cassette replays match.
        query = urlencode({"type": list_type, "page": page_number, "_csrf": token})
        return scrapy.Request(
            f"https://www.cnbeta.com.tw/home/more?&{query}",
            callback=self.parse_list,
            errback=self.start_failed,
            cb_kwargs={"page_number": page_number},
            meta={"list_type": list_type, "csrf": token},
            headers={"X-Requested-With": "XMLHttpRequest", "Referer": "https://www.cnbeta.com.tw/"},
            dont_filter=True,
        )

    def _parse_more(self, response: Response, page_number: int) -> Iterator[scrapy.Request]:
        # A category page answers {result: {list: [...]}}, the home page {result: [...]}.
        _, entries = self.json_list(response, _result_list)
        listings = [self._listing(response, entry) for entry in entries]
        yield from self.follow_list(listings)
        if self.wants_next_page(page_number, listings):
            yield self._more_request(response.meta["list_type"], response.meta["csrf"], page_number + 1)

    def _listing(self, response: Response, entry: dict[str, Any]) -> Listing:
        label = entry.get("label")
        return Listing(
            url=response.urljoin(entry.get("url_show") or ""),
            headline=entry.get("title"),
            published=parse_local(entry.get("inputtime"), self.timezone),
            section=label.get("name") if isinstance(label, dict) else None,
        )

    def saved_page_url(self, page: Selector) -> str | None:
        # The 2013 desktop design names its article only by id, in the comment form.
        sid = page.css('input[name="sid"]::attr(value)').get()
        if sid and sid.isdigit() and "cnbeta" in (page.css("title::text").get() or "").lower():
            return f"http://www.cnbeta.com/articles/{sid}.htm"
        return super().saved_page_url(page)

    def article_body(self, container: Selector) -> tuple[str, str | None]:
        is_based_on = _drop_references(container)
        return drop_chrome(container, self.chrome_selectors), is_based_on

    def parse_page(self, response: Response, page: Selector) -> PageFields:
        headline = (
            first_text(page, "#news_title")
            or first_text(page, "h1")
            or page.css('meta[property="og:title"]::attr(content)').get()
        )
        if not headline:
            headline = _TITLE_SUFFIX.sub("", page.css("title::text").get() or "")
        time_text = first_text(page, ".time, header.title .meta span, .title_bar .date")
        # #artibody on the mobile page, .article-content on the desktop one, and the 2013 desktop
        # design's .article_content .content (saved copies of it are imported from archives).
        container = page.css("#artibody, .article-content, .article_content .content")[:1]
        is_based_on = None
        body_html = None
        if container:
            body_html, is_based_on = self.article_body(container[0])
            # The desktop page keeps the opening paragraphs in .article-summary, outside the body.
            summary = page.css(".article-summary, .article_content .introduction")[:1]
            body_html = (summary.get() or "") + body_html
        image = page.css("#artibody img::attr(data-original), #artibody img::attr(src)").get()
        return PageFields(
            headline=headline.strip() or None,
            body_html=body_html,
            published=parse_local(time_text, self.timezone),
            description=first_text(page, ".article-summary, .article_content .introduction")
            or page.css('meta[name="description"]::attr(content)').get(),
            image=image,
            keywords=[
                k.strip()
                for k in (page.css('meta[name="keywords"]::attr(content)').get() or "").split(",")
                if k.strip()
            ],
            is_based_on=is_based_on,
        )


def _result_list(payload: dict[str, Any]) -> Any:
    result = payload.get("result")
    return result.get("list") if isinstance(result, dict) else result


def _drop_references(container: Selector) -> str | None:
    """Remove a trailing 参考资料 list (a label paragraph and bare-URL paragraphs) and return its
    first URL: the report the article retells."""
    first_url = None
    for label in container.xpath('.//p[re:test(normalize-space(.), "^(参考资料|参考来源)[:：]?$")]'):
        for sibling in label.xpath("following-sibling::p"):
            text = " ".join(sibling.xpath("normalize-space(.)").getall()).strip()
            if not _BARE_URL.match(text):
                break
            first_url = first_url or text
            sibling.drop()
        label.drop()
    return first_url
