"""Honour ``Retry-After`` on 429 and 503 answers, which Scrapy's RetryMiddleware retries at once.

A server that asks for a short pause (at most ``RETRY_AFTER_MAX`` seconds) gets it before the retry;
one that asks to come back much later is not retried in this crawl, and the article fails with its
status (logged by the spider, counted as ``article/failed/http_503``). Stats: ``retry_after/waited``
and ``retry_after/too_long``.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import reactor, task

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

STATUSES = (429, 503)


def retry_after_seconds(value: bytes | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value: a number of seconds or an HTTP date."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.max_wait = crawler.settings.getfloat("RETRY_AFTER_MAX")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in STATUSES or request.meta.get("dont_retry"):
            return response
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        if wait is None:
            return response
        assert self.crawler.stats is not None
        if wait > self.max_wait:
            logger.warning(
                "%s answered %d and asks to come back in %.0f s (over RETRY_AFTER_MAX): not retried in this crawl",
                request.url, response.status, wait,
            )  # fmt: skip
            self.crawler.stats.inc_value("retry_after/too_long")
            request.meta["dont_retry"] = True
            return response
        logger.info(
            "%s answered %d and asks to wait %.0f s: retried after the wait", request.url, response.status, wait
        )
        self.crawler.stats.inc_value("retry_after/waited")
        await maybe_deferred_to_future(task.deferLater(reactor, wait))
        return response
