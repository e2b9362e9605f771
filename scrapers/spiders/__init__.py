"""One spider per source, each a small subclass of ``base.NewsSpider``."""
