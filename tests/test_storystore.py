"""The SQLite story store: one row an article on disk, its key index and line counts in memory
(scrapers/storyindex.py), rebuilt when it opens and kept up with another process's writes."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

import numpy as np
import pytest

from pipelines.dedupe import scheme_meta
from scrapers import fingerprint, storyindex
from scrapers.storystore import SQLiteStoryStore, StoredArticle
from tests.bench_dedupe import synthetic_article

if TYPE_CHECKING:
    from pathlib import Path

TEMPLATE_LINE = 7


def article(n: int, story: int = 0) -> StoredArticle:
    signature = np.full(fingerprint.NUM_PERM, n, dtype=fingerprint.SIGNATURE_DTYPE)
    made = synthetic_article(
        f"https://example.com/{n}", signature, fingerprint.token_hashes(()), np.zeros(0, fingerprint.WORDING_DTYPE)
    )
    made.story = story
    return made


def fill(store: SQLiteStoryStore) -> dict[str, object]:
    """Articles under shared and own keys, with a line seen in stories 1, 1, 3, 1, 5 (four changes
    of story) and lines of their own; what the store then answers."""
    first = store.add(article(1), [100, 101], [TEMPLATE_LINE, 1001])
    store.add(article(2, story=first), [100, 102], [TEMPLATE_LINE, 1002])
    third = store.add(article(3), [100, 103], [TEMPLATE_LINE, 1003])
    store.add(article(4, story=first), [100, 104], [TEMPLATE_LINE, 1004])
    store.add(article(5), [105], [TEMPLATE_LINE, 1005])
    for n in range(6, 60):
        store.add(article(n, story=third if n % 3 else 0), [100, 1000 + n], [2000 + n])
    store.flush()
    return answers(store)


def answers(store: SQLiteStoryStore) -> dict[str, object]:
    return {
        "keys": store.lookup([100, 101, 104, 1059, 99]),
        "newest": store.lookup([100], newest=3),
        # Each key its own limit; a key asked twice is asked with its last one.
        "each": store.lookup([104, 100, 1059, 100], [1, None, None, 2]),
        "lines": stories_of(store, TEMPLATE_LINE, 1001, 2059, 99),
    }


def stories_of(store: SQLiteStoryStore, *lines: int) -> list[int]:
    return store.line_stories(np.array(lines, dtype=np.uint32)).tolist()


def test_keys_and_line_counts_survive_merges_and_reopening(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    unmerged = fill(SQLiteStoryStore(tmp_path / "a.sqlite3", scheme_meta(), retention_days=180))
    assert unmerged["keys"] == {100: [1, 2, 3, 4, *range(6, 60)], 101: [1], 104: [4], 1059: [59]}
    assert unmerged["newest"] == {100: [57, 58, 59]}
    assert unmerged["each"] == {104: [4], 100: [58, 59], 1059: [59]}
    assert unmerged["lines"] == [4, 1, 1, 0]

    # The same articles with a merge into the sorted base every few entries.
    monkeypatch.setattr(storyindex, "MIN_MERGE", 4)
    path = tmp_path / "b.sqlite3"
    store = SQLiteStoryStore(path, scheme_meta(), retention_days=180)
    assert fill(store) == unmerged
    assert len(store.index.runs) > 50 and len(store.line_counts.runs) > 30
    store.close()
    # Rebuilt from the rows.
    store = SQLiteStoryStore(path, scheme_meta(), retention_days=180)
    assert answers(store) == unmerged
    # Counting goes on from the rebuilt counts: story 5 again is no new story, story 1 is.
    store.add(article(60, story=5), [], [TEMPLATE_LINE])
    assert stories_of(store, TEMPLATE_LINE) == [4]
    store.add(article(61, story=1), [], [TEMPLATE_LINE])
    assert stories_of(store, TEMPLATE_LINE) == [5]
    store.close()


def test_a_second_process_sees_new_and_forgotten_articles(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    writer = SQLiteStoryStore(path, scheme_meta(), retention_days=180)
    reader = SQLiteStoryStore(path, scheme_meta(), retention_days=180)
    first = writer.add(article(1), [100, fingerprint.key_of("url", "https://example.com/1")], [TEMPLATE_LINE])
    # Not committed yet: the other process cannot see it.
    assert reader.lookup([100]) == {}
    writer.flush()
    assert reader.lookup([100]) == {100: [first]}
    assert stories_of(reader, TEMPLATE_LINE) == [1]
    # The reader's own article takes the next id, not the writer's.
    own = reader.add(article(2), [100], [TEMPLATE_LINE])
    reader.flush()
    assert own == first + 1
    assert writer.lookup([100]) == {100: [first, own]}
    assert stories_of(writer, TEMPLATE_LINE) == [2]

    # A third process rolls back a killed run's article: both drop it.
    cleaner = SQLiteStoryStore(path, scheme_meta(), retention_days=180)
    assert cleaner.forget(["https://example.com/1"], since=0.0) == 1
    # Found by its row's keys: no index was built for it.
    assert not cleaner.loaded
    cleaner.close()
    assert reader.lookup([100]) == {100: [own]}
    assert writer.lookup([100]) == {100: [own]}
    assert stories_of(writer, TEMPLATE_LINE) == [1]
    writer.close()
    reader.close()


def test_rollback_forgets_what_was_not_flushed(tmp_path: Path) -> None:
    store = SQLiteStoryStore(tmp_path / "state.sqlite3", scheme_meta(), retention_days=180)
    kept = store.add(article(1), [100], [TEMPLATE_LINE])
    store.flush()
    store.add(article(2), [100, 200], [TEMPLATE_LINE, 1002])
    store.rollback()
    assert store.lookup([100, 200]) == {100: [kept]}
    assert stories_of(store, TEMPLATE_LINE, 1002) == [1, 0]
    assert store.add(article(3), [300]) == kept + 1
    store.close()


def test_two_writers_take_turns_and_never_share_an_id(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    first = SQLiteStoryStore(path, scheme_meta(), retention_days=180)
    first.lookup([100])
    numbered: list[int] = []
    seen: list[dict[int, list[int]]] = []
    # Both crawls have read the state before either writes: the second must take in the first
    # one's article once it gets the write lock.
    loaded, written = threading.Event(), threading.Event()

    def second_crawl() -> None:
        second = SQLiteStoryStore(path, scheme_meta(), retention_days=180)
        second.lookup([100])
        loaded.set()
        written.wait(timeout=30)
        numbered.append(second.add(article(2), [100], [TEMPLATE_LINE]))
        seen.append(second.lookup([100]))
        second.close()

    other = threading.Thread(target=second_crawl)
    other.start()
    assert loaded.wait(timeout=30)
    mine = first.add(article(1), [100], [TEMPLATE_LINE])
    written.set()
    time.sleep(0.3)
    # The second crawl waits for the first one's commit before it numbers its article.
    assert other.is_alive() and not numbered
    first.flush()
    other.join(timeout=30)
    assert numbered == [mine + 1]
    assert seen == [{100: [mine, mine + 1]}]
    assert first.lookup([100]) == {100: [mine, mine + 1]}
    assert stories_of(first, TEMPLATE_LINE) == [2]
    first.close()
