"""The compiled passes of the dedupe fingerprint (scrapers/textscan.py) against the regular expressions
and str methods that define them, on random texts made of what matters to them: letters of both cases,
digits of several scripts, CJK ideographs, CVE ids, URLs, separators and line breaks of every kind."""

from __future__ import annotations

import dataclasses
import importlib
import random
import re
import unicodedata
import zipfile
import zlib
from typing import TYPE_CHECKING

import numpy as np
import pytest

from scrapers import fingerprint as fp
from scrapers import textscan
from scrapers.attribution import labelled_urls, labelled_urls_in
from scrapers.compiled import EggCacheLocator

if TYPE_CHECKING:
    from pathlib import Path

PIECES = (
    "CVE-2024-12345", "cve-2023-0001", "CVE-2021-44228x", "http://", "https://", "example.com", "www.x.org",
    "/path?x=1#f", "#top", "?q", "evil.top", "Foo", "bar", "MLOps", "UNC6040", "The", "a", "iOS", "x86", "v2",
    "Apache", "OFBiz",
    " ", " ", "\t", "\n", "\n", "\r\n", "\r", "\x0b", "\x1c", "\u2028", "\x85", "\u3000", ",", ";", ":", ".", "-",
    "_", "/", "(", "12,345.50", "1.0.0", "100.00", "7", "2024", "１２３", "٣٤", "漏洞", "攻击者利用", "影响", "版本",
    "Σ", "İ", "\u212a", "ﬁ", "é", "😀", "ＡＢＣ", "𠀀",
)  # fmt: skip

# What the passes replace, as the fingerprint defined it before they were compiled.
FACT = re.compile(r"cve-\d{4}-\d{4,}|\d+(?:[.,]\d+)*|[a-z][a-z0-9]*(?:[.\-][a-z0-9]+)*")
MID_SENTENCE_CAPITAL = re.compile(r"[a-z,;:] ([A-Z][A-Za-z0-9]*(?:[.\-][A-Za-z0-9]+)*)")
CASED_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]{2,}")
URL = re.compile(r"https?://([^\s/?#]+)\S*")
TAG = re.compile(r"</?[A-Za-z][^<>]*>")
CVE_ID = re.compile(r"CVE-\d{4}-\d{4,}", re.IGNORECASE)
WORD = re.compile(r"[^\W_]+")
IDEOGRAPH = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
TLDS = {"com", "net", "org", "io", "cn", "ru", "gov", "edu", "info", "xyz", "top", "co", "uk", "de", "app", "dev"}


def texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 60))) for _ in range(count)]


def normal_form(text: str, wide: bool) -> str:
    """NFKC when the body holds full-width letters or digits, and each character lower-cased alone
    (no final-sigma rule)."""
    if wide:
        text = unicodedata.normalize("NFKC", text)
    return "".join(ch.lower()[0] if ord(ch) < 0x10000 else ch for ch in text)


def is_wide(text: str) -> bool:
    return re.search(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]", text) is not None


def reference_lines(text: str) -> list[tuple[str, str]]:
    lines = [line for line in text.splitlines() if line]
    keys = [normal_form(line, is_wide(text)) for line in lines]
    return [(line, "".join(ch for ch in key if ch.isalnum())) for line, key in zip(lines, keys, strict=True)]


def fact(token: str) -> str | None:
    if token[0].isdigit():
        digits = token.replace(",", "")
        if len(digits) < 2:
            return None
        return digits.rstrip("0").rstrip(".") if "." in digits else digits
    return token if len(token) >= 3 else None


def reference_evidence(text: str, cjk: bool) -> list[str]:
    found: dict[str, None] = {}
    text = URL.sub(r"\1", text)
    if cjk:
        for match in FACT.finditer(text.lower()):
            token = fact(match.group())
            if token:
                found[token] = None
                if len(found) >= fp.MAX_EVIDENCE:
                    break
        return list(found)
    text = text[: fp.ENGLISH_EVIDENCE_CHARS]
    for token in FACT.findall(text.lower()):
        named = token[0].isdigit() or token.startswith("cve-") or token.rpartition(".")[2] in TLDS
        if named and (found_fact := fact(token)):
            found[found_fact] = None
    found.update(dict.fromkeys(word.lower() for word in MID_SENTENCE_CAPITAL.findall(text) if len(word) >= 3))
    found.update(dict.fromkeys(w.lower() for w in CASED_WORD.findall(text) if not w.isalpha() or not w[1:].islower()))
    return sorted(found, key=lambda token: (not any(ch.isdigit() for ch in token), -len(token)))[: fp.MAX_EVIDENCE]


