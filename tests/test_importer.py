"""The archive importer on every archived article in ../shared, checked against the archive and
against what the spiders make of the same articles from their cassettes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest_twisted
from lxml import html as lxml_html

from scrapers.archive import markdown_line_text
from scrapers.importer import ImportSpider
from tests import test_anquanke, test_securityonline, test_thehackernews
from tests.crawling import ROOT, CrawlResult, assert_no_cassette_miss, crawl
from tests.rebuild import anquanke, securityonline, thehackernews
from tests.rebuild.archive import Archived, TruncatedDumpError, read_archived

CNBETA_CHROME = (
    "参考资料",
    "theinformation.com",
    "原文链接",
    "by cnbeta",
    "责任编辑",
    "文章打分",
    "大家还在看",
    "网友评论",
    "Google提供的广告",
    "稿源",
    "次阅读",
)
CHROME = {
    "anquanke": test_anquanke.CHROME,
    "thehackernews": test_thehackernews.CHROME,
    "securityonline": test_securityonline.CHROME,
    "cnbeta": CNBETA_CHROME,
    "feed": ("原文链接", "by 阿庚在思考"),
}
SKIPPED = {
    "sites/LIVE-STRUCTURE.md": "no front matter",
    "sites/SOURCES.tsv": "no front matter",
    "sites/cnbeta/index_pages/cnbeta.html": "names no address",
}


async def import_archive(shared: Path, tmp_path: Path) -> CrawlResult:
    # Annotated, not dropped: every archived article must come out, the Anquanke translation of a
    # The Hacker News article as well as its original.
    settings = {"DEDUPE_ACTION": "annotate"}
    return await crawl(ImportSpider, tmp_path, settings, paths=[str(shared / "seeds"), str(shared / "sites")])


def flat(text: str) -> str:
    return " ".join(re.sub(r"[*`]", "", text).split())


def archived_articles(shared: Path) -> dict[str, list[str]]:
    """For every archived article: the URL it is imported as, and paragraphs of its text that must
    all be in the imported body, found by the rebuild's own reading of each format."""
    expected: dict[str, list[str]] = {}
    for path in sorted([*shared.glob("sites/*/*.md"), *shared.glob("seeds/*.txt")]):
        item = read_archived(path)
        if "url" not in item.front:  # a Hugo post: a body fragment and a link to where it was
            fragment, link = item.content.rsplit("<hr>", 1)
            url = re.search(r'href="([^"]+)"', link)
            assert url, path
            root = lxml_html.fragment_fromstring(fragment[fragment.index("<") :], create_parent="div")
            paragraphs = [flat(p.text_content()) for p in root.iter("p") if flat(p.text_content())]
            kept = [p for p in paragraphs if not re.fullmatch(r"https?://\S+|参考资料[:：]?", p)]
            expected[url[1]] = [kept[0], kept[-1]]
            continue
        expected[str(item.front["url"])] = _dump_paragraphs(item)
    return expected


def _dump_paragraphs(item: Archived) -> list[str]:
    """The body lines the rebuild of the dump's site reads as the article."""
    host = urlsplit(str(item.front["url"])).hostname or ""
    if host.endswith("anquanke.com"):
        try:
            body = anquanke.regions(item)["body"]
        except TruncatedDumpError:
            lines = item.content.splitlines()
            start = next(n for n, line in enumerate(lines) if line.startswith("译文仅供参考"))
            body = lines[start + 1 : start + 8]
    elif host.endswith("thehackernews.com"):
        body = thehackernews.split(item)["body"]
    else:
        body = securityonline.regions(item)["body"]
    # Dumps keep some raw HTML tags, which Markdown passes through as markup, not text.
    texts = [re.sub(r"<[^>]+>", "", markdown_line_text(line)).strip() for line in body]
    paragraphs = [text for text in texts if text]
    kept = [p for p in paragraphs if not any(chrome in p for chrome in test_anquanke.CHROME)]
    return [kept[0], kept[-1]]


