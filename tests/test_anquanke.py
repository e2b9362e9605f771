"""The anquanke spider, crawled end to end from its cassette."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import pytest_twisted

from scrapers.spiders.anquanke import AnquankeSpider
from tests.conftest import Replay

SPIDER = "anquanke"
# Everything on an Anquanke page that is not the article (issue 2's list and the rest of the
# page's fixed texts).
CHROME = (
    "阅读量",
    "发布时间 :",
    "译文声明",
    "本文是翻译文章",
    "译文仅供参考",
    "本文翻译自",
    "如若转载",
    "分享到",
    "发表评论",
    "您还未登录",
    "TA的文章",
    "相关文章",
    "热门推荐",
    "文章目录",
    "商务合作",
    "原创发布",
    "转载声明",
    "安全KER",
    "有思想的安全新媒体",
    "签名都懒得写",
    "Copyright",
    "京ICP备",
    "内容精选",
)


def post_id(item: dict[str, object]) -> str:
    return str(item["canonicalUrl"]).rsplit("/", 1)[1]


@pytest.mark.vcr
@pytest_twisted.ensureDeferred
async def test_seed_article(replay: Replay) -> None:
    seed = (await replay()).item("/post/id/301767")

    assert seed["headline"] == "OpenAI 的下一代模型遭遇性能瓶颈： 报告"
    assert seed["datePublished"] == "2024-11-13T10:06:21+08:00"
    assert seed["isBasedOn"] == "https://decrypt.co/291193/openais-next-gen-model-hits-performance-wall-report"
    assert seed["authors"] == [{"name": "安全客"}]
    assert seed["keywords"] == ["安全资讯", "行业资讯"]
    body = seed["articleBody"]
    assert body.startswith("熟悉内情的消息人士告诉《The Information》")
    assert body.endswith("从而在 GPT-5 最终发布之前对其进行大幅改进。")
    assert "OpenAI 如何解决这一问题： 推理与语言模型" in body
    for chrome in (
        "阅读量",
        "译文声明",
        "分享到",
        "发表评论",
        "TA的文章",
        "相关文章",
        "商务合作",
        "安全KER",
        "Copyright",
    ):
        assert chrome not in body


@pytest.mark.vcr
@pytest_twisted.ensureDeferred
async def test_no_page_chrome_survives_in_any_article(replay: Replay) -> None:
    result = await replay()

    assert len(result.items) == 32
    assert len({item["canonicalUrl"] for item in result.items}) == 32
    for item in result.items:
        leftovers = [chrome for chrome in CHROME if chrome in item["articleBody"]]
        assert not leftovers, f"{item['url']} keeps {leftovers}"
        assert re.fullmatch(r"https://www\.anquanke\.com/post/id/\d{6}", item["canonicalUrl"])
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", item["datePublished"])
        assert item["authors"], item["url"]
    # The reprint notice inside the body (本文翻译自… 如若转载请注明出处) is removed by the chrome stage.
    assert result.stats["chrome/lines_removed"] >= 32


@pytest.mark.vcr
@pytest_twisted.ensureDeferred
async def test_translation_links_its_original(replay: Replay) -> None:
    item = (await replay()).item("/post/id/308613")

    assert item["headline"] == "新的Linux缺陷支持跨主要发行版通过AM和Udisk进行完全根访问"
    assert item["isBasedOn"] == "https://thehackernews.com/2025/06/new-linux-flaws-enable-full-root-access.html"
    assert (item["originalAuthor"], item["originalSource"]) == ("Ravie Lakshmanan", "TheHackersNews")
    assert "CVE-2025-6018" in item["articleBody"]


@pytest.mark.vcr
@pytest_twisted.ensureDeferred
async def test_original_articles_have_no_is_based_on(replay: Replay) -> None:
    result = await replay()

    # 313279 is 安全客's own; 306379 and 307820 are published by other organisations.
    for post in ("313279", "306379", "307820"):
        assert result.item(f"/post/id/{post}")["isBasedOn"] is None
    assert result.item("/post/id/306379")["authors"] == [{"name": "中科数测"}]


@pytest.mark.vcr
@pytest_twisted.ensureDeferred
async def test_attribution_matches_every_archived_original(replay: Replay, shared: Path) -> None:
    expected: dict[str, tuple[str | None, ...]] = {}
    for path in [*shared.glob("sites/anquanke*/*.md"), shared / "seeds" / "002_0b40a3fbf5ad261a.txt"]:
        text = path.read_text(encoding="utf-8")
        post = re.search(r"^url: https://www\.anquanke\.com/post/id/(\d+)", text, re.M)
        original = re.search(r"^原文地址：<(https?://[^>]+)>", text, re.M)
        credits = re.search(r"^本文是翻译文章，文章原作者 (.+?) ?，文章来源：(.+)$", text, re.M)
        if post:
            expected[post[1]] = (original[1] if original else None, *(credits.groups() if credits else (None, None)))

    result = await replay()

    assert result.items
    assert sum(1 for item in result.items if item["originalAuthor"]) >= 20
    for item in result.items:
        actual = (item["isBasedOn"], item["originalAuthor"], item["originalSource"])
        assert actual == expected[post_id(item)], item["url"]


@pytest.mark.vcr
@pytest_twisted.ensureDeferred
async def test_since_follows_the_posts_api_back_and_stops(replay: Replay) -> None:
    result = await replay(since="2025-06-01")

    assert len(result.items) == 17
    assert all(item["datePublished"] >= "2025-06-01" for item in result.items)
    pages = [re.findall(r"[?&]page=(\d+)", url)[0] for url in result.fetched if "/data/v1/posts" in url]
    assert pages == ["1", "2"]


@pytest.mark.vcr
@pytest_twisted.ensureDeferred
async def test_limit_caps_the_articles(replay: Replay) -> None:
    result = await replay(limit="5")

    assert len(result.items) == 5


def test_article_urls() -> None:
    spider = AnquankeSpider()
    canonical = "https://www.anquanke.com/post/id/301767"
    assert spider.article_url("https://www.anquanke.com/post/id/301767") == canonical
    assert spider.article_url("http://anquanke.com/post/id/301767/") == canonical
    assert spider.article_url("//www.anquanke.com/post/id/301767?from=timeline#h2-0") == canonical
    assert spider.article_url("https://www.anquanke.com/week/id/301770") == "https://www.anquanke.com/week/id/301770"
    assert spider.article_url("https://www.anquanke.com/tag/%E5%AE%89%E5%85%A8") is None
    assert spider.article_url("https://www.anquanke.com/member.html?memberId=173683") is None
