"""Finding the original a page names, before its attribution lines are stripped."""

from __future__ import annotations

from scrapers.attribution import is_article_url, original_url, text_with_links, translation_credits


def test_anquanke_statement_box() -> None:
    box = (
        "<div><h5>译文声明</h5><p>本文是翻译文章，文章原作者 Jose Antonio Lanz，文章来源：Decrypt</p>"
        '<p>原文地址：<a href="https://decrypt.co/291193/openais-next-gen">https://decrypt.co/291193/openais-next-gen</a></p>'
        "<p>译文仅供参考，具体内容表达以及含义原文为准。</p></div>"
    )
    assert original_url(text_with_links(box)) == "https://decrypt.co/291193/openais-next-gen"


def test_reference_url_on_the_next_line() -> None:
    body = "<div><p>正文最后一段。</p><p>参考资料：</p><p>https://www.theinformation.com/articles/gpt-5?rc=x</p></div>"
    assert original_url(text_with_links(body)) == "https://www.theinformation.com/articles/gpt-5?rc=x"


def test_stronger_label_wins_over_document_order() -> None:
    lines = ["来源：https://news.example.com/2025/06/a.html", "原文链接：https://origin.example.org/post/1"]
    assert original_url(lines) == "https://origin.example.org/post/1"


def test_translated_from_with_a_link() -> None:
    body = '<p>本文翻译自Decrypt <a href="https://decrypt.co/291193/x">原文链接</a>。如若转载请注明出处。</p>'
    assert original_url(text_with_links(body)) == "https://decrypt.co/291193/x"


def test_home_pages_and_missing_urls_are_not_originals() -> None:
    assert original_url(["来源：https://www.freebuf.com/"]) is None
    assert original_url(["本文翻译自 原文链接。如若转载请注明出处。"]) is None
    assert original_url(["本文转载自: "]) is None
    assert not is_article_url("https://example.com/index.html")
    assert is_article_url("https://example.com/?p=123")


def test_translation_credits() -> None:
    lines = [
        "译文声明",
        "本文是翻译文章，文章原作者 Ddos ，文章来源：securityonline",
        "原文地址：https://securityonline.info/x/",
    ]
    assert translation_credits(lines) == ("Ddos", "securityonline")
    assert translation_credits(["本文是翻译文章，文章原作者 比尔 图拉斯，文章来源：bleepingcomputer"]) == (
        "比尔 图拉斯",
        "bleepingcomputer",
    )
    assert translation_credits(["本文由安全客原创发布", "来源：安全客"]) == (None, None)


def test_a_label_inside_a_sentence_does_not_claim_the_next_line() -> None:
    lines = ["点击原文链接，了解更多大模型应用防火墙详情", "产品文档：https://www.volcengine.com/docs/84990/1520619"]
    assert original_url(lines) is None
    assert original_url(["参考资料：", "https://www.theinformation.com/articles/inside"]) == (
        "https://www.theinformation.com/articles/inside"
    )
