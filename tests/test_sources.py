"""The sources registry, and what the sources give together."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import pytest_twisted
from scrapy.spiderloader import get_spider_loader
from scrapy.utils.project import get_project_settings

from scrapers.sources import source_spiders
from tests.crawling import ROOT, assert_no_cassette_miss, crawl

LOADER = get_spider_loader(get_project_settings())
SPIDERS = sorted(LOADER.list())


def test_every_spider_module_is_a_registered_spider() -> None:
    modules = {path.stem for path in (ROOT / "scrapers" / "spiders").glob("*.py")} - {"__init__", "base"}
    classes = {LOADER.load(name).__module__.rsplit(".", 1)[1] for name in SPIDERS}

    assert modules == classes


def test_sources_are_the_spiders_with_a_site_of_their_own() -> None:
    assert {spider.name for spider in source_spiders()} == set(SPIDERS) - {"feed"}


@pytest.mark.parametrize("name", SPIDERS)
def test_every_spider_has_a_cassette_and_an_expected_output_test(name: str) -> None:
    folder = ROOT / "cassettes" / name
    assert (folder / "crawl.yaml").is_file(), f"{name} has no cassette: see README, Adding a source"
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "../shared" in readme, f"cassettes/{name}/README.md does not say where its pages came from"
    test_file = ROOT / "tests" / f"test_{name}.py"
    assert test_file.is_file(), f"{name} has no tests/test_{name}.py"
    module = ast.parse(test_file.read_text(encoding="utf-8"))
    assigned = {
        node.targets[0].id: node.value
        for node in module.body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
    }
    assert isinstance(assigned.get("SPIDER"), ast.Constant) and assigned["SPIDER"].value == name  # type: ignore[attr-defined]
    replays = [
        node
        for node in module.body
        if isinstance(node, ast.AsyncFunctionDef) and node.name.startswith("test_") and "replay" in ast.unparse(node)
    ]
    assert replays, f"tests/test_{name}.py has no test that replays the cassette"


def cassette(name: str) -> dict[str, str]:
    return {"CASSETTE_PATH": str(ROOT / "cassettes" / name / "crawl.yaml"), "CASSETTE_RECORD_MODE": "none"}


@pytest_twisted.ensureDeferred
async def test_anquanke_translation_links_its_crawled_english_original(tmp_path: Path) -> None:
    original = await crawl("thehackernews", tmp_path / "thn", cassette("thehackernews"), since="2000-01-01")
    translation = await crawl("anquanke", tmp_path / "anquanke", cassette("anquanke"))
    assert_no_cassette_miss(original)
    assert_no_cassette_miss(translation)

    english = original.item("/2025/06/new-linux-flaws-enable-full-root-access.html")
    chinese = translation.item("/post/id/308613")
    assert chinese["isBasedOn"] == english["canonicalUrl"]
    assert (english["inLanguage"], chinese["inLanguage"]) == ("en", "zh")
    for shared in ("CVE-2025-6018", "CVE-2025-6019", "CVE-2025-6020", "Qualys"):
        assert shared in english["articleBody"] and shared in chinese["articleBody"], shared
