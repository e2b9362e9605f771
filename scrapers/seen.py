"""The seen-store: which articles earlier crawls fetched, and which crawls finished.

Every article a crawl handles gets one record keyed by its canonical URL: the hash of its body, its
``dateModified``, when it was last fetched and by which crawl run. The incremental stage
(pipelines/incremental.py) reads it to skip articles fetched recently and to tell new, unchanged and
updated articles apart.

It is also the crawl's journal. A run is registered when it opens, and so is each feed file it
writes (its temporary name and the name it gets when complete). A run that ends cleanly, every feed
renamed, is committed. A run found unfinished whose process is gone was killed: if its feeds were
published it is committed, else its records are rolled back (each restored to what it was before
the run) so that the next crawl fetches and emits those articles again. Nothing it emitted reached
a published feed, so nothing is emitted twice.

Two backends share the interface: the project's SQLite state file (WAL mode), and Redis for crawls
on several machines. A process is only judged dead by a crawl on its own host.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, cast

import redis

from scrapers.state import connect, is_redis_url


@dataclass(frozen=True)
class SeenRecord:
    body_hash: str
    modified: str | None
    fetched: float
    run: int


@dataclass
class Feed:
    path: str
    temporary: str
    published: bool = False

    def is_published(self) -> bool:
        # A feed renamed just before its run was killed has not been marked yet; its temporary
        # file is gone and the final one is there.
        return self.published or (not Path(self.temporary).exists() and Path(self.path).exists())


@dataclass
class Run:
    id: int
    spider: str
    host: str
    pid: int
    process_start: str | None
    started: float
    feeds: list[Feed] = field(default_factory=list)

    def is_alive(self) -> bool:
        """Whether the run's process still runs; a run of another host counts as alive."""
        if self.host != socket.gethostname():
            return True
        if self.process_start is not None:
            # Compared with the process's start time, so that a reused pid is not taken for it.
            return process_start(self.pid) == self.process_start
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


def process_start(pid: int) -> str | None:
    """The start time of a process in clock ticks since boot (Linux); None when unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Field 22; the command name (field 2) may hold spaces, so fields are counted after it.
    return stat.rsplit(")", 1)[1].split()[19]


class SeenStore(Protocol):
    def get(self, url: str) -> SeenRecord | None: ...

    def record(self, url: str, body_hash: str, modified: str | None, fetched: float, run: int) -> None:
        """A new or changed article, fetched by ``run``; what was there before is kept until
        the run commits."""

    def touch(self, url: str, fetched: float) -> None:
        """An unchanged article fetched again."""

    def begin(self, spider: str) -> Run: ...

    def add_feed(self, run: int, feed: Feed) -> None: ...

    def publish_feed(self, run: int, path: str) -> None: ...

    def commit(self, run: int) -> None: ...

    def unfinished(self) -> list[Run]: ...

    def rollback(self, run: int) -> list[str]:
        """Undo the run's records; the URLs it had recorded."""

    def close(self) -> None: ...


def new_run(spider: str, run_id: int) -> Run:
    pid = os.getpid()
    return Run(run_id, spider, socket.gethostname(), pid, process_start(pid), time.time())


SCHEMA = """
-- AUTOINCREMENT: ids of committed (deleted) runs are never reused, since records keep them.
CREATE TABLE IF NOT EXISTS crawl_runs (id INTEGER PRIMARY KEY AUTOINCREMENT, spider TEXT NOT NULL, host TEXT NOT NULL,
    pid INTEGER NOT NULL, process_start TEXT, started REAL NOT NULL);
CREATE TABLE IF NOT EXISTS crawl_feeds (run INTEGER NOT NULL, path TEXT NOT NULL, temporary TEXT NOT NULL,
    published INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (run, path));
-- previous: the record as it was before an uncommitted run changed it (JSON), for its rollback.
CREATE TABLE IF NOT EXISTS seen (url TEXT PRIMARY KEY, body_hash TEXT NOT NULL, modified TEXT,
    fetched REAL NOT NULL, run INTEGER NOT NULL, previous TEXT);
CREATE INDEX IF NOT EXISTS seen_run ON seen (run);
CREATE INDEX IF NOT EXISTS seen_fetched ON seen (fetched);
"""


