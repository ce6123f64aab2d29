# Samspil: `make run` sets everything up and serves the demo; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PIP_QUIET := --quiet --disable-pip-version-check
MANAGE := $(BIN)/python manage.py
DKFDS_DIR := static/vendor/dkfds

.PHONY: run test bench lint check setup assets messages migrate demo worker clean browser-deps gettext-deps pdf-deps bench-deps

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install $(PIP_QUIET) -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(DKFDS_DIR)/.built: node_modules/.installed
	rm -rf $(DKFDS_DIR) && mkdir -p $(DKFDS_DIR)
	cp -r node_modules/dkfds/dist/css node_modules/dkfds/dist/js node_modules/dkfds/dist/fonts node_modules/dkfds/dist/img $(DKFDS_DIR)/
	touch $@

# Danish catalogues: the project's own and Wagtail's completed ones (locale/wagtail/<app>/).
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po locale/wagtail/*/*/LC_MESSAGES/*.po))

# GNU gettext's msgfmt compiles them; Debian's package when it is missing.
gettext-deps:
	@command -v msgfmt >/dev/null 2>&1 || \
	  (apt-get install -y -qq gettext >/dev/null 2>&1 || \
	   (apt-get update -qq >/dev/null && apt-get install -y -qq gettext >/dev/null))

%.mo: %.po | gettext-deps
	@msgfmt --check -o $@ $<

messages: $(MO_FILES)

setup: $(BIN)/.installed $(DKFDS_DIR)/.built messages pdf-deps
assets: $(DKFDS_DIR)/.built

migrate: setup
	@$(MANAGE) migrate --noinput -v 0
	@$(MANAGE) createcachetable

# The demo's site address follows the port it is served on.
export BASE_URL ?= http://127.0.0.1:$(PORT)

demo: migrate
	@$(MANAGE) seed_demo

# The embedded default: SQLite, the django-tasks-db worker beside the web server, mail in var/mail/.
run: demo
	@mkdir -p var/mail
	@echo "Samspil kører på http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/)"
	@trap 'kill 0' EXIT INT TERM; \
	$(MANAGE) db_worker --queue-name '*' >var/worker.log 2>&1 & \
	$(MANAGE) runserver --noreload 127.0.0.1:$(PORT)

# Chromium from Debian for the browser tests; never a downloaded browser.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || /usr/bin/chromium --version >/dev/null 2>&1 || \
	  (echo "Installerer Debians chromium til browsertestene ..." && \
	   (apt-get install -y -qq chromium >/dev/null 2>&1 || \
	    (apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null)))

# Pango and a font from Debian for WeasyPrint (attendance lists as PDF); only when missing.
PDF_DEBS := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
pdf-deps:
	@{ ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0' && \
	   test -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf; } || \
	  (echo "Installerer Debians Pango til PDF-udskrifter ..." && \
	   (apt-get install -y -qq $(PDF_DEBS) >/dev/null 2>&1 || \
	    (apt-get update -qq >/dev/null && apt-get install -y -qq $(PDF_DEBS) >/dev/null)))

# wrk from Debian for bench/pagecache.py's load (it falls back to a slower Python one).
bench-deps:
	@command -v wrk >/dev/null 2>&1 || \
	  (echo "Installerer Debians wrk til benchmarks ..." && \
	   (apt-get install -y -qq wrk >/dev/null 2>&1 || \
	    (apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null)))

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: setup
	DJANGO_SETTINGS_MODULE=samspil.settings.test $(MANAGE) check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=samspil.settings.test $(MANAGE) makemigrations --check --dry-run

test: setup browser-deps
	$(BIN)/pytest -q -p no:cacheprovider

bench: setup bench-deps
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/pagecache.py
	$(BIN)/python bench/digests.py --subscribers 20000
	$(BIN)/python bench/events.py
	$(BIN)/python bench/dialog.py
	$(BIN)/python bench/mail.py --subscribers 20000
	$(BIN)/python bench/photos.py --photos 30
	$(BIN)/python bench/screen.py
	$(BIN)/python bench/facilities.py
	@case "$$DATABASE_URL" in postgres*) $(BIN)/python bench/mixed.py ;; \
	  *) echo "bench/mixed.py (2 web, 2 RQ workers) needs DATABASE_URL=postgres://…" ;; esac

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles var media db.sqlite3
