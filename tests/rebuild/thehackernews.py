"""The Hacker News as the live site serves it, rebuilt from the archived page dumps.

Each dump is a whole thehackernews.com article page converted to Markdown and cut by the archive at
about 8,000 characters. It is split at the headline link into the page chrome above it and the
article below: the meta line (date, author, labels), the hero image, the body, and the closing
chrome ("Found this article interesting?", the share widgets, the label links). The pieces go back
into the containers LIVE-STRUCTURE.md section 3 names (``h1.story-title``, ``div.postmeta``,
``div#articlebody``). The FeedBurner feed, the Blogger sitemap and robots.txt list the same
articles.
"""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import format_datetime
from html import escape
from urllib.parse import quote
from zoneinfo import ZoneInfo

from scrapers.archive import markdown_line_text, uncut_line
from tests.rebuild.archive import Archived, markdown_html, site_files, sitemap_index, teaser, urlset
from tests.rebuild.mirror import Page, Site

# The feed's +05:30; the page shows only the date, so each article is dated midnight there.
KOLKATA = ZoneInfo("Asia/Kolkata")
HTML = "text/html; charset=UTF-8"
XML = "text/xml; charset=UTF-8"
# FeedBurner serves the latest posts only: the newest archived articles. The sitemap has them all.
FEED_SIZE = 5
SITEMAP = "https://thehackernews.com/sitemap.xml?page=1"
# Bylines glue the author to the first label ("Ravie LakshmananLinux / Vulnerability"): these are
# the authors the dumps name, so the two can be told apart.
AUTHORS = ("Ravie Lakshmanan", "Swati Khandelwal", "The Hacker News")
_DATE = r"[A-Z][a-z]{2} \d{2}, \d{4}"
_CLOSING = "Found this article interesting?"


def split(item: Archived) -> dict[str, list[str]]:
    lines = item.content.strip("\n").splitlines()
    headline = next(n for n, line in enumerate(lines) if re.match(r"^# \[.+\]\(https://thehackernews\.com/", line))
    meta = next(n for n in range(headline + 1, len(lines)) if lines[n].strip())
    hero = next(n for n in range(meta + 1, len(lines)) if lines[n].strip())
    closing = next((n for n in range(hero, len(lines)) if lines[n].startswith(_CLOSING)), None)
    body = lines[hero + 1 : closing]
    if closing is None:
        # Cut by the archive inside the body.
        last = uncut_line(body.pop())
        if last is not None:
            body.append(last)
    tail = lines[closing:] if closing is not None else []
    # The last line the archive kept of a complete page is a cut-off list of label links.
    tail = [line for line in tail if not line.rstrip().endswith("...")]
    return {
        "chrome": lines[1:headline],
        "headline": [lines[headline]],
        "meta": [lines[meta]],
        "hero": [lines[hero]],
        "body": body,
        "closing": tail,
    }


def byline(item: Archived) -> tuple[str, str, list[str], bool]:
    """(date, author, labels, date first) from the meta line, in either of its two orders."""
    line = split(item)["meta"][0]
    date_first = re.fullmatch(rf"\*\*({_DATE})\*\*(.+)", line)
    if date_first:
        date, rest = date_first.groups()
        author = next(name for name in AUTHORS if rest.startswith(name))
        labels = rest[len(author) :]
    else:
        author_first = re.fullmatch(rf"\*\*(.+?)\*\*({_DATE})(.+)", line)
        if not author_first:
            raise ValueError(f"{item.source}: unknown meta line {line!r}")
        author, date, labels = author_first.groups()
    return date, author, [label.strip() for label in labels.split(" / ")], bool(date_first)


def published(item: Archived) -> datetime:
    return datetime.strptime(byline(item)[0], "%b %d, %Y").replace(tzinfo=KOLKATA)


def truncated(item: Archived) -> bool:
    return not any(line.startswith(_CLOSING) for line in split(item)["closing"])


def label_links(labels: list[str]) -> str:
    return "".join(
        f'<a href="https://thehackernews.com/search/label/{quote(label)}">{escape(label)}</a>' for label in labels
    )


