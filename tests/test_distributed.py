"""Distributed mode (scrapers/distributed.py): crawler processes sharing one real Redis."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import redis

from tests.crawling import ROOT, feed_lines, scrapy_command
from tests.servers import redis_server

CASSETTE = ROOT / "cassettes" / "anquanke" / "crawl.yaml"
ARTICLES = 32


def stat(log: str, name: str) -> int:
    """A stat from the dump a crawl logs when it closes."""
    match = re.search(rf"'{re.escape(name)}': (\d+)", log)
    return int(match[1]) if match else 0


def crawl_processes(url: str, tmp_path: Path, names: list[str]) -> list[str]:
    """Crawl Anquanke in one process per name at once, each with its own feeds and local state
    (as on separate machines), all on the Redis at ``url``; their logs."""
    processes = []
    for name in names:
        command = scrapy_command(
            "anquanke",
            tmp_path / name / "state.sqlite3",
            tmp_path / name / "feeds",
            CASSETTE,
            f"REDIS_URL={url}",
            # Each crawler pushes the feed and list requests to the shared queue, and either may
            # pop both copies: the one recording then answers twice.
            "CASSETTE_ALLOW_REPEATS=True",
        )
        log = (tmp_path / f"{name}.log").open("w")
        processes.append((subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT), log))
    logs = []
    for name, (process, log) in zip(names, processes, strict=True):
        assert process.wait(300) == 0, f"{name} failed"
        log.close()
        logs.append((tmp_path / f"{name}.log").read_text())
    return logs


@pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
def test_two_crawlers_on_one_redis_share_the_queue_and_emit_every_article_once(tmp_path: Path) -> None:
    with redis_server(tmp_path) as url:
        logs = crawl_processes(url, tmp_path, ["one", "two"])
        for log in logs:
            assert "Enabled addons" in log and "Shared duplicate filter anquanke:dupefilter" in log
            assert stat(log, "scheduler/dequeued/redis") > 0 and stat(log, "cassette/missed") == 0
            assert stat(log, "finish_reason") == 0 and "'finish_reason': 'finished'" in log

        urls = [
            json.loads(line)["url"]
            for name in ("one", "two")
            for line in feed_lines(tmp_path / name / "feeds" / "anquanke")
        ]
        assert len(urls) == ARTICLES and len(set(urls)) == ARTICLES
        # The articles were fetched once between them, through the shared queue and filter.
        assert sum(stat(log, "incremental/new") for log in logs) == ARTICLES

        client = redis.Redis.from_url(url)
        assert client.llen("anquanke:requests") == 0 and client.zcard("anquanke:requests") == 0
        assert len(list(client.scan_iter("cleannews:seen:*"))) == ARTICLES
        assert len(list(client.scan_iter("cleannews:a:*"))) == ARTICLES
        assert 0 < client.ttl("anquanke:dupefilter") <= 1800
        assert client.hlen("cleannews:runs") == 0, "both runs committed"

        # The next round, on either machine, finds every article in the shared seen-store.
        (later,) = crawl_processes(url, tmp_path, ["three"])
        assert stat(later, "incremental/not_refetched") == ARTICLES
        assert feed_lines(tmp_path / "three" / "feeds" / "anquanke") == []
