from __future__ import annotations

import os

# Scrapy's cookie middleware builds a tldextract splitter that would download the public suffix
# list; tests never touch the network, so it uses the snapshot tldextract ships.
os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from vcr.cassette import Cassette

from scrapers.cassette import SharedCassette
from tests.crawling import ROOT, SHARED, CrawlResult, assert_no_cassette_miss, crawl

Replay = Callable[..., Awaitable[CrawlResult]]


@pytest.fixture
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    """Site cassettes live in cassettes/<spider>/, as the project layout says."""
    spider = getattr(request.module, "SPIDER", None)
    if spider is None:
        return str(Path(request.node.path).parent / "cassettes")
    return str(ROOT / "cassettes" / spider)


@pytest.fixture
def shared() -> Path:
    """``../shared``, for tests that compare with its archived pages; they skip when it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent: it holds the archived pages this test compares with")
    return SHARED


@pytest.fixture
def default_cassette_name() -> str:
    return "crawl"


@pytest.fixture
def replay(vcr: Cassette, tmp_path: Path, request: pytest.FixtureRequest) -> Replay:
    """Run the module's spider against pytest-recording's cassette; a missed request fails."""

    async def run(settings: dict[str, Any] | None = None, **spider_args: Any) -> CrawlResult:
        result = await crawl(
            request.module.SPIDER, tmp_path, {"VCR_CASSETTE": SharedCassette(vcr), **(settings or {})}, **spider_args
        )
        assert_no_cassette_miss(result)
        return result

    return run
