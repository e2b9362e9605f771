"""Recording a crawl into a cassette through the real downloader, then replaying it offline."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest
import pytest_twisted
import yaml

from tests.crawling import ROOT, CrawlResult, assert_no_cassette_miss, crawl
from tests.localsite import UTF8, LocalNewsSpider, article, rss, serve
from tests.rebuild.mirror import Page

GBK_TEXT = [
    "国家网络安全通报中心发布了关于某型号家用路由器存在严重漏洞的预警通报。",
    "该漏洞可导致未经身份验证的远程代码执行，影响多个型号，厂商已经发布了修复固件。",
]
GZIP_TEXT = [
    "这篇文章的正文以压缩形式传输，用于检验下载器在录制和回放时都能正确解压缩。",
    "第二段同样应当完整保留在输出里，一个字都不能少，也不能出现任何乱码字符。",
]
MOVED_TEXT = [
    "这篇文章换了地址，旧地址以永久重定向跳转到新地址，爬虫应当跟随跳转。",
    "跳转之后的正文照常提取，条目的地址是新地址，规范地址仍然唯一。",
]
MISLABELLED_TEXT = [
    "这一页在响应头里声明为统一码，实际却是国标二三一二编码的字节。",
    "解码时应当识别出真实编码，而不是输出一页乱码，同时记录一条统计。",
]


def pages(base: str) -> dict[str, Page]:
    return {
        "/feed.xml": Page(
            200,
            "application/rss+xml; charset=utf-8",
            rss(base, ["/news/1", "/news/2", "/old/3", "/news/4"]),
            headers=(("Set-Cookie", "sid=s3cret; Path=/"),),
        ),
        "/news/1": Page(200, "text/html; charset=gbk", article("路由器漏洞预警", GBK_TEXT, "gbk").encode("gbk")),
        "/news/2": Page(200, UTF8, article("压缩传输", GZIP_TEXT).encode(), compress=True),
        "/old/3": Page(301, UTF8, b"", headers=(("Location", "/news/3"),)),
        "/news/3": Page(200, UTF8, article("文章搬家", MOVED_TEXT).encode()),
        "/news/4": Page(200, UTF8, article("编码错标", MISLABELLED_TEXT, "utf-8").encode("gb2312")),
    }


async def record_then_replay(tmp_path: Path) -> tuple[CrawlResult, CrawlResult, Path, str]:
    cassette = tmp_path / "local.yaml"
    server, base = serve(pages)
    settings: dict[str, Any] = {
        "CASSETTE_PATH": str(cassette),
        "DEFAULT_REQUEST_HEADERS": {"Authorization": "Basic c2VjcmV0OnNlY3JldA=="},
    }
    with server:
        recorded = await crawl(
            LocalNewsSpider, tmp_path / "record", {**settings, "CASSETTE_RECORD_MODE": "all"}, base=base
        )
    # The server is gone: everything now comes from the cassette.
    replayed = await crawl(
        LocalNewsSpider, tmp_path / "replay", {**settings, "CASSETTE_RECORD_MODE": "none"}, base=base
    )
    return recorded, replayed, cassette, base


@pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
@pytest_twisted.ensureDeferred
async def test_record_then_replay_with_the_server_stopped(tmp_path: Path) -> None:
    recorded, replayed, _, base = await record_then_replay(tmp_path)

    bodies = {item["url"].removeprefix(base): item["articleBody"] for item in recorded.items}
    assert bodies == {
        "/news/1": "\n".join(GBK_TEXT),
        "/news/2": "\n".join(GZIP_TEXT),
        "/news/3": "\n".join(MOVED_TEXT),
        "/news/4": "\n".join(MISLABELLED_TEXT),
    }
    assert recorded.stats["article/charset_mismatch"] == 1
    assert recorded.stats["cassette/recorded"] == 7  # robots.txt, feed, 4 articles and the redirect

    assert_no_cassette_miss(replayed)
    assert replayed.stats["cassette/replayed"] == 7
    assert sorted((i["url"], i["headline"], i["articleBody"]) for i in replayed.items) == sorted(
        (i["url"], i["headline"], i["articleBody"]) for i in recorded.items
    )


@pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
@pytest_twisted.ensureDeferred
async def test_cassette_keeps_raw_bytes_and_no_credentials(tmp_path: Path) -> None:
    _, _, cassette, base = await record_then_replay(tmp_path)

    text = cassette.read_text(encoding="utf-8")
    for secret in ("s3cret", "c2VjcmV0", "Set-Cookie", "Authorization", "Cookie:"):
        assert secret.lower() not in text.lower()
    interactions = {i["request"]["uri"].removeprefix(base): i for i in yaml.safe_load(text)["interactions"]}
    compressed = interactions["/news/2"]["response"]
    assert compressed["headers"]["Content-Encoding"] == ["gzip"]
    assert gzip.decompress(compressed["body"]["string"]).decode() == article("压缩传输", GZIP_TEXT)
    assert interactions["/old/3"]["response"]["status"]["code"] == 301
    assert interactions["/old/3"]["response"]["headers"]["Location"] == ["/news/3"]
    assert interactions["/news/1"]["response"]["body"]["string"] == article("路由器漏洞预警", GBK_TEXT, "gbk").encode(
        "gbk"
    )


@pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
@pytest_twisted.ensureDeferred
async def test_a_request_missing_from_the_cassette_fails(tmp_path: Path) -> None:
    _, _, cassette, base = await record_then_replay(tmp_path)
    data = yaml.safe_load(cassette.read_text(encoding="utf-8"))
    data["interactions"] = [i for i in data["interactions"] if not i["request"]["uri"].endswith("/news/2")]
    cassette.write_text(yaml.safe_dump(data), encoding="utf-8")

    result = await crawl(
        LocalNewsSpider, tmp_path / "miss", {"CASSETTE_PATH": str(cassette), "CASSETTE_RECORD_MODE": "none"}, base=base
    )

    assert result.stats["cassette/missed"] == 1
    assert "/news/2" not in {item["url"].removeprefix(base) for item in result.items}
    with pytest.raises(AssertionError, match="not in the cassette"):
        assert_no_cassette_miss(result)


def test_committed_cassettes_hold_no_credentials() -> None:
    cassettes = sorted((ROOT / "cassettes").glob("*/*.yaml"))
    assert cassettes
    for cassette in cassettes:
        for interaction in yaml.safe_load(cassette.read_text(encoding="utf-8"))["interactions"]:
            for side in ("request", "response"):
                names = {name.lower() for name in interaction[side]["headers"]}
                assert not names & {"cookie", "set-cookie", "authorization", "proxy-authorization"}, cassette