def reference_rare(tokens: list[str]) -> list[int]:
    specific = [t for t in tokens if t.startswith("cve-") or (len(t) >= 5 and re.search(r"\d", t))]
    names = [t for t in tokens if t.isalpha() and len(t) >= 6]
    return [fp.short_key_of("evidence", token) for token in (specific + names)[:8]]


def keys_of(body: fp.Body) -> list[str]:
    starts = np.r_[0, body.key_ends][:-1]
    ends = body.key_ends
    return [body.keys[start:end].tobytes().decode("utf-32-le") for start, end in zip(starts, ends, strict=True)]


def test_full_width_letters_and_digits_are_found_as_by_their_character_class() -> None:
    # Around the block, its punctuation (：［＠｀｛) and other forms NFKC changes too (ﬁ, K).
    for point in [*range(0xFF00, 0xFF66), 0xFB01, 0x212A, 0x3000, 0x41]:
        text = f"正文 {chr(point)} text"
        assert textscan.has_wide(fp._points(text)) == is_wide(text), hex(point)
    for text in texts(500, 7):
        assert textscan.has_wide(fp._points(text)) == is_wide(text), text


@pytest.mark.parametrize("seed", range(4))
def test_lines_and_keys_are_those_of_str_methods(seed: int) -> None:
    for text in texts(500, seed):
        body = fp.body_lines(text)
        expected = [(line, key) for line, key in reference_lines(text) if key]
        assert list(zip(body.lines(), keys_of(body), strict=True)) == expected, text
        assert body.prose.tolist() == [bool(IDEOGRAPH.search(key)) for _, key in expected]
        first = "".join(key for _, key in expected)[:1000]
        assert body.cjk == (len(IDEOGRAPH.findall(first)) >= 0.2 * max(len(first), 1))
        by_key = dict(zip(keys_of(body), body.hashes.tolist(), strict=True))
        assert [by_key[key] for key in keys_of(body)] == body.hashes.tolist()


def test_bodies_with_the_same_keys_and_length_have_one_key_and_others_not() -> None:
    key = fp.body_lines("Hello, World!\n攻击").key
    assert fp.body_lines("hello. world?\n攻击").key == key
    assert fp.body_lines("Hello, World!\n攻者").key != key
    assert fp.body_lines("Hello, World!\n攻击 ").key != key


@pytest.mark.parametrize("seed", range(4))
def test_facts_are_those_of_the_regular_expressions(seed: int) -> None:
    for text in texts(500, seed):
        body = fp.body_lines(text)
        kept = np.ones(len(body), dtype=bool)
        kept_text = "\n".join(body.lines())
        for cjk in (True, False):
            forced = dataclasses.replace(body, cjk=cjk)
            facts = fp.facts(forced, kept, "标题 cve-2020-1234 Title")
            tokens = reference_evidence(kept_text, cjk)
            assert facts.evidence.tolist() == fp.token_hashes(tokens).tolist(), (text, tokens)
            assert facts.rare == reference_rare(tokens), (text, tokens)
        cves = {match.upper() for match in CVE_ID.findall(f"标题 cve-2020-1234 Title\n{kept_text}")}
        assert facts.cves.tolist() == fp.token_hashes(cves).tolist(), text


def test_tags_become_line_breaks_as_by_the_regular_expression() -> None:
    pieces = ("<", "</", ">", "<<", ">>", "a", "B", "1", " ", "\n", "漏洞", "p>", "<br/>", "</p>", "<1>", "< a>", "é")
    rng = random.Random(5)
    tricky = ["<a<b>", "</>", "<a", "x</a", "<<p>>", "😀<p>"]
    for text in tricky + ["".join(rng.choices(pieces, k=rng.randint(0, 20))) for _ in range(5000)]:
        assert fp._text_of(textscan.tags_to_breaks(fp._points(text))) == TAG.sub("\n", text), text


