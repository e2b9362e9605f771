"""The dedupe state on Redis, for crawls on several machines (see ``scrapers/storystore.py``).

Layout, under one prefix: ``<p>:meta`` (hash: scheme), ``<p>:next`` (counter of article ids),
``<p>:a:<id>`` (hash: one article), ``<p>:k:<key>`` (set of article ids), ``<p>:lines`` (hash: line ->
"stories:last_story"). Articles and key sets expire after the retention window; a key set lives as
long as its newest article, and ids of expired articles in it are skipped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import numpy as np
import redis
from redis.typing import EncodableT, FieldT

from scrapers import fingerprint
from scrapers.storystore import BLOB_FIELDS, Newest, StoredArticle, arrays_of, check_meta, newest_wanted
from scrapers.urls import canonical_url

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

_FIELDS = ("url", "story", "site", "language", "cjk", "published", "seen", "size", *BLOB_FIELDS)


class RedisStoryStore:
    def __init__(self, client: redis.Redis, meta: dict[str, str], retention_days: float, prefix: str = "cleannews"):
        self.redis = client
        self.prefix = prefix
        self.ttl = max(1, int(retention_days * 86400))
        raw = cast("dict[bytes, bytes]", client.hgetall(f"{prefix}:meta"))
        stored = {name.decode(): value.decode() for name, value in raw.items()}
        check_meta(stored, meta, f"redis {prefix}:meta")
        if not stored:
            fields: dict[FieldT, EncodableT] = {name: value for name, value in meta.items()}
            client.hset(f"{prefix}:meta", mapping=fields)
        self.pipe = client.pipeline(transaction=False)

    @classmethod
    def from_url(cls, url: str, meta: dict[str, str], retention_days: float) -> RedisStoryStore:
        return cls(redis.Redis.from_url(url), meta, retention_days)

    def lookup(self, keys: Iterable[int], newest: Newest | Sequence[Newest] = None) -> dict[int, list[int]]:
        self.flush()
        wanted = newest_wanted(keys, newest)
        pipe = self.redis.pipeline(transaction=False)
        for key in wanted:
            pipe.smembers(f"{self.prefix}:k:{key}")
        found: dict[int, list[int]] = {}
        for (key, limit), members in zip(wanted.items(), pipe.execute(), strict=True):
            if members:
                found[key] = sorted(int(member) for member in members)[-(limit or len(members)) :]
        return found

    def articles(self, ids: Iterable[int]) -> dict[int, StoredArticle]:
        self.flush()
        ids = list(ids)
        pipe = self.redis.pipeline(transaction=False)
        for article_id in ids:
            pipe.hmget(f"{self.prefix}:a:{article_id}", _FIELDS)
        found: dict[int, StoredArticle] = {}
        for article_id, values in zip(ids, pipe.execute(), strict=True):
            if values[0] is None:
                continue  # expired
            url, story, site, language, cjk, published, seen, size, *blobs = values
            found[article_id] = StoredArticle(
                id=article_id, url=url.decode(), story=int(story), site=site.decode(), language=language.decode(),
                cjk=cjk == b"1", published=float(published) if published else None, seen=float(seen),
                size=int(size), **arrays_of(blobs),
            )  # fmt: skip
        return found

    def add(self, article: StoredArticle, keys: Iterable[int], lines: Iterable[int] = ()) -> int:
        # Ids come from one counter, so two crawlers never share one.
        article.id = int(self.redis.incr(f"{self.prefix}:next"))
        if article.story == 0:
            article.story = article.id
        name = f"{self.prefix}:a:{article.id}"
        self.pipe.hset(
            name,
            mapping={
                "url": article.url, "story": article.story, "site": article.site, "language": article.language,
                "cjk": int(article.cjk), "published": "" if article.published is None else article.published,
                "seen": article.seen, "size": article.size, **dict(zip(BLOB_FIELDS, article.blobs(), strict=True)),
            },
        )  # fmt: skip
        self.pipe.expire(name, self.ttl)
        for key in set(keys):
            self.pipe.sadd(f"{self.prefix}:k:{key}", article.id)
            self.pipe.expire(f"{self.prefix}:k:{key}", self.ttl)
        self._count_lines(lines, article.story)
        return article.id

    def line_stories(self, lines: np.ndarray) -> np.ndarray:
        self.flush()
        if not len(lines):
            return np.zeros(0, dtype=np.uint32)
        names = [str(line) for line in lines.tolist()]
        values = cast("list[bytes | None]", self.redis.hmget(f"{self.prefix}:lines", names))
        return np.array([int(value.split(b":")[0]) if value else 0 for value in values], dtype=np.uint32)

    def _count_lines(self, lines: Iterable[int], story: int) -> None:
        lines = list(set(lines))
        if not lines:
            return
        name = f"{self.prefix}:lines"
        self.flush()
        current = cast("list[bytes | None]", self.redis.hmget(name, [str(line) for line in lines]))
        updates: dict[FieldT, EncodableT] = {}
        for line, value in zip(lines, current, strict=True):
            stories, last = (int(part) for part in value.split(b":")) if value else (0, 0)
            if last != story:
                updates[str(line)] = f"{stories + 1}:{story}"
        # Two crawlers counting one line at once may lose an increment: the count is a hint.
        if updates:
            self.pipe.hset(name, mapping=updates)
            self.pipe.expire(name, self.ttl)

    def forget(self, urls: Iterable[str], since: float) -> int:
        found = self.lookup({fingerprint.key_of("url", canonical_url(url)) for url in urls})
        candidates = self.articles({article for ids in found.values() for article in ids})
        gone = [article.id for article in candidates.values() if article.seen >= since]
        for article in gone:
            # Other key sets keep the id; ids of missing articles are skipped like expired ones.
            self.pipe.delete(f"{self.prefix}:a:{article}")
            for key, ids in found.items():
                if article in ids:
                    self.pipe.srem(f"{self.prefix}:k:{key}", article)
        self.flush()
        return len(gone)

    def flush(self) -> None:
        if len(self.pipe):
            self.pipe.execute()

    def close(self) -> None:
        self.flush()
        self.redis.close()
