# civic — `make run` serves the demo ward, `make test` runs everything. See README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app civic
# Where `make run` listens; both may come from the environment (PORT=8000 make run).
HOST ?= 127.0.0.1
PORT ?= 5000
APT_PACKAGES := chromium postgresql redis-server fonts-noto-cjk

.PHONY: run test suites install install-dev lock system-deps translations translations-update lint security bench clean

run: $(VENV)/.installed translations
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	$(FLASK) run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-dev system-deps translations
	$(BIN)/ruff check civic tests bench
	$(MAKE) --no-print-directory security
	$(MAKE) --no-print-directory suites

# The SQLite and PostgreSQL suites run side by side (one per core): PostgreSQL's progress is shown
# as it runs, SQLite's log is printed when both are done; either failing fails the target.
# PYTEST_ARGS narrows both (make suites PYTEST_ARGS=tests/budgets).
PYTEST_ARGS ?=
suites:
	@log=$$(mktemp); \
	$(BIN)/python -m pytest --db=sqlite $(PYTEST_ARGS) >$$log 2>&1 & lite=$$!; \
	$(BIN)/python -m pytest --db=postgresql $(PYTEST_ARGS); pg=$$?; \
	wait $$lite; lite=$$?; \
	echo "== SQLite suite"; cat $$log; rm -f $$log; \
	echo "== PostgreSQL suite exit $$pg, SQLite suite exit $$lite"; \
	[ $$pg -eq 0 ] && [ $$lite -eq 0 ]

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Every package comes from the hashed lock (pip refuses anything else); civic itself is installed
# editable with the locked setuptools, without fetching a build environment.
$(VENV)/.installed: requirements/run.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements/run.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.installed-dev: requirements/dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements/dev.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@ $(VENV)/.installed

# After changing dependencies in pyproject.toml: resolve and hash them again (needs the package index).
lock: $(VENV)/.installed-dev
	$(BIN)/uv pip compile -q pyproject.toml requirements/build.in --generate-hashes --python-version 3.11 \
	  --custom-compile-command "make lock" -o requirements/run.txt
	$(BIN)/uv pip compile -q pyproject.toml requirements/build.in --extra dev --generate-hashes \
	  --python-version 3.11 --custom-compile-command "make lock" -o requirements/dev.txt

# Debian packages the suite needs: a browser for the end-to-end tests, database and queue servers
# that the tests start themselves on 127.0.0.1, and Japanese fonts for readable screenshots.
system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	[ -d /usr/share/fonts/opentype/noto ] || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d translations >/dev/null

# After changing user-visible strings: refresh the catalogs, then translate what is new.
translations-update: $(VENV)/.installed
	$(BIN)/pybabel extract --no-wrap -F babel.cfg -k _l -o translations/messages.pot .
	$(BIN)/pybabel update --no-wrap -N -i translations/messages.pot -d translations
	rm translations/messages.pot

# bandit (settings and justified skips in pyproject.toml), then pip-audit over the locked packages
# (.ci/audit.py): a known vulnerability fails the build; an audit that could reach no vulnerability
# data says SKIPPED and how many packages went unaudited instead of passing silently.
security: $(VENV)/.installed-dev
	$(BIN)/bandit -q -c pyproject.toml -r civic
	$(BIN)/python .ci/audit.py

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check civic tests bench

bench: $(VENV)/.installed-dev
	$(BIN)/pip install --quiet -e '.[bench]'
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find translations -name '*.mo' -delete
