# The two commands of the quick start: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/orderbot run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy core jobs bot sandbox cli
	$(BIN)/lint-imports

# The web chat's browser tests drive Debian's chromium; installed here when missing (as root, or with sudo).
CHROMIUM := /usr/bin/chromium
APT := $(shell [ "$$(id -u)" = 0 ] && echo apt-get || echo sudo -n apt-get)

browser:
	@test -x $(CHROMIUM) || { $(APT) update -qq && $(APT) install -y -qq chromium fonts-noto-color-emoji; } \
		|| { echo "chromium could not be installed: the web chat's browser tests need it (apt-get install chromium)"; exit 1; }

test: lint browser
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
