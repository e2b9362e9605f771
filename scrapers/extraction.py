"""Turning downloaded bytes into clean article text.

``extract_text`` is the generic path every source relies on and the function the benchmarks score;
its signature is stable. Spiders that know their site pass a pre-selected, pre-cleaned article
container to ``container_text`` instead, and trafilatura still does the text work there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import charset_normalizer
import trafilatura
from lxml import etree
from lxml import html as lxml_html
from lxml.html import HtmlElement
from parsel import Selector
from trafilatura.settings import Document
from w3lib.encoding import html_body_declared_encoding, read_bom, resolve_encoding

from scrapers.blocks import Block, Markup, count_punctuation, densest_run, is_prose, text_blocks
from scrapers.container import Container, find_container
from scrapers.credits import without_credits

# A declared charset is kept when its decode errors stay this rare: a truncated multi-byte
# character at the end of a cut-off page should not make us reinterpret the whole page.
_TOLERATED_ERRORS = 2


@dataclass(frozen=True)
class DecodedPage:
    text: str
    encoding: str
    declared: str | None
    mismatch: bool


def _strict(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(body: bytes, declared: str | None = None) -> DecodedPage:
    """Decode an HTML body, trusting a declared charset only if the bytes agree with it.

    Chinese sites often declare UTF-8 while serving GBK (or the reverse). In order: a byte order
    mark; valid UTF-8; the charset declared by the HTTP header, then by ``<meta>``, each checked
    strictly (the first one is kept despite a couple of bad bytes, as at the end of a cut-off
    page); GB18030, a superset of GBK and GB2312; charset-normalizer's guess. ``mismatch`` says
    the page was not in the charset it declared first.
    """
    bom_encoding, bom = read_bom(body)
    if bom_encoding and bom:
        return DecodedPage(body[len(bom) :].decode(bom_encoding, "replace"), bom_encoding, bom_encoding, False)

    declarations = [declared, html_body_declared_encoding(body)]
    candidates: list[str] = []
    for name in declarations:
        resolved = resolve_encoding(name) if name else None
        if resolved and resolved not in candidates:
            candidates.append(resolved)
    first_declared = candidates[0] if candidates else None

    # Bytes that are valid UTF-8 and not plain ASCII are UTF-8, whatever the page declares:
    # GBK text practically never forms valid UTF-8, while GB18030 happily decodes UTF-8 into
    # mojibake without a single error.
    text = _strict(body, "utf-8")
    if text is not None:
        mismatch = first_declared not in (None, "utf-8") and not body.isascii()
        return DecodedPage(text, "utf-8", first_declared, mismatch)

    for encoding in candidates:
        if encoding == "utf-8":
            continue  # already tried above
        text = _strict(body, encoding)
        if text is not None:
            return DecodedPage(text, encoding, first_declared, encoding != first_declared)
    if first_declared:
        lenient = body.decode(first_declared, "replace")
        if lenient.count("\ufffd") <= _TOLERATED_ERRORS:
            return DecodedPage(lenient, first_declared, first_declared, False)

    if "gb18030" not in candidates:
        text = _strict(body, "gb18030")
        if text is not None:
            return DecodedPage(text, "gb18030", first_declared, first_declared is not None)

    guess = charset_normalizer.from_bytes(body).best()
    if guess is not None:
        return DecodedPage(str(guess), guess.encoding, first_declared, first_declared is not None)
    return DecodedPage(body.decode("utf-8", "replace"), "utf-8", first_declared, True)


def looks_binary(body: bytes) -> bool:
    """True for bodies that are not text at all (images, archives, PDFs served as pages)."""
    head = body[:4096]
    return b"\x00" in head or head.startswith((b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04"))


_SPACES = re.compile(r"[ \t\u3000\xa0]+")


def normalise_text(text: str) -> str:
    """One paragraph per line, no blank lines, no trailing or doubled spaces."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _trafilatura_text(html: str, url: str | None = None, favor_recall: bool = False) -> str | None:
    text: str | None = trafilatura.extract(
        html,
        url=url,
        favor_recall=favor_recall,
        include_comments=False,
        include_tables=True,
        deduplicate=False,
        output_format="txt",
    )
    return text


