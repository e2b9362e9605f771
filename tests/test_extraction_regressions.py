"""Pages where the generic path (plain trafilatura) used to fail, cut down to their structure.

Each page keeps the real article text and the real chrome of the dev-set page it comes from
(../shared/eval, named in each test), with most paragraphs and list entries left out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import trafilatura
from trafilatura.settings import Document

from scrapers.blocks import densest_run, text_blocks
from scrapers.credits import without_credits
from scrapers.extraction import TRAFILATURA_MARKUP, extract_text

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

ARTICLE_163 = [
    "9月6日，公安部治安管理局官微发布消息称，近日，四川江油一女民警对辖区“实有人口”进行核查过程中，平均日拨100余个电话，"
    "被电信运营商以频繁拨打电话、涉嫌电信诈骗为由对其停机。目前涉事运营商已向公安作出答复。",
    "此事在网上“炸了锅”，网友们质疑，不少诈骗电话、骚扰电话畅通无阻，民警正常工作多拨些电话就被认定为“涉嫌诈骗”，"
    "简直让人哭笑不得：该拦的拦不住，不该拦截的咋就被误截了？",
    "而这种“正打歪着”的情况并非个案。今年6月，武汉一位快递小哥一个月内5次被停机，原因是“呼出频次过高”。",
    "归根结底，打击拦截电信诈骗也得精准拦截，在已有技术手段下尽量避免误伤。",
]
HOT_163 = [
    "成龙参观张北草原天路当地下通知封路？官方回应",
    '女子喝醉后惨遭"捡尸"强奸 酒吧门口竟有人常蹲守',
    "河南马戏团脱逃老虎到动物园时已死亡 死因待鉴定",
    "男子夜晚尾随搭讪女孩 被拒后暴踹其面部殴打20秒",
    '高校现"天价热水"1吨70元 校方:已调整为1吨55元',
    "海尔员工被开除背后:规范上百条 有人代打卡被开除",
    "杭州又现巨响及振动 浙江地震局:未监测到地震活动",
    "20多岁妈妈6.5万卖掉双胞胎儿子:还信用卡 买手机",
]


def page_163() -> str:
    """news.163.com (zh-modern-dev gne-163-5): the article, then the channel tabs and the
    "热点新闻" ranking, both inside the same post column trafilatura keeps whole."""
    paragraphs = "".join(f"<p>{text}</p>" for text in ARTICLE_163)
    tabs = "".join(f"<li>{tab}</li>" for tab in ["推荐", "娱乐", "体育", "财经", "时尚", "科技", "军事", "汽车"])
    hot = "".join(
        f'<li><em>{index}</em>{index * 13579 % 90000}<a href="https://news.163.com/19/0908/{index}.html">{title}</a></li>'
        for index, title in enumerate(HOT_163, 1)
    )
    return (
        "<html><head><title>女警打百个电话遭停机 评:运营商识别诈骗智商感人_网易新闻</title></head><body>"
        '<div class="post_content_main"><h1>女警打百个电话遭停机 评:运营商识别诈骗智商感人</h1>'
        f'<div class="post_body"><div class="post_text" id="endText">{paragraphs}</div>'
        '<p class="tie-reminder">网友评论仅供其表达个人看法，并不表明网易立场。</p>'
        f'<div class="post_recommends"><ul class="tabs">{tabs}</ul>'
        f'<h2>热点新闻</h2><h2>态度原创</h2><ul class="hot">{hot}</ul></div></div></div>'
        "</body></html>"
    )


def test_ranking_lists_after_a_chinese_article_are_left_out() -> None:
    text = extract_text(page_163(), "https://news.163.com/19/0907/16/EOG1Q3BU0001875P.html")
    for paragraph in ARTICLE_163:
        assert paragraph in text
    for title in HOT_163:
        assert title not in text
    assert "热点新闻" not in text
    assert "娱乐" not in text
    # The headline is the item's own field; the body does not repeat it.
    assert not text.startswith("女警打百个电话遭停机")


POST_JOYCODE = [
    "承蒙开心就好的邀请，很高兴入住博客堂。作为微软技术的知名社区，博客堂是一个做技术blog的好地方。"
    "我在博客堂的blog将集中在C++/CLI和C#两个方面。",
    "简单介绍一下我的情况：在.NET刚刚推出之时，我曾为MSDN（中国）写过一个《C#锐利体验》专栏。"
    "从此糊里糊涂进入技术写译界（业余），也和.NET结下了不解之缘。",
    "希望以后和各位多多交流。",
]
COMMENTS_JOYCODE = [
    ("flyingbirds", "呵呵，又来了一位大哥啊，欢迎欢迎，以后多多指教，期待您的更多精彩文章。"),
    ("寒星", "拜读了你翻译的《Microsoft .NET框架程序设计(修订版)》。很不错，翻译得非常用心，受益匪浅。"),
    ("scong", "名人来了,我等看客有福了，以后可以经常来这里学习C++/CLI的新知识了。"),
    ("Ninputer", "哎呀，高手来了！欢迎李老师入住博客堂，期待C#面向组件程序设计早日出版。"),
]


def page_joycode() -> str:
    """blog.joycode.com (zh-dev 54e89e4e): a short post under sixty comments, more text than the
    post itself; a density scorer that does not know comment threads picks the thread."""
    post = "".join(f"<p>{text}</p>" for text in POST_JOYCODE)
    comments = "".join(
        f'<div class="post"><h5># re: 很高兴入住博客堂 2004-12-27 12:4{index} {author}</h5><p>{text}</p></div>'
        for index, (author, text) in enumerate(COMMENTS_JOYCODE * 4)
    )
    return (
        '<html><head><title>很高兴入住博客堂 - 李建忠</title></head><body><form id="Form1">'
        '<div id="main"><div class="post"><h2>很高兴入住博客堂</h2>'
        f'<div class="postbody">{post}</div>'
        '<p class="postfoot">发表于 2004年12月27日 12:40 - (阅读:3727;评论:63)</p></div>'
        f'<div id="comments"><h3>评论</h3>{comments}</div></div></form></body></html>'
    )


def test_a_comment_thread_longer_than_the_post_is_not_the_article() -> None:
    text = extract_text(page_joycode(), "http://blog.joycode.com/jzli/archive/2004/12/27/41019.aspx")
    for paragraph in POST_JOYCODE:
        assert paragraph in text
    for _, comment in COMMENTS_JOYCODE:
        assert comment not in text


def test_a_page_with_a_script_before_its_html_element_still_gets_its_text() -> None:
    page = "<script>var _hmt = _hmt || [];</script>\n" + page_163()
    text = extract_text(page)
    assert ARTICLE_163[0] in text
    assert "_hmt" not in text


BRIEF_STCN = (
    "证券时报e公司讯，当升科技：9614.5万元竞得常州市工业用地，将为公司常州锂电新材料产业基地提供用地。"
    "金陵药业：25日获公司总裁助理李泉、贾明怡增持。运达股份：确定为节能风电公司两风电场项目的风力发电机组设备供应商，"
    "中标价7亿元。天奇股份：确认中标广汽丰田公司涂装车间工程内搬送设备等项目，中标额6962万元。"
    "精功科技：收到浙江证监局行政监管措施决定书。伊戈尔：拟1079.6万元收购控股子公司日本伊戈尔少数股权。"
)
CHROME_STCN = [
    "您所在的位置：",
    "2019-09-26 12:11来源：证券时报网作者：李在山",
    "声明：证券时报力求信息真实、准确，文章提及内容仅供参考，不构成实质性投资建议，据此操作风险自担。",
    "证券时报官方微信公众号",
    "扫描上方二维码关注微信公众号",
]


def page_stcn() -> str:
    """kuaixun.stcn.com (zh-modern-dev gne-stcn-1): a one-paragraph brief as bare text in its
    div, among breadcrumbs, a byline, a disclaimer and app boxes; trafilatura returned them all."""
    menu = "".join(
        f'<li><a href="http://news.stcn.com/{n}/">{n}</a></li>' for n in ["要闻", "滚动", "产经", "机构", "人物"]
    )
    return (
        "<html><head><title>午间公告：天奇股份中标广汽丰田项目；运达股份中标7亿元项目_证券时报网</title></head><body>"
        f'<div class="nav"><ul>{menu}</ul></div><div class="content clearfix"><div class="box_left">'
        f'<div class="website">{CHROME_STCN[0]} <a href="http://www.stcn.com/">首页</a> &gt; '
        '<a href="http://kuaixun.stcn.com/kuaixun.shtml">快讯</a></div>'
        '<div class="intal_tit"><h2>午间公告：天奇股份中标广汽丰田项目；运达股份中标7亿元项目</h2>'
        '<div class="info">2019-09-26 12:11<span>来源：证券时报网</span><span>作者：李在山</span></div></div>'
        f'<div class="txt_con" id="ctrlfscont">\n   {BRIEF_STCN}   <p></p></div>'
        '<div class="fenxiang"><a class="fx" href="#">分享：</a></div>'
        f'<div class="shenming"><p>{CHROME_STCN[2]}</p></div></div>'
        f'<div class="box_right"><div class="ewm"><p>{CHROME_STCN[3]}</p><p>{CHROME_STCN[4]}</p></div></div>'
        "</div></body></html>"
    )


def test_a_brief_in_bare_text_comes_without_the_chrome_around_it() -> None:
    text = extract_text(page_stcn(), "http://kuaixun.stcn.com/2019/0926/15409036.shtml")
    assert text == BRIEF_STCN
    for chrome in CHROME_STCN:
        assert chrome not in text


BRIEF_MINGRIDAPAN = (
    "联合国贸发会议发布了《2019年贸易和发展报告》，即使忽略最坏的下行风险， 2019年全球经济增长率也将从3%降至2.3%。"
    "一些大型新兴经济体已经陷入衰退，而一些发达经济体距离衰退仅一步之遥。随着全球需求疲软，加上美国政府的单边关税行动，"
    "全球贸易增长也将严重减缓。"
)
MENU_MINGRIDAPAN = ["股市行情", "股市名家", "板块分析", "个股研究", "公司分析", "主力推荐", "金融资讯", "股票列表"]
RELATED_MINGRIDAPAN = [
    "今日股市行情分析--2019年8月19日",
    "央行：8月20日起贷款市场报价利率按新的形成机制报价",
    "外汇局：上半年我国国际收支保持基本平衡",
]


def page_mingridapan() -> str:
    """www.mingridapan.com (zh-modern-dev gne-mingridapan-1): a page without a single <p>, all
    divs; trafilatura returned its menu, tags, share bar, article and related list as one line,
    and a view counter's script inside the article's element kept that line from matching it."""
    menu = "".join(
        f'<li><a class="link" href="/{index}"><span class="text">{name}</span></a></li>'
        for index, name in enumerate(MENU_MINGRIDAPAN)
    )
    related = "".join(f'<li><a href="/gushihangqing/{n}.html">{t}</a></li>' for n, t in enumerate(RELATED_MINGRIDAPAN))
    return (
        "<html><head><title>最新出炉联合国贸发报告：2019年全球经济增长率降至2.3% - 明日大盘网</title></head><body>"
        f"<header><nav><div>Toggle navigation</div><ul>{menu}</ul></nav></header>"
        '<div id="content" class="container"><div id="main-content"><div id="article-leftbar"><ul>'
        '<li class="Lbar_tags"><div class="tags-title"><span>标签</span></div>'
        '<div class="tag">20190926|国贸|增长率|全球经济</div></li>'
        '<li class="Lbar_share"><div class="share-title">分享到</div>'
        '<a href="http://www.jiathis.com/send/?webid=tsina"><span>微博</span></a></li></ul></div>'
        '<div id="article-wrapper"><div id="main"><div class="page-article"><div class="page_art_title">'
        '<div class="title-text">最新出炉联合国贸发报告：2019年全球经济增长率降至2.3%</div>'
        '<div class="title-meta"><div class="title-meta-time">发布时间： 2019-09-26 10:09:11</div>'
        '<span class="dapan-cm-counter">4</span><div class="title-meta-right" style="display: none;">'
        '<span id="js-article-viewCount">3573</span><script>function _updateViewCount(num) {'
        "document.getElementById('js-article-viewCount').textContent = num; }</script></div></div></div>"
        f'<div class="page_art_content">\n  {BRIEF_MINGRIDAPAN}  </div></div>'
        f'<div class="related-posts"><div class="related-posts-title">相关新闻</div><ul>{related}</ul></div>'
        "</div></div></div></div></body></html>"
    )


def test_a_page_trafilatura_reads_as_one_line_gives_the_article_not_the_line() -> None:
    text = extract_text(page_mingridapan(), "http://www.mingridapan.com/shishi/news/637863.html")
    assert BRIEF_MINGRIDAPAN in text
    for chrome in [*MENU_MINGRIDAPAN, *RELATED_MINGRIDAPAN, "Toggle navigation", "分享到"]:
        assert chrome not in text


ARTICLE_HEXUN = (
    "据财联社9月26日消息，今日从交通运输部行新闻发布会获悉，目前京津冀交通一体化建设各项工作取得积极成效，"
    "下一步将着力打造三地综合立体交通网络，实现区域内快速铁路覆盖所有地级及以上城市，形成相邻城市间基本实现“1.5小时交通圈”。"
)
ARTICLE_163_MONEY = [
    "北京时间9月7日，2019年未来科学大奖获奖名单揭晓。王小云获得“数学与计算机科学奖”，成为该奖项设立以来的首位女性获奖者。",
    "公开资料显示，王小云是中国科学院院士、清华大学高等研究院“杨振宁讲座”教授，主要从事密码理论及相关数学问题研究。",
]
CREDITS = [
    "【免责声明】本文仅代表作者本人观点，与和讯网无关。和讯网站对文中陈述、观点判断保持中立，"
    "不对所包含内容的准确性、可靠性或完整性提供任何明示或暗示的保证。请读者仅作参考，并请自行承担全部责任。",
    "（责任编辑： HN666）",
    "图片来源：未来科学大奖官网",
    "新京报记者 陆一夫",
    "本文为CSDN原创文章，未经允许不得转载，如需转载请联系market#csdn.net(#换成@)",
    "发表于 2019年9月26日 12:40 - (阅读:3727;评论:63)",
]


def test_disclaimers_credits_and_counters_inside_the_container_are_left_out() -> None:
    """stock.hexun.com (zh-modern-dev gne-hexun-1) and money.163.com (gne-163-3), with the
    credit lines of other dev pages: sina's editor, 163's picture source, a Beijing News
    byline, CSDN's reprint notice and joycode's counters, all inside the article's element."""
    body = (
        f"<p>{ARTICLE_HEXUN}</p><p>{CREDITS[2]}</p><p>{ARTICLE_163_MONEY[0]}</p><p>{ARTICLE_163_MONEY[1]}</p>"
        f"<p>{CREDITS[3]}</p><p>{CREDITS[4]}</p><p>{CREDITS[5]}</p><p>{CREDITS[1]}</p>"
    )
    page = (
        "<html><head><title>京津冀将实现相邻城市间1.5小时交通圈-和讯网</title></head><body>"
        f'<div class="art_context"><div class="art_contextBox">{body}</div>'
        f'<div class="tip"><p>{CREDITS[0]}</p></div></div></body></html>'
    )
    text = extract_text(page, "https://stock.hexun.com/2019-09-26/198678130.html")
    for paragraph in [ARTICLE_HEXUN, *ARTICLE_163_MONEY]:
        assert paragraph in text
    for credit in CREDITS:
        assert credit not in text
    assert "责任编辑" not in text and "免责声明" not in text


