"""Pages for the generic ``feed`` spider: real pages from the extraction dev sets, with feeds around them.

The article pages are the HTML of pages in ``../shared/eval/*-dev.jsonl``, served under their own
URLs. No feed or sitemap of those sites was archived, so three are written here, each a different
kind of start URL: an RSS feed for news.163.com, an Atom feed for nytimes.com, and a robots.txt
naming a Google News sitemap for thepaper.cn.
"""

from __future__ import annotations

import json
from datetime import datetime
from email.utils import format_datetime
from html import escape
from zoneinfo import ZoneInfo

from htmldate import find_date
from trafilatura.metadata import extract_metadata

from tests.rebuild.archive import SHARED
from tests.rebuild.mirror import Page, Site

RSS_URL = "https://news.163.com/special/00011K6L/rss_newstop.xml"
ATOM_URL = "https://rss.nytimes.com/services/xml/rss/nyt/HomePage.xml"
ROBOTS_URL = "https://www.thepaper.cn/robots.txt"
NEWS_SITEMAP_URL = "https://www.thepaper.cn/sitemap_news.xml"
# The spider arguments the cassette was recorded with, for the tests and `make demo`.
START_URLS = (RSS_URL, ATOM_URL, ROBOTS_URL)

# (dev set, page id) of each article, grouped by the start URL that lists it.
PAGES = {
    RSS_URL: [("zh-modern-dev", "gne-163-2"), ("zh-modern-dev", "gne-163-3"), ("zh-modern-dev", "gne-163-6")],
    ATOM_URL: [
        ("web-dev", "04a6711caa7c687592777718866e781e976e0fe684faebe8b3cedcef8cd0ea34"),
        ("web-dev", "702d1da63b8e064cb70617620e45c2d116b4912c9bc9d518dcf5ce54bb8057ed"),
    ],
    NEWS_SITEMAP_URL: [("zh-modern-dev", "gne-thepaper-1"), ("zh-modern-dev", "gne-thepaper-3")],
}
SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")


def eval_pages() -> dict[tuple[str, str], dict[str, str]]:
    wanted = {key for keys in PAGES.values() for key in keys}
    found = {}
    for dataset in {dataset for dataset, _ in wanted}:
        with (SHARED / "eval" / f"{dataset}.jsonl").open(encoding="utf-8") as lines:
            for line in lines:
                row = json.loads(line)
                if (dataset, row["id"]) in wanted:
                    found[(dataset, row["id"])] = row
    missing = wanted - set(found)
    if missing:
        raise ValueError(f"not in ../shared/eval: {sorted(missing)}")
    return found


def published(row: dict[str, str], tz: ZoneInfo) -> datetime:
    # The page's own date, as htmldate reads it; midnight, since feeds need a time.
    day = find_date(row["html"], url=row["url"], original_date=True)
    if day is None:
        raise ValueError(f"{row['url']}: no date on the page")
    return datetime.fromisoformat(day).replace(tzinfo=tz)


def title(row: dict[str, str]) -> str:
    metadata = extract_metadata(row["html"], default_url=row["url"])
    if metadata.title is None:
        raise ValueError(f"{row['url']}: no title on the page")
    return str(metadata.title)


def rss(rows: list[dict[str, str]]) -> bytes:
    items = "\n".join(
        f"""<item>
<title>{escape(title(row))}</title>
<link>{escape(row["url"])}</link>
<pubDate>{format_datetime(published(row, SHANGHAI))}</pubDate>
</item>"""
        for row in rows
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>网易新闻</title><link>https://news.163.com/</link>
<description>网易新闻 头条</description>
{items}
</channel></rss>
""".encode()


def atom_entry(row: dict[str, str]) -> str:
    # Atom entries link their comments too; only rel="alternate" is the article.
    url = escape(row["url"])
    moment = published(row, NEW_YORK).isoformat()
    return f"""<entry>
<title>{escape(title(row))}</title>
<id>{url}</id>
<link rel="replies" href="{url}#commentsContainer"/>
<link rel="alternate" type="text/html" href="{url}"/>
<published>{moment}</published>
<updated>{moment}</updated>
</entry>"""


def atom(rows: list[dict[str, str]]) -> bytes:
    entries = "\n".join(atom_entry(row) for row in rows)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>NYT &gt; Top Stories</title>
<id>{ATOM_URL}</id><updated>2019-11-19T12:00:00-05:00</updated>
<link rel="self" href="{ATOM_URL}"/>
{entries}
</feed>
""".encode()


def news_sitemap(rows: list[dict[str, str]]) -> bytes:
    urls = "\n".join(
        f"""<url><loc>{escape(row["url"])}</loc><news:news>
<news:publication><news:name>澎湃新闻</news:name><news:language>zh</news:language></news:publication>
<news:publication_date>{published(row, SHANGHAI).isoformat()}</news:publication_date>
<news:title>{escape(title(row))}</news:title></news:news></url>"""
        for row in rows
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
{urls}
</urlset>
""".encode()


def site() -> Site:
    rows = eval_pages()
    listed = {start: [rows[key] for key in keys] for start, keys in PAGES.items()}
    pages = {
        RSS_URL: Page(200, "text/xml; charset=utf-8", rss(listed[RSS_URL])),
        ATOM_URL: Page(200, "application/atom+xml; charset=utf-8", atom(listed[ATOM_URL])),
        ROBOTS_URL: Page(200, "text/plain", f"User-agent: *\nAllow: /\n\nSitemap: {NEWS_SITEMAP_URL}\n".encode()),
        NEWS_SITEMAP_URL: Page(200, "application/xml; charset=utf-8", news_sitemap(listed[NEWS_SITEMAP_URL])),
    }
    provenance = {}
    for (dataset, page_id), row in rows.items():
        pages[row["url"]] = Page(200, "text/html; charset=utf-8", row["html"].encode("utf-8"), compress=True)
        provenance[row["url"].split("://", 1)[1]] = f"eval/{dataset}.jsonl id {page_id[:16]}"
    return Site(pages, provenance)


NOTES = """\
The article pages are real: the HTML of pages in the extraction dev sets (`eval/*-dev.jsonl`),
served under their own URLs as UTF-8 (the dev sets hold them decoded), gzip-compressed. Everything
around them is ours, since no feed or sitemap of these sites was archived:

- an RSS 2.0 feed at a news.163.com feed address listing three news.163.com pages;
- an Atom feed at a nytimes.com feed address listing two nytimes.com pages, each entry with a
  `rel="replies"` link before its `rel="alternate"` one;
- `www.thepaper.cn/robots.txt` naming a Google News sitemap that lists two thepaper.cn pages with
  `news:title` and `news:publication_date`.

Titles are each page's own title, as trafilatura reads it; dates are the page's own date as htmldate
reads it, at midnight in the site's zone. Every other host answers 404, robots.txt included.
The crawl was recorded with `-a url="<the three start URLs>"` (`tests/rebuild/feed.py`).
"""