# The tags of trafilatura's output tree that stay inside a block.
TRAFILATURA_MARKUP = Markup(
    inline=frozenset({"hi", "ref", "del", "graphic", "lb"}), link="ref", breaks=frozenset({"lb"})
)
# When the container holds this many times the text trafilatura kept, trafilatura missed the article.
_CONTAINER_OVER_TRAFILATURA = 3
# When trafilatura kept this many times the container's text, all of it sentences, the container
# is a part of the article.
_TRAFILATURA_OVER_CONTAINER = 2
# Prose outside the container is kept only with this share of link text at most: a run of
# linked headlines with their dates reads as punctuated text too.
_PROSE_LINK_DENSITY = 0.3
# Tables with this many rows and columns at least hold data, not layout (_in_data_table).
_GRID_SIDE = 3


def extract_text(html: str, url: str | None = None) -> str:
    """Main text of a whole page, or "" when the page has none.

    Two readings of the page, parsed once, are combined. trafilatura (fast mode) gives the
    text blocks it believes are the article, of which the densest run is kept, without link
    lists (blocks.py). A density scorer finds the element that holds the article (container.py).
    trafilatura's blocks are kept if they lie in that element or read as prose on their own;
    the rest (menus, "hot news" lists, footers that trafilatura takes in on many Chinese
    portals) goes. If trafilatura kept far less than the container holds, or nothing, the
    container's text is taken instead; if it kept far more, all of it sentences, the container
    is a box inside the article (a photo's caption) and trafilatura's lines are taken whole.
    """
    tree = trafilatura.load_html(html) if html.strip() else None
    if tree is None:
        return ""
    blocks = _trafilatura_blocks(tree, url)
    trafilatura_tokens = sum(block.tokens for block in blocks)
    container = find_container(tree)
    container_tokens = sum(block.tokens for block in container.blocks) if container is not None else 0
    if container is None:
        text = "\n".join(block.text for block in blocks)
    elif container_tokens > _CONTAINER_OVER_TRAFILATURA * trafilatura_tokens:
        text = container.text
    elif container_tokens * _TRAFILATURA_OVER_CONTAINER < trafilatura_tokens and _sentences_only(blocks):
        text = "\n".join(block.text for block in blocks)
    else:
        text = "\n".join(_with_posts(_within(blocks, container), container))
    if not text:
        _, text, _ = trafilatura.baseline(tree)
    return normalise_text(without_credits(_without_title(text, tree)))


def _trafilatura_blocks(tree: HtmlElement, url: str | None) -> list[Block]:
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        fast=True,
        include_comments=False,
        include_links=True,
        include_tables=True,
        deduplicate=False,
    )
    if not isinstance(document, Document) or document.body is None:
        return []
    return densest_run(text_blocks(document.body, TRAFILATURA_MARKUP))


def _within(blocks: list[Block], container: Container) -> list[str]:
    """trafilatura's lines that lie in the container or read as prose of their own, with few
    links. A line that swallowed the container (trafilatura's text of a whole layout table)
    gives way to it; the cells of a data table go on from kept text."""
    flat_container = container.flat_text()
    grids: dict[etree._Element, bool] = {}  # a table's cells ask about it once
    kept: list[str] = []
    previous_kept = False
    for block in blocks:
        line = block.text
        flat = "".join(line.split())
        if flat in flat_container:
            kept.append(line)
        elif _swallows(flat, container.flat_blocks):
            kept.append(container.text)
        elif _reads_on_its_own(block) or (previous_kept and not block.link_tokens and _in_data_table(block, grids)):
            kept.append(line)
        else:
            previous_kept = False
            continue
        previous_kept = True
    return kept


def _with_posts(lines: list[str], container: Container) -> list[str]:
    """The lines with the posts the article embeds (tweets it quotes) put back where they stand:
    trafilatura drops them with their wrappers ("social-embed", "article-tweet"). A post goes in
    only between two kept lines, so a "follow us" post after the article stays out."""
    if not container.posts:
        return lines
    flat_lines = ["".join(line.split()) for line in lines]
    kept_before = -1  # the kept line that the last block of the container matched
    pending: list[str] = []
    inserted: dict[int, list[str]] = {}
    for index, flat in enumerate(container.flat_blocks):
        if index in container.posts:
            if kept_before >= 0 and not any(flat in line for line in flat_lines):
                pending.append(container.blocks[index].text)
            continue
        found = next((i for i in range(kept_before + 1, len(lines)) if flat in flat_lines[i]), None)
        if found is None:
            found = kept_before if kept_before >= 0 and flat in flat_lines[kept_before] else None
        if found is not None:
            if pending:
                inserted.setdefault(kept_before, []).extend(pending)
                pending = []
            kept_before = found
    if not inserted:
        return lines
    return [text for i, line in enumerate(lines) for text in (line, *inserted.get(i, ()))]


