"""securityonline.info ("Daily CyberSecurity") as the live site serves it, rebuilt from the dumps.

Each dump is a whole WordPress article page converted to Markdown, taken by a logged-in session and
cut by the archive at about 8,000 characters. It is split into the page's regions by the texts that
open them (Skip to content, the second ``#`` title, the author's gravatar, the date, Related Posts,
Tags:, Post navigation, Leave a Reply, Search), and the regions go back into a WordPress page in
that order (LIVE-STRUCTURE.md section 4). The feed and the core WordPress sitemap list the same
articles.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape

from tests.rebuild.archive import (
    Archived,
    TruncatedDumpError,
    find_line,
    markdown_html,
    site_files,
    sitemap_index,
    teaser,
    urlset,
)
from tests.rebuild.mirror import Page, Site

HTML = "text/html; charset=UTF-8"
XML = "application/rss+xml; charset=UTF-8"
# The feed holds the site's latest posts: the newest archived ones. The sitemap has them all.
FEED_SIZE = 4
SITEMAP = "https://securityonline.info/wp-sitemap-posts-post-1.xml"
SITEMAP_TYPE = "application/xml; charset=UTF-8"


def regions(item: Archived) -> dict[str, list[str]]:
    lines = item.content.strip("\n").splitlines()
    skip = find_line(lines, r"^\[Skip to content\]")
    title = find_line(lines, r"^# ", skip)
    crumbs = find_line(lines, r"^\* \[Home\]\(https://securityonline\.info/\)$", skip)
    byline = find_line(lines, r"gravatar\.com/avatar", title)
    date = find_line(lines, r"^[A-Z][a-z]+ \d{1,2}, \d{4}$", byline)
    image = find_line(lines, r"^!\[", date)
    related = find_line(lines, r"^### Related Posts:", image)
    tags = find_line(lines, r"^Tags: ", related)
    navigation = find_line(lines, r"^## Post navigation", tags)
    reply = find_line(lines, r"^### Leave a Reply", navigation)
    return {
        "top": lines[skip + 1 : crumbs],
        "crumbs": lines[crumbs:title],
        "title": [lines[title][2:].strip()],
        "byline": [lines[byline]],
        "date": [lines[date]],
        "image": [lines[image]],
        "body": lines[image + 1 : related],
        "plugins": lines[related:tags],
        "tags": lines[tags:navigation],
        "navigation": lines[navigation:reply],
        # The comment form of a logged-in session; an anonymous visitor gets the plain form.
        "comments": [line for line in lines[reply:] if not line.startswith("Logged in as")],
    }


def published(item: Archived) -> datetime:
    return datetime.strptime(regions(item)["date"][0], "%B %d, %Y").replace(tzinfo=UTC)


def author(item: Archived) -> tuple[str, str]:
    match = re.search(r"\) ([^\]]+)\]\((https://securityonline\.info/author/[^)]+)\)", regions(item)["byline"][0])
    if not match:
        raise TruncatedDumpError("author link")
    return match[1], match[2]


def article_page(item: Archived) -> bytes:
    parts = regions(item)
    title = escape(parts["title"][0])
    name, profile = author(item)
    when = parts["date"][0]
    crumb_lines = parts["crumbs"]
    categories = [line for line in crumb_lines[4:] if line.strip()]
    page = f"""<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - Daily CyberSecurity</title>
<link rel="canonical" href="{escape(str(item.front["url"]))}">
</head>
<body class="post-template-default single single-post">
<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<header id="masthead" class="site-header">
{markdown_html(parts["top"])}
</header>
<div id="content" class="site-content">
<nav class="breadcrumbs">
{markdown_html(crumb_lines[:4])}
</nav>
<main id="main" class="site-main">
<article class="post type-post status-publish format-standard has-post-thumbnail">
<header class="entry-header">
<div class="cat-links">{markdown_html(categories)}</div>
<h1 class="entry-title">{title}</h1>
<div class="entry-meta">
<span class="byline"><span class="author vcard"><a class="url fn n" href="{escape(profile)}">{escape(name)}</a></span></span>
<span class="posted-on"><time class="entry-date published">{escape(when)}</time></span>
</div>
</header>
<div class="post-thumbnail">{markdown_html(parts["image"])}</div>
<div class="entry-content">
{markdown_html(parts["body"])}
{markdown_html(parts["plugins"])}
</div>
<footer class="entry-footer"><span class="tags-links">{markdown_html(parts["tags"])}</span></footer>
</article>
<nav class="navigation post-navigation" aria-label="Posts">
{markdown_html(parts["navigation"])}
</nav>
<div id="comments" class="comments-area">
{markdown_html(parts["comments"])}
</div>
</main>
</div>
</div>
</body>
</html>
"""
    return page.encode("utf-8")


def item_teaser(item: Archived) -> str:
    return teaser(regions(item)["body"], 200)


def rss(articles: list[Archived]) -> bytes:
    items = "\n".join(
        f"""<item>
