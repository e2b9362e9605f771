"""Lines of an article's text that credit, disclaim or count rather than tell.

Chinese portals put them inside the article's own element, where no density measure tells them
from the story: the site's disclaimer, a reprint or take-down notice, the editor in charge, a
picture's source (or "the web"), the reporter's byline, the view and comment counters. Wire
stories in English end on their reporters' and editors' credits. They are read off by their
wording, the same on every site, not by any one site's markup.
"""

from __future__ import annotations

import re

from scrapers.attribution import labelled_urls
from scrapers.blocks import count_tokens

_DISCLAIMER = re.compile(r"^\W{0,2}(?:免责声明|特别声明|版权声明)")
# A reprint notice: rights named together with a prohibition ("未经许可不得转载").
_RIGHTS = re.compile(r"转载|著作权|版权")
_PROHIBITION = re.compile(r"未经|不得|禁止|侵犯|侵权")
# A take-down notice ("如有侵权请联系删除"), with or without naming the rights.
_TAKEDOWN = re.compile(r"侵权.{0,12}删除")
_CREDIT = re.compile(r"^\W{0,2}(?:责任编辑|图片来源|资料图|图片来自)")
# A repost's note that its text or pictures come from the web ("信息来源于网络", "封面来源于网络").
_FROM_THE_WEB = re.compile(r"(?:来源于|源自|来自|转自)(?:互联)?网络")
# A post's counters and calls to comment or share ("阅读:3727;评论:63", "发表评论", "分享到").
_COUNTERS = re.compile(
    r"(?:阅读|浏览|点击|评论|阅览)(?:数|量|次数)?\s*[:：(（]?\s*\d+|已被阅读|发表评论|\d+\s*[条件]评论|^\W{0,2}分享(?:到|让)"
)
# A reporter's byline ("新京报记者 陆一夫", "本报记者 王燕平 方云凤") at the start or the end.
_BYLINE = re.compile(r"^[^，。！？；,.!?;]{0,20}(?:记者|实习生|通讯员)[^，。！？；,.!?;]{0,20}$")
# A wire story's closing credit ("Reporting by Rodrigo Campos; Editing by Nick Zieminski", "Fox
# News' Jessica Napoli contributed to this report.").
_WIRE_CREDIT = re.compile(
    r"^\W{0,2}(?:additional )?(?:reporting|editing|writing) by\b|contributed (?:to this report|reporting)",
    re.IGNORECASE,
)
# A dateline of its own ("2005年1月2日", "Saturday, September 10th, 2005 10:56 am") there.
_DATELINE = re.compile(
    r"^\W{0,3}(?:\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}日?"
    r"|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,? \w+ \d"
    r"|(?:January|February|March|April|May|June|July|August|September|October|November|December)"
    r" \d{1,2}(?:st|nd|rd|th)?,? \d{4})"
)
_DATELINE_TOKENS = 10
_CREDIT_TOKENS = 40
_BYLINE_REACH = 3


def without_credits(text: str) -> str:
    """The text without disclaimers, reprint notices, credits and counters, without the bylines
    and datelines at its start or end once those are gone, and without a wire story's credits at
    its end."""
    lines = [line for line in text.splitlines() if not _is_credit(line.strip())]
    last = len(lines) - _BYLINE_REACH
    return "\n".join(
        line
        for index, line in enumerate(lines)
        if not (
            ((index < _BYLINE_REACH or index >= last) and _is_byline(line.strip()))
            or (index >= last and _is_wire_credit(line.strip()))
        )
    )


def _is_credit(line: str) -> bool:
    notice = bool(
        _DISCLAIMER.match(line) or (_RIGHTS.search(line) and _PROHIBITION.search(line)) or _TAKEDOWN.search(line)
    )
    credit = bool(_CREDIT.match(line) or _COUNTERS.search(line) or _FROM_THE_WEB.search(line))
    credit = credit and count_tokens(line) <= _CREDIT_TOKENS
    # "本文转载自 URL，未经许可不得转载" still names the original, which dedupe reads.
    return (notice or credit) and not labelled_urls([line])


def _is_byline(line: str) -> bool:
    if _BYLINE.match(line):
        return True
    return bool(_DATELINE.match(line)) and count_tokens(line) <= _DATELINE_TOKENS


def _is_wire_credit(line: str) -> bool:
    return bool(_WIRE_CREDIT.search(line)) and count_tokens(line) <= _CREDIT_TOKENS