NOTICE_CL2000 = [
    "九、毕业生就业：",
    "根据本人选报志愿、招生单位推荐、用人单位选择录用的原则进行(定向委托培养除外)。",
    "十、其它：",
    "1、上述规定，如与教育部颁发的招生简章不符，以教育部颁发的招生简章为准。",
    "2、我部备有．攻读博士研究生入学考试专业课试题第一册(1992——1998)、第二册(1999——2001)，每册5元，另加邮资3元，函索即寄。",
    "附：招生专业及考试科目",
]
COURSES_CL2000 = [
    ("050401 艺术学", "", "7", "", ""),
    ("01艺术学原理", "刘梦溪", "", "1、英语或俄语或日语 2、艺术概论 3、中国艺术史基础知识", "新增点正在审批"),
    ("02艺术文化学与艺术社会学", "刘梦溪", "", "1、同上 2、艺术概论 3、文化批评", "以20世纪为中心"),
    ("03艺术人类学", "方李莉", "", "1、英语或俄语或日语 2、中外艺术史 3、人类学的基本概念与原理", "侧重美术"),
    ("04艺术史与比较艺术研究", "傅谨", "", "1、英语或俄语或日语 2、美学原理 3、中外艺术交流史", "戏剧史为中心"),
    ("05艺术美学", "傅谨", "", "1、同上 2、同上 3、艺术思潮与流派", ""),
    ("06中国宗教艺术", "田青", "", "1、英语或俄语或日语 2、艺术概论 3、宗教史论", ""),
]


