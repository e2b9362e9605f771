"""Extraction benchmark (``make bench``): ``extract_text`` beside the peer extractors on every
``../shared/eval/*-dev.jsonl``, scored by the dev sets' own scorer (bag-of-tokens P, R and F1,
averaged per page), with pages per second and the speed ratio against plain trafilatura.

    python -m tests.bench_extraction [--limit N] [--dataset PATH ...] [--magic-html-python PYTHON]

Every extractor runs over the same pages, one after the other; figures on a shared machine are
noisy, so compare the numbers of one run with each other. A peer that is not installed is listed as
skipped. magic-html needs Python 3.12 or later: with ``--magic-html-python``, a Python that has it
(``make bench MAGIC_HTML_PYTHON=...`` makes one), it runs there (``tests/peer_outputs.py``) and is
scored here like the others.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from scrapers.extraction import extract_text
from tests.crawling import SHARED

EVAL = SHARED / "eval"
# The scorer's own adapters for the peers, so that their figures are the ones it reports.
PEERS = ("trafilatura", "trafilatura_precision", "readability", "resiliparse", "magic_html")
PROJECT = "cleannews extract_text"
BASELINE = "trafilatura"


@dataclass(frozen=True)
class Result:
    name: str
    precision: float
    recall: float
    f1: float
    empty: int
    seconds: float
    pages: int

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def load_scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("extract_eval", EVAL / "extract_eval.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {EVAL / 'extract_eval.py'}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["extract_eval"] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def missing_module(scorer: ModuleType, name: str) -> str | None:
    """The module a peer's adapter in the scorer cannot import, or None when the peer runs."""
    function, _ = scorer.BUILTIN_EXTRACTORS[name]
    try:
        function("<html><body><p>probe</p></body></html>", None)
    except ImportError as error:
        return error.name or str(error)
    return None


def run(scorer: ModuleType, name: str, function: Callable[..., Any], pages: list[Any]) -> Result:
    started = time.perf_counter()
    outputs = [function(page.html, page.url) for page in pages]
    return scored(scorer, name, pages, outputs, time.perf_counter() - started)


def run_elsewhere(scorer: ModuleType, name: str, python: Path, dataset: Path, pages: list[Any], limit: int) -> Result:
    """A peer run by another Python over the same pages (tests/peer_outputs.py), scored here."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "outputs.json"
        command = [str(python), str(Path(__file__).with_name("peer_outputs.py"))]
        subprocess.run([*command, str(EVAL / "extract_eval.py"), name, str(dataset), str(limit), str(out)], check=True)
        found = json.loads(out.read_text(encoding="utf-8"))
    if len(found["outputs"]) != len(pages):
        raise SystemExit(f"{name} under {python} read {len(found['outputs'])} pages of {dataset}, not {len(pages)}")
    return scored(scorer, name, pages, found["outputs"], found["seconds"])


def scored(scorer: ModuleType, name: str, pages: list[Any], outputs: list[str | None], seconds: float) -> Result:
    scores = []
    empty = 0
    for page, output in zip(pages, outputs, strict=True):
        empty += not (output or "").strip()
        scores.append(scorer.score_page(output, page.gold))
    return Result(
        name,
        statistics.mean(score.precision for score in scores),
        statistics.mean(score.recall for score in scores),
        statistics.mean(score.f1 for score in scores),
        empty,
        seconds,
        len(pages),
    )


def report(dataset: Path, results: list[Result], skipped: dict[str, str]) -> None:
    print(f"\n== {dataset.name}: {results[0].pages} pages")
    print(f"{'extractor':26s} {'P':>6s} {'R':>6s} {'F1':>6s} {'empty':>6s} {'pages/s':>8s}")
    for result in results:
        print(
            f"{result.name:26s} {result.precision:6.3f} {result.recall:6.3f} {result.f1:6.3f}"
            f" {result.empty:6d} {result.pages_per_second:8.1f}"
        )
    by_name = {result.name: result for result in results}
    project, baseline = by_name[PROJECT], by_name.get(BASELINE)
    if baseline is not None:
        print(f"time per page, {PROJECT} / {BASELINE}: {project.seconds / baseline.seconds:.2f}x")
    best_peer = max((result for result in results if result.name != PROJECT), key=lambda result: result.f1)
    print(f"best peer: {best_peer.name} {best_peer.f1:.3f}; {PROJECT} {project.f1 - best_peer.f1:+.3f}")
    for name, module in skipped.items():
        print(f"skipped {name}: cannot import {module}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, action="append", help="a JSONL dev set (default: every *-dev.jsonl)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages of each set")
    parser.add_argument(
        "--magic-html-python", type=Path, help="a Python (3.12 or later) with magic-html, to score it there"
    )
    args = parser.parse_args()
    if not (EVAL / "extract_eval.py").is_file():
        raise SystemExit(f"{EVAL} not found: the benchmark needs ../shared/eval next to the project")
    scorer = load_scorer()
    missing = {name: missing_module(scorer, name) for name in PEERS}
    skipped = {name: module for name, module in missing.items() if module is not None}
    elsewhere = {"magic_html": args.magic_html_python} if "magic_html" in skipped and args.magic_html_python else {}
    for name in elsewhere:
        del skipped[name]
    peers = [name for name in PEERS if name not in skipped and name not in elsewhere]
    for dataset in args.dataset or sorted(EVAL.glob("*-dev.jsonl")):
        pages = [page for page in scorer.load_generic(dataset) if page.gold]
        if args.limit:
            pages = pages[: args.limit]
        results = [run(scorer, PROJECT, extract_text, pages)]
        results += [run(scorer, name, scorer.BUILTIN_EXTRACTORS[name][0], pages) for name in peers]
        results += [
            run_elsewhere(scorer, name, python, dataset, pages, args.limit) for name, python in elsewhere.items()
        ]
        report(dataset, results, skipped)


if __name__ == "__main__":
    main()
