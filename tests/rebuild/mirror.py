"""A local HTTP server that serves rebuilt pages under their real URLs.

``MirrorDownloadHandler`` sends every request to the server on 127.0.0.1 and names the real URL
in a header; the server answers with the page rebuilt for that URL, or 404. The response then
carries the real URL again, so the cassette records the site's own addresses.
"""

from __future__ import annotations

import gzip
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.http import Response

URL_HEADER = "X-Mirror-Url"


@dataclass(frozen=True)
class Page:
    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()
    # Sent gzip-compressed when the client accepts it, as most live servers do.
    compress: bool = False
    # Seconds before the answer (a server that times out).
    delay: float = 0
    # What the URL answers from the next request on (a server that recovers).
    then: Page | None = None


@dataclass
class Site:
    pages: dict[str, Page]
    # Which archived copy each page was rebuilt from, for the cassette README.
    provenance: dict[str, str] = field(default_factory=dict)


class _Handler(BaseHTTPRequestHandler):
    server: MirrorServer

    def do_GET(self) -> None:
        url = self.headers.get(URL_HEADER) or f"http://{self.headers.get('Host')}{self.path}"
        page = self.server.site.pages.get(url)
        if page is None:
            page = Page(404, "text/html; charset=utf-8", b"<html><body><h1>404 Not Found</h1></body></html>")
        elif page.then is not None:
            self.server.site.pages[url] = page.then
        if page.delay:
            time.sleep(page.delay)
        body = page.body
        self.send_response(page.status)
        self.send_header("Content-Type", page.content_type)
        if page.compress and "gzip" in (self.headers.get("Accept-Encoding") or ""):
            body = gzip.compress(body, mtime=0)
            self.send_header("Content-Encoding", "gzip")
        for name, value in page.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class MirrorServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, site: Site):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.site = site
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def address(self) -> str:
        host, port = self.server_address[:2]
        return f"{host!s}:{port}"

    def __enter__(self) -> MirrorServer:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.shutdown()
        self.server_close()


class MirrorDownloadHandler(HTTP11DownloadHandler):
    """Downloads every http(s) URL from the mirror at the MIRROR_ADDRESS setting."""

    async def download_request(self, request: Request) -> Response:
        parts = urlsplit(request.url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        local = request.replace(url=f"http://{self.crawler.settings['MIRROR_ADDRESS']}{path}")
        local.headers[URL_HEADER] = request.url
        response = await super().download_request(local)
        return response.replace(url=request.url)
