"""Story dedupe: one copy of each story in the feed, across sites, languages and runs.

Every item gets ``storyId``. An item whose story the stage has seen before, in this run or an earlier
one, also gets ``duplicateOf`` (the URL of the story's first item) and ``duplicateKind`` (``exact``,
``near``, ``republication`` or ``translation``); with ``DEDUPE_ACTION = "drop"`` (the default) it is
then dropped, with ``"annotate"`` it is kept. A weaker match is listed in ``relatedTo`` and never makes
a duplicate. How stories are matched is in ``scrapers/stories.py``.

The stage remembers articles in ``DEDUPE_STATE``: by default the project's state store (the SQLite
file of ``STATE_PATH``), or a ``redis://`` URL for crawls on several machines. Articles older than
``DEDUPE_RETENTION_DAYS`` are forgotten.

The same stage runs over existing feeds, in input order::

    python -m pipelines.dedupe IN.jsonl [IN2.jsonl ...] -o OUT.jsonl [--annotate] [--state PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem, NotConfigured

from scrapers import fingerprint
from scrapers.state import is_redis_url, state_location
from scrapers.stories import KINDS, StoryMatcher
from scrapers.storystore import SQLiteStoryStore
from scrapers.urls import canonical_url

if TYPE_CHECKING:
    from collections.abc import Iterator

    from scrapy.crawler import Crawler

    from scrapers.storystore import StoryStore

ACTIONS = ("drop", "annotate")
# The item fields the stage reads as text.
TEXT_FIELDS = ("url", "canonicalUrl", "headline", "articleBody", "isBasedOn", "sourceSite", "inLanguage")


def scheme_meta() -> dict[str, str]:
    return {
        "library": f"cleannews-{version('cleannews')}",
        "scheme": fingerprint.SCHEME,
        "seed": str(fingerprint.SEED),
    }


def open_store(location: str | Path, retention_days: float) -> StoryStore:
    """A story store at a SQLite path or a ``redis://`` / ``rediss://`` / ``unix://`` URL."""
    if is_redis_url(location):
        from scrapers.storystore_redis import RedisStoryStore

        return RedisStoryStore.from_url(str(location), scheme_meta(), retention_days)
    return SQLiteStoryStore(Path(location), scheme_meta(), retention_days)


class DedupePipeline:
    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        if not settings.getbool("DEDUPE_ENABLED"):
            raise NotConfigured("DEDUPE_ENABLED is off")
        self.action = settings.get("DEDUPE_ACTION")
        if self.action not in ACTIONS:
            # Not NotConfigured: a typo must not let every duplicate through unnoticed.
            raise ValueError(f"DEDUPE_ACTION must be one of {', '.join(ACTIONS)}, not {self.action!r}")
        self.crawler = crawler
        self.location = state_location(settings, "DEDUPE_STATE")
        self.retention_days = settings.getfloat("DEDUPE_RETENTION_DAYS")
        self.matcher: StoryMatcher | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        store = open_store(self.location, self.retention_days)
        self.matcher = StoryMatcher(store)

    def close_spider(self) -> None:
        if self.matcher is not None:
            self.matcher.store.close()

    def process_item(self, item: Any) -> Any:
        assert self.matcher is not None and self.crawler.stats is not None
        adapter = ItemAdapter(item)
        verdict = self.matcher.classify(adapter.asdict())
        # Commit now: the other stages write the same state file, and an item in the feed must
        # be in the state should the crawl be killed.
        self.matcher.store.flush()
        adapter["storyId"] = verdict.story_id
        if verdict.related:
            adapter["relatedTo"] = verdict.related
        if verdict.kind is None:
            self.crawler.stats.inc_value("dedupe/stories")
            return item
        self.crawler.stats.inc_value(f"dedupe/duplicate/{verdict.kind}")
        adapter["duplicateOf"] = verdict.duplicate_of
        adapter["duplicateKind"] = verdict.kind
        if self.action == "drop":
            raise DropItem(f"{verdict.kind} duplicate of {verdict.duplicate_of}")
        return item


