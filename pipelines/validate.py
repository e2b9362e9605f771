"""Drop items that are not articles: no headline, or a body that is empty or too short."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

# A CJK character carries about as much as a Latin word, so each counts once.
_TEXT_UNITS = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]|[^\W_]+")


def text_length(text: str) -> int:
    """Length in CJK characters plus Latin words, comparable across Chinese and English."""
    return len(_TEXT_UNITS.findall(text))


class ValidatePipeline:
    def __init__(self, crawler: Crawler, min_length: int):
        self.crawler = crawler
        self.min_length = min_length

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler, crawler.settings.getint("ARTICLE_MIN_LENGTH"))

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        reason = self._reject_reason(adapter)
        if reason is None:
            return item
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"validate/dropped/{reason}")
        raise DropItem(f"{reason}: {adapter.get('url')}")

    def _reject_reason(self, adapter: ItemAdapter) -> str | None:
        if not (adapter.get("headline") or "").strip():
            return "no_headline"
        body = (adapter.get("articleBody") or "").strip()
        if not body:
            return "empty_body"
        if text_length(body) < self.min_length:
            return "short_body"
        return None
