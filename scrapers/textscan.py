"""The dedupe fingerprint's passes over a body, compiled (numba): each is one loop over the body's code
points in machine code.

The stage has 200 us an article to keep up with 5,000 articles a second on one core. The same passes
as regular expressions, str methods and Python lists took ~0.6 ms an article: a dozen C-level passes
over a 4,000-character body, and Python for every line and token between them. What each pass computes
is written in ``scrapers/fingerprint.py`` beside the function that calls it.

Text is a NumPy array of code points (``points``). Character classes come from ``character_flags``:
Python's own ``str.isalnum``, ``str.isdecimal`` and ``str.isspace`` of every code point, so that a pass
agrees with the regular expression it replaces (``\\w``, ``\\d``, ``\\s``).
"""

from __future__ import annotations

import functools
import zlib

import numpy as np

from scrapers.compiled import compiled

ALNUM = 1
DECIMAL = 2
SPACE = 4
# Past the supplementary ideographic planes there are no letters or digits (tags, private use).
FLAGGED_POINTS = 0x40000


def _crc_table() -> np.ndarray:
    table = np.zeros(256, dtype=np.int64)
    for byte in range(256):
        value = byte
        for _ in range(8):
            value = (value >> 1) ^ 0xEDB88320 if value & 1 else value >> 1
        table[byte] = value
    return table


_CRC_TABLE = _crc_table()
_CVE_PREFIX = zlib.crc32(b"CVE-")
_EVIDENCE_PREFIX = zlib.crc32(b"evidence:")
_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
# What pads the rows of a tld_table.
_NO_POINT = 0


@functools.cache
def character_flags() -> np.ndarray:
    """ALNUM | DECIMAL | SPACE of each code point below FLAGGED_POINTS."""
    characters = "".join(map(chr, range(FLAGGED_POINTS)))
    flags = np.array(list(map(str.isalnum, characters)), dtype=np.uint8) * ALNUM
    flags |= np.array(list(map(str.isdecimal, characters)), dtype=np.uint8) * DECIMAL
    flags |= np.array(list(map(str.isspace, characters)), dtype=np.uint8) * SPACE
    return flags


@functools.cache
def lower_case() -> np.ndarray:
    """The lower case of each code point of plane 0 (the first character of ``str.lower``)."""
    return np.array([ord(chr(point).lower()[0]) for point in range(0x10000)], dtype=np.uint32)


def tld_table(tlds: frozenset[str]) -> np.ndarray:
    width = max(map(len, tlds))
    table = np.zeros((len(tlds), width), dtype=np.uint32)
    for row, tld in enumerate(sorted(tlds)):
        table[row, : len(tld)] = [ord(ch) for ch in tld]
    return table


@compiled
def _flag(flags: np.ndarray, point: int, flag: int) -> bool:
    return bool(point < len(flags) and (flags[point] & flag) != 0)


# CJK ideographs: extension A and unified, compatibility.
CJK_RANGES = ((0x3400, 0x9FFF), (0xF900, 0xFAFF))


@compiled
def _is_cjk(point: int) -> bool:
    return bool((CJK_RANGES[0][0] <= point <= CJK_RANGES[0][1]) or (CJK_RANGES[1][0] <= point <= CJK_RANGES[1][1]))


@compiled
def _is_break(point: int) -> bool:
    # str.splitlines' line boundaries.
    return (0x0A <= point <= 0x0D) or (0x1C <= point <= 0x1E) or point == 0x85 or point == 0x2028 or point == 0x2029


@compiled
def has_wide(points: np.ndarray) -> bool:
    """Whether any code point is a full-width letter or digit (U+FF10-FF19, FF21-FF3A, FF41-FF5A)."""
    for point in points:
        if 0xFF10 <= point <= 0xFF5A and (point <= 0xFF19 or 0xFF21 <= point <= 0xFF3A or point >= 0xFF41):
            return True
    return False


@compiled
def _line_end(points: np.ndarray, start: int) -> tuple[int, int]:
    """Where the line from ``start`` ends, and where the next one starts."""
    end = start
    while end < len(points) and not _is_break(points[end]):
        end += 1
    after = end + 1
    if end + 1 < len(points) and points[end] == 0x0D and points[end + 1] == 0x0A:
        after += 1
    return end, after


