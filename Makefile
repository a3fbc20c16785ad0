# Cancer Alliance site. `make help` lists every target.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
CHROMIUM ?= /usr/bin/chromium

help: ## List every target with one line each
	@grep -E '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-13s %s\n", $$1, $$2}'

# Python packages come only from the hash-locked files in requirements/ (made by `make lock`):
# runtime.txt for servers, dev.txt (runtime plus tests and linters) everywhere else. The venv remembers
# which one it was built from in .venv/profile: `make install-production` makes it "runtime", and every
# later target that installs keeps it so, so a server never gains the test tools.
PROFILE = $(shell cat $(VENV)/profile 2>/dev/null || echo dev)
LOCK_FILES := requirements/runtime.txt requirements/dev.txt

$(BIN)/flask: pyproject.toml $(LOCK_FILES)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements/$(PROFILE).txt
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

node_modules/nhsuk-frontend: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(BIN)/flask node_modules/nhsuk-frontend ## Create the virtual environment; install Python and npm packages
	@true

install-production: ## On a server: the runtime packages only (no test tools), from requirements/runtime.txt
	@if [ "$$(cat $(VENV)/profile 2>/dev/null)" != runtime ]; then \
		rm -rf $(VENV) && $(PYTHON) -m venv $(VENV) && echo runtime > $(VENV)/profile; fi
	$(MAKE) --no-print-directory install

# Resolved against PyPI alone (a machine's own pip settings, such as local wheel folders, are ignored)
# so that the hashes are PyPI's. Existing pins are kept; `make lock LOCK_ARGS=--upgrade` moves them all.
PIP_COMPILE = env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_CONSTRAINT PIP_CONFIG_FILE=/dev/null \
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	--no-emit-find-links --index-url https://pypi.org/simple $(LOCK_ARGS)

lock: $(BIN)/flask ## Lock every Python package, with hashes, from pyproject.toml into requirements/
	$(PIP_COMPILE) --output-file requirements/runtime.txt pyproject.toml
	$(PIP_COMPILE) --extra test --constraint requirements/runtime.txt --output-file requirements/dev.txt pyproject.toml

check-production-install: ## Install requirements/runtime.txt alone into a fresh venv and start the site in production
	.ci/production-install

.PHONY: install-production lock check-production-install

assets: install ## Copy the NHS.UK frontend's compiled CSS, JS and images into static/
	$(BIN)/flask assets build

translations: install ## Extract interface strings, update and compile every catalogue
	$(BIN)/flask translate extract
	$(BIN)/flask translate update
	$(BIN)/flask translate compile

compile-translations: install ## Compile the catalogues (.po to .mo)
	$(BIN)/flask translate compile >/dev/null

db: install ## Apply database migrations
	$(BIN)/flask db upgrade

deploy: install ## Install or upgrade: migrations, assets, translations, search indexes (never loads content/)
	$(BIN)/flask deploy

seed: db ## Add the demo content from content/ that the database lacks (never changes what exists)
	$(BIN)/flask seed

setup: deploy seed ## Everything `make run` needs, with the demo content, without serving
	@true

run: setup ## Set everything up and serve the site on http://127.0.0.1:5000 (SQLite), with the mail sender beside it
	$(BIN)/flask mail send --loop & mailer=$$!; trap 'kill $$mailer 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask run --host 127.0.0.1 --port 5000

serve: ## Serve the site under gunicorn (production settings from the environment; see docs/deploy.md)
	ALLIANCE_ENV=$${ALLIANCE_ENV:-production} $(BIN)/gunicorn --config site/alliance/ops/gunicorn_conf.py wsgi:app

chromium: ## Install Debian's Chromium for the browser tests when it is missing
	@test -x $(CHROMIUM) || (apt-get update -qq && apt-get install -y -qq chromium)

test: setup chromium ## Run the whole suite: unit, integration (SQLite; PostgreSQL when TEST_DATABASE_URL is set), browser
	$(BIN)/python -m pytest

lint: install ## ruff, ruff format --check, mypy (services and presenters), deptry, translation checks
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/deptry .
	$(BIN)/python -m pytest -q tests/unit/test_translations.py

format: install ## Format the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean: ## Remove the virtual environment, node_modules, built assets and the local database
	rm -rf $(VENV) node_modules site/alliance/static/nhsuk instance

.PHONY: help install assets translations compile-translations db deploy seed setup run serve chromium test lint format clean
