"""Charset decoding and text extraction on real-shaped Chinese pages."""

from __future__ import annotations

import codecs

from scrapers.extraction import container_text, decode_html, extract_metadata, extract_text, looks_binary

TEXT = "国家互联网应急中心发布通报，提醒用户及时更新路由器固件。"


def page(charset: str, text: str = TEXT) -> str:
    return f'<html><head><meta charset="{charset}"><title>通报</title></head><body><p>{text}</p></body></html>'


def test_gbk_declared_in_header_and_meta() -> None:
    decoded = decode_html(page("gbk").encode("gbk"), "gbk")
    assert TEXT in decoded.text
    assert decoded.encoding == "gb18030"  # GBK and GB2312 are decoded with their superset
    assert not decoded.mismatch


def test_gb2312_only_declared_in_meta() -> None:
    decoded = decode_html(page("gb2312").encode("gb2312"), None)
    assert TEXT in decoded.text
    assert not decoded.mismatch


def test_gbk_served_as_utf8_is_detected() -> None:
    decoded = decode_html(page("utf-8").encode("gbk"), "utf-8")
    assert TEXT in decoded.text
    assert decoded.encoding == "gb18030"
    assert decoded.declared == "utf-8"
    assert decoded.mismatch


def test_utf8_served_as_gbk_is_detected() -> None:
    decoded = decode_html(page("gbk").encode("utf-8"), "gbk")
    assert TEXT in decoded.text
    assert decoded.encoding == "utf-8"
    assert decoded.mismatch


def test_a_cut_off_utf8_page_keeps_its_declared_charset() -> None:
    body = page("utf-8").encode("utf-8") + "未完".encode()[:-1]
    decoded = decode_html(body, "utf-8")
    assert TEXT in decoded.text
    assert decoded.encoding == "utf-8"
    assert not decoded.mismatch


def test_byte_order_mark_wins() -> None:
    decoded = decode_html(codecs.BOM_UTF8 + page("gbk").encode("utf-8"), "gbk")
    assert TEXT in decoded.text
    assert not decoded.text.startswith("\ufeff")


def test_binary_bodies() -> None:
    assert looks_binary(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert looks_binary(b"%PDF-1.7\n")
    assert not looks_binary(page("utf-8").encode())


def test_container_text_keeps_every_paragraph_and_no_markup() -> None:
    first = "研究人员发现了两个本地权限提升漏洞，这些漏洞可能被用来在运行主要发行版的机器上获得根权限。"
    linked = "Qualys 发现的漏洞如下，厂商已经在<a href='https://example.com/advisory'>安全公告</a>中给出了修复版本。"
    fragment = (
        f'<div id="artibody"><p><span style="text-wrap-mode: wrap;">{first}</span></p>'
        f'<div class="article-global"></div><p><strong>漏洞细节</strong></p><p>{linked}</p>'
        '<p><img src="https://static.example.com/a.jpg"><br></p>'
        "<ul><li>CVE-2025-6018：可插拔身份验证模块中的权限提升。</li><li>CVE-2025-6019：磁盘守护程序中的权限提升。</li></ul></div>"
    )
    assert container_text(fragment).splitlines() == [
        first,
        "漏洞细节",
        "Qualys 发现的漏洞如下，厂商已经在安全公告中给出了修复版本。",
        "- CVE-2025-6018：可插拔身份验证模块中的权限提升。",
        "- CVE-2025-6019：磁盘守护程序中的权限提升。",
    ]


def test_extract_text_leaves_page_chrome_out() -> None:
    paragraphs = [f"第{n}段：研究人员披露了一个影响广泛的漏洞，攻击者可以借此远程执行任意代码。" for n in range(8)]
    html = (
        "<html><head><title>漏洞通报</title></head><body>"
        '<nav><a href="/">首页</a> <a href="/news">资讯</a> <a href="/tools">工具</a></nav>'
        "<article><h1>漏洞通报</h1>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article>"
        '<footer><p>Copyright © 2026 示例网 京ICP备12345678号</p><a href="/about">关于我们</a></footer>'
        "</body></html>"
    )
    text = extract_text(html, "https://example.com/news/1.html")
    for paragraph in paragraphs:
        assert paragraph in text
    assert "京ICP备" not in text
    assert "关于我们" not in text


def test_extract_text_of_a_page_without_article_is_empty_not_an_error() -> None:
    assert extract_text("<html><body></body></html>") == ""
    assert extract_text("") == ""


def test_metadata_reads_meta_tags() -> None:
    html = (
        '<html><head><meta property="og:title" content="标题"><meta name="author" content="张三">'
        '<meta name="description" content="摘要"><meta property="article:published_time" '
        'content="2024-11-13T10:06:21+08:00"></head><body><p>正文</p></body></html>'
    )
    metadata = extract_metadata(html, "https://example.com/a")
    assert metadata.title == "标题"
    assert metadata.author == "张三"
    assert metadata.description == "摘要"
    assert metadata.date is not None and metadata.date.startswith("2024-11-13")
