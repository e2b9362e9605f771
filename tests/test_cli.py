"""`scrapy crawl` as a user runs it: where the feed goes, and what it looks like."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.crawling import ROOT

CASSETTE = f"CASSETTE_PATH={ROOT}/cassettes/%(name)s/crawl.yaml"


def scrapy(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "SCRAPY_SETTINGS_MODULE": "scrapers.settings",
        "PYTHONPATH": str(ROOT),
        "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "",
    }
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
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


def test_scrapy_list_shows_every_source(tmp_path: Path) -> None:
    assert scrapy(tmp_path, "list").stdout.split() == ["anquanke", "cnbeta"]
