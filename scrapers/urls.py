"""Canonical article URLs, so one article reached through several URL forms is one item, and the
site a URL belongs to."""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

from courlan import extract_domain, normalize_url
from w3lib.url import canonicalize_url


# An article's URL is made canonical more than once (its own item, then the dedupe stage), and an
# original is named by every copy of it.
@functools.lru_cache(maxsize=8192)
def canonical_url(url: str) -> str:
    """Generic canonical form: tracking parameters and fragments dropped, query sorted.

    Spiders whose sites have several URL forms for one article (mobile hosts, section paths)
    map them first and call this on the result.
    """
    cleaned = normalize_url(url, strict=False, trailing_slash=True)
    return canonicalize_url(cleaned, keep_fragments=False)


def registered_domain(url: str) -> str:
    """The site a URL is on: its registered domain (``m.cnbeta.com.tw`` is ``cnbeta.com.tw``), or
    its host where there is none (an IP address)."""
    return extract_domain(url) or urlsplit(url).hostname or url
