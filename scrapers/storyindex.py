"""The in-memory side of the SQLite story store (scrapers/storystore.py): which articles each lookup
key names, and in how many stories each body line was seen.

A SQLite row a key or a line costs microseconds to read and more to write, a hundred of each an
article, which was most of the dedupe stage's time. So the store keeps one row an article (its keys
and lines as blobs) and holds these two maps in memory, rebuilt from the rows when first needed.

Each map is a hash table of recent entries and sorted NumPy runs (12 bytes an entry) looked up with
``searchsorted``, as in an LSM tree: when the table holds MIN_MERGE entries it becomes a run, and runs
are merged so that there are at most MAX_RUNS. The tables are NumPy arrays that compiled code (numba)
probes and fills: as Python dicts of lists they cost a microsecond an entry, over a hundred an
article, half the stage's time.
"""

from __future__ import annotations

import numpy as np

from scrapers.compiled import compiled

# Recent entries a merge takes: about 4,000 articles' keys, or 3,000 articles' lines.
MIN_MERGE = 200_000
# A lookup searches every run, and a binary search over tens of millions of entries misses the
# CPU cache at most of its steps: a base and one newer run, which a merge into the base empties
# once it holds a quarter of the base (each entry is then copied a few times in all).
MAX_RUNS = 2
# A lookup in a run of tens of millions of keys would miss the CPU cache at most of a binary
# search's steps: every FENCE-th key, a hundredth of the run, is searched first and stays cached.
FENCE = 64
# Entries one call adds to a recent table at most, so that it never holds more than MIN_MERGE plus
# these (an article has a hundred keys or lines or so; more are added in parts).
MAX_ARTICLE_KEYS = 4096


def _slots(entries: int) -> int:
    """A power of two at least twice ``entries``: open addressing stays fast at half load."""
    return 1 << max(4, (2 * entries - 1).bit_length())


@compiled
def sorted_set(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)``, in a fifth of its time for an article's hundred keys."""
    ordered = np.sort(values)
    count = 0
    for value in ordered:
        if count == 0 or value != ordered[count - 1]:
            ordered[count] = value
            count += 1
    return ordered[:count]


@compiled
def _probe_start(key: int, mask: int) -> np.int64:
    # Multiplicative hashing, its high half folded onto the low one: every bit of a key moves it.
    value = np.uint64(key) * np.uint64(0x9E3779B97F4A7C15)
    return np.int64((value ^ (value >> np.uint64(32))) & np.uint64(mask))


@compiled
def _key_slot(slot_keys: np.ndarray, heads: np.ndarray, key: int) -> int:
    # A slot whose head is -1 is free.
    mask = len(slot_keys) - 1
    slot = _probe_start(key, mask)
    while heads[slot] >= 0 and slot_keys[slot] != key:
        slot = (slot + 1) & mask
    return slot


@compiled
def _post(
    slot_keys: np.ndarray,
    heads: np.ndarray,
    keys: np.ndarray,
    ids: np.ndarray,
    after: np.ndarray,
    count: int,
    new_keys: np.ndarray,
    article: int,
) -> int:
    """Adds ``article`` under each key (once), each a posting that links to the key's previous
    one; returns the postings' count."""
    for key in new_keys:
        slot = _key_slot(slot_keys, heads, key)
        head = heads[slot]
        if head >= 0 and ids[head] == article:
            continue
        slot_keys[slot] = key
        keys[count] = key
        ids[count] = article
        after[count] = head
        heads[slot] = count
        count += 1
    return count