def table_rows(rows: Iterable[Sequence[str]]) -> str:
    """``<tr>`` rows of ``<td>`` cells; an empty cell holds a non-breaking space, as on the pages."""
    return "".join("<tr>" + "".join(f"<td>{cell or '&nbsp;'}</td>" for cell in row) + "</tr>" for row in rows)


def test_a_table_of_data_after_the_text_it_belongs_to_is_kept() -> None:
    """cn.cl2000.com (zh-dev 0df12126): an admissions notice in a layout cell, then the table of
    its courses, which the density scorer leaves outside the article's element."""
    notice = "<br>\n".join(NOTICE_CL2000)
    columns = ["学科、专业名称（代码）", "指导教师", "招生人数", "考试科目", "备注"]
    header = "".join(f"<td><strong>{name}</strong></td>" for name in columns)
    rows = table_rows(COURSES_CL2000)
    page = (
        "<html><head><title>中国艺术研究院2004年博士生招生简章</title></head><body>"
        '<table width="760"><tr><td><a href="/">首页</a> | <a href="/edu2/">教育</a></td></tr>'
        f'<tr><td><table width="580"><tr><td>{notice}<p></p></td></tr></table>'
        f'<table width="580" border="1"><tr>{header}</tr>{rows}</table></td></tr>'
        "<tr><td>Copyright © 2000-2006 CL2000.com. All rights reserved.</td></tr></table></body></html>"
    )
    text = extract_text(page, "http://cn.cl2000.com/edu2/student/wen98.shtml")
    for line in NOTICE_CL2000[1:]:
        assert line in text
    # The densest run may end before the last short cells; the rows up to there are the test.
    for course, teacher, _, subjects, note in COURSES_CL2000[1:5]:
        assert course in text and teacher in text and subjects in text and note in text
    assert "Copyright" not in text


