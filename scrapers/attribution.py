"""Where a story comes from, as the page itself says it.

Chinese sites name the original of a translation or repost in labelled lines: "原文地址：URL",
"本文翻译自X 原文链接", "参考资料：" followed by a URL on the next line. This module finds those
URLs so that the item's ``isBasedOn`` can point at the original.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import html as lxml_html

# Ordered by how directly the label names the original: a translation's 原文地址 beats a
# 参考资料 list, which beats a bare 来源.
LABELS = ("原文地址", "原文链接", "本文翻译自", "本文转载自", "参考资料", "参考来源", "来源")
# Any label at all: one search a line instead of one a label.
LABELLED = re.compile("|".join(LABELS))

_URL = re.compile(r"https?://[^\s<>\"'，。；）)\]】]+")
_BLOCKS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section", "br", "tr")
# A label's URL may sit on the label's own line or, as in cnBeta's 参考资料 lists, on the next ones.
_LOOKAHEAD_LINES = 2


def text_with_links(fragment: str) -> list[str]:
    """Lines of a fragment, with every link's target written out after its text."""
    if not fragment.strip():
        return []
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    for link in root.iter("a"):
        href = link.get("href")
        if href and href.startswith(("http://", "https://")):
            link.tail = f" {href} " + (link.tail or "")
    for element in root.iter(*_BLOCKS):
        element.tail = "\n" + (element.tail or "")
    return [line.strip() for line in root.text_content().splitlines() if line.strip()]


def is_article_url(url: str) -> bool:
    """True for a URL that names one article, not a site's home or section page."""
    parts = urlsplit(url)
    path = parts.path.strip("/")
    if not parts.netloc or (not path and not parts.query):
        return False
    return not re.fullmatch(r"(index|default|home)(\.\w+)?", path, re.IGNORECASE)


def labelled_urls(lines: list[str]) -> list[tuple[str, str]]:
    """(label, url) pairs in document order, for every labelled line that names an article."""
    found: list[tuple[str, str]] = []
    for index, line in enumerate(lines):
        if LABELLED.search(line) is None:
            continue
        label = next(name for name in LABELS if name in line)
        after_label = line[line.index(label) + len(label) :]
        window = [after_label]
        # Only a label that ends its line heads a list below it; in "点击原文链接，了解更多…" the
        # label is part of a sentence, and the next line's URL is something else.
        if not after_label.strip(" :：\t"):
            window += lines[index + 1 : index + 1 + _LOOKAHEAD_LINES]
        for candidate in window:
            urls = [url for url in _URL.findall(candidate) if is_article_url(url)]
            if urls:
                found.append((label, urls[0]))
                break
            if candidate is not after_label and any(name in candidate for name in LABELS):
                break
    return found


def labelled_urls_in(text: str) -> list[tuple[str, str]]:
    """``labelled_urls`` of a text's lines, read only around its labels that have a URL within reach:
    a label's line and the next _LOOKAHEAD_LINES lines that are not blank. The dedupe stage reads
    every body, and a long body has few such labels or none: searching the few lines above each URL
    costs a fraction of a search of the whole body for each label."""
    found = [match.start() for start, end in _url_reaches(text) for match in LABELLED.finditer(text, start, end)]
    pairs: list[tuple[str, str]] = []
    start = end = 0
    for at in found:
        if at >= end:
            pairs += _labelled_lines(text[start:end])
            start = text.rfind("\n", 0, at) + 1
        end = max(end, _lines_end(text, at, _LOOKAHEAD_LINES))
    return pairs + _labelled_lines(text[start:end])


def _labelled_lines(text: str) -> list[tuple[str, str]]:
    return labelled_urls([line.strip() for line in text.splitlines() if line.strip()])


def _occurrences(text: str, part: str) -> list[int]:
    found = []
    at = text.find(part)
    while at >= 0:
        found.append(at)
        at = text.find(part, at + len(part))
    return found


def _url_reaches(text: str) -> list[tuple[int, int]]:
    """Where a label can be that names a URL (merged spans): from the start of the _LOOKAHEAD_LINES
    lines that are not blank above each URL's line, to the URL."""
    reaches: list[tuple[int, int]] = []
    for at in _occurrences(text, "http"):
        # URLs often come one a line: the walk up stops at the reach before, which this one joins.
        start = _lines_start(text, at, _LOOKAHEAD_LINES, reaches[-1][1] if reaches else 0)
        if reaches and start <= reaches[-1][1]:
            reaches[-1] = (reaches[-1][0], at)
        else:
            reaches.append((start, at))
    return reaches


def _lines_start(text: str, at: int, more: int, floor: int) -> int:
    """The start of the line that holds ``at``, or of the ``more``-th line above it that is not blank;
    a start at or before ``floor`` may be given as any such one."""
    start = text.rfind("\n", 0, at) + 1
    while more and start > floor:
        above = text.rfind("\n", 0, start - 1) + 1
        if text[above:start].strip():
            more -= 1
        start = above
    return start


def _lines_end(text: str, at: int, more: int) -> int:
    """The end of the line that holds ``at`` and of the ``more`` lines after it that are not blank."""
    end = text.find("\n", at)
    end = len(text) if end < 0 else end + 1
    while more and end < len(text):
        following = text.find("\n", end)
        following = len(text) if following < 0 else following + 1
        if text[end:following].strip():
            more -= 1
        end = following
    return end


def original_url(lines: list[str]) -> str | None:
    """The URL the strongest label names, or None when the text names no original."""
    pairs = labelled_urls(lines)
    for label in LABELS:
        for found_label, url in pairs:
            if found_label == label:
                return url
    return None


_CREDITS = re.compile(
    r"文章原作者\s*[:：]?\s*(?P<author>[^，,]+?)\s*[，,]\s*文章来源\s*[:：]\s*(?P<source>[^，,。\n]+)"
)


def translation_credits(lines: list[str]) -> tuple[str | None, str | None]:
    """(original author, original source) from a credits line such as Anquanke's
    "本文是翻译文章，文章原作者 Ddos，文章来源：securityonline"; (None, None) when there is none."""
    for line in lines:
        match = _CREDITS.search(line)
        if match:
            return match["author"].strip(), match["source"].strip()
    return None, None
