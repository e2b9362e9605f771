"""The in-memory side of the SQLite story store (scrapers/storystore.py): which articles each lookup
key names, and in how many stories each body line was seen.

A SQLite row a key or a line costs microseconds to read and more to write, a hundred of each an
article, which was most of the dedupe stage's time. So the store keeps one row an article (its keys
and lines as blobs) and holds these two maps in memory, rebuilt from the rows when it opens.

Each map is a sorted NumPy base, looked up with ``searchsorted`` (about 12 bytes an entry, and a
lookup time that grows with the log of the store), and a dict of recent entries that is merged into
the base when it has grown to half the base's size, so that every entry is sorted a bounded number
of times.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

# Below this many recent entries a merge is not worth a sort of the base.
MIN_MERGE = 200_000


def _found(base: np.ndarray, wanted: Sequence[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The positions of ``wanted`` that ``base`` (sorted) holds, with each one's range in it."""
    query = np.fromiter(wanted, dtype=base.dtype, count=len(wanted))
    low = np.searchsorted(base, query, "left")
    high = np.searchsorted(base, query, "right")
    present = np.flatnonzero(high > low)
    return present, low[present], high[present]


class KeyIndex:
    """Lookup key (a signed 64-bit hash) -> ids of the articles stored under it, in id order."""

    def __init__(self) -> None:
        self.keys = np.zeros(0, dtype=np.int64)
        self.ids = np.zeros(0, dtype=np.uint32)
        self.recent: dict[int, list[int]] = {}
        self.recent_count = 0

    def __len__(self) -> int:
        return len(self.keys) + self.recent_count

    def add(self, article: int, keys: Iterable[int]) -> None:
        for key in keys:
            self.recent.setdefault(key, []).append(article)
            self.recent_count += 1
        if self.recent_count >= max(MIN_MERGE, len(self.keys) // 2):
            self.merge()

    def add_arrays(self, keys: np.ndarray, ids: np.ndarray) -> None:
        """Entries in bulk (a store's rows as it opens), ids ascending."""
        order = np.argsort(keys, kind="stable")
        self._merge_sorted(keys[order], ids[order].astype(np.uint32))

    def get(self, keys: Sequence[int], newest: int | None = None) -> dict[int, list[int]]:
        found: dict[int, list[int]] = {}
        if len(self.keys) and len(keys):
            present, low, high = _found(self.keys, keys)
            for position, start, end in zip(present.tolist(), low.tolist(), high.tolist(), strict=True):
                if newest is not None:
                    start = max(start, end - newest)
                found[keys[position]] = self.ids[start:end].tolist()
        recent = self.recent
        for key in keys:
            more = recent.get(key)
            if more is not None:
                joined = found.get(key, []) + more
                found[key] = joined if newest is None else joined[-newest:]
        return found

    def merge(self) -> None:
        if not self.recent_count:
            return
        keys = np.fromiter(
            (key for key, ids in self.recent.items() for _ in ids), dtype=np.int64, count=self.recent_count
        )
        ids = np.fromiter((i for more in self.recent.values() for i in more), dtype=np.uint32, count=self.recent_count)
        self.recent = {}
        self.recent_count = 0
        order = np.argsort(keys, kind="stable")
        self._merge_sorted(keys[order], ids[order])

    def _merge_sorted(self, keys: np.ndarray, ids: np.ndarray) -> None:
        # A stable sort of the base followed by newer entries keeps each key's ids ascending.
        keys = np.concatenate([self.keys, keys])
        ids = np.concatenate([self.ids, ids])
        order = np.argsort(keys, kind="stable")
        self.keys, self.ids = keys[order], ids[order]


class LineCounts:
    """Body line (its CRC-32) -> in how many stories it was seen. Copies of one story in a row count
    once: each line remembers the last story it was seen in."""

    def __init__(self) -> None:
        self.lines = np.zeros(0, dtype=np.uint32)
        self.stories = np.zeros(0, dtype=np.uint32)
        self.last = np.zeros(0, dtype=np.uint32)
        self.recent: dict[int, list[int]] = {}  # line -> [stories, last story]

    def __len__(self) -> int:
        return len(self.lines) + len(self.recent)

    def get(self, lines: Sequence[int]) -> dict[int, int]:
        found: dict[int, int] = {}
        if len(self.lines) and len(lines):
            present, low, _ = _found(self.lines, lines)
            found = dict(zip([lines[i] for i in present.tolist()], self.stories[low].tolist(), strict=True))
        recent = self.recent
        for line in lines:
            counted = recent.get(line)
            if counted is not None:
                found[line] = counted[0]
        return found

    def count(self, lines: Iterable[int], story: int) -> None:
        """One more story for each line, unless it is the story the line was last seen in."""
        unique = list(set(lines))
        recent = self.recent
        if len(self.lines) and unique:
            present, low, _ = _found(self.lines, unique)
            in_base = set(present.tolist())
            changed = low[self.last[low] != story]
            self.stories[changed] += 1
            self.last[low] = story
            unique = [line for position, line in enumerate(unique) if position not in in_base]
        for line in unique:
            counted = recent.get(line)
            if counted is None:
                recent[line] = [1, story]
            elif counted[1] != story:
                counted[0] += 1
                counted[1] = story
        if len(recent) >= max(MIN_MERGE, len(self.lines) // 2):
            self.merge()

    def count_arrays(self, lines: np.ndarray, stories: np.ndarray) -> None:
        """Counts in bulk from a store's rows as it opens: each article's lines and story, in id
        order, into an empty map."""
        if not len(lines):
            return
        order = np.argsort(lines, kind="stable")
        lines, stories = lines[order], stories[order].astype(np.uint32)
        first = np.r_[True, lines[1:] != lines[:-1]]
        starts = np.flatnonzero(first)
        # A line's first article, or a story other than its article before, is one more story.
        changes = first | np.r_[True, stories[1:] != stories[:-1]]
        self.lines = lines[starts]
        self.stories = np.add.reduceat(changes.astype(np.uint32), starts)
        self.last = stories[np.r_[starts[1:], len(lines)] - 1]

    def merge(self) -> None:
        if not self.recent:
            return
        lines = np.fromiter(self.recent, dtype=np.uint32, count=len(self.recent))
        counted = np.array(list(self.recent.values()), dtype=np.uint32).reshape(-1, 2)
        self.recent = {}
        lines = np.concatenate([self.lines, lines])
        order = np.argsort(lines, kind="stable")
        self.lines = lines[order]
        self.stories = np.concatenate([self.stories, counted[:, 0]])[order]
        self.last = np.concatenate([self.last, counted[:, 1]])[order]
