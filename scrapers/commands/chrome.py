"""``scrapy chrome <site>``: what the learned-template stage knows about a site.

``<site>`` is a spider name (its ``allowed_domains`` are shown) or a domain. Each line shows how
many distinct pages carried the text, its share of the site's recent pages, and whether it is
stripped now ("strip") or still being counted ("learn").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader

from pipelines.templates import SiteTemplates, Thresholds
from scrapers.state import state_path
from scrapers.urls import registered_domain

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "<site>"

    def short_desc(self) -> str:
        return "List the chrome lines learned for a site (spider name or domain), with their counts"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--min-pages", type=int, default=2, help="show lines seen on at least this many pages")
        parser.add_argument("--width", type=int, default=100, help="cut each line's text to this many characters")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("name one site: a spider name or a domain")
        assert self.settings is not None
        path = state_path(self.settings)
        if not path.exists():
            print(f"Nothing learned yet: {path} does not exist (a crawl creates it).")
            return
        templates = SiteTemplates.open(path, Thresholds.from_settings(self.settings))
        try:
            known = dict(templates.sites())
            sites = self._sites(args[0])
            # A spider's other domains (a feed host) have no pages of their own.
            sites = [site for site in sites if site in known] or sites
            for site in sites:
                print(f"{site}: {known.get(site, 0)} pages seen; state {path}")
                lines = templates.learned(site, opts.min_pages)
                if not lines:
                    print("  no line seen on more than one page yet")
                for line in lines:
                    status = "strip" if line.active else "learn"
                    text = line.text if len(line.text) <= opts.width else line.text[: opts.width - 1] + "…"
                    print(f"  {status}  {line.pages:6d} pages  {line.share:6.1%} of recent  {text}")
        finally:
            templates.close()

    def _sites(self, name: str) -> list[str]:
        assert self.settings is not None
        loader = get_spider_loader(self.settings)
        if name in loader.list():
            domains = getattr(loader.load(name), "allowed_domains", None) or []
            return sorted({registered_domain(f"https://{domain}/") for domain in domains})
        return [registered_domain(name if "://" in name else f"https://{name}/")]