QUALIFIED_CBS = [
    "England (Group A): 10th appearance",
    "Czech Republic (Group A): Seventh appearance",
    "Ukraine (Group B): Third appearance",
    "Spain (Group F): 11th appearance",
    "Sweden (Group F): Seventh appearance",
    "Poland (Group G): Fourth appearance",
    "France (Group H): 10th appearance",
    "Turkey (Group H): Fifth appearance",
    "Belgium (Group I): Sixth appearance",
    "Russia (Group I): 12th appearance",
]
ARTICLE_CBS = [
    "On Friday, it was Finland and Sweden's chance. Finland clinched 3-0 against Liechtenstein, while Sweden did "
    "the same, 2-0, at Romania.",
    "And earlier in the week, Turkey drew Iceland 0-0 in Istanbul to book its spot, and that result also clinched "
    "France's ticket to next year's tournament, with the reigning World Cup champs looked at as one of the heavy "
    "favorites. Below are all the teams that qualified for the tournament during the group stage.",
]


def test_a_list_without_links_that_ends_an_article_is_kept() -> None:
    """www.cbssports.com (web-dev 9a440270bf): the article ends on a list of the qualified
    teams, short items without links that the densest run used to leave out."""
    items = "".join(f"<li>{team}</li>" for team in QUALIFIED_CBS)
    paragraphs = "".join(f"<p>{text}</p>" for text in ARTICLE_CBS)
    page = (
        "<html><head><title>UEFA Euro 2020 qualifying: Tracking every team to clinch a spot - CBSSports.com</title>"
        '</head><body><article><div class="article-content">'
        f"{paragraphs}<h3>Qualified teams</h3><ul>{items}</ul></div></article>"
        '<div class="author-bio-box"><a href="/writers/roger-gonzalez/">Roger Gonzalez</a></div></body></html>'
    )
    text = extract_text(page, "https://www.cbssports.com/soccer/news/uefa-euro-2020-qualifying/")
    for line in [*ARTICLE_CBS, *QUALIFIED_CBS]:
        assert line in text