def _sentences_only(blocks: list[Block]) -> bool:
    """Whether trafilatura kept several lines and each reads as a sentence: prose, or a short
    punctuated line without links (a lead paragraph, a dateline's sentence)."""
    return len(blocks) > 1 and all(
        _reads_on_its_own(block) or (not block.link_tokens and count_punctuation(block.text) > 0) for block in blocks
    )


def _reads_on_its_own(block: Block) -> bool:
    return is_prose(block.text) and block.link_density <= _PROSE_LINK_DENSITY


def _in_data_table(block: Block, grids: dict[etree._Element, bool]) -> bool:
    """Whether a block is a cell of a grid (three rows of three cells or more), as a table of
    figures or of courses that follows the text it belongs to. Layout tables, comment threads
    and "you are reader no. N" boxes have fewer columns."""
    table = next((ancestor for ancestor in block.element.iterancestors() if ancestor.tag == "table"), None)
    if table is None:
        return False
    if table not in grids:
        rows = [row for row in table.iter("row") if len(row.findall("cell")) >= _GRID_SIDE]
        grids[table] = len(rows) >= _GRID_SIDE
    return grids[table]


def _swallows(flat_line: str, container_blocks: list[str]) -> bool:
    """Whether a line (whitespace removed) holds most of the container's text: trafilatura read
    a layout table or a page without paragraphs as one line, the container's blocks in it."""
    total = sum(len(block) for block in container_blocks)
    held = sum(len(block) for block in container_blocks if block in flat_line)
    return total > 10 and len(flat_line) > total and held * 2 > total


def _without_title(text: str, tree: HtmlElement) -> str:
    """The text without the headline it starts with: items carry the headline apart."""
    title = "".join((tree.findtext(".//title") or "").split())
    lines = text.splitlines()
    while lines and len(flat := "".join(lines[0].split())) > 4 and flat in title:
        lines.pop(0)
    return "\n".join(lines)


_BLOCK_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "figcaption")


def container_text(fragment: str) -> str:
    """Text of an article container a spider has already selected and cleaned.

    The container is known to be the article, so trafilatura runs in recall mode on it with the
    class and id attributes removed: they would send trafilatura looking for a main block inside
    the container again, and it would reorder or drop the blocks around the one it picked. When
    trafilatura still returns nothing (a container of bare text), the block elements are read.
    """
    if not fragment.strip():
        return ""
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    for element in root.iter():
        for attribute in ("class", "id"):
            element.attrib.pop(attribute, None)
    page = f"<html><body><article>{lxml_html.tostring(root, encoding='unicode')}</article></body></html>"
    text = _trafilatura_text(page, favor_recall=True)
    if text:
        return normalise_text(text)
    blocks = root.xpath(" | ".join(f"//{tag}" for tag in _BLOCK_TAGS))
    if not blocks:
        return normalise_text(root.text_content())
    return normalise_text("\n".join(block.text_content() for block in blocks))


@dataclass(frozen=True)
class PageMetadata:
    title: str | None
    author: str | None
    date: str | None
    description: str | None
    image: str | None
    tags: list[str]


def extract_metadata(html: str, url: str | None = None) -> PageMetadata:
    """Generic metadata from meta tags, JSON-LD and markup, for fields a spider did not find."""
    doc = trafilatura.extract_metadata(html, default_url=url, extensive=False)
    if doc is None:
        return PageMetadata(None, None, None, None, None, [])
    return PageMetadata(
        title=doc.title,
        author=doc.author or _meta_author(html),
        date=doc.date,
        description=doc.description,
        image=doc.image,
        tags=[tag for tag in (doc.tags or []) if tag],
    )


_AUTHOR_META = (
    "//meta[@name='author' or @name='article:author' or @property='article:author' or @itemprop='author']/@content"
)


def _meta_author(html: str) -> str | None:
    """The page's declared author. trafilatura discards names it cannot split into Latin
    first and last names, which drops every Chinese byline; the meta tag is taken as written."""
    if not html.strip():
        return None
    for value in Selector(text=html, type="html").xpath(_AUTHOR_META).getall():
        name = " ".join(value.split())
        if name and not name.startswith(("http://", "https://")):
            return name
    return None


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the language ``text`` is written in, for pages that do not say."""
    if not text.strip():
        return None
    # Imported on first use: loading its model takes most of a second, and most pages declare.
    import py3langid

    language, _ = py3langid.classify(text[:2000])
    return str(language)
