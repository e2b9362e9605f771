"""A bad day on a site, replayed from the ``baddays`` cassette (recorded from a local server by
``python -m tests.rebuild baddays``): every failure is logged with its reason and counted, the
crawl finishes, and the good articles come through whole."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import pytest_twisted

from tests.crawling import ROOT, assert_no_cassette_miss, crawl
from tests.rebuild.baddays import BASE, GOOD, BadDaysSpider


@pytest_twisted.ensureDeferred
async def test_a_bad_day_is_logged_and_counted_and_the_good_articles_come_through(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    result = await crawl(BadDaysSpider, tmp_path, {"CASSETTE_PATH": str(ROOT / "cassettes" / "baddays" / "crawl.yaml")})
    assert_no_cassette_miss(result)
    stats = result.stats
    log = caplog.text

    assert stats["finish_reason"] == "finished"
    assert {item["url"]: item["articleBody"] for item in result.items} == {
        BASE + path: "\n".join(paragraphs) for path, (_, paragraphs) in GOOD.items()
    }

    expected = {
        # case: (stat, what the log says)
        "404": ("article/failed/http_404", f"Article {BASE}/news/gone failed (http_404)"),
        "500": ("article/failed/http_500", f"Article {BASE}/news/broken failed (http_500)"),
        "503, come back in an hour": ("retry_after/too_long", "asks to come back in 3600 s"),
        "503, failed": ("article/failed/http_503", f"Article {BASE}/news/busy failed (http_503)"),
        "503, wait a second": ("retry_after/waited", f"{BASE}/news/2 answered 503 and asks to wait 1 s"),
        "timeout": ("article/failed/DownloadTimeoutError", f"Article {BASE}/news/slow failed (DownloadTimeoutError)"),
        "redirect loop": (
            "redirect/loop",
            f"Redirect loop: {BASE}/news/loop -> {BASE}/news/loop-again -> {BASE}/news/loop",
        ),
        "redirect loop, failed": ("article/failed/RedirectLoop", "failed (RedirectLoop)"),
        "robots.txt": ("article/failed/robots_txt", f"Article {BASE}/private/1 failed (robots_txt)"),
        "empty feed": ("feed/empty", f"Feed {BASE}/empty.xml is empty"),
        "not XML": ("feed/invalid", f"Feed {BASE}/not-xml.xml has no entries and is not RSS or Atom"),
    }
    for case, (stat, message) in expected.items():
        assert stats.get(stat) == 1, f"{case}: stat {stat} is {stats.get(stat)}"
        assert message in log, f"{case}: {message!r} not logged"
    # The timeout was retried once, as recorded, before the article failed.
    assert stats["downloader/exception_type_count/scrapy.exceptions.DownloadTimeoutError"] == 2
