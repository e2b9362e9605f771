"""Record and replay a crawl's HTTP traffic through a vcrpy cassette.

vcrpy patches HTTP client libraries, but Scrapy's default downloader talks HTTP through Twisted,
which vcrpy never sees (vcrpy#538). This downloader middleware sits next to the downloader and uses
the vcrpy cassette itself: a request the cassette holds is answered from it, and a response that
comes back from the network is appended to it, so cassettes are ordinary vcrpy YAML files that
pytest-recording manages.

It is enabled by one of two settings:

* ``VCR_CASSETTE``: a cassette that is already open, e.g. pytest-recording's ``vcr`` fixture,
  wrapped in ``SharedCassette``. Its owner decides the record mode and saves it.
* ``CASSETTE_PATH`` (+ ``CASSETTE_RECORD_MODE``, default ``none``): the middleware opens the
  cassette at that path for the crawl and saves it when the spider closes; ``%(name)s`` in the
  path stands for the spider's name. ``make demo`` uses this. ``CASSETTE_ALLOW_REPEATS`` lets
  one recorded response answer a request again: crawlers sharing a queue (distributed mode) may
  each fetch a feed that one recorded crawl fetched once.

It sits at priority 950, after every stock middleware, so it records the bytes exactly as the
server sent them (still compressed, before redirects are followed) and its replayed responses run
through decompression, redirects, retries and robots.txt handling like live ones. A network failure
(a timeout, a refused connection) is recorded too, as a pseudo-response with an ``error`` entry, and
replayed by raising the same error.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

import vcr
from scrapy import Request, exceptions, signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from twisted.internet import error as twisted_error
from twisted.internet.error import TCPTimedOutError
from twisted.web._newclient import ResponseNeverReceived
from vcr.cassette import Cassette, CassetteContextDecorator
from vcr.request import Request as VcrRequest

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)
# vcrpy logs every recorded body at INFO; a crawl log is no place for whole pages.
logging.getLogger("vcr").setLevel(logging.WARNING)

# Credentials and session state never belong in a cassette that is committed to a repository.
SCRUBBED_HEADERS = frozenset({"cookie", "set-cookie", "authorization", "proxy-authorization"})
REPLAYED_FLAG = "cassette"


class SharedCassette:
    """An open cassette handed to a crawl through its settings.

    Scrapy deep-copies settings for every crawler; a cassette must stay the one object its owner
    (pytest-recording) saves, so the copy is the same handle.
    """

    def __init__(self, cassette: Cassette):
        self.cassette = cassette

    def __deepcopy__(self, memo: dict[int, Any]) -> SharedCassette:
        return self


class CassetteMiss(IgnoreRequest):
    """A request the cassette does not hold, while the cassette may not record."""


def _decode_headers(headers: Headers) -> dict[str, list[str]]:
    decoded: dict[str, list[str]] = {}
    for name, values in headers.items():
        key = name.decode("latin-1")
        if key.lower() in SCRUBBED_HEADERS:
            continue
        decoded[key] = [value.decode("latin-1") for value in values]
    return decoded


def to_vcr_request(request: Request) -> VcrRequest:
    return VcrRequest(request.method, request.url, request.body or None, _decode_headers(request.headers))


def to_vcr_response(response: Response) -> dict[str, Any]:
    try:
        message = HTTPStatus(response.status).phrase
    except ValueError:
        message = ""
    return {
        "status": {"code": response.status, "message": message},
        "headers": _decode_headers(response.headers),
        "body": {"string": response.body},
    }


# Network failures a cassette keeps, by name, so that a replay fails as the recorded crawl did
# (and goes through the same retries); nothing else is ever loaded from a cassette.
RECORDED_ERRORS: dict[str, type[Exception]] = {
    error.__name__: error
    for error in (
        exceptions.DownloadTimeoutError,
        exceptions.DownloadConnectionRefusedError,
        exceptions.CannotResolveHostError,
        exceptions.DownloadFailedError,
        exceptions.ResponseDataLossError,
        twisted_error.TimeoutError,
        twisted_error.ConnectionRefusedError,
        twisted_error.ConnectionLost,
        twisted_error.DNSLookupError,
        TCPTimedOutError,
        ResponseNeverReceived,
    )
}


def to_vcr_failure(exception: Exception) -> dict[str, Any]:
    """A network failure stored in place of a response: vcrpy holds request/response pairs only."""
    return {
        "status": {"code": 599, "message": "Network failure"},
        "headers": {},
        "body": {"string": b""},
        "error": {"type": type(exception).__name__, "message": str(exception)},
    }


def from_vcr_response(request: Request, stored: dict[str, Any]) -> Response:
    if "error" in stored:
        raise RECORDED_ERRORS[stored["error"]["type"]](stored["error"]["message"])
    headers = Headers({name: values for name, values in stored["headers"].items()})
    body = stored["body"]["string"]
    if isinstance(body, str):
        body = body.encode("utf-8")
    response_class = responsetypes.from_args(headers=headers, url=request.url, body=body)
    return response_class(
        url=request.url,
        status=int(stored["status"]["code"]),
        headers=headers,
        body=body,
        flags=[REPLAYED_FLAG],
        request=request,
        protocol="HTTP/1.1",
    )


class CassetteMiddleware:
    def __init__(self, stats: StatsCollector, cassette: Cassette, owned: bool):
        self.stats = stats
        self.cassette = cassette
        # A cassette we opened from CASSETTE_PATH is ours to save; a shared one is its owner's.
        self._owned = owned
        self.misses: list[str] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CassetteMiddleware:
        settings = crawler.settings
        shared = settings.get("VCR_CASSETTE")
        cassette = shared.cassette if isinstance(shared, SharedCassette) else None
        path = settings.get("CASSETTE_PATH")
        if cassette is None and not path:
            raise NotConfigured("neither VCR_CASSETTE nor CASSETTE_PATH is set")
        owned = cassette is None
        if cassette is None:
            path = str(path) % {"name": crawler.spidercls.name}
            record_mode = settings.get("CASSETTE_RECORD_MODE", "none")
            # Loaded directly rather than through vcr.use_cassette(), which would also patch every
            # HTTP client library in the process (and record, say, tldextract's suffix-list fetch).
            config = vcr.VCR(record_mode=record_mode).get_merged_config(path=path)
            for name in CassetteContextDecorator._non_cassette_arguments:
                config.pop(name, None)
            cassette = Cassette.load(**config)
            cassette.allow_playback_repeats = settings.getbool("CASSETTE_ALLOW_REPEATS")
        assert crawler.stats is not None
        middleware = cls(crawler.stats, cassette, owned)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self) -> None:
        logger.info("Using cassette %s (record mode %s)", self.cassette._path, self.cassette.record_mode)

    def spider_closed(self) -> None:
        if self.misses:
            logger.error("%d request(s) missed the cassette: %s", len(self.misses), ", ".join(self.misses))
        if self._owned:
            # vcrpy's own context manager saves the same way on exit; there is no public save().
            self.cassette._save()

    def process_request(self, request: Request) -> Response | None:
        cassette = self.cassette
        stored_request = to_vcr_request(request)
        if cassette.can_play_response_for(stored_request):
            self.stats.inc_value("cassette/replayed")
            return from_vcr_response(request, cassette.play_response(stored_request))
        if cassette.write_protected:
            self.stats.inc_value("cassette/missed")
            self.misses.append(f"{request.method} {request.url}")
            raise CassetteMiss(f"{request.method} {request.url} is not in cassette {cassette._path}")
        return None

    def process_exception(self, request: Request, exception: Exception) -> None:
        if self.cassette.write_protected or type(exception).__name__ not in RECORDED_ERRORS:
            return
        self.cassette.append(to_vcr_request(request), to_vcr_failure(exception))
        self.stats.inc_value("cassette/recorded_failures")

    def process_response(self, request: Request, response: Response) -> Response:
        cassette = self.cassette
        if REPLAYED_FLAG in response.flags or cassette.write_protected:
            return response
        cassette.append(to_vcr_request(request), to_vcr_response(response))
        self.stats.inc_value("cassette/recorded")
        return response