def _read(paths: list[Path], problems: list[str]) -> Iterator[dict[str, Any]]:
    for path in paths:
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                except json.JSONDecodeError as error:
                    problems.append(f"{path}:{number}: not a JSON line ({error.msg})")
                    continue
                if not isinstance(item, dict) or not item.get("url"):
                    problems.append(f"{path}:{number}: not an item with a url")
                    continue
                not_text = [
                    name for name in TEXT_FIELDS if item.get(name) is not None and not isinstance(item[name], str)
                ]
                if not_text:
                    problems.append(f"{path}:{number}: {', '.join(not_text)} not text")
                    continue
                try:
                    # The stage keys an article by it: a feed merged from elsewhere may hold anything.
                    canonical_url(item.get("canonicalUrl") or item["url"])
                except (TypeError, ValueError) as error:
                    problems.append(f"{path}:{number}: its URL cannot be read ({type(error).__name__}: {error})")
                    continue
                yield item


def _remove_sqlite(path: Path) -> None:
    """A SQLite file with its WAL and shared-memory files."""
    for leftover in path.parent.glob(f"{path.name}*"):
        leftover.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipelines.dedupe",
        description="Dedupe JSON-lines feeds by story, in input order, with the crawl's dedupe stage.",
    )
    parser.add_argument("inputs", nargs="+", type=Path, metavar="IN.jsonl")
    parser.add_argument("-o", "--output", required=True, type=Path, metavar="OUT.jsonl")
    parser.add_argument("--annotate", action="store_true", help="keep duplicates, marked, instead of dropping them")
    parser.add_argument(
        "--state",
        default=None,
        help="dedupe state: a SQLite file or a redis:// URL (default: a fresh state for this run only)",
    )
    parser.add_argument("--retention-days", type=float, default=180.0)
    args = parser.parse_args(argv)

    missing = [str(path) for path in args.inputs if not path.is_file()]
    if missing:
        parser.error(f"no such file: {', '.join(missing)}")
    temporary = args.state is None
    location = args.state or args.output.with_name(f".{args.output.name}.dedupe.sqlite3")
    if temporary:
        _remove_sqlite(Path(location))
    try:
        store = open_store(location, args.retention_days)
    except Exception as error:  # any store failure ends the run with its reason
        print(f"dedupe: cannot open state {location}: {error}", file=sys.stderr)
        return 2
    matcher = StoryMatcher(store)
    problems: list[str] = []
    counts = dict.fromkeys(("items", "stories", *KINDS), 0)
    started = time.perf_counter()
    partial = args.output.with_name(args.output.name + ".part")
    try:
        with partial.open("w", encoding="utf-8") as out:
            for item, verdict in matcher.classify_each(_read(args.inputs, problems)):
                counts["items"] += 1
                counts[verdict.kind or "stories"] += 1
                if verdict.kind is not None and not args.annotate:
                    continue
                item["storyId"] = verdict.story_id
                if verdict.kind is not None:
                    item["duplicateOf"] = verdict.duplicate_of
                    item["duplicateKind"] = verdict.kind
                if verdict.related:
                    item["relatedTo"] = verdict.related
                out.write(json.dumps(item, ensure_ascii=False) + "\n")
        partial.replace(args.output)
    finally:
        store.close()
        if temporary:
            _remove_sqlite(Path(location))
    elapsed = time.perf_counter() - started
    duplicates = ", ".join(f"{kind} {counts[kind]}" for kind in KINDS)
    print(
        f"dedupe: {counts['items']} items, {counts['stories']} stories, duplicates: {duplicates}; "
        f"{counts['items'] / max(elapsed, 1e-9):.0f} items/s",
        file=sys.stderr,
    )
    for problem in problems:
        print(f"dedupe: skipped {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
