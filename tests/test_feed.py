"""The generic feed spider, crawled from its cassette: real pages, feeds of each kind around them."""

from __future__ import annotations

import pytest
import pytest_twisted
from scrapy.http import XmlResponse
from scrapy.utils.test import get_crawler

from scrapers.spiders.feed import FeedSpider
from tests.conftest import Replay
from tests.rebuild.feed import ATOM_URL, NEWS_SITEMAP_URL, ROBOTS_URL, RSS_URL, START_URLS

SPIDER = "feed"
# A sentence of each page's article text (from its gold text in ../shared/eval).
ARTICLES = {
    "https://news.163.com/19/0907/09/EOFBHDHQ0001899N.html": "中国男篮以77比73战胜韩国队",
    "https://news.163.com/19/0908/00/EOGSPO3Q0001899O.html": "北京生命科学研究所邵峰荣获",
    "https://news.163.com/19/0909/16/EOL62R9L0001899N.html": "市民杨某途经新桥新街一写字楼时",
    "https://www.nytimes.com/2019/11/19/opinion/republicans-elections-impeachment.html": (
        "Americans have gone to the polls four times this month to vote in major, statewide races."
    ),
    "https://www.nytimes.com/2019/11/18/business/trump-trade-war-china.html": (
        "said at a Nov. 6 event at the Peterson Institute in Washington."
    ),
    "https://www.thepaper.cn/newsDetail_forward_4506347": "吴翔宇自称是共享充电宝的长期用户",
    "https://www.thepaper.cn/newsDetail_forward_5420361": "坚持和完善中国特色社会主义制度",
}


@pytest.mark.vcr
@pytest_twisted.ensureDeferred
async def test_rss_atom_and_robots_sitemap_in_one_crawl(replay: Replay) -> None:
    result = await replay(url=" ".join(START_URLS))

    assert {item["url"] for item in result.items} == set(ARTICLES)
    for item in result.items:
        assert ARTICLES[item["url"]] in item["articleBody"], item["url"]
        assert item["canonicalUrl"] == item["url"]
        assert item["sourceSite"] == "feed"
        assert item["headline"]
        assert item["datePublished"]
        assert "<" not in item["articleBody"]
    # The story's last line, its reporters' credit, is not in the gold text, nor in the item.
    (trade_war,) = [item for item in result.items if item["url"].endswith("trump-trade-war-china.html")]
    assert "contributed reporting" not in trade_war["articleBody"]
    assert NEWS_SITEMAP_URL in result.fetched
    # Atom entries also link their comments (rel="replies"); only the article is followed.
    assert not [url for url in result.fetched if "#" in url or "commentsContainer" in url]
    assert result.stats["sitemap/entries"] == 2
    assert result.stats["feed/entries"] == 5


@pytest.mark.vcr
@pytest_twisted.ensureDeferred
async def test_language_and_news_sitemap_fields(replay: Replay) -> None:
    result = await replay(url=" ".join(START_URLS))

    nytimes = result.item("trump-trade-war-china")
    assert nytimes["inLanguage"] == "en"
    assert nytimes["datePublished"] == "2019-11-18T05:00:00+00:00"
    assert nytimes["authors"] == [{"name": "Ana Swanson"}]
    # 163.com pages do not declare a language; their text is identified as Chinese.
    assert result.item("EOL62R9L0001899N")["inLanguage"] == "zh"
    thepaper = result.item("newsDetail_forward_4506347")
    assert thepaper["inLanguage"] == "zh"
    # news:title and news:publication_date from the Google News sitemap.
    assert thepaper["headline"].startswith("共享充电宝涨价告别1元时代")
    assert thepaper["datePublished"] == "2019-09-23T16:00:00+00:00"


@pytest.mark.vcr
@pytest_twisted.ensureDeferred
async def test_one_start_url_kind_at_a_time(replay: Replay) -> None:
    result = await replay(url=ROBOTS_URL)

    assert {item["url"] for item in result.items} == {
        "https://www.thepaper.cn/newsDetail_forward_4506347",
        "https://www.thepaper.cn/newsDetail_forward_5420361",
    }


def test_allowed_domains_come_from_the_urls() -> None:
    spider = FeedSpider(url=f"{RSS_URL} {ATOM_URL}", domains="example.org")

    assert spider.allowed_domains == ["163.com", "example.org", "nytimes.com"]
    assert spider.article_url("https://www.nytimes.com/2019/11/18/business/x.html?smid=rss") == (
        "https://www.nytimes.com/2019/11/18/business/x.html?smid=rss"
    )
    assert spider.article_url("https://news.163.com/") is None  # a home page, not an article
    assert spider.article_url("https://www.example.com/2019/11/18/x.html") is None  # off the crawl's domains


@pytest.mark.parametrize("url", [None, "", "feeds.example.com/rss", "ftp://example.com/feed.xml"])
def test_a_missing_or_bad_url_is_refused(url: str | None) -> None:
    with pytest.raises(ValueError, match=r"(?i)url"):
        FeedSpider(url=url)


def test_feed_entries_link_their_articles() -> None:
    rss = b"""<?xml version="1.0"?><rss version="2.0" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0">
    <channel><item><title>Via FeedBurner</title>
    <link>https://feeds.feedburner.com/~r/Example/~3/abc/</link>
    <feedburner:origLink>https://example.com/2026/10/one.html</feedburner:origLink>
    <author>info@example.com (Jane Doe)</author><pubDate>Sat, 30 May 2026 12:11:26 +0530</pubDate></item>
    <item><title>Guid only</title><guid isPermaLink="false">tag:blogger.com,1999:post-1</guid></item>
    <item><title>Permalink guid</title><guid>https://example.com/2026/10/two.html</guid></item>
    </channel></rss>"""
    crawler = get_crawler(FeedSpider, {"ROBOTSTXT_OBEY": False})
    spider = FeedSpider.from_crawler(crawler, url="https://example.com/feed.xml")
    requests = list(spider.parse_feed(XmlResponse("https://example.com/feed.xml", body=rss)))

    assert [request.url for request in requests] == [
        "https://example.com/2026/10/one.html",
        "https://example.com/2026/10/two.html",
    ]
    listing = requests[0].cb_kwargs["listing"]
    assert listing.authors == ("Jane Doe",)
    assert listing.published.isoformat() == "2026-05-30T12:11:26+05:30"