def test_a_reprint_notice_that_names_the_original_is_kept_for_dedupe() -> None:
    story = "微软发布安全更新，修复了Windows TCP/IP协议栈中的远程代码执行漏洞CVE-2024-38063。"
    notice = "本文转载自 https://www.freebuf.com/articles/network/408211.html ，未经许可不得转载。"
    bare_notice = "本文为CSDN原创文章，未经允许不得转载，如需转载请联系market#csdn.net(#换成@)"
    assert without_credits(f"{story}\n{notice}\n{bare_notice}") == f"{story}\n{notice}"


STATS_DAWGS = [
    ("DL", "Larry Ogunjobi", "63", "85%", "1 tackle (1 combined). 1 sack, 1 TFL, 2 QH."),
    ("DL", "Myles Garrett", "57", "77%", "1 tackle (1 combined). 3 QH."),
    ("DL", "Chad Thomas", "57", "77%", "3 tackles (3 combined). 1 sack, 1 TFL, 1 QH, 1 pass defended."),
    ("DL", "Sheldon Richardson", "49", "66%", "2 tackles, 1 assist (3 combined). 1 QH."),
    ("DL", "Devaroe Lawrence", "28", "38%", "No stats registered."),
]


def test_a_table_row_costs_one_line_not_one_line_a_cell() -> None:
    """www.dawgsbynature.com (web-dev 6a72de37e8): an introduction, then a table of snap counts,
    five short cells a row. Each cell paid a paragraph's cost, so the densest run of trafilatura's
    blocks ended before the table. The page's other parts move its container elsewhere, so the
    run is asked here, on trafilatura's own reading of the real markup."""
    intro = (
        'Below, we analyze the snap counts and stats on defense for the <a href="http://www.sbnation.com/nfl/teams/'
        'cleveland-browns">Cleveland Browns</a>’ Week 11 game against the <a href="https://www.sbnation.com/nfl/'
        'teams/pittsburgh-steelers">Pittsburgh Steelers</a>.'
    )
    header = "".join(f"<th>{name}</th>" for name in ("Pos", "Player", "Plays", "%", "Stats"))
    rows = table_rows(STATS_DAWGS)
    page = (
        f"<html><body><article><p>{intro}</p><h3>Defensive Line</h3>"
        f"<table><thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table></article></body></html>"
    )
    document = trafilatura.bare_extraction(page, fast=True, include_links=True, include_tables=True, deduplicate=False)
    assert isinstance(document, Document) and document.body is not None
    run = "\n".join(block.text for block in densest_run(text_blocks(document.body, TRAFILATURA_MARKUP)))
    assert "Below, we analyze the snap counts" in run
    for row in STATS_DAWGS:
        assert all(cell in run for cell in row)


