"""Distributed mode: the same spiders on several machines, sharing one queue and one state.

Setting ``REDIS_URL`` (``-s REDIS_URL=redis://host:6379/0`` or the ``CLEANNEWS_REDIS_URL``
environment variable) is the whole switch. This add-on then puts scrapy-redis's scheduler in
place, so every crawler of a spider pushes to and pops from one Redis queue, with a shared
duplicate filter; and the seen-store and the dedupe state go to the same Redis
(``scrapers.state.state_location``). Each machine writes its own feed files; together they hold every
article once.

The queue outlives each crawler (``SCHEDULER_PERSIST``): a crawler that runs out of work while
another still adds to the queue must not clear it, and a killed crawler's unfinished requests wait
there for the next one. The duplicate filter forgets a round's requests ``DUPEFILTER_TTL``
seconds after the last, since the seen-store decides when an article is due again.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy_redis.dupefilter import RFPDupeFilter

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)


class DistributedMode:
    """A Scrapy add-on, enabled in settings.py's ``ADDONS``; it changes nothing without REDIS_URL."""

    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.get("REDIS_URL"):
            return
        settings.set("SCHEDULER", "scrapy_redis.scheduler.Scheduler", priority="addon")
        settings.set("DUPEFILTER_CLASS", "scrapers.distributed.ExpiringDupeFilter", priority="addon")
        settings.set("SCHEDULER_PERSIST", True, priority="addon")


class ExpiringDupeFilter(RFPDupeFilter):
    """scrapy-redis's shared duplicate filter, whose fingerprints expire after a round."""

    ttl = 1800

    @classmethod
    def from_spider(cls, spider: Spider) -> ExpiringDupeFilter:
        dupefilter = super().from_spider(spider)
        assert isinstance(dupefilter, ExpiringDupeFilter)
        dupefilter.ttl = spider.settings.getint("DUPEFILTER_TTL")
        logger.info(
            "Shared duplicate filter %s (requests forgotten %d s after the last)", dupefilter.key, dupefilter.ttl
        )
        return dupefilter

    def request_seen(self, request: Request) -> bool:
        pipe = self.server.pipeline()
        pipe.sadd(self.key, self.request_fingerprint(request))
        pipe.expire(self.key, self.ttl)
        added, _ = pipe.execute()
        return bool(added == 0)
