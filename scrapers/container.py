"""The element of a page that holds the article, found by text density.

In the way of readability: every paragraph-like block of text with few links scores for its
parent and, less and less, for the ancestors above; the best-scored element is the article's
container. Scores use token counts and the punctuation of both scripts (blocks.py), so that a
Chinese paragraph counts as much as an English one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, cast

from lxml import etree

from scrapers.blocks import Block, Markup, count_punctuation, text_blocks

if TYPE_CHECKING:
    from collections.abc import Callable

# Readability's "unlikely candidates": an element whose class or id names a comment thread, a
# sidebar or a menu is left out before scoring (unless the name also says it is the article),
# since sixty comments outweigh any article in text.
_UNLIKELY = re.compile(
    r"comment|combx|community|disqus|extra|foot|header|menu|remark|rss|shoutbox|sidebar|sponsor|ad-break"
    r"|agegate|pagination|pager|popup|tweet|twitter|related|recommend",
    re.IGNORECASE,
)
_MAYBE = re.compile(r"and|article|body|column|main|shadow|content", re.IGNORECASE)
# A post the article quotes, as the platform's embed code writes it: its text is the article's
# (a tweet the story reports on), whatever the wrappers around it are named.
_EMBEDDED_POSTS = etree.XPath(
    "//blockquote[contains(@class, 'twitter-tweet') or contains(@class, 'instagram-media')"
    " or contains(@class, 'tiktok-embed')]"
)
_EMBED_WORDS = re.compile(r"tweet|twitter", re.IGNORECASE)


def _unlikely(element: etree._Element) -> bool:
    name = f"{element.get('class', '')} {element.get('id', '')}"
    return bool(_UNLIKELY.search(name)) and not _MAYBE.search(name) and element.tag not in ("html", "body")


def _unlikely_around(posts_and_wrappers: set[etree._Element]) -> Callable[[etree._Element], bool]:
    """``_unlikely``, except that embedded posts and their wrappers ("article-tweet") are not left
    out for naming the platform; a sidebar or a comment thread around a post still is."""

    def unlikely(element: etree._Element) -> bool:
        if not _unlikely(element):
            return False
        if element not in posts_and_wrappers:
            return True
        name = _EMBED_WORDS.sub("", f"{element.get('class', '')} {element.get('id', '')}")
        return bool(_UNLIKELY.search(name))

    return unlikely


HTML_MARKUP = Markup(
    inline=frozenset(
        [
            "a",
            "abbr",
            "b",
            "bdi",
            "big",
            "cite",
            "code",
            "del",
            "em",
            "font",
            "i",
            "img",
            "ins",
            "kbd",
            "label",
            "mark",
            "q",
            "s",
            "samp",
            "small",
            "span",
            "strike",
            "strong",
            "sub",
            "sup",
            "time",
            "tt",
            "u",
            "var",
            "wbr",
        ]
    ),
    link="a",
    breaks=frozenset({"br"}),
    skipped_tags=frozenset(
        [
            "script",
            "style",
            "noscript",
            "template",
            "iframe",
            "object",
            "embed",
            "svg",
            "canvas",
            "nav",
            "footer",
            "header",
            "aside",
            "select",
            "button",
            "input",
            "textarea",
        ]
    ),
    is_skipped=_unlikely,
)

# A block shorter than this (in tokens) or with more than this share of link text is not
# evidence of an article around it.
_MIN_TOKENS = 10
_MAX_LINK_DENSITY = 0.5
# How far up a paragraph's score reaches, and how much each level above gets of it.
_LEVELS = (1.0, 0.5, 0.25, 0.125)


# Its text as read, without the code of scripts and styles inside it.
_VISIBLE_TEXT = ".//text()[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template)]"


@dataclass(frozen=True)
class Container:
    element: etree._Element
    blocks: list[Block]  # the text blocks inside it, link-dense ones left out
    # Which of ``blocks`` are the text of embedded posts (tweets the article quotes).
    posts: frozenset[int] = field(default=frozenset())

    @property
    def text(self) -> str:
        return "\n".join(block.text for block in self.blocks)

    @cached_property
    def flat_blocks(self) -> list[str]:
        """Each of its blocks' text with whitespace removed."""
        return ["".join(block.text.split()) for block in self.blocks]

    def flat_text(self) -> str:
        """All of its text with whitespace removed, for telling whether a line came from it."""
        texts = cast(list[str], self.element.xpath(_VISIBLE_TEXT))
        return "".join("".join(texts).split())


def _paragraph_score(block: Block) -> float:
    return 1 + count_punctuation(block.text) + min(block.tokens / 30, 3)


def _is_content(block: Block) -> bool:
    return block.tokens >= _MIN_TOKENS and block.link_density <= _MAX_LINK_DENSITY


def find_container(tree: etree._Element) -> Container | None:
    """The page's article container, or None when no block of it reads as an article.

    Elements named as chrome are left out, unless that leaves no article at all: then the article
    is inside one of them (a "post_header" around the whole post), and the page is read again with
    all its elements, as readability does."""
    body = tree.find("body")
    root = body if body is not None else tree
    posts = cast(list[etree._Element], _EMBEDDED_POSTS(root))
    markup = HTML_MARKUP
    if posts:
        wrapped = {wrapper for post in posts for wrapper in post.iterancestors()} | set(posts)
        markup = replace(HTML_MARKUP, is_skipped=_unlikely_around(wrapped))
    return _best_container(root, markup, posts) or _best_container(root, replace(markup, is_skipped=None), posts)


def _best_container(root: etree._Element, markup: Markup, posts: list[etree._Element]) -> Container | None:
    blocks = text_blocks(root, markup)
    scores: defaultdict[etree._Element, float] = defaultdict(float)
    for block in blocks:
        if not _is_content(block):
            continue
        score = _paragraph_score(block)
        # A paragraph scores for the element around it; loose text scores for its own element.
        node: etree._Element | None = block.element.getparent() if block.leaf else block.element
        for share in _LEVELS:
            if node is None:
                break
            scores[node] += score * share
            node = node.getparent()
    if not scores:
        return None
    best = max(scores, key=scores.__getitem__)
    inside = [
        block
        for block in blocks
        if block.link_density <= _MAX_LINK_DENSITY
        and (block.element is best or any(ancestor is best for ancestor in block.element.iterancestors()))
    ]
    in_posts = frozenset(
        index
        for index, block in enumerate(inside)
        if any(block.element is post or post in block.element.iterancestors() for post in posts)
    )
    return Container(best, inside, in_posts)
