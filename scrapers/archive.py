"""Reading the files of an existing news archive: what each one is and what it says about itself.

Three kinds of file are understood:

- a Hugo post: YAML front matter (title, date), a "<title> by <feed>" heading, the raw HTML
  fragment of the article's body, then ``<hr>`` and a link to the page it was fetched from;
- a Markdown page dump: front matter with ``url``, ``source``, ``date`` and ``fetch_date``, then a
  whole page, chrome included, converted to Markdown;
- a saved HTML page, whose address the page itself gives (a canonical link, ``og:url``, or what
  its site's spider knows to look for).

Anything else is an ``ArchiveError`` that says why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

import markdown
import yaml

from scrapers.extraction import decode_html, looks_binary

_FRONT_MATTER = re.compile(r"\A\ufeff?---\r?\n(.*?)\r?\n---\r?\n", re.DOTALL)
_HUGO_SOURCE_LINK = re.compile(r"<hr\s*/?>\s*<a\s[^>]*?href=\"([^\"]+)\"[^>]*>[^<]*</a>\s*\Z", re.IGNORECASE)
_HTML_SUFFIXES = (".html", ".htm")


class ArchiveError(ValueError):
    """A file that is not an archived article in a form the importer reads. ``key`` names the
    reason in stats (``import/skipped/<key>``); the message says it to a person."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class ArchivedPage:
    path: Path
    kind: Literal["hugo", "markdown", "html"]
    front: dict[str, object]
    # The HTML body fragment (hugo), the Markdown page (markdown) or the whole page (html).
    content: str
    url: str | None
    # The archive cut the page off at a size limit, and marked the cut with "...".
    truncated: bool = False

    @property
    def title(self) -> str | None:
        title = self.front.get("title")
        return str(title).strip() or None if title else None

    @property
    def published(self) -> datetime | None:
        """The front matter's date. A date without a time is the archive's day, not the article's
        moment, so it is returned as midnight UTC only for lack of anything better."""
        return front_date(self.front.get("date"))


def front_matter(text: str) -> tuple[dict[str, object], str] | None:
    """(front matter, the rest) of a file that opens with a ``---`` block; None if it does not."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return None
    try:
        front = yaml.safe_load(match[1])
    except yaml.YAMLError:
        # Some dumps write titles with ": " in them unquoted; each line is still "key: value".
        front = dict(line.split(": ", 1) for line in match[1].splitlines() if ": " in line)
    if not isinstance(front, dict):
        return None
    return {str(key): value for key, value in front.items()}, text[match.end() :]


def front_date(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str):
        try:
            return front_date(datetime.fromisoformat(value.strip().replace("Z", "+00:00")))
        except ValueError:
            return None
    return None


def read_archive(path: Path) -> ArchivedPage:
    data = path.read_bytes()
    if not data.strip():
        raise ArchiveError("empty", "empty file")
    if looks_binary(data):
        raise ArchiveError("binary", "binary file, not text")
    if path.suffix.lower() in _HTML_SUFFIXES:
        return ArchivedPage(path, "html", {}, decode_html(data).text, None)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ArchiveError("not_utf8", f"not UTF-8 ({error.reason} at byte {error.start})") from None
    parsed = front_matter(text)
    if parsed is None:
        raise ArchiveError("no_front_matter", "no front matter (a '---' block opening the file)")
    front, content = parsed
    if front.get("url"):
        content, truncated = _without_cut(content)
        return ArchivedPage(path, "markdown", front, content, str(front["url"]).strip(), truncated)
    source_link = _HUGO_SOURCE_LINK.search(content)
    if source_link and "<" in content[: source_link.start()]:
        start = content.index("<")
        return ArchivedPage(path, "hugo", front, content[start : source_link.start()].strip(), source_link[1])
    raise ArchiveError("unknown_format", "front matter without a url, and no Hugo post body ending in a source link")


def _without_cut(content: str) -> tuple[str, bool]:
    """A dump without the "..." its archive put where it cut the page off, and whether it did."""
    lines = content.rstrip().splitlines()
    if not lines or not lines[-1].endswith("..."):
        return content, False
    last = uncut_line(lines.pop())
    return "\n".join([*lines, *([last] if last is not None else [])]) + "\n", True


def uncut_line(line: str) -> str | None:
    """The line a dump's archive cut off, without its "..." marker; None when the cut fell inside a
    link or an image, whose markup would then show as text."""
    text = re.sub(r"\s*\.\.\.$", "", line)
    return text if text.count("[") == text.count("]") and text.count("(") == text.count(")") else None


def archive_files(paths: list[Path]) -> list[Path]:
    """The files named, and every file under the folders named, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")))
        else:
            found.append(path)
    return found


def markdown_html(text: str) -> str:
    return markdown.markdown(text, extensions=["fenced_code", "tables", "sane_lists"])


def markdown_line_text(line: str) -> str:
    """The text a reader sees in one line of a Markdown dump: no link targets, images or emphasis."""
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", line)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<(https?://[^>]+)>", r"\1", text)
    text = re.sub(r"^\s*(?:[*+-]|\d+\.)\s+", "", text)  # list markers
    text = re.sub(r"^(?:#+|>)\s*", "", text)  # headings and block quotes
    # Emphasis markers go; escaped characters stay as themselves.
    text = re.sub(r"(?<!\\)\*", "", text).replace("\\_", "_").replace("\\*", "*")
    return " ".join(text.split())
