"""Feed files that appear complete or not at all.

Scrapy's ``FileFeedStorage`` writes a feed in place, so a crawl killed mid-way leaves a file whose
last line is cut, where any consumer reading ``feeds/*/*.jsonl`` finds it. This storage writes to a
hidden temporary file next to the feed (``.<name>.part``) and renames it to the feed's name when
the feed closes; a rename within one folder is atomic. Appending to an existing feed (``-o``) copies
it first, so the old lines are never at risk either.

It sends two signals that the crawl journal (pipelines/incremental.py) records: ``feed_opened``
with the final and temporary paths, and ``feed_published`` once the rename is done.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from scrapy.extensions.feedexport import FileFeedStorage

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from twisted.internet.defer import Deferred

feed_opened = object()
feed_published = object()


def temporary_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.part")


class AtomicFileFeedStorage(FileFeedStorage):
    def __init__(self, uri: str, *, feed_options: dict[str, Any] | None = None, crawler: Crawler | None = None):
        super().__init__(uri, feed_options=feed_options)
        self.crawler = crawler
        self.final = Path(self.path)
        self.temporary = temporary_path(self.final)

    @classmethod
    def from_crawler(
        cls, crawler: Crawler, uri: str, *, feed_options: dict[str, Any] | None = None
    ) -> AtomicFileFeedStorage:
        return cls(uri, feed_options=feed_options, crawler=crawler)

    def open(self, spider: Spider) -> IO[bytes]:
        self.final.parent.mkdir(parents=True, exist_ok=True)
        if self.write_mode == "ab" and self.final.exists():
            shutil.copyfile(self.final, self.temporary)
        file = self.temporary.open(self.write_mode)
        self._send(feed_opened, path=str(self.final), temporary=str(self.temporary))
        return file

    def store(self, file: IO[bytes]) -> Deferred[None] | None:
        file.flush()
        os.fsync(file.fileno())
        file.close()
        self.temporary.replace(self.final)
        self._send(feed_published, path=str(self.final))
        return None

    def _send(self, signal: object, **kwargs: str) -> None:
        if self.crawler is not None:
            self.crawler.signals.send_catch_log(signal, **kwargs)