<title>{escape(regions(a)["title"][0])}</title>
<link>{escape(str(a.front["url"]))}</link>
<dc:creator><![CDATA[{author(a)[0]}]]></dc:creator>
<pubDate>{format_datetime(published(a))}</pubDate>
<description><![CDATA[{item_teaser(a)}]]></description>
</item>"""
        for a in articles[:FEED_SIZE]
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
xmlns:content="http://purl.org/rss/1.0/modules/content/"
xmlns:dc="http://purl.org/dc/elements/1.1/"
xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>Daily CyberSecurity</title>
<atom:link href="https://securityonline.info/feed/" rel="self" type="application/rss+xml" />
<link>https://securityonline.info/</link>
<description>Daily CyberSecurity</description>
<language>en-US</language>
{items}
</channel>
</rss>
""".encode()


ROBOTS = b"""User-agent: *
Disallow: /wp-admin/
Allow: /wp-admin/admin-ajax.php

Sitemap: https://securityonline.info/wp-sitemap.xml
"""


def site() -> Site:
    articles = sorted(site_files("securityonline"), key=published, reverse=True)
    pages = {
        "https://securityonline.info/feed/": Page(200, XML, rss(articles)),
        "https://securityonline.info/robots.txt": Page(200, "text/plain; charset=utf-8", ROBOTS),
        "https://securityonline.info/wp-sitemap.xml": Page(200, SITEMAP_TYPE, sitemap_index([SITEMAP])),
        SITEMAP: Page(200, SITEMAP_TYPE, urlset([(str(a.front["url"]), published(a).isoformat()) for a in articles])),
    }
    for item in articles:
        pages[str(item.front["url"])] = Page(200, HTML, article_page(item), compress=True)
    provenance = {str(a.front["url"]).removeprefix("https://"): a.source for a in articles}
    return Site(pages, provenance)


NOTES = f"""\
Each article page is rebuilt from a Markdown dump of the whole live page (a logged-in session,
cut by the archive at about 8,000 characters, always after the article). The dump is split into
the page's regions by the texts that open them: Skip to content, the breadcrumb, the second `#`
title, the author's gravatar link, the date, Related Posts, Tags:, Post navigation, Leave a Reply.
Each region is rendered back to HTML with python-markdown and put back in page order. Texts, links
and order are the archive's. Reconstructed, following `shared/sites/LIVE-STRUCTURE.md` section 4:

- The WordPress admin bar ("About WordPress") and "Logged in as" line are left out: an anonymous
  visitor, such as the crawler, does not get them.
- Class names follow WordPress theme conventions (`h1.entry-title`, `.entry-meta`, `.byline`,
  `time.entry-date`, `div.entry-content`, `.entry-footer`, `.post-navigation`, `#comments`); the
  live ones are not evidenced. `time` has no `datetime` attribute, since the time is unknown.
- Related Posts, "Rate this post" and "Found this helpful?" come from plugins that append to the
  post content, so they are inside `div.entry-content`, after the body, with no class names of
  their own.
- The feed (`/feed/`) is WordPress RSS 2.0 listing the newest {FEED_SIZE} articles, `pubDate` at
  midnight UTC on the page's date (the site's time and zone are unknown), `dc:creator` and a
  teaser; whether the live feed carries `content:encoded` is unknown, so it has none.
- `robots.txt` is WordPress's default virtual one with its `Sitemap:` line, and the sitemap is the
  WordPress core one (`wp-sitemap.xml` → `wp-sitemap-posts-post-1.xml`, every article with its date
  as `lastmod`). Neither is archived.
- Article pages are sent gzip-compressed; `Server`, `Date` and `Content-Length` are the mirror's.
"""