TOP_STORIES_BI = [
    ("google-buys-cloudsimple-microsoft-vmware-2019-11",
     "Google has bought CloudSimple, a startup that was once a key part of Microsoft's cloud strategy",
     "CloudSimple was originally launched to help Microsoft woo VMware customers to compete with Amazon Web Services."),
    ("valve-confirms-half-life-alyx-a-flagship-vr-game-2019-11",
     "A new 'Half-Life' game is finally coming out after 12 years of waiting — but the catch is that it's for "
     "virtual reality only",
     "Developer Valve called 'Half Life: Alyx' \"a flagship VR game.\""),
    ("apple-airpods-top-teens-holiday-wish-lists-2019-11",
     "Teens love Apple's AirPods, and they're putting them on their holiday wish lists more than ever before",
     "That's according to a new survey from Piper Jaffray."),
    ("apple-nyc-event-announced-december-best-apps-2019-11",
     "Apple is holding a surprise event in NYC next month, and it sounds like it will be all about apps and games",
     "The tech giant is holding an event on December 2 to highlight the best apps and games of the year in an "
     "unusual move."),
]  # fmt: skip


def test_sentences_with_more_link_than_plain_text_are_not_a_link_list() -> None:
    """www.businessinsider.com (web-dev fde930b018): a newsletter of items, each a linked headline
    and a sentence after it. Where the link is most of the item, it was taken for a link list."""
    items = "".join(
        f'<li><strong><a href="https://www.businessinsider.com/{slug}">{headline}</a>.</strong> {sentence}</li>'
        for slug, headline, sentence in TOP_STORIES_BI
    )
    page = (
        "<html><head><title>10 things in tech you need to know today</title></head><body>"
        '<nav><a href="/">Tech</a> <a href="/finance">Finance</a> <a href="/politics">Politics</a></nav>'
        '<div class="post-content"><h1>10 things in tech you need to know today</h1>'
        "<p>Good morning! This is the tech news you need to know this Tuesday.</p>"
        f"<ol>{items}</ol><p>Have an Amazon Alexa device? Now you can hear 10 Things in Tech each morning. "
        'Just search for "Business Insider" in your Alexa\'s flash briefing settings.</p></div>'
        '<div class="category-wrapper">Mehr: <a href="/tech">Tech</a> <a href="/wework">WeWork</a> '
        '<a href="/apple">Apple</a></div></body></html>'
    )
    text = extract_text(page, "https://www.businessinsider.com/10-things-in-tech-you-need-to-know-today-2019-11")
    for _, headline, sentence in TOP_STORIES_BI:
        assert f"{headline}. {sentence}" in text
    assert "WeWork" not in text and "Finance" not in text


ARTICLE_CTV = [
    "BERLIN -- The European Space Agency says putting astronauts into a state of suspended animation could make "
    "it easier to reach other planets.",
    "The agency said Monday that its researchers examined how hibernation would affect the design of a crewed "
    "mission to Mars and concluded that it could help to significantly shrink the size of spacecraft.",
    "While slowing down humans' metabolic rate similarly to the way animals hibernate isn't possible yet, research "
    'team head Jennifer Ngo-Anh says the idea "is actually not so crazy." She noted that similar methods are '
    "already used to save trauma victims.",
    "Challenges include designing the spacecraft to operate largely autonomously while the crew -- padded with "
    "extra body fat in advance of their trip -- sleep through much of the 180-day cruise to Mars.",
]


def test_a_caption_taken_for_the_container_does_not_cut_the_lead() -> None:
    """www.ctvnews.ca (web-dev b37be3535e): the density scorer picks the photo's long caption as
    the article's element; trafilatura's lines, all sentences, hold twice as much. The first
    paragraph, short for prose of its own, was lost."""
    caption = (
        "In this Dec. 12, 2006, file photo, made available by NASA, astronaut Robert L. Curbeam Jr., left, and "
        "European Space Agency astronaut Christer Fuglesang, participate in a space walk during construction of the "
        "International Space Station. (NASA via AP, File)"
    )
    first, second, third, last = (f"<p>{paragraph}</p>" for paragraph in ARTICLE_CTV)
    related = (
        '<div class="sideItems"><div class="related"><h2>Related Links</h2><ul><li class="line">'
        '<a class="newWindow" href="http://www.esa.int/ESA">European Space Agency website</a></li></ul></div></div>'
    )
    page = (
        "<html><head><title>Snooze cruise: Study sees future for hibernating astronauts | CTV News</title></head>"
        '<body><header><p class="ad-below">Advertisement</p></header><section class="story project clearfix">'
        '<div class="element article"><h1>Snooze cruise: Study sees future for hibernating astronauts</h1>'
        f'<div class="image top imgTop"><img title="Space" src="https://www.ctvnews.ca/image.jpg"><p>{caption}</p></div>'
        '<div class="tools clearfix"><div class="gigya-space"><span>Share</span></div></div>'
        '<div class="s-data"><br> The Associated Press <br><span class="date">Published Monday, November 18, 2019 '
        "8:22AM EST</span><br></div>"
        f'<div class="articleBody">{first}{second}{third}{related}{last}</div></div></section></body></html>'
    )
    text = extract_text(
        page, "https://www.ctvnews.ca/sci-tech/snooze-cruise-study-sees-future-for-hibernating-astronauts-1.4690347"
    )
    assert text.splitlines() == ARTICLE_CTV