@compiled
def _mix(value: np.uint64) -> np.uint64:
    # MurmurHash3's finaliser: every input bit moves every output bit.
    value ^= value >> np.uint64(33)
    value *= np.uint64(0xFF51AFD7ED558CCD)
    value ^= value >> np.uint64(33)
    value *= np.uint64(0xC4CEB9FE1A85EC53)
    value ^= value >> np.uint64(33)
    return value


@compiled
def _lower(point: int, lower: np.ndarray) -> int:
    # Most characters are ASCII or ideographs: neither needs the table (a cache miss).
    if point < 0x80:
        return point | 0x20 if 0x41 <= point <= 0x5A else point
    if _is_cjk(point) or point >= len(lower):
        return point
    return lower[point]


@compiled
def scan_lines(
    points: np.ndarray, normal: np.ndarray, flags: np.ndarray, lower: np.ndarray, length: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, bool, np.int64]:
    """The lines of a body that hold a letter or digit, from its code points and those of its
    normal form (``normal``: the same, or its NFKC form, line for line the same lines), lower-cased
    here as they are read.

    Returns each line's span in ``points`` and in ``normal`` (rows of start, end), its key's end in
    the keys' code points (the line's letters and digits in normal form, lower-cased), the keys' code
    points, each key's hash, whether each key holds a CJK ideograph, whether the body is CJK text (a
    fifth of the first 1,000 key characters are ideographs), and a 64-bit hash of all keys and the
    body's full ``length``."""
    # One pass over the normal form, which is the body itself but for a body with full-width
    # letters or digits: only then are the body's own lines looked for apart.
    same = len(normal) == len(points) and (len(points) == 0 or normal.ctypes.data == points.ctypes.data)
    capacity = len(normal) + 1
    spans = np.empty((capacity, 2), dtype=np.int64)
    normal_spans = np.empty((capacity, 2), dtype=np.int64)
    key_ends = np.empty(capacity, dtype=np.int64)
    keys = np.empty(len(normal), dtype=np.uint32)
    hashes = np.empty(capacity, dtype=np.uint32)
    line_cjk = np.empty(capacity, dtype=np.bool_)
    body = _FNV_OFFSET ^ np.uint64(length)
    count = 0
    size = 0
    cjk_points = 0
    at = 0
    line_at = 0
    start = 0
    line = _FNV_OFFSET
    cjk = False
    position = 0
    while position <= len(normal):
        point = normal[position] if position < len(normal) else 0x0A
        if not _is_break(point):
            point = _lower(point, lower)
            if _is_cjk(point) or _flag(flags, point, ALNUM):
                keys[size] = point
                if _is_cjk(point):
                    cjk = True
                    if size < 1000:
                        cjk_points += 1
                size += 1
                line = (line ^ np.uint64(point)) * _FNV_PRIME
                body = (body ^ np.uint64(point)) * _FNV_PRIME
            position += 1
            continue
        end, after = (position, position + 1) if same else _line_end(points, at)
        if size > start:
            spans[count, 0] = at
            spans[count, 1] = end
            normal_spans[count, 0] = line_at
            normal_spans[count, 1] = position
            key_ends[count] = size
            hashes[count] = np.uint32(_mix(line) >> np.uint64(32))
            line_cjk[count] = cjk
            count += 1
        if point == 0x0D and position + 1 < len(normal) and normal[position + 1] == 0x0A:
            position += 1
            if same:
                after += 1
        position += 1
        at = after
        line_at = position
        start = size
        line = _FNV_OFFSET
        cjk = False
    is_cjk = cjk_points >= 0.2 * max(min(size, 1000), 1)
    # Copies: the line arrays have room for a line a character, and a body is kept a while.
    return (
        spans[:count].copy(),
        normal_spans[:count].copy(),
        key_ends[:count].copy(),
        keys[:size],
        hashes[:count].copy(),
        line_cjk[:count].copy(),
        is_cjk,
        np.int64(_mix(body) >> np.uint64(1)),
    )


@compiled
def _append(out: np.ndarray, size: int, points: np.ndarray, start: int, end: int) -> int:
    """Copies ``points[start:end]`` to ``out`` from ``size``; returns where the copy ends."""
    out[size : size + end - start] = points[start:end]
    return size + end - start


