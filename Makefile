# The two commands: `make run` (a working site from a fresh clone) and `make test` (the whole suite).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
HOST ?= 127.0.0.1
# The embedded default is a development site; production sets DEBUG=false and its own SECRET_KEY.
export DEBUG ?= true
PORT ?= 8000
# Digest emails and feeds link to the site they were made on: by default the one `make run` serves.
export SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: run setup test lint browser pandoc lock clean screenshots site-url digest-preview

# The venv is re-synced whenever the lock file changes; pip checks every hash in it.
$(VENV)/.installed: requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	touch $@

setup: $(VENV)/.installed
	mkdir -p var
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py import_papers --no-progress $(SHARED)/seeds/*.txt $(SHARED)/data/hf_daily_papers_753.json
	$(BIN)/python manage.py create_demo_account
	$(BIN)/python manage.py train_recommender

run: setup
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Browser tests drive Debian's chromium; install it when missing (root on the dev and CI machines).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Export tests read our files with the client a reader would use: pandoc's citeproc (Debian's package).
pandoc:
	@command -v pandoc >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pandoc >/dev/null; }

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: $(VENV)/.installed browser pandoc
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest
	$(MAKE) --no-print-directory lint

# The site URL links are made with (`make site-url PORT=8024`), and the digests that would be sent now,
# printed with those links instead of sent.
site-url:
	@echo $(SITE_URL)

digest-preview: $(VENV)/.installed
	$(BIN)/python manage.py send_digests --dry-run

# Screenshots of the main pages (1280 and 390 px, light and dark) from the site `make run PORT=…` serves,
# into var/screenshots (not committed).
screenshots: $(VENV)/.installed browser
	$(BIN)/python -m bench.screenshots --base-url $(SITE_URL) --out var/screenshots

# Regenerate requirements.lock after editing pyproject.toml.
lock: $(VENV)/.installed
	$(BIN)/uv pip compile pyproject.toml --group dev --generate-hashes --python-version 3.11 -o requirements.lock -q

clean:
	rm -rf $(VENV) var staticfiles
