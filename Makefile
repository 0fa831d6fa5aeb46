# quizapp — the two commands: `make run` (set up and serve with demo data) and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-pg setup translations browser lint clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $(STAMP)

setup: $(STAMP) translations

# Compile every area's Vietnamese catalogue (.mo files are build products, not committed).
translations: $(STAMP)
	@for d in quizapp/translations quizapp/*/translations quizapp/*/translations_*; do \
	  if [ -d $$d ]; then $(BIN)/pybabel compile -f -d $$d >/dev/null 2>&1 || { $(BIN)/pybabel compile -f -d $$d; exit 1; }; fi; done

run: setup
	$(BIN)/flask --app quizapp init --demo
	@echo "quizapp is serving at http://$(HOST):$(PORT)/  (log in with a demo account above; Ctrl+C stops)"
	$(BIN)/flask --app quizapp run --host $(HOST) --port $(PORT)

# Browser tests need Chromium: Debian's package where there is one (installed here if we are
# root on Debian), otherwise Playwright's own build. Never skipped.
browser: $(STAMP)
	@if [ -x /usr/bin/chromium ] || [ -n "$$QUIZAPP_CHROMIUM" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else $(BIN)/playwright install chromium; fi

lint: $(STAMP)
	$(BIN)/ruff check quizapp tests bench
	$(BIN)/ruff format --check quizapp tests bench
	$(BIN)/bandit -ll -q -r quizapp

test: setup browser lint
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

# The same suite against PostgreSQL: QUIZAPP_TEST_DATABASE_URL=postgresql+psycopg://… make test-pg
test-pg: setup browser
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
	find quizapp -name '*.mo' -delete
