"""Reading the archived copies in ../shared that the cassettes are rebuilt from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from scrapers.archive import front_matter
from scrapers.archive import markdown_html as render_markdown

SHARED = Path(__file__).resolve().parents[3] / "shared"


@dataclass
class Archived:
    """One archived article: its front matter, the file it came from, and its content."""

    path: Path
    front: dict[str, object]
    content: str
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def source(self) -> str:
        return str(self.path.relative_to(SHARED))


def read_archived(path: Path) -> Archived:
    parsed = front_matter(path.read_text(encoding="utf-8"))
    if parsed is None:
        raise ValueError(f"{path}: no front matter")
    return Archived(path, *parsed)


def site_files(folder: str) -> list[Archived]:
    """Every archived page dump in ``sites/<folder>``."""
    return [read_archived(path) for path in sorted((SHARED / "sites" / folder).glob("*.md"))]


def cnbeta_files() -> list[Path]:
    """Hugo posts holding the article body scraped from m.cnbeta.com.tw, plus the seed."""
    return [*sorted((SHARED / "sites" / "cnbeta").glob("*.md")), SHARED / "seeds" / "000_87f6116eba81684b.txt"]


def anquanke_files() -> list[Path]:
    """Page dumps of www.anquanke.com articles, plus the seed."""
    sites = SHARED / "sites"
    return (
        sorted((sites / "anquanke").glob("*.md"))
        + sorted((sites / "anquanke-translations").glob("*.md"))
        + [SHARED / "seeds" / "002_0b40a3fbf5ad261a.txt"]
    )


class TruncatedDumpError(ValueError):
    """A dump lacks a text that opens one of its page's regions: the archive cut it off before it."""


def find_line(lines: list[str], pattern: str, start: int = 0) -> int:
    """The number of the first line from ``start`` on that matches ``pattern``."""
    regex = re.compile(pattern)
    for number in range(start, len(lines)):
        if regex.search(lines[number]):
            return number
    raise TruncatedDumpError(pattern)


def sitemap_index(locations: list[str]) -> bytes:
    sitemaps = "\n".join(f"<sitemap><loc>{escape(location)}</loc></sitemap>" for location in locations)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{sitemaps}\n</sitemapindex>\n'
    ).encode()


def urlset(entries: list[tuple[str, str]]) -> bytes:
    """A sitemap of (URL, lastmod) entries."""
    urls = "\n".join(f"<url><loc>{escape(url)}</loc><lastmod>{modified}</lastmod></url>" for url, modified in entries)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}\n</urlset>\n'
    ).encode()


def markdown_html(lines: list[str]) -> str:
    """Lines of a Markdown dump rendered back to HTML."""
    return render_markdown("\n".join(lines))


def teaser(body: list[str], length: int) -> str:
    """A feed or list teaser: the start of the body's first line of text (not an image or heading)."""
    text = next((line for line in body if line.strip() and not line.startswith(("!", "[!", "#"))), "")
    return re.sub(r"[*_`\[\]]|\(http[^)]*\)", "", text).strip()[:length]
