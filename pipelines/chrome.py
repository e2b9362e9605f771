"""First chrome strip: whole body lines that a spider declares as its site's chrome.

Each spider lists regular expressions for lines such as reprint notices and share prompts in its
``chrome_lines`` attribute, next to the rest of what it knows about its site. Lines are matched
after stripping white space, and only whole lines are removed, never parts of a paragraph.

``chrome_tail_lines`` are lines after which nothing is the article any more ("Related Posts:" from a
plugin that appends to the post content): such a line and everything after it go. A tail line
that would leave the body empty is not trusted, and the body is kept whole.
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
        self._patterns: list[re.Pattern[str]] = []
        self._tails: list[re.Pattern[str]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ChromeStripPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        spider = self.crawler.spider
        self._patterns = [re.compile(pattern) for pattern in getattr(spider, "chrome_lines", ())]
        self._tails = [re.compile(pattern) for pattern in getattr(spider, "chrome_tail_lines", ())]

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        body = adapter.get("articleBody")
        if not body or not (self._patterns or self._tails):
            return item
        lines = body.splitlines()
        tail = next((n for n, line in enumerate(lines) if n and any(p.search(line.strip()) for p in self._tails)), None)
        kept = [line for line in lines[:tail] if not any(p.search(line.strip()) for p in self._patterns)]
        removed = len(lines) - len(kept)
        if removed:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("chrome/lines_removed", removed)
            if tail is not None:
                self.crawler.stats.inc_value("chrome/tails_cut")
            self.crawler.stats.inc_value("chrome/items_stripped")
            adapter["articleBody"] = "\n".join(kept)
        return item
