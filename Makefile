# The two commands a newcomer needs: `make run` and `make test`. Everything else is a step of them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Links in emails and exports are built from SITE_URL: by default, the address `make run` serves
# (its prerequisites, seeding included, inherit it).
run: export SITE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run test test-fast test-system-packages test-ralph install install-dev assets migrate seed serve lint format bench clean messages messages-compile check-messages

# The background worker runs beside the web server; when the server ends (Ctrl+C reaches both),
# the shell's exit trap stops the worker too and waits for its clean stop.
run: install assets migrate seed ## Install, build, migrate, seed the demo and serve it, with the background worker
	@echo "Serving on http://127.0.0.1:$(PORT)/ (content management at /cms/), with the background worker. Stop with Ctrl+C."
	@echo "Course packages are served from their own host, http://localhost:$(PORT)/package-content/ (the same server)."
	$(BIN)/python manage.py run_worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install-dev assets test-system-packages test-ralph ## Install and run every test (browser tests need /usr/bin/chromium)
	$(BIN)/pytest

# Ralph, the independent LRS the forwarding and pulling tests talk to, has dependencies that are
# not ours: it lives in a virtualenv of its own ($RALPH_VENV, default /tmp/ralph-venv), installed
# here once so that no test installs it on first use.
test-ralph: install-dev
	$(BIN)/python -m tests.peers.ralph_peer

test-fast: install-dev assets ## The inner loop: every test but the browser and slow ones
	$(BIN)/pytest -m "not browser and not slow"

# The SAML test identity provider (pysaml2) signs with Debian's xmlsec1 binary. The site itself
# never needs it: python3-saml's xmlsec wheel carries its own library.
test-system-packages:
	@command -v xmlsec1 >/dev/null || { \
	  echo "== installing xmlsec1 for the SAML test identity provider"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q xmlsec1 >/dev/null 2>&1 \
	    || { $$SUDO apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q xmlsec1 >/dev/null; }; }

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install only when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

static/dist/main.css: node_modules/.package-lock.json $(wildcard static/src/*) | $(VENV)/.installed
	npm run --silent build
	# Pre-compressed copies: WhiteNoise sends them to browsers that accept gzip.
	$(BIN)/python -m whitenoise.compress --quiet static/dist

assets: static/dist/main.css messages-compile ## Compile the front-end (GOV.UK Frontend with our brand) and the translations

# Translations: each app keeps its catalogue in <app>/locale, and locale/ holds the one for the
# shared templates and the project package. GNU gettext (Debian's gettext) makes and compiles them.
MO_FILES = $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po */locale/*/LC_MESSAGES/django.po))

messages: install-dev ## Gather every marked string into the catalogues (then translate the new ones)
	$(BIN)/python -m lms.catalogues gather

messages-compile: $(MO_FILES)

%/LC_MESSAGES/django.mo: %/LC_MESSAGES/django.po
	msgfmt --check-format -o $@ $<

# Fails when a catalogue lacks a translation: a string marked since the last `make messages`,
# an entry left empty, or one gettext marked fuzzy (a guess from a similar string). Gathers
# into a copy of the project, so the catalogues here stay as they are.
check-messages: install-dev
	$(BIN)/python -m lms.catalogues check

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: install
	$(BIN)/python manage.py seed_demo

lint: install-dev ## ruff, formatting, migrations and import layers (and `make check-messages`)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install-dev assets ## Benchmarks print JSON figures; never part of `make test`
	@for script in benchmarks/*.py; do [ -e "$$script" ] && $(BIN)/python "$$script"; done; true

clean:
	rm -rf $(VENV) node_modules static/dist staticfiles db.sqlite3* var
