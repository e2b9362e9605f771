"""The sources: every spider that crawls one site of its own, found among the project's spiders.

There is no second list to keep in step: a spider that names its site's feeds, list pages or
sitemaps is a source. The generic ``feed`` spider names none (its URLs come from ``-a url=``), so
it is not one. ``python -m scrapers.sources`` prints their names, one per line, for the Makefile.
"""

from __future__ import annotations

from scrapy.settings import BaseSettings
from scrapy.spiderloader import get_spider_loader
from scrapy.utils.project import get_project_settings

from scrapers.spiders.base import NewsSpider


def source_spiders(settings: BaseSettings | None = None) -> list[type[NewsSpider]]:
    loader = get_spider_loader(settings if settings is not None else get_project_settings())
    spiders = [loader.load(name) for name in loader.list()]
    return [
        spider
        for spider in spiders
        if issubclass(spider, NewsSpider) and (spider.feed_urls or spider.list_urls or spider.sitemap_urls)
    ]


if __name__ == "__main__":
    for spider in source_spiders():
        print(spider.name)
