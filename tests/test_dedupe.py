"""The story dedupe stage on real articles: ../shared/dedupe (WeChat reposts, Anquanke translations,
The Hacker News originals) and the project's cassettes."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
import pytest_twisted

from pipelines.dedupe import open_store, scheme_meta
from scrapers import fingerprint
from scrapers.stories import StoryMatcher, Verdict
from scrapers.storystore import SchemeMismatchError, SQLiteStoryStore, StoryStore
from tests.bench_dedupe import synthetic_article
from tests.crawling import SHARED, crawl_cassette
from tests.servers import redis_server

if TYPE_CHECKING:
    from pathlib import Path

ANQUANKE_MLOPS = "https://www.anquanke.com/post/id/299523"
THN_MLOPS = "https://thehackernews.com/2024/08/researchers-identify-over-20-supply.html"
# Two WeChat reposts of one Chinese translation of the MLOps story.
REPOSTS = ("weixin:网络安全应急技术国家工程中心", "weixin:安全圈")


@pytest.fixture(scope="module")
def dev() -> list[dict[str, Any]]:
    path = SHARED / "dedupe" / "dev.jsonl"
    if not path.is_file():
        pytest.skip(f"{path} is absent: it holds the labelled articles these tests use")
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def by_id(dev: list[dict[str, Any]], *ids: str) -> list[dict[str, Any]]:
    found = {item["id"]: item for item in dev if item["id"] in ids}
    return [found[i] for i in ids]


def story(dev: list[dict[str, Any]], label: str) -> list[dict[str, Any]]:
    return [item for item in dev if item["story"] == label]


def item_fields(item: dict[str, Any]) -> dict[str, Any]:
    """What a crawl gives the stage: the item, without the gold labels."""
    fields = ("id", "url", "headline", "articleBody", "inLanguage", "datePublished", "sourceSite")
    return {name: item[name] for name in fields}


def matcher(tmp_path: Path) -> StoryMatcher:
    return StoryMatcher(SQLiteStoryStore(tmp_path / "state.sqlite3", scheme_meta(), retention_days=180))


def classify_all(m: StoryMatcher, items: list[dict[str, Any]]) -> list[Verdict]:
    return [m.classify(item_fields(item)) for item in items]


def test_translation_joins_its_original_through_the_named_link(dev: list[dict[str, Any]], tmp_path: Path) -> None:
    by_url = {item["url"]: item for item in dev}
    original, translation = by_url[THN_MLOPS], by_url[ANQUANKE_MLOPS]
    assert "原文地址" in translation["articleBody"] and THN_MLOPS in translation["articleBody"]

    m = matcher(tmp_path)
    first, second = classify_all(m, [original, translation])
    assert first.duplicate_of is None and first.kind is None
    assert (second.kind, second.duplicate_of, second.story_id) == ("translation", THN_MLOPS, first.story_id)


def test_translation_without_a_link_joins_by_shared_evidence(shared: Path, tmp_path: Path) -> None:
    path = shared / "dedupe" / "dev-noattr.jsonl"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    by_url = {item["url"]: item for item in map(json.loads, path.read_text(encoding="utf-8").splitlines())}
    original, translation = by_url[THN_MLOPS], by_url[ANQUANKE_MLOPS]
    assert "原文地址" not in translation["articleBody"] and "thehackernews" not in translation["articleBody"]

    first, second = classify_all(matcher(tmp_path), [original, translation])
    assert first.kind is None
    assert (second.kind, second.duplicate_of, second.story_id) == ("translation", THN_MLOPS, first.story_id)


def test_two_chinese_translations_of_one_original_join_without_a_link(shared: Path, tmp_path: Path) -> None:
    """Two accounts' own translations of one English report (Ivanti's CSA advisory), attribution
    removed: few shared 5-grams, but the same facts and much of the same wording."""
    path = shared / "dedupe" / "dev-noattr.jsonl"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    dev = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    first, second = by_id(dev, "dd-6aca40b5b4b5", "dd-24bd490a8b8d")
    assert first["lineage"] != second["lineage"] and first["story"] == second["story"]

    verdicts = classify_all(matcher(tmp_path), [first, second])
    assert verdicts[0].duplicate_of is None
    assert (verdicts[1].kind, verdicts[1].duplicate_of) == ("translation", first["url"])


def test_advisories_on_one_template_about_other_cves_stay_apart(dev: list[dict[str, Any]], tmp_path: Path) -> None:
    """Advisories of two accounts that share a template (headings, boilerplate, a vendor's version
    list) but name other CVEs or other products, in a store that has learned no template yet."""
    pairs = [
        ("dd-03115f2deef2", "dd-e77df861942c"),  # Apache OFBiz CVE-2024-36104 / CVE-2024-38856
        ("dd-52cbd0e6122e", "dd-ca564438f5e7"),  # Apache Struts 2 / VMware ESXi
        ("dd-6244777e48a0", "dd-721deeb9a06d"),  # Oracle Agile PLM / Spring Framework
    ]
    for n, pair in enumerate(pairs):
        first, second = by_id(dev, *pair)
        assert first["story"] != second["story"] and first["sourceSite"] != second["sourceSite"]
        verdicts = classify_all(matcher(tmp_path / str(n)), [first, second])
        assert [v.duplicate_of for v in verdicts] == [None, None], (first["headline"], second["headline"])


def test_markup_left_in_a_body_is_not_its_text(dev: list[dict[str, Any]], tmp_path: Path) -> None:
    """One Kibana advisory reposted by two accounts; one copy carries its table as HTML, 90 % of its
    characters."""
    plain, marked = by_id(dev, "dd-45933b54f78a", "dd-a981b8358299")
    assert plain["story"] == marked["story"] and marked["articleBody"].count("<td") > 10
    lines = fingerprint.body_lines(marked["articleBody"]).lines()
    assert "漏洞名称" in lines and "8.3.0 <= Kibana <= 8.17.5" in lines
    assert not any(markup in line for line in lines for markup in ("<td", "<span", "style=", "&#34;"))

    verdicts = classify_all(matcher(tmp_path), [plain, marked])
    assert (verdicts[1].kind, verdicts[1].duplicate_of) == ("republication", plain["url"])


def test_two_reposts_are_one_story_despite_different_headers(dev: list[dict[str, Any]], tmp_path: Path) -> None:
    reposts = [item for item in story(dev, "mlops-jfrog") if item["sourceSite"] in REPOSTS]
    assert len(reposts) == 2 and reposts[0]["articleBody"] != reposts[1]["articleBody"]

    first, second = classify_all(matcher(tmp_path), reposts)
    assert second.kind == "republication" and second.duplicate_of == reposts[0]["url"]
    assert second.story_id == first.story_id


def test_the_same_article_again_is_an_exact_duplicate(dev: list[dict[str, Any]], tmp_path: Path) -> None:
    item = story(dev, "mlops-jfrog")[0]
    tracked = dict(item_fields(item), url=item["url"] + "&utm_source=feed#comments")
    m = matcher(tmp_path)
    first = m.classify(item_fields(item))
    again = m.classify(tracked)
    assert (again.kind, again.duplicate_of, again.story_id) == ("exact", item["url"], first.story_id)


def test_items_without_text_are_no_copies_of_each_other(tmp_path: Path) -> None:
    """A feed line with no body (or only punctuation) used to crash the stage, and would then have
    been an exact copy of every other one."""
    m = matcher(tmp_path)
    verdicts = [
        m.classify({"url": "https://example.com/a", "articleBody": ""}),
        m.classify({"url": "https://example.com/b"}),
        m.classify({"url": "https://example.org/c", "articleBody": "…… !!!"}),
    ]
    assert [verdict.kind for verdict in verdicts] == [None, None, None]
    assert len({verdict.story_id for verdict in verdicts}) == 3
    again = m.classify({"url": "https://example.com/a", "articleBody": ""})
    assert (again.kind, again.story_id) == (None, verdicts[0].story_id)


def test_stories_about_one_cve_or_incident_are_not_merged(dev: list[dict[str, Any]], tmp_path: Path) -> None:
    """Every hard-negative group: different stories about one CVE, vendor or incident, and the
    attribution traps (one publisher's two articles citing one original). None may merge."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in dev:
        if item["hard_negative_group"]:
            groups.setdefault(item["hard_negative_group"], []).append(item)
    assert len(groups) == 38 and any(name.startswith("hn-trap-") for name in groups)
    for name, members in groups.items():
        verdicts = classify_all(matcher(tmp_path / name), members)
        for item, verdict in zip(members, verdicts, strict=True):
            if verdict.duplicate_of is None:
                continue
            target = next(other for other in members if other["url"] == verdict.duplicate_of)
            maybe = target["story"] in item["maybe_same_story"]
            assert target["story"] == item["story"] or maybe, (name, item["headline"], target["headline"])


def test_a_shared_footer_does_not_make_two_articles_one(dev: list[dict[str, Any]], tmp_path: Path) -> None:
    """One account's advisories share header, headings and footer; learned template lines keep
    them apart."""
    account = [item for item in dev if item["sourceSite"] == "weixin:奇安信 CERT"]
    assert len(account) == 23
    verdicts = classify_all(matcher(tmp_path), account)
    by_url = {item["url"]: item for item in account}
    merged = [(item, by_url.get(v.duplicate_of or "")) for item, v in zip(account, verdicts, strict=True)]
    wrong = [(a["headline"], b["headline"]) for a, b in merged if b is not None and a["story"] != b["story"]]
    assert not wrong


def test_state_outlives_the_store_and_refuses_another_scheme(dev: list[dict[str, Any]], tmp_path: Path) -> None:
    original, translation = (next(i for i in dev if i["url"] == url) for url in (THN_MLOPS, ANQUANKE_MLOPS))
    path = tmp_path / "state.sqlite3"
    store = open_store(path, retention_days=180)
    StoryMatcher(store).classify(item_fields(original))
    store.close()

    store = open_store(path, retention_days=180)
    assert StoryMatcher(store).classify(item_fields(translation)).duplicate_of == THN_MLOPS
    store.close()

    with pytest.raises(SchemeMismatchError, match="scheme"):
        SQLiteStoryStore(path, dict(scheme_meta(), scheme="v0"), retention_days=180)


def test_articles_past_the_retention_window_are_forgotten(dev: list[dict[str, Any]], tmp_path: Path) -> None:
    item = story(dev, "mlops-jfrog")[0]
    path = tmp_path / "state.sqlite3"
    day = 86400.0
    store = SQLiteStoryStore(path, scheme_meta(), retention_days=30, now=1000 * day)
    StoryMatcher(store).classify(item_fields(item), now=1000 * day)
    store.close()
    store = SQLiteStoryStore(path, scheme_meta(), retention_days=30, now=1040 * day)
    assert store.expired == 1
    assert StoryMatcher(store).classify(item_fields(item), now=1040 * day).duplicate_of is None
    store.close()


@pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
def test_redis_backend_gives_the_sqlite_verdicts_and_is_shared(dev: list[dict[str, Any]], tmp_path: Path) -> None:
    with redis_server(tmp_path) as url:
        check_redis_backend(dev, tmp_path, url)


def check_redis_backend(dev: list[dict[str, Any]], tmp_path: Path, url: str) -> None:
    items = [item_fields(item) for item in dev[:300]] + [item_fields(i) for i in story(dev, "mlops-jfrog")]

    sqlite = StoryMatcher(open_store(tmp_path / "state.sqlite3", retention_days=180))
    expected = [sqlite.classify(item, now=0.0) for item in items]
    # Two stores on one server stand for two crawlers on two machines.
    first, second = (StoryMatcher(open_store(url, retention_days=180)) for _ in range(2))
    got = [(first if n % 2 else second).classify(item, now=0.0) for n, item in enumerate(items)]
    assert [(v.kind, v.duplicate_of) for v in got] == [(v.kind, v.duplicate_of) for v in expected]
    assert sum(v.kind is not None for v in got) >= 10
    check_newest_hits(first.store)
    first.store.close()
    second.store.close()


def check_newest_hits(store: StoryStore) -> None:
    """A key shared by many articles (a name common over a year of news) gives only its newest
    ones when asked so, and all of them otherwise."""
    key = 12345
    signature = np.zeros(fingerprint.NUM_PERM, dtype=fingerprint.SIGNATURE_DTYPE)
    nothing = fingerprint.token_hashes(())
    wording = np.zeros(0, dtype=fingerprint.WORDING_DTYPE)
    articles = (synthetic_article(f"https://example.com/{n}", signature, nothing, wording) for n in range(100))
    ids = [store.add(article, [key]) for article in articles]
    store.flush()
    assert store.lookup([key], newest=64) == {key: ids[-64:]}
    assert store.lookup([key]) == {key: ids}
    assert store.lookup([key + 1], newest=64) == {}
    # One lookup for keys of several kinds, each with its own limit (None: all).
    assert store.lookup([key + 1, key], [None, 10]) == {key: ids[-10:]}
    assert store.lookup([key, key + 1], [None, 10]) == {key: ids}


def test_a_common_key_gives_its_newest_articles(tmp_path: Path) -> None:
    check_newest_hits(SQLiteStoryStore(tmp_path / "state.sqlite3", scheme_meta(), retention_days=180))


def test_a_feed_read_ahead_gets_the_verdicts_of_one_item_at_a_time(
    dev: list[dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = [item_fields(item) for item in dev]
    expected = classify_all(matcher(tmp_path / "one"), dev)
    assert sum(verdict.kind is not None for verdict in expected) > 400
    # Batches that end inside stories: of 7 items, then of 20,000 body characters (a few items).
    for most_items, most_chars in ((7, 10**9), (10**6, 20_000)):
        monkeypatch.setattr(StoryMatcher, "READ_AHEAD", most_items)
        monkeypatch.setattr(StoryMatcher, "READ_AHEAD_CHARS", most_chars)
        pairs = list(matcher(tmp_path / str(most_items)).classify_each(iter(items)))
        assert [item for item, _ in pairs] == items
        assert [verdict for _, verdict in pairs] == expected


def test_cli_dedupes_feeds_in_order_and_passes_fields_through(dev: list[dict[str, Any]], tmp_path: Path) -> None:
    by_url = {item["url"]: item for item in dev}
    reposts = [item for item in story(dev, "mlops-jfrog") if item["sourceSite"] in REPOSTS]
    items = [by_url[THN_MLOPS], by_url[ANQUANKE_MLOPS], *reposts]
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    one.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items[:2]), encoding="utf-8")
    unreadable = [
        '{"url": "http://[broken/1", "articleBody": "x"}',
        '{"url": 12}',
        '{"url": "https://a.com/b", "canonicalUrl": "http://[v6"}',
        '{"url": "https://a.com/c", "articleBody": 5, "isBasedOn": ["https://a.com/d"]}',
    ]
    two.write_text(
        "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items[2:])
        + "{broken\n"
        + "\n".join(unreadable)
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"

    run = subprocess.run(
        [sys.executable, "-m", "pipelines.dedupe", str(one), str(two), "-o", str(out), "--annotate"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1, run.stderr  # the broken line is reported
    assert f"{two}:3: not a JSON line" in run.stderr
    # Items whose URL cannot be made canonical are reported, not the end of the run.
    assert f"{two}:4: its URL cannot be read (ValueError: Invalid IPv6 URL)" in run.stderr
    assert f"{two}:5: url not text" in run.stderr
    assert f"{two}:6: its URL cannot be read (ValueError: Invalid IPv6 URL)" in run.stderr
    assert f"{two}:7: articleBody, isBasedOn not text" in run.stderr
    annotated = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [item["id"] for item in annotated] == [item["id"] for item in items]
    for given, item in zip(items, annotated, strict=True):
        assert {name: item[name] for name in given} == given
    original, translation, first_repost, second_repost = annotated
    assert original.get("duplicateOf") is None
    assert (translation["duplicateKind"], translation["duplicateOf"]) == ("translation", THN_MLOPS)
    assert second_repost["duplicateKind"] is not None
    assert second_repost["storyId"] == first_repost["storyId"]

    state = tmp_path / "state.sqlite3"
    for _ in range(2):
        run = subprocess.run(
            [sys.executable, "-m", "pipelines.dedupe", str(one), "-o", str(out), "--state", str(state)],
            capture_output=True,
            text=True,
            check=True,
        )
    # The second run's state already holds the story: nothing is new.
    assert out.read_text(encoding="utf-8") == ""
    assert "2 items, 0 stories" in run.stderr and "exact 2" in run.stderr


@pytest_twisted.ensureDeferred
async def test_a_story_seen_in_one_run_is_dropped_in_the_next(tmp_path: Path) -> None:
    """Run 1 crawls The Hacker News, run 2 Anquanke, on one state file: Anquanke's translation of an
    article of run 1 is dropped; a third run, without the incremental stage that would not fetch them
    at all, drops every article again."""
    translation = "https://www.anquanke.com/post/id/308613"
    original = "https://thehackernews.com/2025/06/new-linux-flaws-enable-full-root-access.html"
    state = tmp_path / "state.sqlite3"
    thn = await crawl_cassette("thehackernews", tmp_path / "run1", state)
    assert original in {item["url"] for item in thn.items}

    run2 = await crawl_cassette("anquanke", tmp_path / "run2", state)
    urls = {item["url"] for item in run2.items}
    assert translation not in urls and len(urls) == 31
    assert run2.stats["dedupe/duplicate/translation"] == 1
    assert all(item["storyId"] and item["duplicateOf"] is None for item in run2.items)

    run3 = await crawl_cassette("anquanke", tmp_path / "run3", state, INCREMENTAL_ENABLED=False)
    assert run3.items == []
    # Every URL of run 2 is in the state, the dropped translation's too.
    assert run3.stats["dedupe/duplicate/exact"] == 32


def test_a_misspelt_action_stops_the_crawl_instead_of_letting_duplicates_through() -> None:
    from scrapy.utils.test import get_crawler

    from pipelines.dedupe import DedupePipeline

    with pytest.raises(ValueError, match="DEDUPE_ACTION must be one of drop, annotate, not 'annotated'"):
        DedupePipeline.from_crawler(get_crawler(settings_dict={"DEDUPE_ENABLED": True, "DEDUPE_ACTION": "annotated"}))