class SQLiteSeenStore:
    def __init__(self, path: Path, retention_days: float, now: float | None = None):
        self.db: sqlite3.Connection = connect(path)
        self.db.executescript(SCHEMA)
        with self.db:
            self.db.execute("DELETE FROM seen WHERE fetched < ?", ((now or time.time()) - retention_days * 86400,))

    def get(self, url: str) -> SeenRecord | None:
        row = self.db.execute("SELECT body_hash, modified, fetched, run FROM seen WHERE url = ?", (url,)).fetchone()
        return SeenRecord(*row) if row else None

    def record(self, url: str, body_hash: str, modified: str | None, fetched: float, run: int) -> None:
        # Each write commits at once: an item handed on to the feed is in the journal even if the
        # crawl dies right after, and other stages writing the same file are not held up.
        with self.db:
            self.db.execute(
                "INSERT INTO seen VALUES (?, ?, ?, ?, ?, NULL) ON CONFLICT (url) DO UPDATE SET "
                "previous = CASE WHEN run = excluded.run THEN previous "
                "ELSE json_array(body_hash, modified, fetched, run) END, body_hash = excluded.body_hash, "
                "modified = excluded.modified, fetched = excluded.fetched, "
                "run = excluded.run",
                (url, body_hash, modified, fetched, run),
            )

    def touch(self, url: str, fetched: float) -> None:
        with self.db:
            self.db.execute("UPDATE seen SET fetched = ? WHERE url = ?", (fetched, url))

    def begin(self, spider: str) -> Run:
        run = new_run(spider, 0)
        with self.db:
            cursor = self.db.execute(
                "INSERT INTO crawl_runs (spider, host, pid, process_start, started) VALUES (?, ?, ?, ?, ?)",
                (run.spider, run.host, run.pid, run.process_start, run.started),
            )
        run.id = cast("int", cursor.lastrowid)
        return run

    def add_feed(self, run: int, feed: Feed) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO crawl_feeds VALUES (?, ?, ?, 0)", (run, feed.path, feed.temporary))

    def publish_feed(self, run: int, path: str) -> None:
        with self.db:
            self.db.execute("UPDATE crawl_feeds SET published = 1 WHERE run = ? AND path = ?", (run, path))

    def commit(self, run: int) -> None:
        with self.db:
            self.db.execute("UPDATE seen SET previous = NULL WHERE run = ?", (run,))
            self.db.execute("DELETE FROM crawl_feeds WHERE run = ?", (run,))
            self.db.execute("DELETE FROM crawl_runs WHERE id = ?", (run,))

    def unfinished(self) -> list[Run]:
        runs = [Run(*row) for row in self.db.execute("SELECT * FROM crawl_runs ORDER BY id")]
        for run in runs:
            run.feeds = [
                Feed(path, temporary, bool(published))
                for path, temporary, published in self.db.execute(
                    "SELECT path, temporary, published FROM crawl_feeds WHERE run = ?", (run.id,)
                )
            ]
        return runs

    def rollback(self, run: int) -> list[str]:
        with self.db:
            urls = [url for (url,) in self.db.execute("SELECT url FROM seen WHERE run = ?", (run,))]
            self.db.execute(
                "UPDATE seen SET body_hash = json_extract(previous, '$[0]'), "
                "modified = json_extract(previous, '$[1]'), fetched = json_extract(previous, '$[2]'), "
                "run = json_extract(previous, '$[3]'), previous = NULL "
                "WHERE run = ? AND previous IS NOT NULL",
                (run,),
            )
            self.db.execute("DELETE FROM seen WHERE run = ?", (run,))
            self.db.execute("DELETE FROM crawl_feeds WHERE run = ?", (run,))
            self.db.execute("DELETE FROM crawl_runs WHERE id = ?", (run,))
        return urls

    def close(self) -> None:
        self.db.close()


