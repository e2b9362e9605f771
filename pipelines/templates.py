"""Learned site templates: body lines that repeat across a site's pages are chrome nobody wrote a
rule for (a new footer, a campaign banner, a "recommended" list), and go.

For every article the stage records, per site (the registered domain of ``canonicalUrl``), which
lines its body holds, once per distinct URL. A line becomes part of the site's template when it was
seen on at least ``TEMPLATES_MIN_PAGES`` distinct pages and on at least ``TEMPLATES_MIN_SHARE`` of
the site's last ``TEMPLATES_RECENT_PAGES`` pages. Template lines are then removed from that page and
every later one, with two safeguards: a body is left whole when its template lines are all it has,
or when they make up more than ``TEMPLATES_MAX_SHARE`` of its text.

The counts live in the project's state store (``scrapers.state``), so learning goes on across runs;
``scrapy chrome <site>`` shows them.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import NotConfigured

from scrapers.state import connect, state_path
from scrapers.urls import registered_domain

if TYPE_CHECKING:
    from pathlib import Path

    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

SCHEMA = """
CREATE TABLE IF NOT EXISTS template_pages (
    site TEXT NOT NULL, url TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (site, url));
CREATE INDEX IF NOT EXISTS template_pages_seq ON template_pages (site, seq);
CREATE TABLE IF NOT EXISTS template_lines (
    site TEXT NOT NULL, digest TEXT NOT NULL, text TEXT NOT NULL, pages INTEGER NOT NULL,
    PRIMARY KEY (site, digest));
-- Which recent pages (by their number within the site) showed a line; older rows are pruned.
CREATE TABLE IF NOT EXISTS template_sightings (
    site TEXT NOT NULL, digest TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (site, digest, seq));
CREATE INDEX IF NOT EXISTS template_sightings_seq ON template_sightings (site, seq);
"""


_LETTER = re.compile(r"[^\W\d_]")


def line_key(line: str) -> str:
    return " ".join(line.split())


def digest(key: str) -> str:
    return hashlib.blake2b(key.encode("utf-8"), digest_size=12).hexdigest()


@dataclass(frozen=True)
class Thresholds:
    min_pages: int = 5
    min_share: float = 0.3
    recent_pages: int = 200

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Thresholds:
        return cls(
            min_pages=settings.getint("TEMPLATES_MIN_PAGES"),
            min_share=settings.getfloat("TEMPLATES_MIN_SHARE"),
            recent_pages=settings.getint("TEMPLATES_RECENT_PAGES"),
        )


@dataclass(frozen=True)
class LearnedLine:
    text: str
    pages: int
    recent: int
    share: float
    active: bool


class SiteTemplates:
    """The template counts of every site, in the state store."""

    def __init__(self, connection: sqlite3.Connection, thresholds: Thresholds):
        self.db = connection
        self.thresholds = thresholds
        self.db.executescript(SCHEMA)

    @classmethod
    def open(cls, path: Path, thresholds: Thresholds) -> SiteTemplates:
        return cls(connect(path), thresholds)

    def close(self) -> None:
        self.db.close()

    def observe(self, site: str, url: str, lines: list[str]) -> set[str]:
        """Count the lines of a page not seen before, and return the keys of the lines in
        ``lines`` that are now part of the site's template."""
        # A line with no letter in it ("}", "***", "2025") says nothing of a site: code and
        # separators repeat across articles without being chrome.
        digests = {key: digest(key) for key in map(line_key, lines) if _LETTER.search(key)}
        with self.db:
            seen = self.db.execute("SELECT 1 FROM template_pages WHERE site = ? AND url = ?", (site, url)).fetchone()
            seq = self._last_seq(site)
            if not seen:
                seq += 1
                self.db.execute("INSERT INTO template_pages VALUES (?, ?, ?)", (site, url, seq))
                for key, line_digest in digests.items():
                    self.db.execute(
                        "INSERT INTO template_lines VALUES (?, ?, ?, 1) "
                        "ON CONFLICT (site, digest) DO UPDATE SET pages = pages + 1",
                        (site, line_digest, key),
                    )
                    self.db.execute(
                        "INSERT OR IGNORE INTO template_sightings VALUES (?, ?, ?)", (site, line_digest, seq)
                    )
                self.db.execute(
                    "DELETE FROM template_sightings WHERE site = ? AND seq <= ?",
                    (site, seq - self.thresholds.recent_pages),
                )
            return {key for key, line_digest in digests.items() if self._line(site, line_digest, key, seq).active}

    def _last_seq(self, site: str) -> int:
        row = self.db.execute("SELECT MAX(seq) FROM template_pages WHERE site = ?", (site,)).fetchone()
        return int(row[0] or 0)

    def _line(self, site: str, line_digest: str, text: str, seq: int) -> LearnedLine:
        """A line's counts after the site's page ``seq``, and whether they make it template."""
        row = self.db.execute(
            "SELECT pages FROM template_lines WHERE site = ? AND digest = ?", (site, line_digest)
        ).fetchone()
        recent = self.db.execute(
            "SELECT COUNT(*) FROM template_sightings WHERE site = ? AND digest = ? AND seq > ?",
            (site, line_digest, seq - self.thresholds.recent_pages),
        ).fetchone()[0]
        pages = int(row[0]) if row else 0
        window = min(seq, self.thresholds.recent_pages)
        share = recent / window if window else 0.0
        active = pages >= self.thresholds.min_pages and window > 0 and share >= self.thresholds.min_share
        return LearnedLine(text, pages, int(recent), share, active)

    def learned(self, site: str, min_pages: int = 2) -> list[LearnedLine]:
        """The lines seen on at least ``min_pages`` pages of ``site``, most frequent first."""
        seq = self._last_seq(site)
        rows = self.db.execute(
            "SELECT digest, text FROM template_lines WHERE site = ? AND pages >= ? ORDER BY pages DESC, text",
            (site, min_pages),
        ).fetchall()
        return [self._line(site, line_digest, text, seq) for line_digest, text in rows]

    def sites(self) -> list[tuple[str, int]]:
        return self.db.execute("SELECT site, COUNT(*) FROM template_pages GROUP BY site ORDER BY site").fetchall()


class LearnedTemplatePipeline:
    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        if not settings.getbool("TEMPLATES_ENABLED"):
            raise NotConfigured("TEMPLATES_ENABLED is off")
        self.crawler = crawler
        self.path = state_path(settings)
        self.thresholds = Thresholds.from_settings(settings)
        self.max_share = settings.getfloat("TEMPLATES_MAX_SHARE")
        self.templates: SiteTemplates | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LearnedTemplatePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.templates = SiteTemplates.open(self.path, self.thresholds)

    def close_spider(self) -> None:
        if self.templates is not None:
            self.templates.close()

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        body = adapter.get("articleBody")
        url = adapter.get("canonicalUrl") or adapter.get("url")
        if not body or not url or self.templates is None:
            return item
        lines = body.splitlines()
        template = self.templates.observe(registered_domain(url), url, lines)
        if not template:
            return item
        kept = [line for line in lines if line_key(line) not in template]
        stats = self.crawler.stats
        assert stats is not None
        if not "".join(kept).strip():
            stats.inc_value("templates/kept/only_content")
            return item
        total = sum(len(line) for line in lines)
        if total - sum(len(line) for line in kept) > self.max_share * total:
            stats.inc_value("templates/kept/too_large_share")
            return item
        stats.inc_value("templates/lines_removed", len(lines) - len(kept))
        stats.inc_value("templates/items_stripped")
        adapter["articleBody"] = "\n".join(kept)
        return item
