"""Where the dedupe stage keeps the articles it has seen, so that yesterday's run dedupes today's.

Two backends with one interface: ``SQLiteStoryStore`` in the project's state store (a SQLite file
in WAL mode, the default) and ``RedisStoryStore`` for crawls spread over several machines. Each keeps
one record per article (its signature and evidence, a few hundred bytes) and an index from lookup
keys (URL, body hash, named originals, LSH bands, rare evidence) to articles. Records older than the
retention window go: in SQLite when a store is opened, in Redis by key expiry.

A store remembers the fingerprint scheme that filled it; opening it with another one is an error,
since signatures of two schemes cannot be compared.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from scrapers import fingerprint
from scrapers.state import connect
from scrapers.urls import canonical_url

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from pathlib import Path


class SchemeMismatchError(Exception):
    """The store was filled by another fingerprint scheme."""


@dataclass
class StoredArticle:
    id: int
    url: str
    story: int  # id of the story's first article
    site: str
    language: str
    cjk: bool
    published: float | None  # days since the epoch
    seen: float  # seconds since the epoch
    size: int
    signature: np.ndarray  # fingerprint.SIGNATURE_DTYPE
    evidence: np.ndarray  # fingerprint.token_hashes
    wording: np.ndarray  # fingerprint.WORDING_DTYPE
    cves: np.ndarray  # fingerprint.token_hashes
    names: np.ndarray  # fingerprint.token_hashes of the headline's names

    def blobs(self) -> tuple[bytes, ...]:
        arrays = (getattr(self, name) for name in BLOB_FIELDS)
        return tuple(np.asarray(a, dtype=dtype).tobytes() for a, dtype in zip(arrays, BLOB_TYPES, strict=True))


# The array fields of StoredArticle, in order, as the stores keep them.
BLOB_FIELDS = ("signature", "evidence", "wording", "cves", "names")
BLOB_TYPES = (
    fingerprint.SIGNATURE_DTYPE,
    fingerprint.TOKEN_DTYPE,
    fingerprint.WORDING_DTYPE,
    fingerprint.TOKEN_DTYPE,
    fingerprint.TOKEN_DTYPE,
)


def arrays_of(blobs: Iterable[bytes]) -> dict[str, np.ndarray]:
    return {
        name: np.frombuffer(blob, dtype=dtype) for name, blob, dtype in zip(BLOB_FIELDS, blobs, BLOB_TYPES, strict=True)
    }


class StoryStore(Protocol):
    def lookup(self, keys: Iterable[int], newest: int | None = None) -> dict[int, list[int]]:
        """The articles stored under each key, in id order; with ``newest``, only that many of the
        latest ones a key."""

    def articles(self, ids: Iterable[int]) -> dict[int, StoredArticle]: ...

    def add(self, article: StoredArticle, keys: Iterable[int]) -> int: ...

    def line_stories(self, lines: Iterable[int]) -> dict[int, int]: ...

    def count_lines(self, lines: Iterable[int], story: int, day: int) -> None: ...

    def forget(self, urls: Iterable[str], since: float) -> int:
        """Drop the articles of these URLs stored since ``since``: what a killed crawl left."""

    def flush(self) -> None: ...

    def close(self) -> None: ...


SCHEMA = """
CREATE TABLE IF NOT EXISTS dedupe_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS dedupe_articles (
    id INTEGER PRIMARY KEY, url TEXT NOT NULL, story INTEGER NOT NULL, site TEXT NOT NULL,
    language TEXT NOT NULL, cjk INTEGER NOT NULL, published REAL, seen REAL NOT NULL, size INTEGER NOT NULL,
    signature BLOB NOT NULL, evidence BLOB NOT NULL, wording BLOB NOT NULL, cves BLOB NOT NULL,
    names BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS dedupe_articles_seen ON dedupe_articles (seen);
-- In how many stories a body line (its CRC-32) was seen: a line of many stories is a template.
-- Copies of one story in a row count once, through last_story.
CREATE TABLE IF NOT EXISTS dedupe_lines (line INTEGER PRIMARY KEY, stories INTEGER NOT NULL,
    last_story INTEGER NOT NULL, day INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS dedupe_keys (key INTEGER NOT NULL, article INTEGER NOT NULL,
    PRIMARY KEY (key, article)) WITHOUT ROWID;
"""


def check_meta(stored: dict[str, str], wanted: dict[str, str], where: str) -> None:
    for name, value in wanted.items():
        if name in stored and stored[name] != value:
            raise SchemeMismatchError(
                f"{where} holds dedupe state written with {name} {stored[name]!r}, not {value!r}; "
                "its signatures cannot be compared with new ones. Point the dedupe stage at a new state "
                "(DEDUPE_STATE, or --state for the CLI), or delete the old one."
            )


class SQLiteStoryStore:
    # Writes go in one transaction per this many articles: a commit per article would cost more
    # than the whole matching.
    BATCH = 500

    def __init__(self, path: Path, meta: dict[str, str], retention_days: float, now: float | None = None):
        self.path = path
        self.db: sqlite3.Connection = connect(path)
        self.db.executescript(SCHEMA)
        stored = dict(self.db.execute("SELECT name, value FROM dedupe_meta").fetchall())
        check_meta(stored, meta, str(path))
        with self.db:
            self.db.executemany("INSERT OR IGNORE INTO dedupe_meta VALUES (?, ?)", meta.items())
        self.pending = 0
        self.expired = self._expire((now or time.time()) - retention_days * 86400)
        self.next_id = int(self.db.execute("SELECT COALESCE(MAX(id), 0) FROM dedupe_articles").fetchone()[0]) + 1

    def _expire(self, before: float) -> int:
        with self.db:
            last = self.db.execute("SELECT MAX(id) FROM dedupe_articles WHERE seen < ?", (before,)).fetchone()[0]
            if last is None:
                return 0
            # Ids grow with time, so everything up to the newest expired article goes.
            count = self.db.execute("DELETE FROM dedupe_articles WHERE id <= ?", (last,)).rowcount
            self.db.execute("DELETE FROM dedupe_keys WHERE article <= ?", (last,))
            self.db.execute("DELETE FROM dedupe_lines WHERE day < ?", (int(before // 86400),))
        return count

    def _rows_in(self, query: str, values: Iterable[int]) -> Iterator[tuple[Any, ...]]:
        """The rows of ``query`` (a SELECT ending in ``IN ({marks})``) for ``values``, asked in
        chunks below SQLite's limit on bound parameters."""
        values = list(values)
        for start in range(0, len(values), 500):
            chunk = values[start : start + 500]
            yield from self.db.execute(query.format(marks=",".join("?" * len(chunk))), chunk)

    def lookup(self, keys: Iterable[int], newest: int | None = None) -> dict[int, list[int]]:
        found: dict[int, list[int]] = {}
        if newest is not None:
            # A bounded range read a key, as they come (a common key may hold many thousand
            # articles), all in one statement.
            unique = list(dict.fromkeys(keys))
            for start in range(0, len(unique), 100):
                chunk = unique[start : start + 100]
                query = " UNION ALL ".join(
                    ["SELECT * FROM (SELECT key, article FROM dedupe_keys WHERE key = ? ORDER BY article DESC LIMIT ?)"]
                    * len(chunk)
                )
                for key, article in self.db.execute(query, [value for asked in chunk for value in (asked, newest)]):
                    found.setdefault(key, []).append(article)
            return {key: articles[::-1] for key, articles in found.items()}
        for key, article in self._rows_in("SELECT key, article FROM dedupe_keys WHERE key IN ({marks})", keys):
            found.setdefault(key, []).append(article)
        return found

    def articles(self, ids: Iterable[int]) -> dict[int, StoredArticle]:
        return {
            row[0]: StoredArticle(
                id=row[0], url=row[1], story=row[2], site=row[3], language=row[4], cjk=bool(row[5]),
                published=row[6], seen=row[7], size=row[8], **arrays_of(row[9:]),
            )
            for row in self._rows_in("SELECT * FROM dedupe_articles WHERE id IN ({marks})", ids)
        }  # fmt: skip

    def add(self, article: StoredArticle, keys: Iterable[int]) -> int:
        self.add_many([(article, keys)])
        return article.id

    def add_many(self, entries: Iterable[tuple[StoredArticle, Iterable[int]]]) -> None:
        """Store articles with their lookup keys, numbering them; a story of 0 is their own."""
        articles = []
        keys = []
        for article, article_keys in entries:
            article.id = self.next_id
            self.next_id += 1
            if article.story == 0:
                article.story = article.id
            articles.append(
                (article.id, article.url, article.story, article.site, article.language, int(article.cjk),
                 article.published, article.seen, article.size, *article.blobs())
            )  # fmt: skip
            keys += [(key, article.id) for key in set(article_keys)]
        self.db.executemany("INSERT INTO dedupe_articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", articles)
        self.db.executemany("INSERT OR IGNORE INTO dedupe_keys VALUES (?, ?)", keys)
        self.pending += len(articles)
        if self.pending >= self.BATCH:
            self.flush()

    def line_stories(self, lines: Iterable[int]) -> dict[int, int]:
        return dict(self._rows_in("SELECT line, stories FROM dedupe_lines WHERE line IN ({marks})", lines))

    def count_lines(self, lines: Iterable[int], story: int, day: int) -> None:
        self.db.executemany(
            "INSERT INTO dedupe_lines VALUES (?, 1, ?, ?) ON CONFLICT (line) DO UPDATE SET "
            "stories = stories + (last_story != excluded.last_story), last_story = excluded.last_story, "
            "day = excluded.day",
            [(line, story, day) for line in set(lines)],
        )

    def forget(self, urls: Iterable[str], since: float) -> int:
        # Only an article's own canonical URL is stored under a "url" key (see stories.py).
        found = self.lookup({fingerprint.key_of("url", canonical_url(url)) for url in urls})
        candidates = self.articles({article for ids in found.values() for article in ids})
        gone = [article.id for article in candidates.values() if article.seen >= since]
        if gone:
            with self.db:
                list(self._rows_in("DELETE FROM dedupe_articles WHERE id IN ({marks})", gone))
                list(self._rows_in("DELETE FROM dedupe_keys WHERE article IN ({marks})", gone))
        return len(gone)

    def flush(self) -> None:
        self.db.commit()
        self.pending = 0

    def close(self) -> None:
        self.flush()
        self.db.close()

    def size_bytes(self) -> int:
        pages = self.db.execute(
            "SELECT SUM(pgsize) FROM dbstat WHERE name IN "
            "('dedupe_articles', 'dedupe_keys', 'dedupe_articles_seen', 'dedupe_lines')"
        ).fetchone()[0]
        return int(pages or 0)