@compiled
def gather_keys(keys: np.ndarray, key_ends: np.ndarray, kept: np.ndarray) -> np.ndarray:
    """The code points of the kept lines' keys, run together."""
    out = np.empty(len(keys), dtype=np.uint32)
    size = 0
    start = 0
    for line in range(len(key_ends)):
        if kept[line]:
            size = _append(out, size, keys, start, key_ends[line])
        start = key_ends[line]
    return out[:size]


@compiled
def join_lines(points: np.ndarray, spans: np.ndarray, kept: np.ndarray) -> np.ndarray:
    """The kept lines, joined by line breaks."""
    total = 0
    for line in range(len(spans)):
        if kept[line]:
            total += spans[line, 1] - spans[line, 0] + 1
    joined = np.empty(max(total - 1, 0), dtype=np.uint32)
    size = 0
    for line in range(len(spans)):
        if kept[line]:
            if size:
                joined[size] = 0x0A
                size += 1
            size = _append(joined, size, points, spans[line, 0], spans[line, 1])
    return joined


@compiled
def word_shingles(
    normal: np.ndarray, spans: np.ndarray, kept: np.ndarray, flags: np.ndarray, lower: np.ndarray, size: int
) -> np.ndarray:
    """Hashes of the ``size``-word shingles of the kept lines, lower-cased (words: runs of letters and
    digits); a text of fewer words is one shingle, one without words none."""
    words = np.empty(len(normal) // 2 + 1, dtype=np.uint64)
    count = 0
    for line in range(len(spans)):
        if not kept[line]:
            continue
        word = _FNV_OFFSET
        inside = False
        for position in range(spans[line, 0], spans[line, 1] + 1):
            point = _lower(normal[position], lower) if position < spans[line, 1] else 0
            if position < spans[line, 1] and _flag(flags, point, ALNUM):
                word = (word ^ np.uint64(point)) * _FNV_PRIME
                inside = True
            elif inside:
                words[count] = word
                count += 1
                word = _FNV_OFFSET
                inside = False
    if count == 0:
        return np.empty(0, dtype=np.uint64)
    shingles = np.empty(max(count - size + 1, 1), dtype=np.uint64)
    for first in range(len(shingles)):
        value = np.uint64(size)
        for word_at in range(first, min(first + size, count)):
            value = _mix(value ^ words[word_at]) * _FNV_PRIME
        shingles[first] = value
    return shingles


@compiled
def char_shingles(points: np.ndarray, size: int, multiplier: np.uint64, mix: np.uint64) -> np.ndarray:
    """Hashes of the ``size``-character shingles of ``points`` (a text shorter than a shingle: of
    each character): a multiply-xor hash rolled over each shingle's code points."""
    if len(points) < size:
        hashes = np.empty(len(points), dtype=np.uint64)
        for position in range(len(points)):
            hashes[position] = np.uint64(points[position]) * mix
        return hashes
    hashes = np.empty(len(points) - size + 1, dtype=np.uint64)
    for first in range(len(hashes)):
        value = np.uint64(points[first]) * mix
        for offset in range(1, size):
            value = (value ^ np.uint64(points[first + offset])) * multiplier
        hashes[first] = value
    return hashes


@compiled
def shingle_sets(
    keys: np.ndarray,
    key_ends: np.ndarray,
    prose: np.ndarray,
    normal: np.ndarray,
    normal_spans: np.ndarray,
    kept: np.ndarray,
    cjk: bool,
    flags: np.ndarray,
    lower: np.ndarray,
    char_size: int,
    word_size: int,
    least_bigrams: int,
    multiplier: np.uint64,
    mix: np.uint64,
) -> tuple[np.ndarray, np.ndarray, int]:
    """The hashes of a body's sets for fingerprint.sketches, run together, where each set ends, and
    how many different shingles the first holds. The first set: the ``char_size``-character shingles
    of the kept lines' keys of CJK text (of its kept lines of prose, if any), or the ``word_size``-word
    shingles of the kept lines of other text. The second, of CJK text with ``least_bigrams`` or more
    of them: the CJK bigrams of the kept lines' keys."""
    if cjk:
        prose_kept = kept & prose
        chosen = prose_kept if prose_kept.any() else kept
        shingles = char_shingles(gather_keys(keys, key_ends, chosen), char_size, multiplier, mix)
        bigrams = cjk_bigrams(gather_keys(keys, key_ends, kept), multiplier, mix)
    else:
        shingles = word_shingles(normal, normal_spans, kept, flags, lower, word_size)
        bigrams = np.empty(0, dtype=np.uint64)
    size = distinct(shingles)
    if len(bigrams) < least_bigrams:
        return shingles, np.array([len(shingles)]), size
    return np.concatenate((shingles, bigrams)), np.array([len(shingles), len(shingles) + len(bigrams)]), size


@compiled
def cjk_bigrams(points: np.ndarray, multiplier: np.uint64, mix: np.uint64) -> np.ndarray:
    """Hashes of the bigrams of two CJK ideographs (as ``char_shingles`` of size 2)."""
    hashes = np.empty(max(len(points) - 1, 0), dtype=np.uint64)
    count = 0
    for first in range(len(points) - 1):
        if _is_cjk(points[first]) and _is_cjk(points[first + 1]):
            hashes[count] = ((np.uint64(points[first]) * mix) ^ np.uint64(points[first + 1])) * multiplier
            count += 1
    return hashes[:count]


@compiled
def distinct(hashes: np.ndarray) -> int:
    """How many different values ``hashes`` holds."""
    slots = 16
    while slots < 2 * len(hashes):
        slots *= 2
    mask = slots - 1
    table = np.empty(slots, dtype=np.uint64)
    used = np.zeros(slots, dtype=np.bool_)
    count = 0
    for value in hashes:
        slot = np.int64(_mix(value) & np.uint64(mask))
        while used[slot] and table[slot] != value:
            slot = (slot + 1) & mask
        if not used[slot]:
            used[slot] = True
            table[slot] = value
            count += 1
    return count


@compiled
def token_set(hashes: np.ndarray) -> np.ndarray:
    """The sorted set of the hashes' low 16 bits (of a few dozen hashes: an insertion sort)."""
    found = np.empty(len(hashes), dtype=np.uint16)
    count = 0
    for value in hashes:
        low = np.uint16(value & 0xFFFF)
        at = count
        while at > 0 and found[at - 1] > low:
            at -= 1
        if at > 0 and found[at - 1] == low:
            continue
        found[at + 1 : count + 1] = found[at:count].copy()
        found[at] = low
        count += 1
    return found[:count]


@compiled
def shared(a: np.ndarray, b: np.ndarray) -> int:
    """How many values two sorted sets have in common."""
    count = 0
    i = 0
    j = 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            count += 1
            i += 1
            j += 1
        elif a[i] < b[j]:
            i += 1
        else:
            j += 1
    return count


@compiled
def agreeing(a: np.ndarray, b: np.ndarray) -> int:
    """At how many positions two arrays of one length agree."""
    count = 0
    for position in range(len(a)):
        if a[position] == b[position]:
            count += 1
    return count


@compiled
def band_keys(signature: np.ndarray, bands: int, rows: int, multiplier: np.uint64, mix: np.uint64) -> np.ndarray:
    """A 32-bit key for each band of ``rows`` signature values."""
    keys = np.empty(bands, dtype=np.int32)
    for band in range(bands):
        value = np.uint64(band + 1) * mix
        for row in range(rows):
            value = (value ^ np.uint64(signature[band * rows + row])) * multiplier
        # The top 32 bits, as a signed number.
        top = np.int64(value >> np.uint64(32))
        keys[band] = top - (1 << 32) if top >= (1 << 31) else top
    return keys


@compiled
def _crc(crc: int, byte: int) -> int:
    return _CRC_TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)