class RedisSeenStore:
    """Layout, under one prefix: ``<p>:seen:<url>`` (JSON record, expiring after the retention
    window), ``<p>:runs`` (hash: run id -> JSON), ``<p>:run:<id>:feeds`` (hash: path -> JSON) and
    ``<p>:run:<id>:urls`` (set), and the counter ``<p>:runs:next``."""

    def __init__(self, client: redis.Redis, retention_days: float, prefix: str = "cleannews"):
        self.redis = client
        self.prefix = prefix
        self.ttl = max(1, int(retention_days * 86400))

    @classmethod
    def from_url(cls, url: str, retention_days: float) -> RedisSeenStore:
        return cls(redis.Redis.from_url(url), retention_days)

    def _load(self, url: str) -> dict[str, object] | None:
        raw = cast("bytes | None", self.redis.get(f"{self.prefix}:seen:{url}"))
        return cast("dict[str, object]", json.loads(raw)) if raw else None

    def get(self, url: str) -> SeenRecord | None:
        stored = self._load(url)
        if stored is None:
            return None
        return SeenRecord(
            cast("str", stored["body_hash"]),
            cast("str | None", stored["modified"]),
            cast("float", stored["fetched"]),
            cast("int", stored["run"]),
        )

    def record(self, url: str, body_hash: str, modified: str | None, fetched: float, run: int) -> None:
        stored = self._load(url)
        previous = None
        if stored is not None:
            # The record as it was before this run, kept until the run commits.
            previous = stored["previous"] if stored["run"] == run else {**stored, "previous": None}
        value = {"body_hash": body_hash, "modified": modified, "fetched": fetched, "run": run, "previous": previous}
        pipe = self.redis.pipeline()
        pipe.set(f"{self.prefix}:seen:{url}", json.dumps(value), ex=self.ttl)
        pipe.sadd(f"{self.prefix}:run:{run}:urls", url)
        pipe.execute()

    def touch(self, url: str, fetched: float) -> None:
        stored = self._load(url)
        if stored is not None:
            stored["fetched"] = fetched
            self.redis.set(f"{self.prefix}:seen:{url}", json.dumps(stored), ex=self.ttl)

    def begin(self, spider: str) -> Run:
        run = new_run(spider, int(self.redis.incr(f"{self.prefix}:runs:next")))
        fields = {"spider": spider, "host": run.host, "pid": run.pid, "process_start": run.process_start}
        self.redis.hset(f"{self.prefix}:runs", str(run.id), json.dumps({**fields, "started": run.started}))
        return run

    def add_feed(self, run: int, feed: Feed) -> None:
        value = json.dumps({"temporary": feed.temporary, "published": False})
        self.redis.hset(f"{self.prefix}:run:{run}:feeds", feed.path, value)

    def publish_feed(self, run: int, path: str) -> None:
        name = f"{self.prefix}:run:{run}:feeds"
        raw = cast("bytes | None", self.redis.hget(name, path))
        if raw is not None:
            self.redis.hset(name, path, json.dumps({**json.loads(raw), "published": True}))

    def _forget_run(self, run: int) -> None:
        self.redis.hdel(f"{self.prefix}:runs", str(run))
        self.redis.delete(f"{self.prefix}:run:{run}:feeds", f"{self.prefix}:run:{run}:urls")

    def _urls(self, run: int) -> list[str]:
        members = cast("set[bytes]", self.redis.smembers(f"{self.prefix}:run:{run}:urls"))
        return sorted(member.decode() for member in members)

    def commit(self, run: int) -> None:
        for url in self._urls(run):
            stored = self._load(url)
            if stored is not None and stored["run"] == run and stored["previous"] is not None:
                stored["previous"] = None
                self.redis.set(f"{self.prefix}:seen:{url}", json.dumps(stored), ex=self.ttl)
        self._forget_run(run)

    def unfinished(self) -> list[Run]:
        runs = []
        entries = cast("dict[bytes, bytes]", self.redis.hgetall(f"{self.prefix}:runs"))
        for run_id, raw in sorted(entries.items(), key=lambda entry: int(entry[0])):
            info = json.loads(raw)
            run = Run(int(run_id), info["spider"], info["host"], info["pid"], info["process_start"], info["started"])
            feeds = cast("dict[bytes, bytes]", self.redis.hgetall(f"{self.prefix}:run:{run.id}:feeds"))
            for path, feed in feeds.items():
                stored = json.loads(feed)
                run.feeds.append(Feed(path.decode(), stored["temporary"], stored["published"]))
            runs.append(run)
        return runs

    def rollback(self, run: int) -> list[str]:
        urls = self._urls(run)
        for url in urls:
            stored = self._load(url)
            if stored is None or stored["run"] != run:
                continue
            if stored["previous"] is None:
                self.redis.delete(f"{self.prefix}:seen:{url}")
            else:
                restored = {**cast("dict[str, object]", stored["previous"]), "previous": None}
                self.redis.set(f"{self.prefix}:seen:{url}", json.dumps(restored), ex=self.ttl)
        self._forget_run(run)
        return urls

    def close(self) -> None:
        self.redis.close()


def open_seen_store(location: str | Path, retention_days: float) -> SeenStore:
    """A seen-store at a SQLite path or a ``redis://`` URL."""
    if is_redis_url(location):
        return RedisSeenStore.from_url(str(location), retention_days)
    return SQLiteSeenStore(Path(location), retention_days)
