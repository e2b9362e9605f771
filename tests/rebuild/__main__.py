"""Record the site cassettes from the local mirror: ``python -m tests.rebuild [spider ...]``."""

from __future__ import annotations

import argparse
from pathlib import Path
from types import ModuleType

from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings

from tests.rebuild import anquanke, baddays, cnbeta, feed, securityonline, thehackernews
from tests.rebuild.mirror import MirrorServer, Site

ROOT = Path(__file__).resolve().parents[2]
SOURCES: dict[str, ModuleType] = {
    "cnbeta": cnbeta,
    "anquanke": anquanke,
    "thehackernews": thehackernews,
    "securityonline": securityonline,
    "feed": feed,
    # Not a source: a made-up site failing in every way, crawled by its own spider.
    "baddays": baddays,
}
SPIDERS = {"baddays": baddays.BadDaysSpider}
# Spider arguments besides since, for spiders that need them.
ARGUMENTS: dict[str, dict[str, str]] = {"feed": {"url": " ".join(feed.START_URLS)}}
# Far enough back that list pagination reaches every archived article.
SINCE = "2000-01-01"


def write_readme(name: str, site: Site, notes: str, folder: Path) -> None:
    if not site.provenance:
        (folder / "README.md").write_text(
            f"# `{name}` cassettes\n\n"
            f"`crawl.yaml` holds a whole `{name}` crawl. It was recorded by `python -m tests.rebuild {name}`\n"
            "through `scrapers.cassette.CassetteMiddleware` from a local server (tests/rebuild/mirror.py).\n\n"
            f"## The site\n\n{notes}",
            encoding="utf-8",
        )
        return
    rows = "\n".join(f"| {page} | `{source}` |" for page, source in sorted(site.provenance.items()))
    (folder / "README.md").write_text(
        f"# `{name}` cassettes\n\n"
        f"`crawl.yaml` holds a whole `{name}` crawl (`-a since={SINCE}`, so every list page and sitemap is\n"
        "in it). It was recorded by `python -m tests.rebuild` through `scrapers.cassette.CassetteMiddleware`\n"
        "from a local mirror that serves pages made from the copies in `../shared` (paths below are\n"
        "relative to it). Re-recording against the live sites is described in the project README\n"
        "(Cassettes and tests).\n\n"
        f"## How the pages were rebuilt\n\n{notes}\n"
        "## Which archived copy each page came from\n\n"
        "Article pages are listed below; the feeds, list pages and sitemaps list the same articles.\n\n"
        "| page | archived copy |\n|---|---|\n"
        f"{rows}\n",
        encoding="utf-8",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("spiders", nargs="*", default=list(SOURCES))
    names = parser.parse_args().spiders
    sites = {name: SOURCES[name].site() for name in names}
    merged = Site({url: page for site in sites.values() for url, page in site.pages.items()})
    with MirrorServer(merged) as server:
        settings = get_project_settings()
        settings.set("DEFAULT_FEEDS", {})
        # A recording keeps HTTP traffic only; the item stages, and the state they would share
        # with real crawls (which could skip articles as already fetched), stay out of it.
        settings.set("ITEM_PIPELINES", {})
        settings.set("AUTOTHROTTLE_ENABLED", False)
        settings.set("DOWNLOAD_DELAY", 0)
        settings.set("MIRROR_ADDRESS", server.address)
        settings.set("CASSETTE_PATH", str(ROOT / "cassettes" / "%(name)s" / "crawl.yaml"))
        settings.set("CASSETTE_RECORD_MODE", "all")
        settings.set(
            "DOWNLOAD_HANDLERS",
            {scheme: "tests.rebuild.mirror.MirrorDownloadHandler" for scheme in ("http", "https")},
        )
        process = CrawlerProcess(settings, install_root_handler=True)
        for name in names:
            folder = ROOT / "cassettes" / name
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "crawl.yaml").unlink(missing_ok=True)
            process.crawl(SPIDERS.get(name, name), since=SINCE, **ARGUMENTS.get(name, {}))
            write_readme(name, sites[name], SOURCES[name].NOTES, folder)
        process.start()


if __name__ == "__main__":
    main()
