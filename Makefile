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

.PHONY: run dev test lint bench translations clean

run: $(INSTALLED) $(CATALOGS)
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile - wsgi:app

dev: $(INSTALLED) $(CATALOGS)
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	$(FLASK) run --debug --host $(HOST) --port $(PORT)

test: $(INSTALLED) $(CATALOGS) $(AXE)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest --db=sqlite $(PYTEST_ARGS)
	$(BIN)/python -m pytest --db=postgresql $(PYTEST_ARGS)

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(INSTALLED) $(CATALOGS)
	$(BIN)/python -m benchmarks.run

# Extract the strings to translate and merge them into each language's catalogue.
translations: $(INSTALLED)
	$(BIN)/pybabel extract -F babel.cfg -k _l -o hub/translations/messages.pot --no-location --omit-header --sort-output .
	$(BIN)/pybabel update -i hub/translations/messages.pot -d hub/translations --no-fuzzy-matching --ignore-obsolete --width=100

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

%.mo: %.po $(INSTALLED)
	$(BIN)/pybabel compile -i $< -o $@
	@test -s $@ || { echo "$< was not compiled (is its header marked fuzzy?)"; exit 1; }

$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache
