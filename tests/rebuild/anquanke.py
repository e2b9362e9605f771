"""Anquanke as the live site serves it, rebuilt from the archived page dumps.

Each dump is a whole www.anquanke.com article page converted to Markdown, chrome included. It is
cut into the page's regions by the texts that open them (阅读量, 发布时间, 译文声明, 商务合作, 分享到,
发表评论, the author box, TA的文章, the footer), each region is turned back into HTML, and the
regions are put back in their order inside the containers LIVE-STRUCTURE.md names (``#js-article``
for the body). The RSS feed and the posts API are rebuilt from the same dumps.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from email.utils import format_datetime
from html import escape
from zoneinfo import ZoneInfo

from tests.rebuild.archive import (
    Archived,
    TruncatedDumpError,
    anquanke_files,
    find_line,
    markdown_html,
    read_archived,
    teaser,
)
from tests.rebuild.mirror import Page, Site

SHANGHAI = ZoneInfo("Asia/Shanghai")
API_PAGE_SIZE = 10
HTML = "text/html; charset=UTF-8"


def _html(lines: list[str]) -> str:
    rendered = markdown_html(lines)
    # Anquanke lazy-loads body images: the real address sits in data-original, with no src.
    return re.sub(r'<img alt="([^"]*)" src="([^"]*)"\s*/?>', r'<img alt="\1" data-original="\2">', rendered)


def regions(item: Archived) -> dict[str, list[str]]:
    lines = item.content.strip("\n").splitlines()
    views = find_line(lines, r"^阅读量")
    title = max(n for n in range(views) if lines[n].startswith("# "))
    published = find_line(lines, r"^发布时间", views)
    statement = find_line(lines, r"^##### 译文声明", published)
    statement_end = find_line(lines, r"^译文仅供参考", statement)
    business = find_line(lines, r"^商务合作，文章发布请联系", statement_end)
    share = find_line(lines, r"^分享到", business)
    comments = find_line(lines, r"^## 发表评论", share)
    author = find_line(lines, r"^\[[^\]]+\]\(/member\.html\?memberId=\d+\)$", comments)
    author_start = find_line(lines, r"^\[!\[\]\(", comments)
    their = find_line(lines, r"^### TA的文章", author)
    toc = find_line(lines, r"^文章目录$", their)
    return {
        "title": [lines[title][2:].strip()],
        "nav": lines[1:title],
        "views": lines[views : views + 1],
        "published": lines[published : published + 1],
        "statement": lines[statement : statement_end + 1],
        "body": lines[statement_end + 1 : business],
        "copyright": lines[business:share],
        "share": lines[share:comments],
        "comments": lines[comments:author_start],
        "author": lines[author_start:their],
        "side": lines[their : toc + 1],
        "footer": lines[toc + 1 :],
    }


def load() -> tuple[list[Archived], list[str]]:
    articles: list[Archived] = []
    skipped: list[str] = []
    for path in anquanke_files():
        item = read_archived(path)
        try:
            parts = regions(item)
        except TruncatedDumpError:
            skipped.append(item.source)
            continue
        item.extra["id"] = str(item.front["url"]).rstrip("/").rsplit("/", 1)[1]
        item.extra["published"] = parts["published"][0].split(":", 1)[1].strip()
        item.extra["title"] = parts["title"][0]
        item.extra["author"] = re.findall(r"^\[([^\]]+)\]\(/member", "\n".join(parts["author"]), re.M)[0]
        item.extra["tags"] = json.dumps(re.findall(r"\]\(/tag/[^)]+\)", "\n".join(parts["share"])))
        articles.append(item)
    articles.sort(key=published, reverse=True)
    return articles, skipped


def published(item: Archived) -> datetime:
    return datetime.strptime(item.extra["published"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI)


def tag_names(item: Archived) -> list[str]:
    return re.findall(r"^\* \[([^\]]+)\]\(/tag/", item.content, re.M)


def _description(parts: dict[str, list[str]]) -> str:
    return teaser(parts["body"], 150)


def article_page(item: Archived) -> bytes:
    parts = regions(item)
    title = escape(item.extra["title"])
    views = re.sub(r"\*\*(\d+)\*\*", r"<b>\1</b>", parts["views"][0])
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - 安全KER - 有思想的安全新媒体</title>
<meta name="keywords" content="{escape(",".join(tag_names(item)))}">
<meta name="description" content="{escape(_description(parts))}">
<link rel="stylesheet" href="https://p403.ssl.qhimgs4.com/static/css/article.css">
</head>
<body>
<div class="header"><a class="logo" href="https://www.anquanke.com/">安全KER</a>
<div class="nav">{_html(parts["nav"])}</div></div>
<div class="article-wrap">
<div class="article-main">
<div class="article-title"><h1>{title}</h1></div>
<div class="article-info"><span class="article-views">{views}</span>
<span class="article-time">{escape(parts["published"][0])}</span></div>
<div class="article-statement"><b class="close">x</b>
{_html(parts["statement"])}
</div>
<div class="article-content" id="js-article">
{_html(parts["body"])}
</div>
<div class="article-copyright">
{_html(parts["copyright"])}
</div>
<div class="article-share">
{_html(parts["share"])}
</div>
<div class="article-comment">
{_html(parts["comments"])}
</div>
</div>
<div class="article-side">
<div class="article-author">
{_html(parts["author"])}
</div>
{_html(parts["side"])}
</div>
</div>
<div class="footer">
{_html(parts["footer"])}
</div>
<script src="https://s.ssl.qhres2.com/static/article.js"></script>
</body>
</html>
"""
    return page.encode("utf-8")


