"""The cnbeta spider, crawled end to end from its cassette."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import pytest_twisted
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from scrapers.spiders.base import Listing
from scrapers.spiders.cnbeta import CnbetaSpider
from tests.conftest import Replay

SPIDER = "cnbeta"
ARCHIVED_IDS = {"1556072", "1550062", "1541300", "1516922", "1482718", "1480022", "1341263"}


def ids(items: list[dict[str, object]]) -> set[str]:
    return {re.findall(r"(\d+)\.htm", str(item["canonicalUrl"]))[0] for item in items}


@pytest.mark.vcr
@pytest_twisted.ensureDeferred
async def test_crawl_emits_every_archived_article_once(replay: Replay) -> None:
    result = await replay()

    assert ids(result.items) == ARCHIVED_IDS
    assert len(result.items) == len(ARCHIVED_IDS)
    # The feed and the home page both list the newest articles: each is fetched once.
    assert result.stats["discovery/already_scheduled"] >= 3
    assert result.stats.get("dedupe/dropped/canonical_url") is None
    for item in result.items:
        assert item["url"] == item["canonicalUrl"]
        assert re.fullmatch(r"https://m\.cnbeta\.com\.tw/wap/view/\d+\.htm", item["canonicalUrl"])
        assert item["sourceSite"] == "cnbeta"
        assert item["inLanguage"] == "zh"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", item["datePublished"])
        assert datetime.fromisoformat(item["dateDownloaded"]).tzinfo is not None
        assert "<" not in item["articleBody"] and ">" not in item["articleBody"]
        for chrome in ("原文链接", "稿源", "分享到", "相关文章", "电脑版", "Copyright", "cnBeta.COM"):
            assert chrome not in item["articleBody"], (item["url"], chrome)


@pytest.mark.vcr
@pytest_twisted.ensureDeferred
async def test_seed_article(replay: Replay) -> None:
    seed = (await replay()).item("1516922")

    assert seed["headline"] == "GPT-5难产内幕曝光：核心团队遭挖空，推理魔咒难破"
    assert seed["datePublished"] == "2025-08-03T11:06:04+08:00"
    body = seed["articleBody"]
    assert body.startswith("就在刚刚，外媒The Information曝出了关于GPT-5的一大波最新内幕")
    assert body.endswith("好在，我们要等的时间不多了。")
    assert "推理模型 为何总翻车" in body  # a bold sub-heading is kept as a paragraph
    assert "参考资料" not in body
    assert "theinformation.com" not in body
    assert seed["isBasedOn"] == "https://www.theinformation.com/articles/inside-openais-rocky-path-gpt-5?rc=epv9gi"
    assert seed["mainImage"] == {"url": "https://static.cnbetacdn.com/article/2025/0803/3f9b5b254e983b0.jpg"}


@pytest.mark.vcr
@pytest_twisted.ensureDeferred
async def test_editor_residue_is_not_text(replay: Replay) -> None:
    """2026 bodies carry <tabbit-translation-selection> tags pasted in by the editor's browser."""
    item = (await replay()).item("1556072")

    assert item["headline"] == "Claude源码泄露后反封号工具来了"
    assert "tabbit" not in item["articleBody"]
    assert "data-wxt-shadow-root" not in item["articleBody"]
    assert item["articleBody"].startswith("日前Claude源码被Anthropic公司自己泄露在网上")


@pytest.mark.vcr
@pytest_twisted.ensureDeferred
async def test_since_follows_the_list_api_back_and_stops(replay: Replay) -> None:
    result = await replay(since="2025-06-01")

    assert ids(result.items) == {"1556072", "1550062", "1541300", "1516922"}
    assert all(item["datePublished"] >= "2025-06-01" for item in result.items)
    more = [url for url in result.fetched if "/home/more" in url]
    # Page 1 reaches an article from before `since`, so page 2 is never asked for.
    assert len(more) == 1 and "page=1" in more[0]
    assert result.stats["discovery/before_since"] >= 1


