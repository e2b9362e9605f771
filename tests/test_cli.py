"""`scrapy crawl` as a user runs it: where the feed goes, and what it looks like."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from scrapers.sources import source_spiders
from tests.crawling import ROOT
from tests.rebuild.feed import START_URLS

CASSETTE = f"CASSETTE_PATH={ROOT}/cassettes/%(name)s/crawl.yaml"


def scrapy(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "SCRAPY_SETTINGS_MODULE": "scrapers.settings",
        "PYTHONPATH": str(ROOT),
        "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "",
    }
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    if check:
        assert result.returncode == 0, result.stderr[-3000:]
    return result


def test_without_output_option_each_crawl_writes_its_own_feed(tmp_path: Path) -> None:
    scrapy(tmp_path, "crawl", "anquanke", "-a", "limit=3", "-s", CASSETTE)

    feeds = list((tmp_path / "feeds" / "anquanke").glob("*.jsonl"))
    assert len(feeds) == 1
    text = feeds[0].read_text(encoding="utf-8")
    items = [json.loads(line) for line in text.splitlines()]
    assert len(items) == 3
    assert "\\u" not in text  # Chinese is written as UTF-8, not escaped
    assert all(item["sourceSite"] == "anquanke" and "安全" in text for item in items)


def test_output_option_replaces_the_default_feed(tmp_path: Path) -> None:
    scrapy(tmp_path, "crawl", "cnbeta", "-O", "cnbeta.jsonl", "-s", CASSETTE)

    assert not (tmp_path / "feeds").exists()
    lines = (tmp_path / "cnbeta.jsonl").read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) for line in lines]
    assert len(items) == 7
    seed = next(item for item in items if item["canonicalUrl"].endswith("/1516922.htm"))
    assert seed["datePublished"] == "2025-08-03T11:06:04+08:00"


def test_scrapy_list_shows_every_source_and_the_generic_spider(tmp_path: Path) -> None:
    listed = scrapy(tmp_path, "list").stdout.split()

    assert set(listed) == {spider.name for spider in source_spiders()} | {"feed"}
    assert {"anquanke", "cnbeta", "thehackernews", "securityonline"} <= set(listed)


def test_generic_spider_from_its_cassette(tmp_path: Path) -> None:
    scrapy(tmp_path, "crawl", "feed", "-a", f"url={' '.join(START_URLS)}", "-O", "out.jsonl", "-s", CASSETTE)

    items = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(items) == 7
    assert {item["inLanguage"] for item in items} >= {"en", "zh"}


def test_generic_spider_without_url_says_what_it_needs(tmp_path: Path) -> None:
    result = scrapy(tmp_path, "crawl", "feed", check=False)

    assert result.returncode != 0
    assert "the feed spider needs -a url=" in result.stderr
