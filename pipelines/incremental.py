"""Incremental crawling: fetch only what is new or changed, and survive being killed.

Article requests carry their canonical URL in ``request.meta["incremental_key"]``. One fetched less
than ``INCREMENTAL_REFETCH_AFTER`` seconds ago is not scheduled again (feeds, list pages and
sitemaps carry no key and are always fetched). A re-fetched article whose body and ``dateModified``
are what they were is dropped as unchanged; one that changed goes on as an update, with a
``dateModified`` newer than the last one emitted (the dedupe stage keeps its story). Stats:
``incremental/new``, ``unchanged``, ``updated`` and ``not_refetched``.

The records live in the seen-store (scrapers/seen.py): the ``INCREMENTAL_STATE`` SQLite file or
``redis://`` URL, by default the project's state store (or ``REDIS_URL`` in distributed mode).
The same store is the crawl's journal: this stage opens a run, registers its feed files
(scrapers/feedstorage.py) and commits the run once every feed is renamed into place. A run left
unfinished by a process that is gone was killed; at the next crawl its records, and the dedupe
stage's, are rolled back so that its articles are fetched and emitted again, exactly once.
"""

from __future__ import annotations

import hashlib
import logging
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import DropItem, IgnoreRequest, NotConfigured

from scrapers.feedstorage import feed_opened, feed_published
from scrapers.seen import Feed, open_seen_store
from scrapers.state import state_location

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

    from scrapers.seen import Run, SeenStore

logger = logging.getLogger(__name__)

REQUEST_KEY = "incremental_key"


def body_hash(text: str) -> str:
    # Spacing is the page template's, not the article's: re-flowed text is not a change.
    return hashlib.blake2b(" ".join(text.split()).encode("utf-8"), digest_size=16).hexdigest()


def _moment(value: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


class IncrementalPipeline:
    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        if not settings.getbool("INCREMENTAL_ENABLED"):
            raise NotConfigured("INCREMENTAL_ENABLED is off")
        self.crawler = crawler
        self.refetch_after = settings.getfloat("INCREMENTAL_REFETCH_AFTER")
        self.retention_days = settings.getfloat("INCREMENTAL_RETENTION_DAYS")
        self.location = state_location(settings, "INCREMENTAL_STATE")
        self.store: SeenStore | None = None
        self.run: Run | None = None
        self.unpublished: set[str] = set()
        crawler.signals.connect(self.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(self.feed_opened, signal=feed_opened)
        crawler.signals.connect(self.feed_published, signal=feed_published)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalPipeline:
        return cls(crawler)

    def _inc(self, key: str, count: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(key, count)

    def open_spider(self) -> None:
        assert self.crawler.spider is not None
        self.store = open_seen_store(self.location, self.retention_days)
        self._recover(self.store)
        self.run = self.store.begin(self.crawler.spider.name)

    def _recover(self, store: SeenStore) -> None:
        for run in store.unfinished():
            if run.is_alive():
                continue
            started = datetime.fromtimestamp(run.started, UTC).isoformat(timespec="seconds")
            if run.feeds and all(feed.is_published() for feed in run.feeds):
                store.commit(run.id)
                logger.warning(
                    "Crawl run %d (%s, %s) died after publishing its feeds: committed", run.id, run.spider, started
                )
                self._inc("incremental/runs_recovered")
                continue
            urls = store.rollback(run.id)
            self._forget_stories(urls, run.started)
            for feed in run.feeds:
                Path(feed.temporary).unlink(missing_ok=True)
            logger.warning(
                "Crawl run %d (%s, pid %d, %s) was killed before its feeds were published: its %d articles "
                "are rolled back and will be fetched again; its partial feeds are removed",
                run.id, run.spider, run.pid, started, len(urls),
            )  # fmt: skip
            self._inc("incremental/runs_rolled_back")
            self._inc("incremental/rolled_back", len(urls))

    def _forget_stories(self, urls: list[str], since: float) -> None:
        """The dedupe stage's records of a killed run go too, or the articles would come back as
        duplicates of themselves."""
        settings = self.crawler.settings
        if not urls or not settings.getbool("DEDUPE_ENABLED"):
            return
        from pipelines.dedupe import open_store

        stories = open_store(state_location(settings, "DEDUPE_STATE"), settings.getfloat("DEDUPE_RETENTION_DAYS"))
        try:
            stories.forget(urls, since)
        finally:
            stories.close()

    def request_scheduled(self, request: Request) -> None:
        key = request.meta.get(REQUEST_KEY)
        if key is None or self.store is None:
            return
        seen = self.store.get(key)
        if seen is not None and time.time() - seen.fetched < self.refetch_after:
            self._inc("incremental/not_refetched")
            raise IgnoreRequest(f"{key} was fetched less than {self.refetch_after:.0f} s ago")

    def process_item(self, item: Any) -> Any:
        assert self.store is not None and self.run is not None
        adapter = ItemAdapter(item)
        url = adapter.get("canonicalUrl") or adapter["url"]
        digest = body_hash(adapter.get("articleBody") or "")
        modified = adapter.get("dateModified")
        now = time.time()
        seen = self.store.get(url)
        if seen is None:
            self._inc("incremental/new")
        elif digest == seen.body_hash and (modified is None or modified == seen.modified):
            self.store.touch(url, now)
            self._inc("incremental/unchanged")
            raise DropItem(f"unchanged since {url} was last fetched", log_level="DEBUG")
        else:
            self._inc("incremental/updated")
            last = _moment(seen.modified)
            page_modified = _moment(modified)
            if page_modified is None or (last is not None and page_modified <= last):
                # The page changed without saying so: it was modified by the time we fetched it.
                adapter["dateModified"] = adapter.get("dateDownloaded") or datetime.now(UTC).isoformat(
                    timespec="seconds"
                )
            logger.info("Article %s changed since it was last fetched: emitted again", url)
        # The page's own dateModified is kept, so that a page that never changes it does not look
        # changed next time.
        self.store.record(url, digest, modified, now, self.run.id)
        return item

    def feed_opened(self, path: str, temporary: str) -> None:
        if self.store is not None and self.run is not None:
            self.store.add_feed(self.run.id, Feed(path, temporary))
            self.unpublished.add(path)

    def feed_published(self, path: str) -> None:
        if self.store is not None and self.run is not None:
            self.store.publish_feed(self.run.id, path)
            self.unpublished.discard(path)

    def engine_stopped(self) -> None:
        # engine_stopped comes after the feed exporter has closed every feed.
        if self.store is None or self.run is None:
            return
        if self.unpublished:
            logger.error(
                "Crawl run %d is not committed: feed(s) %s were not stored; the next crawl fetches their "
                "articles again",
                self.run.id, ", ".join(sorted(self.unpublished)),
            )  # fmt: skip
        else:
            self.store.commit(self.run.id)
        self.store.close()
        self.store = None
