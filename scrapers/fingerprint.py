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

import functools
import html
import re
import unicodedata
import zlib
from importlib.metadata import version
from operator import itemgetter
from typing import TYPE_CHECKING

import numpy as np
import rensa

from scrapers.attribution import LABELLED, labelled_urls
from scrapers.urls import canonical_url

if TYPE_CHECKING:
    from collections.abc import Iterable

NUM_PERM = 128
SEED = 20251123
# A signature keeps the low 16 bits of each minhash (b-bit minhashing): two unrelated values agree
# by chance once in 65,536, which moves no estimate, and the state keeps half the bytes.
SIGNATURE_DTYPE = np.uint16
# The wording sketch (CJK character bigrams) keeps 8 bits a value: chance agreements (1 in 256)
# are taken out of its estimate.
WORDING_DTYPE = np.uint8
# Evidence, CVE ids and headline names are sets of 16-bit token hashes: two articles of 48 tokens
# each share a hash by chance once in 30 comparisons, which moves a score by a few hundredths.
TOKEN_DTYPE = np.uint16
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
    f"v3 rensa-{version('rensa')} rminhash-{NUM_PERM}x16bit bands-{BANDS}x{ROWS} "
    f"char-{CHAR_SHINGLE} word-{WORD_SHINGLE} max-{MAX_CHARS} crc32-lines wording-bigram-8bit tokens-16bit"
)

# Labels under which a page names the work it renders or reposts (not a mere reference list).
ORIGIN_LABELS = ("原文地址", "原文链接", "本文翻译自", "本文转载自", "参考来源", "编译自", "文章来源", "来源")

_WIDE = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
# CJK ideographs (extension A, unified, compatibility): one definition for the regular expression
# and for the code-point masks of ``wording``.
_CJK_RANGES = ((0x3400, 0x9FFF), (0xF900, 0xFAFF))
_CJK = re.compile("[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in _CJK_RANGES) + "]")
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
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_URL = re.compile(r"https?://([^\s/?#]+)\S*")
_CVE_ID = re.compile(r"CVE-\d{4}-\d{4,}", re.IGNORECASE)
_TITLE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[.\-][A-Za-z0-9]+)*")
# Rolling hash of CHAR_SHINGLE code points, over whole arrays.
_MULT = np.uint64(0x100000001B3)
_MIX = np.uint64(0x9E3779B97F4A7C15)


def normal_form(text: str) -> str:
    """Lower case, with full-width letters and digits made plain (only where there are any:
    NFKC costs more than the rest of the fingerprint)."""
    if _WIDE.search(text):
        text = unicodedata.normalize("NFKC", text)
    return text.lower()


@functools.cache
def _plane0_key_characters() -> np.ndarray:
    """For every code point of plane 0, whether a line's key keeps it: the line break, and the
    characters of the regular expressions' \\w other than "_" (str.isalnum is \\w's definition)."""
    keep = np.fromiter((chr(point).isalnum() for point in range(0x10000)), dtype=bool, count=0x10000)
    keep[ord("\n")] = True
    return keep


def _key_characters(points: np.ndarray) -> np.ndarray:
    keep = _plane0_key_characters()[np.minimum(points, 0xFFFF)]
    # Other planes (emoji, rare ideographs) are rare in a body: asked one by one.
    beyond = np.flatnonzero(points > 0xFFFF)
    if len(beyond):
        keep[beyond] = [chr(point).isalnum() for point in points[beyond].tolist()]
    return keep


