from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from scrapers.dates import isoformat, parse_feed_date, parse_local, parse_month_day_year

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("发布时间 : 2024-11-13 10:06:21", "2024-11-13T10:06:21+08:00"),
        ("2025年08月03日 11:06", "2025-08-03T11:06:00+08:00"),
        ("2025/8/3", "2025-08-03T00:00:00+08:00"),
        ("2024-11-13T02:06:21+00:00", "2024-11-13T10:06:21+08:00"),
    ],
)
def test_local_dates(text: str, expected: str) -> None:
    moment = parse_local(text, SHANGHAI)
    assert moment is not None
    assert isoformat(moment, SHANGHAI) == expected


def test_feed_dates_in_gmt_and_with_offsets() -> None:
    gmt = parse_feed_date("Sun, 03 Aug 2025 03:06:04 GMT", SHANGHAI)
    assert gmt is not None and isoformat(gmt, SHANGHAI) == "2025-08-03T11:06:04+08:00"
    thn = parse_feed_date("Sat, 30 May 2026 12:11:26 +0530", SHANGHAI)
    assert thn is not None and isoformat(thn, SHANGHAI) == "2026-05-30T14:41:26+08:00"


def test_no_date() -> None:
    assert parse_local("阅读量 50107", SHANGHAI) is None
    assert parse_local(None, SHANGHAI) is None
    assert parse_feed_date("", SHANGHAI) is None
    assert parse_local("2025-02-30 10:00", SHANGHAI) is None


def test_english_month_day_year() -> None:
    assert parse_month_day_year("**Jun 19, 2025**Ravie Lakshmanan", SHANGHAI) == datetime(2025, 6, 19, tzinfo=SHANGHAI)
    assert parse_month_day_year("Ravie Lakshmanan Oct 02, 2026", SHANGHAI) == datetime(2026, 10, 2, tzinfo=SHANGHAI)
    assert parse_month_day_year("September 30, 2024", SHANGHAI) == datetime(2024, 9, 30, tzinfo=SHANGHAI)
    assert parse_month_day_year("Sept. 4, 2026", SHANGHAI) == datetime(2026, 9, 4, tzinfo=SHANGHAI)
    assert parse_month_day_year("Ravie Lakshmanan", SHANGHAI) is None
    assert parse_month_day_year("Foo 31, 2024", SHANGHAI) is None
