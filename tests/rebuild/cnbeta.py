"""cnBeta as the live site serves it, rebuilt around the archived article bodies.

The archive holds, per article, the ``<div class="content" id="artibody">`` fragment scraped from
``m.cnbeta.com.tw/wap/view/<id>.htm``, its title and its feed date (UTC). Those are kept byte for
byte. What the archive lacks (the mobile page around the body, the RSS feed, the desktop home page
and its "load more" JSON) follows LIVE-STRUCTURE.md section 1; every guess is listed in the
cassette README that ``notes()`` writes.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from email.utils import format_datetime
from html import escape
from zoneinfo import ZoneInfo

from scrapers.archive import front_date
from tests.rebuild.archive import Archived, cnbeta_files, read_archived
from tests.rebuild.mirror import Page, Site

SHANGHAI = ZoneInfo("Asia/Shanghai")
CSRF_TOKEN = "Zk1yc0JvYmVDSXZ4WnZxQVlNbDNwZ1F5"
LIST_TYPE = "all"
SECTION = "tech"
JSON_PAGE_SIZE = 3
HTML = "text/html; charset=utf-8"


def load() -> list[Archived]:
    articles = []
    for path in cnbeta_files():
        item = read_archived(path)
        content = item.content
        start = content.index('<div style="margin-top:10px" class="content" id="artibody">')
        end = content.index("</div>  \n<hr>", start) + len("</div>")
        item.extra["body"] = content[start:end]
        match = re.search(r"m\.cnbeta\.com\.tw/wap/view/(\d+)\.htm", content[end:])
        if not match:
            raise ValueError(f"{path}: no article id")
        item.extra["id"] = match[1]
        articles.append(item)
    return sorted(articles, key=lambda a: published(a), reverse=True)


def published(item: Archived) -> datetime:
    moment = front_date(item.front["date"])
    assert moment is not None, item.source
    return moment


def desktop_url(item: Archived) -> str:
    return f"https://www.cnbeta.com.tw/articles/{SECTION}/{item.extra['id']}.htm"


def _teaser(body: str) -> str:
    first = re.search(r"<p>(.*?)</p>", body, re.DOTALL)
    text = re.sub(r"<[^>]+>", "", first[1]) if first else ""
    return text.strip()[:120]


def article_page(item: Archived, others: list[Archived]) -> bytes:
    title = escape(str(item.front["title"]))
    local = published(item).astimezone(SHANGHAI)
    related = "".join(
        f'<li><a href="/wap/view/{o.extra["id"]}.htm">{escape(str(o.front["title"]))}</a></li>' for o in others[:4]
    )
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, maximum-scale=1">
<title>{title} - cnBeta.COM 移动版</title>
<meta name="description" content="{escape(_teaser(item.extra["body"]))}">
<link rel="stylesheet" href="https://static.cnbetacdn.com/wap/css/style.css">
</head>
<body>
<header class="header"><a class="logo" href="https://m.cnbeta.com.tw/wap">cnBeta.COM</a>
<nav class="nav"><a href="/wap">最新</a><a href="/wap/hot.htm">热门</a><a href="/wap/argue.htm">热评</a></nav></header>
<div class="article-holder">
<div class="article-tit"><h1>{title}</h1></div>
<div class="article-info"><span class="time">{local:%Y年%m月%d日 %H:%M}</span> <span class="source">稿源：cnBeta.COM</span></div>
{item.extra["body"]}
<div class="article-share">分享到：<a href="#" class="share-weixin">微信</a><a href="#" class="share-weibo">微博</a></div>
<div class="article-related"><h3>相关文章</h3><ul>{related}</ul></div>
</div>
<footer class="footer"><p><a href="https://www.cnbeta.com.tw/">电脑版</a> | <a href="/wap">移动版</a></p>
<p>Copyright &copy; 2003 - 2026 cnBeta.COM</p></footer>
<script src="https://static.cnbetacdn.com/wap/js/app.js"></script>
</body>
</html>
"""
    return page.encode("utf-8")


def rss(articles: list[Archived]) -> bytes:
    items = []
    for item in articles:
        link = desktop_url(item)
        items.append(f"""<item>
\t<title>{escape(str(item.front["title"]))}</title>
\t<link>{link}</link>
\t<description><![CDATA[ <p>{_teaser(item.extra["body"])}</p> <a href="{link}" target="_blank"><strong>阅读全文</strong></a> ]]></description>
\t<pubDate>{format_datetime(published(item), usegmt=True)}</pubDate>
\t<guid>{link}</guid>
</item>""")
    feed = f"""<?xml version="1.0" encoding="utf-8" ?>
<rss version="2.0" >
<channel>
<title>cnBeta.COM.TW RSS订阅</title>
<link>https://www.cnbeta.com.tw</link>
<description>cnBeta.COM.TW - 简明IT新闻,网友媒体与言论平台</description>
<image>
\t<url>https://static.cnbetacdn.com/logo.png</url>
\t<title>cnBeta.COM.TW</title>
\t<link>https://www.cnbeta.com.tw</link>
</image>
{chr(10).join(items)}
</channel>
</rss>
"""
    return feed.encode("utf-8")


