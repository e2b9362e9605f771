# The quickstart: `make crawl` (live) and `make test` (offline). `make demo` crawls every source,
# and the generic feed spider, from their recorded cassettes, with no network, into feeds/.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# The peer extractors of the extraction benchmark (the `bench` extra), installed on first use.
BENCH_INSTALLED := $(VENV)/.bench-installed
# Every source spider (scrapers/sources.py finds them among the spiders; `feed` is not one).
SOURCES = $$($(BIN)/python -m scrapers.sources)
# The cassettes hold crawls recorded with this -a since (tests/rebuild/__main__.py), so that a
# replay asks for exactly what was recorded, list pages and sitemaps included.
CASSETTE_SINCE := 2000-01-01
FEED_URLS = $$($(BIN)/python -c 'from tests.rebuild.feed import START_URLS; print(" ".join(START_URLS))')
REPLAY := -s 'CASSETTE_PATH=cassettes/%(name)s/crawl.yaml' -s CASSETTE_RECORD_MODE=none -a since=$(CASSETTE_SINCE)
# How far back `make record` follows list pages when re-recording the site cassettes live.
SINCE ?= $(shell date -d '3 days ago' +%F)

.PHONY: crawl demo test bench bench-extraction bench-dedupe record cassettes clean

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,deploy]'
	touch $@

crawl: $(INSTALLED)
	deploy/crawl-all

# The demo keeps its own state, started afresh each time, so that a second `make demo` shows the
# same items (a real crawl's state would drop them all as already seen).
DEMO_STATE := .scrapy/demo.sqlite3

demo: $(INSTALLED)
	rm -f $(DEMO_STATE) $(DEMO_STATE)-wal $(DEMO_STATE)-shm
	for spider in $(SOURCES); do $(BIN)/scrapy crawl $$spider $(REPLAY) -s STATE_PATH=$(DEMO_STATE) || exit 1; done
	$(BIN)/scrapy crawl feed -a url="$(FEED_URLS)" $(REPLAY) -s STATE_PATH=$(DEMO_STATE)
	@ls -l feeds/*/

test: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest --record-mode=none --block-network

bench: bench-extraction bench-dedupe

# extract_text beside trafilatura, readability and resiliparse on every ../shared/eval/*-dev.jsonl:
# P, R, F1, pages/s and the speed ratio (prints numbers, asserts nothing). magic-html needs Python
# 3.12 or later: `make bench MAGIC_HTML_PYTHON=/path/to/python3.12` scores it too, from a venv of its own.
MAGIC_VENV := .venv-magic-html
bench-extraction: $(BENCH_INSTALLED) $(if $(MAGIC_HTML_PYTHON),$(MAGIC_VENV)/.installed)
	$(BIN)/python -m tests.bench_extraction $(if $(MAGIC_HTML_PYTHON),--magic-html-python $(MAGIC_VENV)/bin/python)

$(BENCH_INSTALLED): $(INSTALLED)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $@

$(MAGIC_VENV)/.installed:
	$(MAGIC_HTML_PYTHON) -m venv $(MAGIC_VENV)
	$(MAGIC_VENV)/bin/python -m pip install --quiet magic-html==0.1.8 html-text==0.7.1
	touch $@

# Dedupe scores, speed, state size and query time (reads ../shared/dedupe; prints numbers, asserts nothing).
bench-dedupe: $(INSTALLED)
	$(BIN)/python -m tests.bench_dedupe

# Re-record every site cassette from the live sites (needs network access). The incremental stage
# is off: a recording must hold every article, not only those the state has not seen.
record: $(INSTALLED)
	for spider in $(SOURCES); do \
	  $(BIN)/scrapy crawl $$spider -a since=$(SINCE) -s DEFAULT_FEEDS='{}' -s INCREMENTAL_ENABLED=False \
	    -s 'CASSETTE_PATH=cassettes/%(name)s/crawl.yaml' -s CASSETTE_RECORD_MODE=all || exit 1; \
	done

# Rebuild the site cassettes from the archived copies in ../shared (no network needed).
cassettes: $(INSTALLED)
	$(BIN)/python -m tests.rebuild

clean:
	rm -rf $(VENV) $(MAGIC_VENV) feeds .mypy_cache .ruff_cache
