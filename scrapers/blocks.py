"""Text blocks of a page, and the measures that tell article text from site chrome.

Lengths are counted in tokens, not characters: one CJK character or one Latin word each. A
Chinese sentence is a third as long in characters as its English translation, so character
thresholds tuned on English pages (trafilatura's) let whole Chinese link lists through, while
token counts treat both scripts alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import cast

from lxml import etree

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+")
_CJK_CHAR = re.compile(rf"[{_CJK}]")
# Sentence and clause punctuation of both scripts: prose has it, menus and link lists rarely do.
_PUNCTUATION = re.compile(r"[，。！？；：,.!?;:]")
_SENTENCE_END = re.compile(r"[。！？]|[.!?][\"'”’)]*(?:\s|$)")

# A block pays this many tokens to be kept: a lone "分享到" or "Share" scores below zero.
BLOCK_COST = 5.0
# A list item without links pays less: a list in an article ("England (Group A): 10th
# appearance") is a run of short items, while a menu's items are links.
LIST_ITEM_COST = 3.0
_LIST_ITEMS = frozenset({"item", "li"})
_CELLS = frozenset({"cell", "td", "th"})
# Each token of link text counts against its block this much on top of not counting for it.
LINK_PENALTY = 0.5
# Prose that stands on its own, outside the article container: a long enough line with
# punctuation. Chinese needs more tokens (characters) and a second mark to say as much.
PROSE_TOKENS = 30
PROSE_TOKENS_CJK = 40


def count_tokens(text: str) -> int:
    return len(_TOKEN.findall(text))


def count_punctuation(text: str) -> int:
    return len(_PUNCTUATION.findall(text))


def is_prose(text: str) -> bool:
    """A line that reads as running text: long enough, and punctuated as sentences are."""
    tokens = _TOKEN.findall(text)
    cjk = len(_CJK_CHAR.findall(text))
    if cjk * 2 > len(tokens):
        return len(tokens) >= PROSE_TOKENS_CJK and count_punctuation(text) >= 2
    return len(tokens) >= PROSE_TOKENS and count_punctuation(text) >= 1


@dataclass(slots=True)
class Block:
    """The text a block element holds itself (not that of the blocks inside it)."""

    element: etree._Element
    text: str
    tokens: int
    link_tokens: int
    leaf: bool  # no block elements inside: a paragraph, not a container with loose text

    @property
    def link_density(self) -> float:
        return self.link_tokens / self.tokens if self.tokens else 0.0

    @property
    def weight(self) -> float:
        """Tokens of non-link text, less the block's cost and a penalty for its link text."""
        plain_item = self.element.tag in _LIST_ITEMS and not self.link_tokens
        cost = LIST_ITEM_COST if plain_item else BLOCK_COST
        row = self.element.getparent() if self.element.tag in _CELLS else None
        if row is not None:
            # A table row is one line of the article, however many cells it has.
            cost /= max(1, sum(1 for cell in row if cell.tag in _CELLS))
        return self.tokens - (1 + LINK_PENALTY) * self.link_tokens - cost

    def is_link_list(self) -> bool:
        # Sentences with many links ("X has bought Y, a startup that ...") are not a list.
        return self.tokens > 10 and self.link_density > 0.6 and len(_SENTENCE_END.findall(self.text)) < 2


@dataclass(frozen=True)
class Markup:
    """Which tags of a tree are inline, which hold links, which break lines, which to skip."""

    inline: frozenset[str]
    link: str
    breaks: frozenset[str]
    skipped_tags: frozenset[str] = frozenset()
    # Elements to leave out whatever their tag, by their attributes.
    is_skipped: Callable[[etree._Element], bool] | None = None


def _is_inline(element: etree._Element, markup: Markup) -> bool:
    return element.tag in markup.inline and all(
        not isinstance(inner.tag, str) or inner.tag in markup.inline for inner in element.iterdescendants()
    )


def inner_text(element: etree._Element) -> str:
    """The text inside an element, its own tail left out."""
    return "".join(cast(Iterable[str], element.itertext()))


def _skipped(element: etree._Element, markup: Markup) -> bool:
    if not isinstance(element.tag, str) or element.tag in markup.skipped_tags:
        return True
    return markup.is_skipped is not None and markup.is_skipped(element)


def _link_tokens(element: etree._Element, markup: Markup) -> int:
    links = [element] if element.tag == markup.link else element.iter(markup.link)
    return sum((count_tokens(inner_text(link)) for link in links), 0)


def text_blocks(root: etree._Element, markup: Markup) -> list[Block]:
    """Every block of ``root`` in document order, each with its own inline text."""
    blocks: list[Block] = []
    _collect(root, markup, blocks)
    return blocks


def _collect(element: etree._Element, markup: Markup, blocks: list[Block]) -> None:
    parts: list[str] = [element.text or ""]
    links = 0
    # Whether a child is inline walks its whole subtree: asked once per child, for both uses.
    children = [(child, isinstance(child.tag, str) and _is_inline(child, markup)) for child in element]
    leaf = all(inline or not isinstance(child.tag, str) for child, inline in children)

    def flush() -> None:
        nonlocal parts, links
        text = " ".join("".join(parts).split())
        if text:
            tokens = count_tokens(text)
            blocks.append(Block(element, text, tokens, min(links, tokens), leaf))
        parts, links = [], 0

    for child, inline in children:
        if _skipped(child, markup):
            pass  # comments, scripts, styles: only their tail is text
        elif child.tag in markup.breaks:
            flush()
        elif inline:
            parts.append(inner_text(child))
            links += _link_tokens(child, markup)
        else:
            flush()
            _collect(child, markup, blocks)
        parts.append(child.tail or "")
    flush()


def densest_run(blocks: Iterable[Block]) -> list[Block]:
    """The contiguous run of blocks with the highest total weight (the article, in a page that
    trafilatura returned with its navigation before and its link lists after), without the link
    lists that sit inside it."""
    sequence = list(blocks)
    best = current = 0.0
    start = best_start = best_end = 0
    for index, block in enumerate(sequence):
        if current <= 0:
            current, start = block.weight, index
        else:
            current += block.weight
        if current > best:
            best, best_start, best_end = current, start, index + 1
    return [block for block in sequence[best_start:best_end] if not block.is_link_list()]
