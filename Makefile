# The quickstart: `make crawl` (live) and `make test` (offline). `make demo` crawls every source
# from its recorded cassette, with no network, into feeds/.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SPIDERS = $$($(BIN)/scrapy list)
# How far back `make record` follows list pages when re-recording the site cassettes live.
SINCE ?= $(shell date -d '3 days ago' +%F)

.PHONY: crawl demo test record cassettes clean

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

crawl: $(INSTALLED)
	for spider in $(SPIDERS); do $(BIN)/scrapy crawl $$spider || exit 1; done

demo: $(INSTALLED)
	for spider in $(SPIDERS); do \
	  $(BIN)/scrapy crawl $$spider -s 'CASSETTE_PATH=cassettes/%(name)s/crawl.yaml' -s CASSETTE_RECORD_MODE=none || exit 1; \
	done
	@ls -l feeds/*/

test: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest --record-mode=none --block-network

# Re-record every site cassette from the live sites (needs network access).
record: $(INSTALLED)
	for spider in $(SPIDERS); do \
	  $(BIN)/scrapy crawl $$spider -a since=$(SINCE) -s DEFAULT_FEEDS='{}' \
	    -s 'CASSETTE_PATH=cassettes/%(name)s/crawl.yaml' -s CASSETTE_RECORD_MODE=all || exit 1; \
	done

# Rebuild the site cassettes from the archived copies in ../shared (no network needed).
cassettes: $(INSTALLED)
	$(BIN)/python -m tests.rebuild

clean:
	rm -rf $(VENV) feeds .mypy_cache .ruff_cache