@compiled
def crc32(points: np.ndarray, start: int, end: int, value: int) -> int:
    """zlib.crc32 of the UTF-8 of points[start:end], going on from ``value``."""
    crc = value ^ 0xFFFFFFFF
    for position in range(start, end):
        point = int(points[position])
        if point < 0x80:
            crc = _crc(crc, point)
        elif point < 0x800:
            crc = _crc(crc, 0xC0 | (point >> 6))
            crc = _crc(crc, 0x80 | (point & 0x3F))
        elif point < 0x10000:
            crc = _crc(crc, 0xE0 | (point >> 12))
            crc = _crc(crc, 0x80 | ((point >> 6) & 0x3F))
            crc = _crc(crc, 0x80 | (point & 0x3F))
        else:
            crc = _crc(crc, 0xF0 | (point >> 18))
            crc = _crc(crc, 0x80 | ((point >> 12) & 0x3F))
            crc = _crc(crc, 0x80 | ((point >> 6) & 0x3F))
            crc = _crc(crc, 0x80 | (point & 0x3F))
    return crc ^ 0xFFFFFFFF


@compiled
def _url_host(points: np.ndarray, at: int) -> int:
    """Where the host of a URL starting at ``at`` (``http://`` or ``https://``) starts, or -1."""
    n = len(points)
    if at + 4 > n or points[at] != 0x68 or points[at + 1] != 0x74 or points[at + 2] != 0x74 or points[at + 3] != 0x70:
        return -1
    colon = at + 4
    if colon < n and points[colon] == 0x73:
        colon += 1
    if colon + 3 > n or points[colon] != 0x3A or points[colon + 1] != 0x2F or points[colon + 2] != 0x2F:
        return -1
    return colon + 3


