"""Where the dedupe stage keeps the articles it has seen, so that yesterday's run dedupes today's.

Two backends with one interface: ``SQLiteStoryStore`` in the project's state store (a SQLite file
in WAL mode, the default) and ``RedisStoryStore`` for crawls spread over several machines. Each keeps
one record per article (its signature and evidence, a few hundred bytes), an index from lookup
keys (URL, body hash, named originals, LSH bands, rare evidence) to articles, and in how many
stories each body line was seen. Records older than the retention window go: in SQLite when a store
is opened, in Redis by key expiry.

A store remembers the fingerprint scheme that filled it; opening it with another one is an error,
since signatures of two schemes cannot be compared.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, cast

import numpy as np

from scrapers import fingerprint
from scrapers.state import connect
from scrapers.storyindex import KeyIndex, LineCounts, sorted_set
from scrapers.urls import canonical_url

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence
    from pathlib import Path


class SchemeMismatchError(Exception):
    """The store was filled by another fingerprint scheme."""


@dataclass(slots=True)
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


Newest = int | None


def newest_wanted(keys: Iterable[int], newest: Newest | Sequence[Newest]) -> dict[int, int]:
    """Each key asked once, with how many of its latest articles are wanted (0: all), as ``lookup``
    takes them: one limit for all keys, or each key's own."""
    if newest is None or isinstance(newest, int):
        return dict.fromkeys(keys, newest or 0)
    wanted = dict(zip(keys, newest, strict=True))
    if None in wanted.values():
        return {key: limit or 0 for key, limit in wanted.items()}
    return cast("dict[int, int]", wanted)


class StoryStore(Protocol):
    def lookup(self, keys: Iterable[int], newest: Newest | Sequence[Newest] = None) -> dict[int, list[int]]:
        """The articles stored under each key, in id order; with ``newest``, only that many of the
        latest ones a key (a sequence: each key's own limit, 0 or None for all). A key asked twice
        is asked once, with its last limit."""

    def articles(self, ids: Iterable[int]) -> dict[int, StoredArticle]: ...

    def add(self, article: StoredArticle, keys: Iterable[int], lines: Iterable[int] = ()) -> int:
        """Store an article under its lookup keys, numbering it (a story of 0 is its own), and
        count its body lines (their uint32 hashes) in its story."""

    def line_stories(self, lines: np.ndarray) -> np.ndarray:
        """In how many stories each of these body lines (uint32 hashes) was seen, 0 for never."""

    def forget(self, urls: Iterable[str], since: float) -> int:
        """Drop the articles of these URLs stored since ``since``: what a killed crawl left."""

    def flush(self) -> None: ...

    def close(self) -> None: ...


