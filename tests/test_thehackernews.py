"""The thehackernews spider, crawled end to end from its cassette."""

from __future__ import annotations

import re

import pytest
import pytest_twisted
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from scrapers.archive import markdown_line_text as plain_text
from scrapers.spiders.thehackernews import TheHackerNewsSpider
from tests.conftest import Replay
from tests.rebuild import thehackernews as archive
from tests.rebuild.archive import site_files

SPIDER = "thehackernews"
# The cassette's sitemap reaches back to the oldest archived article.
BACKFILL = "2000-01-01"
# Page chrome around and inside #articlebody.
CHROME = (
    "Found this article interesting",
    "Follow us on",
    "SHARE",
    "Share on",
    "Tweet",
    "#1 Trusted Cybersecurity News Platform",
    "Followed by",
    "Subscribe",
    "Newsletter",
    "RSS Feeds",
    "Email Alerts",
    "Advertise with us",
    "All Rights Reserved",
    "**",
    "data:image",
    "thehackernews.uk",
    "/search/label/",
)


@pytest.mark.vcr
@pytest_twisted.ensureDeferred
async def test_feed_alone_gives_the_newest_articles(replay: Replay) -> None:
    result = await replay()

    assert len(result.items) == 5
    assert not [url for url in result.fetched if "sitemap" in url]
    assert {item["datePublished"][:4] for item in result.items} == {"2026"}


@pytest.mark.vcr
@pytest_twisted.ensureDeferred
async def test_linux_flaws_original(replay: Replay) -> None:
    item = (await replay(since=BACKFILL)).item("/2025/06/new-linux-flaws-enable-full-root-access.html")

    assert item["headline"] == "New Linux Flaws Enable Full Root Access via PAM and Udisks Across Major Distributions"
    assert item["canonicalUrl"] == "https://thehackernews.com/2025/06/new-linux-flaws-enable-full-root-access.html"
    assert item["datePublished"] == "2025-06-19T00:00:00+05:30"
    assert item["authors"] == [{"name": "Ravie Lakshmanan"}]
    assert item["keywords"] == ["Linux", "Vulnerability"]
    assert item["inLanguage"] == "en"
    assert item["isBasedOn"] is None
    assert item["mainImage"]["url"].endswith("/s790-rw-e365/Linux-LPE.jpg")
    body = item["articleBody"]
    assert body.startswith("Cybersecurity researchers have uncovered two local privilege escalation (LPE) flaws")
    assert "CVE-2025-6018 - LPE from unprivileged to allow_active in SUSE 15's Pluggable Authentication Modules" in body
    assert body.endswith("to ensure that the either of two paths are safe to operate on as root.")
    for chrome in CHROME:
        assert chrome not in body, chrome


@pytest.mark.vcr
@pytest_twisted.ensureDeferred
async def test_byline_in_either_order(replay: Replay) -> None:
    result = await replay(since=BACKFILL)

    # 2025 pages read "Jun 16, 2025 Ravie Lakshmanan", 2026 pages "Swati Khandelwal Jul 07, 2026".
    old = result.item("/2025/06/anubis-ransomware-encrypts-and-wipes.html")
    new = result.item("/2026/07/redwing-maas-packages-android-bank.html")
    assert (old["datePublished"], old["authors"]) == ("2025-06-16T00:00:00+05:30", [{"name": "Ravie Lakshmanan"}])
    assert (new["datePublished"], new["authors"]) == ("2026-07-07T00:00:00+05:30", [{"name": "Swati Khandelwal"}])
    assert result.item("/2026/03/ai-agents-next-wave-identity-dark.html")["authors"] == [{"name": "The Hacker News"}]


@pytest.mark.vcr
@pytest_twisted.ensureDeferred
async def test_backfill_reads_the_sitemap_from_since(replay: Replay) -> None:
    result = await replay(since="2025-06-01")

    assert "https://thehackernews.com/sitemap.xml?page=1" in result.fetched
    assert len(result.items) == 12
    assert all(item["datePublished"] >= "2025-06-01" for item in result.items)
    assert result.stats["discovery/before_since"] == 3
    assert result.stats["discovery/already_scheduled"] == 5


@pytest.mark.vcr
@pytest.mark.usefixtures("shared")
@pytest_twisted.ensureDeferred
async def test_every_archived_article_is_clean(replay: Replay) -> None:
    result = await replay(since=BACKFILL)

    dumps = site_files("thehackernews")
    assert len(result.items) == len(dumps) == 15
    for dump in dumps:
        item = result.item(str(dump.front["url"]))
        body = item["articleBody"]
        paragraphs = [plain_text(line) for line in archive.split(dump)["body"] if plain_text(line)]
        # The first and the last paragraph the archive kept are there, whole.
        assert paragraphs[0] in " ".join(body.split()), dump.source
        assert paragraphs[-1] in " ".join(body.split()), dump.source
        leftovers = [chrome for chrome in CHROME if chrome in body]
        assert not leftovers, f"{item['url']} keeps {leftovers}"
        assert re.fullmatch(r"https://thehackernews\.com/20\d\d/\d\d/[a-z0-9-]+\.html", item["canonicalUrl"])


def test_article_urls() -> None:
    spider = TheHackerNewsSpider()
    canonical = "https://thehackernews.com/2025/06/new-linux-flaws-enable-full-root-access.html"
    assert spider.article_url(canonical) == canonical
    assert spider.article_url("http://www.thehackernews.com/2025/06/new-linux-flaws-enable-full-root-access.html") == (
        canonical
    )
    assert spider.article_url(f"{canonical}?utm_source=feedburner&m=1#comments") == canonical
    assert spider.article_url("https://thehackernews.com/search/label/Vulnerability") is None
    assert spider.article_url("https://thehackernews.com/p/about-us.html") is None
    assert spider.article_url("https://thehackernews.uk/ai-agent-security-d") is None


def test_machine_dates_win_over_the_byline() -> None:
    # Pages since 2026 also carry ISO dates with their offset in itemprop meta tags.
    html = """<html><head>
    <meta itemprop="datePublished" content="2026-10-02T18:41:00+05:30">
    <meta itemprop="dateModified" content="2026-10-03T09:00:00+05:30"></head><body>
    <h1 class="story-title"><a href="#">Title</a></h1>
    <div class="postmeta"><span class="p-author"><span class="author">Ravie Lakshmanan</span>
    <span class="author">Oct 02, 2026</span></span><span class="p-tags">Malware</span></div>
    <div id="articlebody"><p>Text.</p></div></body></html>"""
    spider = TheHackerNewsSpider.from_crawler(get_crawler(TheHackerNewsSpider))
    response = HtmlResponse("https://thehackernews.com/2026/10/x.html", body=html.encode())
    fields = spider.parse_page(response, response.selector)

    assert fields.published is not None and fields.published.isoformat() == "2026-10-02T18:41:00+05:30"
    assert fields.modified is not None and fields.modified.isoformat() == "2026-10-03T09:00:00+05:30"
    assert fields.authors == ["Ravie Lakshmanan"]
    assert fields.keywords == ["Malware"]
