"""The securityonline spider, crawled end to end from its cassette."""

from __future__ import annotations

import re

import pytest
import pytest_twisted

from scrapers.archive import markdown_line_text as plain_text
from scrapers.spiders.securityonline import SecurityOnlineSpider
from tests.conftest import Replay
from tests.rebuild import securityonline as archive
from tests.rebuild.archive import site_files

SPIDER = "securityonline"
BACKFILL = "2000-01-01"
# WordPress chrome around the post, and the plugin blocks appended to its content.
CHROME = (
    "Related Posts",
    "Rate this post",
    "Found this helpful",
    "please share it with others",
    "Tags:",
    "Post navigation",
    "Previous:",
    "Next:",
    "Leave a Reply",
    "Logged in as",
    "Required fields are marked",
    "Daily CyberSecurity",
    "Primary Menu",
    "Search for:",
    "Skip to content",
    "Submit Press Release",
    "About WordPress",
    "Recent Zero-Day Vulnerabilities",
)


@pytest.mark.vcr
@pytest_twisted.ensureDeferred
async def test_choicejacking(replay: Replay) -> None:
    item = (await replay(since=BACKFILL)).item("/choicejacking-new-usb-attack-bypasses-android-ios-security/")

    assert item["headline"] == "CHOICEJACKING: New USB Attack Bypasses Android & iOS Security"
    assert item["datePublished"] == "2025-05-29T00:00:00+00:00"
    assert item["authors"] == [{"name": "Ddos"}]
    assert item["articleSection"] == "Malware"
    assert "JuiceJacking" in item["keywords"]
    assert item["mainImage"] == {"url": "https://securityonline.info/wp-content/uploads/2025/05/choice.png"}
    body = item["articleBody"]
    assert body.startswith("A decade after the original “JuiceJacking” threat prompted mobile operating systems")
    # A sentence whose word "flaw" the CVE Watchtower plugin turned into a link keeps that word.
    assert "exploit a core design flaw in current JuiceJacking countermeasures" in body
    assert body.endswith(
        "“CHOICEJACKING represents a primitive for obtaining access to users’ private files stored on "
        "the mobile device,” the study warns."
    )
    for chrome in CHROME:
        assert chrome not in body, chrome


@pytest.mark.vcr
@pytest_twisted.ensureDeferred
async def test_feed_alone_gives_the_newest_articles(replay: Replay) -> None:
    recent = await replay()

    assert len(recent.items) == 4
    assert not [url for url in recent.fetched if "sitemap" in url]


@pytest.mark.vcr
@pytest_twisted.ensureDeferred
async def test_backfill_reads_the_sitemap_robots_txt_names(replay: Replay) -> None:
    everything = await replay(since=BACKFILL)

    assert len(everything.items) == 8
    assert "https://securityonline.info/wp-sitemap-posts-post-1.xml" in everything.fetched
    assert everything.stats["sitemap/entries"] == 8
    assert everything.stats["chrome/tails_cut"] == 8


@pytest.mark.vcr
@pytest.mark.usefixtures("shared")
@pytest_twisted.ensureDeferred
async def test_every_archived_article_is_clean(replay: Replay) -> None:
    result = await replay(since=BACKFILL)

    for dump in site_files("securityonline"):
        item = result.item(str(dump.front["url"]))
        # Unbalanced emphasis in a dump shows as literal asterisks on the rebuilt page.
        body = " ".join(item["articleBody"].replace("*", "").split())
        paragraphs = [plain_text(line) for line in archive.regions(dump)["body"] if plain_text(line)]
        for paragraph in paragraphs:
            assert paragraph in body, (dump.source, paragraph)
        leftovers = [chrome for chrome in CHROME if chrome in body]
        assert not leftovers, f"{item['url']} keeps {leftovers}"
        assert re.fullmatch(r"https://securityonline\.info/[a-z0-9-]+/", item["canonicalUrl"])
        assert item["inLanguage"] == "en"


def test_article_urls() -> None:
    spider = SecurityOnlineSpider()
    canonical = "https://securityonline.info/choicejacking-new-usb-attack-bypasses-android-ios-security/"
    assert spider.article_url(canonical) == canonical
    mixed_case = "http://www.securityonline.info/CHOICEJACKING-new-usb-attack-bypasses-android-ios-security"
    assert spider.article_url(mixed_case) == canonical
    assert spider.article_url(f"{canonical}?amp=1#respond") == canonical
    for page in (
        "https://securityonline.info/",
        "https://securityonline.info/category/news/malware/",
        "https://securityonline.info/tag/android/",
        "https://securityonline.info/author/ddos/",
        "https://securityonline.info/cve-watchtower/",
        "https://securityonline.info/wp-login.php",
        "https://securityonline.info/feed/",
        "https://securityonline.info/page/2/",
    ):
        assert spider.article_url(page) is None, page
