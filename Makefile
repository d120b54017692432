# civic — `make run` serves the demo ward, `make test` runs everything. See README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app civic
# Where `make run` listens; both may come from the environment (PORT=8000 make run).
HOST ?= 127.0.0.1
PORT ?= 5000
APT_PACKAGES := chromium postgresql redis-server fonts-noto-cjk

.PHONY: run test install install-dev system-deps translations translations-update lint security bench clean

run: $(VENV)/.installed translations
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	$(FLASK) run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-dev system-deps translations
	$(BIN)/ruff check civic tests bench
	$(MAKE) --no-print-directory security
	$(BIN)/python -m pytest --db=sqlite
	$(BIN)/python -m pytest --db=postgresql

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

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

# bandit (settings and justified skips in pyproject.toml) and pip-audit against the PyPI
# vulnerability service. Findings fail the build; only an unreachable service is skipped, saying so.
security: $(VENV)/.installed-dev
	$(BIN)/bandit -q -c pyproject.toml -r civic
	@out=$$($(BIN)/pip-audit --progress-spinner off --skip-editable 2>&1); rc=$$?; \
	if [ $$rc -ne 0 ]; then \
	  if echo "$$out" | grep -qiE "ConnectionError|NewConnectionError|Max retries|Name or service not known|Temporary failure in name resolution|timed out|Network is unreachable"; then \
	    echo "pip-audit SKIPPED: the PyPI vulnerability service cannot be reached from here (network failure)."; \
	  else echo "$$out"; exit $$rc; fi; \
	else \
	  echo "$$out" | grep -v "Dependency not found on PyPI" ; \
	  missing=$$(echo "$$out" | grep -c "Dependency not found on PyPI"); \
	  if [ "$$missing" -gt 0 ]; then \
	    echo "pip-audit: $$missing installed packages could not be looked up on PyPI (no access to its API from here, or not published there); those were NOT audited."; \
	  fi; \
	fi

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check civic tests bench

bench: $(VENV)/.installed-dev
	$(BIN)/pip install --quiet -e '.[bench]'
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find translations -name '*.mo' -delete
