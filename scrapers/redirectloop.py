"""Stop a redirect loop with a reason.

Scrapy follows a redirect by scheduling a new request; when the chain comes back to a URL it has
already been through, the duplicate filter drops that request without a word, and the article
silently goes missing. This middleware, ahead of the RedirectMiddleware, fails the request instead:
the spider's errback logs it and counts it (``article/failed/RedirectLoop``), as does the stat
``redirect/loop``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.exceptions import IgnoreRequest
from w3lib.url import safe_url_string

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)


class RedirectLoop(IgnoreRequest):
    """A redirect back to a URL of the same redirect chain."""


class RedirectLoopMiddleware:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectLoopMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get(b"Location")
        if not 300 <= response.status < 400 or not location:
            return response
        target = safe_url_string(response.urljoin(location.decode("latin-1")))
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target not in chain:
            return response
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("redirect/loop")
        logger.warning("Redirect loop: %s", " -> ".join([*chain, target]))
        raise RedirectLoop(f"redirect loop back to {target}")
