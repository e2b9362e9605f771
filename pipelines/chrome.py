"""First chrome strip: whole body lines that a spider declares as its site's chrome.

Each spider lists regular expressions for lines such as reprint notices and share prompts in its
``chrome_lines`` attribute, next to the rest of what it knows about its site. Lines are matched
after stripping white space, and only whole lines are removed, never parts of a paragraph.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class ChromeStripPipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self._patterns: list[re.Pattern[str]] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ChromeStripPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        declared = getattr(self.crawler.spider, "chrome_lines", ())
        self._patterns = [re.compile(pattern) for pattern in declared]

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        body = adapter.get("articleBody")
        if not body or not self._patterns:
            return item
        kept = [line for line in body.splitlines() if not any(p.search(line.strip()) for p in self._patterns)]
        removed = body.count("\n") + 1 - len(kept)
        if removed:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("chrome/lines_removed", removed)
            self.crawler.stats.inc_value("chrome/items_stripped")
            adapter["articleBody"] = "\n".join(kept)
        return item