@compiled
def _is_ascii_letter(point: int) -> bool:
    return 0x41 <= point <= 0x5A or 0x61 <= point <= 0x7A


@compiled
def tags_to_breaks(points: np.ndarray) -> np.ndarray:
    """The text with each tag (``</?[A-Za-z][^<>]*>``) replaced by a line break."""
    n = len(points)
    out = np.empty(n, dtype=np.uint32)
    size = 0
    copied = 0  # points[copied:] are not in ``out`` yet
    at = 0
    while at < n:
        if points[at] != 0x3C:
            at += 1
            continue
        name = at + 2 if at + 1 < n and points[at + 1] == 0x2F else at + 1
        end = name + 1
        if name < n and _is_ascii_letter(points[name]):
            while end < n and points[end] != 0x3C and points[end] != 0x3E:
                end += 1
        if end >= n or points[end] != 0x3E or not _is_ascii_letter(points[name]):
            at += 1
            continue
        size = _append(out, size, points, copied, at)
        out[size] = 0x0A
        size += 1
        at = copied = end + 1
    return out[: _append(out, size, points, copied, n)]


@compiled
def _next_scheme_end(points: np.ndarray, at: int) -> int:
    """Where the next "://" from ``at`` starts, or the text's length."""
    while at + 2 < len(points) and not (points[at] == 0x3A and points[at + 1] == 0x2F and points[at + 2] == 0x2F):
        at += 1
    return at if at + 2 < len(points) else len(points)


@compiled
def hosts_only(points: np.ndarray, flags: np.ndarray) -> np.ndarray:
    """The text with each URL (``https?://host...`` up to a space) replaced by its host."""
    n = len(points)
    out = np.empty(0, dtype=np.uint32)
    size = 0
    copied = 0  # points[copied:] are not in ``out`` yet
    # URLs are found by their "://", which is rare in text, and the text between them is copied in
    # bulk: a check for a URL at every character took half the time of the facts.
    colon = _next_scheme_end(points, 0)
    while colon < n:
        start = colon - 5 if colon >= 5 and points[colon - 1] == 0x73 else colon - 4
        host = _url_host(points, start) if start >= copied else -1
        end = colon + 3
        while host > 0 and end < n and not _flag(flags, points[end], SPACE):
            if points[end] == 0x2F or points[end] == 0x3F or points[end] == 0x23:
                break
            end += 1
        if host < 0 or end == host:
            colon = _next_scheme_end(points, colon + 1)
            continue
        if not copied:
            out = np.empty(n, dtype=np.uint32)
        size = _append(out, size, points, copied, start)
        size = _append(out, size, points, host, end)
        while end < n and not _flag(flags, points[end], SPACE):
            end += 1
        copied = end
        colon = _next_scheme_end(points, end)
    if not copied:
        return points
    return out[: _append(out, size, points, copied, n)]


@compiled
def _low(point: int) -> int:
    """A code point lower-cased as far as facts go: to an ASCII letter (A-Z, the Kelvin sign, the
    dotted capital I: every character whose str.lower starts with one; the dotted I's is followed
    by a combining dot), else as it is."""
    if 0x41 <= point <= 0x5A:
        return point | 0x20
    if point == 0x212A:
        return 0x6B
    if point == 0x130:
        return 0x69
    return point


