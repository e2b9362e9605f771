"""The in-memory side of the SQLite story store (scrapers/storystore.py): which articles each lookup
key names, and in how many stories each body line was seen.

A SQLite row a key or a line costs microseconds to read and more to write, a hundred of each an
article, which was most of the dedupe stage's time. So the store keeps one row an article (its keys
and lines as blobs) and holds these two maps in memory, rebuilt from the rows when first needed.

Each map is a dict of recent entries (a hundred bytes or more an entry) and sorted NumPy runs (12
bytes an entry) looked up with ``searchsorted``, as in an LSM tree: when the dict holds MIN_MERGE
entries it becomes a run, and runs are merged so that there are at most MAX_RUNS.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

# Recent entries a merge takes: about 4,000 articles' keys, or 3,000 articles' lines.
MIN_MERGE = 200_000
# A lookup searches every run, and a binary search over tens of millions of entries misses the
# CPU cache at most of its steps: a base and one newer run, which a merge into the base empties
# once it holds a quarter of the base (each entry is then copied a few times in all).
MAX_RUNS = 2


class SortedRuns:
    """Runs of entries, oldest first, each a key column and value columns sorted by key (a key's
    entries in the order they came)."""

    def __init__(self) -> None:
        self.runs: list[list[np.ndarray]] = []

    def __len__(self) -> int:
        return sum(len(run[0]) for run in self.runs)

    def find(
        self, wanted: np.ndarray, ranges: bool = True
    ) -> list[tuple[list[np.ndarray], np.ndarray, np.ndarray, np.ndarray]]:
        """Each run that holds some of ``wanted``: the run, the positions in ``wanted`` it holds,
        and where each one's entries start and end in it. Without ``ranges`` (a map with one entry
        a key) the end is not searched for: it is the entry after the start."""
        found = []
        for run in self.runs:
            keys = run[0]
            low = np.searchsorted(keys, wanted)
            present = np.flatnonzero(keys[np.minimum(low, len(keys) - 1)] == wanted)
            if len(present):
                low = low[present]
                high = np.searchsorted(keys, wanted[present], "right") if ranges else low + 1
                found.append((run, present, low, high))
        return found

    def push(self, keys: np.ndarray, *values: np.ndarray) -> None:
        """A run of entries newer than all before."""
        if not len(keys):
            return
        order = np.argsort(keys, kind="stable")
        self.runs.append([keys[order], *(column[order] for column in values)])
        while len(self.runs) > 1 and (len(self.runs) > MAX_RUNS or 4 * len(self.runs[-1][0]) > len(self.runs[-2][0])):
            newer = self.runs.pop()
            older = self.runs[-1]
            # After the older entries of a key.
            at = np.searchsorted(older[0], newer[0], "right")
            self.runs[-1] = [np.insert(old, at, new) for old, new in zip(older, newer, strict=True)]


class KeyIndex:
    """Lookup key (a signed 64-bit hash) -> ids of the articles stored under it, in id order."""

    def __init__(self) -> None:
        self.runs = SortedRuns()
        self.recent: dict[int, list[int]] = {}
        self.recent_count = 0

    def __len__(self) -> int:
        return len(self.runs) + self.recent_count

    def add(self, article: int, keys: Iterable[int]) -> None:
        for key in keys:
            self.recent.setdefault(key, []).append(article)
            self.recent_count += 1
        if self.recent_count >= MIN_MERGE:
            self.merge()

    def add_arrays(self, keys: np.ndarray, ids: np.ndarray) -> None:
        """Entries in bulk (a store's rows as it opens), ids ascending."""
        self.merge()
        self.runs.push(keys.astype(np.int64), ids.astype(np.uint32))

    def get(self, keys: Sequence[int], newest: int | None = None) -> dict[int, list[int]]:
        found: dict[int, list[int]] = {}
        if self.runs.runs and len(keys):
            query = np.fromiter(keys, dtype=np.int64, count=len(keys))
            for run, present, low, high in self.runs.find(query):
                ids = run[1]
                for position, start, end in zip(present.tolist(), low.tolist(), high.tolist(), strict=True):
                    if newest is not None:
                        start = max(start, end - newest)
                    found.setdefault(keys[position], []).extend(ids[start:end].tolist())
        recent = self.recent
        for key in keys:
            more = recent.get(key)
            if more is not None:
                found[key] = found.get(key, []) + more
        if newest is not None:
            return {key: ids[-newest:] for key, ids in found.items()}
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
        self.runs.push(keys, ids)


class LineCounts:
    """Body line (its CRC-32) -> in how many stories it was seen. Copies of one story in a row count
    once: each line remembers the last story it was seen in. A line is in one run or in the recent
    entries, never in two places."""

    def __init__(self) -> None:
        self.runs = SortedRuns()  # line, stories, last story
        self.recent: dict[int, list[int]] = {}  # line -> [stories, last story]

    def __len__(self) -> int:
        return len(self.runs) + len(self.recent)

    def get(self, lines: Sequence[int]) -> dict[int, int]:
        found: dict[int, int] = {}
        if self.runs.runs and len(lines):
            query = np.fromiter(lines, dtype=np.uint32, count=len(lines))
            for run, present, low, _ in self.runs.find(query, ranges=False):
                found.update(zip([lines[i] for i in present.tolist()], run[1][low].tolist(), strict=True))
        recent = self.recent
        for line in lines:
            counted = recent.get(line)
            if counted is not None:
                found[line] = counted[0]
        return found

    def count(self, lines: Iterable[int], story: int) -> None:
        """One more story for each line, unless it is the story the line was last seen in."""
        unique = list(set(lines))
        if self.runs.runs and unique:
            held: set[int] = set()
            for run, present, low, _ in self.runs.find(
                np.fromiter(unique, dtype=np.uint32, count=len(unique)), ranges=False
            ):
                stories, last = run[1], run[2]
                stories[low[last[low] != story]] += 1
                last[low] = story
                held.update(present.tolist())
            unique = [line for position, line in enumerate(unique) if position not in held]
        recent = self.recent
        for line in unique:
            counted = recent.get(line)
            if counted is None:
                recent[line] = [1, story]
            elif counted[1] != story:
                counted[0] += 1
                counted[1] = story
        if len(recent) >= MIN_MERGE:
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
        ends = np.r_[starts[1:], len(lines)] - 1
        self.runs.push(lines[starts], np.add.reduceat(changes.astype(np.uint32), starts), stories[ends])

    def merge(self) -> None:
        if not self.recent:
            return
        lines = np.fromiter(self.recent, dtype=np.uint32, count=len(self.recent))
        counted = np.array(list(self.recent.values()), dtype=np.uint32).reshape(-1, 2)
        self.recent = {}
        self.runs.push(lines, counted[:, 0].copy(), counted[:, 1].copy())
