"""Exact dedupe within one crawl: one item per canonical URL.

Spiders already avoid scheduling an article twice; this stage catches the cases they cannot see,
such as two URLs that redirect to the same article.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class CanonicalUrlDedupePipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CanonicalUrlDedupePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        key = adapter.get("canonicalUrl") or adapter["url"]
        if key in self.seen:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("dedupe/dropped/canonical_url")
            raise DropItem(f"duplicate of {key}")
        self.seen.add(key)
        return item
