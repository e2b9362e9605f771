"""What the dedupe stage knows of an article's text: line keys, a MinHash signature, the
originals it names, and the language-independent facts (numbers, CVE ids, Latin-script names,
domains) that a translation keeps.

Everything here is a pure function of the text, so one article gives the same fingerprint in every
run and on every machine. ``SCHEME`` names the recipe; the dedupe state stores it, since signatures
of two recipes cannot be compared.

The stage has to keep up with thousands of articles a second, so the work per character is done by
compiled code (``scrapers/textscan.py``, NumPy, rensa) and a body is read up to ``MAX_CHARS``: the
start of an article is enough to recognise it.
"""

from __future__ import annotations

import html
import re
import unicodedata
import zlib
from dataclasses import dataclass
from importlib.metadata import version
from typing import TYPE_CHECKING

import numpy as np
import rensa

from scrapers import textscan
from scrapers.attribution import labelled_urls_in
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
    f"v4 rensa-{version('rensa')} rminhash-{NUM_PERM}x16bit bands-{BANDS}x{ROWS} char-{CHAR_SHINGLE} "
    f"word-{WORD_SHINGLE}-fnv max-{MAX_CHARS} fnv-lines wording-bigram-8bit tokens-crc32-16bit"
)

# Labels under which a page names the work it renders or reposts (not a mere reference list).
ORIGIN_LABELS = ("原文地址", "原文链接", "本文翻译自", "本文转载自", "参考来源", "编译自", "文章来源", "来源")

# CJK ideographs (extension A, unified, compatibility), as textscan counts them in a body.
_CJK = re.compile("[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in textscan.CJK_RANGES) + "]")
# Top-level domains that make an English word a domain, and so evidence.
_TLD_TABLE = textscan.tld_table(
    frozenset(
        ("com", "net", "org", "io", "cn", "ru", "gov", "edu", "info", "xyz", "top", "co", "uk", "de", "app", "dev")
    )
)
_TITLE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[.\-][A-Za-z0-9]+)*")
# The rolling hash of character shingles.
_MULT = np.uint64(0x100000001B3)
_MIX = np.uint64(0x9E3779B97F4A7C15)


def _points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _text_of(points: np.ndarray) -> str:
    return points.tobytes().decode("utf-32-le", "surrogatepass")


@dataclass(frozen=True)
class Body:
    """The lines of a body (up to MAX_CHARS) that hold a letter or digit, as ``textscan.scan_lines``
    finds them: each line's span in ``points`` (the body) and in ``normal`` (its normal form:
    full-width letters and digits made plain), and its key, the line in normal form in lower case
    without spacing and punctuation (the code points of ``keys`` up to ``key_ends``), with the key's
    hash."""

    points: np.ndarray
    normal: np.ndarray
    spans: np.ndarray
    normal_spans: np.ndarray
    key_ends: np.ndarray
    keys: np.ndarray
    hashes: np.ndarray  # uint32 a line
    prose: np.ndarray  # the line's key holds a CJK ideograph
    cjk: bool  # CJK text: ideographs are a fifth of its first 1,000 key characters
    key: int  # a signed 64-bit hash of all keys and the body's length: the same for the same text

    def __len__(self) -> int:
        return len(self.hashes)

    def lines(self) -> list[str]:
        return [_text_of(self.points[start:end]) for start, end in self.spans]


def body_lines(text: str) -> Body:
    """A body's lines and their keys.

    HTML left in a body (feeds built from WeChat posts carry their tables as markup, often half
    the characters) is not its text: tags become line breaks and entities characters."""
    length = len(text)
    if "<" in text:
        text = _text_of(textscan.tags_to_breaks(_points(text[: 4 * MAX_CHARS])))
        if "&" in text:
            text = html.unescape(text)
    text = text[:MAX_CHARS]
    points = _points(text)
    # Full-width letters and digits made plain, only where there are any: NFKC costs more than the
    # rest of the fingerprint.
    normal = _points(unicodedata.normalize("NFKC", text)) if textscan.has_wide(points) else points
    scanned = textscan.scan_lines(points, normal, textscan.character_flags(), textscan.lower_case(), length)
    spans, normal_spans, key_ends, keys, hashes, prose, cjk, key = scanned
    return Body(points, normal, spans, normal_spans, key_ends, keys, hashes, prose, bool(cjk), int(key))