def test_urls_become_their_hosts_as_by_the_regular_expression() -> None:
    # A scheme inside a URL, an empty host, a URL right after another one, "://" with no scheme.
    tricky = ["https://a.com/x://b.org c", "http:// x", "http://a.cnhttps://b.cn", "s:// http://", "xhttps://y.io#z"]
    for text in tricky + texts(3000, 11):
        hosts = textscan.hosts_only(fp._points(text).copy(), textscan.character_flags())
        assert hosts.tobytes().decode("utf-32-le", "surrogatepass") == URL.sub(r"\1", text), text


@pytest.mark.parametrize("seed", range(2))
def test_shingles_are_those_of_the_words_and_characters(seed: int) -> None:
    for text in texts(500, seed):
        body = fp.body_lines(text)
        kept = np.arange(len(body)) % 3 != 1
        lines = [line for line, keep in zip(body.lines(), kept, strict=True) if keep]
        words = WORD.findall(normal_form("\n".join(lines), is_wide(text)))
        shingles = {" ".join(words[i : i + fp.WORD_SHINGLE]) for i in range(max(1, len(words) - 2))} - {""}
        latin = dataclasses.replace(body, cjk=False)
        assert fp.sketches(latin, kept)[1] == len(shingles), text

        keys = [key for key, keep in zip(keys_of(body), kept, strict=True) if keep]
        prose = "".join(key for key in keys if IDEOGRAPH.search(key)) or "".join(keys)
        grams = {prose[i : i + fp.CHAR_SHINGLE] for i in range(len(prose) - fp.CHAR_SHINGLE + 1)}
        size = len(grams) if len(prose) >= fp.CHAR_SHINGLE else len(set(prose))
        cjk = dataclasses.replace(body, cjk=True)
        assert fp.sketches(cjk, kept)[1] == size, text


def test_latin_words_are_shingled_in_lower_case() -> None:
    kept = np.ones(1, dtype=bool)
    mixed = fp.body_lines("Apache OFBiz Flaw Lets ＡＢＣ Run Code")
    lower = fp.body_lines("apache ofbiz flaw lets abc run code")
    other = fp.body_lines("apache ofbiz bug lets abc run code")
    assert not mixed.cjk
    assert fp.sketches(mixed, kept)[0].tolist() == fp.sketches(lower, kept)[0].tolist()
    assert fp.sketches(other, kept)[0].tolist() != fp.sketches(lower, kept)[0].tolist()


def test_crc32_is_zlibs_over_utf8() -> None:
    from scrapers import textscan

    for text in ["", "abc", "漏洞", "é😀𠀀", "CVE-2024-1"]:
        points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        assert textscan.crc32(points, 0, len(points), 0) == zlib.crc32(text.encode())
        assert textscan.crc32(points, 0, len(points), zlib.crc32(b"x:")) == zlib.crc32(b"x:" + text.encode())


@pytest.mark.parametrize("seed", range(2))
def test_labelled_urls_read_around_labels_are_those_of_every_line(seed: int) -> None:
    rng = random.Random(seed)
    parts = ["原文地址：", "参考资料", "来源：新华社", "http://a.com/p/1", "https://b.org/x/2", "点击原文链接"]
    parts += ["", " ", "正文 text", "\r", "本文翻译自 http://c.net/q/3", "https://example.com/"]
    for _ in range(3000):
        lines = ("".join(rng.choice(parts) for _ in range(rng.randint(0, 3))) for _ in range(rng.randint(0, 12)))
        text = "\n".join(lines)
        assert labelled_urls_in(text) == labelled_urls([line.strip() for line in text.splitlines() if line.strip()])


def test_compiled_code_run_from_an_egg_is_cached_in_the_users_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scrapyd deploy imports the project from an egg (a zip file); numba only caches code from
    files and from archives named .zip."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    egg = tmp_path / "project-1.0.egg"
    with zipfile.ZipFile(egg, "w") as archive:
        archive.writestr(
            "eggsum.py",
            "from scrapers.compiled import compiled\n\n\n@compiled\ndef total(values):\n    return values.sum()\n",
        )
    monkeypatch.syspath_prepend(str(egg))
    eggsum = importlib.import_module("eggsum")
    assert eggsum.total(np.arange(4)) == 6
    assert list((tmp_path / "cache").rglob("eggsum.total-*.nbi"))
    assert EggCacheLocator.from_function(eggsum.total.py_func, fp.__file__) is None
