"""One of the scorer's peer extractors over a dev set's pages, for a peer that needs another Python than
the project's (magic-html needs 3.12 or later). ``tests/bench_extraction.py`` runs this file with that
Python and scores the outputs itself, as it scores every other extractor; so this file imports
nothing of the project, and nothing but the scorer and the peer.

    PYTHON tests/peer_outputs.py SCORER NAME DATASET LIMIT OUT.json

OUT.json gets the outputs of the pages that have gold, in the dataset's order (the first LIMIT, if
LIMIT is not 0), and the seconds they took.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from pathlib import Path


def main(scorer_path: str, name: str, dataset: str, limit: str, out: str) -> None:
    spec = importlib.util.spec_from_file_location("extract_eval", scorer_path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {scorer_path}")
    scorer = importlib.util.module_from_spec(spec)
    sys.modules["extract_eval"] = scorer  # its dataclasses look their module up by name
    spec.loader.exec_module(scorer)
    function = scorer.BUILTIN_EXTRACTORS[name][0]
    pages = [page for page in scorer.load_generic(Path(dataset)) if page.gold]
    if int(limit):
        pages = pages[: int(limit)]
    started = time.perf_counter()
    outputs = [function(page.html, page.url) for page in pages]
    seconds = time.perf_counter() - started
    Path(out).write_text(json.dumps({"outputs": outputs, "seconds": seconds}), encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:])