@pytest_twisted.ensureDeferred
async def test_every_archived_article_is_imported_clean(shared: Path, tmp_path: Path) -> None:
    result = await import_archive(shared, tmp_path)
    expected = archived_articles(shared)

    by_url = {item["url"]: item for item in result.items}
    assert len(by_url) == len(result.items) == 69
    for url, paragraphs in expected.items():
        item = by_url[url]
        body = flat(item["articleBody"])
        for paragraph in paragraphs:
            assert flat(paragraph) in body, (url, paragraph)
        leftovers = [chrome for chrome in CHROME[item["sourceSite"]] if chrome in item["articleBody"]]
        assert not leftovers, f"{url} keeps {leftovers}"
        assert item["headline"] and item["datePublished"], url
    assert len(expected) == 67
    assert result.stats["import/files"] == 72
    assert result.stats["import/skipped"] == 3
    # 3 Anquanke and 11 The Hacker News dumps end inside the article (the archive's size limit).
    assert result.stats["import/truncated"] == 14
    # The one story archived twice: The Hacker News' original and Anquanke's translation of it.
    duplicates = [
        (item["url"], item["duplicateKind"], item["duplicateOf"]) for item in result.items if item["duplicateOf"]
    ]
    translation = "https://www.anquanke.com/post/id/308613"
    original = "https://thehackernews.com/2025/06/new-linux-flaws-enable-full-root-access.html"
    assert duplicates in ([(original, "translation", translation)], [(translation, "translation", original)])
    assert result.stats["dedupe/duplicate/translation"] == 1


@pytest_twisted.ensureDeferred
async def test_saved_2013_cnbeta_pages_go_through_the_cnbeta_spider(shared: Path, tmp_path: Path) -> None:
    result = await crawl(ImportSpider, tmp_path, paths=[str(shared / "sites" / "cnbeta" / "article_pages_2013")])

    item = result.item("www.cnbeta.com/articles/258098.htm")
    assert item["sourceSite"] == "cnbeta"
    assert item["canonicalUrl"] == "https://m.cnbeta.com.tw/wap/view/258098.htm"
    assert item["headline"] == "与Xbox One不同：PS4在推出时暂不支持“暂停和恢复”功能"
    assert item["datePublished"] == "2013-10-28T09:13:15+08:00"
    body = item["articleBody"]
    assert body.startswith("微软Xbox One和索尼PlayStation 4之间的战斗仍在继续。")
    assert "我们将在不久的将来带来额外的信息和功能" in body
    for chrome in CNBETA_CHROME:
        assert chrome not in body, chrome


@pytest_twisted.ensureDeferred
async def test_attribution_of_imported_articles(shared: Path, tmp_path: Path) -> None:
    result = await import_archive(shared, tmp_path)

    cnbeta_seed = result.item("m.cnbeta.com.tw/wap/view/1516922.htm")
    assert (
        cnbeta_seed["isBasedOn"] == "https://www.theinformation.com/articles/inside-openais-rocky-path-gpt-5?rc=epv9gi"
    )
    assert cnbeta_seed["datePublished"] == "2025-08-03T11:06:04+08:00"
    translation = result.item("/post/id/308613")
    assert translation["isBasedOn"] == "https://thehackernews.com/2025/06/new-linux-flaws-enable-full-root-access.html"
    assert (translation["originalAuthor"], translation["originalSource"]) == ("Ravie Lakshmanan", "TheHackersNews")
    assert translation["datePublished"] == "2025-06-19T15:43:45+08:00"
    for path in [*shared.glob("sites/anquanke*/*.md"), shared / "seeds" / "002_0b40a3fbf5ad261a.txt"]:
        text = path.read_text(encoding="utf-8")
        url = re.search(r"^url: (\S+)", text, re.M)
        original = re.search(r"^原文地址：<(https?://[^>]+)>", text, re.M)
        assert url, path
        assert result.item(url[1])["isBasedOn"] == (original[1] if original else None), path
    # The Hugo footers' 原文链接 names the page the post was taken from: the item's url, not an original.
    assert all(item["isBasedOn"] != item["url"] for item in result.items)