def rss(articles: list[Archived]) -> bytes:
    items = "\n".join(
        f"""<item>
<title>{escape(a.extra["title"])}</title>
<link>https://www.anquanke.com/post/id/{a.extra["id"]}</link>
<description>{escape(_description(regions(a)))}</description>
<pubDate>{format_datetime(published(a))}</pubDate>
<guid>https://www.anquanke.com/post/id/{a.extra["id"]}</guid>
</item>"""
        for a in articles
    )
    feed = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
<title>安全客-有思想的安全新媒体</title>
<link>https://www.anquanke.com</link>
<description>安全客-有思想的安全新媒体</description>
{items}
</channel>
</rss>
"""
    return feed.encode("utf-8")


def posts(articles: list[Archived], page: int) -> bytes:
    chunk = articles[(page - 1) * API_PAGE_SIZE : page * API_PAGE_SIZE]
    data = [
        {
            "id": int(a.extra["id"]),
            "title": a.extra["title"],
            "desc": _description(regions(a)),
            "date": a.extra["published"],
            "author": {"nickname": a.extra["author"]},
            "category_name": "安全资讯",
            "tags": tag_names(a),
        }
        for a in chunk
    ]
    more = page * API_PAGE_SIZE < len(articles)
    next_url = f"https://api.anquanke.com/data/v1/posts?size={API_PAGE_SIZE}&page={page + 1}&category=news"
    return json.dumps({"success": True, "data": data, "next": next_url if more else ""}, ensure_ascii=False).encode()


def site() -> Site:
    articles, skipped = load()
    pages = {
        "https://api.anquanke.com/data/v1/rss": Page(200, "application/xml; charset=UTF-8", rss(articles)),
    }
    for page in range(1, len(articles) // API_PAGE_SIZE + 2):
        url = f"https://api.anquanke.com/data/v1/posts?size={API_PAGE_SIZE}&page={page}&category=news"
        pages[url] = Page(200, "application/json; charset=utf-8", posts(articles, page))
    for item in articles:
        pages[f"https://www.anquanke.com/post/id/{item.extra['id']}"] = Page(200, HTML, article_page(item))
    provenance = {f"www.anquanke.com/post/id/{a.extra['id']}": a.source for a in articles}
    for source in skipped:
        provenance[f"(not rebuilt) {source}"] = "dump is cut off before the page's closing chrome"
    return Site(pages, provenance)


NOTES = f"""\
Each article page is rebuilt from a Markdown dump of the whole live page: the dump is cut into
the page's regions by the texts that open them (阅读量, 发布时间, 译文声明, 商务合作, 分享到, 发表评论,
the author box, TA的文章, 文章目录/footer), each region is rendered back to HTML with
python-markdown, and the regions are put back in page order. Texts, links and order are the
archive's. Reconstructed, following `shared/sites/LIVE-STRUCTURE.md` section 2 (Anquanke):

- Container class names other than `#js-article` (the body, as RSSHub reads it) are ours:
  `.article-statement`, `.article-copyright`, `.article-share`, `.article-author`, `.footer`.
- Body images carry `data-original` and no `src` (lazy loading); the dumps lost the addresses.
- `<title>` is `<headline> - 安全KER - 有思想的安全新媒体` (the live format is unknown).
- The RSS feed (`api.anquanke.com/data/v1/rss`) lists every rebuilt article with `pubDate` in
  +0800; the live item fields are unknown.
- The posts API (`/data/v1/posts?size={API_PAGE_SIZE}&page=N&category=news`) returns
  `{{data:[id,title,desc,date,author.nickname,category_name,tags], next}}`; `next` is empty on the
  last page.
- Response headers: `Content-Type` with the charset the site declares (UTF-8; LIVE-STRUCTURE.md);
  the archive keeps no other headers, so `Server`, `Date` and `Content-Length` are the mirror's own.
- `robots.txt` is not archived; the mirror answered 404, which Scrapy reads as "allow all".
"""