def test_a_wire_storys_closing_credits_are_left_out() -> None:
    """The last lines of a Reuters market report (web-dev 57d46c9d75) and of an AP story (web-dev
    82b6d780c7): the text, then who reported, wrote and edited it."""
    reuters = [
        "Aluminum on the London Metal Exchange CMAL3 lost 0.06% to $1,737.00 a tonne.",
        "(Graphic: Emerging markets in 2019 - here)",
        "Reporting by Rodrigo Campos; additional reporting by Stephanie Kelly, Saqib Iqbal Ahmed and Gertrude "
        "Chavez-Dreyfuss; Editing by Nick Zieminski and Dan Grebler",
    ]
    ap = [
        "Volker said meeting with Giuliani was just part of the dialogue, and he had one in-person meeting with him.",
        "Associated Press writers Alan Fram, Zeke Miller, Laurie Kellman, Colleen Long, Eric Tucker, Lolita Baldor and "
        "Jill Colvin contributed to this report.",
    ]
    assert without_credits("\n".join(reuters)).splitlines() == reuters[:2]
    assert without_credits("\n".join(ap)).splitlines() == ap[:1]
    # Not a credit: a sentence that starts alike, away from the end.
    reporting = "Reporting by The Guardian revealed that the data had been shared with a dozen brokers in 2018."
    assert without_credits("\n".join([reporting, *ap[:1] * 3])).splitlines()[0] == reporting


ARTICLE_SKY = [
    "Jose Mourinho has agreed a deal to replace Mauricio Pochettino as Tottenham's manager until the end of the "
    "2022/23 season.",
    "Pochettino was sacked last night after five-and-a-half years in charge, and less than six months after leading "
    "the club to the Champions League final.",
    "His first match in charge will be away to West Ham on Saturday.",
    "Spurs have won just five matches this season and currently lie 14th in the table.",
]
TWEET_SKY = (
    "I can’t thank this man enough. He’s taught me so much and I’m so grateful for everything he’s done for me. "
    "Good luck and hope to see you again my friend."
)
TWEET_NJ = "Yes this is real and yes the state spent nearly half a million dollars on it:"


def _tweet(text: str, author: str) -> str:
    return (
        f'<blockquote class="twitter-tweet"><p lang="en" dir="ltr">{text} <a href="https://t.co/dUO6AJlMxR">'
        f"pic.twitter.com/dUO6AJlMxR</a></p>— {author} "
        '<a href="https://twitter.com/i/status/1196909601389785089">November 19, 2019</a></blockquote>'
        '<script async src="https://platform.twitter.com/widgets.js"></script>'
    )


def test_tweets_the_article_embeds_are_kept_in_place() -> None:
    """news.sky.com and nj.com (web-dev 921019755f, 3f65af7b6b): the article quotes tweets, whose
    wrappers ("sdc-article-tweet", "social-media-embed") trafilatura and the density scorer both
    left out. A tweet in the sidebar stays out."""
    first, second, third, fourth = (f"<p>{text}</p>" for text in ARTICLE_SKY)
    page = (
        "<html><head><title>Jose Mourinho agrees deal to replace Mauricio Pochettino | Sky News</title></head><body>"
        '<div class="sdc-article-body sdc-article-body--lead">'
        f"{first}{second}"
        f'<div class="social-media-embed">{_tweet(TWEET_NJ, "Dianna E. Anderson (@diannaeanderson)")}</div>{third}'
        '<div class="sdc-article-widget sdc-article-tweet"><div class="sdc-article-tweet__inner">'
        f'<div class="sdc-article-tweet__content">{_tweet(TWEET_SKY, "Dele (@dele_official)")}</div></div></div>'
        f"{fourth}</div>"
        f'<div class="sidebar">{_tweet("Follow us for the latest on every Premier League club.", "Sky News")}</div>'
        "</body></html>"
    )
    text = extract_text(page, "https://news.sky.com/story/jose-mourinho-agrees-deal-11864181")
    lines = text.splitlines()
    for paragraph in ARTICLE_SKY:
        assert paragraph in lines
    # Each tweet once, in its place.
    tweets = [index for index, line in enumerate(lines) if line.startswith((TWEET_NJ, TWEET_SKY))]
    assert len(tweets) == 2
    nj, sky = tweets
    assert lines.index(ARTICLE_SKY[1]) < nj < lines.index(ARTICLE_SKY[2]) < sky < lines.index(ARTICLE_SKY[3])
    assert "— Dele (@dele_official) November 19, 2019" in lines
    assert "Follow us" not in text


