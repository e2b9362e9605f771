"""The project's state store: one SQLite file that crawls share and keep from one run to the next.

Its place is the ``STATE_PATH`` setting, by default ``cleannews.sqlite3`` in the project's data
folder (``.scrapy/``, where Scrapy keeps its HTTP cache). It runs in WAL mode, so a command that
reads it (``scrapy chrome``) or a second crawl does not block a crawl that writes it.

In distributed mode (``REDIS_URL`` set, see scrapers/distributed.py) the crawl state that several
machines must share, dedupe and seen-store, goes to that Redis instead.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from scrapy.exceptions import NotConfigured
from scrapy.settings import BaseSettings
from scrapy.utils.project import data_path

DEFAULT_NAME = "cleannews.sqlite3"


def state_path(settings: BaseSettings) -> Path:
    configured = settings.get("STATE_PATH")
    if configured:
        return Path(configured)
    try:
        return Path(data_path(DEFAULT_NAME))
    except NotConfigured:
        # Run outside the project folder (its settings module on the path, no scrapy.cfg above).
        return Path(".scrapy") / DEFAULT_NAME


def is_redis_url(location: str | Path) -> bool:
    return isinstance(location, str) and location.startswith(("redis://", "rediss://", "unix://"))


def state_location(settings: BaseSettings, name: str) -> str | Path:
    """Where a stage keeps its state: the setting ``name`` when set, else the Redis of
    distributed mode (``REDIS_URL``), else the state file."""
    return settings.get(name) or settings.get("REDIS_URL") or state_path(settings)


def connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=30)
    connection.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL loses no committed transaction on a crash of the process, only on a power cut.
    connection.execute("PRAGMA synchronous=NORMAL")
    return connection