def has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def sketches(body: Body, kept: np.ndarray) -> tuple[np.ndarray, int, np.ndarray]:
    """The MinHash signature of the kept lines' shingles, how many shingles they have, and the
    sketch of their wording (CJK text only; else empty).

    CJK text has no word boundaries, so it is shingled by characters (of the keys of its lines of
    prose, those with an ideograph, if any); Latin text by words, so that a shared phrase counts
    and shared letters do not.

    The wording sketch is a minhash of the CJK character bigrams of the kept lines' keys: the words
    they use. Two translations of one original into Chinese share few 5-grams but much of their
    wording, far more than two articles that only report one event (a CVE, an incident) in their own
    words. A text of fewer than 20 bigrams has none."""
    hashes, ends, size = textscan.shingle_sets(
        body.keys, body.key_ends, body.prose, body.normal, body.normal_spans, kept, body.cjk,
        textscan.character_flags(), textscan.lower_case(), CHAR_SHINGLE, WORD_SHINGLE, 20, _MULT, _MIX,
    )  # fmt: skip
    # Both sets in one call. A minhash of hashes with repeats is that of their set.
    offsets = np.concatenate(([0], ends)).astype(np.uint64)
    rows = rensa.RMinHash.digest_matrix_from_flat_token_hashes(hashes, offsets, NUM_PERM, SEED).to_rows()
    minhashes = np.array(rows, dtype=np.uint32)
    wording = minhashes[1].astype(WORDING_DTYPE) if len(minhashes) > 1 else np.zeros(0, dtype=WORDING_DTYPE)
    return minhashes[0].astype(SIGNATURE_DTYPE), size, wording


def band_keys(sig: np.ndarray) -> list[int]:
    # 32 bits, signed: a chance agreement only adds a candidate, which its signature then rejects.
    return textscan.band_keys(sig, BANDS, ROWS, _MULT, _MIX).tolist()


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two b-bit signatures: the share of agreeing values, less
    the agreements of chance."""
    if not len(a) or len(a) != len(b):
        return 0.0
    chance = 1.0 / (1 << (8 * a.dtype.itemsize))
    agreeing = textscan.agreeing(a, b) / len(a)
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
    """Both sets (sorted, as ``token_hashes`` gives them) name something and nothing in common."""
    return bool(len(a) and len(b) and not textscan.shared(a, b))


def origin_urls(body: str, is_based_on: str | None) -> list[str]:
    """Canonical URLs of the works an article says it renders or reposts."""
    urls = [is_based_on] if is_based_on else []
    urls += [url for label, url in labelled_urls_in(body) if label in ORIGIN_LABELS]
    found: list[str] = []
    for url in urls:
        try:
            canonical = canonical_url(url.rstrip(".,;:!?>"))
        except ValueError:
            continue
        if canonical not in found:
            found.append(canonical)
    return found


@dataclass(frozen=True)
class Facts:
    """What a translation carries over unchanged (``facts``)."""

    evidence: np.ndarray  # token_hashes of the evidence tokens
    rare: list[int]  # lookup keys (short_key_of "evidence") of the rare ones
    cves: np.ndarray  # token_hashes of the CVE ids (upper case) of the headline and the kept lines


def facts(body: Body, kept: np.ndarray, headline: str) -> Facts:
    """The facts of the kept lines: CVE ids, numbers, domains and Latin-script names, the first
    MAX_EVIDENCE of them, and which of them are rare enough for a lookup key.

    A token is a CVE id, a number (``\\d+`` with ``.`` or ``,`` between digits; commas dropped, and
    trailing zeros of a decimal) or a Latin word (``[a-z][a-z0-9]*`` with ``.`` or ``-`` between
    parts) of the lower-cased text, of 3 characters or more (numbers: 2 digits or more). A URL counts
    as its host: its path and query are ids of the page (a WeChat post's __biz, mid and sn), not
    facts of the story.

    In Chinese text every Latin word is such a name. In English text, of which the first
    ENGLISH_EVIDENCE_CHARS are read (its most specific facts are in its first screens; the rest
    repeats them), a word counts when it is a CVE id or a domain, a capitalised word after a lower-case
    word or ``,;:`` (not "The" at a sentence start), or one with a digit or an inner capital (CVE,
    UNC6040, MLOps); the most specific (with digits, then the longest) are kept.

    Rare evidence is worth an index entry: ids and names specific enough that sharing one makes two
    articles worth comparing (CVE ids, tokens of 5 characters or more with a digit, then words of 6
    letters or more), at most 8."""
    evidence, rare, cves = textscan.facts(
        body.points, body.spans, kept, _points(headline), body.cjk, textscan.character_flags(), _TLD_TABLE,
        MAX_EVIDENCE, ENGLISH_EVIDENCE_CHARS,
    )  # fmt: skip
    return Facts(evidence, rare.tolist(), cves)


def token_hashes(tokens: Iterable[str]) -> np.ndarray:
    """The sorted set of the tokens' hashes (TOKEN_DTYPE), as ``facts`` gives them."""
    # A set in Python: for a few dozen tokens np.unique costs more than the hashing.
    return np.array(sorted({zlib.crc32(token.encode()) & 0xFFFF for token in tokens}), dtype=TOKEN_DTYPE)
