"""Scrapy settings for the project.

Only what differs from Scrapy's defaults is set here. Everything can be overridden per run with
``-s NAME=VALUE`` or per spider with ``custom_settings``.
"""

import os

BOT_NAME = "scrapers"
SPIDER_MODULES = ["scrapers.spiders"]
NEWSPIDER_MODULE = "scrapers.spiders"
# `scrapy chrome <site>`
COMMANDS_MODULE = "scrapers.commands"

# Politeness: identify ourselves, obey robots.txt, and let AutoThrottle adapt to each site.
USER_AGENT = "cleannews/0.1 (news article archiver; +https://github.com/cleannews/cleannews)"
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 2
# The longest Retry-After (seconds) waited out before a retry; a longer one is not retried.
RETRY_AFTER_MAX = 60
# A news page is well under a megabyte; anything far larger is not an article and is cut off.
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
TELNETCONSOLE_ENABLED = False
COOKIES_ENABLED = True

# Where a crawl writes when neither -o/-O nor FEEDS names an output: a JSON-lines file per crawl.
# Scrapy merges -o/-O into FEEDS, so this is applied by NewsSpider.update_settings only when FEEDS
# is empty; `scrapy crawl cnbeta -O cnbeta.jsonl` then writes cnbeta.jsonl alone.
DEFAULT_FEEDS = {
    "feeds/%(name)s/%(time)s.jsonl": {"format": "jsonlines", "encoding": "utf-8", "store_empty": False},
}
# UTF-8 keeps Chinese readable in every feed, -o/-O ones included.
FEED_EXPORT_ENCODING = "utf-8"

ITEM_PIPELINES = {
    "pipelines.chrome.ChromeStripPipeline": 100,
    "pipelines.templates.LearnedTemplatePipeline": 150,
    "pipelines.validate.ValidatePipeline": 200,
    "pipelines.canonical.CanonicalUrlDedupePipeline": 300,
    "pipelines.incremental.IncrementalPipeline": 350,
    "pipelines.dedupe.DedupePipeline": 400,
}

# Feed files are written under a temporary name and renamed when complete (scrapers/feedstorage.py).
FEED_STORAGES = {
    "": "scrapers.feedstorage.AtomicFileFeedStorage",
    "file": "scrapers.feedstorage.AtomicFileFeedStorage",
}

DOWNLOADER_MIDDLEWARES = {
    # Before the RetryMiddleware (550) sees a 429/503: waits out a short Retry-After.
    "scrapers.retryafter.RetryAfterMiddleware": 560,
    # Before the RedirectMiddleware (600) follows a redirect back into its own chain.
    "scrapers.redirectloop.RedirectLoopMiddleware": 610,
    # Disabled (NotConfigured) unless VCR_CASSETTE or CASSETTE_PATH is set.
    "scrapers.cassette.CassetteMiddleware": 950,
}
CASSETTE_PATH = None
CASSETTE_RECORD_MODE = "none"
CASSETTE_ALLOW_REPEATS = False

# The state store (scrapers/state.py): a SQLite file kept between runs. None means
# .scrapy/cleannews.sqlite3 in the project.
STATE_PATH = None

# Learned site templates (pipelines/templates.py): a body line is a site's chrome once it is on at
# least MIN_PAGES distinct pages and on MIN_SHARE of the site's last RECENT_PAGES pages. A body
# never loses more than MAX_SHARE of its text to them.
TEMPLATES_ENABLED = True
TEMPLATES_MIN_PAGES = 5
TEMPLATES_MIN_SHARE = 0.3
TEMPLATES_RECENT_PAGES = 200
TEMPLATES_MAX_SHARE = 0.5

# Story dedupe (pipelines/dedupe.py): "drop" keeps one item per story in the feed, "annotate"
# keeps every item with storyId / duplicateOf / duplicateKind. The state is the STATE_PATH store
# unless DEDUPE_STATE names another SQLite file or a redis:// URL; articles older than
# RETENTION_DAYS no longer dedupe new ones.
DEDUPE_ENABLED = True
DEDUPE_ACTION = "drop"
DEDUPE_STATE = None
DEDUPE_RETENTION_DAYS = 180

# Incremental crawling (pipelines/incremental.py): an article fetched less than REFETCH_AFTER
# seconds ago is not fetched again; after that it is, and emitted again only if it changed. The
# seen-store is the STATE_PATH store unless INCREMENTAL_STATE names another SQLite file or a
# redis:// URL. It is also the journal that rolls back a killed crawl.
INCREMENTAL_ENABLED = True
INCREMENTAL_REFETCH_AFTER = 6 * 3600
INCREMENTAL_STATE = None
INCREMENTAL_RETENTION_DAYS = 180

# Distributed mode (scrapers/distributed.py): set REDIS_URL, here or as the CLEANNEWS_REDIS_URL
# environment variable, and every crawl shares the Redis scheduler queue, duplicate filter,
# seen-store and dedupe state there.
ADDONS = {"scrapers.distributed.DistributedMode": 0}
REDIS_URL = os.environ.get("CLEANNEWS_REDIS_URL") or None
# How long the shared duplicate filter remembers a request after the last one it saw: one round of
# crawls, not more, so that the next round can fetch an article again once it is due.
DUPEFILTER_TTL = 1800

# Article bodies shorter than this are not articles: the limit counts CJK characters once and
# Latin words once, so it means the same for Chinese and English text.
ARTICLE_MIN_LENGTH = 40

# How far back list pagination goes when no -a since=... is given: the first page of each list.
LIST_MAX_PAGES = 50

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = "INFO"