def home(articles: list[Archived]) -> bytes:
    entries = "".join(
        f"""<div class="item"><dl><dt><a href="{desktop_url(a)}" target="_blank">{escape(str(a.front["title"]))}</a></dt>
<dd><p>{escape(_teaser(a.extra["body"]))}</p></dd></dl></div>
"""
        for a in articles[:JSON_PAGE_SIZE]
    )
    advert = """<div class="item"><dl><dt><a href="https://static.cnbetacdn.com/ad/2026/promo.htm">推广</a></dt></dl></div>"""
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="csrf-param" content="_csrf">
<meta name="csrf-token" content="{CSRF_TOKEN}">
<title>cnBeta.COM_中文业界资讯站</title>
</head>
<body>
<header class="header"><a class="logo" href="/">cnBeta.COM</a>
<nav><a href="/category/science.htm">科学探索</a><a href="/category/game.htm">游戏</a><a href="/topics.htm">主题</a></nav></header>
<div class="cnbeta-home-hero"></div>
<div class="items-area" data-type="{LIST_TYPE}">
{entries}{advert}
</div>
<footer><p>Copyright &copy; 2003 - 2026 cnBeta.COM</p></footer>
</body>
</html>
"""
    return page.encode("utf-8")


def more(articles: list[Archived], page: int) -> bytes:
    start = page * JSON_PAGE_SIZE
    result = [
        {
            "title": str(a.front["title"]),
            "hometext": f"<p>{_teaser(a.extra['body'])}</p>",
            "source": "cnBeta.COM@https://www.cnbeta.com.tw",
            "inputtime": f"{published(a).astimezone(SHANGHAI):%Y-%m-%d %H:%M:%S}",
            "url_show": "//" + desktop_url(a).split("//", 1)[1],
            "label": {"name": "科技"},
        }
        for a in articles[start : start + JSON_PAGE_SIZE]
    ]
    return json.dumps({"state": "success", "message": "", "result": result}, ensure_ascii=False).encode("utf-8")


def site() -> Site:
    articles = load()
    pages: dict[str, Page] = {
        "https://www.cnbeta.com.tw/backend.php": Page(200, "application/xml; charset=utf-8", rss(articles)),
        "https://www.cnbeta.com.tw/": Page(200, HTML, home(articles)),
    }
    for page in range(1, len(articles) // JSON_PAGE_SIZE + 2):
        url = f"https://www.cnbeta.com.tw/home/more?&type={LIST_TYPE}&page={page}&_csrf={CSRF_TOKEN}"
        pages[url] = Page(200, "application/json; charset=UTF-8", more(articles, page))
    for item in articles:
        others = [o for o in articles if o is not item]
        pages[f"https://m.cnbeta.com.tw/wap/view/{item.extra['id']}.htm"] = Page(200, HTML, article_page(item, others))
    return Site(pages, provenance={f"m.cnbeta.com.tw/wap/view/{a.extra['id']}.htm": a.source for a in articles})


NOTES = f"""\
What is archived and kept byte for byte: each article's `<div class="content" id="artibody">`
body, its title, and its feed date. What is reconstructed, following `shared/sites/LIVE-STRUCTURE.md`
section 1 (cnBeta):

- The mobile article page around the body: `<title>… - cnBeta.COM 移动版</title>`, a header and
  nav, `h1`, a `.time` element (its live text format is unknown; we write `YYYY年MM月DD日 HH:MM`,
  the desktop format), a share bar, a related-articles list and a footer.
- `backend.php`: the RSS 2.0 shape of the 2026-08-18 live pull (CDATA teaser + 阅读全文 link,
  `pubDate` in GMT, `guid` = link). The archive has no editor logins, so items have no `author`.
  It lists every archived article; the live feed lists only the latest ones.
- Desktop article links need a section slug that the archive does not keep; we use `{SECTION}`.
- The desktop home page: `meta[name=csrf-token]` (the token value is made up), `div[data-type]` (`{LIST_TYPE}`; the live value
  is unknown), `.items-area .item dl dt a` items (the newest {JSON_PAGE_SIZE}) and one ad item linking
  to cnbetacdn.
- `home/more?&type=…&page=N&_csrf=…` JSON: `result[]` with `title`, `hometext`, `source`,
  `inputtime` (UTC+8), protocol-relative `url_show` and `label.name`, {JSON_PAGE_SIZE} per page.
- Response headers: `Content-Type` with the charset the site declares (UTF-8; LIVE-STRUCTURE.md);
  the archive keeps no other headers, so `Server`, `Date` and `Content-Length` are the mirror's own.
- `robots.txt` is not archived; the mirror answered 404, which Scrapy reads as "allow all".
"""