@compiled
def _postings(
    slot_keys: np.ndarray, heads: np.ndarray, ids: np.ndarray, after: np.ndarray, wanted: np.ndarray, newest: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each wanted key held, its ids in the order they came, the latest ``newest`` of them (all
    for 0): the ids of ``wanted[i]`` are ``found[ends[i]:ends[i + 1]]``. Also which keys are held."""
    firsts = np.full(len(wanted), -1, dtype=np.int64)
    ends = np.zeros(len(wanted) + 1, dtype=np.int64)
    for position in range(len(wanted)):
        posting = heads[_key_slot(slot_keys, heads, wanted[position])]
        firsts[position] = posting
        length = 0
        while posting >= 0 and (newest[position] == 0 or length < newest[position]):
            length += 1
            posting = after[posting]
        ends[position + 1] = ends[position] + length
    found = np.empty(ends[-1], dtype=np.uint32)
    for position in range(len(wanted)):
        posting = firsts[position]
        for at in range(ends[position + 1] - 1, ends[position] - 1, -1):
            found[at] = ids[posting]
            posting = after[posting]
    return np.flatnonzero(ends[1:] != ends[:-1]), ends, found


@compiled
def _line_slot(slot_lines: np.ndarray, line: int) -> int:
    # A slot holds line + 1: 0 is a free slot.
    mask = len(slot_lines) - 1
    slot = _probe_start(line, mask)
    while slot_lines[slot] != 0 and slot_lines[slot] != line + 1:
        slot = (slot + 1) & mask
    return slot


@compiled
def _count_lines(slot_lines: np.ndarray, stories: np.ndarray, last: np.ndarray, lines: np.ndarray, story: int) -> int:
    """One more story for each line, unless it is the story the line was last seen in; returns
    how many lines are new."""
    new = 0
    for line in lines:
        slot = _line_slot(slot_lines, line)
        if slot_lines[slot] == 0:
            slot_lines[slot] = line + 1
            stories[slot] = 1
            last[slot] = story
            new += 1
        elif last[slot] != story:
            stories[slot] += 1
            last[slot] = story
    return new


@compiled
def _line_stories(slot_lines: np.ndarray, stories: np.ndarray, lines: np.ndarray, found: np.ndarray) -> None:
    for position in range(len(lines)):
        slot = _line_slot(slot_lines, lines[position])
        if slot_lines[slot] != 0:
            found[position] = stories[slot]


@compiled
def _bisect(values: np.ndarray, low: int, high: int, value: int, right: bool) -> int:
    """The first position in ``values[low:high]`` (sorted) whose value does not go before ``value``:
    a smaller one (side "left"), or one not larger (side "right")."""
    while low < high:
        middle = (low + high) // 2
        if values[middle] < value or (right and values[middle] == value):
            low = middle + 1
        else:
            high = middle
    return low


@compiled
def _search(keys: np.ndarray, fences: np.ndarray, wanted: np.ndarray, right: bool) -> np.ndarray:
    """``np.searchsorted(keys, wanted)`` (side "left", or "right") for sorted keys whose every
    FENCE-th one is in ``fences``: the fences first, then a block of FENCE keys."""
    found = np.empty(len(wanted), dtype=np.int64)
    for position in range(len(wanted)):
        value = wanted[position]
        fence = _bisect(fences, 0, len(fences), value, right)
        # Fence ``fence - 1`` goes before the value, fence ``fence`` (if any) does not.
        start, end = max((fence - 1) * FENCE + 1, 0), min(fence * FENCE, len(keys))
        found[position] = _bisect(keys, start, end, value, right)
    return found


class SortedRuns:
    """Runs of entries, oldest first, each a key column and value columns sorted by key (a key's
    entries in the order they came), with every FENCE-th key of each."""

    def __init__(self) -> None:
        self.runs: list[list[np.ndarray]] = []
        self.fences: list[np.ndarray] = []

    def __len__(self) -> int:
        return sum(len(run[0]) for run in self.runs)

    def find(
        self, wanted: np.ndarray, ranges: bool = True
    ) -> list[tuple[list[np.ndarray], np.ndarray, np.ndarray, np.ndarray]]:
        """Each run that holds some of ``wanted``: the run, the positions in ``wanted`` it holds,
        and where each one's entries start and end in it. Without ``ranges`` (a map with one entry
        a key) the end is not searched for: it is the entry after the start."""
        found = []
        for run, fences in zip(self.runs, self.fences, strict=True):
            keys = run[0]
            low = _search(keys, fences, wanted, False)
            present = np.flatnonzero(keys[np.minimum(low, len(keys) - 1)] == wanted)
            if len(present):
                low = low[present]
                high = _search(keys, fences, wanted[present], True) if ranges else low + 1
                found.append((run, present, low, high))
        return found

    def push(self, keys: np.ndarray, *values: np.ndarray) -> None:
        """A run of entries newer than all before."""
        if not len(keys):
            return
        order = np.argsort(keys, kind="stable")
        self.runs.append([keys[order], *(column[order] for column in values)])
        self.fences.append(self.runs[-1][0][::FENCE].copy())
        while len(self.runs) > 1 and (len(self.runs) > MAX_RUNS or 4 * len(self.runs[-1][0]) > len(self.runs[-2][0])):
            newer = self.runs.pop()
            self.fences.pop()
            older = self.runs[-1]
            # After the older entries of a key.
            at = np.searchsorted(older[0], newer[0], "right")
            self.runs[-1] = [np.insert(old, at, new) for old, new in zip(older, newer, strict=True)]
            self.fences[-1] = self.runs[-1][0][::FENCE].copy()


class KeyIndex:
    """Lookup key (a signed 64-bit hash) -> ids of the articles stored under it, in id order.

    Recent entries are postings (key, id, the key's posting before) in the order they came, and a
    hash table from each key to its latest posting."""

    def __init__(self) -> None:
        self.runs = SortedRuns()
        self._clear()

    def _clear(self) -> None:
        slots = _slots(MIN_MERGE + MAX_ARTICLE_KEYS)
        self.slot_keys = np.zeros(slots, dtype=np.int64)
        self.heads = np.full(slots, -1, dtype=np.int32)
        self.keys = np.empty(MIN_MERGE + MAX_ARTICLE_KEYS, dtype=np.int64)
        self.ids = np.empty(MIN_MERGE + MAX_ARTICLE_KEYS, dtype=np.uint32)
        self.after = np.empty(MIN_MERGE + MAX_ARTICLE_KEYS, dtype=np.int32)
        self.recent_count = 0

    def __len__(self) -> int:
        return len(self.runs) + self.recent_count

    def add(self, article: int, keys: np.ndarray) -> None:
        for start in range(0, len(keys), MAX_ARTICLE_KEYS):
            if self.recent_count >= MIN_MERGE:
                self.merge()
            self.recent_count = _post(
                self.slot_keys, self.heads, self.keys, self.ids, self.after, self.recent_count,
                keys[start : start + MAX_ARTICLE_KEYS], article,
            )  # fmt: skip
        if self.recent_count >= MIN_MERGE:
            self.merge()

    def add_arrays(self, keys: np.ndarray, ids: np.ndarray) -> None:
        """Entries in bulk (a store's rows as it opens), ids ascending."""
        self.merge()
        self.runs.push(keys.astype(np.int64), ids.astype(np.uint32))

    def get(self, wanted: dict[int, int]) -> dict[int, list[int]]:
        """The ids under each key, in id order: the latest ``wanted[key]`` of them, or all for 0."""
        found: dict[int, list[int]] = {}
        if not wanted:
            return found
        keys = list(wanted)
        query = np.fromiter(keys, dtype=np.int64, count=len(keys))
        newest = np.fromiter(wanted.values(), dtype=np.int64, count=len(keys))
        for run, present, low, high in self.runs.find(query) if self.runs.runs else ():
            ids = run[1]
            for position, start, end in zip(present.tolist(), low.tolist(), high.tolist(), strict=True):
                if newest[position]:
                    start = max(start, end - newest[position])
                found.setdefault(keys[position], []).extend(ids[start:end].tolist())
        if self.recent_count:
            held, ends, recent = _postings(self.slot_keys, self.heads, self.ids, self.after, query, newest)
            if len(held):
                articles, bounds = recent.tolist(), ends.tolist()
                for position in held.tolist():
                    found.setdefault(keys[position], []).extend(articles[bounds[position] : bounds[position + 1]])
        if self.runs.runs:
            # A key's ids may come from a run and the recent table both.
            for key, listed in found.items():
                if wanted[key]:
                    del listed[: -wanted[key]]
        return found

    def merge(self) -> None:
        if not self.recent_count:
            return
        # Postings are in the order they came, so a stable sort by key keeps each key's ids in order.
        self.runs.push(self.keys[: self.recent_count].copy(), self.ids[: self.recent_count].copy())
        self._clear()


class LineCounts:
    """Body line (its hash) -> in how many stories it was seen. Copies of one story in a row count
    once: each line remembers the last story it was seen in. A line is in one run or in the recent
    table, never in two places."""

    def __init__(self) -> None:
        self.runs = SortedRuns()  # line, stories, last story
        self._clear()

    def _clear(self) -> None:
        slots = _slots(MIN_MERGE + MAX_ARTICLE_KEYS)
        self.slot_lines = np.zeros(slots, dtype=np.int64)
        self.stories = np.zeros(slots, dtype=np.uint32)
        self.last = np.zeros(slots, dtype=np.uint32)
        self.recent_count = 0

    def __len__(self) -> int:
        return len(self.runs) + self.recent_count

    def get(self, lines: np.ndarray) -> np.ndarray:
        """In how many stories each line was seen (0: never)."""
        found = np.zeros(len(lines), dtype=np.uint32)
        for run, present, low, _ in self.runs.find(lines, ranges=False) if self.runs.runs and len(lines) else ():
            found[present] = run[1][low]
        if self.recent_count:
            _line_stories(self.slot_lines, self.stories, lines, found)
        return found

    def count(self, lines: np.ndarray, story: int) -> None:
        """One more story for each line, unless it is the story the line was last seen in."""
        if self.runs.runs and len(lines):
            held = np.zeros(len(lines), dtype=bool)
            for run, present, low, _ in self.runs.find(lines, ranges=False):
                stories, last = run[1], run[2]
                stories[low[last[low] != story]] += 1
                last[low] = story
                held[present] = True
            lines = lines[~held]
        for start in range(0, len(lines), MAX_ARTICLE_KEYS):
            if self.recent_count >= MIN_MERGE:
                self.merge()
            chunk = lines[start : start + MAX_ARTICLE_KEYS]
            self.recent_count += _count_lines(self.slot_lines, self.stories, self.last, chunk, story)
        if self.recent_count >= MIN_MERGE:
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
        if not self.recent_count:
            return
        held = np.flatnonzero(self.slot_lines)
        lines = (self.slot_lines[held] - 1).astype(np.uint32)
        self.runs.push(lines, self.stories[held], self.last[held])
        self._clear()