ARTICLE_163_LONGFOR = [
    "2019年，龙湖集团即将迎来赴港上市10周年。十年前带领龙湖集团成功赴港上市并跻身内地女首富的吴亚军，在前不久召开的中期业绩会上"
    "表示，“对一家上市公司来说，没有故事就是好故事，龙湖没有故事”。",
    "近日，龙湖集团公布了2019年中期业绩报告。上半年，龙湖实现合约销售金额1056.2亿元，同比增长8.8%；营业额385.7亿元，"
    "同比增长42.2%；归属于股东的净利润为63.1亿元，核心溢利为47.0亿元，同比增长26%。",
    "记者了解到，涉事项目的名称为长沙“龙湖水晶郦城”，合同约定以精装房交付。龙湖方面于27日对外回应称，龙湖确实存在与项目业主"
    "沟通不到位、交付品质有瑕疵的现象，公司将针对业主的合理要求迅速、积极改进相关产品和服务，且目前双方已达成谅解。",
]
TIES_163_LONGFOR = [
    "目前没有热门跟贴",
    "这群人那个身边没有智囊？",
    "能赚这么多钱那个是简单的？",
    "目前没有跟贴，欢迎你发表观点",
]


def test_an_article_inside_an_element_named_as_chrome_is_still_found() -> None:
    """money.163.com (zh-modern-dev gne-163-1): the whole post, comment box included, sits in a
    "post_header" div, which the density scorer left out as a page header; with no article left it
    found no container, and the comments came out with the article."""
    paragraphs = "".join(f"<p>{text}</p>" for text in ARTICLE_163_LONGFOR)
    ties = "".join(
        f'<div class="floor-tie"><div class="floor-tie-self">{tie}</div></div>' for tie in TIES_163_LONGFOR[1:3]
    )
    page = (
        '<html><head><title>多地项目连环爆雷 狂奔的龙湖集团"暗伤"曝露？_网易财经</title></head><body class="w9">'
        '<ul class="ns_area list"><li><a href="https://www.163.com/">网易首页</a></li>'
        '<li><a href="https://news.163.com/">网易新闻</a></li><li><a href="https://money.163.com/">财经</a></li></ul>'
        '<div class="post_header"><div class="post_content post_area clearfix">'
        '<div class="post_content_main" id="epContentLeft"><h1>多地项目连环爆雷 狂奔的龙湖集团"暗伤"曝露？</h1>'
        f'<div class="post_body"><div class="post_text" id="endText">{paragraphs}</div></div>'
        '<div class="post_comment" id="post_comment_area"><div class="tie-area" id="tieArea">'
        f'<div class="tie-hot"><div class="empty-tip"><p class="tip-cnt">{TIES_163_LONGFOR[0]}</p></div></div>'
        f'<div class="tie-newest"><div class="tie-list">{ties}</div></div>'
        f'<div class="empty-tip"><p class="tip-cnt">{TIES_163_LONGFOR[3]}</p></div>'
        "</div></div></div></div></div></body></html>"
    )
    text = extract_text(page, "https://money.163.com/19/0907/13/EOFOC8MJ00258105.html")
    for paragraph in ARTICLE_163_LONGFOR:
        assert paragraph in text
    for tie in [*TIES_163_LONGFOR, "网易首页"]:
        assert tie not in text


def test_reposts_notes_that_their_text_comes_from_the_web_are_left_out() -> None:
    """mp.weixin.qq.com (zh-modern-dev gne-wechat-1) and WeChat reposts of ../shared/dedupe: notes
    that the text or pictures "come from the web", and take-down notices, with or without naming
    the rights. A sentence of the story that speaks of 侵权 (163.com, gne-163-5) stays."""
    story = [
        "后置 1200 万主摄 +1200 万广角双摄，前置 1000 万像素摄像头，存储为 8GB LPDDR4+256GB，电池容量为 3300mAh。",
        "以平均日拨电话数量作为是否停机的标准，显然不妥，甚至是侵权。",
    ]
    notes = [
        "信息来源于网络",
        "注：图片均来源于网络，无法联系到版权持有者。如有侵权，请与后台联系，做删除处理。",
        "笔记源自网络，仅用于免费交流分享，版权归原作者所有，如有侵权请联系删除",
        "本工具或文章或来源于网络，若有侵权请联系作者删除，请在24小时内删除，请勿用于商业行为。",
    ]
    assert without_credits("\n".join([story[0], *notes[:2], story[1], *notes[2:]])).splitlines() == story
