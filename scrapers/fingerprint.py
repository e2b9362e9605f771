"""What the dedupe stage knows of an article's text: line keys, a MinHash signature, the
originals it names, and the language-independent facts (numbers, CVE ids, Latin-script names,
domains) that a translation keeps.

Everything here is a pure function of the text, so one article gives the same fingerprint in every
run and on every machine. ``SCHEME`` names the recipe; the dedupe state stores it, since signatures
of two recipes cannot be compared.

The stage has to keep up with thousands of articles a second, so the work per character is done by
C code (regular expressions, CRC-32, NumPy, rensa) and a body is read up to ``MAX_CHARS``: the start
of an article is enough to recognise it.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from importlib.metadata import version

import numpy as np
import rensa

from scrapers.attribution import labelled_urls
from scrapers.urls import canonical_url

NUM_PERM = 128
SEED = 20251123
# LSH over the first BANDS * ROWS minhash values: a pair becomes a candidate when one band agrees.
# With 2 rows a band, a pair of Jaccard 0.2 is found 73 % of the time, one of 0.3 95 %, an
# unrelated pair (0.01) 0.3 %.
BANDS = 32
ROWS = 2
CHAR_SHINGLE = 5
WORD_SHINGLE = 3
MAX_CHARS = 30_000
MAX_EVIDENCE = 48
ENGLISH_EVIDENCE_CHARS = 5_000
SCHEME = (
    f"v1 rensa-{version('rensa')} rminhash-{NUM_PERM} bands-{BANDS}x{ROWS} "
    f"char-{CHAR_SHINGLE} word-{WORD_SHINGLE} max-{MAX_CHARS} crc32-lines"
)

# Labels under which a page names the work it renders or reposts (not a mere reference list).
ORIGIN_LABELS = ("原文地址", "原文链接", "本文翻译自", "本文转载自", "参考来源", "编译自", "文章来源", "来源")

_NOT_WORD_KEEP_LINES = re.compile(r"[^\w\n]+|_+")
_WIDE = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[^\W_]+")
_TLDS = frozenset(
    ("com", "net", "org", "io", "cn", "ru", "gov", "edu", "info", "xyz", "top", "co", "uk", "de", "app", "dev")
)
# CVE ids, numbers and Latin words (domains included) of lower-cased text, in one pass.
_FACT = re.compile(r"cve-\d{4}-\d{4,}|\d+(?:[.,]\d+)*|[a-z][a-z0-9]*(?:[.\-][a-z0-9]+)*")
# In English text a name is a word capitalised after a lower-case word, or one with a digit or an
# inner capital (CVE, UNC6040, MLOps); "The" at a sentence start and "attack" are not.
_MID_SENTENCE_CAPITAL = re.compile(r"[a-z,;:] ([A-Z][A-Za-z0-9]*(?:[.\-][A-Za-z0-9]+)*)")
_CASED_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]{2,}")
# Rolling hash of CHAR_SHINGLE code points, over whole arrays.
_MULT = np.uint64(0x100000001B3)
_MIX = np.uint64(0x9E3779B97F4A7C15)


def normal_form(text: str) -> str:
    """Lower case, with full-width letters and digits made plain (only where there are any:
    NFKC costs more than the rest of the fingerprint)."""
    if _WIDE.search(text):
        text = unicodedata.normalize("NFKC", text)
    return text.lower()


def body_lines(text: str) -> list[tuple[str, str]]:
    """The lines of a body (up to MAX_CHARS) that hold a letter or digit, each with its key: the
    line in ``normal_form`` without spacing and punctuation."""
    text = text[:MAX_CHARS]
    lines = text.splitlines()
    keys = _NOT_WORD_KEEP_LINES.sub("", normal_form("\n".join(lines))).split("\n")
    return [(line, key) for line, key in zip(lines, keys, strict=True) if key]


def line_hash(key: str) -> int:
    return zlib.crc32(key.encode("utf-8"))


def body_hash(keys: list[str], length: int) -> int:
    """Hash of a body's line keys (the first MAX_CHARS characters) and its full length, as a
    signed 64-bit key: two bodies agreeing on both are the same text."""
    joined = f"{length}:{''.join(keys)}".encode()
    return (zlib.crc32(joined) << 32 | zlib.adler32(joined)) - (1 << 63)


def is_cjk(keys: list[str]) -> bool:
    joined = "".join(keys)[:1000]
    return len(_CJK.findall(joined)) >= 0.2 * max(len(joined), 1)


def char_shingle_hashes(text: str) -> np.ndarray:
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(points) < CHAR_SHINGLE:
        return points * _MIX
    count = len(points) - CHAR_SHINGLE + 1
    hashes = points[:count] * _MIX
    for offset in range(1, CHAR_SHINGLE):
        hashes = (hashes ^ points[offset : offset + count]) * _MULT
    return hashes


def signature(text: str, keys: list[str], cjk: bool) -> tuple[np.ndarray, int]:
    """The MinHash signature of a body's shingles and how many shingles it has.

    CJK text has no word boundaries, so it is shingled by characters (of ``keys``, the lines
    without punctuation); Latin text by words (of ``text``), so that a shared phrase counts
    and shared letters do not."""
    if cjk:
        hashes = np.unique(char_shingle_hashes("".join(keys)))
        offsets = np.array([0, len(hashes)], dtype=np.uint64)
        rows = rensa.RMinHash.digest_matrix_from_flat_token_hashes(hashes, offsets, NUM_PERM, SEED).to_rows()
        return np.asarray(rows[0], dtype=np.uint32), len(hashes)
    words = _WORD.findall(normal_form(text))
    shingles = {" ".join(words[i : i + WORD_SHINGLE]) for i in range(max(1, len(words) - WORD_SHINGLE + 1))}
    minhash = rensa.RMinHash(NUM_PERM, SEED)
    minhash.update(list(shingles))
    return np.asarray(minhash.digest(), dtype=np.uint32), len(shingles)


def band_keys(sig: np.ndarray) -> list[int]:
    rows = sig[: BANDS * ROWS].astype(np.uint64).reshape(BANDS, ROWS)
    mixed = np.arange(1, BANDS + 1, dtype=np.uint64) * _MIX
    for column in range(ROWS):
        mixed = (mixed ^ rows[:, column]) * _MULT
    # SQLite integers are signed 64-bit.
    return mixed.view(np.int64).tolist()


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.count_nonzero(a == b)) / len(a)


def containment(similarity: float, size_a: int, size_b: int) -> float:
    """How much of the smaller of two shingle sets the other holds, from their Jaccard estimate."""
    shared = similarity * (size_a + size_b) / (1 + similarity)
    return min(1.0, shared / max(1, min(size_a, size_b)))


def key_of(kind: str, value: str) -> int:
    """A lookup key for the store: a signed 64-bit hash of a URL or token, by kind."""
    data = f"{kind}:{value}".encode()
    return (zlib.crc32(data) << 32 | zlib.crc32(data[::-1])) - (1 << 63)


def origin_urls(body: str, is_based_on: str | None) -> list[str]:
    """Canonical URLs of the works an article says it renders or reposts."""
    urls = [is_based_on] if is_based_on else []
    if "http" in body:
        lines = [line.strip() for line in body.splitlines() if line.strip()]
        urls += [url for label, url in labelled_urls(lines) if label in ORIGIN_LABELS]
    found: list[str] = []
    for url in urls:
        try:
            canonical = canonical_url(url.rstrip(".,;:!?>"))
        except ValueError:
            continue
        if canonical not in found:
            found.append(canonical)
    return found


def evidence(text: str, cjk: bool) -> list[str]:
    """Facts a translation carries over unchanged: CVE ids, numbers, domains and Latin-script names,
    the first MAX_EVIDENCE of them.

    In Chinese text every Latin word is such a name; in English text only the words that look
    like names are (``_MID_SENTENCE_CAPITAL``, ``_CASED_WORD``)."""
    found: dict[str, None] = {}
    if cjk:
        for match in _FACT.finditer(text.lower()):
            token = _fact(match.group())
            if token:
                found[token] = None
                if len(found) >= MAX_EVIDENCE:
                    break
        return list(found)
    # The most specific facts of an English article are in its first screens; the rest repeats them.
    text = text[:ENGLISH_EVIDENCE_CHARS]
    for token in _FACT.findall(text.lower()):
        if token[0].isdigit() or token.startswith("cve-") or token.rpartition(".")[2] in _TLDS:
            fact = _fact(token)
            if fact:
                found[fact] = None
    found.update(dict.fromkeys(word.lower() for word in _MID_SENTENCE_CAPITAL.findall(text) if len(word) >= 3))
    found.update(dict.fromkeys(w.lower() for w in _CASED_WORD.findall(text) if not w.isalpha() or not w[1:].islower()))
    # An English article names more things than that; the most specific ones (ids with digits,
    # long names) are those a translation keeps.
    return sorted(found, key=lambda token: (not any(ch.isdigit() for ch in token), -len(token)))[:MAX_EVIDENCE]


def _fact(token: str) -> str | None:
    if token[0].isdigit():
        digits = token.replace(",", "")
        if len(digits) < 2:
            return None
        return digits.rstrip("0").rstrip(".") if "." in digits else digits
    return token if len(token) >= 3 else None


def evidence_hashes(tokens: list[str]) -> np.ndarray:
    return np.unique(np.fromiter((zlib.crc32(token.encode()) for token in tokens), dtype=np.uint32, count=len(tokens)))
