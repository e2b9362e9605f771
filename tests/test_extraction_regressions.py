"""Pages where the generic path (plain trafilatura) used to fail, cut down to their structure.

Each page keeps the real article text and the real chrome of the dev-set page it comes from
(../shared/eval, named in each test), with most paragraphs and list entries left out.
"""

from __future__ import annotations

from scrapers.extraction import extract_text

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
