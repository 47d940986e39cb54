# The two set-up commands: `make run` and `make test`. Both create .venv when it is missing
# and (re)install the project when pyproject.toml changes.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test bench lint format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-run

# Byte-compiling first keeps start-up fast even where PYTHONDONTWRITEBYTECODE is set
# (Python then recompiles every changed module on each launch, ~17 ms before the first frame).
run: $(VENV)/.installed-run
	@$(BIN)/python -m compileall -q glutecoach
	$(BIN)/glutecoach $(ARGS)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-test
	@$(BIN)/python -m compileall -q glutecoach
	$(BIN)/python tests/bench/run_all.py $(ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache .mypy_cache
