"""The project deployed to a real scrapyd with scrapyd-deploy and run through its HTTP API."""

from __future__ import annotations

import configparser
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.crawling import ROOT, feed_lines
from tests.servers import http_json, scrapyd_server

SEED = "https://m.cnbeta.com.tw/wap/view/1516922.htm"


def project_copy(folder: Path, scrapyd_url: str) -> Path:
    """What scrapyd-deploy reads, copied (it builds in place), its [deploy] target set to ``scrapyd_url``."""
    copy = folder / "project"
    for name in ("scrapy.cfg", "setup.py", "pyproject.toml", "README.md"):
        copy.mkdir(exist_ok=True)
        shutil.copy(ROOT / name, copy / name)
    for package in ("scrapers", "pipelines"):
        shutil.copytree(ROOT / package, copy / package, ignore=shutil.ignore_patterns("__pycache__"))
    config = configparser.ConfigParser()
    config.read(copy / "scrapy.cfg")
    assert config["deploy"]["project"] == "cleannews"
    config["deploy"]["url"] = scrapyd_url
    with (copy / "scrapy.cfg").open("w") as file:
        config.write(file)
    return copy


@pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
def test_scrapyd_deploys_the_project_and_runs_a_scheduled_crawl_from_the_cassette(tmp_path: Path) -> None:
    server = tmp_path / "scrapyd"
    server.mkdir()
    with scrapyd_server(server) as url:
        project = project_copy(tmp_path, url)
        deploy = subprocess.run(
            [str(Path(sys.executable).with_name("scrapyd-deploy"))],
            cwd=project, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert deploy.returncode == 0, deploy.stderr
        assert '"status": "ok"' in deploy.stdout and '"spiders": 5' in deploy.stdout, deploy.stdout

        spiders = http_json(url + "listspiders.json?project=cleannews")["spiders"]
        assert {"anquanke", "cnbeta", "feed", "securityonline", "thehackernews"} <= set(spiders)

        job = http_json(
            url + "schedule.json",
            [
                ("project", "cleannews"),
                ("spider", "cnbeta"),
                ("setting", f"CASSETTE_PATH={ROOT / 'cassettes' / 'cnbeta' / 'crawl.yaml'}"),
                ("setting", "CASSETTE_RECORD_MODE=none"),
                ("since", "2000-01-01"),
            ],
        )
        assert job["status"] == "ok", job
        deadline = time.monotonic() + 240
        while not any(done["id"] == job["jobid"] for done in http_json(url + "listjobs.json")["finished"]):
            assert time.monotonic() < deadline, "the scrapyd job did not finish"
            time.sleep(0.5)

    log = (server / "logs" / "cleannews" / "cnbeta" / f"{job['jobid']}.log").read_text()
    assert "'finish_reason': 'finished'" in log and "cassette/missed" not in log
    # The job ran in scrapyd's folder: its feed and its state are there.
    items = [json.loads(line) for line in feed_lines(server / "feeds" / "cnbeta")]
    assert len(items) == 7
    seed = next(item for item in items if item["url"] == SEED)
    assert seed["articleBody"].startswith("就在刚刚") and seed["datePublished"] == "2025-08-03T11:06:04+08:00"
    assert (server / ".scrapy" / "cleannews.sqlite3").is_file()
    # The dedupe stage's compiled passes, compiled from the egg, are cached for the next job.
    assert list((server / "cache" / "numba").rglob("textscan.scan_lines-*.nbi"))
