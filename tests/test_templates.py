"""Learned site templates: a real crawl of a local site whose pages carry chrome no rule knows,
and the stage's safeguards on its own, with the counts in a real SQLite file."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_twisted
from itemadapter import ItemAdapter
from scrapy.exceptions import NotConfigured
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from pipelines.templates import LearnedTemplatePipeline, SiteTemplates, Thresholds
from scrapers.items import Article
from tests.crawling import ROOT, crawl
from tests.localsite import UTF8, LocalNewsSpider, article, rss, serve
from tests.rebuild.mirror import Page

PAGES = 50
K = 5
# A campaign banner and a "recommended" list inside the article container, on every page.
BANNER = "【限时活动】2025网络安全大会早鸟票开售，点击报名立享五折优惠！"
RECOMMENDED = ["推荐阅读：", "如何防范勒索软件的十个步骤", "零信任架构入门指南"]
CHROME_HTML = f"<p>{BANNER}</p><p>{RECOMMENDED[0]}</p><p>{RECOMMENDED[1]}</p><p>{RECOMMENDED[2]}</p>"
BLOCK = [BANNER, *RECOMMENDED]
PRODUCTS = ["路由器", "打印机", "摄像头", "交换机", "网关", "防火墙", "服务器", "工控设备", "数据库", "浏览器"]


def story(n: int) -> list[str]:
    """The distinct text of article ``n``."""
    product = PRODUCTS[n % len(PRODUCTS)]
    return [
        f"安全研究人员近日披露了影响第{n}代{product}固件的一个远程代码执行漏洞，编号为CVE-2025-{1000 + n}。",
        f"攻击者无需认证即可通过特制请求在受影响的{product}上执行任意命令，目前已有{n * 3}个暴露在公网的实例被确认。",
        f"厂商已在版本{n}.{n % 7}.{n % 5}中修复该问题，建议所有用户在{n % 28 + 1}日内完成升级。",
    ]


def site(base: str, pages: range) -> dict[str, Page]:
    paths = [f"/news/{n}" for n in pages]
    served = {"/feed.xml": Page(200, "application/rss+xml", rss(base, paths))}
    for n in pages:
        # The block sits between the article's paragraphs, where a rule on the tail would miss it.
        paragraphs = story(n)
        html = article(f"漏洞通报{n}", paragraphs[:1]).replace("</p>", "</p>" + CHROME_HTML, 1)
        html = html.replace("</div><footer>", "".join(f"<p>{p}</p>" for p in paragraphs[1:]) + "</div><footer>")
        served[f"/news/{n}"] = Page(200, UTF8, html.encode())
    return served


def without_block(body: str) -> str:
    return "\n".join(line for line in body.splitlines() if line not in BLOCK)


@pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
@pytest_twisted.ensureDeferred
async def test_a_block_on_every_page_is_learned_and_stripped_after_k_pages(tmp_path: Path) -> None:
    server, base = serve(lambda base: site(base, range(1, PAGES + 1)))
    with server:
        # One request at a time, so that the pages reach the stage in the feed's order.
        result = await crawl(LocalNewsSpider, tmp_path, {"CONCURRENT_REQUESTS": 1}, base=base)

    assert len(result.items) == PAGES
    for position, item in enumerate(result.items, start=1):
        n = int(item["url"].rsplit("/", 1)[1])
        body = item["articleBody"]
        # Apart from the block, every body is exactly its article's text.
        assert without_block(body) == "\n".join(story(n)), item["url"]
        if position < K:
            assert all(line in body.splitlines() for line in BLOCK), f"page {position} lost text before it was learned"
        else:
            assert not any(line in body for line in BLOCK), f"page {position} keeps the block"
    assert result.stats["templates/items_stripped"] == PAGES - K + 1
    assert result.stats["templates/lines_removed"] == len(BLOCK) * (PAGES - K + 1)

    state = sqlite3.connect(tmp_path / "state.sqlite3")
    pages = dict(state.execute("SELECT text, pages FROM template_lines WHERE text IN (?, ?)", BLOCK[:2]).fetchall())
    assert pages == {BANNER: PAGES, RECOMMENDED[0]: PAGES}


@pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
@pytest_twisted.ensureDeferred
async def test_learning_carries_over_to_the_next_run(tmp_path: Path) -> None:
    state = {"STATE_PATH": str(tmp_path / "state.sqlite3"), "CONCURRENT_REQUESTS": 1}
    server, base = serve(lambda base: site(base, range(1, 4)))
    with server:
        first = await crawl(LocalNewsSpider, tmp_path / "first", state, base=base)
    server, base = serve(lambda base: site(base, range(4, 8)))
    with server:
        second = await crawl(LocalNewsSpider, tmp_path / "second", state, base=base)

    assert all(BANNER in item["articleBody"] for item in first.items)
    # Pages 1-3 came from the first run: the fifth page overall is the first one stripped.
    kept = [BANNER in item["articleBody"] for item in second.items]
    assert kept == [True, False, False, False]


def stage(tmp_path: Path, **settings: object) -> LearnedTemplatePipeline:
    project = get_project_settings().copy_to_dict()
    crawler = get_crawler(settings_dict={**project, "STATE_PATH": str(tmp_path / "state.sqlite3"), **settings})
    crawler.stats.open_spider()
    pipeline = LearnedTemplatePipeline.from_crawler(crawler)
    pipeline.open_spider()
    return pipeline


def item(n: int, lines: list[str], site: str = "https://news.example.com") -> Article:
    return Article(url=f"{site}/a/{n}", canonicalUrl=f"{site}/a/{n}", headline=f"t{n}", articleBody="\n".join(lines))


def body(value: Article) -> str:
    return str(ItemAdapter(value)["articleBody"])


def test_a_page_counts_once_however_often_it_is_seen(tmp_path: Path) -> None:
    pipeline = stage(tmp_path)
    for _ in range(10):
        pipeline.process_item(item(1, [*story(1), BANNER]))
    for n in range(2, K):
        pipeline.process_item(item(n, [*story(n), BANNER]))
    assert BANNER in body(pipeline.process_item(item(1, [*story(1), BANNER])))
    assert BANNER not in body(pipeline.process_item(item(K, [*story(K), BANNER])))


def test_a_line_on_too_small_a_share_of_recent_pages_stays(tmp_path: Path) -> None:
    pipeline = stage(tmp_path)
    # The banner is on 6 of 30 pages (20 %): more than K pages, less than 30 % of the site.
    for n in range(1, 31):
        stripped = body(pipeline.process_item(item(n, [*story(n), *([BANNER] if n % 5 == 0 else [])])))
        assert stripped.splitlines()[:3] == story(n)
        assert (BANNER in stripped) == (n % 5 == 0)
    assert pipeline.crawler.stats.get_value("templates/items_stripped") is None


def test_sites_learn_apart(tmp_path: Path) -> None:
    pipeline = stage(tmp_path)
    for n in range(1, K):
        pipeline.process_item(item(n, [*story(n), BANNER], site="https://a.example.org"))
    assert BANNER in body(pipeline.process_item(item(K, [*story(K), BANNER], site="https://b.example.net")))


def test_a_body_that_is_all_template_is_kept_whole(tmp_path: Path) -> None:
    pipeline = stage(tmp_path)
    for n in range(1, K + 1):
        pipeline.process_item(item(n, [*story(n), *BLOCK]))
    # A page with nothing but the block: stripping would leave nothing.
    only = pipeline.process_item(item(100, BLOCK))
    assert body(only) == "\n".join(BLOCK)
    # A short page whose block outweighs its text: more than TEMPLATES_MAX_SHARE would go.
    short = pipeline.process_item(item(101, ["短讯。", *BLOCK]))
    assert body(short) == "\n".join(["短讯。", *BLOCK])
    stats = pipeline.crawler.stats
    assert stats.get_value("templates/kept/only_content") == 1
    assert stats.get_value("templates/kept/too_large_share") == 1


def test_templates_can_be_turned_off(tmp_path: Path) -> None:
    with pytest.raises(NotConfigured):
        stage(tmp_path, TEMPLATES_ENABLED=False)


def test_learned_lines_report_their_counts(tmp_path: Path) -> None:
    pipeline = stage(tmp_path)
    for n in range(1, 11):
        pipeline.process_item(item(n, [*story(n), BANNER, *(["偶尔出现的一行"] if n <= 2 else [])]))
    pipeline.close_spider()
    templates = SiteTemplates.open(tmp_path / "state.sqlite3", Thresholds())
    learned = {line.text: line for line in templates.learned("example.com")}
    assert (learned[BANNER].pages, learned[BANNER].share, learned[BANNER].active) == (10, 1.0, True)
    assert (learned["偶尔出现的一行"].pages, learned["偶尔出现的一行"].active) == (2, False)
    assert templates.sites() == [("example.com", 10)]


def test_scrapy_chrome_lists_what_was_learned(tmp_path: Path) -> None:
    pipeline = stage(tmp_path)
    for n in range(1, 8):
        pipeline.process_item(item(n, [*story(n), BANNER], site="https://www.anquanke.com"))
    pipeline.close_spider()
    env = {**os.environ, "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": ""}
    state = f"STATE_PATH={tmp_path / 'state.sqlite3'}"

    for site in ("anquanke", "www.anquanke.com"):
        run = subprocess.run(
            [sys.executable, "-m", "scrapy", "chrome", site, "-s", state],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, run.stderr[-2000:]
        assert "anquanke.com: 7 pages seen" in run.stdout
        assert f"strip       7 pages  100.0% of recent  {BANNER}" in run.stdout


def test_lines_without_letters_are_never_template(tmp_path: Path) -> None:
    pipeline = stage(tmp_path)
    for n in range(1, 10):
        code = ["{", f"    return {n};", "}", "***"]
        assert body(pipeline.process_item(item(n, [*story(n), *code]))).splitlines()[3:] == code
    assert pipeline.crawler.stats.get_value("templates/items_stripped") is None
