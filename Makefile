# Family Card — `make demo` and `make test` set up everything they need on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
XCHECK := .venv-xcheck
STAMP := $(VENV)/.installed
XCHECK_STAMP := $(XCHECK)/.installed
CHROMIUM := /usr/bin/chromium
PDFTOPPM := /usr/bin/pdftoppm
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The demo's keys are encrypted with this passphrase unless you set your own.
export FAMILYCARD_PASSPHRASE ?= demo-passphrase-not-for-production

.PHONY: demo test lint typecheck unit bench bench-verify bench-ingest bench-kiosk bench-issue bench-reports clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# pycose 1.1 (the independent COSE implementation the tests compare against) needs cbor2 < 6,
# while the runtime uses the current cbor2: it gets its own small environment.
$(XCHECK_STAMP): Makefile
	$(PYTHON) -m venv $(XCHECK)
	$(XCHECK)/bin/pip install --quiet 'pycose==1.1.0' 'cbor2>=5.6,<6'
	touch $@

# The browser tests drive Debian's Chromium through Playwright (no browser is ever downloaded); the
# printing tests render PDF pages with poppler's pdftoppm.
$(CHROMIUM) $(PDFTOPPM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium poppler-utils

demo: $(STAMP)
	$(BIN)/familycard demo --home var/demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

# One worker per core; the real-server tests share one worker (see tests/conftest.py).
test: $(STAMP) $(XCHECK_STAMP) $(CHROMIUM) $(PDFTOPPM) lint typecheck
	$(BIN)/pytest -n auto --dist loadgroup

unit: $(STAMP)
	$(BIN)/pytest -m unit -q

bench-verify: $(STAMP) $(XCHECK_STAMP)
	$(BIN)/python bench/verify.py

bench-ingest: $(STAMP)
	$(BIN)/python bench/ingest.py

bench-kiosk: $(STAMP)
	$(BIN)/python bench/kiosk.py

bench-issue: $(STAMP)
	$(BIN)/python bench/issue.py

bench-reports: $(STAMP)
	$(BIN)/python bench/reports.py

bench: bench-verify bench-ingest bench-kiosk bench-issue bench-reports

clean:
	rm -rf $(VENV) $(XCHECK) var test-artifacts .pytest_cache .ruff_cache .mypy_cache .hypothesis
