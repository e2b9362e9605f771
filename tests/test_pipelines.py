"""Each pipeline stage on real items, inside a real crawler's stats."""

from __future__ import annotations

import pytest
from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from pipelines.canonical import CanonicalUrlDedupePipeline
from pipelines.chrome import ChromeStripPipeline
from pipelines.validate import ValidatePipeline, text_length
from scrapers.items import Article
from scrapers.spiders.anquanke import AnquankeSpider
from scrapers.spiders.securityonline import SecurityOnlineSpider

BODY = (
    "熟悉内情的消息人士告诉《The Information》，OpenAI 即将推出的人工智能模型的性能提升幅度小于其前辈。\n"
    "据 The Information 报道，员工测试显示，Orion 仅完成了 20% 的训练，就达到了 GPT-4 级别的性能。"
)


def article(**fields: object) -> Article:
    values: dict[str, object] = {
        "url": "https://www.anquanke.com/post/id/301767",
        "canonicalUrl": "https://www.anquanke.com/post/id/301767",
        "headline": "OpenAI 的下一代模型遭遇性能瓶颈： 报告",
        "articleBody": BODY,
    }
    values.update(fields)
    return Article(**values)  # type: ignore[arg-type]


def test_text_length_counts_cjk_characters_and_latin_words() -> None:
    assert text_length("漏洞") == 2
    assert text_length("a remote code execution flaw") == 5
    assert text_length("CVE-2025-6018 漏洞") == 5  # CVE, 2025, 6018, 漏, 洞


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"headline": None}, "no_headline"),
        ({"headline": "  "}, "no_headline"),
        ({"articleBody": ""}, "empty_body"),
        ({"articleBody": "本文翻译自 原文链接。"}, "short_body"),
    ],
)
def test_validate_drops_non_articles_with_a_reason(fields: dict[str, object], reason: str) -> None:
    crawler = get_crawler(settings_dict={"ARTICLE_MIN_LENGTH": 40})
    crawler.stats.open_spider()
    stage = ValidatePipeline.from_crawler(crawler)
    with pytest.raises(DropItem, match=reason):
        stage.process_item(article(**fields))
    assert crawler.stats.get_value(f"validate/dropped/{reason}") == 1


def test_validate_keeps_articles() -> None:
    stage = ValidatePipeline.from_crawler(get_crawler(settings_dict={"ARTICLE_MIN_LENGTH": 40}))
    item = article()
    assert stage.process_item(item) is item


def test_chrome_strip_removes_declared_lines_only() -> None:
    crawler = get_crawler(AnquankeSpider)
    crawler.spider = crawler._create_spider()
    stage = ChromeStripPipeline.from_crawler(crawler)
    body = "\n".join(
        [
            *BODY.splitlines(),
            "他说：“如若转载请注明出处”这句话出现在正文中间时不是页面装饰。",
            "本文翻译自Decrypt 原文链接。如若转载请注明出处。",
            "安全KER - 有思想的安全新媒体",
        ]
    )
    item = stage.process_item(article(articleBody=body))
    assert ItemAdapter(item)["articleBody"] == "\n".join(body.splitlines()[:3])
    assert crawler.stats.get_value("chrome/lines_removed") == 2


def test_chrome_strip_cuts_the_body_at_a_tail_line() -> None:
    crawler = get_crawler(SecurityOnlineSpider)
    crawler.spider = crawler._create_spider()
    stage = ChromeStripPipeline.from_crawler(crawler)
    text = "Researchers found Related Posts: in the middle of a sentence, which is not a tail."
    body = f"{text}\nThe study warns.\nRelated Posts:\nEV Fast Chargers Vulnerable\nRate this post"

    item = stage.process_item(article(articleBody=body))
    assert ItemAdapter(item)["articleBody"] == f"{text}\nThe study warns."
    assert crawler.stats.get_value("chrome/tails_cut") == 1
    assert crawler.stats.get_value("chrome/lines_removed") == 3

    # A tail line first would leave nothing: it is not trusted, and nothing is cut.
    only_tail = "Related Posts:\nThe whole article."
    assert ItemAdapter(stage.process_item(article(articleBody=only_tail)))["articleBody"] == only_tail


def test_canonical_dedupe_keeps_the_first_copy() -> None:
    crawler = get_crawler()
    stage = CanonicalUrlDedupePipeline.from_crawler(crawler)
    first = article()
    assert stage.process_item(first) is first
    with pytest.raises(DropItem, match="duplicate"):
        stage.process_item(article(url="https://www.anquanke.com/post/id/301767?from=rss"))
    other = article(canonicalUrl="https://www.anquanke.com/post/id/301768")
    assert stage.process_item(other) is other
    assert crawler.stats.get_value("dedupe/dropped/canonical_url") == 1
