"""First chrome strip: the body lines a site's spider declares as chrome (see ``scrapers.chrome``).

The rules are those of the item's own site (``sourceSite``): the running spider's, or, for items
that come from elsewhere (the archive importer), those of the source spider of that name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.spiderloader import get_spider_loader

from scrapers.chrome import ChromeRules

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class ChromeStripPipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self._rules: dict[str, ChromeRules] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ChromeStripPipeline:
        return cls(crawler)

    def rules_for(self, site: str | None) -> ChromeRules:
        spider = self.crawler.spider
        own = str(getattr(spider, "name", ""))
        name = site or own
        if name not in self._rules:
            if name == own:
                self._rules[name] = ChromeRules.of(spider)
            else:
                loader = get_spider_loader(self.crawler.settings)
                self._rules[name] = ChromeRules.of(loader.load(name)) if name in loader.list() else ChromeRules()
        return self._rules[name]

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        body = adapter.get("articleBody")
        rules = self.rules_for(adapter.get("sourceSite"))
        if not body or not rules:
            return item
        stripped = rules.strip(body.splitlines())
        if stripped.removed:
            assert self.crawler.stats is not None
            stats = self.crawler.stats
            stats.inc_value("chrome/lines_removed", stripped.removed)
            if stripped.tail_cut:
                stats.inc_value("chrome/tails_cut")
            stats.inc_value("chrome/items_stripped")
            adapter["articleBody"] = "\n".join(stripped.lines)
        return item