@compiled
def _lower_ascii_alnum(point: int) -> bool:
    return bool((0x61 <= point <= 0x7A) or (0x30 <= point <= 0x39))


@compiled
def _ascii_alnum(point: int) -> bool:
    return _lower_ascii_alnum(point) or (0x41 <= point <= 0x5A)


@compiled
def _cve_end(text: np.ndarray, at: int, flags: np.ndarray, any_case: bool) -> int:
    """The end of ``cve-NNNN-NNNN...`` at ``at``, or -1."""
    n = len(text)
    if at + 13 > n or text[at + 3] != 0x2D:
        return -1
    c, v, e = text[at], text[at + 1], text[at + 2]
    if any_case:
        c, v, e = c | 0x20, v | 0x20, e | 0x20
    else:
        c, v, e = _low(c), _low(v), _low(e)
    if c != 0x63 or v != 0x76 or e != 0x65:
        return -1
    for position in range(at + 4, at + 8):
        if not _flag(flags, text[position], DECIMAL):
            return -1
    if text[at + 8] != 0x2D:
        return -1
    end = at + 9
    while end < n and _flag(flags, text[end], DECIMAL):
        end += 1
    return end if end - (at + 9) >= 4 else -1


@compiled
def cve_hashes(text: np.ndarray, flags: np.ndarray, hashes: np.ndarray, count: int) -> int:
    """Adds to ``hashes`` the CRC-32 of each CVE id in the text (upper case), returning the count."""
    at = 0
    while at < len(text):
        end = _cve_end(text, at, flags, True) if text[at] | 0x20 == 0x63 else -1
        if end < 0:
            at += 1
            continue
        if count < len(hashes):
            hashes[count] = crc32(text, at + 4, end, _CVE_PREFIX)
            count += 1
        at = end
    return count


@compiled
def _fact_end(text: np.ndarray, at: int, flags: np.ndarray) -> tuple[int, int]:
    """A fact token at ``at`` of the text, lower-cased, and its kind (1 CVE id, 2 number, 3 word), as
    fingerprint.facts describes them; (-1, 0) when none starts there."""
    n = len(text)
    point = _low(text[at])
    if point == 0x63:
        end = _cve_end(text, at, flags, False)
        if end > 0:
            return end, 1
    if _flag(flags, point, DECIMAL):
        end = at + 1
        while True:
            while end < n and _flag(flags, text[end], DECIMAL):
                end += 1
            if end + 1 < n and (text[end] == 0x2E or text[end] == 0x2C) and _flag(flags, text[end + 1], DECIMAL):
                end += 1
            else:
                return end, 2
    if 0x61 <= point <= 0x7A:
        end = at
        while True:
            # The dotted capital I lower-cases to "i" and a combining dot, which ends the word.
            while end < n and _lower_ascii_alnum(_low(text[end])):
                end += 1
                if text[end - 1] == 0x130:
                    return end, 3
            if end + 1 < n and (text[end] == 0x2E or text[end] == 0x2D) and _lower_ascii_alnum(_low(text[end + 1])):
                end += 1
            else:
                return end, 3
    return -1, 0


@compiled
def _add_token(
    buffer: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    table: np.ndarray,
    count: int,
    size: int,
    source: np.ndarray,
    start: int,
    end: int,
    number: bool,
) -> tuple[int, int]:
    """Appends a token (a number without its commas, and a decimal without trailing zeros) unless
    it is too short (a number of one digit, a word of two letters) or already there; returns the new
    token count and buffer size. Tokens are code points in one buffer, from ``starts`` to ``ends``;
    ``table`` holds their 64-bit hashes (open addressing) to find those already there."""
    begin = size
    if count >= len(starts) or size + end - start > len(buffer):
        return count, begin
    if number:
        for position in range(start, end):
            if source[position] != 0x2C:
                buffer[size] = source[position]
                size += 1
        if size - begin < 2:
            return count, begin
        dotted = False
        for position in range(begin, size):
            if buffer[position] == 0x2E:
                dotted = True
        if dotted:
            while size > begin and buffer[size - 1] == 0x30:
                size -= 1
            while size > begin and buffer[size - 1] == 0x2E:
                size -= 1
    else:
        if end - start < 3:
            return count, begin
        for position in range(start, end):
            buffer[size] = _low(source[position])
            size += 1
    value = _FNV_OFFSET
    for position in range(begin, size):
        value = (value ^ np.uint64(buffer[position])) * _FNV_PRIME
    value = _mix(value) | np.uint64(1)
    mask = len(table) - 1
    slot = np.int64(value & np.uint64(mask))
    while table[slot] != 0:
        if table[slot] == value:
            return count, begin
        slot = (slot + 1) & mask
    table[slot] = value
    starts[count] = begin
    ends[count] = size
    return count + 1, size


