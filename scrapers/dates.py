"""Dates as the sites write them, turned into ISO 8601 with the site's own offset."""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from email.utils import parsedate_to_datetime

_LOCAL_DATETIME = re.compile(
    r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?)?"
)


def parse_local(text: str | None, tz: tzinfo) -> datetime | None:
    """First date (and time) in ``text``, read in the site's timezone.

    Handles ``2024-11-13 10:06:21``, ``2025年08月03日 11:06`` and ``2025/8/3``; ISO strings that carry
    their own offset are honoured.
    """
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        parsed = None
    if parsed is not None:
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)
    match = _LOCAL_DATETIME.search(text)
    if not match:
        return None
    year, month, day, hour, minute, second = (int(part) if part else 0 for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=tz)
    except ValueError:
        return None


def parse_feed_date(text: str | None, tz: tzinfo) -> datetime | None:
    """An RSS ``pubDate`` (RFC 822) or Atom ISO date; a bare local time is read in ``tz``."""
    if not text:
        return None
    try:
        parsed = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        return parse_local(text, tz)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def isoformat(moment: datetime, tz: tzinfo) -> str:
    """``2024-11-13T10:06:21+08:00``: seconds precision, in the site's timezone."""
    return moment.astimezone(tz).isoformat(timespec="seconds")


_MONTH_DAY_YEAR = re.compile(r"\b([A-Z][a-z]{2,8})\.?\s+(\d{1,2}),\s*(\d{4})\b")


def parse_month_day_year(text: str | None, tz: tzinfo) -> datetime | None:
    """The first English ``Jun 19, 2025`` or ``June 19, 2025`` in ``text``, as midnight in ``tz``."""
    for match in _MONTH_DAY_YEAR.finditer(text or ""):
        month, day, year = match.groups()
        try:
            # Every English month name, and the "Sept" some sites write, starts with its abbreviation.
            return datetime.strptime(f"{month[:3]} {day} {year}", "%b %d %Y").replace(tzinfo=tz)
        except ValueError:
            continue
    return None
