"""Dedupe benchmark (``make bench``): scores, speed and state size on ../shared/dedupe, and query time
against a store of 10k and 1M synthetic articles.

    python -m tests.bench_dedupe [--large N]

Figures on a shared machine are noisy; compare the numbers of one run with each other.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from pipelines.dedupe import scheme_meta
from scrapers import fingerprint as fp
from scrapers.stories import StoryMatcher
from scrapers.storystore import SQLiteStoryStore, StoredArticle
from scrapers.urls import canonical_url
from tests.crawling import SHARED

FIELDS = ("id", "url", "headline", "articleBody", "inLanguage", "datePublished", "sourceSite")


def score(gold: Path, folder: Path) -> None:
    items = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines()]
    store = SQLiteStoryStore(folder / f"{gold.stem}.sqlite3", scheme_meta(), retention_days=3650)
    matcher = StoryMatcher(store)
    inputs = [{name: item[name] for name in FIELDS} for item in items]
    # Both variants hold the same URLs: the second must not find them canonical already.
    canonical_url.cache_clear()
    started = time.process_time()
    # As the CLI runs the stage over a feed.
    verdicts = [verdict for _, verdict in matcher.classify_each(inputs)]
    store.flush()
    elapsed = time.process_time() - started
    predictions = folder / f"{gold.stem}.pred.jsonl"
    with predictions.open("w", encoding="utf-8") as out:
        for item, verdict in zip(inputs, verdicts, strict=True):
            out.write(json.dumps({"id": item["id"], "duplicateOf": verdict.duplicate_of}) + "\n")
    print(f"## {gold.name}")
    subprocess.run([sys.executable, str(SHARED / "eval" / "dedupe_eval.py"), str(gold), str(predictions)], check=True)
    print(f"speed: {len(items) / elapsed:.0f} docs/s of CPU time on one core ({elapsed:.2f} s for {len(items)})")
    print(f"state: {store.size_bytes() / len(items):.0f} bytes per document (SQLite pages of the dedupe tables)")
    store.close()
    print()


def synthetic_article(url: str, signature: np.ndarray, evidence: np.ndarray, wording: np.ndarray) -> StoredArticle:
    """An article of example.com with these fingerprints, naming no CVE and no headline name."""
    empty = fp.token_hashes(())
    return StoredArticle(
        0, url, 0, "example.com", "zh", True, 20000.0, time.time(), 2000, signature, evidence, wording, empty, empty
    )


def fill(store: SQLiteStoryStore, count: int, seed: int = 1) -> None:
    """``count`` synthetic articles: random signatures, their band keys, a URL key, evidence and 60
    body lines, written as the stage writes them."""
    rng = np.random.default_rng(seed)
    batch = 20_000
    for start in range(0, count, batch):
        n = min(batch, count - start)
        signatures = rng.integers(0, 2**16, size=(n, fp.NUM_PERM), dtype=np.uint64).astype(fp.SIGNATURE_DTYPE)
        wordings = rng.integers(0, 2**8, size=(n, fp.NUM_PERM), dtype=np.uint64).astype(fp.WORDING_DTYPE)
        evidence = rng.integers(0, 2**16, size=(n, 24), dtype=np.uint64).astype(fp.TOKEN_DTYPE)
        lines = rng.integers(0, 2**32, size=(n, 60), dtype=np.uint64).tolist()
        entries: list[tuple[StoredArticle, list[int], list[int]]] = []
        for row in range(n):
            url = f"https://example.com/synthetic/{start + row}"
            article = synthetic_article(url, signatures[row], np.unique(evidence[row]), wordings[row])
            entries.append((article, [fp.key_of("url", url), *fp.band_keys(signatures[row])], lines[row]))
        store.add_many(entries)
    store.flush()


def query_time(sizes: list[int], folder: Path) -> None:
    gold = SHARED / "dedupe" / "dev.jsonl"
    queries = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines()[:300]]
    store = SQLiteStoryStore(folder / "synthetic.sqlite3", scheme_meta(), retention_days=3650)
    filled = 0
    for size in sizes:
        fill(store, size - filled, seed=size)
        filled = size
        # Each query is a full classification of a real article; rolled back so that every size
        # answers the same queries against the same store.
        timings = []
        for item in queries:
            started = time.perf_counter()
            StoryMatcher(store).classify({name: item[name] for name in FIELDS})
            timings.append(time.perf_counter() - started)
        store.rollback()
        print(
            f"query time at {size:>9,} documents: median {np.median(timings) * 1e3:.2f} ms, "
            f"mean {np.mean(timings) * 1e3:.2f} ms ({len(queries)} real articles)"
        )
    store.close()


def template_flood(folder: Path, count: int = 3000) -> None:
    """Short articles of one site on one template (a daily bulletin): they share LSH bands, so each
    new one has every earlier one as a candidate but for the cap on a band's articles."""
    store = SQLiteStoryStore(folder / "flood.sqlite3", scheme_meta(), retention_days=3650)
    matcher = StoryMatcher(store)
    timings = []
    for n in range(count):
        body = f"第{n}期 漏洞 分析 {n * 7919} 内容\n另一行 {n}"
        item = {"url": f"https://example.com/bulletin/{n}", "articleBody": body, "headline": f"快讯 {n}"}
        started = time.process_time()
        matcher.classify({**item, "sourceSite": "example.com", "inLanguage": "zh"})
        timings.append(time.process_time() - started)
    store.close()
    half = count // 2
    print(
        f"{count:,} short articles on one template: {np.mean(timings[:half]) * 1e6:.0f} µs each for the first "
        f"half, {np.mean(timings[half:]) * 1e6:.0f} µs for the second"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--large", type=int, default=1_000_000, help="size of the large synthetic store")
    args = parser.parse_args()
    if not (SHARED / "dedupe" / "dev.jsonl").is_file():
        print(f"{SHARED / 'dedupe'} is absent: the benchmark needs its labelled articles", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as folder:
        # Each compiled pass is loaded (or compiled) at its first call in a process, which a crawl
        # pays once: a throwaway run over a few articles of both languages takes that out.
        warm_up = SQLiteStoryStore(Path(folder) / "warm-up.sqlite3", scheme_meta(), retention_days=1)
        lines = (SHARED / "dedupe" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
        for item in map(json.loads, lines[:: len(lines) // 100]):
            StoryMatcher(warm_up).classify({name: item[name] for name in FIELDS})
        warm_up.close()
        for name in ("dev.jsonl", "dev-noattr.jsonl"):
            score(SHARED / "dedupe" / name, Path(folder))
        template_flood(Path(folder))
        query_time([10_000, args.large], Path(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main())