@pytest_twisted.ensureDeferred
async def test_importer_and_spiders_agree(shared: Path, tmp_path: Path) -> None:
    imported = await import_archive(shared, tmp_path / "import")
    crawled: dict[str, dict[str, object]] = {}
    for name in ("anquanke", "cnbeta", "thehackernews", "securityonline"):
        settings = {"CASSETTE_PATH": str(ROOT / "cassettes" / name / "crawl.yaml"), "CASSETTE_RECORD_MODE": "none"}
        result = await crawl(name, tmp_path / name, settings, since="2000-01-01")
        assert_no_cassette_miss(result)
        crawled.update((item["canonicalUrl"], item) for item in result.items)

    # The spiders, too, keep every archived article's paragraphs and drop its site's chrome.
    expected = archived_articles(shared)
    for url, crawled_item in crawled.items():
        body = str(crawled_item["articleBody"])
        assert all(flat(paragraph) in flat(body) for paragraph in expected[url]), url
        assert not [chrome for chrome in CHROME[str(crawled_item["sourceSite"])] if chrome in body], url

    compared = 0
    for item in imported.items:
        spider_item = crawled.get(item["canonicalUrl"])
        if spider_item is None:
            continue
        compared += 1
        for field in ("headline", "articleBody", "datePublished", "isBasedOn", "originalAuthor", "originalSource"):
            assert item[field] == spider_item[field], (item["url"], field)
    # Every article in a cassette; the rest are the cut-off dumps, the 2013 pages and WeChat posts.
    assert compared == len(crawled) == 62


def test_command_reports_bad_files_and_imports_the_rest(shared: Path, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    (archive / "nested").mkdir(parents=True)
    (archive / "nested" / "post.txt").write_bytes((shared / "seeds" / "000_87f6116eba81684b.txt").read_bytes())
    (archive / "dump.md").write_bytes((shared / "seeds" / "002_0b40a3fbf5ad261a.txt").read_bytes())
    (archive / "empty.md").write_bytes(b"")
    (archive / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (archive / "gbk.md").write_bytes("---\ntitle: 标题\n---\n正文".encode("gbk"))
    (archive / "notes.md").write_text("# Notes\n\nNo front matter here.\n", encoding="utf-8")
    hugo = '---\ntitle: "x"\n---\n<div><p>正文</p></div>\n<hr>\n<a href="javascript:void(0)">原文链接</a>\n'
    (archive / "nested" / "bad-link.md").write_text(hugo, encoding="utf-8")
    output = tmp_path / "out.jsonl"
    state = tmp_path / "state.sqlite3"

    run = subprocess.run(
        [sys.executable, "-m", "scrapers.importer", str(archive), "-o", str(output), "-s", f"STATE_PATH={state}"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )

    assert run.returncode == 0, run.stderr[-2000:]
    lines = output.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    assert state.is_file()  # the learned templates' counts
    assert "2 articles written from 7 files; 5 files skipped" in run.stderr
    for name, reason in (
        ("empty.md", "empty file"),
        ("image.md", "binary file"),
        ("gbk.md", "not UTF-8"),
        ("notes.md", "no front matter"),
        ("nested/bad-link.md", "its address is not a web page's"),
    ):
        assert f"skipped {archive / name}: {reason}" in run.stderr


def test_command_needs_an_output_and_existing_paths(tmp_path: Path) -> None:
    for args, message in (([str(tmp_path)], "-o OUT.jsonl"), ([str(tmp_path / "absent"), "-o", "x.jsonl"], "no such")):
        run = subprocess.run(
            [sys.executable, "-m", "scrapers.importer", *args], capture_output=True, text=True, cwd=ROOT, timeout=60
        )
        assert run.returncode == 2
        assert message in run.stderr