SCHEMA = """
CREATE TABLE IF NOT EXISTS dedupe_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
-- keys: the article's lookup keys (int64); lines: the hashes of its body lines (uint32), from
-- which the store counts in how many stories a line was seen (a line of many is a template).
CREATE TABLE IF NOT EXISTS dedupe_articles (
    id INTEGER PRIMARY KEY, url TEXT NOT NULL, story INTEGER NOT NULL, site TEXT NOT NULL,
    language TEXT NOT NULL, cjk INTEGER NOT NULL, published REAL, seen REAL NOT NULL, size INTEGER NOT NULL,
    signature BLOB NOT NULL, evidence BLOB NOT NULL, wording BLOB NOT NULL, cves BLOB NOT NULL,
    names BLOB NOT NULL, keys BLOB NOT NULL, lines BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS dedupe_articles_seen ON dedupe_articles (seen);
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
    """One row an article in the state file; the key index and line counts in memory
    (scrapers/storyindex.py), built from the rows at the first lookup or addition and kept up with
    rows that another process commits. Forgetting a killed run's articles needs no index."""

    # Rows are written, and committed, this many articles at a time (unless flushed sooner, as the
    # crawl's pipeline does after every item): a commit an article would cost more than the
    # matching, and a statement an article is slower than one for many.
    BATCH = 500

    def __init__(self, path: Path, meta: dict[str, str], retention_days: float, now: float | None = None):
        self.path = path
        self.db: sqlite3.Connection = connect(path)
        self.db.executescript(SCHEMA)
        stored = dict(self.db.execute("SELECT name, value FROM dedupe_meta").fetchall())
        check_meta(stored, meta, str(path))
        with self.db:
            self.db.executemany("INSERT OR IGNORE INTO dedupe_meta VALUES (?, ?)", meta.items())
        self.pending: list[tuple[Any, ...]] = []
        self.expired = self._expire((now or time.time()) - retention_days * 86400)
        self.loaded = False

    def _expire(self, before: float) -> int:
        with self.db:
            last = self.db.execute("SELECT MAX(id) FROM dedupe_articles WHERE seen < ?", (before,)).fetchone()[0]
            if last is None:
                return 0
            # Ids grow with time, so everything up to the newest expired article goes.
            return self.db.execute("DELETE FROM dedupe_articles WHERE id <= ?", (last,)).rowcount

    def _load(self) -> None:
        self._write()
        self.index = KeyIndex()
        self.line_counts = LineCounts()
        self.known = 0
        self.next_id = 1
        keys, key_ids, lines, line_stories = [], [], [], []
        rows = self.db.execute("SELECT id, story, keys, lines FROM dedupe_articles ORDER BY id")
        # In chunks, kept as arrays: a million rows as tuples would hold their blobs twice over.
        while chunk := rows.fetchmany(50_000):
            ids = np.array([row[0] for row in chunk], dtype=np.uint32)
            stories = np.array([row[1] for row in chunk], dtype=np.uint32)
            own_keys = [np.frombuffer(row[2], dtype=np.int64) for row in chunk]
            own_lines = [np.frombuffer(row[3], dtype=np.uint32) for row in chunk]
            keys.append(np.concatenate(own_keys))
            key_ids.append(np.repeat(ids, [len(k) for k in own_keys]))
            lines.append(np.concatenate(own_lines))
            line_stories.append(np.repeat(stories, [len(k) for k in own_lines]))
            self.known += len(chunk)
            self.next_id = int(ids[-1]) + 1
        if keys:
            self.index.add_arrays(np.concatenate(keys), np.concatenate(key_ids))
            self.line_counts.count_arrays(np.concatenate(lines), np.concatenate(line_stories))
        self.version = self._data_version()
        self.loaded = True

    def _data_version(self) -> int:
        return int(self.db.execute("PRAGMA data_version").fetchone()[0])

    def _catch_up(self, locking: bool = False) -> None:
        """Take in what another process committed since: its new articles, or a reload when it
        deleted some (a killed run's, expired ones). ``locking``: the write lock was just taken."""
        if not self.loaded:
            self._load()
            return
        if self.db.in_transaction and not locking:
            # Only add_many opens a transaction here (BEGIN IMMEDIATE, then a catch-up): until it
            # commits, this process holds the write lock and no other one can commit.
            return
        version = self._data_version()
        if version == self.version:
            return
        self.version = version
        self._write()
        count = self.db.execute("SELECT COUNT(*) FROM dedupe_articles").fetchone()[0]
        newer = self.db.execute(
            "SELECT id, story, keys, lines FROM dedupe_articles WHERE id >= ? ORDER BY id", (self.next_id,)
        ).fetchall()
        if count != self.known + len(newer):
            self._load()
            return
        for article, story, keys, lines in newer:
            self.index.add(article, np.frombuffer(keys, dtype=np.int64))
            self.line_counts.count(np.frombuffer(lines, dtype=np.uint32), story)
        self.known += len(newer)
        if newer:
            self.next_id = newer[-1][0] + 1

    def _rows_in(self, query: str, values: Iterable[int]) -> Iterator[tuple[Any, ...]]:
        """The rows of ``query`` (a SELECT ending in ``IN ({marks})``) for ``values``, asked in
        chunks below SQLite's limit on bound parameters."""
        values = list(values)
        for start in range(0, len(values), 500):
            chunk = values[start : start + 500]
            yield from self.db.execute(query.format(marks=",".join("?" * len(chunk))), chunk)

    def lookup(self, keys: Iterable[int], newest: Newest | Sequence[Newest] = None) -> dict[int, list[int]]:
        self._catch_up()
        return self.index.get(newest_wanted(keys, newest))

    def articles(self, ids: Iterable[int]) -> dict[int, StoredArticle]:
        self._write()
        return {
            row[0]: StoredArticle(
                id=row[0], url=row[1], story=row[2], site=row[3], language=row[4], cjk=bool(row[5]),
                published=row[6], seen=row[7], size=row[8], **arrays_of(row[9:14]),
            )
            for row in self._rows_in("SELECT * FROM dedupe_articles WHERE id IN ({marks})", ids)
        }  # fmt: skip

    def add(self, article: StoredArticle, keys: Iterable[int], lines: Iterable[int] = ()) -> int:
        self.add_many([(article, keys, lines)])
        return article.id

    def add_many(self, entries: Iterable[tuple[StoredArticle, Iterable[int], Iterable[int]]]) -> None:
        """Store articles with their lookup keys and body lines, numbering them; a story of 0 is
        their own."""
        locking = not self.db.in_transaction
        if locking:
            # The write lock is held from the first id handed out to the commit, and the ids
            # follow what other processes committed before: two crawls on one state never number
            # two articles alike.
            self.db.execute("BEGIN IMMEDIATE")
        self._catch_up(locking)
        rows = self.pending
        for article, article_keys, article_lines in entries:
            article.id = self.next_id
            self.next_id += 1
            if article.story == 0:
                article.story = article.id
            keys = sorted_set(np.fromiter(article_keys, dtype=np.int64))
            lines = sorted_set(np.asarray(article_lines, dtype=np.uint32))
            rows.append(
                (article.id, article.url, article.story, article.site, article.language, int(article.cjk),
                 article.published, article.seen, article.size, *article.blobs(), keys.tobytes(), lines.tobytes())
            )  # fmt: skip
            self.index.add(article.id, keys)
            self.line_counts.count(lines, article.story)
            self.known += 1
        if len(rows) >= self.BATCH:
            self.flush()

    def line_stories(self, lines: np.ndarray) -> np.ndarray:
        self._catch_up()
        return self.line_counts.get(np.asarray(lines, dtype=np.uint32))

    def forget(self, urls: Iterable[str], since: float) -> int:
        # Only an article's own canonical URL is stored under a "url" key (see stories.py).
        wanted = {fingerprint.key_of("url", canonical_url(url)) for url in urls}
        self._write()
        rows = self.db.execute("SELECT id, keys FROM dedupe_articles WHERE seen >= ?", (since,)).fetchall()
        gone = [article for article, keys in rows if not wanted.isdisjoint(np.frombuffer(keys, np.int64).tolist())]
        if gone:
            with self.db:
                list(self._rows_in("DELETE FROM dedupe_articles WHERE id IN ({marks})", gone))
            self.loaded = False
        return len(gone)

    def _write(self) -> None:
        if self.pending:
            self.db.executemany(f"INSERT INTO dedupe_articles VALUES ({', '.join('?' * 16)})", self.pending)
            self.pending = []

    def flush(self) -> None:
        self._write()
        self.db.commit()

    def rollback(self) -> None:
        """Forget the articles added since the last flush."""
        self.pending = []
        self.db.rollback()
        self.loaded = False

    def close(self) -> None:
        self.flush()
        self.db.close()

    def size_bytes(self) -> int:
        pages = self.db.execute(
            "SELECT SUM(pgsize) FROM dbstat WHERE name IN ('dedupe_articles', 'dedupe_articles_seen')"
        ).fetchone()[0]
        return int(pages or 0)
