# Atelier Hub. `make run` and `make test` each set themselves up from nothing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app hub
PORT ?= 5000
HOST ?= 127.0.0.1
WORKERS ?= 2
# Links in emails and pages point at the address `make run` serves, unless told otherwise.
export PUBLIC_URL ?= http://$(HOST):$(PORT)

INSTALLED := $(VENV)/.installed
CATALOGS := $(patsubst %.po,%.mo,$(wildcard hub/translations/*/LC_MESSAGES/messages.po))
AXE := node_modules/axe-core/axe.min.js
# gzip and Brotli copies written beside each static file; WhiteNoise sends the one a browser accepts.
STATIC_SOURCES := $(shell find hub/static -type f ! -name '*.gz' ! -name '*.br')
STATIC := $(VENV)/.static-compressed

.PHONY: run dev test lint bench wrk static translations clean

run: $(INSTALLED) $(CATALOGS) $(STATIC)
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	@# The Procfile's processes, side by side: the web app (gunicorn) and the worker.
	PATH="$(CURDIR)/$(BIN):$$PATH" HOST=$(HOST) WEB_CONCURRENCY=$(WORKERS) \
	  $(BIN)/honcho start --port $(PORT)

dev: $(INSTALLED) $(CATALOGS) $(STATIC)
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	$(FLASK) run --debug --host $(HOST) --port $(PORT)

test: $(INSTALLED) $(CATALOGS) $(STATIC) $(AXE)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest --db=sqlite $(PYTEST_ARGS)
	$(BIN)/python -m pytest --db=postgresql $(PYTEST_ARGS)

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# BENCH_SCALES (2000,20000; add 100000 or pass BENCH_ARGS=--with-100k), BENCH_DATABASES
# (sqlite,postgresql), BENCH_EVENTS, BENCH_REGISTRATIONS, BENCH_ROUNDS, BENCH_SECONDS:
# see benchmarks/run.py.
bench: $(INSTALLED) $(CATALOGS) $(STATIC) wrk
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

# The load generator of `make bench`, from Debian's packages.
wrk:
	@command -v wrk >/dev/null || { \
	  echo "make bench needs wrk: installing Debian's package"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }

static: $(STATIC)

# Extract the strings to translate and merge them into each language's catalogue.
translations: $(INSTALLED)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_ngettext:1,2 -o hub/translations/messages.pot --no-location --omit-header --sort-output .
	$(BIN)/pybabel update -i hub/translations/messages.pot -d hub/translations --no-fuzzy-matching --ignore-obsolete --width=100

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

%.mo: %.po $(INSTALLED)
	$(BIN)/pybabel compile -i $< -o $@
	@test -s $@ || { echo "$< was not compiled (is its header marked fuzzy?)"; exit 1; }

# Stale copies of files that were removed or renamed go first.
$(STATIC): $(STATIC_SOURCES) $(INSTALLED)
	find hub/static -type f \( -name '*.gz' -o -name '*.br' \) -delete
	$(BIN)/python -m whitenoise.compress --quiet hub/static
	touch $@

$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache
	find hub/static -type f \( -name '*.gz' -o -name '*.br' \) -delete