@pytest.mark.vcr
@pytest_twisted.ensureDeferred
async def test_since_far_back_reads_every_list_page(replay: Replay) -> None:
    result = await replay(since="2000-01-01")

    assert ids(result.items) == ARCHIVED_IDS
    assert sorted(url.split("page=")[1].split("&")[0] for url in result.fetched if "/home/more" in url) == [
        "1",
        "2",
        "3",
    ]


@pytest.mark.vcr
@pytest_twisted.ensureDeferred
async def test_limit_caps_the_articles(replay: Replay) -> None:
    result = await replay(limit="2")

    assert len(result.items) == 2
    assert result.stats["discovery/over_limit"] >= 1


@pytest.mark.parametrize(
    "url",
    [
        "https://www.cnbeta.com.tw/articles/tech/1516922.htm",
        "https://www.cnbeta.com.tw/articles/science/1516922.htm?utm_source=rss",
        "http://www.cnbeta.com.tw/articles/1516922.htm",
        "//www.cnbeta.com.tw/articles/tech/1516922.htm",
        "https://m.cnbeta.com.tw/wap/view/1516922.htm",
        "https://m.cnbeta.com.tw/view/1516922.htm",
        "https://cnbeta.com.tw/articles/tech/1516922.htm#comments",
    ],
)
def test_every_article_url_form_has_one_canonical_url(url: str) -> None:
    assert CnbetaSpider().article_url(url) == "https://m.cnbeta.com.tw/wap/view/1516922.htm"


@pytest.mark.parametrize(
    "url",
    [
        "https://www.cnbeta.com.tw/",
        "https://www.cnbeta.com.tw/category/science.htm",
        "https://static.cnbetacdn.com/ad/2026/promo.htm",
        "https://www.example.com/articles/tech/1516922.htm",
    ],
)
def test_other_urls_are_not_articles(url: str) -> None:
    assert CnbetaSpider().article_url(url) is None


SUMMARY = "谷歌披露其旗舰AI模型Gemini正遭遇商业化驱动的大规模蒸馏攻击，攻击者通过重复提问诱导模型泄露内部机制。"
FIRST = "谷歌称，攻击者通过系统地、反复地向模型发送精心设计的提示词，试图逆向工程Gemini的内部推理逻辑。"
LAST = "尽管各大厂商已部署能够识别与阻断蒸馏攻击的机制，但由于主流大模型服务面向所有人开放，其本质上仍易受攻击。"
# The desktop article markup LIVE-STRUCTURE.md describes (RSSHub's cnbeta route reads the same).
DESKTOP_PAGE = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>标题_cnBeta.COM</title></head><body>
<div class="cnbeta-article"><header class="title"><h1><span>谷歌Gemini遭蒸馏攻击</span></h1>
<div class="meta"><span>2026年02月15日 23:37</span><span class="source">稿源：cnBeta.COM</span></div></header>
<div class="article-summary"><p>{SUMMARY}</p></div>
<div class="article-content" id="artibody"><p>{FIRST}</p>
<div class="article-global"><a href="/topics/9.htm">谷歌</a></div>
<div class="topic"><a href="/topics/448.htm"><img src="https://static.cnbetacdn.com/topics/g.png">Google</a></div>
<p>{LAST}</p></div>
</div><footer>Copyright © 2003 - 2026 cnBeta.COM</footer></body></html>"""


def test_desktop_article_page_keeps_its_summary_and_drops_topic_widgets() -> None:
    crawler = get_crawler(CnbetaSpider)
    spider = crawler._create_spider()
    assert isinstance(spider, CnbetaSpider)
    url = "https://www.cnbeta.com.tw/articles/tech/1550062.htm"
    response = HtmlResponse(url, body=DESKTOP_PAGE.encode(), headers={"Content-Type": "text/html; charset=utf-8"})

    (item,) = spider.parse_article(response, Listing(url=url), spider.article_url(url) or "")

    assert item.headline == "谷歌Gemini遭蒸馏攻击"
    assert item.datePublished == "2026-02-15T23:37:00+08:00"
    assert item.articleBody is not None
    assert item.articleBody.splitlines() == [SUMMARY, FIRST, LAST]
    assert item.canonicalUrl == "https://m.cnbeta.com.tw/wap/view/1550062.htm"