def body_lines(text: str) -> list[tuple[str, str]]:
    """The lines of a body (up to MAX_CHARS) that hold a letter or digit, each with its key: the
    line in ``normal_form`` without spacing and punctuation.

    HTML left in a body (feeds built from WeChat posts carry their tables as markup, often half
    the characters) is not its text: tags become line breaks and entities characters."""
    if "<" in text:
        text = _TAG.sub("\n", text[: 4 * MAX_CHARS])
        if "&" in text:
            text = html.unescape(text)
    text = text[:MAX_CHARS]
    # Blank lines (most lines of a body whose tags became line breaks) have no key.
    lines = list(filter(None, text.splitlines()))
    if not lines:
        return []
    # What removing [^\w\n] and "_" with a regular expression would do, by a table lookup a code
    # point over the whole body, in a fifth of the expression's time on Chinese text.
    points = np.frombuffer(normal_form("\n".join(lines)).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    keys = points[_key_characters(points)].tobytes().decode("utf-32-le").split("\n")
    return list(filter(itemgetter(1), zip(lines, keys, strict=True)))


def line_hash(key: str) -> int:
    return zlib.crc32(key.encode("utf-8"))


def body_hash(keys: list[str], length: int) -> int:
    """Hash of a body's line keys (the first MAX_CHARS characters) and its full length, as a
    signed 64-bit key: two bodies agreeing on both are the same text."""
    joined = f"{length}:{''.join(keys)}".encode()
    return (zlib.crc32(joined) << 32 | zlib.adler32(joined)) - (1 << 63)


def has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def is_cjk(keys: list[str]) -> bool:
    points = code_points("".join(keys)[:1000])
    return int(np.count_nonzero(_cjk_mask(points))) >= 0.2 * max(len(points), 1)


def _cjk_mask(points: np.ndarray) -> np.ndarray:
    cjk = np.zeros(len(points), dtype=bool)
    for low, high in _CJK_RANGES:
        cjk |= (points >= low) & (points <= high)
    return cjk


def code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def char_shingle_hashes(points: np.ndarray, size: int = CHAR_SHINGLE) -> np.ndarray:
    if len(points) < size:
        return points * _MIX
    count = len(points) - size + 1
    hashes = points[:count] * _MIX
    for offset in range(1, size):
        hashes = (hashes ^ points[offset : offset + count]) * _MULT
    return hashes


def _minhash(hashes: np.ndarray) -> np.ndarray:
    offsets = np.array([0, len(hashes)], dtype=np.uint64)
    rows = rensa.RMinHash.digest_matrix_from_flat_token_hashes(hashes, offsets, NUM_PERM, SEED).to_rows()
    return np.asarray(rows[0], dtype=np.uint32)


def signature(text: str, keys: list[str], cjk: bool) -> tuple[np.ndarray, int]:
    """The MinHash signature of a body's shingles and how many shingles it has.

    CJK text has no word boundaries, so it is shingled by characters (of ``keys``, the lines
    without punctuation); Latin text by words (of ``text``), so that a shared phrase counts
    and shared letters do not."""
    if cjk:
        # A minhash of the shingles with repeats is that of their set; sorting counts the set
        # (in a fraction of np.unique's time).
        hashes = np.sort(char_shingle_hashes(code_points("".join(keys))))
        size = int(np.count_nonzero(hashes[1:] != hashes[:-1])) + 1 if len(hashes) else 0
        return _minhash(hashes).astype(SIGNATURE_DTYPE), size
    words = _WORD.findall(normal_form(text))
    # A text shorter than a shingle is one shingle; one without words has none.
    shingles = {" ".join(words[i : i + WORD_SHINGLE]) for i in range(max(1, len(words) - WORD_SHINGLE + 1))} - {""}
    minhash = rensa.RMinHash(NUM_PERM, SEED)
    minhash.update(list(shingles))
    return np.asarray(minhash.digest(), dtype=np.uint32).astype(SIGNATURE_DTYPE), len(shingles)


def wording(keys: list[str]) -> np.ndarray:
    """A sketch of the CJK character bigrams of a body (its ``keys``): the words it uses.

    Two translations of one original into Chinese share few 5-grams but much of their wording,
    far more than two articles that only report one event (a CVE, an incident) in their own words."""
    points = code_points("".join(keys))
    cjk = _cjk_mask(points)
    both = cjk[:-1] & cjk[1:]
    if np.count_nonzero(both) < 20:
        return np.zeros(0, dtype=WORDING_DTYPE)
    return _minhash(char_shingle_hashes(points, 2)[both]).astype(WORDING_DTYPE)


def band_keys(sig: np.ndarray) -> list[int]:
    rows = sig[: BANDS * ROWS].astype(np.uint64).reshape(BANDS, ROWS)
    mixed = np.arange(1, BANDS + 1, dtype=np.uint64) * _MIX
    for column in range(ROWS):
        mixed = (mixed ^ rows[:, column]) * _MULT
    # 32 bits, signed, which SQLite stores in 4 bytes: a chance agreement only adds a candidate,
    # which its signature then rejects.
    return (mixed >> np.uint64(32)).astype(np.uint32).view(np.int32).tolist()


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two b-bit signatures: the share of agreeing values, less
    the agreements of chance."""
    if not len(a) or len(a) != len(b):
        return 0.0
    chance = 1.0 / (1 << (8 * a.dtype.itemsize))
    agreeing = float(np.count_nonzero(a == b)) / len(a)
    return max(0.0, (agreeing - chance) / (1 - chance))


def containment(similarity: float, size_a: int, size_b: int) -> float:
    """How much of the smaller of two shingle sets the other holds, from their Jaccard estimate."""
    shared = similarity * (size_a + size_b) / (1 + similarity)
    return min(1.0, shared / max(1, min(size_a, size_b)))


def key_of(kind: str, value: str) -> int:
    """A lookup key for the store: a signed 64-bit hash of a URL or token, by kind."""
    data = f"{kind}:{value}".encode()
    return (zlib.crc32(data) << 32 | zlib.crc32(data[::-1])) - (1 << 63)


def short_key_of(kind: str, value: str) -> int:
    """A signed 32-bit lookup key, for keys whose hits are checked anyway (rare evidence)."""
    return zlib.crc32(f"{kind}:{value}".encode()) - (1 << 31)


def cve_ids(text: str) -> np.ndarray:
    """Hashes of the CVE ids a text names."""
    ids = {match.upper() for match in _CVE_ID.findall(text)}
    return token_hashes(ids)


def title_names(headline: str) -> np.ndarray:
    """Hashes of the Latin-script names in a Chinese headline (products, vendors, projects: "Apache
    OFBiz", "mcp-remote"). Two Chinese headlines that both name things and share none of them are
    about different things, whatever template their bodies share. Empty for other headlines, whose
    every word is Latin."""
    if not has_cjk(headline):
        return token_hashes(())
    names = {name.lower() for name in _TITLE_NAME.findall(headline) if len(name) >= 3}
    names = {name for name in names if not name.startswith("cve-")}
    return token_hashes(names)


def disjoint(a: np.ndarray, b: np.ndarray) -> bool:
    """Both name something and nothing in common."""
    return bool(len(a) and len(b) and not len(np.intersect1d(a, b, assume_unique=True)))


def origin_urls(body: str, is_based_on: str | None) -> list[str]:
    """Canonical URLs of the works an article says it renders or reposts."""
    urls = [is_based_on] if is_based_on else []
    if "http" in body and LABELLED.search(body):
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
    like names are (``_MID_SENTENCE_CAPITAL``, ``_CASED_WORD``). A URL counts as its host: its
    path and query are ids of the page (a WeChat post's __biz, mid and sn), not facts of the story."""
    found: dict[str, None] = {}
    if "://" in text:
        text = _URL.sub(r"\1", text)
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


def token_hashes(tokens: Iterable[str]) -> np.ndarray:
    """The sorted set of the tokens' hashes (TOKEN_DTYPE)."""
    # A set in Python: for a few dozen tokens np.unique costs more than the hashing.
    return np.array(sorted({zlib.crc32(token.encode()) & 0xFFFF for token in tokens}), dtype=TOKEN_DTYPE)