@compiled
def _has_digit(buffer: np.ndarray, start: int, end: int, flags: np.ndarray) -> bool:
    for position in range(start, end):  # noqa: SIM110 (numba compiles no generators)
        if _flag(flags, buffer[position], DECIMAL):
            return True
    return False


@compiled
def facts(
    points: np.ndarray,
    spans: np.ndarray,
    kept: np.ndarray,
    title: np.ndarray,
    cjk: bool,
    flags: np.ndarray,
    tlds: np.ndarray,
    most: int,
    english_chars: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The facts of a body's kept lines (``join_lines``) and of its title, as fingerprint.facts
    describes them: the token set of the text's evidence, the lookup keys of its rare evidence, and
    the token set of the CVE ids of both."""
    text = join_lines(points, spans, kept)
    cves = np.empty((len(title) + len(text)) // 13 + 1, dtype=np.int64)
    found = cve_hashes(text, flags, cves, cve_hashes(title, flags, cves, 0))
    hashes, rare = evidence(text, cjk, flags, tlds, most, english_chars)
    return token_set(hashes), rare, token_set(cves[:found])


@compiled
def evidence(
    text: np.ndarray,
    cjk: bool,
    flags: np.ndarray,
    tlds: np.ndarray,
    most: int,
    english_chars: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The CRC-32s of a text's evidence tokens (as fingerprint.facts describes them: at most
    ``most``, in order) and of its rare ones (at most 8, of the key ``evidence:token``)."""
    text = hosts_only(text, flags)
    if not cjk:
        text = text[:english_chars]
    # Each of the three scans finds tokens of 2 source characters or more that do not overlap: at
    # most 2 * len(text) tokens of 3 * len(text) characters in all (CJK text: one scan, ``most``).
    tokens = min(len(text), most) if cjk else 2 * len(text)
    capacity = 1
    while capacity < 2 * tokens + 4:
        capacity *= 2
    table = np.zeros(capacity, dtype=np.uint64)
    buffer = np.empty(len(text) * (1 if cjk else 3) + 1, dtype=np.uint32)
    starts = np.empty(tokens + 1, dtype=np.int64)
    ends = np.empty(tokens + 1, dtype=np.int64)
    count = 0
    size = 0
    at = 0
    while at < len(text) and (not cjk or count < most):
        if _is_cjk(text[at]):
            at += 1
            continue
        end, kind = _fact_end(text, at, flags)
        if end < 0:
            at += 1
            continue
        if cjk or kind != 3 or _is_fact_word(text, at, end, tlds):
            count, size = _add_token(buffer, starts, ends, table, count, size, text, at, end, kind == 2)
        at = end
    if not cjk:
        count, size = _english_names(text, buffer, starts, ends, table, count, size)
        # The most specific first (ids with digits, long names), in the order found among equals.
        order_key = np.empty(count, dtype=np.int64)
        for token in range(count):
            digits = _has_digit(buffer, starts[token], ends[token], flags)
            order_key[token] = (0 if digits else 1 << 32) - (ends[token] - starts[token])
        order = _first_ranked(order_key, most)
    else:
        order = np.arange(count)
    hashes = np.empty(len(order), dtype=np.int64)
    specific = np.empty(len(order), dtype=np.int64)
    names = np.empty(len(order), dtype=np.int64)
    n_specific = 0
    n_names = 0
    for rank in range(len(order)):
        start, end = starts[order[rank]], ends[order[rank]]
        hashes[rank] = crc32(buffer, start, end, 0)
        length = end - start
        if _starts_cve(buffer, start, end) or (length >= 5 and _has_digit(buffer, start, end, flags)):
            specific[n_specific] = rank
            n_specific += 1
        elif length >= 6 and _all_letters(buffer, start, end):
            names[n_names] = rank
            n_names += 1
    rare_ranks = specific[:n_specific]
    if n_specific < 8:
        rare_ranks = np.append(rare_ranks, names[: min(n_names, 8 - n_specific)])
    rare_ranks = rare_ranks[:8]
    rare = np.empty(len(rare_ranks), dtype=np.int64)
    for position in range(len(rare_ranks)):
        start, end = starts[order[rare_ranks[position]]], ends[order[rare_ranks[position]]]
        rare[position] = crc32(buffer, start, end, _EVIDENCE_PREFIX) - (1 << 31)
    return hashes, rare


@compiled
def _first_ranked(keys: np.ndarray, most: int) -> np.ndarray:
    """The positions of the ``most`` smallest keys, smallest first, earlier first among equals (a
    selection: ``most`` is small, and a stable sort compiles far slower)."""
    taken = np.zeros(len(keys), dtype=np.bool_)
    order = np.empty(min(most, len(keys)), dtype=np.int64)
    for rank in range(len(order)):
        best = -1
        for position in range(len(keys)):
            if not taken[position] and (best < 0 or keys[position] < keys[best]):
                best = position
        taken[best] = True
        order[rank] = best
    return order


@compiled
def _all_letters(buffer: np.ndarray, start: int, end: int) -> bool:
    for position in range(start, end):  # noqa: SIM110 (numba compiles no generators)
        if not 0x61 <= buffer[position] <= 0x7A:
            return False
    return True


@compiled
def _starts_cve(text: np.ndarray, start: int, end: int) -> bool:
    """Starts with ``cve-`` (in any case)."""
    if end - start < 4:
        return False
    c, v, e = _low(text[start]), _low(text[start + 1]), _low(text[start + 2])
    return bool(c == 0x63 and v == 0x76 and e == 0x65 and text[start + 3] == 0x2D)


@compiled
def _is_fact_word(text: np.ndarray, start: int, end: int, tlds: np.ndarray) -> bool:
    """In English text a word is a fact when it is a CVE id or a domain (its last part a TLD)."""
    if _starts_cve(text, start, end):
        return True
    last = start
    for position in range(start, end):
        if text[position] == 0x2E:
            last = position + 1
    length = end - last
    for row in range(len(tlds)):
        if length > tlds.shape[1] or (length < tlds.shape[1] and tlds[row, length] != _NO_POINT):
            continue
        same = True
        for offset in range(length):
            if tlds[row, offset] != _low(text[last + offset]):
                same = False
                break
        if same:
            return True
    return False


@compiled
def _english_names(
    text: np.ndarray,
    buffer: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    table: np.ndarray,
    count: int,
    size: int,
) -> tuple[int, int]:
    """Names of English text, as fingerprint.facts describes them: a capitalised word after a
    lower-case letter or ``,;:`` and a space, then words with a digit or an inner capital."""
    n = len(text)
    at = 0
    while at + 2 < n:
        point = text[at]
        if (0x61 <= point <= 0x7A or point == 0x2C or point == 0x3B or point == 0x3A) and text[at + 1] == 0x20:
            first = text[at + 2]
            if 0x41 <= first <= 0x5A:
                end = at + 3
                while True:
                    while end < n and _ascii_alnum(text[end]):
                        end += 1
                    if end + 1 < n and (text[end] == 0x2E or text[end] == 0x2D) and _ascii_alnum(text[end + 1]):
                        end += 1
                    else:
                        break
                count, size = _add_token(buffer, starts, ends, table, count, size, text, at + 2, end, False)
                at = end
                continue
        at += 1
    at = 0
    while at < n:
        if not _ascii_alnum(text[at]):
            at += 1
            continue
        end = at
        while end < n and _ascii_alnum(text[end]):
            end += 1
        start = at
        while start < end and 0x30 <= text[start] <= 0x39:
            start += 1
        if end - start >= 3:
            named = False
            for position in range(start + 1, end):
                point = text[position]
                if 0x30 <= point <= 0x39 or 0x41 <= point <= 0x5A:
                    named = True
            if named:
                count, size = _add_token(buffer, starts, ends, table, count, size, text, start, end, False)
        at = end
    return count, size