def article_page(item: Archived) -> bytes:
    parts = split(item)
    url = str(item.front["url"])
    headline = re.match(r"^# \[(.+)\]\(", parts["headline"][0])
    assert headline
    # The page shows the headline's text, not the dump's Markdown escapes (APP\_KEYs).
    title = escape(markdown_line_text(headline[1]))
    date, author, labels, date_first = byline(item)
    spans = [
        f'<span class="author"><i class="icon font-calendar"></i>{date}</span>',
        f'<span class="author"><i class="icon font-user"></i>{escape(author)}</span>',
    ]
    if not date_first:
        spans.reverse()
    closing = parts["closing"] or [
        f"{_CLOSING} Follow us on [Google News](https://news.google.com/publications/"
        "CAAqLQgKIidDQklTRndnTWFoTUtFWFJvWldoaFkydGxjbTVsZDNNdVkyOXRLQUFQAQ), "
        "[Twitter](https://twitter.com/thehackersnews) and [LinkedIn](https://www.linkedin.com/company/thehackernews/)"
        " to read more exclusive content we post.",
        "",
        "SHARE",
        "[**Tweet](#link_share)",
        "",
        "[**Share](#link_share)",
    ]
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="canonical" href="{escape(url)}">
</head>
<body>
<div id="app">
<div class="header">
{markdown_html(parts["chrome"])}
</div>
<div class="main-box clear">
<div class="main-left-right">
<div class="blog-posts clear" id="Blog1">
<h1 class="story-title"><a href="{escape(url)}">{title}</a></h1>
<div class="postmeta">
<span class="p-author">{"".join(spans)}</span>
<span class="p-tags">{escape(" / ".join(labels))}</span>
</div>
<div class="articlebody clear cf" id="articlebody">
<div class="separator">{markdown_html(parts["hero"])}</div>
{markdown_html(parts["body"])}
{markdown_html(closing)}
<div class="tags">{label_links(labels)}</div>
</div>
</div>
</div>
</div>
<div class="footer"><p>&copy; The Hacker News, 2026. All Rights Reserved.</p></div>
</div>
<script src="https://thehackernews.com/js/main.js"></script>
</body>
</html>
"""
    return page.encode("utf-8")


def item_teaser(item: Archived) -> str:
    return teaser(split(item)["body"], 200)


def rss(articles: list[Archived]) -> bytes:
    items = "\n".join(
        f"""<item>
<title>{escape(str(a.front["title"]))}</title>
<description>{escape(item_teaser(a))}</description>
<link>{escape(str(a.front["url"]))}</link>
<guid isPermaLink="false">{escape(str(a.front["url"]))}</guid>
<pubDate>{format_datetime(published(a))}</pubDate>
<author>info@thehackernews.com (The Hacker News)</author>
</item>"""
        for a in articles[:FEED_SIZE]
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>The Hacker News</title>
<link>https://thehackernews.com</link>
<description>Most trusted, widely-read independent cybersecurity news source for everyone.</description>
<atom:link href="https://feeds.feedburner.com/TheHackersNews" rel="self" type="application/rss+xml"/>
{items}
</channel>
</rss>
""".encode()


ROBOTS = b"""User-agent: Mediapartners-Google
Disallow:

User-agent: *
Disallow: /search
Allow: /

Sitemap: https://thehackernews.com/sitemap.xml
"""


def site() -> Site:
    articles = sorted(site_files("thehackernews"), key=published, reverse=True)
    pages = {
        "https://feeds.feedburner.com/TheHackersNews": Page(200, XML, rss(articles)),
        "https://thehackernews.com/robots.txt": Page(200, "text/plain; charset=UTF-8", ROBOTS),
        "https://thehackernews.com/sitemap.xml": Page(200, XML, sitemap_index([SITEMAP])),
        SITEMAP: Page(200, XML, urlset([(str(a.front["url"]), published(a).date().isoformat()) for a in articles])),
    }
    provenance = {}
    for item in articles:
        url = str(item.front["url"])
        pages[url] = Page(200, HTML, article_page(item), compress=True)
        cut = " (body cut by the archive; closing chrome rebuilt)" if truncated(item) else ""
        provenance[url.removeprefix("https://") + cut] = item.source
    return Site(pages, provenance)


NOTES = f"""\
Each article page is rebuilt from a Markdown dump of the whole live page, cut by the archive at
about 8,000 characters. The dump is split at the headline link: the chrome above it goes into the
page header; below it come the meta line, the hero image, the body and the closing chrome. Texts,
links and order are the archive's. Reconstructed, following `shared/sites/LIVE-STRUCTURE.md`
section 3 (The Hacker News):

- Containers: `h1.story-title > a`, `div.postmeta > span.p-author > span.author` (date and author,
  in the dump's order: date first in the 2024-25 dumps, author first in the 2026 ones),
  `span.p-tags`, `div#articlebody.articlebody` holding the hero `.separator`, the body, the
  closing line, the share widgets and the label links (`div.tags`, rebuilt from the meta line's
  labels because the archive cuts that line off). The header, footer and script are ours.
- Most dumps end inside the body (marked above): the body keeps what the archive kept, without its
  trailing `...`, and the closing chrome (closing line, SHARE, label links) is the one the complete
  dumps show.
- The icon-font glyphs the dumps lost stay lost; in-body banners (`thehackernews.uk` links around
  `data:` images) are kept as the dumps show them.
- The FeedBurner feed (`feeds.feedburner.com/TheHackersNews`) lists the newest {FEED_SIZE} articles,
  with a teaser, `pubDate` at midnight +05:30 on the page's date (the live time is unknown) and
  `author` `info@thehackernews.com (The Hacker News)`, as the 2026 fixture in LIVE-STRUCTURE.md.
- `robots.txt` is Blogger's default (disallows `/search`) plus its `Sitemap:` line, and
  `sitemap.xml` is a Blogger sitemap index whose one page lists every article with its date as
  `lastmod`. Neither is archived.
- Article pages are sent gzip-compressed; the archive keeps no headers, so `Server`, `Date` and
  `Content-Length` are the mirror's own.
"""
