# Office Hub: `make run` sets everything up and serves the app; `make test` runs the whole suite.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
PORT ?= 5000
FEATURES := suggestions repairs visits meetings requests tasks satisfaction reports rooms
export FLASK_APP := wsgi.py

.PHONY: run setup test lint chromium bench audit i18n-extract i18n-compile

# The scheduler (periodic jobs, see app/scheduler.py) runs beside gunicorn and stops with it.
run: setup
	$(BIN)/flask scheduler & scheduler=$$!; trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn --no-control-socket --workers 2 --threads 4 --bind 127.0.0.1:$(PORT) wsgi:app

setup: $(VENV)/.installed i18n-compile
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo --if-empty

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Two pytest workers (pytest-xdist), a test file to each at a time: most of a test's time is spent waiting
# (on Chromium, a server starting, a scheduler's tick), so two run in little more than the time of one.
# `make test PYTEST_ARGS="-n 0 -x"` runs them one by one.
PYTEST_ARGS ?= -n 2 --dist loadfile
test: $(VENV)/.dev-installed i18n-compile chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# ruff (style, bugs, complexity) and vulture (dead code); settings in pyproject.toml.
lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/vulture

# Browser tests use Debian's Chromium; test tools never download a browser of their own.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei fonts-noto-color-emoji >/dev/null; \
	  else \
	    echo "Chromium is missing: install Debian's package with 'sudo apt-get install chromium'." >&2; exit 1; \
	  fi; \
	fi

# The web's own checks on every role's main pages (audit/run.py): Lighthouse 12 mobile and the Nu HTML
# Checker, both from npm as pinned in audit/package-lock.json; Lighthouse drives Debian's Chromium
# (CHROME_PATH), and vnu-jar runs on the machine's Java (its Java-downloading install script is skipped).
audit: $(VENV)/.dev-installed i18n-compile chromium audit/node_modules/.installed
	CHROME_PATH=/usr/bin/chromium $(BIN)/python audit/run.py

audit/node_modules/.installed: audit/package.json audit/package-lock.json
	cd audit && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

bench: $(VENV)/.dev-installed i18n-compile
	$(BIN)/python -m bench $(BENCH_ARGS)

# Each feature owns a catalog in app/<feature>/translations; the core catalog is app/translations.
# --ignore-dirs: Babel skips folders starting with "_" by default, which would leave templates/_macros out.
i18n-extract: $(VENV)/.installed
	$(BIN)/pybabel -q extract --no-wrap --ignore-dirs=".*" -F babel.cfg -k _l -o app/translations/messages.pot app templates
	$(BIN)/pybabel -q update --no-wrap -i app/translations/messages.pot -d app/translations
	@for f in $(FEATURES); do \
	  if [ -d app/$$f/translations ]; then \
	    $(BIN)/pybabel -q extract --no-wrap --ignore-dirs=".*" -F babel.cfg -k _l -o app/$$f/translations/messages.pot app/$$f templates/$$f && \
	    $(BIN)/pybabel -q update --no-wrap -i app/$$f/translations/messages.pot -d app/$$f/translations; \
	  fi; \
	done

# One .mo per catalog, compiled only when its .po changed: the CI runs two suites at once, and a catalog
# rewritten under a running suite would be read half-written.
CATALOGS := $(wildcard app/translations/*/LC_MESSAGES/messages.po app/*/translations/*/LC_MESSAGES/messages.po)
i18n-compile: $(CATALOGS:.po=.mo)

%/LC_MESSAGES/messages.mo: %/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel -q compile -i $< -o $@
