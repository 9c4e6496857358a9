# svdiversion: the two commands a new user needs are `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: run test test-fast lint format bench clean sample fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

$(DEVSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@ $(STAMP)

## run: install if needed and print the treasurer's monthly pack for the shipped ledger
run: $(STAMP)
	$(BIN)/svdiversion check
	$(BIN)/svdiversion report

## test: install the development extras and run the whole suite, a process per core
## (pytest-xdist; each test file stays in one process, so module fixtures are built once)
PYTEST_PARALLEL ?= -n auto --dist loadfile
test: $(DEVSTAMP)
	$(BIN)/pytest $(PYTEST_PARALLEL)

## test-fast: the inner loop: the suite less the tests marked slow (LibreOffice, pip,
## whole processes, the fuzz run)
test-fast: $(DEVSTAMP)
	$(BIN)/pytest $(PYTEST_PARALLEL) -m "not slow"

## lint: ruff (lint and format check), mypy and pyright, and the layering contracts (lint-imports)
lint: $(DEVSTAMP)
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts
	$(BIN)/mypy
	$(BIN)/pyright --pythonpath $(BIN)/python
	$(BIN)/lint-imports

format: $(DEVSTAMP)
	$(BIN)/ruff format src tests scripts
	$(BIN)/ruff check --fix src tests scripts

## sample: regenerate the shipped illustrative activity (deterministic)
sample: $(STAMP)
	$(BIN)/python scripts/make_sample.py

## fuzz: the long structured fuzz run (FUZZ_MINUTES, default 10); new failures go to tests/fuzz_corpus/
FUZZ_MINUTES ?= 10
fuzz: $(DEVSTAMP)
	$(BIN)/python scripts/fuzz.py --minutes $(FUZZ_MINUTES)

## bench: the benchmark (not part of test); writes docs/performance.md
bench: $(DEVSTAMP)
	$(BIN)/python scripts/bench.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info src/*.egg-info
