# hubbot: the two commands the README starts with are `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DEMO := demo-out

.PHONY: setup setup-test system demo test lint bench bench-quick clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# Production and demo: hubbot and its runtime dependencies only.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	# An editable install leaves hubbot's modules without bytecode, and with
	# PYTHONDONTWRITEBYTECODE set every run would compile them again: compile them once.
	$(PY) -m compileall -q hubbot
	touch $@

# Tests, lint and benchmarks: also the test and plot extras (never in a production
# virtualenv; the plot extra so that the history timeline is tested too).
$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test,plot]'
	touch $@

setup: $(VENV)/.installed

setup-test: $(VENV)/.installed-test

# PHP and MediaWiki 1.39 from Debian's packages, for the integration tests (needs root).
system:
	bash .ci/install-system.sh

demo: setup
	@rm -rf $(DEMO) && mkdir -p $(DEMO) && cp -r examples/pages $(DEMO)/pages
	@echo "== 1. dry run: what hubbot would change (nothing is written) =="
	$(VENV)/bin/hubbot sync --config config/demo.toml --pages-dir $(DEMO)/pages --dry-run --diff-file $(DEMO)/review.md
	@echo "== 2. the real run: edits the pages in $(DEMO)/pages =="
	$(VENV)/bin/hubbot sync --config config/demo.toml --pages-dir $(DEMO)/pages
	@echo "== 3. a second run: nothing changed, nothing fetched, nothing written =="
	$(VENV)/bin/hubbot sync --config config/demo.toml --pages-dir $(DEMO)/pages
	@if command -v php >/dev/null 2>&1 && [ -d .mediawiki/dist ]; then \
		echo "== 4. the same against a real local MediaWiki 1.39 =="; \
		$(PY) -m tests.wiki.demo; \
	else echo "(PHP/MediaWiki not installed: run 'make system' to also demo against a real local wiki)"; fi
	@echo "== 5. the history of every record, offline from a real export (examples/history) =="
	$(VENV)/bin/hubbot history --dump examples/history/Hubs-Ongoing.xml
	@echo "Review written to $(DEMO)/review.md; the data page is $(DEMO)/pages/Module%3AHubs%2Fdata.json.wikitext"

lint: setup-test
	$(VENV)/bin/ruff check .

test: setup-test
	@if [ -n "$$CI" ] || [ "$$(id -u)" = 0 ]; then bash .ci/install-system.sh; fi
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q -p no:cacheprovider; rc=$$?; \
		if [ $$rc -eq 5 ]; then echo "pytest ran no tests: failing"; exit 1; fi; exit $$rc

# Every benchmark in one go: bench/out/results.md and the plots (requests per run need
# the local MediaWiki: make system). Whole processes are measured on the project's pages
# and, when ../shared/bench (or $$HUBBOT_REFERENCE_BENCH) holds it, on the reference
# workload side by side. `make bench-quick`: small sizes, a minute or so.
$(VENV)/.installed-bench: $(VENV)/.installed-test
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $@

bench: $(VENV)/.installed-bench
	$(PY) bench/run_all.py

bench-quick: $(VENV)/.installed-bench
	$(PY) bench/run_all.py --quick

clean:
	rm -rf $(DEMO) .pytest_cache .ruff_cache
