# Family Card — `make demo` and `make test` set up everything they need on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
XCHECK := .venv-xcheck
STAMP := $(VENV)/.installed
XCHECK_STAMP := $(XCHECK)/.installed
CHROMIUM := /usr/bin/chromium
PDFTOPPM := /usr/bin/pdftoppm
POSTGRES := /usr/share/postgresql-common/pg_wrapper
HAPROXY := /usr/sbin/haproxy
PGBOUNCER := /usr/sbin/pgbouncer
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The demo's keys are encrypted with this passphrase unless you set your own.
export FAMILYCARD_PASSPHRASE ?= demo-passphrase-not-for-production

.PHONY: demo test lint typecheck unit bench bench-verify bench-ingest bench-kiosk bench-sync bench-issue bench-reports clean \
	bench-ingest-postgres bench-reports-postgres \
	messages-extract messages-update messages-compile

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@
	$(MAKE) messages-compile

# Words: a gettext domain per app (central, issuer, kiosk), its .po files under the app's translations/
# folder. The .mo files are built from them here, never committed.
DOMAINS := cardsvc/central:central issuer:issuer merchant_kiosk:kiosk
PO_FILES := $(wildcard cardsvc/central/translations/*/LC_MESSAGES/central.po \
	issuer/translations/*/LC_MESSAGES/issuer.po merchant_kiosk/translations/*/LC_MESSAGES/kiosk.po)
MO_FILES := $(PO_FILES:.po=.mo)
BABEL_KEYWORDS := --no-default-keywords -k t -k tn:1,1 -k plural:1,1 -k in_language:2 \
	-k plural_in_language:2,2 -k N_ -k N_plural:1,1

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

messages-compile: $(MO_FILES)

# The keys the code and the templates use, to a .pot per domain (translations/<domain>.pot).
messages-extract: $(STAMP)
	@for pair in $(DOMAINS); do app=$${pair%%:*}; domain=$${pair##*:}; \
	  $(BIN)/pybabel extract -F babel.cfg $(BABEL_KEYWORDS) --no-location --sort-output --width 110 \
	    --project 'Family Card' --version 0.1.0 --copyright-holder 'Rete dei Comuni amici della Famiglia' \
	    -o $$app/translations/$$domain.pot $$app || exit 1; done

# New keys join every language's .po with an empty text, to be translated; keys no longer used are kept
# as obsolete entries (#~) at the end.
messages-update: messages-extract
	@for pair in $(DOMAINS); do app=$${pair%%:*}; domain=$${pair##*:}; \
	  $(BIN)/pybabel update --no-fuzzy-matching --ignore-pot-creation-date --width 110 -D $$domain \
	    -i $$app/translations/$$domain.pot -d $$app/translations || exit 1; done

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

# The central service and the office also run on PostgreSQL: the tests start a throwaway server of
# Debian's postgresql on loopback (tests/postgres_cluster.py); its packaged cluster is not used.
$(POSTGRES):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends postgresql

# The balanced end-to-end test puts Debian's haproxy in front of two central instances on loopback
# (tests/e2e/balancer.py); its packaged service is not used.
$(HAPROXY):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends haproxy

# The database operations test puts Debian's pgbouncer between the central service and PostgreSQL
# (tests/e2e/pgbouncer.py); its packaged service is not used.
$(PGBOUNCER):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends pgbouncer

demo: $(STAMP) messages-compile
	$(BIN)/familycard demo --home var/demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

# One worker per core; the real-server tests share one worker (see tests/conftest.py).
test: $(STAMP) $(XCHECK_STAMP) $(CHROMIUM) $(PDFTOPPM) $(POSTGRES) $(HAPROXY) $(PGBOUNCER) messages-compile lint typecheck
	$(BIN)/pytest -n auto --dist loadgroup

unit: $(STAMP) messages-compile
	$(BIN)/pytest -m unit -q

bench-verify: $(STAMP) $(XCHECK_STAMP) messages-compile
	$(BIN)/python bench/verify.py

bench-ingest: $(STAMP) messages-compile
	$(BIN)/python bench/ingest.py

# Two central instances on one PostgreSQL database (a throwaway server with fsync on, as in production).
bench-ingest-postgres: $(STAMP) $(POSTGRES) messages-compile
	$(BIN)/python bench/ingest.py --database postgresql

bench-kiosk: $(STAMP) messages-compile
	$(BIN)/python bench/kiosk.py

# The same sync round on SQLite, then on PostgreSQL (--database sqlite|postgresql for one engine).
bench-sync: $(STAMP) $(POSTGRES) messages-compile
	$(BIN)/python bench/sync.py

bench-issue: $(STAMP) messages-compile
	$(BIN)/python bench/issue.py

bench-reports: $(STAMP) messages-compile
	$(BIN)/python bench/reports.py

bench-reports-postgres: $(STAMP) $(POSTGRES) messages-compile
	$(BIN)/python bench/reports.py --database postgresql

bench: bench-verify bench-ingest bench-ingest-postgres bench-kiosk bench-sync bench-issue bench-reports \
	bench-reports-postgres

clean:
	rm -rf $(VENV) $(XCHECK) var test-artifacts .pytest_cache .ruff_cache .mypy_cache .hypothesis
